"""The detection engine: runs every enabled rule over the survey, raises events, scores cells.

The engine is incremental and stateless about *how* it is fed: call :meth:`DetectionEngine.update` with
the survey (or its cell snapshots) whenever there is news -- after each recording of a replay, every few
seconds in a live scan. Each call

1. evaluates every enabled rule on every cell (in key order, rules in registry order: deterministic);
   receiver images (a strong carrier decoded on the adjacent channel, see :mod:`sdrscan.detection.view`)
   are not judged: their verdict is ``ok`` with ``image_of`` set;
2. raises an :class:`~sdrscan.detection.event.Event` for each finding (cell, rule, tag) that is new, or
   whose severity rose since it was last raised -- a finding that merely persists is not repeated;
3. scores each cell from its *current* findings: per rule the points of its strongest finding
   (``scoring.<severity>``) times the rule's ``weight``, summed over rules; evidence that went away (a
   neighbour list that now includes the cell) stops counting;
4. raises a :class:`~sdrscan.detection.event.VerdictChange` when a cell's verdict (``ok`` below
   ``scoring.suspicious``, ``rogue`` from ``scoring.rogue``) differs from the previous call's.

A replay therefore gives the same events at every run, and a live scan the same ones as a replay of its
recording fed at the same points.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from sdrscan import __version__
from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import (
    CellIdentity,
    CellKey,
    CellVerdict,
    Contribution,
    Event,
    Severity,
    Verdict,
    VerdictChange,
)
from sdrscan.detection.profile import Profile, load_profile
from sdrscan.detection.registry import ALL_RULES
from sdrscan.detection.rule import Finding, Rule
from sdrscan.detection.settings import DetectionSettings
from sdrscan.detection.view import SurveyView

if TYPE_CHECKING:
    from sdrscan.config import Settings
    from sdrscan.detection.baseline import Baseline

log = logging.getLogger(__name__)

REPORT_VERSION = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@runtime_checkable
class SurveyLike(Protocol):
    """Anything with the cells of a survey (``sdrscan.cells.survey.Survey``)."""

    def cells(self) -> Iterable[CellObservation]: ...


def identity_of(cell: CellObservation) -> CellIdentity:
    return CellIdentity(cell.mcc, cell.mnc, cell.lac, cell.ci)


class DetectionEngine:
    """Judge the cells of a survey with the registered rules (see the module docstring).

    Parameters
    ----------
    settings : DetectionSettings or Settings, optional
        Default: ``get_settings().detection``.
    baseline : Baseline, optional
        Known cells; default: the database in ``settings.baseline`` if set.
    profile : Profile or str, optional
        Expected operators (a :class:`Profile`, a built-in name or a TOML path); default:
        ``settings.profile`` if set.
    rules : sequence of Rule, optional
        Use these rule instances instead of the registry's (tests, custom deployments).

    Raises
    ------
    ConfigError
        When the configured profile or baseline cannot be loaded.
    """

    def __init__(self, settings: DetectionSettings | Settings | None = None, baseline: Baseline | None = None,
                 profile: Profile | str | Path | None = None, *, rules: Sequence[Rule] | None = None) -> None:
        if settings is None:
            from sdrscan.config import get_settings

            settings = get_settings()
        self.settings: DetectionSettings = (settings if isinstance(settings, DetectionSettings)
                                            else settings.detection)
        if profile is None and self.settings.profile is not None:
            profile = self.settings.profile
        self.profile: Profile | None = (profile if isinstance(profile, Profile) or profile is None
                                        else load_profile(profile))
        if baseline is None and self.settings.baseline is not None:
            from sdrscan.detection.baseline import Baseline

            baseline = Baseline.open(self.settings.baseline)
        self.baseline = baseline
        if rules is None:
            rules = [cls(self.settings.rules.for_rule(cls.name)) for cls in ALL_RULES]  # type: ignore[arg-type]
        self.rules: tuple[Rule, ...] = tuple(r for r in rules if r.enabled)
        self._emitted: dict[tuple[CellKey, str, str], Any] = {}
        self._verdicts: dict[CellKey, CellVerdict] = {}
        self._events: list[Event] = []
        self.rule_errors: Counter[str] = Counter()
        self.updates = 0

    # --- evaluation -------------------------------------------------------------------------------------
    def update(self, survey: SurveyLike | Iterable[CellObservation], now: datetime | None = None,
               ) -> list[Event | VerdictChange]:
        """Evaluate the survey as it is now; return the new events and verdict changes, in order.

        Parameters
        ----------
        survey : Survey or iterable of CellObservation
        now : datetime, optional
            Survey time of this evaluation; default: the latest ``last_seen`` of any cell (so a replay
            does not depend on the wall clock).
        """
        cells = tuple(survey.cells()) if isinstance(survey, SurveyLike) else tuple(survey)
        if now is None:
            seen = [c.last_seen for c in cells if c.last_seen is not None]
            now = max(seen) if seen else _EPOCH
        view = SurveyView(cells, now, self.baseline, self.profile)
        out: list[Event | VerdictChange] = []
        for cell in cells:
            if cell.key in view.images:
                self._image(cell, view.images[cell.key], now, out)
        for cell in view.cells:
            findings = self._evaluate(cell, view)
            ident = identity_of(cell)
            for rule, found in findings:
                for f in found:
                    k = (cell.key, rule.name, f.tag)
                    prev = self._emitted.get(k)
                    if prev is None or f.severity > prev:
                        self._emitted[k] = f.severity
                        ev = Event(rule.name, rule.version, f.severity, f.message, cell.arfcn, cell.bsic, ident,
                                   dict(f.evidence), now, cell.last_fn)
                        self._events.append(ev)
                        out.append(ev)
            verdict = self._score(cell, ident, findings)
            old = self._verdicts.get(cell.key)
            old_verdict = old.verdict if old is not None else Verdict.OK
            if verdict.verdict != old_verdict:
                out.append(VerdictChange(cell.arfcn, cell.bsic, ident, old_verdict, verdict.verdict, verdict.score,
                                         verdict.rules, now, cell.last_fn))
            self._verdicts[cell.key] = verdict
        self.updates += 1
        return out

    def _image(self, cell: CellObservation, real: CellKey, now: datetime, out: list[Event | VerdictChange]) -> None:
        old = self._verdicts.get(cell.key)
        if old is not None and old.verdict is not Verdict.OK:
            out.append(VerdictChange(cell.arfcn, cell.bsic, identity_of(cell), old.verdict, Verdict.OK, 0.0, (), now,
                                     cell.last_fn))
        self._verdicts[cell.key] = CellVerdict(cell.arfcn, cell.bsic, identity_of(cell), 0.0, Verdict.OK, (), real)

    def _evaluate(self, cell: CellObservation, view: SurveyView) -> list[tuple[Rule, list[Finding]]]:
        out = []
        for rule in self.rules:
            try:
                found = list(rule.check(cell, view))
            except Exception:  # a rule's bug must not stop a live scan; counted and logged, never silent
                if not self.rule_errors[rule.name]:
                    log.exception("rule %s failed on cell %s; it is skipped where it fails", rule.name, cell.key)
                self.rule_errors[rule.name] += 1
                continue
            if found:
                out.append((rule, found))
        return out

    def _score(self, cell: CellObservation, ident: CellIdentity,
               findings: list[tuple[Rule, list[Finding]]]) -> CellVerdict:
        scoring = self.settings.scoring
        contributions = []
        for rule, found in findings:
            strongest = max(found, key=lambda f: f.severity)  # first of the strongest: deterministic
            points = scoring.points(strongest.severity) * rule.settings.weight
            contributions.append(Contribution(rule.name, strongest.severity, points, strongest.message))
        contributions.sort(key=lambda c: (-c.points, -c.severity, c.rule))
        score = sum(c.points for c in contributions)
        strongest = max((c.severity for c in contributions), default=Severity.INFO)
        return CellVerdict(cell.arfcn, cell.bsic, ident, score, scoring.verdict(score, strongest),
                           tuple(contributions))

    # --- results ----------------------------------------------------------------------------------------
    def verdicts(self) -> dict[CellKey, CellVerdict]:
        """The current verdict of every cell judged so far, by (arfcn, bsic)."""
        return dict(self._verdicts)

    def verdict(self, key: CellKey) -> CellVerdict | None:
        return self._verdicts.get(key)

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event raised so far, in order."""
        return tuple(self._events)

    def header(self) -> dict[str, Any]:
        """Provenance for line 1 of an NDJSON report: versions and the enabled rules."""
        return {"type": "header", "report_version": REPORT_VERSION, "sdrscan_version": __version__,
                "profile": self.profile.name if self.profile is not None else None,
                "baseline": self.baseline.describe() if self.baseline is not None else None,
                "scoring": self.settings.scoring.model_dump(),
                "rules": [{"name": r.name, "version": r.version, "description": r.description}
                          for r in self.rules]}
