"""Rest octets (CSN.1) of the BCCH/CCCH/SACCH messages, TS 44.018 §10.5.2.16-37, as field tables.

Each table follows the CSN.1 of its clause; member names are the specification's field names. Parts that
sdrscan does not interpret (MBMS, ETWS, group call and packet assignment details, Rel-9+ SI2quater
additions) are kept verbatim as bit strings (:class:`~sdrscan.gsm.rr.fields.Remainder`), so every
message still re-encodes to the same octets.

Where the standard is ambiguous the layout follows what Wireshark dissects (checked with tshark 4.0):
SI3's Iu Indicator is one plain bit present only without a GPRS Indicator, and the SI21 Indicator follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sdrscan.gsm.rr.bits import BitReader, BitsExhausted, BitWriter
from sdrscan.gsm.rr.fields import (
    Additions,
    BitString,
    ChainedList,
    Counted,
    Custom,
    LHBit,
    Member,
    Optional,
    Remainder,
    RepeatWhile1,
    Scope,
    Sized,
    Struct,
    Uint,
    additions,
    field,
    lh_flag,
    optional,
    spare,
)
from sdrscan.gsm.rr.freqlist import range_decode, w_widths


def _u(n: int) -> Uint:
    return Uint(n)


# --- shared: TS 44.018 §10.5.2.34 Selection Parameters, GPRS Indicator ------------------------------------
@dataclass(frozen=True, slots=True)
class SelectionParameters:
    """C2 cell reselection parameters (TS 45.008 §6.4): CELL_RESELECT_OFFSET in 2 dB steps, TEMPORARY_OFFSET
    in 10 dB steps (7 = infinity), PENALTY_TIME (20 s steps; 31 = CRO subtracted, TEMPORARY_OFFSET ignored)."""

    cbq: int
    cell_reselect_offset: int
    temporary_offset: int
    penalty_time: int

    @property
    def cell_reselect_offset_db(self) -> int:
        return 2 * self.cell_reselect_offset


SELECTION_PARAMETERS = Struct(SelectionParameters, field("cbq", 1), field("cell_reselect_offset", 6),
                              field("temporary_offset", 3), field("penalty_time", 5))


@dataclass(frozen=True, slots=True)
class GprsIndicator:
    """RA COLOUR and SI13 POSITION (0: SI13 on BCCH Norm, 1: on BCCH Ext)."""

    ra_colour: int
    si13_position: int


GPRS_INDICATOR = Struct(GprsIndicator, field("ra_colour", 3), field("si13_position", 1))


# --- TS 44.018 §10.5.2.32 SI 1 Rest Octets ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Si1RestOctets:
    nch_position: int | None
    band_indicator: bool  # H: ARFCNs 512-810 are PCS 1900, L: DCS 1800


SI1_REST_OCTETS = Struct(Si1RestOctets, optional("nch_position", 5, lh=True), lh_flag("band_indicator"))


# --- TS 44.018 §10.5.2.34 SI 3 Rest Octets -----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Si3RestOctets:
    selection_parameters: SelectionParameters | None
    power_offset: int | None
    si2ter_indicator: bool
    early_classmark_sending_control: bool
    where: int | None  # "Scheduling if and where"
    gprs_indicator: GprsIndicator | None
    three_g_early_classmark_sending_restriction: bool
    si2quater_position: int | None  # present iff the SI2quater Indicator is H
    si13alt_position: int | None  # Iu Indicator, sent only without a GPRS Indicator
    si21_position: int | None


SI3_REST_OCTETS = Struct(
    Si3RestOctets,
    optional("selection_parameters", SELECTION_PARAMETERS, lh=True),
    optional("power_offset", 2, lh=True),
    lh_flag("si2ter_indicator"),
    lh_flag("early_classmark_sending_control"),
    optional("where", 3, lh=True),
    optional("gprs_indicator", GPRS_INDICATOR, lh=True),
    lh_flag("three_g_early_classmark_sending_restriction"),
    optional("si2quater_position", 1, lh=True),
    Member("si13alt_position", _u(1), lambda s: s["gprs_indicator"] is None),
    optional("si21_position", 1, lh=True),
)


# --- TS 44.018 §10.5.2.35 SI 4 Rest Octets (also SI 7 and SI 8, §10.5.2.36/37) ---------------------------
LSA_PARAMETERS = Struct("LsaParameters", field("prio_thr", 3), field("lsa_offset", 3),
                        optional("mcc_mnc", Struct("LsaPlmn", field("mcc", 12), field("mnc", 12))))


def _lsa_identity_decode(r: BitReader, scope: Scope) -> tuple[str, int]:
    return ("short", r.read(10)) if r.read(1) else ("long", r.read(24))


def _lsa_identity_encode(w: BitWriter, v: tuple[str, int], scope: Scope) -> None:
    kind, value = v
    w.write(int(kind == "short"), 1)
    w.write(value, 10 if kind == "short" else 24)


LSA_IDENTITY = Custom(_lsa_identity_decode, _lsa_identity_encode)

SI4_REST_OCTETS_S = Struct(
    "Si4RestOctetsS",
    optional("lsa_parameters", LSA_PARAMETERS, lh=True),
    optional("cell_identity", 16, lh=True),
    optional("lsa_id_information", ChainedList(LSA_IDENTITY), lh=True),
    optional("cbq3", Struct("Cbq3", field("cbq3", 2), optional("si13alt_position", 1)), lh=True),
)


@dataclass(frozen=True, slots=True)
class Si4RestOctets:
    selection_parameters: SelectionParameters | None
    power_offset: int | None
    gprs_indicator: GprsIndicator | None
    rest_octets_s: object | None  # SI4 Rest Octets_S when H
    break_indicator: bool | None  # when L: H = SI7/SI8 carry "SI4 Rest Octets_S"


def _break_or_s_decode(r: BitReader, scope: Scope) -> tuple[object | None, bool | None]:
    if r.read_lh():
        return SI4_REST_OCTETS_S.decode(r, scope), None
    return None, r.read_lh()


SI4_REST_OCTETS = Struct(
    Si4RestOctets,
    optional("selection_parameters", SELECTION_PARAMETERS, lh=True),
    optional("power_offset", 2, lh=True),
    optional("gprs_indicator", GPRS_INDICATOR, lh=True),
    Member("rest_octets_s", Optional(SI4_REST_OCTETS_S, lh=True)),
    Member("break_indicator", LHBit(), lambda s: s["rest_octets_s"] is None),
)

# SI 7 / SI 8 Rest Octets (§10.5.2.36/37): "<SI4 Rest Octets_O> <SI4 Rest Octets_S>".
SI7_REST_OCTETS = Struct(
    "Si7RestOctets",
    optional("selection_parameters", SELECTION_PARAMETERS, lh=True),
    optional("power_offset", 2, lh=True),
    optional("gprs_indicator", GPRS_INDICATOR, lh=True),
    Member("rest_octets_s", SI4_REST_OCTETS_S),
)


# --- TS 44.018 §10.5.2.33a SI 2ter Rest Octets -------------------------------------------------------------
UTRAN_FDD_DESCRIPTION_2TER = Struct("UtranFddDescription", spare(2, 0b01), field("fdd_arfcn", 14),
                                    optional("bandwidth_fdd", 3))
UTRAN_TDD_DESCRIPTION_2TER = Struct("UtranTddDescription", spare(2, 0b01), field("tdd_arfcn", 14),
                                    optional("bandwidth_tdd", 3))
THREE_G_MEASUREMENT_PARAMETERS_2TER = Struct(
    "ThreeGMeasurementParameters", field("qsearch_i", 4),
    optional("fdd", Struct("FddQParameters", field("fdd_qoffset", 4), field("fdd_qmin", 3))),
    optional("tdd_qoffset", 4))
THREE_G_ADDITIONAL_MEASUREMENT_PARAMETERS = Struct("ThreeGAdditionalMeasurementParameters",
                                                   field("fdd_qmin_offset", 3), field("fdd_rscpmin", 4))
SI2TER_CONTENT = Struct(
    "Si2terContent",
    field("si2ter_mp_change_mark", 1), field("si2ter_3g_change_mark", 1),
    field("si2ter_index", 3), field("si2ter_count", 3),
    optional("utran_fdd_description", UTRAN_FDD_DESCRIPTION_2TER),
    optional("utran_tdd_description", UTRAN_TDD_DESCRIPTION_2TER),
    optional("three_g_measurement_parameters", THREE_G_MEASUREMENT_PARAMETERS_2TER),
    additions("rel5", Struct("Si2terRel5", optional("three_g_additional_measurement_parameters",
                                                     THREE_G_ADDITIONAL_MEASUREMENT_PARAMETERS))),
)
SI2TER_REST_OCTETS = Struct("Si2terRestOctets", optional("content", SI2TER_CONTENT, lh=True))


# --- TS 44.018 §10.5.2.33b SI 2quater Rest Octets ----------------------------------------------------------
# Table 9.1.54.1: length in bits of FDD_CELL_INFORMATION (p) and TDD_CELL_INFORMATION (q) for n cells.
P_FDD_CELL_INFORMATION = (0, 10, 19, 28, 36, 44, 52, 60, 67, 74, 81, 88, 95, 102, 109, 116, 122)
Q_TDD_CELL_INFORMATION = (0, 9, 17, 25, 32, 39, 46, 53, 59, 65, 71, 77, 83, 89, 95, 101, 106, 111, 116, 121, 126)


def _p_bits(scope: Scope) -> int:
    n = scope["nr_of_fdd_cells"]
    return P_FDD_CELL_INFORMATION[n] if n < len(P_FDD_CELL_INFORMATION) else 0


def _q_bits(scope: Scope) -> int:
    n = scope["nr_of_tdd_cells"]
    return Q_TDD_CELL_INFORMATION[n] if n < len(Q_TDD_CELL_INFORMATION) else 0


def fdd_cells(indic0: int, nr_of_cells: int, cell_information: str) -> list[tuple[int, int]]:
    """(scrambling code, diversity) of the UTRAN FDD cells of one frequency (TS 44.018 §9.1.54.1).

    The FDD_CELL_INFORMATION field codes 10-bit values (diversity bit, 9-bit scrambling code) with the
    range 1024 algorithm of §10.5.2.13.3; FDD_Indic0 adds the value 0.
    """
    bits = [int(b) for b in cell_information]
    ws = []
    pos = 0
    for width in w_widths(1024, len(bits))[:nr_of_cells]:
        ws.append(int("".join(map(str, bits[pos:pos + width])) or "0", 2))
        pos += width
    values = ([0] if indic0 else []) + range_decode(ws, 1024)
    return [(v & 0x1FF, v >> 9) for v in values]


REPEATED_UTRAN_FDD_NEIGHBOUR_CELLS = Struct(
    "RepeatedUtranFddNeighbourCells", spare(1), field("fdd_arfcn", 14), field("fdd_indic0", 1),
    field("nr_of_fdd_cells", 5), Member("fdd_cell_information", BitString(length_fn=_p_bits)))
REPEATED_UTRAN_TDD_NEIGHBOUR_CELLS = Struct(
    "RepeatedUtranTddNeighbourCells", spare(1), field("tdd_arfcn", 14), field("tdd_indic0", 1),
    field("nr_of_tdd_cells", 5), Member("tdd_cell_information", BitString(length_fn=_q_bits)))
UTRAN_FDD_DESCRIPTION = Struct("UtranFddNeighbours", optional("bandwidth_fdd", 3),
                               Member("cells", RepeatWhile1(REPEATED_UTRAN_FDD_NEIGHBOUR_CELLS)))
UTRAN_TDD_DESCRIPTION = Struct("UtranTddNeighbours", optional("bandwidth_tdd", 3),
                               Member("cells", RepeatWhile1(REPEATED_UTRAN_TDD_NEIGHBOUR_CELLS)))
THREE_G_NEIGHBOUR_CELL_DESCRIPTION = Struct(
    "ThreeGNeighbourCellDescription", optional("index_start_3g", 7), optional("absolute_index_start_emr", 7),
    optional("utran_fdd_description", UTRAN_FDD_DESCRIPTION),
    optional("utran_tdd_description", UTRAN_TDD_DESCRIPTION))

MEASUREMENT_PARAMETERS_DESCRIPTION = Struct("MeasurementParametersDescription", field("report_type", 1),
                                            field("serving_band_reporting", 2))


def _rtd_list(bits: int) -> Struct:
    rtd_struct = Struct(f"Rtd{bits}", Member("rtd", _RtdValues(bits)))
    return Struct(f"GprsRtd{bits}", optional("ba_index_start_rtd", 5),
                  Member("rtds", _RtdFrequencies(rtd_struct)))


class _RtdValues(RepeatWhile1):
    """``{ 0 < RTD : bit (n) > } ** 1``: values each preceded by 0, closed by 1."""

    def __init__(self, bits: int) -> None:
        super().__init__(Uint(bits))

    def decode(self, r: BitReader, scope: Scope) -> tuple[int, ...]:
        out: list[int] = []
        while not r.read(1):
            out.append(self.inner.decode(r, scope))
            if len(out) > 64:
                raise BitsExhausted("RTD list does not end")
        return tuple(out)

    def encode(self, w: BitWriter, value: tuple[int, ...], scope: Scope) -> None:
        for v in value:
            w.write(0, 1)
            self.inner.encode(w, v, scope)
        w.write(1, 1)


class _RtdFrequencies(RepeatWhile1):
    """``< RTD > { 0 < RTD > } ** 1``: the first frequency's RTDs, then more frequencies each after a 0."""

    def decode(self, r: BitReader, scope: Scope) -> tuple[object, ...]:
        out = [self.inner.decode(r, scope)]
        while not r.read(1):
            out.append(self.inner.decode(r, scope))
            if len(out) > 64:
                raise BitsExhausted("RTD frequency list does not end")
        return tuple(out)

    def encode(self, w: BitWriter, value: tuple[object, ...], scope: Scope) -> None:
        for i, v in enumerate(value):
            if i:
                w.write(0, 1)
            self.inner.encode(w, v, scope)
        w.write(1, 1)


