"""Burst tables of dsp/constants.py against the structure TS 45.002 gives them."""

import numpy as np

from dsp.constants import DUMMY_BURST_BITS, FCCH_TONE_HZ, SCH_TRAINING_BITS, SYMBOL_RATE_HZ, TSC_BITS


def test_tsc_table_has_the_cyclic_structure_of_ts_45_002() -> None:
    for tsc in TSC_BITS:
        assert list(tsc[0:5]) == list(tsc[16:21])
        assert list(tsc[21:26]) == list(tsc[5:10])


def test_sizes_and_fcch_tone() -> None:
    assert TSC_BITS.shape == (8, 26)
    assert SCH_TRAINING_BITS.size == 64
    assert DUMMY_BURST_BITS.size == 148
    assert np.all(DUMMY_BURST_BITS[:3] == 0) and np.all(DUMMY_BURST_BITS[-3:] == 0)
    assert abs(FCCH_TONE_HZ - 67708.33) < 0.01
    assert abs(SYMBOL_RATE_HZ - 270833.33) < 0.01
