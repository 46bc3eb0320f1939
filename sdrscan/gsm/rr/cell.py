"""What a cell broadcasts: a cell description (scene-file names) in, the octets of every SI block out.

:func:`build_system_information` applies these rules (TS 44.018 §3.2.2.1, §9.1.31-43a; TS 45.002 §6.3.1.3):

* **SI1, SI2, SI3, SI4** always.
* **SI2** carries the BA list of the neighbours (``neighbours``). When the list does not fit in SI2's
  16-octet Neighbour Cell Description, SI2 gets EXT-IND = 1 and **SI2bis** carries the remaining ARFCNs.
  The frequency-list format is chosen per list: bit map 0 when every ARFCN is in 1..124, else the
  smallest range that covers it, else the variable bit map, else range 1024 (so mixed E-GSM/DCS lists use
  the range formats, as real networks do).
* **SI2ter** (``si2ter``): ``None``/``False`` (default): none, every neighbour is in SI2/SI2bis; a list:
  SI2ter carries that list (other-band neighbours) and SI3 sets the SI2ter indicator; ``True``: the
  neighbours outside the serving cell's band move from SI2 to SI2ter.
* **SI2quater** iff UTRAN FDD (``utran_neighbours``, UARFCNs) or E-UTRAN (``eutran_neighbours``,
  EARFCNs) neighbours are given; SI3 then carries the SI2quater indicator (position BCCH Norm). Only one
  instance is built (SI2quater_INDEX = SI2quater_COUNT = 0), which holds e.g. 2 UARFCNs + 2 EARFCNs or
  4 EARFCNs; more raise ConfigError.
* **SI13** iff ``gprs_indicator`` is set; SI3 and SI4 then carry the GPRS Indicator.

Values are the specification's field codes unless a name says otherwise (``bs_pa_mfrms`` is the real
number of multiframes, 2..9, as in the scene file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sdrscan.errors import ConfigError
from sdrscan.gsm.rr import ies
from sdrscan.gsm.rr import rest_octets as ro
from sdrscan.gsm.rr.bits import EncodeError
from sdrscan.gsm.rr.freqlist import choose_format
from sdrscan.gsm.rr.identity import ClearIdentity, IdentityType, MobileIdentity
from sdrscan.gsm.rr.messages import (
    ImmediateAssignment,
    L2FillFrame,
    PagingRequestType1,
    PagingRequestType2,
    PagingRequestType3,
    SystemInformation1,
    SystemInformation2,
    SystemInformation2bis,
    SystemInformation2quater,
    SystemInformation2ter,
    SystemInformation3,
    SystemInformation4,
    SystemInformation13,
)

SI_ORDER = ("SI1", "SI2", "SI2bis", "SI2ter", "SI2quater", "SI3", "SI4", "SI13")


def _band_group(arfcn: int, band: str | None) -> str:
    """Coarse band of an ARFCN for the SI2 / SI2ter split (TS 45.005 §2)."""
    if arfcn <= 124 or 955 <= arfcn <= 1023:
        return "900"
    if 128 <= arfcn <= 251:
        return "850"
    if 259 <= arfcn <= 340:
        return "450"
    if 512 <= arfcn <= 885:
        return "1900" if band is not None and band.upper().startswith("PCS") and arfcn <= 810 else "1800"
    return "other"


def _get(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, Mapping) else getattr(obj, name)


@dataclass(frozen=True, slots=True)
class CellDescription:
    """A cell's broadcast parameters; field names follow the scene file (docs/scene.md).

    ``selection_params``: None or an object/mapping with ``cbq, cro, temp_offset, penalty_time``.
    ``gprs_indicator``: None or an object/mapping with ``ra_colour, si13_position``.
    ``si2ter``: see the module docstring. ``ac``: barred access classes (bit n = class n, bit 10 = EC).
    """

    arfcn: int
    bsic: int = 0
    mcc: int = 1
    mnc: str = "01"
    lac: int = 1000
    ci: int = 0
    neighbours: tuple[int, ...] = ()
    cell_channels: tuple[int, ...] | None = None  # default: (arfcn,)
    t3212: int = 30
    ccch_conf: int = 0
    bs_ag_blks_res: int = 1
    bs_pa_mfrms: int = 4
    cell_reselect_hysteresis: int = 2
    ms_txpwr_max_cch: int = 5
    rxlev_access_min: int = 8
    selection_params: Any = None
    gprs_indicator: Any = None
    si2ter: bool | tuple[int, ...] | None = None
    ncc_permitted: int | None = None  # default: only the cell's own NCC
    max_retrans: int = 2  # code: 4 retransmissions
    tx_integer: int = 14  # code: 32 slots
    cell_bar_access: int = 0
    re: int = 1
    ac: int = 0
    band: str | None = None
    att: int = 1
    mscr: int = 1
    neci: int = 0
    acs: int = 0
    pwrc: int = 0
    dtx: int = 2  # "MS shall not use uplink DTX"
    radio_link_timeout: int = 7
    early_classmark_sending: bool = False
    rac: int = 0  # routing area code sent in SI13
    utran_neighbours: tuple[int, ...] = ()  # UTRAN FDD UARFCNs (SI2quater)
    eutran_neighbours: tuple[int, ...] = ()  # EARFCNs (SI2quater, Rel-8 E-UTRAN parameters)
    eutran_priority: int = 5
    thresh_eutran_high: int = 10

    def __post_init__(self) -> None:
        checks = {
            "arfcn": (0, 1023), "bsic": (0, 63), "mcc": (0, 999), "lac": (0, 65535), "ci": (0, 65535),
            "t3212": (0, 255), "bs_ag_blks_res": (0, 7), "bs_pa_mfrms": (2, 9), "cell_reselect_hysteresis": (0, 7),
            "ms_txpwr_max_cch": (0, 31), "rxlev_access_min": (0, 63), "max_retrans": (0, 3), "tx_integer": (0, 15),
            "cell_bar_access": (0, 1), "re": (0, 1), "ac": (0, 0xFFFF), "att": (0, 1), "mscr": (0, 1),
            "neci": (0, 1), "acs": (0, 1), "pwrc": (0, 1), "dtx": (0, 3), "radio_link_timeout": (0, 15),
            "rac": (0, 255), "eutran_priority": (0, 7), "thresh_eutran_high": (0, 31),
        }
        for name, (lo, hi) in checks.items():
            v = getattr(self, name)
            if not isinstance(v, int) or not lo <= v <= hi:
                raise ConfigError(f"cell {name}={v!r}; expected an integer {lo}..{hi}")
        if self.ccch_conf not in (0, 1, 2, 4, 6):
            raise ConfigError(f"cell ccch_conf={self.ccch_conf}; expected 0, 1, 2, 4 or 6 (TS 44.018 §10.5.2.11)")
        if self.ccch_conf == 1 and self.bs_ag_blks_res > 2:
            raise ConfigError(f"cell bs_ag_blks_res={self.bs_ag_blks_res} with combined CCCH; expected 0..2")
        if not (isinstance(self.mnc, str) and self.mnc.isdigit() and len(self.mnc) in (2, 3)):
            raise ConfigError(f"cell mnc={self.mnc!r}; expected a string of 2 or 3 digits")
        if self.ncc_permitted is not None and not 0 <= self.ncc_permitted <= 255:
            raise ConfigError(f"cell ncc_permitted={self.ncc_permitted}; expected 0..255 (bit n = NCC n)")
        for name in ("neighbours", "cell_channels", "utran_neighbours", "eutran_neighbours"):
            v = getattr(self, name)
            if v is None:
                continue
            limit = {"utran_neighbours": 16383, "eutran_neighbours": 65535}.get(name, 1023)
            if any(not isinstance(a, int) or not 0 <= a <= limit for a in v):
                raise ConfigError(f"cell {name}={list(v)!r}; expected channel numbers 0..{limit}")
            object.__setattr__(self, name, tuple(v))
        if isinstance(self.si2ter, list | tuple):
            object.__setattr__(self, "si2ter", tuple(self.si2ter))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | Any) -> CellDescription:
        """Build from a scene cell (mapping or object); keys that are not cell broadcast parameters
        (``power_db``, ``multipath`` ...) are ignored."""
        names = {f.name for f in fields(cls)}
        if isinstance(values, Mapping):
            kwargs = {k: v for k, v in values.items() if k in names and v is not None}
        else:
            kwargs = {n: getattr(values, n) for n in names if getattr(values, n, None) is not None}
        return cls(**kwargs)

    # --- derived IEs ------------------------------------------------------------------------------------
    @property
    def rach_control(self) -> ies.RachControlParameters:
        return ies.RachControlParameters(self.max_retrans, self.tx_integer, self.cell_bar_access, self.re, self.ac)

    @property
    def lai(self) -> ies.LocationAreaIdentification:
        return ies.LocationAreaIdentification(self.mcc, self.mnc, self.lac)

    @property
    def cell_selection_parameters(self) -> ies.CellSelectionParameters:
        return ies.CellSelectionParameters(self.cell_reselect_hysteresis, self.ms_txpwr_max_cch, self.acs,
                                           self.neci, self.rxlev_access_min)

    @property
    def selection_parameters(self) -> ro.SelectionParameters | None:
        p = self.selection_params
        if p is None:
            return None
        if isinstance(p, ro.SelectionParameters):
            return p
        return ro.SelectionParameters(int(_get(p, "cbq")), int(_get(p, "cro")), int(_get(p, "temp_offset")),
                                      int(_get(p, "penalty_time")))

    @property
    def gprs(self) -> ro.GprsIndicator | None:
        g = self.gprs_indicator
        if g is None:
            return None
        if isinstance(g, ro.GprsIndicator):
            return g
        return ro.GprsIndicator(int(_get(g, "ra_colour")), int(_get(g, "si13_position")))

    def ba_lists(self) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
        """(ARFCNs for SI2/SI2bis, ARFCNs for SI2ter or None when no SI2ter is sent)."""
        own = _band_group(self.arfcn, self.band)
        if self.si2ter is None or self.si2ter is False:
            return tuple(sorted(set(self.neighbours))), None
        if self.si2ter is True:
            same = tuple(sorted({a for a in self.neighbours if _band_group(a, self.band) == own}))
            other = tuple(sorted({a for a in self.neighbours if _band_group(a, self.band) != own}))
            return same, other
        return tuple(sorted(set(self.neighbours))), tuple(sorted(set(self.si2ter)))


def _split_ba(arfcns: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Largest prefix (ascending ARFCN) that fits one 16-octet Neighbour Cell Description, and the rest."""
    try:
        choose_format(arfcns, 16)
        return arfcns, ()
    except EncodeError:
        pass
    lo, hi = 0, len(arfcns)  # find the longest prefix that fits
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            choose_format(arfcns[:mid], 16)
            lo = mid
        except EncodeError:
            hi = mid - 1
    return arfcns[:lo], arfcns[lo:]


