"""What the detection engine hands out: events (a rule found evidence) and verdict changes.

These records are the contract with the store, the API/SSE stream and the live scanner: frozen, JSON-ready
(:meth:`Event.to_json`, :meth:`VerdictChange.to_json`), keyed by the cell's ``(arfcn, bsic)`` and carrying
its identity (``mcc mnc lac ci``) as broadcast when the event was raised.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

CellKey = tuple[int, int]  # (arfcn, bsic), the key of sdrscan.cells.model.CellObservation


class Severity(IntEnum):
    """How much one event says about a cell, chosen per event by the rule (Rayhunter's four levels)."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | int | Severity) -> Severity:
        """``"medium"``, ``"MEDIUM"``, ``2`` or ``Severity.MEDIUM`` -> ``Severity.MEDIUM``."""
        if isinstance(value, cls):
            return value
        try:
            return cls(value) if isinstance(value, int) else cls[str(value).upper()]
        except (KeyError, ValueError):
            raise ValueError(f"severity {value!r}; expected info, low, medium or high") from None


class Verdict(StrEnum):
    """A cell's verdict, from its score (see ``docs/rules.md``, "Scoring")."""

    OK = "ok"
    SUSPICIOUS = "suspicious"
    ROGUE = "rogue"

    @property
    def rank(self) -> int:
        return _VERDICT_RANK[self]


_VERDICT_RANK = {Verdict.OK: 0, Verdict.SUSPICIOUS: 1, Verdict.ROGUE: 2}


@dataclass(frozen=True, slots=True)
class CellIdentity:
    """Identity a cell broadcasts (SI3/SI4, TS 24.008 §10.5.1.3 LAI, §10.5.1.1 CI); None while unknown."""

    mcc: int | None = None
    mnc: str | None = None
    lac: int | None = None
    ci: int | None = None

    @property
    def plmn(self) -> str | None:
        return None if self.mcc is None or self.mnc is None else f"{self.mcc:03d}-{self.mnc}"

    def to_json(self) -> dict[str, Any]:
        return {"mcc": self.mcc, "mnc": self.mnc, "lac": self.lac, "ci": self.ci}


def _json_value(v: Any) -> Any:
    """Evidence values as JSON: tuples become lists, NaN/inf become None, enums their value."""
    if isinstance(v, Severity):
        return v.label
    if isinstance(v, StrEnum):
        return v.value
    if isinstance(v, float):
        return None if not math.isfinite(v) else round(v, 3)
    if isinstance(v, Mapping):
        return {str(k): _json_value(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set | frozenset):
        items = sorted(v) if isinstance(v, set | frozenset) else v
        return [_json_value(x) for x in items]
    return v


@dataclass(frozen=True, slots=True)
class Event:
    """One piece of evidence a rule found on one cell.

    Attributes
    ----------
    rule, rule_version
        The rule's id (kebab-case, e.g. ``"low-t3212"``) and version (only ever rises).
    severity
        Chosen per event by the rule.
    message
        One sentence a field officer understands.
    arfcn, bsic
        The cell key.
    identity
        What the cell broadcast when the event was raised.
    evidence
        The fields, values and thresholds that fired (JSON-ready values).
    time, fn
        When the evidence was found (survey time, UTC) and the cell's last decoded frame number then.
    """

    rule: str
    rule_version: int
    severity: Severity
    message: str
    arfcn: int
    bsic: int
    identity: CellIdentity
    evidence: Mapping[str, Any] = field(default_factory=dict, hash=False)
    time: datetime | None = None
    fn: int | None = None

    @property
    def key(self) -> CellKey:
        return self.arfcn, self.bsic

    @property
    def mcc(self) -> int | None:
        return self.identity.mcc

    @property
    def mnc(self) -> str | None:
        return self.identity.mnc

    @property
    def lac(self) -> int | None:
        return self.identity.lac

    @property
    def ci(self) -> int | None:
        return self.identity.ci

    def to_json(self) -> dict[str, Any]:
        """The ``{"type": "alert", ...}`` line of ``sdrscan replay --json``."""
        return {"type": "alert", "arfcn": self.arfcn, "bsic": self.bsic, **self.identity.to_json(),
                "rule": self.rule, "rule_version": self.rule_version, "severity": self.severity.label,
                "message": self.message, "evidence": _json_value(self.evidence),
                "time": self.time.isoformat() if self.time is not None else None, "fn": self.fn}


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one rule adds to a cell's score: its strongest current finding, weighted."""

    rule: str
    severity: Severity
    points: float
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity.label, "points": round(self.points, 3),
                "message": self.message}


@dataclass(frozen=True, slots=True)
class CellVerdict:
    """A cell's current judgement: score, verdict and the rules that contributed (highest points first).

    ``image_of`` is set for a receiver image (a neighbouring carrier decoded off-channel, see
    :mod:`sdrscan.detection.view`): such a cell is not judged and stays ``ok``.
    """

    arfcn: int
    bsic: int
    identity: CellIdentity
    score: float
    verdict: Verdict
    contributions: tuple[Contribution, ...] = ()
    image_of: CellKey | None = None

    @property
    def key(self) -> CellKey:
        return self.arfcn, self.bsic

    @property
    def rules(self) -> tuple[str, ...]:
        """Ids of the rules with a non-zero contribution."""
        return tuple(c.rule for c in self.contributions if c.points > 0)

    def to_json(self) -> dict[str, Any]:
        return {"arfcn": self.arfcn, "bsic": self.bsic, **self.identity.to_json(), "score": round(self.score, 3),
                "verdict": self.verdict.value, "rules": [c.to_json() for c in self.contributions],
                "image_of": list(self.image_of) if self.image_of is not None else None}


@dataclass(frozen=True, slots=True)
class VerdictChange:
    """A cell's verdict moved (up or down) because its score crossed a threshold."""

    arfcn: int
    bsic: int
    identity: CellIdentity
    old: Verdict
    new: Verdict
    score: float
    rules: tuple[str, ...]
    time: datetime | None = None
    fn: int | None = None

    @property
    def key(self) -> CellKey:
        return self.arfcn, self.bsic

    @property
    def escalated(self) -> bool:
        return self.new.rank > self.old.rank

    def to_json(self) -> dict[str, Any]:
        return {"type": "verdict", "arfcn": self.arfcn, "bsic": self.bsic, **self.identity.to_json(),
                "old": self.old.value, "new": self.new.value, "score": round(self.score, 3),
                "rules": list(self.rules), "time": self.time.isoformat() if self.time is not None else None,
                "fn": self.fn}
