"""RR messages on the BCCH, CCCH and SACCH: one frozen dataclass per message type (TS 44.018 §9.1).

Every class declares its body as a field table (``BODY``, the IEs in order) and its rest octets
(``REST``); :meth:`RrMessage.encode` and :meth:`RrMessage.parse` both walk that table. A block is

    L2 pseudo length (§10.5.2.19) | skip indicator + protocol discriminator 6 (§10.2, §10.3) |
    message type (§10.4) | IEs | rest octets | 0x2B fill up to 23 octets (19 on the SACCH)

``l2_pseudo_length`` is kept when parsing (None = the default when building: the octets before the rest
octets, or the value the message fixes, e.g. 0 for SI13); ``unparsed_rest_bits`` keeps anything after the
decoded rest octets that is not padding, so that a parsed message re-encodes to the same octets.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sdrscan.gsm.rr import ies, rest_octets
from sdrscan.gsm.rr.bits import BitReader, BitsExhausted, BitWriter, EncodeError
from sdrscan.gsm.rr.establishment import establishment_cause
from sdrscan.gsm.rr.fields import Codec, Member, Struct, spare
from sdrscan.gsm.rr.fields import field as bits_field
from sdrscan.gsm.rr.identity import ClearIdentity, IdentityType, MobileIdentity

BLOCK_OCTETS = 23  # TS 44.006 §5: an L2 block on BCCH/CCCH
SACCH_L3_OCTETS = 19  # TS 44.006 §5.1: SACCH frame (B4 format) less the L1 header and the LAPDm header
RR_PROTOCOL_DISCRIMINATOR = 0x6  # TS 24.007 §11.2.3.1.1


class RestOctetsError(Exception):
    """The rest octets do not decode (internal; the dispatcher reports reason ``rest_octets``)."""


def _m(name: str, codec: Codec, when: Any = None) -> Member:
    return Member(name, codec, when)


@dataclass(frozen=True, slots=True)
class RrMessage:
    """Base of every RR message class. Subclasses set the ClassVars and declare one field per BODY row
    (plus ``rest_octets`` when ``REST`` is set)."""

    MESSAGE_TYPE: ClassVar[int] = -1
    NAME: ClassVar[str] = ""
    BODY: ClassVar[tuple[Member, ...]] = ()
    REST: ClassVar[Codec | None] = None
    PSEUDO_LENGTH: ClassVar[int | None] = None  # fixed value, when the message defines one
    BLOCK: ClassVar[int] = BLOCK_OCTETS

    l2_pseudo_length: int | None = field(default=None, kw_only=True)
    unparsed_rest_bits: str = field(default="", kw_only=True, repr=False)

    # --- encoding -------------------------------------------------------------------------------------
    def encode(self) -> bytes:
        """The full L2 block: pseudo length, RR header, IEs, rest octets, 0x2B fill.

        Raises
        ------
        EncodeError
            If a value is out of range or the content does not fit in the block.
        """
        w = BitWriter()
        w.write(0, 8)  # pseudo length, patched below
        w.write(RR_PROTOCOL_DISCRIMINATOR, 8)  # skip indicator 0
        w.write(self.MESSAGE_TYPE, 8)
        values = {m.name: getattr(self, m.name) for m in self.BODY if m.name is not None}
        for m in self.BODY:
            if m.when is not None and not m.when(values):
                continue
            m.codec.encode(w, values.get(m.name) if m.name else None, values)
        if w.pos % 8:
            raise EncodeError(f"{self.NAME} body is not octet aligned ({w.pos} bits)")
        length = self.l2_pseudo_length
        if length is None:
            length = self.PSEUDO_LENGTH if self.PSEUDO_LENGTH is not None else w.pos // 8 - 1
        if not 0 <= length <= 63:
            raise EncodeError(f"L2 pseudo length {length} outside 0..63")
        if self.REST is not None:
            self.REST.encode(w, self.rest_octets, values)
        w.write_bitstring(self.unparsed_rest_bits)
        block = bytearray(w.to_bytes(self.BLOCK))
        block[0] = length << 2 | 0b01
        return bytes(block)

    # --- parsing --------------------------------------------------------------------------------------
    @classmethod
    def parse_body(cls, block: bytes) -> RrMessage:
        """Decode a block whose header the dispatcher has checked. Errors propagate to the dispatcher."""
        length = block[0] >> 2
        r = BitReader(block, 24)
        values: dict[str, Any] = {"_l3_end_bit": 8 * (1 + length)}
        for m in cls.BODY:
            if m.when is not None and not m.when(values):
                if m.name is not None:
                    values[m.name] = None
                continue
            v = m.codec.decode(r, values)
            if m.name is not None:
                values[m.name] = v
        del values["_l3_end_bit"]
        if cls.REST is not None:
            try:
                values["rest_octets"] = cls.REST.decode(r, values)
            except BitsExhausted as exc:
                raise RestOctetsError(str(exc)) from None
        extra = "" if r.rest_is_padding() else r.rest_as_bitstring()
        return cls(**values, l2_pseudo_length=length, unparsed_rest_bits=extra)

    def replace(self, **changes: Any) -> RrMessage:
        return dataclasses.replace(self, **changes)


# === System Information on the BCCH (TS 44.018 §9.1.31-9.1.43a) =======================================

@dataclass(frozen=True, slots=True)
class SystemInformation1(RrMessage):
    """§9.1.31: cell allocation, RACH control, SI1 rest octets (NCH position, band indicator)."""

    MESSAGE_TYPE = 0x19
    NAME = "SI1"
    BODY = (_m("cell_channel_description", ies.CELL_CHANNEL_DESCRIPTION),
            _m("rach_control", ies.RACH_CONTROL_PARAMETERS))
    REST = rest_octets.SI1_REST_OCTETS

    cell_channel_description: ies.CellChannelDescription
    rach_control: ies.RachControlParameters
    rest_octets: rest_octets.Si1RestOctets


@dataclass(frozen=True, slots=True)
class SystemInformation2(RrMessage):
    """§9.1.32: BA list (Neighbour Cell Description), NCC permitted, RACH control. No rest octets."""

    MESSAGE_TYPE = 0x1A
    NAME = "SI2"
    BODY = (_m("neighbour_cells", ies.NEIGHBOUR_CELL_DESCRIPTION), _m("ncc_permitted", ies.NCC_PERMITTED),
            _m("rach_control", ies.RACH_CONTROL_PARAMETERS))

    neighbour_cells: ies.NeighbourCellDescription
    ncc_permitted: int
    rach_control: ies.RachControlParameters


@dataclass(frozen=True, slots=True)
class SystemInformation2bis(RrMessage):
    """§9.1.33: the rest of the own-band BA list (Extended BCCH Frequency List), RACH control."""

    MESSAGE_TYPE = 0x02
    NAME = "SI2bis"
    BODY = (_m("extended_bcch_frequency_list", ies.NEIGHBOUR_CELL_DESCRIPTION),
            _m("rach_control", ies.RACH_CONTROL_PARAMETERS))

    extended_bcch_frequency_list: ies.NeighbourCellDescription
    rach_control: ies.RachControlParameters


@dataclass(frozen=True, slots=True)
class SystemInformation2ter(RrMessage):
    """§9.1.34: other-band BA list (Neighbour Cell Description 2), SI2ter rest octets (3G neighbours)."""

    MESSAGE_TYPE = 0x03
    NAME = "SI2ter"
    BODY = (_m("extended_bcch_frequency_list", ies.NEIGHBOUR_CELL_DESCRIPTION_2),)
    REST = rest_octets.SI2TER_REST_OCTETS
    PSEUDO_LENGTH = 0  # as sent by the real networks in our test data (Vodafone DE, Orange FR)

    extended_bcch_frequency_list: ies.NeighbourCellDescription2
    rest_octets: Any


@dataclass(frozen=True, slots=True)
class SystemInformation2quater(RrMessage):
    """§9.1.34a: only rest octets (3G and E-UTRAN neighbours, priorities, measurement parameters)."""

    MESSAGE_TYPE = 0x07
    NAME = "SI2quater"
    REST = rest_octets.SI2QUATER_REST_OCTETS
    PSEUDO_LENGTH = 1  # as sent by the real networks in our test data

    rest_octets: rest_octets.Si2quaterRestOctets


@dataclass(frozen=True, slots=True)
class SystemInformation3(RrMessage):
    """§9.1.35: CI, LAI, control channel description, cell options, selection and RACH parameters."""

    MESSAGE_TYPE = 0x1B
    NAME = "SI3"
    BODY = (_m("ci", ies.CELL_IDENTITY), _m("lai", ies.LAI),
            _m("control_channel_description", ies.CONTROL_CHANNEL_DESCRIPTION),
            _m("cell_options", ies.CELL_OPTIONS_BCCH),
            _m("cell_selection_parameters", ies.CELL_SELECTION_PARAMETERS),
            _m("rach_control", ies.RACH_CONTROL_PARAMETERS))
    REST = rest_octets.SI3_REST_OCTETS

    ci: int
    lai: ies.LocationAreaIdentification
    control_channel_description: ies.ControlChannelDescription
    cell_options: ies.CellOptionsBcch
    cell_selection_parameters: ies.CellSelectionParameters
    rach_control: ies.RachControlParameters
    rest_octets: rest_octets.Si3RestOctets


@dataclass(frozen=True, slots=True)
class SystemInformation4(RrMessage):
    """§9.1.36: LAI, selection and RACH parameters, optional CBCH description, SI4 rest octets."""

    MESSAGE_TYPE = 0x1C
    NAME = "SI4"
    BODY = (_m("lai", ies.LAI), _m("cell_selection_parameters", ies.CELL_SELECTION_PARAMETERS),
            _m("rach_control", ies.RACH_CONTROL_PARAMETERS),
            _m("cbch_channel_description", ies.OptionalTV(ies.CBCH_CHANNEL_DESCRIPTION_IEI,
                                                           ies.CHANNEL_DESCRIPTION)),
            _m("cbch_mobile_allocation", ies.OptionalTV(ies.CBCH_MOBILE_ALLOCATION_IEI, ies.LengthValue(4))))
    REST = rest_octets.SI4_REST_OCTETS

    lai: ies.LocationAreaIdentification
    cell_selection_parameters: ies.CellSelectionParameters
    rach_control: ies.RachControlParameters
    cbch_channel_description: ies.ChannelDescription | None
    cbch_mobile_allocation: bytes | None
    rest_octets: rest_octets.Si4RestOctets


@dataclass(frozen=True, slots=True)
class SystemInformation7(RrMessage):
    """§9.1.41: SI7 rest octets (the SI4 Rest Octets_O and _S parts), for SI4 overflow."""

    MESSAGE_TYPE = 0x1F
    NAME = "SI7"
    REST = rest_octets.SI7_REST_OCTETS
    PSEUDO_LENGTH = 1

    rest_octets: Any


@dataclass(frozen=True, slots=True)
class SystemInformation8(RrMessage):
    """§9.1.42: SI8 rest octets, same layout as SI7's."""

    MESSAGE_TYPE = 0x18
    NAME = "SI8"
    REST = rest_octets.SI7_REST_OCTETS
    PSEUDO_LENGTH = 1

    rest_octets: Any


