"""Run tshark on GSMTAP pcaps we write and compare its fields with our decode (helpers for the interop tests).

Wireshark is the independent reference: ``FIELD_MAP`` names, for each Wireshark field we also decode, how to
read the same value from our message objects. A field Wireshark shows several times in one message (the
TMSIs of a paging, the scrambling codes of a UTRAN frequency) is compared as the ordered list.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sdrscan.gsm.gsmtap import PcapWriter, gsmtap_packet
from sdrscan.gsm.rr.identity import identity_digest
from sdrscan.gsm.rr.rest_octets import fdd_cells

SKIP_PROTOCOLS = {"geninfo", "frame", "eth", "ip", "udp", "gsmtap"}
Fields = dict[str, list[tuple[str, str]]]  # name -> [(show, showname), ...] in order


def sacch_block(l3: bytes) -> bytes:
    """A 23-octet SACCH block around a 19-octet SI5/SI6: L1 header (power, TA), LAPDm UI address/control."""
    return bytes([0x00, 0x00, 0x03, 0x03]) + l3


def write_pcap(path: Path, blocks: Sequence[tuple[bytes, str]], arfcn: int = 725) -> None:
    with PcapWriter(path) as w:
        for i, (block, channel) in enumerate(blocks):
            w.write(gsmtap_packet(payload=block, arfcn=arfcn, channel=channel, fn=1000 + 51 * i))


def tshark_pdml(tshark: str, pcap: Path) -> list[Fields]:
    """Every packet's fields below the GSMTAP header, from ``tshark -T pdml``."""
    xml = subprocess.run([tshark, "-r", str(pcap), "-T", "pdml"], capture_output=True, text=True, check=True,
                         timeout=120).stdout
    packets = []
    for pkt in ET.fromstring(xml).findall("packet"):
        fields: Fields = {}
        for proto in pkt.findall("proto"):
            if proto.get("name") in SKIP_PROTOCOLS:
                continue
            for f in proto.iter("field"):
                name = f.get("name") or ""
                if name:
                    fields.setdefault(name, []).append((f.get("show") or "", f.get("showname") or ""))
        packets.append(fields)
    return packets


def tshark_verbose(tshark: str, pcap: Path) -> str:
    return subprocess.run([tshark, "-r", str(pcap), "-V"], capture_output=True, text=True, check=True,
                          timeout=120).stdout


def as_int(show: str) -> int | str:
    try:
        return int(show, 0)
    except ValueError:
        return show


def arfcn_list(showname: str) -> list[int]:
    m = re.search(r"List of ARFCNs = ([\d ]*)", showname)
    return sorted(int(x) for x in m.group(1).split()) if m else []


# --- our side -------------------------------------------------------------------------------------------
def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def one(path: str) -> Callable[[Any], list[Any] | None]:
    def f(msg: Any) -> list[Any] | None:
        v = _get(msg, path)
        return None if v is None else [int(v)]
    return f


def first_of(*paths: str) -> Callable[[Any], list[Any] | None]:
    def f(msg: Any) -> list[Any] | None:
        for p in paths:
            v = _get(msg, p)
            if v is not None:
                return [int(v)]
        return None
    return f


def present(path: str) -> Callable[[Any], list[Any] | None]:
    """Wireshark's presence flags: 1 when our optional part is there."""
    def f(msg: Any) -> list[Any] | None:
        if _get(msg, path.rsplit(".", 1)[0]) is None and "." in path:
            return None
        return [int(_get(msg, path) is not None)]
    return f


def _rest(msg: Any) -> Any:
    return getattr(msg, "rest_octets", None)


def _freq_ie(msg: Any) -> Any:
    for name in ("cell_channel_description", "neighbour_cells", "extended_bcch_frequency_list",
                 "extension_of_the_bcch_frequency_list"):
        v = getattr(msg, name, None)
        if v is not None:
            return v
    return None


def _tmsis(msg: Any) -> list[Any] | None:
    ids = getattr(msg, "identities", None)
    if ids is None:
        return None
    return [i.tmsi for i in ids if getattr(i, "tmsi", None) is not None]


