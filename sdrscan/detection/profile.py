"""Operator profiles: which networks are expected where the sensor stands, and their usual channels.

A profile is a TOML file (``sdrscan/data/profiles/<name>.toml`` for the built-in ones, or any path)::

    name = "china"
    title = "China (MCC 460)"
    mcc = [460]                      # countries whose networks are expected here

    [[operators]]
    name = "China Mobile"
    mcc = 460
    mnc = ["00", "02", "04", "07", "08"]   # as broadcast: "00" and "000" are different networks
    arfcn = [[1, 94], [512, 586]]          # inclusive BCCH channel blocks (TS 45.005 §2 numbering)
    ncc = []                               # network colour codes in use; empty = unknown (learned)

Rules use it to tell an unexpected network (``unexpected-plmn``), a channel outside the operator's blocks
(``foreign-channel``) and an unusual NCC (``unusual-ncc``), and to group an operator's several MNCs as one
operator (China Mobile broadcasts 460-00 and 460-02 ... from one network).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sdrscan.errors import ConfigError

BUILTIN_PACKAGE = "sdrscan"
BUILTIN_DIR = "data/profiles"


@dataclass(frozen=True, slots=True)
class Operator:
    """One operator: its PLMN codes, BCCH channel blocks and (when known) network colour codes."""

    name: str
    mcc: int
    mncs: tuple[str, ...]
    arfcn_ranges: tuple[tuple[int, int], ...] = ()
    nccs: tuple[int, ...] = ()

    def owns(self, mcc: int | None, mnc: str | None) -> bool:
        return mcc == self.mcc and mnc in self.mncs

    def channel_known(self, arfcn: int) -> bool:
        """True when ``arfcn`` lies in one of the operator's blocks (always True when none are listed)."""
        return not self.arfcn_ranges or any(lo <= arfcn <= hi for lo, hi in self.arfcn_ranges)


@dataclass(frozen=True, slots=True)
class Profile:
    """Expected countries and operators (see the module docstring for the file format)."""

    name: str
    title: str
    mccs: tuple[int, ...]
    operators: tuple[Operator, ...]
    source: str = ""

    def operator_of(self, mcc: int | None, mnc: str | None) -> Operator | None:
        for op in self.operators:
            if op.owns(mcc, mnc):
                return op
        return None

    def mnc_known(self, mcc: int) -> bool:
        """True when the profile lists operators of this country (so an unknown MNC there is news)."""
        return any(op.mcc == mcc for op in self.operators)


def builtin_profiles() -> tuple[str, ...]:
    """Names of the profiles shipped with sdrscan."""
    folder = resources.files(BUILTIN_PACKAGE).joinpath(BUILTIN_DIR)
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml")))


def _fail(where: str, key: str, value: Any, expected: str) -> ConfigError:
    return ConfigError(f"profile {where}: {key}={value!r}; expected {expected}")


def _int_list(where: str, key: str, v: Any, lo: int, hi: int) -> tuple[int, ...]:
    if not isinstance(v, list) or any(not isinstance(x, int) or isinstance(x, bool) or not lo <= x <= hi
                                      for x in v):
        raise _fail(where, key, v, f"a list of integers {lo}..{hi}")
    return tuple(v)


def _operator(where: str, raw: Any, i: int) -> Operator:
    at = f"{where} operators[{i}]"
    if not isinstance(raw, dict):
        raise _fail(at, "operator", raw, "a table with name, mcc, mnc, arfcn, ncc")
    unknown = set(raw) - {"name", "mcc", "mnc", "arfcn", "ncc"}
    if unknown:
        raise ConfigError(f"profile {at}: unknown key {sorted(unknown)[0]!r}; expected name, mcc, mnc, arfcn, ncc")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise _fail(at, "name", name, "a non-empty string")
    mcc = raw.get("mcc")
    if not isinstance(mcc, int) or not 0 <= mcc <= 999:
        raise _fail(at, "mcc", mcc, "an integer 0..999")
    mncs = raw.get("mnc")
    if not isinstance(mncs, list) or not mncs or any(not isinstance(m, str) or not m.isdigit() or len(m) not in (2, 3)
                                                      for m in mncs):
        raise _fail(at, "mnc", mncs, 'a non-empty list of 2- or 3-digit strings such as ["00", "02"]')
    ranges = []
    for r in raw.get("arfcn", []):
        if (not isinstance(r, list) or len(r) != 2 or any(not isinstance(x, int) or not 0 <= x <= 1023 for x in r)
                or r[0] > r[1]):
            raise _fail(at, "arfcn", r, "pairs [first, last] of ARFCNs 0..1023 with first <= last")
        ranges.append((r[0], r[1]))
    nccs = _int_list(at, "ncc", raw.get("ncc", []), 0, 7)
    return Operator(name, mcc, tuple(mncs), tuple(ranges), nccs)


def parse_profile(doc: dict[str, Any], source: str = "<profile>") -> Profile:
    """A :class:`Profile` from a parsed TOML document; ConfigError names the bad key."""
    unknown = set(doc) - {"name", "title", "mcc", "operators"}
    if unknown:
        raise ConfigError(f"profile {source}: unknown key {sorted(unknown)[0]!r}; expected name, title, mcc, operators")
    name = doc.get("name")
    if not isinstance(name, str) or not name:
        raise _fail(source, "name", name, "a non-empty string")
    mccs = _int_list(source, "mcc", doc.get("mcc", []), 0, 999)
    raw_ops = doc.get("operators", [])
    if not isinstance(raw_ops, list):
        raise _fail(source, "operators", raw_ops, "an array of tables [[operators]]")
    operators = tuple(_operator(source, raw, i) for i, raw in enumerate(raw_ops))
    seen: dict[tuple[int, str], str] = {}
    for op in operators:
        for mnc in op.mncs:
            if (op.mcc, mnc) in seen:
                raise ConfigError(f"profile {source}: PLMN {op.mcc:03d}-{mnc} listed for both {seen[(op.mcc, mnc)]!r} "
                                  f"and {op.name!r}; give each PLMN to one operator")
            seen[(op.mcc, mnc)] = op.name
    mccs = tuple(sorted(set(mccs) | {op.mcc for op in operators}))
    return Profile(name, str(doc.get("title", name)), mccs, operators, source)


def load_profile(name_or_path: str | Path) -> Profile:
    """A built-in profile by name (``"china"``) or a profile TOML file by path.

    Raises
    ------
    ConfigError
        Unknown name, unreadable file, invalid TOML or an invalid value (the message names it).
    """
    text = str(name_or_path)
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ConfigError(f"profile file {path} not found; give a built-in name "
                              f"({', '.join(builtin_profiles())}) or an existing .toml file")
        data, source = path.read_bytes(), str(path)
    else:
        res = resources.files(BUILTIN_PACKAGE).joinpath(f"{BUILTIN_DIR}/{text}.toml")
        if not res.is_file():
            raise ConfigError(f"profile {text!r} unknown; expected one of {', '.join(builtin_profiles())} "
                              "or a path to a .toml file")
        data, source = res.read_bytes(), f"{text} (built-in)"
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"profile {source}: not valid TOML ({exc}); fix the file") from None
    return parse_profile(doc, source)