@dataclass(frozen=True, slots=True)
class SystemInformation9(RrMessage):
    """§9.1.43: RACH control and the scheduling information of the BCCH."""

    MESSAGE_TYPE = 0x04
    NAME = "SI9"
    BODY = (_m("rach_control", ies.RACH_CONTROL_PARAMETERS),)
    REST = rest_octets.SI9_REST_OCTETS

    rach_control: ies.RachControlParameters
    rest_octets: Any


@dataclass(frozen=True, slots=True)
class SystemInformation13(RrMessage):
    """§9.1.43a: GPRS parameters in the SI13 rest octets."""

    MESSAGE_TYPE = 0x00
    NAME = "SI13"
    REST = rest_octets.SI13_REST_OCTETS
    PSEUDO_LENGTH = 0

    rest_octets: Any


# === System Information on the SACCH (19 octets, TS 44.018 §9.1.37-40) =================================

@dataclass(frozen=True, slots=True)
class SystemInformation5(RrMessage):
    MESSAGE_TYPE = 0x1D
    NAME = "SI5"
    BODY = (_m("neighbour_cells", ies.NEIGHBOUR_CELL_DESCRIPTION),)
    BLOCK = SACCH_L3_OCTETS

    neighbour_cells: ies.NeighbourCellDescription