GPRS_REAL_TIME_DIFFERENCE_DESCRIPTION = Struct(
    "GprsRealTimeDifferenceDescription", optional("rtd6", _rtd_list(6)), optional("rtd12", _rtd_list(12)))
GPRS_BSIC_DESCRIPTION = Struct(
    "GprsBsicDescription", optional("ba_index_start_bsic", 5), field("bsic", 6),
    field("number_remaining_bsic", 7),
    Member("remaining", Counted(Struct("BsicEntry", field("frequency_scrolling", 1), field("bsic", 6)),
                                "number_remaining_bsic")))
GPRS_REPORT_PRIORITY_DESCRIPTION = Struct(
    "GprsReportPriorityDescription", field("number_cells", 7),
    Member("rep_priority", BitString("number_cells")))


def _reporting(name: str) -> Member:
    return optional(name, Struct(f"Reporting{name}", field("offset", 3), field("threshold", 3)))


GPRS_MEASUREMENT_PARAMETERS_DESCRIPTION = Struct(
    "GprsMeasurementParametersDescription", field("report_type", 1), field("reporting_rate", 1),
    field("invalid_bsic_reporting", 1), optional("multiband_reporting", 2),
    optional("serving_band_reporting", 2), field("scale_ord", 2),
    _reporting("reporting_900"), _reporting("reporting_1800"), _reporting("reporting_400"),
    _reporting("reporting_1900"), _reporting("reporting_850"))
