"""xCCH and SCH channel coding (TS 45.003 §4.1, §4.7) against the literal references and round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsp.coding import (
    FIRE_GENERATOR,
    SCH_GENERATOR,
    XCCH_CODED_BITS,
    bits_to_octets,
    fire_parity,
    fire_syndrome,
    octets_to_bits,
    sch_decode,
    sch_decode_batch,
    sch_encode,
    sch_parity,
    sch_syndrome,
    xcch_decode,
    xcch_deinterleave,
    xcch_encode,
    xcch_interleave,
)
from dsp.viterbi import conv_encode
from sdrscan.errors import DspParameterError
from sdrscan.gsm.multiframe import fn_from_reduced
from tests.naive.coding_reference import (
    SCH_GENERATOR as SCH_G_LIST,
)
from tests.naive.coding_reference import (
    conv_encode_literal,
    fire_generator,
    interleave_literal,
    poly_remainder,
    systematic_parity,
    xcch_encode_literal,
)

blocks = st.binary(min_size=23, max_size=23)


def _soft(bits: np.ndarray) -> np.ndarray:
    return bits.astype(np.float32) * 2.0 - 1.0


def _int_bits(value: int, n: int) -> list[int]:
    return [(value >> (n - 1 - i)) & 1 for i in range(n)]


# ---------------------------------------------------------------------------------------------- tables


def test_generators_match_the_factored_polynomials() -> None:
    assert _int_bits(FIRE_GENERATOR, 41) == fire_generator()
    assert _int_bits(SCH_GENERATOR, 11) == SCH_G_LIST


def test_bit_order_is_lsb_first() -> None:
    expect = [1, 0, 0, 0, 0, 0, 0, 0] + [0] * 7 + [1] + [0, 1, 1, 0, 0, 0, 0, 0]
    assert octets_to_bits(b"\x01\x80\x06").tolist() == expect
    assert bits_to_octets(octets_to_bits(bytes(range(23)))) == bytes(range(23))


# ---------------------------------------------------------------------------------------------- Fire code


@settings(max_examples=60, deadline=None)
@given(blocks)
def test_fire_parity_matches_long_division(block: bytes) -> None:
    d = octets_to_bits(block)
    assert fire_parity(d).tolist() == systematic_parity(d.tolist(), fire_generator())


@settings(max_examples=60, deadline=None)
@given(blocks, st.integers(0, 223))
def test_every_single_bit_flip_changes_the_fire_syndrome(block: bytes, pos: int) -> None:
    d = octets_to_bits(block)
    u = np.concatenate([d, fire_parity(d)])
    assert fire_syndrome(u) == 0
    u[pos] ^= 1
    s = fire_syndrome(u)
    assert s != 0
    # Same syndrome as the literal long division (remainder xor all-ones).
    rem = poly_remainder(u.tolist(), fire_generator())
    assert s == int("".join(str(1 - r) for r in rem), 2)


@settings(max_examples=60, deadline=None)
@given(blocks, st.integers(0, 223), st.integers(1, 40), st.randoms(use_true_random=False))
def test_error_bursts_up_to_40_bits_are_detected(block: bytes, start: int, length: int, rnd) -> None:
    # A cyclic code of degree 40 detects every error burst of length <= 40 (first and last bit in error).
    d = octets_to_bits(block)
    u = np.concatenate([d, fire_parity(d)])
    length = min(length, 224 - start)
    err = np.zeros(224, np.uint8)
    err[start] = 1
    err[start + length - 1] = 1
    for i in range(start + 1, start + length - 1):
        err[i] = rnd.randint(0, 1)
    assert fire_syndrome(u ^ err) != 0


# ---------------------------------------------------------------------------------------------- conv code


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=1, max_size=240))
def test_conv_encoder_matches_the_formula(u: list[int]) -> None:
    assert conv_encode(np.array(u, np.uint8), terminated=False).tolist() == conv_encode_literal(u)
    assert conv_encode(np.array(u, np.uint8)).tolist() == conv_encode_literal(u + [0, 0, 0, 0])


# ---------------------------------------------------------------------------------------------- interleaver


def test_interleaver_matches_the_formula_and_is_a_permutation() -> None:
    c = np.arange(XCCH_CODED_BITS)
    ours = xcch_interleave(c)
    assert ours.tolist() == interleave_literal(c.tolist())
    assert sorted(ours.ravel().tolist()) == list(range(XCCH_CODED_BITS))
    assert np.array_equal(xcch_deinterleave(ours), c)
    soft = np.linspace(-1, 1, XCCH_CODED_BITS).astype(np.float32)
    assert xcch_interleave(soft).dtype == np.float32


@settings(max_examples=30, deadline=None)
@given(blocks)
def test_xcch_encode_matches_the_literal_chain(block: bytes) -> None:
    assert xcch_encode(block).tolist() == xcch_encode_literal(block)


# ---------------------------------------------------------------------------------------------- round trips


@settings(max_examples=40, deadline=None)
@given(blocks, st.lists(st.integers(0, 455), min_size=0, max_size=3, unique=True))
def test_any_three_bit_errors_are_corrected(block: bytes, flips: list[int]) -> None:
    # The code's free distance is 7, so ML decoding corrects every pattern of up to 3 errors; the
    # re-encoding count then equals the number of errors exactly.
    c = xcch_deinterleave(xcch_encode(block)).copy()
    c[flips] ^= 1
    res = xcch_decode(_soft(xcch_interleave(c)))
    assert res.ok and res.block == block
    assert res.bit_errors == len(flips) and res.n_bits == 456


@pytest.mark.parametrize("erased", [0, 1, 2, 3])
def test_one_erased_burst_is_recovered(erased: int) -> None:
    # Every nonzero codeword has ones in both even and odd positions k (both generators have a D^0 term),
    # so no codeword hides inside one burst (B = k mod 4): a clean block survives losing any one burst.
    rng = np.random.default_rng(erased)
    block = rng.integers(0, 256, 23, dtype=np.uint8).tobytes()
    soft = _soft(xcch_encode(block))
    soft[erased] = 0.0
    res = xcch_decode(soft)
    assert res.ok and res.block == block
    assert res.n_bits == 456 - 114 and res.bit_errors == 0


def test_noisy_round_trip_and_bit_error_estimate() -> None:
    # +-1 soft bits in Gaussian noise, sigma 0.5 (Es/N0 = 3 dB per coded bit, Eb/N0 about 6 dB). The K=5
    # code's block error rate there is of the order of 1e-3, so 200 blocks decode with at most 2 failures;
    # whenever a block is accepted its re-encoding is the sent codeword, so bit_errors is the true count.
    rng = np.random.default_rng(2024)
    failures = 0
    for _ in range(200):
        block = rng.integers(0, 256, 23, dtype=np.uint8).tobytes()
        sent = xcch_encode(block)
        soft = (_soft(sent) + rng.normal(0.0, 0.5, sent.shape)).astype(np.float32)
        res = xcch_decode(soft)
        if not res.ok:
            failures += 1
            continue
        assert res.block == block
        assert res.bit_errors == int(np.count_nonzero((soft > 0) != (sent == 1)))
    assert failures <= 2


def test_noise_alone_is_never_accepted() -> None:
    # The 40 parity bits leave a false-accept probability near 2**-40 per block.
    rng = np.random.default_rng(7)
    for _ in range(500):
        res = xcch_decode(rng.normal(0.0, 1.0, (4, 114)).astype(np.float32))
        assert not res.ok and res.block is None


def test_xcch_decode_rejects_bad_shapes() -> None:
    with pytest.raises(DspParameterError, match=r"expected \(4, 114\)"):
        xcch_decode(np.zeros((4, 116), np.float32))
    with pytest.raises(DspParameterError, match="expected 23"):
        xcch_encode(b"\x00" * 22)


# ---------------------------------------------------------------------------------------------- SCH


def test_sch_parity_matches_long_division() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        b = rng.integers(0, 2, 25).astype(np.uint8)
        assert sch_parity(b).tolist() == systematic_parity(b.tolist(), SCH_G_LIST)
        u = np.concatenate([b, sch_parity(b)])
        assert sch_syndrome(u) == 0
        for pos in range(35):
            v = u.copy()
            v[pos] ^= 1
            assert sch_syndrome(v) != 0


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 63), st.integers(0, 2047), st.integers(0, 25), st.integers(0, 4))
def test_sch_round_trip(bsic: int, t1: int, t2: int, t3p: int) -> None:
    fn = fn_from_reduced(t1, t2, t3p)
    res = sch_decode(_soft(sch_encode(bsic, fn)))
    assert res is not None
    assert (res.bsic, res.t1, res.t2, res.t3p, res.fn, res.bit_errors) == (bsic, t1, t2, t3p, fn, 0)
    assert res.ncc * 8 + res.bcc == bsic


def test_sch_with_three_errors_and_noise_only() -> None:
    rng = np.random.default_rng(11)
    c = sch_encode(45, 1326 * 100 + 51 * 3 + 21)
    c[[0, 40, 77]] ^= 1
    res = sch_decode(_soft(c))
    assert res is not None and res.bsic == 45 and res.bit_errors == 3
    accepted = sum(sch_decode(rng.normal(0, 1, 78).astype(np.float32)) is not None for _ in range(300))
    assert accepted <= 3  # 10 parity bits: about 1 in 1024 random words pass


def test_sch_batch_equals_one_by_one() -> None:
    """The receiver's batched SCH decoder gives exactly :func:`sch_decode`'s result for every burst: clean,
    noisy (some fail parity), erased bits, and pure noise (1 in 1024 passes parity by chance)."""
    rng = np.random.default_rng(5)
    soft = []
    for i in range(1500):
        fn = int(rng.integers(2715648 // 51)) * 51 + int(rng.choice([1, 11, 21, 31, 41]))
        c = _soft(sch_encode(int(rng.integers(64)), fn)) + rng.normal(0, [0.3, 0.9, 1.3, 3.0][i % 4], 78)
        if i % 7 == 0:
            c[rng.integers(78, size=5)] = 0.0
        soft.append(c.astype(np.float32))
    soft += [rng.normal(0, 1, 78).astype(np.float32) for _ in range(3000)]
    one = [sch_decode(x) for x in soft]
    assert sch_decode_batch(np.array(soft)) == one
    assert 300 < sum(r is not None for r in one) < 1500  # both outcomes are exercised
    assert sch_decode_batch(np.zeros((0, 78), np.float32)) == []
    with pytest.raises(DspParameterError, match=r"expected \(n, 78\)"):
        sch_decode_batch(np.zeros((2, 80), np.float32))


def test_sch_encode_rejects_non_sch_frames_and_bad_bsic() -> None:
    with pytest.raises(DspParameterError, match="not an SCH frame"):
        sch_encode(0, 2)
    with pytest.raises(DspParameterError, match="0..63"):
        sch_encode(64, 1)
    with pytest.raises(DspParameterError, match=r"expected \(78,\)"):
        sch_decode(np.zeros(80, np.float32))
