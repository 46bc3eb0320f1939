"""Physical-layer constants of the GSM downlink, each with the clause it comes from.

All bit sequences are ``numpy.uint8`` arrays of 0/1, in transmission order.
"""

from __future__ import annotations

import numpy as np

# TS 45.010 §5.4 / TS 45.004 §2: modulating bit rate 1625/6 kbit/s (one GMSK symbol per bit).
SYMBOL_RATE_HZ: float = 1625000.0 / 6.0
SYMBOL_PERIOD_S: float = 1.0 / SYMBOL_RATE_HZ

# TS 45.002 §5.2: a timeslot lasts 156.25 symbol periods; 8 timeslots form a TDMA frame.
TIMESLOT_SYMBOLS: float = 156.25
TIMESLOTS_PER_FRAME: int = 8
FRAME_SYMBOLS: int = 1250  # 8 x 156.25
FRAME_DURATION_S: float = FRAME_SYMBOLS / SYMBOL_RATE_HZ  # 4.615 ms

# TS 45.002 §4.3.3: the hyperframe has 2048 x 26 x 51 TDMA frames; FN counts 0 .. 2715647.
HYPERFRAME: int = 2048 * 26 * 51

# TS 45.002 §5.2.3 normal burst: 3 tail, 57 data, 1 stealing flag, 26 training, 1 flag, 57 data, 3 tail.
BURST_BITS: int = 148
TAIL_BITS: int = 3
NB_DATA_BITS: int = 57
NB_TRAINING_START: int = 61  # 3 + 57 + 1
NB_TRAINING_BITS: int = 26
NB_PAYLOAD_BITS: int = 114  # 2 x 57 data bits carried by one normal burst

# TS 45.002 §5.2.3 Table: the eight training sequence codes (TSC 0..7) of the normal burst.
# Each is a 16-bit core with a 5-bit cyclic prefix and suffix:
# bits[0:5] == bits[16:21] and bits[21:26] == bits[5:10].
TSC_BITS: np.ndarray = np.array(
    [
        [0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1],
        [0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1],
        [0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0],
        [0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0],
        [0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1],
        [0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0],
        [1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1],
        [1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0],
    ],
    dtype=np.uint8,
)

# TS 45.002 §5.2.5 synchronization burst: 3 tail, 39 encrypted bits, 64-bit extended training sequence,
# 39 encrypted bits, 3 tail.
SB_DATA_BITS: int = 39
SB_TRAINING_START: int = 42
SB_TRAINING_BITS: int = 64
SCH_TRAINING_BITS: np.ndarray = np.array(
    [
        1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
        0, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 1,
    ],
    dtype=np.uint8,
)

# TS 45.002 §5.2.4 frequency correction burst: 148 zero bits (after differential encoding a constant
# phase slope, i.e. a tone at +SYMBOL_RATE_HZ / 4 = +67.708 kHz above the carrier).
FCCH_BITS: np.ndarray = np.zeros(BURST_BITS, dtype=np.uint8)
FCCH_TONE_HZ: float = SYMBOL_RATE_HZ / 4.0


def _bits_from_hex(hex_str: str, n_bits: int) -> np.ndarray:
    value = int(hex_str, 16)
    total = len(hex_str) * 4
    return np.array([(value >> (total - 1 - i)) & 1 for i in range(n_bits)], dtype=np.uint8)


# TS 45.002 §5.2.6 dummy burst: 3 tail, 142 fixed "mixed" bits, 3 tail. The 142 bits written as hex
# (first 142 of 144 bits): FB 76 0A 4E 09 10 1F 1C 5C 5C 57 4A 33 39 E9 F1 2F A8.
DUMMY_MIXED_BITS: np.ndarray = _bits_from_hex("FB760A4E09101F1C5C5C574A3339E9F12FA8", 142)
DUMMY_BURST_BITS: np.ndarray = np.concatenate(
    [np.zeros(3, np.uint8), DUMMY_MIXED_BITS, np.zeros(3, np.uint8)]
)

# TS 45.002 §7 Table 3 (51-multiframe of TS0 on C0): FCCH and SCH positions (FN mod 51).
FCCH_FN_MOD51: tuple[int, ...] = (0, 10, 20, 30, 40)
SCH_FN_MOD51: tuple[int, ...] = (1, 11, 21, 31, 41)