def _scrambling_codes(msg: Any) -> list[Any] | None:
    fdd = _get(_rest(msg), "three_g_neighbour_cells.utran_fdd_description")
    if fdd is None:
        return None
    return [code for c in fdd.cells for code, _ in fdd_cells(c.fdd_indic0, c.nr_of_fdd_cells,
                                                              c.fdd_cell_information)]


def _fdd_uarfcns(msg: Any) -> list[Any] | None:
    fdd = _get(_rest(msg), "three_g_neighbour_cells.utran_fdd_description")
    return None if fdd is None else [c.fdd_arfcn for c in fdd.cells]


def _earfcns(msg: Any) -> list[Any] | None:
    rest = _rest(msg)
    if rest is None or not hasattr(rest, "eutran_earfcns"):
        return None
    return list(rest.eutran_earfcns)


def _eutran(msg: Any) -> Any:
    pe = getattr(_rest(msg), "priority_and_eutran", None)
    return None if pe is None else pe.eutran_parameters


def _serving(msg: Any, name: str) -> list[Any] | None:
    pe = getattr(_rest(msg), "priority_and_eutran", None)
    sc = None if pe is None else pe.serving_cell_priority_parameters
    return None if sc is None else [getattr(sc, name)]


def _ba_ind(msg: Any) -> list[Any] | None:
    ie = _freq_ie(msg)
    if ie is not None and hasattr(ie, "ba_ind"):
        return [ie.ba_ind]
    v = _get(_rest(msg), "ba_ind")
    return None if v is None else [v]


def _page_mode(msg: Any) -> list[Any] | None:
    for path in ("page_mode.page_mode", "dedicated_mode_or_tbf.page_mode"):
        v = _get(msg, path)
        if v is not None:
            return [v]
    return None


