"""Mobile Identity (TS 24.008 §10.5.1.4) without keeping permanent identities in clear.

Paging messages carry TMSIs (temporary, reassigned by the network) or, more rarely, IMSIs (permanent
subscriber identities); an IMSI catcher pages IMSIs far more than a real network does. sdrscan counts and
compares identities but must never store an IMSI or IMEI: a parsed identity keeps only its type, digit
count, the MCC (first three IMSI digits, which name a country, not a person) and an HMAC-SHA256 digest
under a key (``identity_digest``). The same IMSI under the same key gives the same digest, so repeats can
be counted. TMSIs are kept as integers: they are short-lived pseudonyms that the network itself broadcasts
in clear and that rules need to compare (e.g. paging of the same TMSI on two cells).

The key comes from :func:`identity_key_scope` (the parser sets it from its ``identity_key`` argument);
without one, a random per-process key is used, so digests are comparable only within one run.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum

from sdrscan.gsm.rr.bits import EncodeError

_PROCESS_KEY = secrets.token_bytes(32)
_KEY: contextvars.ContextVar[bytes | None] = contextvars.ContextVar("sdrscan_identity_key", default=None)


class IdentityType(IntEnum):
    """Type of identity, TS 24.008 §10.5.1.4 Table 10.5.4 (octet 3 bits 3..1)."""

    NONE = 0
    IMSI = 1
    IMEI = 2
    IMEISV = 3
    TMSI = 4  # TMSI / P-TMSI / M-TMSI
    TMGI = 5


def identity_digest(identity_bytes: bytes | str, key: bytes) -> str:
    """HMAC-SHA256 (hex) of an identity's digits under ``key``.

    >>> identity_digest("001010123456789", b"k")[:16]
    '27a7662778572809'
    """
    data = identity_bytes.encode("ascii") if isinstance(identity_bytes, str) else bytes(identity_bytes)
    return hmac.new(key, data, hashlib.sha256).hexdigest()


@contextlib.contextmanager
def identity_key_scope(key: bytes | None) -> Iterator[None]:
    """Use ``key`` for the digests of identities parsed inside the ``with`` block (None: process key)."""
    token = _KEY.set(key)
    try:
        yield
    finally:
        _KEY.reset(token)


def _current_key() -> bytes:
    key = _KEY.get()
    return _PROCESS_KEY if key is None else key


@dataclass(frozen=True, slots=True)
class MobileIdentity:
    """A parsed Mobile Identity. IMSI/IMEI digits are never kept, only ``digest``.

    ``value`` holds the raw octets only for identities that are not personal (no identity, TMGI), so that
    those re-encode exactly.
    """

    type: int
    tmsi: int | None = None
    digest: str | None = None
    mcc: str | None = None
    n_digits: int = 0
    value: bytes | None = None

    @property
    def is_permanent(self) -> bool:
        return self.type in (IdentityType.IMSI, IdentityType.IMEI, IdentityType.IMEISV)

    @classmethod
    def from_tmsi(cls, tmsi: int) -> MobileIdentity:
        if not 0 <= tmsi <= 0xFFFFFFFF:
            raise EncodeError(f"TMSI {tmsi} outside 0..0xFFFFFFFF")
        return cls(IdentityType.TMSI, tmsi=tmsi)

    def encode_value(self) -> bytes:
        """The IE value octets (without length). IMSI/IMEI cannot be re-encoded: their digits are gone."""
        if self.type == IdentityType.TMSI and self.tmsi is not None:
            return bytes([0xF4]) + self.tmsi.to_bytes(4, "big")
        if self.value is not None:
            return self.value
        raise EncodeError(f"identity type {self.type} was parsed without its digits (privacy); "
                          "build the message from a ClearIdentity instead")


@dataclass(frozen=True, slots=True)
class ClearIdentity:
    """An IMSI/IMEI/IMEISV in clear, for *building* synthetic paging only. Its repr hides the digits."""

    type: int
    digits: str = field(repr=False)

    def __post_init__(self) -> None:
        if not self.digits.isdigit() or not 1 <= len(self.digits) <= 16:
            raise EncodeError("identity digits must be 1..16 decimal digits")
        if self.type not in (IdentityType.IMSI, IdentityType.IMEI, IdentityType.IMEISV):
            raise EncodeError(f"ClearIdentity is for IMSI/IMEI/IMEISV, not type {self.type}")

    @classmethod
    def imsi(cls, digits: str) -> ClearIdentity:
        return cls(IdentityType.IMSI, digits)

    @property
    def is_permanent(self) -> bool:
        return True

    def encode_value(self) -> bytes:
        d = self.digits
        odd = len(d) % 2
        out = bytearray([int(d[0]) << 4 | odd << 3 | int(self.type)])
        rest = d[1:]
        for i in range(0, len(rest), 2):
            lo = int(rest[i])
            hi = int(rest[i + 1]) if i + 1 < len(rest) else 0xF
            out.append(hi << 4 | lo)
        return bytes(out)


def decode_mobile_identity(value: bytes) -> MobileIdentity:
    """Parse the value octets of a Mobile Identity IE (TS 24.008 §10.5.1.4).

    Raises
    ------
    ValueError
        If the octets are not a valid identity of their type (wrong length, non-decimal digits).
    """
    if not value:
        raise ValueError("empty mobile identity")
    id_type = value[0] & 0x07
    if id_type == IdentityType.TMSI:
        if len(value) != 5:
            raise ValueError(f"TMSI identity of {len(value)} octets, expected 5")
        return MobileIdentity(IdentityType.TMSI, tmsi=int.from_bytes(value[1:5], "big"))
    if id_type in (IdentityType.IMSI, IdentityType.IMEI, IdentityType.IMEISV):
        odd = (value[0] >> 3) & 1
        nibbles = [value[0] >> 4]
        for b in value[1:]:
            nibbles += [b & 0x0F, b >> 4]
        if not odd:
            if nibbles[-1] != 0xF:
                raise ValueError("even identity without the 1111 filler")
            nibbles = nibbles[:-1]
        if any(n > 9 for n in nibbles):
            raise ValueError("identity digit outside 0..9")
        digits = "".join(map(str, nibbles))
        return MobileIdentity(id_type, digest=identity_digest(digits, _current_key()),
                              mcc=digits[:3] if id_type == IdentityType.IMSI else None, n_digits=len(digits))
    return MobileIdentity(id_type, value=bytes(value))
