"""CCCH content: paging (identity counts, keyed IMSI digests), immediate assignment family, causes, fill."""

from __future__ import annotations

import pytest

from sdrscan.errors import ConfigError, RrParseError
from sdrscan.gsm.rr import (
    ClearIdentity,
    IdentityType,
    L2FillFrame,
    identity_digest,
    ies,
    immediate_assignment,
    l2_fill_frame,
    paging_request_type1,
    paging_request_type2,
    paging_request_type3,
    parse_rr,
    request_reference,
)
from sdrscan.gsm.rr import rest_octets as ro
from sdrscan.gsm.rr.establishment import establishment_cause
from sdrscan.gsm.rr.identity import MobileIdentity, decode_mobile_identity
from sdrscan.gsm.rr.messages import PAGE_MODE_FEATURE, ImmediateAssignmentExtended, ImmediateAssignmentReject

IMSI = "262021234567890"


def test_paging_type1_counts_and_hides_imsis() -> None:
    block = paging_request_type1([0xDEADBEEF, IMSI], channel_needed=(2, 1))
    a = parse_rr(block, identity_key=b"key-a")
    b = parse_rr(block, identity_key=b"key-b")
    assert (a.n_tmsi, a.n_imsi, a.n_imei) == (1, 1, 0)
    assert a.mobile_identity_1.tmsi == 0xDEADBEEF
    imsi = a.mobile_identity_2
    assert imsi.type == IdentityType.IMSI and imsi.mcc == "262" and imsi.n_digits == 15
    assert imsi.digest == identity_digest(IMSI, b"key-a") != b.mobile_identity_2.digest  # keyed
    assert IMSI not in repr(a) and IMSI[3:] not in repr(a)
    assert (a.page_mode.channel_needed_first, a.page_mode.channel_needed_second) == (2, 1)


def test_clear_identities_do_not_show_their_digits() -> None:
    ident = ClearIdentity.imsi(IMSI)
    assert IMSI not in repr(ident)
    assert ident.encode_value() == bytes.fromhex("29 26 20 21 43 65 87 09".replace(" ", ""))
    with pytest.raises(ValueError):
        ClearIdentity.imsi("26202x")


def test_empty_paging_and_fill_frame() -> None:
    empty = parse_rr(paging_request_type1())
    assert empty.identities == () and empty.mobile_identity_1.type == IdentityType.NONE
    assert paging_request_type1().hex() == "1506210001f0" + "2b" * 17  # as the real networks send it
    assert isinstance(parse_rr(l2_fill_frame()), L2FillFrame) and l2_fill_frame() == b"\x01" + b"\x2b" * 22


def test_paging_types_2_and_3() -> None:
    p2 = parse_rr(paging_request_type2(1, 2, "001019999999999"))
    assert (p2.n_tmsi, p2.n_imsi) == (2, 1)
    p3 = parse_rr(paging_request_type3([5, 6, 7, 8]))
    assert [i.tmsi for i in p3.identities] == [5, 6, 7, 8] and p3.n_tmsi == 4
    with pytest.raises(ConfigError):
        paging_request_type3([1, 2, 3])
    with pytest.raises(ConfigError):
        paging_request_type1([1, 2, 3])


def test_imei_and_bad_identities() -> None:
    imei = decode_mobile_identity(bytes.fromhex("3a5132547698103254"[:16]))  # type 2, odd, 15 digits
    assert imei.type == IdentityType.IMEI and imei.digest and imei.mcc is None and imei.n_digits == 15
    with pytest.raises(ValueError):
        decode_mobile_identity(bytes.fromhex("f4aabb"))  # a TMSI needs 4 octets
    with pytest.raises(ValueError):
        decode_mobile_identity(bytes.fromhex("29a6"))  # non-decimal digit
    bad = bytes.fromhex("250621000af4000000012b2b2b2b2b2b2b2b2b2b2b2b2b")  # identity length 10 > 8
    with pytest.raises(RrParseError) as err:
        parse_rr(bad)
    assert err.value.reason == "bad_ie"
    with pytest.raises(Exception, match="without its digits"):
        MobileIdentity(IdentityType.IMSI, digest="00").encode_value()


def test_immediate_assignment_builder() -> None:
    block = immediate_assignment(arfcn=60, tn=2, ra=0xA7, fn=1_234_567, channel="SDCCH/4", subchannel=3, tsc=5,
                                 timing_advance=17)
    ia = parse_rr(block)
    cd = ia.channel_description
    assert (cd.channel_name, cd.tn, cd.tsc, cd.arfcn, ia.timing_advance) == ("SDCCH/4(3)", 2, 5, 60, 17)
    assert ia.request_reference == request_reference(0xA7, 1_234_567)
    assert ia.request_reference.fn_mod_42432() == 1_234_567 % 42432
    assert ia.establishment_cause() == "emergency_call"
    with pytest.raises(ConfigError):
        immediate_assignment(arfcn=1, tn=0, ra=0, fn=0, channel="PDCH")


def test_extended_and_reject_roundtrip() -> None:
    rr1, rr2 = request_reference(0x05, 1000), request_reference(0xE3, 2000)
    cd = ies.ChannelDescription(0b01000, 1, 3, 0, 725)
    page = PAGE_MODE_FEATURE.cls(0, 0)
    iax = ImmediateAssignmentExtended(page, cd, rr1, 3, cd, rr2, 4, b"", None,
                                      ro.IAX_REST_OCTETS.make(compressed_inter_rat_ho_info_ind=0))
    back = parse_rr(iax.encode())
    assert back == iax.replace(l2_pseudo_length=back.l2_pseudo_length)
    assert establishment_cause(back.request_reference_2.ra) == "originating_call"
    rej = ImmediateAssignmentReject(page, rr1, 10, rr2, 20, rr1, 30, rr2, 40, ro.IAR_REST_OCTETS.make())
    back = parse_rr(rej.encode())
    assert [back.wait_indication_1, back.wait_indication_4] == [10, 40]
    assert back.l2_pseudo_length == 19


@pytest.mark.parametrize(("ra", "neci", "cause"), [
    (0xA0, None, "emergency_call"), (0xC5, None, "call_reestablishment"), (0x69, 1, "call_reestablishment"),
    (0x85, None, "answer_to_paging"), (0x2A, None, "answer_to_paging"), (0x3F, None, "answer_to_paging"),
    (0xE0, None, "originating_call"), (0x41, 1, "originating_speech_call_tch_h"),
    (0x53, 1, "originating_data_call_tch_h"), (0x03, None, "location_updating"),
    (0x13, 0, "location_updating"), (0x13, 1, "answer_to_paging_or_other_sdcch_procedure"),
    (0x13, None, "location_updating_or_other_sdcch_procedure"), (0x7B, None, "one_phase_packet_access"),
    (0x71, None, "single_block_packet_access"), (0x67, None, "lmu_establishment"), (0x62, None, "reserved"),
])
def test_establishment_causes(ra: int, neci: int | None, cause: str) -> None:
    # TS 44.018 Table 9.1.8.1
    assert establishment_cause(ra, neci) == cause
