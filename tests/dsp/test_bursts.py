"""Burst assembly and payload extraction against the bit positions of TS 45.002 §5.2."""

from __future__ import annotations

import numpy as np
import pytest

from dsp.bursts import (
    dummy_burst,
    fcch_burst,
    normal_burst,
    normal_burst_payload,
    sch_burst,
    sch_burst_payload,
    stealing_flags,
)
from dsp.constants import DUMMY_BURST_BITS, SCH_TRAINING_BITS, TSC_BITS
from sdrscan.errors import DspParameterError


def test_normal_burst_layout_written_out() -> None:
    rng = np.random.default_rng(0)
    payload = rng.integers(0, 2, 114).astype(np.uint8)
    for tsc in range(8):
        b = normal_burst(payload, tsc, stealing=(1, 0))
        # 3 tail | 57 data | hl | 26 training | hu | 57 data | 3 tail  (TS 45.002 §5.2.3)
        expect = [0, 0, 0] + payload[:57].tolist() + [1] + TSC_BITS[tsc].tolist() + [0] + payload[57:].tolist()
        expect += [0, 0, 0]
        assert b.tolist() == expect and b.dtype == np.uint8
        assert np.array_equal(normal_burst_payload(b), payload)
        assert stealing_flags(b).tolist() == [1, 0]


def test_payload_extraction_keeps_soft_values_and_batches() -> None:
    rng = np.random.default_rng(1)
    soft = rng.normal(size=(4, 148)).astype(np.float32)
    p = normal_burst_payload(soft)
    assert p.shape == (4, 114) and p.dtype == np.float32
    assert np.array_equal(p[2, :57], soft[2, 3:60]) and np.array_equal(p[2, 57:], soft[2, 88:145])
    s = sch_burst_payload(soft)
    assert s.shape == (4, 78) and np.array_equal(s[1], np.concatenate([soft[1, 3:42], soft[1, 106:145]]))


def test_sch_burst_layout() -> None:
    rng = np.random.default_rng(2)
    c = rng.integers(0, 2, 78).astype(np.uint8)
    b = sch_burst(c)
    # 3 tail | 39 data | 64 extended training | 39 data | 3 tail  (TS 45.002 §5.2.5)
    assert b.tolist() == [0, 0, 0] + c[:39].tolist() + SCH_TRAINING_BITS.tolist() + c[39:].tolist() + [0, 0, 0]
    assert np.array_equal(sch_burst_payload(b), c)


def test_fixed_bursts_are_copies() -> None:
    f = fcch_burst()
    assert f.shape == (148,) and not f.any()
    d = dummy_burst()
    assert np.array_equal(d, DUMMY_BURST_BITS)
    d[5] ^= 1  # mutating the copy must not touch the table
    assert not np.array_equal(d, DUMMY_BURST_BITS)


def test_bad_inputs_raise_one_line_errors() -> None:
    with pytest.raises(DspParameterError, match="0..7"):
        normal_burst(np.zeros(114, np.uint8), 8)
    with pytest.raises(DspParameterError, match=r"expected \(114,\)"):
        normal_burst(np.zeros(116, np.uint8), 0)
    with pytest.raises(DspParameterError, match="0/1"):
        normal_burst(np.full(114, 2, np.uint8), 0)
    with pytest.raises(DspParameterError, match="stealing"):
        normal_burst(np.zeros(114, np.uint8), 0, stealing=(1, 2))
    with pytest.raises(DspParameterError, match=r"\(\.\.\., 148\)"):
        normal_burst_payload(np.zeros(147))
    with pytest.raises(DspParameterError, match=r"expected \(78,\)"):
        sch_burst(np.zeros(77, np.uint8))