@dataclass(frozen=True, slots=True)
class SystemInformation5bis(RrMessage):
    MESSAGE_TYPE = 0x05
    NAME = "SI5bis"
    BODY = (_m("extension_of_the_bcch_frequency_list", ies.NEIGHBOUR_CELL_DESCRIPTION),)
    BLOCK = SACCH_L3_OCTETS

    extension_of_the_bcch_frequency_list: ies.NeighbourCellDescription


@dataclass(frozen=True, slots=True)
class SystemInformation5ter(RrMessage):
    MESSAGE_TYPE = 0x06
    NAME = "SI5ter"
    BODY = (_m("extended_bcch_frequency_list", ies.NEIGHBOUR_CELL_DESCRIPTION_2),)
    BLOCK = SACCH_L3_OCTETS

    extended_bcch_frequency_list: ies.NeighbourCellDescription2


@dataclass(frozen=True, slots=True)
class SystemInformation6(RrMessage):
    MESSAGE_TYPE = 0x1E
    NAME = "SI6"
    BODY = (_m("ci", ies.CELL_IDENTITY), _m("lai", ies.LAI), _m("cell_options", ies.CELL_OPTIONS_SACCH),
            _m("ncc_permitted", ies.NCC_PERMITTED))
    REST = rest_octets.SI6_REST_OCTETS
    BLOCK = SACCH_L3_OCTETS

    ci: int
    lai: ies.LocationAreaIdentification
    cell_options: ies.CellOptionsSacch
    ncc_permitted: int
    rest_octets: Any