NC_MEASUREMENT_PARAMETERS = Struct(
    "NcMeasurementParameters", field("network_control_order", 2),
    optional("periods", Struct("NcPeriods", field("nc_non_drx_period", 3), field("nc_reporting_period_i", 3),
                               field("nc_reporting_period_t", 3))))
CCN_SUPPORT_DESCRIPTION = Struct("CcnSupportDescription", field("number_cells", 7),
                                 Member("ccn_supported", BitString("number_cells")))
SI2Q_EXTENSION_INFORMATION = Struct(
    "Si2qExtensionInformation",
    optional("ccn_support", CCN_SUPPORT_DESCRIPTION),
    Member("spare_bits", Remainder()))
FDD_3G_MEASUREMENT = Struct("Fdd3gMeasurement", field("fdd_qoffset", 4), field("fdd_rep_quant", 1),
                            field("fdd_multirat_reporting", 2), field("fdd_qmin", 3))
THREE_G_MEASUREMENT_PARAMETERS_DESCRIPTION = Struct(
    "ThreeGMeasurementParametersDescription", field("qsearch_i", 4), field("qsearch_c_initial", 1),
    optional("fdd", FDD_3G_MEASUREMENT),
    optional("tdd", Struct("Tdd3gMeasurement", field("tdd_qoffset", 4), field("tdd_multirat_reporting", 2))))
