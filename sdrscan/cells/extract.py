"""From one parsed System Information message to the flat parameter values it carries, and the merge rules.

:func:`extract` maps each SI message class (TS 44.018 §9.1.31-43a on the BCCH, §9.1.37-40 on the SACCH) to
a dict of :data:`~sdrscan.cells.model.FieldValue` named like :class:`~sdrscan.cells.model.CellParameters`.
:func:`merge` combines the last values of every message type into one set of cell parameters, trusting
the messages in the order of :data:`FIELD_SOURCES`. No byte offsets here: the RR layer parses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sdrscan.cells.model import PARAMETER_NAMES, FieldValue
from sdrscan.gsm.rr import ies
from sdrscan.gsm.rr import messages as m
from sdrscan.gsm.rr.rest_octets import GprsIndicator, SelectionParameters

Values = dict[str, FieldValue]

# The order in which the CLI and the model list System Information types (TS 44.018 §3.2.2.1).
SI_ORDER: tuple[str, ...] = ("SI1", "SI2", "SI2bis", "SI2ter", "SI2quater", "SI3", "SI4", "SI7", "SI8", "SI9",
                             "SI13", "SI5", "SI5bis", "SI5ter", "SI6")


def _arfcns(values: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(set(values)))


def _lai(lai: ies.LocationAreaIdentification) -> Values:
    return {"mcc": lai.mcc, "mnc": lai.mnc, "lac": lai.lac}


def _rach(r: ies.RachControlParameters) -> Values:
    # TS 44.018 §10.5.2.29
    return {"max_retrans": r.max_retrans, "tx_integer": r.tx_integer, "cell_bar_access": r.cell_bar_access,
            "re": r.re, "ac": r.ac}


def _cell_selection(p: ies.CellSelectionParameters) -> Values:
    # TS 44.018 §10.5.2.4
    return {"cell_reselect_hysteresis": p.cell_reselect_hysteresis, "ms_txpwr_max_cch": p.ms_txpwr_max_cch,
            "acs": p.acs, "neci": p.neci, "rxlev_access_min": p.rxlev_access_min}


def _selection_parameters(p: SelectionParameters | None) -> Values:
    # TS 44.018 §10.5.2.34 (SI3) / §10.5.2.35 (SI4): all None when the rest octets send none
    return {"cbq": None if p is None else p.cbq, "cro": None if p is None else p.cell_reselect_offset,
            "temporary_offset": None if p is None else p.temporary_offset,
            "penalty_time": None if p is None else p.penalty_time}


def _gprs(g: GprsIndicator | None) -> Values:
    return {"gprs": g is not None, "ra_colour": None if g is None else g.ra_colour,
            "si13_position": None if g is None else g.si13_position}


def _si1(msg: m.SystemInformation1) -> Values:
    rest = msg.rest_octets
    return {"cell_arfcns": _arfcns(msg.cell_channel_description.arfcns), "band_indicator": rest.band_indicator,
            "nch_position": rest.nch_position, **_rach(msg.rach_control)}


def _si2(msg: m.SystemInformation2) -> Values:
    ncd = msg.neighbour_cells
    return {"ba_si2": _arfcns(ncd.arfcns), "ext_ind": ncd.ext_ind, "ba_ind": ncd.ba_ind,
            "ncc_permitted": msg.ncc_permitted, **_rach(msg.rach_control)}


def _si2bis(msg: m.SystemInformation2bis) -> Values:
    return {"ba_si2bis": _arfcns(msg.extended_bcch_frequency_list.arfcns), **_rach(msg.rach_control)}


def _si2ter(msg: m.SystemInformation2ter) -> Values:
    ncd = msg.extended_bcch_frequency_list
    return {"ba_si2ter": _arfcns(ncd.arfcns), "multiband_reporting": ncd.multiband_reporting}


def _si2quater(msg: m.SystemInformation2quater) -> Values:
    rest = msg.rest_octets
    return {"utran_fdd_arfcns": _arfcns(rest.utran_fdd_arfcns), "eutran_earfcns": _arfcns(rest.eutran_earfcns)}


def _si3(msg: m.SystemInformation3) -> Values:
    ccd, opts, rest = msg.control_channel_description, msg.cell_options, msg.rest_octets
    return {
        "ci": msg.ci, **_lai(msg.lai),
        # TS 44.018 §10.5.2.11; BS_PA_MFRMS as the real number of multiframes (code + 2)
        "t3212": ccd.t3212, "ccch_conf": ccd.ccch_conf, "bs_ag_blks_res": ccd.bs_ag_blks_res,
        "bs_pa_mfrms": ccd.bs_pa_mfrms_multiframes, "att": ccd.att, "mscr": ccd.mscr, "cbq3": ccd.cbq3,
        # TS 44.018 §10.5.2.3
        "dtx": opts.dtx, "pwrc": opts.pwrc, "radio_link_timeout": opts.radio_link_timeout,
        **_cell_selection(msg.cell_selection_parameters),
        **_selection_parameters(rest.selection_parameters),
        "power_offset": rest.power_offset, "si2ter_indicator": rest.si2ter_indicator,
        "si2quater_indicator": rest.si2quater_position is not None,
        "early_classmark_sending": rest.early_classmark_sending_control,
        **_gprs(rest.gprs_indicator), **_rach(msg.rach_control),
    }


def _si4(msg: m.SystemInformation4) -> Values:
    rest = msg.rest_octets
    return {**_lai(msg.lai), **_cell_selection(msg.cell_selection_parameters),
            **_selection_parameters(rest.selection_parameters), **_gprs(rest.gprs_indicator),
            "cbch": msg.cbch_channel_description is not None, **_rach(msg.rach_control)}


def _si5(msg: m.SystemInformation5) -> Values:
    return {"ba_si5": _arfcns(msg.neighbour_cells.arfcns)}


def _si5bis(msg: m.SystemInformation5bis) -> Values:
    return {"ba_si5bis": _arfcns(msg.extension_of_the_bcch_frequency_list.arfcns)}


def _si5ter(msg: m.SystemInformation5ter) -> Values:
    return {"ba_si5ter": _arfcns(msg.extended_bcch_frequency_list.arfcns)}


def _si6(msg: m.SystemInformation6) -> Values:
    opts = msg.cell_options  # §10.5.2.3a: the SACCH DTX field has 3 bits, another meaning than SI3's
    return {"ci": msg.ci, **_lai(msg.lai), "ncc_permitted": msg.ncc_permitted, "dtx_sacch": opts.dtx,
            "pwrc": opts.pwrc, "radio_link_timeout": opts.radio_link_timeout}


def _si9(msg: m.SystemInformation9) -> Values:
    return _rach(msg.rach_control)


def _si13(msg: m.SystemInformation13) -> Values:
    content = getattr(msg.rest_octets, "content", None)
    cell = getattr(content, "cell", None)
    options = getattr(cell, "gprs_cell_options", None)
    return {"si13": True, "bcch_change_mark": getattr(content, "bcch_change_mark", None),
            "rac": getattr(cell, "rac", None), "nmo": getattr(options, "nmo", None)}


def _nothing(msg: Any) -> Values:
    return {}


_EXTRACTORS: dict[type, Callable[[Any], Values]] = {
    m.SystemInformation1: _si1, m.SystemInformation2: _si2, m.SystemInformation2bis: _si2bis,
    m.SystemInformation2ter: _si2ter, m.SystemInformation2quater: _si2quater, m.SystemInformation3: _si3,
    m.SystemInformation4: _si4, m.SystemInformation7: _nothing, m.SystemInformation8: _nothing,
    m.SystemInformation9: _si9, m.SystemInformation13: _si13, m.SystemInformation5: _si5,
    m.SystemInformation5bis: _si5bis, m.SystemInformation5ter: _si5ter, m.SystemInformation6: _si6,
}


def is_system_information(msg: object) -> bool:
    return type(msg) in _EXTRACTORS


def si_key(msg: m.RrMessage) -> str:
    """The message's name, with the instance for SI2ter/SI2quater sent in several instances
    (``SI2quater[1]``; TS 44.018 §3.2.2.1: SI2quater_INDEX, SI2ter_INDEX)."""
    if isinstance(msg, m.SystemInformation2quater):
        rest = msg.rest_octets
        if rest.si2quater_count > 0:
            return f"SI2quater[{rest.si2quater_index}]"
    if isinstance(msg, m.SystemInformation2ter):
        content = getattr(msg.rest_octets, "content", None)
        if content is not None and content.si2ter_count > 0:
            return f"SI2ter[{content.si2ter_index}]"
    return msg.NAME


def extract(msg: object) -> Values | None:
    """The parameters a System Information message carries; None for any other message."""
    fn = _EXTRACTORS.get(type(msg))
    return None if fn is None else fn(msg)


def base_name(si: str) -> str:
    """``SI2quater[1]`` -> ``SI2quater``."""
    return si.split("[", 1)[0]


def si_sort_key(si: str) -> tuple[int, str]:
    base = base_name(si)
    return (SI_ORDER.index(base) if base in SI_ORDER else len(SI_ORDER), si)


_IDENTITY = ("SI3", "SI4", "SI6")
_RACH = ("SI3", "SI4", "SI1", "SI2", "SI2bis", "SI9")
_SELECTION = ("SI3", "SI4")

# Merged parameter -> the message types that carry it, most trusted first (SI3 is the cell's own
# description and the one every phone reads; TS 44.018 §3.2.2.1).
FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    "mcc": _IDENTITY, "mnc": _IDENTITY, "lac": _IDENTITY, "ci": ("SI3", "SI6"),
    "ba_si2": ("SI2",), "ba_si2bis": ("SI2bis",), "ba_si2ter": ("SI2ter",),
    "ext_ind": ("SI2",), "ba_ind": ("SI2",), "multiband_reporting": ("SI2ter",),
    "cell_arfcns": ("SI1",), "band_indicator": ("SI1",), "nch_position": ("SI1",),
    "ncc_permitted": ("SI2", "SI6"),
    **{k: ("SI3",) for k in ("t3212", "ccch_conf", "bs_ag_blks_res", "bs_pa_mfrms", "att", "mscr", "cbq3",
                             "dtx", "cbq", "cro", "temporary_offset", "penalty_time", "power_offset",
                             "si2ter_indicator", "si2quater_indicator", "early_classmark_sending")},
    "pwrc": ("SI3", "SI6"), "radio_link_timeout": ("SI3", "SI6"),
    **{k: _SELECTION for k in ("cell_reselect_hysteresis", "ms_txpwr_max_cch", "acs", "neci", "rxlev_access_min",
                               "gprs", "ra_colour", "si13_position")},
    **{k: _RACH for k in ("max_retrans", "tx_integer", "cell_bar_access", "re", "ac")},
    "cbch": ("SI4",),
    "utran_fdd_arfcns": ("SI2quater",), "eutran_earfcns": ("SI2quater",),
    "si13": ("SI13",), "rac": ("SI13",), "bcch_change_mark": ("SI13",), "nmo": ("SI13",),
}
# Lists that several instances of one message type (SI2ter[i], SI2quater[i]) or several messages share.
_INSTANCE_UNION = {"ba_si2ter", "utran_fdd_arfcns", "eutran_earfcns"}
_UNIONS: dict[str, tuple[str, ...]] = {
    "neighbours": ("ba_si2", "ba_si2bis", "ba_si2ter"),  # the BCCH allocation (TS 44.018 §3.2.2.1)
    "ba_si5": ("ba_si5", "ba_si5bis", "ba_si5ter"),  # the SACCH BA list
}


def _union(lists: list[FieldValue]) -> tuple[int, ...] | None:
    present = [v for v in lists if isinstance(v, tuple)]
    return None if not present else tuple(sorted({a for v in present for a in v}))


def merge(by_si: Mapping[str, Mapping[str, FieldValue]]) -> dict[str, FieldValue]:
    """One value per :class:`~sdrscan.cells.model.CellParameters` field from the last values per message.

    Parameters
    ----------
    by_si : Mapping[str, Mapping[str, FieldValue]]
        Message key (``"SI3"``, ``"SI2quater[1]"`` ...) -> the values :func:`extract` returned for it.
    """
    by_base: dict[str, list[Mapping[str, FieldValue]]] = {}
    for key in sorted(by_si, key=si_sort_key):
        by_base.setdefault(base_name(key), []).append(by_si[key])
    out: dict[str, FieldValue] = dict.fromkeys(PARAMETER_NAMES)
    for name, sources in FIELD_SOURCES.items():
        for si in sources:
            found = [v[name] for v in by_base.get(si, ()) if name in v]
            if found:
                out[name] = _union(found) if name in _INSTANCE_UNION else found[0]
                break
    for name, parts in _UNIONS.items():
        out[name] = _union([v.get(p) for vs in by_base.values() for v in vs for p in parts])
    if out["gprs"] is None and "SI13" in by_base:
        out["gprs"] = True  # SI13 is only sent by a cell that supports GPRS (TS 44.018 §3.2.2.1)
    return out