# === CCCH: paging (TS 44.018 §9.1.22-24) ===============================================================

Identity = MobileIdentity | ClearIdentity


class _Paging:
    """Counting helpers shared by the three paging messages."""

    __slots__ = ()

    @property
    def identities(self) -> tuple[Identity, ...]:
        raise NotImplementedError

    def count(self, id_type: int) -> int:
        return sum(1 for i in self.identities if i.type == id_type)

    @property
    def n_tmsi(self) -> int:
        return self.count(IdentityType.TMSI)

    @property
    def n_imsi(self) -> int:
        return self.count(IdentityType.IMSI)

    @property
    def n_imei(self) -> int:
        return self.count(IdentityType.IMEI) + self.count(IdentityType.IMEISV)


@dataclass(frozen=True, slots=True)
class PagingRequestType1(_Paging, RrMessage):
    """§9.1.22: one or two identities of any type. ``mobile_identity_1`` may be "no identity"."""

    MESSAGE_TYPE = 0x21
    NAME = "PAGING1"
    BODY = (_m("page_mode", ies.PAGE_MODE_CHANNEL_NEEDED), _m("mobile_identity_1", ies.MOBILE_IDENTITY_LV),
            _m("mobile_identity_2", ies.OptionalTV(ies.MOBILE_IDENTITY_IEI, ies.MOBILE_IDENTITY_LV)))
    REST = rest_octets.P1_REST_OCTETS

    page_mode: ies.PageModeChannelNeeded
    mobile_identity_1: Identity
    mobile_identity_2: Identity | None
    rest_octets: rest_octets.P1RestOctets

    @property
    def identities(self) -> tuple[Identity, ...]:
        ids = [self.mobile_identity_1, self.mobile_identity_2]
        return tuple(i for i in ids if i is not None and i.type != IdentityType.NONE)