GPRS_3G_MEASUREMENT_PARAMETERS_DESCRIPTION = Struct(
    "Gprs3gMeasurementParametersDescription", field("qsearch_p", 4), field("search_prio_3g", 1),
    optional("fdd", Struct("GprsFdd3g", field("fdd_rep_quant", 1), field("fdd_multirat_reporting", 2))),
    optional("fdd_reporting", Struct("FddReporting", field("fdd_reporting_offset", 3),
                                     field("fdd_reporting_threshold", 3))),
    optional("tdd_multirat_reporting", 2),
    optional("tdd_reporting", Struct("TddReporting", field("tdd_reporting_offset", 3),
                                     field("tdd_reporting_threshold", 3))))

SERVING_CELL_PRIORITY_PARAMETERS = Struct(
    "ServingCellPriorityParameters", field("geran_priority", 3), field("thresh_priority_search", 4),
    field("thresh_gsm_low", 4), field("h_prio", 2), field("t_reselection", 2))
REPEATED_UTRAN_PRIORITY_PARAMETERS = Struct(
    "RepeatedUtranPriorityParameters", Member("utran_frequency_index", RepeatWhile1(Uint(5))),
    optional("utran_priority", 3), field("thresh_utran_high", 5), optional("thresh_utran_low", 5),
    optional("utran_qrxlevmin", 5))
THREE_G_PRIORITY_PARAMETERS = Struct(
    "ThreeGPriorityParameters", field("utran_start", 1), field("utran_stop", 1),
    optional("default", Struct("DefaultUtranPriority", field("default_utran_priority", 3),
                               field("default_thresh_utran", 5), field("default_utran_qrxlevmin", 5))),
    Member("repeated", RepeatWhile1(REPEATED_UTRAN_PRIORITY_PARAMETERS)))


def _eutran_reporting(prefix: str) -> Struct:
    return Struct(f"EutranReporting{prefix}", field("reporting_threshold", 3),
                  optional("reporting_threshold_2", 6), optional("reporting_offset", 3))


def _eutran_report_offset(prefix: str) -> Struct:
    return Struct(f"EutranReportOffset{prefix}", field("measurement_report_offset", 6),
                  optional("reporting_threshold_2", 6), optional("reporting_offset", 3))


@dataclass(frozen=True, slots=True)
class EutranMeasurementParameters:
    """E-UTRAN Measurement Parameters Description: ``three_bit_reporting`` picks the 6-bit (0) or 3-bit (1)
    reporting branch; ``fdd``/``tdd`` hold that branch's thresholds and offsets."""

    qsearch_c_eutran_initial: int
    eutran_rep_quant: int
    eutran_multirat_reporting: int
    three_bit_reporting: int
    fdd: object | None
    tdd: object | None
    reporting_granularity: int | None


EUTRAN_MEASUREMENT_PARAMETERS = EutranMeasurementParameters


def _eutran_meas_decode(r: BitReader, scope: Scope) -> object:
    head = (r.read(4), r.read(1), r.read(2))
    if not r.read(1):
        fdd = Optional(_EUTRAN_REP["fdd6"]).decode(r, scope)
        tdd = Optional(_EUTRAN_REP["tdd6"]).decode(r, scope)
        return EUTRAN_MEASUREMENT_PARAMETERS(*head, 0, fdd, tdd, None)
    fdd = Optional(_EUTRAN_REP["fdd3"]).decode(r, scope)
    tdd = Optional(_EUTRAN_REP["tdd3"]).decode(r, scope)
    return EUTRAN_MEASUREMENT_PARAMETERS(*head, 1, fdd, tdd, r.read(1))


def _eutran_meas_encode(w: BitWriter, v: EutranMeasurementParameters, scope: Scope) -> None:
    w.write(v.qsearch_c_eutran_initial, 4)
    w.write(v.eutran_rep_quant, 1)
    w.write(v.eutran_multirat_reporting, 2)
    w.write(v.three_bit_reporting, 1)
    kind = "3" if v.three_bit_reporting else "6"
    Optional(_EUTRAN_REP["fdd" + kind]).encode(w, v.fdd, scope)
    Optional(_EUTRAN_REP["tdd" + kind]).encode(w, v.tdd, scope)
    if v.three_bit_reporting:
        w.write(v.reporting_granularity, 1)


_EUTRAN_REP = {"fdd6": _eutran_reporting("Fdd"), "tdd6": _eutran_reporting("Tdd"),
               "fdd3": _eutran_report_offset("Fdd"), "tdd3": _eutran_report_offset("Tdd")}
GPRS_EUTRAN_MEASUREMENT_PARAMETERS = Struct(
    "GprsEutranMeasurementParametersDescription", field("qsearch_p_eutran", 4), field("eutran_rep_quant", 1),
    field("eutran_multirat_reporting", 2), optional("fdd", _EUTRAN_REP["fdd6"]),
    optional("tdd", _EUTRAN_REP["tdd6"]))
EUTRAN_FREQUENCY = Struct("EutranFrequency", field("earfcn", 16), optional("measurement_bandwidth", 3))
REPEATED_EUTRAN_NEIGHBOUR_CELLS = Struct(
    "RepeatedEutranNeighbourCells",
    Member("earfcns", RepeatWhile1(EUTRAN_FREQUENCY)),
    optional("eutran_priority", 3), field("thresh_eutran_high", 5), optional("thresh_eutran_low", 5),
    optional("eutran_qrxlevmin", 5))
