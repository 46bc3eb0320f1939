"""Frequency lists (TS 44.018 §10.5.2.13): every format round-trips, the W tree matches the spec's formulas."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdrscan.gsm.rr.bits import BitsExhausted, EncodeError
from sdrscan.gsm.rr.freqlist import (
    FreqListFormat,
    choose_format,
    decode_frequency_list,
    encode_frequency_list,
    range_decode,
    range_encode,
    range_f,
    w_widths,
)

F = FreqListFormat
# Capacity in a 16-octet IE (TS 44.018 §10.5.2.13.3-7): W slots, plus ORIG-ARFCN or F0.
CAPACITY = {F.RANGE1024: 16, F.RANGE512: 17, F.RANGE256: 21, F.RANGE128: 28}
SPAN = {F.RANGE512: 512, F.RANGE256: 256, F.RANGE128: 128, F.VARIABLE_BITMAP: 112}


def smod(x: int, n: int) -> int:
    """The spec's "smod": (x - 1) mod n + 1, in 1..n."""
    return (x - 1) % n + 1


def test_range1024_first_seven_match_the_explicit_formulas() -> None:
    # TS 44.018 §10.5.2.13.3 writes F1..F7 out in full; check the iterative F(K) against them.
    rng = random.Random(1)
    for _ in range(500):
        w = [0] + [rng.randrange(1, 1 << width) for width in (10, 9, 9, 8, 8, 8, 8)]
        expected = [
            w[1],
            smod(w[1] - 512 + w[2], 1023),
            smod(w[1] + w[3], 1023),
            smod(w[1] - 512 + smod(w[2] - 256 + w[4], 511), 1023),
            smod(w[1] + smod(w[3] - 256 + w[5], 511), 1023),
            smod(w[1] - 512 + smod(w[2] + w[6], 511), 1023),
            smod(w[1] + smod(w[3] + w[7], 511), 1023),
        ]
        assert [range_f(w, k, 1024) for k in range(1, 8)] == expected


def test_range512_first_five_match_the_explicit_formulas() -> None:
    # §10.5.2.13.4: F1 = W1, F2 = (W1 - 256 + W2) smod 511, F4 = (W1 - 256 + (W2 - 128 + W4) smod 255) smod 511 ...
    rng = random.Random(2)
    for _ in range(500):
        w = [0] + [rng.randrange(1, 1 << width) for width in (9, 8, 8, 7, 7)]
        expected = [
            w[1],
            smod(w[1] - 256 + w[2], 511),
            smod(w[1] + w[3], 511),
            smod(w[1] - 256 + smod(w[2] - 128 + w[4], 255), 511),
            smod(w[1] + smod(w[3] - 128 + w[5], 255), 511),
        ]
        assert [range_f(w, k, 512) for k in range(1, 6)] == expected


def test_w_widths_and_capacity() -> None:
    assert w_widths(1024, 122) == [10, 9, 9, 8, 8, 8, 8] + [7] * 8 + [6]
    assert {r: len(w_widths(r, 111)) for r in (512, 256, 128)} == {512: 17, 256: 21, 128: 28}


@given(st.sets(st.integers(1, 1023), max_size=40))
def test_range_tree_roundtrip(values: set[int]) -> None:
    ws = range_encode(values, 1024)
    assert len(ws) == len(values)
    for k, width in enumerate(w_widths(1024, 10_000)[: len(ws)]):
        assert 0 < ws[k] < (1 << width)
    assert sorted(range_decode(ws, 1024)) == sorted(values)


@st.composite
def arfcn_sets(draw: st.DrawFn, fmt: FreqListFormat) -> tuple[set[int], int | None]:
    if fmt is F.BITMAP0:
        return draw(st.sets(st.integers(1, 124), max_size=124)), None
    if fmt is F.RANGE1024:
        rest = draw(st.sets(st.integers(1, 1023), max_size=CAPACITY[fmt]))
        return rest | ({0} if draw(st.booleans()) else set()), None
    orig = draw(st.integers(0, 1023))
    cap = 111 if fmt is F.VARIABLE_BITMAP else CAPACITY[fmt]
    offsets = draw(st.sets(st.integers(1, SPAN[fmt] - 1), max_size=cap))
    return {orig} | {(orig + o) % 1024 for o in offsets}, orig


