from sdrscan.detection.event import Severity
from sdrscan.detection.params import paging_groups
from sdrscan.detection.rules.paging_groups import PagingGroups
from tests.detection.factory import cell, findings, network


def test_more_than_80_groups() -> None:
    (f,) = findings(PagingGroups(), cell(40, bs_ag_blks_res=0, bs_pa_mfrms=9))
    assert f.severity is Severity.LOW and f.evidence["paging_groups"] == 81 and f.tag == "many"


def test_unlike_every_peer() -> None:
    (f,) = findings(PagingGroups(), cell(40, bs_ag_blks_res=2, bs_pa_mfrms=2), network())
    assert f.tag == "unlike-peers" and f.evidence["paging_groups"] == 14 and f.evidence["peer_paging_groups"] == [32]


def test_a_combined_ccch_is_compared_with_combined_cells_only() -> None:
    # Its fewer paging blocks follow from the combined structure, which capability-fingerprint judges already.
    assert findings(PagingGroups(), cell(40, ccch_conf=1, bs_ag_blks_res=0, bs_pa_mfrms=2), network()) == []
    peers = network((60, 62, 64, 66, 68, 70), ccch_conf=1, bs_ag_blks_res=1, bs_pa_mfrms=4)  # N = 8
    (f,) = findings(PagingGroups(), cell(40, ccch_conf=1, bs_ag_blks_res=0, bs_pa_mfrms=2), peers + network())
    assert f.evidence["paging_groups"] == 6 and f.evidence["peer_paging_groups"] == [8] and "combined" in f.message


def test_like_the_peers_or_unknown() -> None:
    assert findings(PagingGroups(), cell(40), network()) == []
    assert findings(PagingGroups(), cell(40, bs_pa_mfrms=None), network()) == []


def test_paging_groups_formula() -> None:
    # TS 45.002 §6.5.2: N = (9 - BS_AG_BLKS_RES) * BS_PA_MFRMS, or (3 - BS_AG_BLKS_RES) * BS_PA_MFRMS combined
    assert paging_groups(0, 1, 9) == 72 and paging_groups(0, 0, 9) == 81 and paging_groups(1, 1, 4) == 8
    assert paging_groups(1, 3, 4) is None  # no paging block left: impossible
