"""Every field of the common messages survives encode -> parse (hypothesis over random field values)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sdrscan.gsm.rr import ies, parse_rr
from sdrscan.gsm.rr import rest_octets as ro
from sdrscan.gsm.rr.bits import EncodeError
from sdrscan.gsm.rr.identity import IdentityType, MobileIdentity
from sdrscan.gsm.rr.messages import ImmediateAssignment, PagingRequestType1, SystemInformation3, SystemInformation4

u = st.integers


def opt(s: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | s


lai = st.builds(ies.LocationAreaIdentification, u(0, 999), st.from_regex(r"\A[0-9]{2,3}\Z"), u(0, 65535))
csp = st.builds(ies.CellSelectionParameters, u(0, 7), u(0, 31), u(0, 1), u(0, 1), u(0, 63))
rach = st.builds(ies.RachControlParameters, u(0, 3), u(0, 15), u(0, 1), u(0, 1), u(0, 0xFFFF))
sel = st.builds(ro.SelectionParameters, u(0, 1), u(0, 63), u(0, 7), u(0, 31))
gprs = st.builds(ro.GprsIndicator, u(0, 7), u(0, 1))


@st.composite
def si3_rest(draw: st.DrawFn) -> ro.Si3RestOctets:
    g = draw(opt(gprs))
    return ro.Si3RestOctets(draw(opt(sel)), draw(opt(u(0, 3))), draw(st.booleans()), draw(st.booleans()),
                            draw(opt(u(0, 7))), g, draw(st.booleans()), draw(opt(u(0, 1))),
                            draw(u(0, 1)) if g is None else None, draw(opt(u(0, 1))))


@st.composite
def si4_rest(draw: st.DrawFn) -> ro.Si4RestOctets:
    s_part = None
    if draw(st.booleans()):
        lsa = draw(opt(st.builds(ro.LSA_PARAMETERS.cls, u(0, 7), u(0, 7),
                                 opt(st.builds(ro.LSA_PARAMETERS.members[2].codec.inner.cls, u(0, 4095), u(0, 4095))))))
        ids = draw(opt(st.lists(st.one_of(st.tuples(st.just("short"), u(0, 1023)),
                                          st.tuples(st.just("long"), u(0, 2**24 - 1))), min_size=1, max_size=2)))
        s_part = ro.SI4_REST_OCTETS_S.cls(lsa, None, None if ids is None else tuple(ids), None)
    return ro.Si4RestOctets(draw(opt(sel)), draw(opt(u(0, 3))), draw(opt(gprs)), s_part,
                            draw(st.booleans()) if s_part is None else None)


@settings(max_examples=150, deadline=None)
@given(u(0, 65535), lai, st.builds(ies.ControlChannelDescription, u(0, 1), u(0, 1), u(0, 7), u(0, 7), u(0, 3),
                                   u(0, 7), u(0, 255)),
       st.builds(ies.CellOptionsBcch, u(0, 1), u(0, 1), u(0, 3), u(0, 15)), csp, rach, si3_rest())
def test_si3_roundtrip(ci, lai_, ccd, options, csp_, rach_, rest) -> None:  # noqa: ANN001
    msg = SystemInformation3(ci, lai_, ccd, options, csp_, rach_, rest)
    try:
        block = msg.encode()
    except EncodeError as exc:  # all options at once exceed SI3's 4 rest octets
        assert "only 184" in str(exc)
        assume(False)
    assert len(block) == 23 and block[0] == 0x49
    assert parse_rr(block) == msg.replace(l2_pseudo_length=18)


@settings(max_examples=150, deadline=None)
@given(lai, csp, rach, opt(st.builds(ies.ChannelDescription, u(0, 31), u(0, 7), u(0, 7), st.just(0), u(0, 1023))),
       si4_rest())
def test_si4_roundtrip(lai_, csp_, rach_, cbch, rest) -> None:  # noqa: ANN001
    msg = SystemInformation4(lai_, csp_, rach_, cbch, None, rest)
    try:
        block = msg.encode()
    except EncodeError as exc:
        assert "only 184" in str(exc)
        assume(False)
    back = parse_rr(block)
    assert back == msg.replace(l2_pseudo_length=back.l2_pseudo_length)
    assert back.l2_pseudo_length == 12 + (4 if cbch is not None else 0)


identity = st.one_of(st.builds(MobileIdentity.from_tmsi, u(0, 0xFFFFFFFF)),
                     st.just(MobileIdentity(IdentityType.NONE, value=b"\xf0")))


@settings(max_examples=150, deadline=None)
@given(st.builds(ies.PageModeChannelNeeded, u(0, 3), u(0, 3), u(0, 3)), identity,
       opt(st.builds(MobileIdentity.from_tmsi, u(0, 0xFFFFFFFF))),
       st.builds(ro.P1RestOctets, opt(st.builds(ro.NLN_PCH.cls, u(0, 3), u(0, 1))), opt(u(0, 7)), opt(u(0, 7)),
                 st.none(), st.booleans(), st.booleans(), st.none()))
def test_paging1_roundtrip(page, id1, id2, rest) -> None:  # noqa: ANN001
    msg = PagingRequestType1(page, id1, id2, rest)
    back = parse_rr(msg.encode())
    assert back == msg.replace(l2_pseudo_length=back.l2_pseudo_length)


@settings(max_examples=150, deadline=None)
@given(u(0, 3), st.builds(ies.ChannelDescription, u(1, 31), u(0, 7), u(0, 7), st.just(1), st.none(), u(0, 63),
                          u(0, 63)),
       st.builds(ies.RequestReference, u(0, 255), u(0, 31), u(0, 50), u(0, 25)), u(0, 63),
       st.binary(max_size=6), opt(st.builds(ies.StartingTime, u(0, 31), u(0, 50), u(0, 25))), u(0, 1))
def test_immediate_assignment_roundtrip(page_mode, cd, ref, ta, ma, start, ind) -> None:  # noqa: ANN001
    msg = ImmediateAssignment(ies.DedicatedModeOrTbf(0, 0, 0, page_mode), cd, None, ref, ta, ma, start,
                              ro.IaRestOctets("LL", ind, None, None))
    back = parse_rr(msg.encode())
    assert back == msg.replace(l2_pseudo_length=back.l2_pseudo_length)