@pytest.mark.parametrize("fmt", list(F))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_format_roundtrips(fmt: FreqListFormat, data: st.DataObject) -> None:
    arfcns, orig = data.draw(arfcn_sets(fmt))
    flags = data.draw(st.integers(0, 7))
    octets = encode_frequency_list(arfcns, 16, fmt, orig, flags)
    assert len(octets) == 16
    fl, got_flags = decode_frequency_list(octets)
    assert fl.format is fmt
    assert fl.arfcns == tuple(sorted(arfcns))
    assert got_flags == flags
    if orig is not None:
        assert fl.orig_arfcn == orig
    # re-encoding the decoded list gives the same octets
    assert encode_frequency_list(fl.arfcns, 16, fl.format, fl.orig_arfcn, got_flags) == octets


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, 1023), max_size=16))
def test_automatic_format_roundtrips_in_16_octets(arfcns: set[int]) -> None:
    fmt = choose_format(arfcns, 16)
    fl, _ = decode_frequency_list(encode_frequency_list(arfcns, 16))
    assert fl.format is fmt and fl.arfcns == tuple(sorted(arfcns))


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, 1023), max_size=60))
def test_variable_length_list_uses_the_fewest_octets(arfcns: set[int]) -> None:
    try:
        octets = encode_frequency_list(arfcns)
    except EncodeError:
        return  # more ARFCNs than any format codes; nothing to check
    fl, _ = decode_frequency_list(octets)
    assert fl.arfcns == tuple(sorted(arfcns))
    for other in F:
        try:
            assert len(encode_frequency_list(arfcns, fmt=other)) >= len(octets)
        except EncodeError:
            pass


def test_choose_format_rules() -> None:
    assert choose_format([1, 50, 124], 16) is F.BITMAP0  # P-GSM: bit map 0
    assert choose_format([730, 733, 746], 16) is F.RANGE128  # DCS, span < 128
    assert choose_format([0, 5, 1000], 16) is F.RANGE128  # E-GSM across 1023 -> 0
    assert choose_format([10, 600], 16) is F.RANGE512  # 600 -> 10 wraps within 512
    assert choose_format([10, 100, 600], 16) is F.RANGE1024  # 900 + 1800 spread over > 512
    with pytest.raises(EncodeError):
        choose_format(range(1, 1024, 30), 16)  # 35 ARFCNs all over the band: nothing fits


def test_format_errors() -> None:
    with pytest.raises(EncodeError):
        encode_frequency_list([0], 16, F.BITMAP0)  # ARFCN 0 is not in bit map 0
    with pytest.raises(EncodeError):
        encode_frequency_list([100, 300], 16, F.RANGE128)  # span too wide
    with pytest.raises(EncodeError):
        encode_frequency_list(range(1, 40), 16, F.RANGE1024)  # 39 > 16 W slots
    with pytest.raises(EncodeError):
        encode_frequency_list([5, 6], 16, F.RANGE512, orig_arfcn=7)  # origin not in the list
    with pytest.raises(BitsExhausted):
        decode_frequency_list(b"\x00" * 5)  # bit map 0 needs 16 octets


def test_real_varbitmap_and_bitmap0_lists() -> None:
    # SI2 of Vodafone DE (gr-gsm fixture), Wireshark lists 730 733 734 741 746.
    fl, flags = decode_frequency_list(bytes.fromhex("8f6d1810800000000000000000000000"))
    assert fl == fl.__class__((730, 733, 734, 741, 746), F.VARIABLE_BITMAP, 730) and flags == 0
    fl, _ = decode_frequency_list(bytes.fromhex("00000000000000000000000000007eff"))
    assert fl.arfcns == (1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15)


def test_utran_cell_information_lengths_are_range_tree_sums() -> None:
    # TS 44.018 Table 9.1.54.1 (p for FDD, q for TDD) equals the W widths of range 1024 / range 512 summed.
    from itertools import accumulate

    from sdrscan.gsm.rr.rest_octets import P_FDD_CELL_INFORMATION, Q_TDD_CELL_INFORMATION
    assert list(P_FDD_CELL_INFORMATION) == [0, *accumulate(w_widths(1024, 122))]
    assert list(Q_TDD_CELL_INFORMATION) == [0, *accumulate(w_widths(512, 126))]