PCID_GROUP = Struct(
    "PcidGroup", Member("pcids", RepeatWhile1(Uint(9))), optional("pcid_bitmap_group", 6),
    Member("patterns", RepeatWhile1(Struct("PcidPattern", field("pcid_pattern_length", 3),
                                           Member("pcid_pattern", BitString("pcid_pattern_length", 1)),
                                           field("pcid_pattern_sense", 1)))))
REPEATED_EUTRAN_NOT_ALLOWED_CELLS = Struct(
    "RepeatedEutranNotAllowedCells", Member("not_allowed_cells", PCID_GROUP),
    Member("eutran_frequency_index", RepeatWhile1(Uint(3))))
REPEATED_EUTRAN_PCID_TO_TA_MAPPING = Struct(
    "RepeatedEutranPcidToTaMapping", Member("pcid_to_ta_mapping", RepeatWhile1(PCID_GROUP)),
    Member("eutran_frequency_index", RepeatWhile1(Uint(3))))
EUTRAN_PARAMETERS_DESCRIPTION = Struct(
    "EutranParametersDescription", field("eutran_ccn_active", 1), field("eutran_start", 1),
    field("eutran_stop", 1),
    optional("eutran_measurement_parameters", Custom(_eutran_meas_decode, _eutran_meas_encode)),
    optional("gprs_eutran_measurement_parameters", GPRS_EUTRAN_MEASUREMENT_PARAMETERS),
    Member("neighbour_cells", RepeatWhile1(REPEATED_EUTRAN_NEIGHBOUR_CELLS)),
    Member("not_allowed_cells", RepeatWhile1(REPEATED_EUTRAN_NOT_ALLOWED_CELLS)),
    Member("pcid_to_ta_mapping", RepeatWhile1(REPEATED_EUTRAN_PCID_TO_TA_MAPPING)))
PRIORITY_AND_EUTRAN_PARAMETERS = Struct(
    "PriorityAndEutranParametersDescription",
    optional("serving_cell_priority_parameters", SERVING_CELL_PRIORITY_PARAMETERS),
    optional("three_g_priority_parameters", THREE_G_PRIORITY_PARAMETERS),
    optional("eutran_parameters", EUTRAN_PARAMETERS_DESCRIPTION))
PSC_GROUP = Struct(
    "PscGroup", Member("pscs", RepeatWhile1(Uint(9))),
    Member("patterns", RepeatWhile1(Struct("PscPattern", field("psc_pattern_length", 3),
                                           Member("psc_pattern", BitString("psc_pattern_length", 1)),
                                           field("psc_pattern_sense", 1)))))


def _csg_uarfcn_decode(r: BitReader, scope: Scope) -> tuple[str, int]:
    return ("tdd" if r.read(1) else "fdd", r.read(14))


def _csg_uarfcn_encode(w: BitWriter, v: tuple[str, int], scope: Scope) -> None:
    w.write(int(v[0] == "tdd"), 1)
    w.write(v[1], 14)


THREE_G_CSG_DESCRIPTION = Struct(
    "ThreeGCsgDescription",
    Member("csg_psc_split", RepeatWhile1(Struct("CsgPscSplit", Member("psc_group", PSC_GROUP),
                                                Member("utran_frequency_index", RepeatWhile1(Uint(5)))))),
    Member("csg_uarfcns", RepeatWhile1(Custom(_csg_uarfcn_decode, _csg_uarfcn_encode))))
EUTRAN_CSG_DESCRIPTION = Struct(
    "EutranCsgDescription",
    Member("csg_pci_split", RepeatWhile1(Struct("CsgPciSplit", Member("pcid_group", PCID_GROUP),
                                                Member("eutran_frequency_index", RepeatWhile1(Uint(3)))))),
    Member("csg_earfcns", RepeatWhile1(Uint(16))))

SI2QUATER_REL8 = Struct(
    "Si2quaterRel8",
    optional("priority_and_eutran_parameters", PRIORITY_AND_EUTRAN_PARAMETERS),
    optional("three_g_csg_description", THREE_G_CSG_DESCRIPTION),
    optional("eutran_csg_description", EUTRAN_CSG_DESCRIPTION),
    Member("rel9_and_later", Optional(Remainder(), lh=True)),  # kept verbatim
)
SI2QUATER_REL7 = Struct(
    "Si2quaterRel7", _reporting("reporting_700"), _reporting("reporting_810"), additions("rel8", SI2QUATER_REL8))
SI2QUATER_REL6 = Struct("Si2quaterRel6", field("three_g_ccn_active", 1), additions("rel7", SI2QUATER_REL7))
THREE_G_ADDITIONAL_MEASUREMENT_PARAMETERS_2 = Struct("ThreeGAdditionalMeasurementParameters2",
                                                     optional("fdd_reporting_threshold_2", 6))
SI2QUATER_REL5 = Struct(
    "Si2quaterRel5",
    optional("three_g_additional_measurement_parameters", THREE_G_ADDITIONAL_MEASUREMENT_PARAMETERS),
    optional("three_g_additional_measurement_parameters_2", THREE_G_ADDITIONAL_MEASUREMENT_PARAMETERS_2),
    additions("rel6", SI2QUATER_REL6))


