"""The survey view: peers by operator, BA-list indexes, receiver images."""

from __future__ import annotations

from sdrscan.detection.engine import DetectionEngine
from sdrscan.detection.event import Verdict, VerdictChange
from sdrscan.detection.profile import load_profile
from sdrscan.detection.settings import DetectionSettings
from sdrscan.detection.view import SurveyView, find_images
from tests.detection.factory import at, cell, measurement, network


def test_peers_group_an_operators_mncs_with_a_profile() -> None:
    cells = [cell(10, mnc="00"), cell(12, mnc="02"), cell(100, mnc="01")]
    plain = SurveyView(cells, at(2))
    assert [c.arfcn for c in plain.peers(cells[0])] == []
    china = SurveyView(cells, at(2), profile=load_profile("china"))
    assert [c.arfcn for c in china.peers(cells[0])] == [12]  # China Mobile broadcasts 460-00 and 460-02
    assert china.peers(cell(40, mcc=None, mnc=None)) == ()


def test_listers_and_named_neighbours() -> None:
    net = network((10, 12, 14))
    view = SurveyView([*net, cell(40, neighbours=(10, 99))], at(2))
    assert [c.arfcn for c in view.listers(net[0])] == [12, 14, 40]
    assert [c.arfcn for c in view.neighbours_received(cell(40, neighbours=(10, 99)))] == [10]


def test_off_channel_decode_of_a_strong_neighbour_is_an_image() -> None:
    # what the receiver produced on a synthesized capture: ARFCN 13 also decoded on 14, 202.8 kHz below
    real = cell(13, bsic=3, power=-44.0, freq_offset_hz=measurement(-2793.0))
    image = cell(14, bsic=3, power=-49.5, freq_offset_hz=measurement(-202795.0))
    assert find_images([real, image]) == {(14, 3): (13, 3)}
    view = SurveyView([real, image], at(2))
    assert [c.key for c in view.cells] == [(13, 3)] and view.images == {(14, 3): (13, 3)}


def test_a_carrier_far_off_its_channel_repeating_a_stronger_cell_is_an_image() -> None:
    # also seen on a synthesized sweep: the cell of ARFCN 108 decoded on ARFCN 102, measured 262 kHz off
    others = [cell(a, power=-50.0, freq_offset_hz=measurement(-2830.0 + a)) for a in (99, 121, 124)]
    real = cell(108, bsic=52, ci=56641, power=-46.2, freq_offset_hz=measurement(-2921.0))
    ghost = cell(102, bsic=52, ci=56641, power=-60.0, freq_offset_hz=measurement(-261865.0))
    assert find_images([*others, real, ghost]) == {(102, 52): (108, 52)}
    other_identity = cell(102, bsic=52, ci=1, power=-60.0, freq_offset_hz=measurement(-261865.0))
    assert find_images([*others, real, other_identity]) == {}
    on_channel_clone = cell(102, bsic=52, ci=56641, power=-60.0, freq_offset_hz=measurement(-2700.0))
    assert find_images([*others, real, on_channel_clone]) == {}
    # and the rogue's content decoded on ARFCN 53 at +56 kHz (cap06 of the stealthy RF scenario, seed 2)
    rogue = cell(62, bsic=12, ci=31243, power=-40.7, freq_offset_hz=measurement(-2887.0))
    ghost = cell(53, bsic=12, ci=31243, power=-55.5, freq_offset_hz=measurement(56408.0))
    assert find_images([*others, real, rogue, ghost]) == {(53, 12): (62, 12)}


def test_a_real_clone_on_the_next_channel_is_not_an_image() -> None:
    real = cell(13, bsic=3, power=-44.0, freq_offset_hz=measurement(-2793.0))
    clone = cell(14, bsic=3, power=-40.0, freq_offset_hz=measurement(150.0))  # its own carrier, stronger
    weaker = cell(14, bsic=3, power=-50.0, freq_offset_hz=measurement(150.0))  # its own carrier, weaker
    assert find_images([real, clone]) == {} and find_images([real, weaker]) == {}
    assert find_images([real, cell(14, bsic=4, power=-50.0, freq_offset_hz=measurement(-202795.0))]) == {}


def test_engine_does_not_judge_images() -> None:
    real = cell(13, bsic=3, power=-44.0, freq_offset_hz=measurement(-2793.0), neighbours=(10, 12, 14, 16))
    image = cell(14, bsic=3, ci=real.ci, power=-49.5, freq_offset_hz=measurement(-202795.0),
                 neighbours=real.neighbours)
    net = [cell(a, neighbours=tuple(b for b in (10, 12, 13, 16, 18) if b != a)) for a in (10, 12, 16, 18)]
    e = DetectionEngine(DetectionSettings())
    out = e.update([*net, real, image])
    assert out == []  # no clone, no one-way neighbour list
    v = e.verdict((14, 3))
    assert v is not None and v.image_of == (13, 3) and v.verdict is Verdict.OK
    assert v.to_json()["image_of"] == [13, 3]


def test_a_cell_that_turns_out_to_be_an_image_is_cleared() -> None:
    e = DetectionEngine(DetectionSettings(rules={"test_rule": {"enabled": True, "severity": "high"}}))
    lone = cell(14, bsic=3, power=-49.5, freq_offset_hz=measurement(-202795.0))
    assert e.update([lone])[-1].new is Verdict.SUSPICIOUS
    real = cell(13, bsic=3, power=-44.0, freq_offset_hz=measurement(-2793.0))
    changes = [x for x in e.update([lone, real]) if isinstance(x, VerdictChange)]
    assert [(c.key, c.new) for c in changes] == [((14, 3), Verdict.OK), ((13, 3), Verdict.SUSPICIOUS)]