def _ncd(cls: type, arfcns: tuple[int, ...], **flags: int) -> Any:
    try:
        fmt = choose_format(arfcns, 16)
    except EncodeError as exc:
        raise ConfigError(str(exc)) from None
    return cls(arfcns, **flags, format=fmt)


def _si2quater(cell: CellDescription) -> SystemInformation2quater:
    s = ro
    fdd = None
    if cell.utran_neighbours:
        fdd = s.UTRAN_FDD_DESCRIPTION.cls(
            bandwidth_fdd=None,
            cells=tuple(s.REPEATED_UTRAN_FDD_NEIGHBOUR_CELLS.cls(
                fdd_arfcn=u, fdd_indic0=0, nr_of_fdd_cells=0, fdd_cell_information="") for u in cell.utran_neighbours))
    three_g = s.THREE_G_NEIGHBOUR_CELL_DESCRIPTION.make(utran_fdd_description=fdd) if fdd is not None else None
    rel5 = None
    if cell.eutran_neighbours:
        eutran = s.EUTRAN_PARAMETERS_DESCRIPTION.make(
            eutran_ccn_active=0, eutran_start=1, eutran_stop=1,
            neighbour_cells=(s.REPEATED_EUTRAN_NEIGHBOUR_CELLS.make(
                earfcns=tuple(s.EUTRAN_FREQUENCY.make(earfcn=e) for e in cell.eutran_neighbours),
                eutran_priority=cell.eutran_priority, thresh_eutran_high=cell.thresh_eutran_high),),
            not_allowed_cells=(), pcid_to_ta_mapping=())
        serving = s.SERVING_CELL_PRIORITY_PARAMETERS.cls(geran_priority=0, thresh_priority_search=15,
                                                         thresh_gsm_low=0, h_prio=0, t_reselection=0)
        rel8 = s.SI2QUATER_REL8.make(priority_and_eutran_parameters=s.PRIORITY_AND_EUTRAN_PARAMETERS.make(
            serving_cell_priority_parameters=serving, eutran_parameters=eutran))
        rel7 = s.SI2QUATER_REL7.make(rel8=rel8)
        rel6 = s.SI2QUATER_REL6.make(three_g_ccn_active=0, rel7=rel7)
        rel5 = s.SI2QUATER_REL5.make(rel6=rel6)
    rest = ro.Si2quaterRestOctets(
        ba_ind=0, three_g_ba_ind=0, mp_change_mark=0, si2quater_index=0, si2quater_count=0,
        measurement_parameters=None, gprs_real_time_difference=None, gprs_bsic=None, gprs_report_priority=None,
        gprs_measurement_parameters=None, nc_measurement_parameters=None, extension=None,
        three_g_neighbour_cells=three_g, three_g_measurement_parameters=None,
        gprs_3g_measurement_parameters=None, rel5=rel5)
    return SystemInformation2quater(rest_octets=rest)


