from sdrscan.detection.baseline import Baseline
from sdrscan.detection.event import Severity
from sdrscan.detection.rules.clone_identity import CloneIdentity
from tests.detection.factory import cell, findings, network


def test_the_unlisted_copy_is_high_and_the_original_low() -> None:
    net = network()
    original = net[2]  # ARFCN 14, listed by the five other cells
    clone = cell(40, ci=original.ci, neighbours=original.neighbours, power=-30.0)
    (f,) = findings(CloneIdentity(), clone, net)
    assert f.severity is Severity.HIGH and f.evidence["support"] == 0 and f.evidence["best_other_support"] == 5
    (g,) = findings(CloneIdentity(), original, [*net[:2], *net[3:], clone])
    assert g.severity is Severity.LOW and g.evidence["also_on"] == [{"arfcn": 40, "bsic": clone.bsic}]


def test_tie_is_medium_for_both() -> None:
    a, b = cell(40, ci=5), cell(50, ci=5)
    assert [f.severity for f in findings(CloneIdentity(), a, [b])] == [Severity.MEDIUM]
    assert [f.severity for f in findings(CloneIdentity(), b, [a])] == [Severity.MEDIUM]


def test_trusted_survey_breaks_the_tie() -> None:
    a, b = cell(40, ci=5), cell(50, ci=5)
    base = Baseline.memory()
    base.learn([a])
    assert [f.severity for f in findings(CloneIdentity(), b, [a], baseline=base)] == [Severity.HIGH]
    assert [f.severity for f in findings(CloneIdentity(), a, [b], baseline=base)] == [Severity.LOW]


def test_adjacent_channel_image_is_low() -> None:
    strong = cell(40, ci=5, bsic=17, power=-20.0)
    image = cell(41, ci=5, bsic=17, power=-45.0)
    (f,) = findings(CloneIdentity(), image, [strong])
    assert f.severity is Severity.LOW and f.tag == "image"


def test_unique_identities_are_silent() -> None:
    net = network()
    assert all(findings(CloneIdentity(), c, [o for o in net if o is not c]) == [] for c in net)
    assert findings(CloneIdentity(), cell(40, ci=None), [cell(50, ci=None)]) == []