FIELD_MAP: dict[str, Callable[[Any], list[Any] | None]] = {
    "gsm_a.dtap.msg_rr_type": lambda m: [m.MESSAGE_TYPE],
    "gsm_a.rr.l2_pseudo_len": one("l2_pseudo_length"),
    "gsm_a.bssmap.cell_ci": one("ci"),
    "e212.lai.mcc": one("lai.mcc"),
    "gsm_a.lac": one("lai.lac"),
    "gsm_a.rr.mscr": one("control_channel_description.mscr"),
    "gsm_a.rr.att": one("control_channel_description.att"),
    "gsm_a.rr.bs_ag_blks_res": one("control_channel_description.bs_ag_blks_res"),
    "gsm_a.rr.ccch_conf": one("control_channel_description.ccch_conf"),
    "gsm_a.rr.cbq3": one("control_channel_description.cbq3"),
    # Wireshark shows BS_PA_MFRMS as the number of multiframes (code + 2) in a 3-bit field: 9 shows as 1.
    "gsm_a.rr.bs_pa_mfrms": lambda m: None if getattr(m, "control_channel_description", None) is None
    else [(m.control_channel_description.bs_pa_mfrms + 2) & 7],
    "gsm_a.rr.t3212": one("control_channel_description.t3212"),
    "gsm_a.rr.pwrc": one("cell_options.pwrc"),
    "gsm_a.rr.dtx_bcch": one("cell_options.dtx"),
    "gsm_a.rr.dtx_sacch": one("cell_options.dtx"),
    "gsm_a.rr.radio_link_timeout": one("cell_options.radio_link_timeout"),
    "gsm_a.rr.cell_reselect_hyst": one("cell_selection_parameters.cell_reselect_hysteresis"),
    "gsm_a.rr.ms_txpwr_max_cch": one("cell_selection_parameters.ms_txpwr_max_cch"),
    "gsm_a.rr.acs": one("cell_selection_parameters.acs"),
    "gsm_a.rr.neci": one("cell_selection_parameters.neci"),
    "gsm_a.rr.rxlev_access_min": one("cell_selection_parameters.rxlev_access_min"),
    "gsm_a.rr.max_retrans": one("rach_control.max_retrans"),
    "gsm_a.rr.tx_integer": one("rach_control.tx_integer"),
    "gsm_a.rr.cell_barr_access": one("rach_control.cell_bar_access"),
    "gsm_a.rr.re": one("rach_control.re"),
    "gsm_a.rr.acc": one("rach_control.ac"),
    "gsm_a.rr.ncc_permitted": one("ncc_permitted"),
    "gsm_a.rr.ext_ind": lambda m: None if not hasattr(_freq_ie(m), "ext_ind") else [_freq_ie(m).ext_ind],
    "gsm_a.rr.ba_ind": _ba_ind,
    "gsm_a.rr.multiband_reporting": lambda m: None if not hasattr(_freq_ie(m), "multiband_reporting")
    else [_freq_ie(m).multiband_reporting],
    # SI1 / SI3 / SI4 / SI6 rest octets
    "gsm_a.rr.nch_position": lambda m: None if _get(_rest(m), "nch_position") is None
    else [_rest(m).nch_position],
    "gsm_a.rr.band_indicator": lambda m: None if _get(_rest(m), "band_indicator") is None
    else [int(_rest(m).band_indicator)],
    "gsm_a.rr.selection_parameters": lambda m: None if not hasattr(_rest(m), "selection_parameters")
    else [int(_rest(m).selection_parameters is not None)],
    "gsm_a.rr.cbq": one("rest_octets.selection_parameters.cbq"),
    "gsm_a.rr.cell_reselect_offset": one("rest_octets.selection_parameters.cell_reselect_offset"),
    "gsm_a.rr.temporary_offset": one("rest_octets.selection_parameters.temporary_offset"),
    "gsm_a.rr.penalty_time": one("rest_octets.selection_parameters.penalty_time"),
    "gsm_a.rr.power_offset.present": lambda m: None if not hasattr(_rest(m), "power_offset")
    else [int(_rest(m).power_offset is not None)],
    "gsm_a.rr.system_information_type_2ter": one("rest_octets.si2ter_indicator"),
    "gsm_a.rr.early_classmark_sending": one("rest_octets.early_classmark_sending_control"),
    "gsm_a.rr.scheduling_if_and_where": lambda m: None if not hasattr(_rest(m), "where")
    else [int(_rest(m).where is not None)],
    "gsm_a.rr.gprs_indicator": lambda m: None if not hasattr(_rest(m), "gprs_indicator")
    else [int(_rest(m).gprs_indicator is not None)],
    "gsm_a.rr.gprs_ra_colour": one("rest_octets.gprs_indicator.ra_colour"),
    "gsm_a.rr.si13_position": one("rest_octets.gprs_indicator.si13_position"),
    "gsm_a.rr.3g_early_classmark_sending_restriction": one("rest_octets.three_g_early_classmark_sending_restriction"),
    "gsm_a.rr.si2quater_indicator": lambda m: None if not hasattr(_rest(m), "si2quater_position")
    else [int(_rest(m).si2quater_position is not None)],
    "gsm_a.rr.si2quater_position": one("rest_octets.si2quater_position"),
    "gsm_a.rr.si21_indicator": lambda m: None if not hasattr(_rest(m), "si21_position")
    else [int(_rest(m).si21_position is not None)],
    # SI13
    "gsm_a.rr.bcch_change_mark": one("rest_octets.content.bcch_change_mark"),
    "gsm_a.rr.si_change_field": one("rest_octets.content.si_change_field"),
    "gsm_a.rr.si13_change_mark.present": lambda m: None if _get(_rest(m), "content") is None
    else [int(_rest(m).content.si13_change_mark is not None)],
    "gsm_a.rr.rac": one("rest_octets.content.cell.rac"),
    "gsm_a.rr.spgc_ccch_sup": one("rest_octets.content.cell.spgc_ccch_sup"),
    "gsm_a.rr.priority_access_thr": one("rest_octets.content.cell.priority_access_thr"),
    "gsm_a.rr.network_control_order": one("rest_octets.content.cell.network_control_order"),
    "gsm_a.rr.nmo": one("rest_octets.content.cell.gprs_cell_options.nmo"),
    "gsm_a.rr.t3168": one("rest_octets.content.cell.gprs_cell_options.t3168"),
    "gsm_a.rr.t3192": one("rest_octets.content.cell.gprs_cell_options.t3192"),
    "gsm_a.rr.drx_timer_max": one("rest_octets.content.cell.gprs_cell_options.drx_timer_max"),
    "gsm_a.rr.access_burst_type": one("rest_octets.content.cell.gprs_cell_options.access_burst_type"),
    "gsm_a.rr.control_ack_type": one("rest_octets.content.cell.gprs_cell_options.control_ack_type"),
    "gsm_a.rr.bs_cv_max": one("rest_octets.content.cell.gprs_cell_options.bs_cv_max"),
    "gsm_a.rr.pan_dec": one("rest_octets.content.cell.gprs_cell_options.pan.pan_dec"),
    "gsm_a.rr.pan_inc": one("rest_octets.content.cell.gprs_cell_options.pan.pan_inc"),
    "gsm_a.rr.pan_max": one("rest_octets.content.cell.gprs_cell_options.pan.pan_max"),
    "gsm_a.rr.ccn_active": one("rest_octets.content.cell.gprs_cell_options.extension.rel4.ccn_active"),
    "gsm_a.rr.nw_ext_utbf": one("rest_octets.content.cell.gprs_cell_options.extension.rel4.nw_ext_utbf"),
    "gsm_a.rr.alpha": one("rest_octets.content.cell.gprs_power_control_parameters.alpha"),
    "gsm_a.rr.t_avg_w": one("rest_octets.content.cell.gprs_power_control_parameters.t_avg_w"),
    "gsm_a.rr.t_avg_t": one("rest_octets.content.cell.gprs_power_control_parameters.t_avg_t"),
    "gsm_a.rr.n_avg_i": one("rest_octets.content.cell.gprs_power_control_parameters.n_avg_i"),
    "gsm_a.rr.sgsnr": one("rest_octets.content.r99.sgsnr"),
    "gsm_a.rr.si_status_ind": one("rest_octets.content.r99.rel4.si_status_ind"),
    # SI2quater
    "gsm_a.rr.3g_ba_ind": one("rest_octets.three_g_ba_ind"),
    "gsm_a.rr.mp_change_mark": one("rest_octets.mp_change_mark"),
    "gsm_a.rr.si2quater_index": one("rest_octets.si2quater_index"),
    "gsm_a.rr.si2quater_count": one("rest_octets.si2quater_count"),
    "gsm_a.rr.fdd_uarfcn": _fdd_uarfcns,
    "gsm_a.rr.scrambling_code": _scrambling_codes,
    "gsm_a.rr.qsearch_i": one("rest_octets.three_g_measurement_parameters.qsearch_i"),
    "gsm_a.rr.fdd_rscpmin": one("rest_octets.rel5.three_g_additional_measurement_parameters.fdd_rscpmin"),
    "gsm_a.rr.earfcn": _earfcns,
    "gsm_a.rr.eutran_priority": lambda m: None if _eutran(m) is None
    else [n.eutran_priority for n in _eutran(m).neighbour_cells if n.eutran_priority is not None],
    "gsm_a.rr.thresh_eutran_high": lambda m: None if _eutran(m) is None
    else [n.thresh_eutran_high for n in _eutran(m).neighbour_cells],
    "gsm_a.rr.serving_cell_priority_param_geran_priority": lambda m: _serving(m, "geran_priority"),
    "gsm_a.rr.serving_cell_priority_param_thresh_prio_search": lambda m: _serving(m, "thresh_priority_search"),
    "gsm_a.rr.serving_cell_priority_param_t_reselection": lambda m: _serving(m, "t_reselection"),
    "gsm_a.rr.nr_of_fdd_cells": lambda m: None if _fdd_uarfcns(m) is None
    else [c.nr_of_fdd_cells for c in _rest(m).three_g_neighbour_cells.utran_fdd_description.cells],
    "gsm_a.rr.diversity": lambda m: None if _fdd_uarfcns(m) is None
    else [d for c in _rest(m).three_g_neighbour_cells.utran_fdd_description.cells
          for _, d in fdd_cells(c.fdd_indic0, c.nr_of_fdd_cells, c.fdd_cell_information)],
    "gsm_a.rr.index_start_3g": lambda m: None if _get(_rest(m), "three_g_neighbour_cells") is None
    else ([1, _rest(m).three_g_neighbour_cells.index_start_3g]
          if _rest(m).three_g_neighbour_cells.index_start_3g is not None else [0]),
    "gsm_a.rr.number_cells": one("rest_octets.extension.ccn_support.number_cells"),
    "gsm_a.rr.ccn_supported": lambda m: None if _get(_rest(m), "extension.ccn_support") is None
    else [_rest(m).extension.ccn_support.ccn_supported],
    "gsm_a.rr.qsearch_c_initial": one("rest_octets.three_g_measurement_parameters.qsearch_c_initial"),
    "gsm_a.rr.fdd_qoffset": one("rest_octets.three_g_measurement_parameters.fdd.fdd_qoffset"),
    "gsm_a.rr.fdd_qmin": one("rest_octets.three_g_measurement_parameters.fdd.fdd_qmin"),
    "gsm_a.rr.fdd_rep_quant": one("rest_octets.three_g_measurement_parameters.fdd.fdd_rep_quant"),
    "gsm_a.rr.qsearch_p": one("rest_octets.gprs_3g_measurement_parameters.qsearch_p"),
    "gsm_a.rr.3g_search_prio": one("rest_octets.gprs_3g_measurement_parameters.search_prio_3g"),
    "gsm_a.rr.fdd_qmin_offset": one("rest_octets.rel5.three_g_additional_measurement_parameters.fdd_qmin_offset"),
    "gsm_a.rr.fdd_reporting_threshold_2": one(
        "rest_octets.rel5.three_g_additional_measurement_parameters_2.fdd_reporting_threshold_2"),
    "gsm_a.rr.3g_ccn_active": one("rest_octets.rel5.rel6.three_g_ccn_active"),
    "gsm_a.rr.break_indicator": one("rest_octets.break_indicator"),
    "gsm_a.rr.power_offset": one("rest_octets.power_offset"),
    "gsm_a.rr.si13_contents": lambda m: None if m.MESSAGE_TYPE != 0 else [int(_rest(m).content is not None)],
    "gsm_a.rr.pbcch": lambda m: None if _get(_rest(m), "content.cell") is None
    else [int(not hasattr(_rest(m).content.cell, "rac"))],
    "gsm_a.rr.pc_meas_chan": one("rest_octets.content.cell.gprs_power_control_parameters.pc_meas_chan"),
    "gsm_a.rr.egprs_supported": lambda m: None if _get(_rest(m), "content.cell.gprs_cell_options.extension") is None
    else [int(_rest(m).content.cell.gprs_cell_options.extension.r99.egprs is not None)],
    "gsm_a.rr.bep_period": one("rest_octets.content.cell.gprs_cell_options.extension.r99.egprs.bep_period"),
    "gsm_a.rr.pfc_feature_mode": one("rest_octets.content.cell.gprs_cell_options.extension.r99.pfc_feature_mode"),
    "gsm_a.rr.dtm_support": one("rest_octets.content.cell.gprs_cell_options.extension.r99.dtm_support"),
    "gsm_a.rr.bss_paging_coordination": one(
        "rest_octets.content.cell.gprs_cell_options.extension.r99.bss_paging_coordination"),
    "gsm_a.rr.multiple_tbf_capability": one(
        "rest_octets.content.cell.gprs_cell_options.extension.rel6.multiple_tbf_capability"),
    "gsm_a.rr.ext_utbf_no_data": one("rest_octets.content.cell.gprs_cell_options.extension.rel6.ext_utbf_nodata"),
    "gsm_a.rr.dtm_enhancements_capability": one(
        "rest_octets.content.cell.gprs_cell_options.extension.rel6.dtm_enhancements_capability"),
    "gsm_a.rr.reduced_latency_access": one(
        "rest_octets.content.cell.gprs_cell_options.extension.rel7.reduced_latency_access"),
    # CCCH
    "gsm_a.rr.page_mode": _page_mode,
    "gsm_a.rr.chnl_needed_ch1": one("page_mode.channel_needed_first"),
    "gsm_a.rr.chnl_needed_ch2": one("page_mode.channel_needed_second"),
    "gsm_a.rr.nln_pch": one("rest_octets.nln_pch.nln_pch"),
    "gsm_a.rr.nln_status_pch": one("rest_octets.nln_pch.nln_status_pch"),
    "gsm_a.rr.timeslot": first_of("channel_description.tn", "channel_description_1.tn"),
    "gsm_a.rr.training_sequence": first_of("channel_description.tsc", "channel_description_1.tsc"),
    "gsm_a.rr.hopping_channel": first_of("channel_description.h", "channel_description_1.h"),
    "gsm_a.rr.single_channel_arfcn": first_of("channel_description.arfcn", "channel_description_1.arfcn"),
    "gsm_a.rr.ra": first_of("request_reference.ra", "request_reference_1.ra"),
    "gsm_a.rr.T1prim": first_of("request_reference.t1_prime", "request_reference_1.t1_prime"),
    "gsm_a.rr.T3": first_of("request_reference.t3", "request_reference_1.t3"),
    "gsm_a.rr.T2": first_of("request_reference.t2", "request_reference_1.t2"),
    "gsm_a.rr.rfn": lambda m: None if getattr(m, "request_reference", None) is None
    else [m.request_reference.fn_mod_42432()],
    "gsm_a.rr.timing_adv": first_of("timing_advance", "timing_advance_1"),
}