def _si13(cell: CellDescription) -> SystemInformation13:
    """Minimal SI13 (§10.5.2.37b): no PBCCH, NMO II, default GPRS cell options and power control."""
    s = ro
    options = s.GPRS_CELL_OPTIONS.make(nmo=1, t3168=1, t3192=0, drx_timer_max=3, access_burst_type=0,
                                       control_ack_type=1, bs_cv_max=6)
    power = s.GPRS_POWER_CONTROL_PARAMETERS.cls(alpha=0, t_avg_w=15, t_avg_t=5, pc_meas_chan=0, n_avg_i=4)
    cell_part = s.SI13_NO_PBCCH.cls(rac=cell.rac, spgc_ccch_sup=0, priority_access_thr=6, network_control_order=0,
                                    gprs_cell_options=options, gprs_power_control_parameters=power)
    content = s.SI13_CONTENT.make(bcch_change_mark=0, si_change_field=0, cell=cell_part,
                                  r99=s.SI13_R99.make(sgsnr=1))
    return SystemInformation13(rest_octets=s.SI13_REST_OCTETS.make(content=content))


def build_system_information_messages(cell: CellDescription) -> dict[str, Any]:
    """Like :func:`build_system_information` but returns the message objects."""
    if not isinstance(cell, CellDescription):
        cell = CellDescription.from_mapping(cell)
    rach = cell.rach_control
    si2_list, si2ter_list = cell.ba_lists()
    first, rest = _split_ba(si2_list)
    if rest and _split_ba(rest)[1]:
        raise ConfigError(f"{len(si2_list)} neighbours do not fit in SI2 + SI2bis; shorten 'neighbours'")
    out: dict[str, Any] = {}
    cells_alloc = cell.cell_channels if cell.cell_channels else (cell.arfcn,)
    band_1900 = _band_group(cell.arfcn, cell.band) == "1900"
    out["SI1"] = SystemInformation1(_ncd(ies.CellChannelDescription, tuple(sorted(set(cells_alloc)))), rach,
                                    ro.Si1RestOctets(None, band_1900))
    out["SI2"] = SystemInformation2(_ncd(ies.NeighbourCellDescription, first, ext_ind=int(bool(rest)), ba_ind=0),
                                    cell.ncc_permitted if cell.ncc_permitted is not None else 1 << (cell.bsic >> 3),
                                    rach)
    if rest:
        out["SI2bis"] = SystemInformation2bis(_ncd(ies.NeighbourCellDescription, rest, ext_ind=1, ba_ind=0), rach)
    if si2ter_list is not None:
        out["SI2ter"] = SystemInformation2ter(
            _ncd(ies.NeighbourCellDescription2, si2ter_list, multiband_reporting=0, ba_ind=0),
            ro.SI2TER_REST_OCTETS.make())
    send_2quater = bool(cell.utran_neighbours or cell.eutran_neighbours)
    if send_2quater:
        out["SI2quater"] = _si2quater(cell)
    gprs = cell.gprs
    ccd = ies.ControlChannelDescription(cell.mscr, cell.att, cell.bs_ag_blks_res, cell.ccch_conf, 0,
                                        cell.bs_pa_mfrms - 2, cell.t3212)
    si3_rest = ro.Si3RestOctets(
        selection_parameters=cell.selection_parameters, power_offset=None,
        si2ter_indicator=si2ter_list is not None, early_classmark_sending_control=cell.early_classmark_sending,
        where=None, gprs_indicator=gprs, three_g_early_classmark_sending_restriction=False,
        si2quater_position=0 if send_2quater else None, si13alt_position=None if gprs else 0,
        si21_position=None)
    out["SI3"] = SystemInformation3(cell.ci, cell.lai, ccd,
                                    ies.CellOptionsBcch(0, cell.pwrc, cell.dtx, cell.radio_link_timeout),
                                    cell.cell_selection_parameters, rach, si3_rest)
    out["SI4"] = SystemInformation4(cell.lai, cell.cell_selection_parameters, rach, None, None,
                                    ro.Si4RestOctets(cell.selection_parameters, None, gprs, None, False))
    if gprs is not None:
        out["SI13"] = _si13(cell)
    return out