@dataclass(frozen=True, slots=True)
class Si2quaterRestOctets:
    ba_ind: int
    three_g_ba_ind: int
    mp_change_mark: int
    si2quater_index: int
    si2quater_count: int
    measurement_parameters: object | None
    gprs_real_time_difference: object | None
    gprs_bsic: object | None
    gprs_report_priority: object | None
    gprs_measurement_parameters: object | None
    nc_measurement_parameters: object | None
    extension: object | None
    three_g_neighbour_cells: object | None
    three_g_measurement_parameters: object | None
    gprs_3g_measurement_parameters: object | None
    rel5: object | None

    def _rel(self, *path: str) -> object | None:
        node: object | None = self.rel5
        for name in path:
            if node is None:
                return None
            node = getattr(node, name)
        return node

    @property
    def priority_and_eutran(self) -> object | None:
        return self._rel("rel6", "rel7", "rel8", "priority_and_eutran_parameters")

    @property
    def utran_fdd_arfcns(self) -> tuple[int, ...]:
        """UARFCNs of the UTRAN FDD neighbours in this instance."""
        desc = self.three_g_neighbour_cells
        fdd = desc.utran_fdd_description if desc is not None else None
        return tuple(c.fdd_arfcn for c in fdd.cells) if fdd is not None else ()

    @property
    def eutran_earfcns(self) -> tuple[int, ...]:
        """EARFCNs of the E-UTRAN neighbours (Rel-8 Priority and E-UTRAN Parameters) in this instance."""
        pe = self.priority_and_eutran
        eutran = getattr(pe, "eutran_parameters", None) if pe is not None else None
        if eutran is None:
            return ()
        return tuple(f.earfcn for n in eutran.neighbour_cells for f in n.earfcns)


SI2QUATER_REST_OCTETS = Struct(
    Si2quaterRestOctets,
    field("ba_ind", 1), field("three_g_ba_ind", 1), field("mp_change_mark", 1),
    field("si2quater_index", 4), field("si2quater_count", 4),
    optional("measurement_parameters", MEASUREMENT_PARAMETERS_DESCRIPTION),
    optional("gprs_real_time_difference", GPRS_REAL_TIME_DIFFERENCE_DESCRIPTION),
    optional("gprs_bsic", GPRS_BSIC_DESCRIPTION),
    optional("gprs_report_priority", GPRS_REPORT_PRIORITY_DESCRIPTION),
    optional("gprs_measurement_parameters", GPRS_MEASUREMENT_PARAMETERS_DESCRIPTION),
    optional("nc_measurement_parameters", NC_MEASUREMENT_PARAMETERS),
    optional("extension", Sized(8, SI2Q_EXTENSION_INFORMATION)),
    optional("three_g_neighbour_cells", THREE_G_NEIGHBOUR_CELL_DESCRIPTION),
    optional("three_g_measurement_parameters", THREE_G_MEASUREMENT_PARAMETERS_DESCRIPTION),
    optional("gprs_3g_measurement_parameters", GPRS_3G_MEASUREMENT_PARAMETERS_DESCRIPTION),
    additions("rel5", SI2QUATER_REL5),
)


# --- TS 44.018 §10.5.2.37b SI 13 Rest Octets, with TS 44.060 §12.24 / §12.9a / §12.10a IEs --------------
GPRS_MOBILE_ALLOCATION = Struct(
    "GprsMobileAllocation", field("hsn", 6), optional("rfl_number_list", ChainedList(Uint(4))),
    Member("ma", Custom(
        lambda r, s: ("bitmap", BitString(bits=r.read(6) + 1).decode(r, s)) if not r.read(1)
        else ("arfcn_index", Optional(ChainedList(Uint(6))).decode(r, s)),
        lambda w, v, s: _encode_ma(w, v, s))))


def _encode_ma(w: BitWriter, v: tuple[str, object], scope: Scope) -> None:
    kind, value = v
    if kind == "bitmap":
        w.write(0, 1)
        w.write(len(value) - 1, 6)  # type: ignore[arg-type]
        w.write_bitstring(value)  # type: ignore[arg-type]
    else:
        w.write(1, 1)
        Optional(ChainedList(Uint(6))).encode(w, value, scope)


EGPRS = Struct("Egprs", field("egprs_packet_channel_request", 1), field("bep_period", 4))
GPRS_CELL_OPTIONS_R99 = Struct("GprsCellOptionsR99", optional("egprs", EGPRS), field("pfc_feature_mode", 1),
                               field("dtm_support", 1), field("bss_paging_coordination", 1))
GPRS_CELL_OPTIONS_REL4 = Struct("GprsCellOptionsRel4", field("ccn_active", 1), field("nw_ext_utbf", 1))
GPRS_CELL_OPTIONS_REL6 = Struct(
    "GprsCellOptionsRel6", field("multiple_tbf_capability", 1), field("ext_utbf_nodata", 1),
    field("dtm_enhancements_capability", 1),
    optional("mbms", Struct("Mbms", field("dedicated_mode_mbms_notification_support", 1), field("mnci_support", 1))))
GPRS_CELL_OPTIONS_REL7 = Struct("GprsCellOptionsRel7", field("reduced_latency_access", 1))
GPRS_CELL_OPTIONS_EXTENSION = Struct(
    "GprsCellOptionsExtension",
    Member("r99", GPRS_CELL_OPTIONS_R99),
    Member("rel4", GPRS_CELL_OPTIONS_REL4),
    Member("rel6", GPRS_CELL_OPTIONS_REL6),
    Member("rel7", GPRS_CELL_OPTIONS_REL7),
    Member("rel10", Struct("GprsCellOptionsRel10", field("nmo_i_alternate", 1))),
    Member("spare_bits", Remainder()),
    truncatable=True,
)
PAN = Struct("Pan", field("pan_dec", 3), field("pan_inc", 3), field("pan_max", 3))
GPRS_CELL_OPTIONS = Struct(
    "GprsCellOptions", field("nmo", 2), field("t3168", 3), field("t3192", 3), field("drx_timer_max", 3),
    field("access_burst_type", 1), field("control_ack_type", 1), field("bs_cv_max", 4),
    optional("pan", PAN),
    optional("extension", Sized(6, GPRS_CELL_OPTIONS_EXTENSION)))
