"""Message-type dispatch: one entry point that turns an L2 block into a typed RR message or a reason.

``parse_rr`` checks the L2 pseudo length octet (TS 44.018 §10.5.2.19), the RR header (skip indicator 0,
protocol discriminator 6: TS 24.007 §11.2.3), looks the message type up in :data:`MESSAGE_TYPES`
(TS 44.018 §10.4) and decodes it. It never lets anything but :class:`~sdrscan.errors.RrParseError`
escape, with one of the short reasons of :data:`REASONS`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sdrscan.errors import RrParseError
from sdrscan.gsm.rr import messages as m
from sdrscan.gsm.rr.bits import BitsExhausted
from sdrscan.gsm.rr.identity import identity_key_scope
from sdrscan.gsm.rr.ies import BadIE

RrResult = m.RrMessage | m.L2FillFrame

# TS 44.018 §10.4, Table 10.4.1: the message types this module decodes.
MESSAGE_TYPES: dict[int, type[m.RrMessage]] = {
    cls.MESSAGE_TYPE: cls
    for cls in (
        m.SystemInformation13, m.SystemInformation2bis, m.SystemInformation2ter, m.SystemInformation9,
        m.SystemInformation5bis, m.SystemInformation5ter, m.SystemInformation2quater,
        m.SystemInformation8, m.SystemInformation1, m.SystemInformation2, m.SystemInformation3,
        m.SystemInformation4, m.SystemInformation5, m.SystemInformation6, m.SystemInformation7,
        m.NotificationNch, m.PagingRequestType1, m.PagingRequestType2, m.PagingRequestType3,
        m.ImmediateAssignmentExtended, m.ImmediateAssignmentReject, m.ImmediateAssignment,
    )
}

# Known RR message types on the downlink common channels that are recognised but not decoded.
UNSUPPORTED_MESSAGE_TYPES: dict[int, str] = {
    0x3D: "SI16", 0x3E: "SI17", 0x40: "SI18", 0x41: "SI19", 0x42: "SI20", 0x43: "SI14", 0x44: "SI15",
    0x45: "SI2n", 0x46: "SI21", 0x47: "SI22", 0x48: "SI23", 0x3B: "Additional Assignment",
    0x4E: "Packet Notification", 0x6A: "EC-Immediate Assignment Type 1", 0x01: "SI13alt",
}

REASONS = (
    "short_block",  # fewer than 3 octets, or the fixed IEs do not fit
    "bad_pseudo_length",  # bits 2..1 of octet 1 are not 01, or the length points past the block
    "not_rr",  # protocol discriminator is not 6 (RR management)
    "skip_indicator",  # skip indicator is not 0: the message must be ignored (TS 24.007 §11.2.3.1.2)
    "unknown_message_type",
    "unsupported_message_type",  # a valid RR type sdrscan does not decode (SI16, SI21, ...)
    "bad_ie",  # an IE with invalid content (non-BCD MCC, impossible identity length ...)
    "rest_octets",  # the CSN.1 rest octets run past the block
    "internal_error",  # a bug in this module; the fuzz tests require zero of these
)


def parse_rr(block: bytes, *, identity_key: bytes | None = None) -> RrResult:
    """Decode one L2 block (23 octets on BCCH/CCCH, 19 for SACCH System Information).

    Parameters
    ----------
    block : bytes
        The block, L2 pseudo length octet first.
    identity_key : bytes, optional
        HMAC key for IMSI/IMEI digests (see :mod:`sdrscan.gsm.rr.identity`); default: a per-process key.

    Returns
    -------
    RrMessage or L2FillFrame

    Raises
    ------
    RrParseError
        With ``reason`` one of :data:`REASONS`.
    """
    try:
        block = bytes(block)
    except (TypeError, ValueError):
        raise RrParseError("short_block", f"expected bytes, got {type(block).__name__}") from None
    if len(block) < 3:
        raise RrParseError("short_block", f"{len(block)} octets; an RR message needs at least 3")
    if m.is_fill_frame(block):
        return m.L2FillFrame()
    if block[0] & 0b11 != 0b01:
        raise RrParseError("bad_pseudo_length", f"octet 1 = 0x{block[0]:02x}, bits 2..1 must be 01")
    length = block[0] >> 2
    if length > len(block) - 1:
        raise RrParseError("bad_pseudo_length", f"L2 pseudo length {length} but only {len(block) - 1} octets follow")
    pd, skip = block[1] & 0x0F, block[1] >> 4
    if pd != m.RR_PROTOCOL_DISCRIMINATOR:
        raise RrParseError("not_rr", f"protocol discriminator {pd}, expected 6 (RR)")
    if skip != 0:
        raise RrParseError("skip_indicator", f"skip indicator {skip}, expected 0")
    mt = block[2]
    cls = MESSAGE_TYPES.get(mt)
    if cls is None:
        if mt in UNSUPPORTED_MESSAGE_TYPES:
            raise RrParseError("unsupported_message_type", f"0x{mt:02x} ({UNSUPPORTED_MESSAGE_TYPES[mt]})")
        raise RrParseError("unknown_message_type", f"0x{mt:02x}")
    try:
        with identity_key_scope(identity_key):
            return cls.parse_body(block)
    except BadIE as exc:
        raise RrParseError("bad_ie", f"{cls.NAME}: {exc}") from None
    except m.RestOctetsError as exc:
        raise RrParseError("rest_octets", f"{cls.NAME}: {exc}") from None
    except BitsExhausted as exc:
        raise RrParseError("short_block", f"{cls.NAME}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - never let a malformed block crash a scan
        raise RrParseError("internal_error", f"{cls.NAME}: {type(exc).__name__}: {exc}") from None


def try_parse_rr(block: bytes, *, identity_key: bytes | None = None) -> RrResult | RrParseError:
    """Like :func:`parse_rr`, but returns the error instead of raising it."""
    try:
        return parse_rr(block, identity_key=identity_key)
    except RrParseError as exc:
        return exc


@dataclass(frozen=True, slots=True)
class SacchFrame:
    """A downlink SACCH block: the L1 header (TS 44.004 §7: ordered MS power level, FPC, ordered timing
    advance) and the RR message its LAPDm UI frame (format B4, TS 44.006 §2.1, §3) carries."""

    ms_power_level: int
    fpc: int
    timing_advance: int
    sapi: int
    message: RrResult


def parse_sacch(block: bytes, *, identity_key: bytes | None = None) -> SacchFrame:
    """Decode a 23-octet downlink SACCH block: L1 header, LAPDm address + UI control, then the 19-octet
    SI5/SI5bis/SI5ter/SI6 (or any RR message) with its L2 pseudo length.

    Raises
    ------
    RrParseError
        ``short_block``; ``not_rr`` if the LAPDm frame is not a UI frame on SAPI 0; or the reasons of
        :func:`parse_rr`.
    """
    block = bytes(block)
    if len(block) < 7:
        raise RrParseError("short_block", f"{len(block)} octets; a SACCH block has 23")
    address, control = block[2], block[3]
    sapi = (address >> 2) & 0b111
    if not address & 1 or control & 0xEF != 0x03 or sapi != 0:
        raise RrParseError("not_rr", f"LAPDm address 0x{address:02x} control 0x{control:02x}; expected a UI frame "
                                     "on SAPI 0 (address 0x01/0x03, control 0x03)")
    return SacchFrame(block[0] & 0x1F, (block[0] >> 5) & 1, block[1] & 0x7F, sapi,
                      parse_rr(block[4:], identity_key=identity_key))


@dataclass(slots=True)
class ParseStats:
    """Counts of decoded messages (by name) and of failures (by reason)."""

    ok: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)

    def record(self, result: RrResult | RrParseError) -> None:
        if isinstance(result, RrParseError):
            self.failed[result.reason] += 1
        else:
            self.ok[result.NAME] += 1

    def parse(self, block: bytes, *, identity_key: bytes | None = None) -> RrResult | RrParseError:
        """Parse and count in one step."""
        result = try_parse_rr(block, identity_key=identity_key)
        self.record(result)
        return result

    @property
    def total(self) -> int:
        return sum(self.ok.values()) + sum(self.failed.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"ok": dict(self.ok), "failed": dict(self.failed)}