def build_system_information(cell: CellDescription | Mapping[str, Any]) -> dict[str, bytes]:
    """Every SI block the cell broadcasts, keyed "SI1", "SI2", ... (only those it sends; see module doc).

    Raises
    ------
    ConfigError
        If a value is out of range or the neighbour lists do not fit their messages.
    """
    out = {}
    for name, msg in build_system_information_messages(cell).items():
        try:
            out[name] = msg.encode()
        except EncodeError as exc:
            if name == "SI2quater":
                raise ConfigError(
                    f"{len(cell.utran_neighbours)} UTRAN + {len(cell.eutran_neighbours)} E-UTRAN neighbours do not "
                    f"fit one SI2quater ({exc}); sdrscan sends a single instance, so give fewer") from None
            raise ConfigError(f"cannot encode the cell's {name}: {exc}") from None
    return out


# --- CCCH content ---------------------------------------------------------------------------------------
IdentityLike = int | str | MobileIdentity | ClearIdentity


def _identity(v: IdentityLike) -> MobileIdentity | ClearIdentity:
    """int: TMSI; str of digits: IMSI; identities pass through."""
    if isinstance(v, MobileIdentity | ClearIdentity):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return MobileIdentity.from_tmsi(v)
    if isinstance(v, str):
        return ClearIdentity.imsi(v)
    raise ConfigError(f"paging identity {type(v).__name__}; expected a TMSI (int) or IMSI digits (str)")


