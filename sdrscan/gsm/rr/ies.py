"""Information elements of TS 44.018 §10.5.2 (and TS 24.008 §10.5.1) as declarative field tables.

Each IE is a frozen dataclass plus a :class:`~sdrscan.gsm.rr.fields.Struct` (or a codec) that both packs
and unpacks it; the field names follow the specification.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sdrscan.gsm.rr.bits import BitReader, BitWriter, EncodeError
from sdrscan.gsm.rr.fields import Codec, Const, Custom, Member, Scope, Struct, Uint, field, spare
from sdrscan.gsm.rr.freqlist import FreqListFormat, decode_frequency_list, encode_frequency_list
from sdrscan.gsm.rr.identity import ClearIdentity, MobileIdentity, decode_mobile_identity


class BadIE(ValueError):
    """An IE whose content is invalid for its type (internal; the parser reports reason ``bad_ie``)."""


# --- TS 24.008 §10.5.1.1 Cell Identity: the CI value, 16 bits ------------------------------------------
CELL_IDENTITY = Uint(16)


# --- TS 24.008 §10.5.1.3 Location Area Identification ----------------------------------------------------
@dataclass(frozen=True, slots=True)
class LocationAreaIdentification:
    """MCC (int, 0..999), MNC (str of 2 or 3 digits: "01" and "001" are different networks), LAC."""

    mcc: int
    mnc: str
    lac: int

    @property
    def plmn(self) -> str:
        return f"{self.mcc:03d}-{self.mnc}"


def _decode_lai(r: BitReader, scope: Scope) -> LocationAreaIdentification:
    o = r.read_octets(5)
    mcc_d = (o[0] & 0x0F, o[0] >> 4, o[1] & 0x0F)
    mnc3, mnc1, mnc2 = o[1] >> 4, o[2] & 0x0F, o[2] >> 4
    if any(d > 9 for d in (*mcc_d, mnc1, mnc2)) or (mnc3 > 9 and mnc3 != 0xF):
        raise BadIE(f"LAI {o.hex()} has a non-decimal MCC/MNC digit")
    mcc = mcc_d[0] * 100 + mcc_d[1] * 10 + mcc_d[2]
    mnc = f"{mnc1}{mnc2}" if mnc3 == 0xF else f"{mnc1}{mnc2}{mnc3}"
    return LocationAreaIdentification(mcc, mnc, int.from_bytes(o[3:5], "big"))


def _encode_lai(w: BitWriter, v: Any, scope: Scope) -> None:
    mcc, mnc, lac = int(v.mcc), str(v.mnc), int(v.lac)
    if not 0 <= mcc <= 999 or not (mnc.isdigit() and len(mnc) in (2, 3)) or not 0 <= lac <= 0xFFFF:
        raise EncodeError(f"LAI mcc={mcc} mnc={mnc!r} lac={lac}: expected 0..999, 2-3 digits, 0..65535")
    m = [mcc // 100, mcc // 10 % 10, mcc % 10]
    n = [int(c) for c in mnc]
    mnc3 = n[2] if len(n) == 3 else 0xF
    w.write_octets(bytes([m[1] << 4 | m[0], mnc3 << 4 | m[2], n[1] << 4 | n[0]]) + lac.to_bytes(2, "big"))


LAI = Custom(_decode_lai, _encode_lai)


# --- TS 44.018 §10.5.2.11 Control Channel Description ----------------------------------------------------
@dataclass(frozen=True, slots=True)
class ControlChannelDescription:
    mscr: int
    att: int
    bs_ag_blks_res: int
    ccch_conf: int
    cbq3: int
    bs_pa_mfrms: int  # field code; the number of 51-multiframes is code + 2
    t3212: int  # deci-hours, 0 = no periodic updating

    @property
    def bs_pa_mfrms_multiframes(self) -> int:
        return self.bs_pa_mfrms + 2

    @property
    def combined_ccch(self) -> bool:
        """CCCH_CONF 001: one basic physical channel for CCCH, combined with SDCCH/4 (Table 10.5.2.11.1)."""
        return self.ccch_conf == 1


CONTROL_CHANNEL_DESCRIPTION = Struct(
    ControlChannelDescription,
    field("mscr", 1), field("att", 1), field("bs_ag_blks_res", 3), field("ccch_conf", 3),
    spare(1), field("cbq3", 2), spare(2), field("bs_pa_mfrms", 3),
    field("t3212", 8),
)


# --- TS 44.018 §10.5.2.3 Cell Options (BCCH) -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CellOptionsBcch:
    dn_ind: int
    pwrc: int
    dtx: int
    radio_link_timeout: int  # field code; RADIO_LINK_TIMEOUT = 4 * (code + 1) SACCH blocks

    @property
    def radio_link_timeout_blocks(self) -> int:
        return 4 * (self.radio_link_timeout + 1)


CELL_OPTIONS_BCCH = Struct(CellOptionsBcch, field("dn_ind", 1), field("pwrc", 1), field("dtx", 2),
                           field("radio_link_timeout", 4))


# --- TS 44.018 §10.5.2.3a Cell Options (SACCH): DTX is split over bits 8, 6 and 5 --------------------------
@dataclass(frozen=True, slots=True)
class CellOptionsSacch:
    dtx_high: int  # bit 3 of the 3-bit DTX field (octet bit 8)
    pwrc: int
    dtx_low: int
    radio_link_timeout: int

    @property
    def dtx(self) -> int:
        return self.dtx_high << 2 | self.dtx_low


CELL_OPTIONS_SACCH = Struct(CellOptionsSacch, field("dtx_high", 1), field("pwrc", 1), field("dtx_low", 2),
                            field("radio_link_timeout", 4))


# --- TS 44.018 §10.5.2.4 Cell Selection Parameters -------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CellSelectionParameters:
    cell_reselect_hysteresis: int  # 2 dB steps
    ms_txpwr_max_cch: int
    acs: int
    neci: int
    rxlev_access_min: int  # RXLEV code: -110 + code dBm

    @property
    def cell_reselect_hysteresis_db(self) -> int:
        return 2 * self.cell_reselect_hysteresis

    @property
    def rxlev_access_min_dbm(self) -> int:
        return -110 + self.rxlev_access_min


CELL_SELECTION_PARAMETERS = Struct(
    CellSelectionParameters,
    field("cell_reselect_hysteresis", 3), field("ms_txpwr_max_cch", 5),
    field("acs", 1), field("neci", 1), field("rxlev_access_min", 6),
)


# --- TS 44.018 §10.5.2.29 RACH Control Parameters --------------------------------------------------------
MAX_RETRANS = (1, 2, 4, 7)  # Table 10.5.2.29.1
TX_INTEGER_SLOTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 20, 25, 32, 50)


@dataclass(frozen=True, slots=True)
class RachControlParameters:
    max_retrans: int  # field code, see MAX_RETRANS
    tx_integer: int  # field code, see TX_INTEGER_SLOTS
    cell_bar_access: int
    re: int  # 1: call re-establishment not allowed
    ac: int  # AC C15..C0 access classes barred (bit i = class i; bit 10 is EC, emergency calls)

    @property
    def max_retransmissions(self) -> int:
        return MAX_RETRANS[self.max_retrans]

    @property
    def tx_integer_slots(self) -> int:
        return TX_INTEGER_SLOTS[self.tx_integer]

    @property
    def emergency_call_barred(self) -> bool:
        return bool(self.ac >> 10 & 1)


RACH_CONTROL_PARAMETERS = Struct(
    RachControlParameters,
    field("max_retrans", 2), field("tx_integer", 4), field("cell_bar_access", 1), field("re", 1),
    field("ac", 16),
)

# --- TS 44.018 §10.5.2.27 NCC Permitted: bit n+1 set = NCC n permitted -----------------------------------
NCC_PERMITTED = Uint(8)


# --- Frequency-list IEs, 16 octets (§10.5.2.1b, §10.5.2.22, §10.5.2.22a) --------------------------------
@dataclass(frozen=True, slots=True)
class CellChannelDescription:
    """§10.5.2.1b: the cell allocation (SI1). Bits 6 and 5 of octet 2 are spare."""

    arfcns: tuple[int, ...]
    format: FreqListFormat = FreqListFormat.BITMAP0
    orig_arfcn: int | None = None


@dataclass(frozen=True, slots=True)
class NeighbourCellDescription:
    """§10.5.2.22: BA list (SI2, SI2bis, SI5, SI5bis). EXT-IND 1: more of the BA in SI2bis/SI5bis."""

    arfcns: tuple[int, ...]
    ext_ind: int = 0
    ba_ind: int = 0
    format: FreqListFormat = FreqListFormat.BITMAP0
    orig_arfcn: int | None = None


@dataclass(frozen=True, slots=True)
class NeighbourCellDescription2:
    """§10.5.2.22a: extended BA list (SI2ter, SI5ter), with MULTIBAND_REPORTING."""

    arfcns: tuple[int, ...]
    multiband_reporting: int = 0
    ba_ind: int = 0
    format: FreqListFormat = FreqListFormat.BITMAP0
    orig_arfcn: int | None = None


FREQ_LIST_OCTETS = 16


class FrequencyListIE(Codec):
    """One of the three 16-octet IEs above; ``kind`` picks how bits 7..5 of octet 2 are used."""

    def __init__(self, cls: type) -> None:
        self.cls = cls

    def decode(self, r: BitReader, scope: Scope) -> Any:
        data = r.read_octets(FREQ_LIST_OCTETS)
        fl, flags = decode_frequency_list(data)
        if self.cls is CellChannelDescription:
            if flags & 0b100:
                raise BadIE("Cell Channel Description with bit 7 set (reserved format)")
            return CellChannelDescription(fl.arfcns, fl.format, fl.orig_arfcn)
        if self.cls is NeighbourCellDescription:
            if flags & 0b100:
                raise BadIE("Neighbour Cell Description with bit 7 set (reserved format)")
            return NeighbourCellDescription(fl.arfcns, flags >> 1 & 1, flags & 1, fl.format, fl.orig_arfcn)
        return NeighbourCellDescription2(fl.arfcns, flags >> 1, flags & 1, fl.format, fl.orig_arfcn)

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        if isinstance(value, CellChannelDescription):
            flags = 0
        elif isinstance(value, NeighbourCellDescription):
            flags = value.ext_ind << 1 | value.ba_ind
        elif isinstance(value, NeighbourCellDescription2):
            flags = value.multiband_reporting << 1 | value.ba_ind
        else:
            raise EncodeError(f"expected a frequency-list IE, got {type(value).__name__}")
        w.write_octets(encode_frequency_list(value.arfcns, FREQ_LIST_OCTETS, value.format, value.orig_arfcn,
                                             flags))


CELL_CHANNEL_DESCRIPTION = FrequencyListIE(CellChannelDescription)
NEIGHBOUR_CELL_DESCRIPTION = FrequencyListIE(NeighbourCellDescription)
NEIGHBOUR_CELL_DESCRIPTION_2 = FrequencyListIE(NeighbourCellDescription2)


# --- TS 44.018 §10.5.2.26 Page Mode and §10.5.2.8 Channel Needed, sharing one octet ----------------------
@dataclass(frozen=True, slots=True)
class PageModeChannelNeeded:
    """Channel Needed (high half: CHANNEL second, CHANNEL first) and Page Mode (low half)."""

    channel_needed_second: int
    channel_needed_first: int
    page_mode: int  # 0 normal, 1 extended, 2 paging reorganization, 3 same as before


PAGE_MODE_CHANNEL_NEEDED = Struct(PageModeChannelNeeded, field("channel_needed_second", 2),
                                  field("channel_needed_first", 2), spare(2), field("page_mode", 2))

CHANNEL_NEEDED_NAMES = ("any channel", "SDCCH", "TCH/F", "TCH/H or TCH/F")  # Table 10.5.2.8.1


# --- TS 44.018 §10.5.2.25b Dedicated mode or TBF + §10.5.2.26 Page Mode (Immediate Assignment) ------------
@dataclass(frozen=True, slots=True)
class DedicatedModeOrTbf:
    """T/D 0: dedicated mode resources (Channel Description follows), 1: a TBF (Packet Channel Description).
    DOWNLINK: the TBF is downlink. TMA: two-message assignment."""

    td: int
    downlink: int
    tma: int
    page_mode: int


DEDICATED_MODE_OR_TBF = Struct(DedicatedModeOrTbf, spare(1), field("td", 1), field("downlink", 1),
                               field("tma", 1), spare(2), field("page_mode", 2))


# --- TS 44.018 §10.5.2.5 Channel Description -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ChannelDescription:
    channel_type: int  # "channel type and TDMA offset", 5 bits
    tn: int
    tsc: int
    h: int  # 1: hopping (MAIO, HSN); 0: single ARFCN
    arfcn: int | None = None
    maio: int | None = None
    hsn: int | None = None

    @property
    def channel_name(self) -> str:
        """Channel type in words, Table 10.5.2.5.1: TCH/F, TCH/H(n), SDCCH/4(n), SDCCH/8(n)."""
        return describe_channel_type(self.channel_type)


def describe_channel_type(code: int) -> str:
    if code == 0b00001:
        return "TCH/F"
    if code >> 1 == 0b0001:
        return f"TCH/H({code & 1})"
    if code >> 2 == 0b001:
        return f"SDCCH/4({code & 3})"
    if code >> 3 == 0b01:
        return f"SDCCH/8({code & 7})"
    return f"reserved({code})"


def _hopping(scope: Scope) -> bool:
    return scope["h"] == 1


def _not_hopping(scope: Scope) -> bool:
    return scope["h"] == 0


CHANNEL_DESCRIPTION = Struct(
    ChannelDescription,
    field("channel_type", 5), field("tn", 3), field("tsc", 3), field("h", 1),
    Member(None, Const(2), _not_hopping), Member("arfcn", Uint(10), _not_hopping),
    Member("maio", Uint(6), _hopping), Member("hsn", Uint(6), _hopping),
)


# --- TS 44.018 §10.5.2.25a Packet Channel Description ----------------------------------------------------
@dataclass(frozen=True, slots=True)
class PacketChannelDescription:
    channel_type: int
    tn: int
    tsc: int
    hopping: int  # 1: direct encoding (MAIO, HSN)
    indirect: int | None = None  # when not direct: 1 = indirect encoding (MAIO, MA_NUMBER_IND, CHANGE_MARK_1)
    arfcn: int | None = None
    maio: int | None = None
    hsn: int | None = None
    ma_number_ind: int | None = None
    change_mark_1: int | None = None


def _pcd_decode(r: BitReader, scope: Scope) -> PacketChannelDescription:
    ct, tn, tsc = r.read(5), r.read(3), r.read(3)
    if r.read(1):
        return PacketChannelDescription(ct, tn, tsc, 1, maio=r.read(6), hsn=r.read(6))
    if not r.read(1):
        r.read(1)
        return PacketChannelDescription(ct, tn, tsc, 0, indirect=0, arfcn=r.read(10))
    r.read(1)
    maio, ma_number_ind = r.read(6), r.read(1)
    if r.read(1):
        cm: int | None = r.read(2)
    else:
        r.read(2)  # spare
        cm = None
    return PacketChannelDescription(ct, tn, tsc, 0, indirect=1, maio=maio, ma_number_ind=ma_number_ind,
                                    change_mark_1=cm)


def _pcd_encode(w: BitWriter, v: Any, scope: Scope) -> None:
    w.write(v.channel_type, 5)
    w.write(v.tn, 3)
    w.write(v.tsc, 3)
    w.write(v.hopping, 1)
    if v.hopping:
        w.write(v.maio, 6)
        w.write(v.hsn, 6)
        return
    w.write(v.indirect or 0, 1)
    w.write(0, 1)
    if not v.indirect:
        w.write(v.arfcn, 10)
        return
    w.write(v.maio, 6)
    w.write(v.ma_number_ind, 1)
    if v.change_mark_1 is None:
        w.write(0, 3)
    else:
        w.write(1, 1)
        w.write(v.change_mark_1, 2)


PACKET_CHANNEL_DESCRIPTION = Custom(_pcd_decode, _pcd_encode)


# --- TS 44.018 §10.5.2.30 Request Reference --------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RequestReference:
    """RA (the access burst's random reference, which also holds the establishment cause) and the
    reduced frame number of the access: T1' (FN div 1326 mod 32), T3 (FN mod 51), T2 (FN mod 26)."""

    ra: int
    t1_prime: int
    t3: int
    t2: int

    def fn_mod_42432(self) -> int:
        """The access FN modulo 42432 (TS 44.018 §10.5.2.38: 51 * ((T3 - T2) mod 26) + T3 + 51 * 26 * T1')."""
        return 51 * ((self.t3 - self.t2) % 26) + self.t3 + 51 * 26 * self.t1_prime


REQUEST_REFERENCE = Struct(RequestReference, field("ra", 8), field("t1_prime", 5), field("t3", 6),
                           field("t2", 5))

# --- TS 44.018 §10.5.2.40 Timing Advance: 2 spare bits + TA (0..63) -------------------------------------
def _ta_decode(r: BitReader, scope: Scope) -> int:
    r.read(2)
    return r.read(6)


def _ta_encode(w: BitWriter, v: Any, scope: Scope) -> None:
    w.write(0, 2)
    w.write(int(v), 6)


TIMING_ADVANCE = Custom(_ta_decode, _ta_encode)


# --- TS 44.018 §10.5.2.43 Wait Indication: T3122 / T3142 in seconds ----------------------------------------
WAIT_INDICATION = Uint(8)


# --- TS 44.018 §10.5.2.38 Starting Time ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StartingTime:
    t1_prime: int
    t3: int
    t2: int


STARTING_TIME = Struct(StartingTime, field("t1_prime", 5), field("t3", 6), field("t2", 5))


# --- TS 44.018 §10.5.2.21 Mobile Allocation (LV): bitmap over the cell allocation, kept as octets ---------
class LengthValue(Codec):
    """An LV-format IE; the value is returned as bytes (``max_len`` bounds the length octet)."""

    def __init__(self, max_len: int) -> None:
        self.max_len = max_len

    def decode(self, r: BitReader, scope: Scope) -> bytes:
        n = r.read(8)
        if n > self.max_len:
            raise BadIE(f"length {n} above the maximum {self.max_len}")
        return r.read_octets(n)

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        data = bytes(value)
        if len(data) > self.max_len:
            raise EncodeError(f"{len(data)} octets above the maximum {self.max_len}")
        w.write(len(data), 8)
        w.write_octets(data)


MOBILE_ALLOCATION = LengthValue(8)


# --- TS 24.008 §10.5.1.4 Mobile Identity: LV, and TLV with IEI 0x17 in paging ----------------------------
MOBILE_IDENTITY_IEI = 0x17


class MobileIdentityLV(Codec):
    def decode(self, r: BitReader, scope: Scope) -> MobileIdentity:
        n = r.read(8)
        if not 1 <= n <= 8:
            raise BadIE(f"mobile identity length {n}, expected 1..8")
        try:
            return decode_mobile_identity(r.read_octets(n))
        except ValueError as exc:
            raise BadIE(str(exc)) from None

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        if not isinstance(value, MobileIdentity | ClearIdentity):
            raise EncodeError(f"expected a MobileIdentity or ClearIdentity, got {type(value).__name__}")
        data = value.encode_value()
        w.write(len(data), 8)
        w.write_octets(data)


MOBILE_IDENTITY_LV = MobileIdentityLV()


class TmsiV(Codec):
    """TS 44.018 §10.5.2.42 TMSI/P-TMSI, 4 octets (Paging Request Type 2/3)."""

    def decode(self, r: BitReader, scope: Scope) -> MobileIdentity:
        return MobileIdentity.from_tmsi(r.read(32))

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        tmsi = value if isinstance(value, int) else getattr(value, "tmsi", None)
        if tmsi is None:
            raise EncodeError(f"expected a TMSI, got {value!r}")
        w.write(tmsi, 32)


TMSI_V = TmsiV()


class OptionalTV(Codec):
    """An optional TV/TLV IE introduced by ``iei``, present only within the L2 pseudo length.

    ``scope['_l3_end_bit']`` (set by the message parser) bounds the non-rest part of the message.
    """

    def __init__(self, iei: int, inner: Codec) -> None:
        self.iei = iei
        self.inner = inner

    def decode(self, r: BitReader, scope: Scope) -> Any:
        end = scope.get("_l3_end_bit", r.end)
        if r.pos + 8 > end or r.peek_octet() != self.iei:
            return None
        r.read(8)
        return self.inner.decode(r, scope)

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        if value is None:
            return
        w.write(self.iei, 8)
        self.inner.encode(w, value, scope)


# --- TS 44.018 §10.5.2.5a Channel Description 2 is not needed for the CCCH; CBCH in SI4 uses §10.5.2.5 ------
CBCH_CHANNEL_DESCRIPTION_IEI = 0x64
CBCH_MOBILE_ALLOCATION_IEI = 0x72
STARTING_TIME_IEI = 0x7C