@dataclass(frozen=True, slots=True)
class PagingRequestType2(_Paging, RrMessage):
    """§9.1.23: two TMSIs and an optional third identity of any type."""

    MESSAGE_TYPE = 0x22
    NAME = "PAGING2"
    BODY = (_m("page_mode", ies.PAGE_MODE_CHANNEL_NEEDED), _m("mobile_identity_1", ies.TMSI_V),
            _m("mobile_identity_2", ies.TMSI_V),
            _m("mobile_identity_3", ies.OptionalTV(ies.MOBILE_IDENTITY_IEI, ies.MOBILE_IDENTITY_LV)))
    REST = rest_octets.P2_REST_OCTETS

    page_mode: ies.PageModeChannelNeeded
    mobile_identity_1: MobileIdentity
    mobile_identity_2: MobileIdentity
    mobile_identity_3: Identity | None
    rest_octets: rest_octets.P2RestOctets

    @property
    def identities(self) -> tuple[Identity, ...]:
        ids = [self.mobile_identity_1, self.mobile_identity_2, self.mobile_identity_3]
        return tuple(i for i in ids if i is not None and i.type != IdentityType.NONE)


@dataclass(frozen=True, slots=True)
class PagingRequestType3(_Paging, RrMessage):
    """§9.1.24: four TMSIs."""

    MESSAGE_TYPE = 0x24
    NAME = "PAGING3"
    BODY = (_m("page_mode", ies.PAGE_MODE_CHANNEL_NEEDED), _m("mobile_identity_1", ies.TMSI_V),
            _m("mobile_identity_2", ies.TMSI_V), _m("mobile_identity_3", ies.TMSI_V),
            _m("mobile_identity_4", ies.TMSI_V))
    REST = rest_octets.P3_REST_OCTETS

    page_mode: ies.PageModeChannelNeeded
    mobile_identity_1: MobileIdentity
    mobile_identity_2: MobileIdentity
    mobile_identity_3: MobileIdentity
    mobile_identity_4: MobileIdentity
    rest_octets: rest_octets.P3RestOctets

    @property
    def identities(self) -> tuple[Identity, ...]:
        return (self.mobile_identity_1, self.mobile_identity_2, self.mobile_identity_3, self.mobile_identity_4)


# === CCCH: access grant (TS 44.018 §9.1.18-20) =========================================================

def _dedicated(scope: Any) -> bool:
    return scope["dedicated_mode_or_tbf"].td == 0


def _tbf(scope: Any) -> bool:
    return scope["dedicated_mode_or_tbf"].td == 1


@dataclass(frozen=True, slots=True)
class ImmediateAssignment(RrMessage):
    """§9.1.18: a dedicated channel (or a TBF) granted to one random access."""

    MESSAGE_TYPE = 0x3F
    NAME = "IMM_ASS"
    BODY = (_m("dedicated_mode_or_tbf", ies.DEDICATED_MODE_OR_TBF),
            _m("channel_description", ies.CHANNEL_DESCRIPTION, _dedicated),
            _m("packet_channel_description", ies.PACKET_CHANNEL_DESCRIPTION, _tbf),
            _m("request_reference", ies.REQUEST_REFERENCE), _m("timing_advance", ies.TIMING_ADVANCE),
            _m("mobile_allocation", ies.MOBILE_ALLOCATION),
            _m("starting_time", ies.OptionalTV(ies.STARTING_TIME_IEI, ies.STARTING_TIME)))
    REST = rest_octets.IA_REST_OCTETS

    dedicated_mode_or_tbf: ies.DedicatedModeOrTbf
    channel_description: ies.ChannelDescription | None
    packet_channel_description: ies.PacketChannelDescription | None
    request_reference: ies.RequestReference
    timing_advance: int
    mobile_allocation: bytes
    starting_time: ies.StartingTime | None
    rest_octets: rest_octets.IaRestOctets

    def establishment_cause(self, neci: int | None = None) -> str:
        return establishment_cause(self.request_reference.ra, neci)


# §10.5.2.26 Page Mode in the low half, §10.5.2.76 Feature Indicator in the high half.
PAGE_MODE_FEATURE = Struct("PageModeFeatureIndicator", bits_field("feature_indicator", 4), spare(2),
                           bits_field("page_mode", 2))