def _page_mode(page_mode: int, channel_needed: tuple[int, int]) -> ies.PageModeChannelNeeded:
    return ies.PageModeChannelNeeded(channel_needed[1], channel_needed[0], page_mode)


def paging_request_type1(identities: Sequence[IdentityLike] = (), *, page_mode: int = 0,
                         channel_needed: tuple[int, int] = (0, 0)) -> bytes:
    """Paging Request Type 1 (§9.1.22) for 0, 1 or 2 identities (0: the empty paging of an idle PCH)."""
    ids = [_identity(v) for v in identities]
    if len(ids) > 2:
        raise ConfigError(f"{len(ids)} identities; Paging Request Type 1 carries at most 2")
    first = ids[0] if ids else MobileIdentity(IdentityType.NONE, value=b"\xf0")
    msg = PagingRequestType1(_page_mode(page_mode, channel_needed), first, ids[1] if len(ids) > 1 else None,
                             ro.P1_REST_OCTETS.make(packet_page_indication_1=False, packet_page_indication_2=False))
    return _encode(msg)


def paging_request_type2(tmsi1: int, tmsi2: int, identity3: IdentityLike | None = None, *, page_mode: int = 0,
                         channel_needed: tuple[int, int] = (0, 0)) -> bytes:
    """Paging Request Type 2 (§9.1.23): two TMSIs and an optional third identity (TMSI or IMSI)."""
    msg = PagingRequestType2(_page_mode(page_mode, channel_needed), MobileIdentity.from_tmsi(tmsi1),
                             MobileIdentity.from_tmsi(tmsi2), None if identity3 is None else _identity(identity3),
                             ro.P2_REST_OCTETS.make(packet_page_indication_3=False))
    return _encode(msg)