# Bit strings whose "show" is the raw octets; the value is in the showname.
SHOWNAME_FIELDS = ("gsm_a.rr.ccn_supported",)
# Fields Wireshark shows once per occurrence that we collect across the message.
TMSI_FIELDS = ("gsm_a.tmsi", "3gpp.tmsi")


def compare(msg: Any, fields: Fields, identity_key: bytes) -> tuple[int, list[str]]:
    """(number of values compared, mismatch descriptions) between our ``msg`` and tshark's ``fields``."""
    n = 0
    bad: list[str] = []
    for name, extract in FIELD_MAP.items():
        if name not in fields:
            continue
        ours = extract(msg)
        if ours is None:
            continue
        if name in SHOWNAME_FIELDS:
            theirs = [sn.split(": ", 1)[-1] for _, sn in fields[name]]
        else:
            theirs = [as_int(show) for show, _ in fields[name]]
        if name in ("gsm_a.rr.scrambling_code", "gsm_a.rr.fdd_uarfcn", "gsm_a.rr.earfcn"):
            pass  # ordered lists, compared as they are
        elif len(theirs) > 1 and len(ours) == 1:
            theirs = theirs[-1:]  # presence flag and value share one field name in Wireshark
        n += len(ours)
        if ours != theirs:
            bad.append(f"{name}: ours {ours} tshark {theirs}")
    # MNC: Wireshark's show drops the leading zero; its showname keeps the digits, e.g. "(02)".
    if "e212.lai.mnc" in fields and getattr(msg, "lai", None) is not None:
        m = re.search(r"\((\d{2,3})\)\s*$", fields["e212.lai.mnc"][0][1])
        n += 1
        if m is None or m.group(1) != msg.lai.mnc:
            bad.append(f"mnc: ours {msg.lai.mnc} tshark {fields['e212.lai.mnc'][0][1]!r}")
    # ARFCN lists
    if "gsm_a.rr.arfcn_list" in fields and _freq_ie(msg) is not None:
        n += 1
        theirs_l = arfcn_list(fields["gsm_a.rr.arfcn_list"][0][1])
        if theirs_l != list(_freq_ie(msg).arfcns):
            bad.append(f"arfcn_list: ours {_freq_ie(msg).arfcns} tshark {theirs_l}")
    # TMSIs (both Wireshark field names, in order of appearance) and IMSIs (compared as digests)
    tmsis = _tmsis(msg)
    if tmsis is not None:
        theirs_t = [int(show) for name in TMSI_FIELDS for show, _ in fields.get(name, [])]
        n += 1
        if sorted(theirs_t) != sorted(tmsis):
            bad.append(f"tmsi: ours {tmsis} tshark {theirs_t}")
        digests = [i.digest for i in msg.identities if getattr(i, "digest", None)]
        theirs_d = [identity_digest(show, identity_key) for show, _ in fields.get("e212.imsi", [])]
        n += 1
        if sorted(digests) != sorted(theirs_d):
            bad.append(f"imsi digests differ: {len(digests)} ours, {len(theirs_d)} tshark")
    return n, bad


def blocks_of(items: Iterable[tuple[bytes, str]]) -> list[tuple[bytes, str]]:
    return list(items)