@dataclass(frozen=True, slots=True)
class ImmediateAssignmentExtended(RrMessage):
    """§9.1.19: two dedicated channels for two random accesses."""

    MESSAGE_TYPE = 0x39
    NAME = "IMM_ASS_EXT"
    BODY = (_m("page_mode", PAGE_MODE_FEATURE),
            _m("channel_description_1", ies.CHANNEL_DESCRIPTION), _m("request_reference_1", ies.REQUEST_REFERENCE),
            _m("timing_advance_1", ies.TIMING_ADVANCE),
            _m("channel_description_2", ies.CHANNEL_DESCRIPTION), _m("request_reference_2", ies.REQUEST_REFERENCE),
            _m("timing_advance_2", ies.TIMING_ADVANCE), _m("mobile_allocation", ies.LengthValue(4)),
            _m("starting_time", ies.OptionalTV(ies.STARTING_TIME_IEI, ies.STARTING_TIME)))
    REST = rest_octets.IAX_REST_OCTETS

    page_mode: Any
    channel_description_1: ies.ChannelDescription
    request_reference_1: ies.RequestReference
    timing_advance_1: int
    channel_description_2: ies.ChannelDescription
    request_reference_2: ies.RequestReference
    timing_advance_2: int
    mobile_allocation: bytes
    starting_time: ies.StartingTime | None
    rest_octets: Any


@dataclass(frozen=True, slots=True)
class ImmediateAssignmentReject(RrMessage):
    """§9.1.20: up to four random accesses refused, each with a wait indication (T3122, s)."""

    MESSAGE_TYPE = 0x3A
    NAME = "IMM_ASS_REJ"
    BODY = (_m("page_mode", PAGE_MODE_FEATURE),
            _m("request_reference_1", ies.REQUEST_REFERENCE), _m("wait_indication_1", ies.WAIT_INDICATION),
            _m("request_reference_2", ies.REQUEST_REFERENCE), _m("wait_indication_2", ies.WAIT_INDICATION),
            _m("request_reference_3", ies.REQUEST_REFERENCE), _m("wait_indication_3", ies.WAIT_INDICATION),
            _m("request_reference_4", ies.REQUEST_REFERENCE), _m("wait_indication_4", ies.WAIT_INDICATION))
    REST = rest_octets.IAR_REST_OCTETS

    page_mode: Any
    request_reference_1: ies.RequestReference
    wait_indication_1: int
    request_reference_2: ies.RequestReference
    wait_indication_2: int
    request_reference_3: ies.RequestReference
    wait_indication_3: int
    request_reference_4: ies.RequestReference
    wait_indication_4: int
    rest_octets: Any


@dataclass(frozen=True, slots=True)
class NotificationNch(RrMessage):
    """§9.1.21b Notification/NCH: voice group/broadcast call notifications (NT/N rest octets)."""

    MESSAGE_TYPE = 0x20
    NAME = "NCH"
    REST = rest_octets.NTN_REST_OCTETS
    PSEUDO_LENGTH = 1  # as sent by the real network in our test data

    rest_octets: Any


@dataclass(frozen=True, slots=True)
class L2FillFrame:
    """An idle CCCH/BCCH block: pseudo length 0 and 22 fill octets 0x2B (TS 44.006 §5.2, §8.4.1)."""

    NAME: ClassVar[str] = "FILL"
    MESSAGE_TYPE: ClassVar[int] = -1

    def encode(self) -> bytes:
        return bytes([0x01]) + bytes([0x2B]) * (BLOCK_OCTETS - 1)


def is_fill_frame(block: bytes) -> bool:
    return len(block) >= 2 and block[0] == 0x01 and all(b == 0x2B for b in block[1:])


__all__ = [
    "BLOCK_OCTETS", "SACCH_L3_OCTETS", "RrMessage", "RestOctetsError", "SystemInformation1", "SystemInformation2",
    "SystemInformation2bis", "SystemInformation2ter", "SystemInformation2quater", "SystemInformation3",
    "SystemInformation4", "SystemInformation5", "SystemInformation5bis", "SystemInformation5ter",
    "SystemInformation6", "SystemInformation7", "SystemInformation8", "SystemInformation9",
    "SystemInformation13", "PagingRequestType1", "PagingRequestType2", "PagingRequestType3",
    "ImmediateAssignment", "ImmediateAssignmentExtended", "ImmediateAssignmentReject", "NotificationNch",
    "L2FillFrame", "is_fill_frame",
]
