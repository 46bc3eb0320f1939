"""The scenario suite in CI: generated networks (``tests/detection/scenario.py``) judged by the engine.

Targets (the issue's): every classic and stealthy pseudo base station ends ``suspicious`` or ``rogue`` with a
medium or high event; no legitimate cell is ever above ``ok`` (final verdict, nor at any update during the
survey); each trait-alone rogue is seen by its rule. CI runs a few seeds (about 1.5 minutes); the tables in
``docs/rules.md`` come from ``python -m tests.detection.scenario_report --seeds 10 --rf-seeds 2``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sdrscan.detection.event import Severity
from sdrscan.detection.profile import Profile, load_profile
from tests.detection.scenario import (
    NEEDS_BASELINE,
    NEEDS_LONG_SURVEY,
    TRAITS,
    Outcome,
    add_classic,
    add_stealthy,
    apply_trait,
    generate_network,
    judge,
    learn_baseline,
    sweep,
)
from tests.detection.scenario_report import LONG_GAP_S, LONG_PASSES, SIZES

SEEDS = (1, 2, 3)


def assert_no_legit_alarm(o: Outcome, where: str) -> None:
    above = {k: o.verdicts[k] for k in o.legit if o.verdicts[k].verdict.rank > 0 or o.peak.get(k, 0) > 0}
    assert not above, f"{where}: legitimate cells above ok: {above}"
    ghosts = {k: o.verdicts[k] for k in o.ghosts if o.verdicts[k].verdict.rank > 0 or o.peak.get(k, 0) > 0}
    assert not ghosts, f"{where}: receiver artefacts above ok: {ghosts}"


def assert_flagged(o: Outcome, where: str) -> None:
    assert o.rogues, f"{where}: the rogue was not received"
    for k in o.rogues:
        v = o.verdicts[k]
        strong = [e for e in o.events_on(k) if e.severity >= Severity.MEDIUM]
        assert v.verdict.rank > 0 and strong, f"{where}: rogue {k} {v.verdict.value} score {v.score} {v.rules}"


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("with_baseline", [False, True])
def test_legitimate_networks_stay_ok(size: str, with_baseline: bool) -> None:
    cells = 0
    for seed in SEEDS:
        net = generate_network(seed, SIZES[size])
        base = learn_baseline(seed, SIZES[size]) if with_baseline else None
        o = judge(net, seed=seed, baseline=base)
        cells += len(o.legit)
        assert_no_legit_alarm(o, f"seed {seed}")
    assert cells >= {"small": 6, "medium": 30, "large": 70}[size]  # the networks are the sizes we claim


@pytest.mark.parametrize("kind", ["classic", "stealthy"])
@pytest.mark.parametrize("size", sorted(SIZES))
def test_pseudo_base_stations_are_flagged(kind: str, size: str) -> None:
    for seed in SEEDS:
        for with_baseline in (False, True):
            net = generate_network(seed, SIZES[size])
            (add_classic if kind == "classic" else add_stealthy)(net, np.random.default_rng([seed, 17]))
            base = learn_baseline(seed, SIZES[size]) if with_baseline else None
            o = judge(net, seed=seed, baseline=base)
            where = f"{kind} {size} seed {seed} baseline {with_baseline}"
            assert_flagged(o, where)
            assert_no_legit_alarm(o, where)


def test_classic_carries_its_evidence() -> None:
    net = generate_network(4, SIZES["medium"])
    rogue = add_classic(net, np.random.default_rng([4, 17]))
    o = judge(net, seed=4)
    v = o.verdicts[rogue.key]
    assert v.verdict.value == "rogue"
    assert {"reselection-boost", "empty-ba-list", "low-t3212", "lonesome-lac"} <= set(v.rules)
    boost = next(e for e in o.events_on(rogue.key) if e.rule == "reselection-boost")
    assert boost.severity is Severity.HIGH and boost.evidence["cro"] == 63 and boost.evidence["boost_db"] == 126


def _profile_with_nccs(nccs: tuple[tuple[int, ...], ...]) -> Profile:
    """The China profile, told each operator's NCCs (the generated network's)."""
    china = load_profile("china")
    ops = tuple(replace(op, nccs=n) for op, n in zip(china.operators, nccs, strict=True))
    return replace(china, operators=ops)


@pytest.mark.parametrize("trait", sorted(TRAITS))
def test_each_trait_is_seen_by_its_rule(trait: str) -> None:
    seed = 1000 + sorted(TRAITS).index(trait)
    net = generate_network(seed, SIZES["medium"])
    caps = sweep(LONG_PASSES, LONG_GAP_S) if trait in NEEDS_LONG_SURVEY else sweep(2)
    rogue = apply_trait(net, trait, np.random.default_rng([seed, 9]), survey_s=caps[-1].start_s)
    base = learn_baseline(seed, SIZES["medium"]) if trait in NEEDS_BASELINE else None
    # An unusual NCC is certain only against the operators' NCC lists; learned from the survey it is seen
    # about half the time (docs/rules.md) -- that path has its unit tests and its measured recall.
    profile: Profile | str = _profile_with_nccs(net.nccs) if trait == "odd_ncc" else "china"
    o = judge(net, seed=seed, captures=caps, baseline=base, profile=profile)
    assert rogue.key in o.rogues or trait == "identity_change", f"{trait}: rogue not received"
    key = next(iter(o.rogues))
    fired = {e.rule for e in o.events_on(key) if e.severity >= Severity.LOW}
    assert fired & set(TRAITS[trait]), f"{trait}: {TRAITS[trait]} did not fire; got {sorted(fired)}"
    assert_no_legit_alarm(o, trait)


def test_transient_cell_needs_time() -> None:
    """The same transient rogue in a short sweep (one pass: it is either there or not) raises nothing."""
    seed = 1000 + sorted(TRAITS).index("transient")
    net = generate_network(seed, SIZES["medium"])
    long = sweep(LONG_PASSES, LONG_GAP_S)
    rogue = apply_trait(net, "transient", np.random.default_rng([seed, 9]), survey_s=long[-1].start_s)
    rogue.on_s = (0.0, 1e9)  # on for the whole short survey
    o = judge(net, seed=seed, captures=sweep(1))
    assert not [e for e in o.events_on(rogue.key) if e.rule == "transient-cell"]


def test_replays_are_deterministic() -> None:
    def run() -> list[dict]:
        net = generate_network(5, SIZES["medium"])
        add_stealthy(net, np.random.default_rng([5, 17]))
        return [e.to_json() for e in judge(net, seed=5).events]

    first = run()
    assert first and first == run()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["classic", "stealthy"])
def test_rf_chain(kind: str) -> None:
    """Full RF chain (GMSK synthesis, cu8, receiver) for one sweep of a 5+3-site network."""
    net = generate_network(1, SIZES["medium"])
    (add_classic if kind == "classic" else add_stealthy)(net, np.random.default_rng([1, 17]))
    o = judge(net, seed=1, rf=True, captures=sweep(1))
    assert len(o.legit) >= 12, f"only {len(o.legit)} legitimate cells decoded"
    assert_flagged(o, f"rf {kind}")
    assert_no_legit_alarm(o, f"rf {kind}")
