"""Soft Viterbi decoder against brute-force maximum-likelihood decoding of short messages."""

from __future__ import annotations

import numpy as np
import pytest

from dsp.viterbi import GSM_K5, ConvCode, conv_encode, viterbi_decode
from sdrscan.errors import DspParameterError
from tests.naive.coding_reference import conv_encode_literal, viterbi_brute_force

# A rate-1/3, K=4 code unrelated to GSM's, to check that the kernel only depends on the tables.
RATE3 = ConvCode(generators=((1, 0, 1, 1), (1, 1, 0, 1), (1, 1, 1, 1)))


@pytest.mark.parametrize("terminated", [True, False])
def test_viterbi_equals_brute_force_ml(terminated: bool) -> None:
    rng = np.random.default_rng(5 if terminated else 6)
    n_info = 8
    n_coded = 2 * (n_info + (4 if terminated else 0))
    for _ in range(40):
        msg = rng.integers(0, 2, n_info).astype(np.uint8)
        clean = conv_encode(msg, terminated=terminated).astype(np.float32) * 2 - 1
        # Heavy noise, so the ML message often differs from the sent one: the test compares decoders.
        soft = (clean + rng.normal(0, 1.2, n_coded)).astype(np.float32)
        expect = viterbi_brute_force(soft.tolist(), n_info, conv_encode_literal, terminated)
        assert viterbi_decode(soft, n_info, terminated=terminated).tolist() == expect


def test_viterbi_other_code_equals_brute_force() -> None:
    rng = np.random.default_rng(8)
    n_info = 7

    def enc(u: list[int]) -> list[int]:
        return conv_encode(np.array(u, np.uint8), terminated=False, code=RATE3).tolist()

    for _ in range(30):
        msg = rng.integers(0, 2, n_info).astype(np.uint8)
        clean = conv_encode(msg, code=RATE3).astype(np.float32) * 2 - 1
        soft = (clean + rng.normal(0, 1.3, clean.size)).astype(np.float32)
        expect = viterbi_brute_force(soft.tolist(), n_info, lambda u: enc(u[:n_info] + [0, 0, 0]))
        assert viterbi_decode(soft, n_info, code=RATE3).tolist() == expect


def test_clean_long_message_and_erasures() -> None:
    rng = np.random.default_rng(9)
    msg = rng.integers(0, 2, 189).astype(np.uint8)  # e.g. the class-1 bits of TCH/FS + parity
    soft = conv_encode(msg).astype(np.float32) * 2 - 1
    assert np.array_equal(viterbi_decode(soft, 189), msg)
    soft[::4] = 0.0  # a quarter erased, spread out: still decodable without noise
    assert np.array_equal(viterbi_decode(soft, 189), msg)
    assert GSM_K5.tail_bits == 4 and GSM_K5.n_gen == 2


def test_viterbi_rejects_wrong_lengths_and_nan() -> None:
    with pytest.raises(DspParameterError, match=r"expected \(24,\)"):
        viterbi_decode(np.zeros(20, np.float32), 8)
    bad = np.zeros(24, np.float32)
    bad[3] = np.nan
    with pytest.raises(DspParameterError, match="NaN"):
        viterbi_decode(bad, 8)
    with pytest.raises(DspParameterError, match="0/1"):
        conv_encode(np.array([0, 2, 1]))
