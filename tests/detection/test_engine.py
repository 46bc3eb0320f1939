"""The engine: events when evidence appears or grows, scores from current findings, verdict changes, order."""

from __future__ import annotations

from collections.abc import Iterator

from sdrscan.cells.model import CellObservation
from sdrscan.detection.engine import DetectionEngine
from sdrscan.detection.event import Event, Severity, Verdict, VerdictChange
from sdrscan.detection.rule import Finding, Rule
from sdrscan.detection.settings import DetectionSettings, ScoringSettings
from sdrscan.detection.view import SurveyView
from tests.detection.factory import at, cell, network


class _Flag(Rule):
    """Fires with the severity stored in the cell's ``t3212`` field (test helper)."""

    name = "flag"
    title = "flag"
    description = "test helper; false positives: all"
    version = 3

    def check(self, c: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        if c.t3212 is not None and c.t3212 < 4:
            yield Finding(Severity(c.t3212), f"flag {c.t3212}", {"t3212": c.t3212})


class _Boom(Rule):
    name = "boom"
    title = "boom"
    description = "raises; false positives: none"
    version = 1

    def check(self, c: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        raise RuntimeError("bug")


def engine(*rules: Rule, **scoring: object) -> DetectionEngine:
    return DetectionEngine(DetectionSettings(scoring=ScoringSettings(**scoring)), rules=list(rules))


def test_event_when_evidence_appears_and_when_it_grows_only() -> None:
    e = engine(_Flag())
    out = e.update([cell(40, t3212=1)])
    (ev,) = out
    assert isinstance(ev, Event) and ev.rule == "flag" and ev.rule_version == 3 and ev.severity is Severity.LOW
    assert ev.key == (40, cell(40).bsic) and (ev.mcc, ev.mnc, ev.lac, ev.ci) == (460, "00", 9001, 1040)
    assert ev.time == at(2.0) and ev.fn == cell(40).last_fn and ev.evidence == {"t3212": 1}
    assert e.update([cell(40, t3212=1)]) == []  # still there: not repeated
    grown = e.update([cell(40, t3212=3)])
    assert [type(x) for x in grown] == [Event, VerdictChange] and grown[0].severity is Severity.HIGH
    fell = e.update([cell(40, t3212=2)])  # fell back: no new event, but the score follows
    assert [(type(x), x.new) for x in fell] == [(VerdictChange, Verdict.OK)]
    assert e.verdict((40, cell(40).bsic)).score == 2.0


def test_verdict_changes_both_ways_with_thresholds_from_settings() -> None:
    e = engine(_Flag(), suspicious=2.0, rogue=4.0)
    key = (40, cell(40).bsic)
    out = e.update([cell(40, t3212=2)])
    change = out[-1]
    assert isinstance(change, VerdictChange) and (change.old, change.new) == (Verdict.OK, Verdict.SUSPICIOUS)
    assert change.rules == ("flag",) and change.score == 2.0 and change.escalated
    out = e.update([cell(40, t3212=3)])
    assert out[-1].new is Verdict.ROGUE
    out = e.update([cell(40, t3212=30)])
    assert [(x.old, x.new) for x in out] == [(Verdict.ROGUE, Verdict.OK)] and not out[0].escalated
    assert e.verdict(key).verdict is Verdict.OK and e.verdict(key).contributions == ()


def test_score_is_the_strongest_finding_per_rule_times_weight() -> None:
    settings = DetectionSettings(rules={"empty_ba_list": {"weight": 2.0}, "low_t3212": {"weight": 0.0}})
    e = DetectionEngine(settings)
    e.update([cell(40, neighbours=(), t3212=2)])
    v = e.verdict((40, cell(40).bsic))
    assert {c.rule: c.points for c in v.contributions} == {"empty-ba-list": 4.0, "low-t3212": 0.0}
    assert v.score == 4.0 and v.verdict is Verdict.SUSPICIOUS and v.rules == ("empty-ba-list",)


def test_disabled_rules_do_not_run() -> None:
    e = DetectionEngine(DetectionSettings(rules={"low_t3212": {"enabled": False}}))
    assert "low-t3212" not in [r.name for r in e.rules] and "test-rule" not in [r.name for r in e.rules]
    assert not [x for x in e.update([cell(40, t3212=2)]) if isinstance(x, Event) and x.rule == "low-t3212"]


def test_a_failing_rule_is_counted_and_the_others_still_run() -> None:
    e = engine(_Boom(), _Flag())
    out = e.update([cell(40, t3212=2), cell(42, t3212=2)])
    assert [x.rule for x in out if isinstance(x, Event)] == ["flag", "flag"] and e.rule_errors["boom"] == 2


def test_order_is_deterministic_and_independent_of_input_order() -> None:
    cells = [cell(a, t3212=1 + a % 3) for a in (50, 10, 30, 20, 40)]
    a, b = engine(_Flag()), engine(_Flag())
    assert a.update(cells) == b.update(list(reversed(cells)))
    assert [x.arfcn for x in a.events] == sorted(x.arfcn for x in a.events)


def test_default_time_is_survey_time_not_wall_clock() -> None:
    e = engine(_Flag())
    (ev,) = e.update([cell(40, t3212=1, seen=(0.0, 5.0)), cell(42, seen=(0.0, 9.0))])
    assert ev.time == at(9.0)
    (ev2,) = engine(_Flag()).update([cell(44, t3212=1)], now=at(100.0))
    assert ev2.time == at(100.0)


def test_accepts_a_survey_object() -> None:
    class S:
        def cells(self) -> tuple[CellObservation, ...]:
            return (cell(40, t3212=1),)

    assert len(engine(_Flag()).update(S())) == 1


def test_low_findings_alone_never_make_a_verdict() -> None:
    # Any number of lows (each common in legitimate networks) stays ok until a medium corroborates them.
    cells = [cell(40, t3212=1)]
    e = engine(_Flag(), suspicious=1.0)
    (ev,) = e.update(cells)  # the alert is still raised; only the verdict waits for corroboration
    assert ev.severity is Severity.LOW
    assert e.verdicts()[(40, cell(40).bsic)].verdict.value == "ok"
    lenient = engine(_Flag(), suspicious=1.0, corroboration="low")
    lenient.update(cells)
    assert lenient.verdicts()[(40, cell(40).bsic)].verdict.value == "suspicious"


def test_json_lines() -> None:
    e = engine(_Flag(), suspicious=1.0, corroboration="low")
    ev, change = e.update([cell(40, t3212=1)])
    line = ev.to_json()
    assert line["type"] == "alert" and line["severity"] == "low" and line["rule"] == "flag"
    assert set(line) >= {"arfcn", "mcc", "mnc", "lac", "ci", "rule", "severity", "message", "evidence"}
    assert change.to_json()["type"] == "verdict" and change.to_json()["new"] == "suspicious"
    header = e.header()
    assert header["report_version"] == 1 and header["rules"][0] == {"name": "flag", "version": 3,
                                                                      "description": _Flag.description}


def test_default_rules_on_a_plain_network_raise_nothing() -> None:
    e = DetectionEngine(DetectionSettings())
    assert e.update(network()) == []
    assert all(v.verdict is Verdict.OK and v.score == 0 for v in e.verdicts().values())