def paging_request_type3(tmsis: Sequence[int], *, page_mode: int = 0,
                         channel_needed: tuple[int, int] = (0, 0)) -> bytes:
    """Paging Request Type 3 (§9.1.24): exactly four TMSIs."""
    if len(tmsis) != 4:
        raise ConfigError(f"{len(tmsis)} TMSIs; Paging Request Type 3 carries exactly 4")
    ids = [MobileIdentity.from_tmsi(t) for t in tmsis]
    msg = PagingRequestType3(_page_mode(page_mode, channel_needed), *ids, ro.P3_REST_OCTETS.make())
    return _encode(msg)


CHANNEL_TYPE_CODES = {"TCH/F": 0b00001, "TCH/H": 0b00010, "SDCCH/4": 0b00100, "SDCCH/8": 0b01000}


def request_reference(ra: int, fn: int) -> ies.RequestReference:
    """Request Reference of an access burst sent in frame ``fn`` (§10.5.2.30: T1' = (FN div 1326) mod 32,
    T3 = FN mod 51, T2 = FN mod 26)."""
    return ies.RequestReference(ra & 0xFF, (fn // 1326) % 32, fn % 51, fn % 26)


def immediate_assignment(*, arfcn: int, tn: int, ra: int, fn: int, channel: str = "SDCCH/8", subchannel: int = 0,
                         tsc: int = 0, timing_advance: int = 0, page_mode: int = 0) -> bytes:
    """Immediate Assignment (§9.1.18) of a non-hopping dedicated channel, answering access ``ra`` at ``fn``."""
    if channel not in CHANNEL_TYPE_CODES:
        raise ConfigError(f"channel={channel!r}; expected one of {', '.join(CHANNEL_TYPE_CODES)}")
    code = CHANNEL_TYPE_CODES[channel] | subchannel
    msg = ImmediateAssignment(
        ies.DedicatedModeOrTbf(0, 0, 0, page_mode), ies.ChannelDescription(code, tn, tsc, 0, arfcn), None,
        request_reference(ra, fn), timing_advance, b"", None,
        ro.IaRestOctets("LL", None, None, None))
    return _encode(msg)


def l2_fill_frame() -> bytes:
    """The idle block: pseudo length 0 then 0x2B fill (TS 44.006 §8.4.1)."""
    return L2FillFrame().encode()


def _encode(msg: Any) -> bytes:
    try:
        return msg.encode()
    except EncodeError as exc:
        raise ConfigError(f"cannot encode {msg.NAME}: {exc}") from None
