"""Cell description -> SI blocks: the rules of which SI a cell sends, and every value survives the trip
through our encoder and parser (hypothesis over random cells)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdrscan.errors import ConfigError
from sdrscan.gsm.rr import CellDescription, build_system_information, parse_rr
from sdrscan.gsm.rr.cell import build_system_information_messages


def parsed(cell: CellDescription) -> dict:
    out = {}
    for name, block in build_system_information(cell).items():
        assert len(block) == 23, name
        msg = parse_rr(block)
        assert msg.NAME == name and msg.unparsed_rest_bits == ""
        out[name] = msg
    return out


def test_minimal_cell_sends_si1_to_si4() -> None:
    si = parsed(CellDescription(arfcn=93))
    assert set(si) == {"SI1", "SI2", "SI3", "SI4"}
    assert si["SI1"].cell_channel_description.arfcns == (93,)
    assert si["SI2"].neighbour_cells.arfcns == () and si["SI2"].ncc_permitted == 1  # own NCC 0
    assert si["SI3"].rest_octets.gprs_indicator is None and not si["SI3"].rest_octets.si2ter_indicator


def test_scene_defaults_and_objects_are_accepted() -> None:
    # what sdrscan.synth.scene passes: dataclass objects with cbq/cro/... and ra_colour/si13_position
    spec = SimpleNamespace(arfcn=30, bsic=45, mcc=1, mnc="01", lac=1000, ci=101, neighbours=(40, 50),
                           cell_channels=(30,), t3212=30, ccch_conf=1, bs_ag_blks_res=1, bs_pa_mfrms=4,
                           cell_reselect_hysteresis=2, ms_txpwr_max_cch=5, rxlev_access_min=8,
                           selection_params=SimpleNamespace(cbq=1, cro=63, temp_offset=7, penalty_time=31),
                           gprs_indicator=SimpleNamespace(ra_colour=3, si13_position=1), si2ter=None,
                           power_db=-20.0, multipath=None)
    si = parsed(CellDescription.from_mapping(spec))
    assert set(si) == {"SI1", "SI2", "SI3", "SI4", "SI13"}
    sp = si["SI4"].rest_octets.selection_parameters
    assert (sp.cbq, sp.cell_reselect_offset, sp.temporary_offset, sp.penalty_time) == (1, 63, 7, 31)
    assert si["SI3"].control_channel_description.combined_ccch
    assert si["SI3"].rest_octets.gprs_indicator.si13_position == 1


def test_si2bis_when_the_ba_list_does_not_fit_si2() -> None:
    wide = tuple(range(1, 125, 2)) + tuple(range(975, 1024, 4))  # P-GSM + E-GSM: no single format fits
    si = parsed(CellDescription(arfcn=1, neighbours=wide))
    assert "SI2bis" in si and si["SI2"].neighbour_cells.ext_ind == 1
    assert si["SI2bis"].extended_bcch_frequency_list.ext_ind == 1
    assert set(si["SI2"].neighbour_cells.arfcns) | set(si["SI2bis"].extended_bcch_frequency_list.arfcns) == set(wide)


def test_si2ter_rules() -> None:
    mixed = (10, 20, 520, 600)
    none = parsed(CellDescription(arfcn=5, neighbours=mixed))
    assert "SI2ter" not in none and none["SI2"].neighbour_cells.arfcns == mixed  # one list, range format
    auto = parsed(CellDescription(arfcn=5, neighbours=mixed, si2ter=True))
    assert auto["SI2"].neighbour_cells.arfcns == (10, 20)
    assert auto["SI2ter"].extended_bcch_frequency_list.arfcns == (520, 600)
    assert auto["SI3"].rest_octets.si2ter_indicator
    explicit = parsed(CellDescription(arfcn=5, neighbours=(10, 20), si2ter=[700, 701]))
    assert explicit["SI2ter"].extended_bcch_frequency_list.arfcns == (700, 701)


def test_si2quater_for_3g_and_lte_neighbours() -> None:
    si = parsed(CellDescription(arfcn=62, utran_neighbours=(10612, 10637), eutran_neighbours=(6300, 1300)))
    rest = si["SI2quater"].rest_octets
    assert rest.utran_fdd_arfcns == (10612, 10637) and rest.eutran_earfcns == (6300, 1300)
    assert si["SI3"].rest_octets.si2quater_position == 0
    with pytest.raises(ConfigError, match="do not fit one SI2quater"):
        build_system_information(CellDescription(arfcn=62, eutran_neighbours=tuple(range(100, 106))))


def test_pcs_band_indicator() -> None:
    assert parsed(CellDescription(arfcn=600, band="PCS1900"))["SI1"].rest_octets.band_indicator
    assert not parsed(CellDescription(arfcn=600))["SI1"].rest_octets.band_indicator


@pytest.mark.parametrize("bad", [dict(arfcn=1024), dict(arfcn=1, mnc="1"), dict(arfcn=1, bs_pa_mfrms=1),
                                 dict(arfcn=1, ccch_conf=1, bs_ag_blks_res=5), dict(arfcn=1, neighbours=(5000,)),
                                 dict(arfcn=1, ccch_conf=3), dict(arfcn=1, neighbours=tuple(range(0, 1024, 9)))])
def test_bad_cells_raise_config_error(bad: dict) -> None:
    with pytest.raises(ConfigError):
        build_system_information(CellDescription(**bad))


@st.composite
def cells(draw: st.DrawFn) -> CellDescription:
    arfcn = draw(st.sampled_from([0, 1, 62, 124, 975, 1023, 128, 251, 512, 725, 885]))
    neighbours = draw(st.one_of(st.sets(st.integers(0, 1023), max_size=16),
                                st.sets(st.integers(1, 124), max_size=60)))
    si2ter = draw(st.one_of(st.none(), st.just(False), st.just(True),
                            st.sets(st.integers(512, 885), max_size=12).map(sorted)))
    sel = draw(st.one_of(st.none(), st.fixed_dictionaries({"cbq": st.integers(0, 1), "cro": st.integers(0, 63),
                                                            "temp_offset": st.integers(0, 7),
                                                            "penalty_time": st.integers(0, 31)})))
    gprs = draw(st.one_of(st.none(), st.fixed_dictionaries({"ra_colour": st.integers(0, 7),
                                                             "si13_position": st.integers(0, 1)})))
    ccch_conf = draw(st.sampled_from([0, 1, 2, 4, 6]))
    return CellDescription(
        arfcn=arfcn, bsic=draw(st.integers(0, 63)), mcc=draw(st.integers(0, 999)),
        mnc=draw(st.from_regex(r"\A[0-9]{2,3}\Z")), lac=draw(st.integers(0, 65535)), ci=draw(st.integers(0, 65535)),
        neighbours=tuple(neighbours), cell_channels=tuple(draw(st.sets(st.integers(1, 124), min_size=1, max_size=8))),
        t3212=draw(st.integers(0, 255)), ccch_conf=ccch_conf,
        bs_ag_blks_res=draw(st.integers(0, 2 if ccch_conf == 1 else 7)), bs_pa_mfrms=draw(st.integers(2, 9)),
        cell_reselect_hysteresis=draw(st.integers(0, 7)), ms_txpwr_max_cch=draw(st.integers(0, 31)),
        rxlev_access_min=draw(st.integers(0, 63)), selection_params=sel, gprs_indicator=gprs, si2ter=si2ter,
        max_retrans=draw(st.integers(0, 3)), tx_integer=draw(st.integers(0, 15)),
        cell_bar_access=draw(st.integers(0, 1)), re=draw(st.integers(0, 1)), ac=draw(st.integers(0, 0xFFFF)),
        utran_neighbours=tuple(draw(st.lists(st.integers(0, 16383), max_size=2))),
        eutran_neighbours=tuple(draw(st.lists(st.integers(0, 65535), max_size=2))))


@settings(max_examples=150, deadline=None)
@given(cells())
def test_random_cells_roundtrip(cell: CellDescription) -> None:
    si = parsed(cell)
    expected = {"SI1", "SI2", "SI3", "SI4"}
    same, other = cell.ba_lists()
    if other is not None:
        expected.add("SI2ter")
    if cell.gprs_indicator is not None:
        expected.add("SI13")
    if cell.utran_neighbours or cell.eutran_neighbours:
        expected.add("SI2quater")
    if "SI2bis" in si:
        expected.add("SI2bis")
    assert set(si) == expected
    si3, si4 = si["SI3"], si["SI4"]
    assert (si3.ci, si3.lai.mcc, si3.lai.mnc, si3.lai.lac) == (cell.ci, cell.mcc, cell.mnc, cell.lac)
    assert si4.lai == si3.lai
    ccd = si3.control_channel_description
    assert (ccd.t3212, ccd.ccch_conf, ccd.bs_ag_blks_res, ccd.bs_pa_mfrms_multiframes) == (
        cell.t3212, cell.ccch_conf, cell.bs_ag_blks_res, cell.bs_pa_mfrms)
    for msg in (si3, si4):
        csp = msg.cell_selection_parameters
        assert (csp.cell_reselect_hysteresis, csp.ms_txpwr_max_cch, csp.rxlev_access_min) == (
            cell.cell_reselect_hysteresis, cell.ms_txpwr_max_cch, cell.rxlev_access_min)
        assert msg.rach_control == cell.rach_control
        assert msg.rest_octets.selection_parameters == cell.selection_parameters
        assert msg.rest_octets.gprs_indicator == cell.gprs
    assert si["SI1"].cell_channel_description.arfcns == tuple(sorted(cell.cell_channels))
    ba = set(si["SI2"].neighbour_cells.arfcns)
    if "SI2bis" in si:
        ba |= set(si["SI2bis"].extended_bcch_frequency_list.arfcns)
    assert ba == set(same)
    if other is not None:
        assert si["SI2ter"].extended_bcch_frequency_list.arfcns == tuple(sorted(set(other)))
        assert si3.rest_octets.si2ter_indicator
    if "SI2quater" in si:
        assert si["SI2quater"].rest_octets.utran_fdd_arfcns == cell.utran_neighbours
        assert si["SI2quater"].rest_octets.eutran_earfcns == cell.eutran_neighbours
    # re-encoding the parsed messages gives the same blocks
    built = build_system_information_messages(cell)
    assert {k: parse_rr(v.encode()).encode() for k, v in built.items()} == build_system_information(cell)