GPRS_POWER_CONTROL_PARAMETERS = Struct(
    "GprsPowerControlParameters", field("alpha", 4), field("t_avg_w", 5), field("t_avg_t", 5),
    field("pc_meas_chan", 1), field("n_avg_i", 4))


def _pbcch_carrier_decode(r: BitReader, scope: Scope) -> tuple[str, int | None]:
    if r.read(1):
        return "maio", r.read(6)
    if r.read(1):
        return "arfcn", r.read(10)
    return "bcch", None


def _pbcch_carrier_encode(w: BitWriter, v: tuple[str, int | None], scope: Scope) -> None:
    kind, value = v
    if kind == "maio":
        w.write(1, 1)
        w.write(int(value or 0), 6)
    elif kind == "arfcn":
        w.write(0b01, 2)
        w.write(int(value or 0), 10)
    else:
        w.write(0, 2)


PBCCH_DESCRIPTION = Struct("PbcchDescription", field("pb", 4), field("tsc", 3), field("tn", 3),
                           Member("carrier", Custom(_pbcch_carrier_decode, _pbcch_carrier_encode)))
SI13_NO_PBCCH = Struct(
    "Si13NoPbcch", field("rac", 8), field("spgc_ccch_sup", 1), field("priority_access_thr", 3),
    field("network_control_order", 2), Member("gprs_cell_options", GPRS_CELL_OPTIONS),
    Member("gprs_power_control_parameters", GPRS_POWER_CONTROL_PARAMETERS))
SI13_PBCCH = Struct("Si13Pbcch", field("psi1_repeat_period", 4), Member("pbcch_description", PBCCH_DESCRIPTION))


def _pbcch_choice_decode(r: BitReader, scope: Scope) -> object:
    return SI13_PBCCH.decode(r, scope) if r.read(1) else SI13_NO_PBCCH.decode(r, scope)


def _pbcch_choice_encode(w: BitWriter, v: object, scope: Scope) -> None:
    pbcch = isinstance(v, SI13_PBCCH.cls)
    w.write(int(pbcch), 1)
    (SI13_PBCCH if pbcch else SI13_NO_PBCCH).encode(w, v, scope)


SI13_REL6 = Struct("Si13Rel6", optional("lb_ms_txpwr_max_cch", 5), field("si2n_support", 2),
                   Member("rel11_and_later", Remainder()))
SI13_REL4 = Struct("Si13Rel4", field("si_status_ind", 1), additions("rel6", SI13_REL6))
SI13_R99 = Struct("Si13R99", field("sgsnr", 1), additions("rel4", SI13_REL4))
SI13_CONTENT = Struct(
    "Si13Content", field("bcch_change_mark", 3), field("si_change_field", 4),
    optional("si13_change_mark", Struct("Si13ChangeMark", field("si13_change_mark", 2),
                                        Member("gprs_mobile_allocation", GPRS_MOBILE_ALLOCATION))),
    Member("cell", Custom(_pbcch_choice_decode, _pbcch_choice_encode)),
    additions("r99", SI13_R99))
SI13_REST_OCTETS = Struct("Si13RestOctets", optional("content", SI13_CONTENT, lh=True))


# --- TS 44.018 §10.5.2.37a SI 9 Rest Octets ---------------------------------------------------------------
def _info_type_decode(r: BitReader, scope: Scope) -> int:
    if not r.read(1):
        return r.read(4)
    return r.read(6) if r.read(1) else r.read(5)


def _info_type_encode(w: BitWriter, v: int, scope: Scope) -> None:
    if v < 16:
        w.write(0, 1)
        w.write(v, 4)
    elif v < 32:
        w.write(0b10, 2)
        w.write(v, 5)
    else:
        w.write(0b11, 2)
        w.write(v, 6)


def _position_decode(r: BitReader, scope: Scope) -> tuple[int, int, int]:
    modulus = r.read(4)
    relative = r.read(1 + modulus) if modulus else 0
    return modulus, relative, r.read(1)


def _position_encode(w: BitWriter, v: tuple[int, int, int], scope: Scope) -> None:
    modulus, relative, bcch_type = v
    w.write(modulus, 4)
    if modulus:
        w.write(relative, 1 + modulus)
    w.write(bcch_type, 1)


SCHEDULING_INFO = Struct("SchedulingInfo", Member("info_type", Custom(_info_type_decode, _info_type_encode)),
                         Member("positions", ChainedList(Custom(_position_decode, _position_encode))))
SI9_REST_OCTETS = Struct("Si9RestOctets", optional("scheduling_info", ChainedList(SCHEDULING_INFO), lh=True))


# --- TS 44.018 §10.5.2.35a SI 6 Rest Octets -----------------------------------------------------------------
PCH_AND_NCH_INFO = Struct("PchAndNchInfo", field("paging_channel_restructuring", 1), field("nln_sacch", 2),
                          optional("call_priority", 3), field("nln_status_sacch", 1))
SI6_REST_OCTETS = Struct(
    "Si6RestOctets",
    optional("pch_and_nch_info", PCH_AND_NCH_INFO, lh=True),
    optional("vbs_vgcs_options", 2, lh=True),
    optional("dtm", Struct("Dtm", field("rac", 8), field("max_lapdm", 3)), lh=True),
    lh_flag("band_indicator"),
    optional("gprs_ms_txpwr_max_cch", 5, lh=True),
    optional("mbms", Struct("Si6Mbms", field("dedicated_mode_mbms_notification_support", 1),
                            field("mnci_support", 1)), lh=True),
    additions("rel7", Struct("Si6Rel7", optional("amr_config", 4))),
    Member("random_bit_stream", Optional(Remainder(), lh=True)),
)


# --- TS 44.018 §10.5.2.23-25 P1/P2/P3 Rest Octets -----------------------------------------------------------
NLN_PCH = Struct("NlnPch", field("nln_pch", 2), field("nln_status_pch", 1))


@dataclass(frozen=True, slots=True)
class P1RestOctets:
    nln_pch: object | None
    priority1: int | None
    priority2: int | None
    group_call_information: str | None  # kept verbatim with everything after it
    packet_page_indication_1: bool | None
    packet_page_indication_2: bool | None
    later_releases: str | None  # Rel-6+ additions (MBMS, ETWS, implicit reject ...), verbatim


def _p1_group_call(scope: Scope) -> bool:
    return scope["group_call_information"] is None


P1_REST_OCTETS = Struct(
    P1RestOctets,
    optional("nln_pch", NLN_PCH, lh=True),
    optional("priority1", 3, lh=True),
    optional("priority2", 3, lh=True),
    Member("group_call_information", Optional(Remainder(), lh=True)),
    Member("packet_page_indication_1", LHBit(), _p1_group_call),
    Member("packet_page_indication_2", LHBit(), _p1_group_call),
    Member("later_releases", Optional(Remainder(), lh=True), _p1_group_call),
)


@dataclass(frozen=True, slots=True)
class P2RestOctets:
    cn3: int | None
    nln_pch: object | None
    priority1: int | None
    priority2: int | None
    priority3: int | None
    packet_page_indication_3: bool
    later_releases: str | None


P2_REST_OCTETS = Struct(
    P2RestOctets,
    optional("cn3", 2, lh=True), optional("nln_pch", NLN_PCH, lh=True),
    optional("priority1", 3, lh=True), optional("priority2", 3, lh=True), optional("priority3", 3, lh=True),
    lh_flag("packet_page_indication_3"),
    Member("later_releases", Optional(Remainder(), lh=True)),
)


@dataclass(frozen=True, slots=True)
class P3RestOctets:
    channels_needed_3_4: object | None
    nln_pch: object | None
    priority1: int | None
    priority2: int | None
    priority3: int | None
    priority4: int | None
    later_releases: str | None


P3_REST_OCTETS = Struct(
    P3RestOctets,
    optional("channels_needed_3_4", Struct("Cn34", field("cn3", 2), field("cn4", 2)), lh=True),
    optional("nln_pch", NLN_PCH, lh=True),
    optional("priority1", 3, lh=True), optional("priority2", 3, lh=True), optional("priority3", 3, lh=True),
    optional("priority4", 3, lh=True),
    Member("later_releases", Optional(Remainder(), lh=True)),
)


# --- TS 44.018 §10.5.2.22c NT/N Rest Octets (Notification/NCH) --------------------------------------------
NTN_REST_OCTETS = Struct("NtnRestOctets", optional("nln_nch", 2),
                         Member("group_call_and_later", Remainder()))


# --- TS 44.018 §10.5.2.16 IA Rest Octets -----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class IaRestOctets:
    """The first two L/H bits choose the variant (LL: dedicated, LH: EGPRS/MBMS, HL: frequency parameters
    before time, HH: packet assignment); the dedicated variant is decoded, the others kept verbatim."""

    variant: str
    compressed_inter_rat_ho_info_ind: int | None
    rel13: object | None
    content: str | None  # the LH/HL/HH variants' bits, verbatim


def _ia_decode(r: BitReader, scope: Scope) -> IaRestOctets:
    variant = ("H" if r.read_lh() else "L") + ("H" if r.read_lh() else "L")
    if variant != "LL" or r.remaining == 0:
        return IaRestOctets(variant, None, None, r.rest_as_bitstring() if variant != "LL" else None)
    ind = r.read(1)
    rel13 = Additions(_IA_REL13).decode(r, scope)
    return IaRestOctets(variant, ind, rel13, None)


def _ia_encode(w: BitWriter, v: IaRestOctets, scope: Scope) -> None:
    w.write_lh(v.variant[0] == "H")
    w.write_lh(v.variant[1] == "H")
    if v.variant != "LL":
        w.write_bitstring(v.content or "")
        return
    if v.compressed_inter_rat_ho_info_ind is None:
        return
    w.write(v.compressed_inter_rat_ho_info_ind, 1)
    Additions(_IA_REL13).encode(w, v.rel13, scope)


_IA_REL13 = Struct("IaRel13", field("implicit_reject_ps", 1), field("peo_bcch_change_mark", 2), field("rcc", 3))
IA_REST_OCTETS = Custom(_ia_decode, _ia_encode)

# --- TS 44.018 §10.5.2.17 IAR Rest Octets, §10.5.2.18 IAX Rest Octets -------------------------------------
IAR_REST_OCTETS = Struct(
    "IarRestOctets", optional("extended_ra_1", 5), optional("extended_ra_2", 5), optional("extended_ra_3", 5),
    optional("extended_ra_4", 5), additions("rcc", Uint(3)))
IAX_REST_OCTETS = Struct("IaxRestOctets", field("compressed_inter_rat_ho_info_ind", 1),
                         additions("rcc", Uint(3)))

