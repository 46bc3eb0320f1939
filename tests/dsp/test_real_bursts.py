"""The proof that we read TS 45.003 / 45.002 right: real demodulated bursts of a live network.

Data (``../shared/testdata/real/bursts``, see its README): gr-gsm's demodulated TS0 bursts of Vodafone DE,
ARFCN 725 (``vf_call6``), gr-gsm's CI decode of part of them (47 blocks, FN 860912-861167) and gr-gsm's
decode of all of them as a GSMTAP pcap (293 blocks). Hard bits are mapped to soft +-1.

The capture's last frames are no longer a GSM signal: gr-gsm decodes nothing after its last pcap block
(FN 862391) and the bursts there have random training bits. The checks that need a clean signal use the
span up to the end of gr-gsm's last block; what lies beyond is counted, not hidden.
"""

from __future__ import annotations

import gzip
import struct
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from dsp.bursts import dummy_burst, normal_burst_payload, sch_burst_payload, stealing_flags
from dsp.coding import sch_decode, xcch_decode, xcch_encode
from dsp.constants import SCH_TRAINING_BITS, TSC_BITS
from sdrscan.gsm.multiframe import Channel, block_start_frames, tn0_layout

LAYOUT = tn0_layout(combined=False)  # SRLabs: "C0 config: BCCH (Non-combined)"
TYPE_OF_CHANNEL = {Channel.FCCH: "FCCH", Channel.SCH: "SCH", Channel.BCCH: "NORMAL", Channel.CCCH: "NORMAL",
                   Channel.IDLE: "DUMMY"}


def _read_ts0(path: Path) -> dict[int, tuple[str, np.ndarray]]:
    """FN -> (gr-gsm burst type, 148 hard bits). The file repeats a stretch of FNs; repeats must be identical."""
    bursts: dict[int, tuple[str, np.ndarray]] = {}
    with gzip.open(path, "rt") as f:
        for line in f:
            if line.startswith("#"):
                continue
            fn_s, ts, kind, bits_s = line.split()
            assert ts == "0" and len(bits_s) == 148
            bits = np.frombuffer(bits_s.encode(), np.uint8) - ord("0")
            fn = int(fn_s)
            if fn in bursts:
                assert np.array_equal(bursts[fn][1], bits), f"FN {fn} appears twice with different bits"
            else:
                bursts[fn] = (kind, bits)
    return bursts


def _read_expected(path: Path) -> dict[int, bytes]:
    out = {}
    for line in path.read_text().splitlines():
        head, hexs = line.split(":", 1)
        out[int(head.split()[0])] = bytes.fromhex(hexs.replace(" ", ""))
    return out


def _read_pcap(path: Path) -> dict[int, bytes]:
    """FN -> L2 block of each GSMTAP packet (classic pcap, Ethernet/IPv4/UDP, GSMTAP v2)."""
    data = path.read_bytes()
    assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4
    out, off = {}, 24
    while off < len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        gsmtap = pkt[14 + 20 + 8:]
        fn = struct.unpack(">I", gsmtap[8:12])[0]
        out[fn] = gsmtap[4 * gsmtap[1]:]
    return out


@pytest.fixture(scope="module")
def ts0(real_data: Path) -> dict[int, tuple[str, np.ndarray]]:
    return _read_ts0(real_data / "bursts" / "vf_call6_ts0_bursts.txt.gz")


@pytest.fixture(scope="module")
def expected(real_data: Path) -> dict[int, bytes]:
    return _read_expected(real_data / "bursts" / "grgsm_decode_test1_expected.txt")


@pytest.fixture(scope="module")
def pcap(real_data: Path) -> dict[int, bytes]:
    return _read_pcap(real_data / "pcap" / "vf_call6_arfcn725_ts0_bcch_ccch_grgsm.pcap")


@pytest.fixture(scope="module")
def clean_end(pcap: dict[int, bytes]) -> int:
    """Last FN of the last block gr-gsm decoded: the end of the usable signal."""
    return max(pcap) + 3


def _soft_block(ts0: dict[int, tuple[str, np.ndarray]], fn: int) -> np.ndarray:
    return normal_burst_payload(np.stack([ts0[fn + i][1] for i in range(4)])).astype(np.float32) * 2 - 1


def _decode_all(ts0: dict[int, tuple[str, np.ndarray]]) -> tuple[dict[int, bytes], list[int]]:
    starts = set(block_start_frames(False)[Channel.BCCH]) | set(block_start_frames(False)[Channel.CCCH])
    ok, failed = {}, []
    for fn in sorted(ts0):
        if fn % 51 in starts and all(fn + i in ts0 for i in range(4)):
            res = xcch_decode(_soft_block(ts0, fn))
            if res.ok:
                ok[fn] = res.block
            else:
                failed.append(fn)
    return ok, failed


def test_a_reencoded_blocks_equal_the_real_bursts(ts0, expected) -> None:
    """(a) Our Fire code + convolutional code + interleaver + bit order reproduce the bursts on the air."""
    assert len(expected) == 47
    mismatches = 0
    for fn, block in expected.items():
        coded = xcch_encode(block)
        for b in range(4):
            kind, bits = ts0[fn + b]
            assert kind == "NORMAL"
            mismatches += int(np.count_nonzero(normal_burst_payload(bits) != coded[b]))
    assert mismatches == 0, f"{mismatches} of {47 * 456} coded bits differ from the real bursts"


def test_b_decoding_real_bursts_gives_grgsm_messages(ts0, expected) -> None:
    """(b) Deinterleave + Viterbi + Fire on the real bursts give exactly gr-gsm's 47 messages in its window."""
    ok, failed = _decode_all(ts0)
    lo, hi = min(expected), max(expected)
    window = {fn: blk for fn, blk in ok.items() if lo <= fn <= hi}
    assert window == expected
    assert not [fn for fn in failed if lo <= fn <= hi]
    # Clean bursts carry no channel errors at all: re-encoding matches every hard bit.
    assert all(xcch_decode(_soft_block(ts0, fn)).bit_errors == 0 for fn in expected)


def test_b_whole_file_matches_grgsm_pcap(ts0, pcap, clean_end) -> None:
    """All blocks of the file: ours and gr-gsm's decodes are the same 293 blocks; the 19 failures all lie
    in the tail where gr-gsm decodes nothing either."""
    ok, failed = _decode_all(ts0)
    assert ok == pcap
    assert len(ok) == 293
    assert failed and min(failed) > clean_end - 4
    assert len(failed) == 19


def test_c_sch_bursts_give_bsic_and_their_own_frame_number(ts0, clean_end) -> None:
    """(c) Every SCH burst of the clean span passes the parity check and carries its own FN."""
    results = {fn: sch_decode(sch_burst_payload(bits).astype(np.float32) * 2 - 1)
               for fn, (kind, bits) in ts0.items() if kind == "SCH"}
    clean = {fn: r for fn, r in results.items() if fn <= clean_end}
    assert len(clean) >= 140
    assert all(r is not None for r in clean.values())
    assert all(r.fn == fn and r.bit_errors == 0 for fn, r in clean.items())
    assert {r.bsic for r in clean.values()} == {48}  # NCC 6, BCC 0
    assert all(r is None for fn, r in results.items() if fn > clean_end)  # the tail is not GSM any more
    assert all(np.array_equal(bits[42:106], SCH_TRAINING_BITS) for fn, (k, bits) in ts0.items()
               if k == "SCH" and fn <= clean_end)


def test_d_training_sequence_is_tsc_of_the_bcc(ts0, clean_end) -> None:
    """(d) Normal bursts on C0 TS0 carry TSC = BCC (0 here, from the SCH); stealing flags hl = hu = 1."""
    sch = next(sch_decode(sch_burst_payload(b).astype(np.float32) * 2 - 1)
               for fn, (k, b) in sorted(ts0.items()) if k == "SCH")
    normals = {fn: bits for fn, (k, bits) in ts0.items() if k == "NORMAL" and fn <= clean_end}
    assert len(normals) > 1000
    wrong = [fn for fn, bits in normals.items() if not np.array_equal(bits[61:87], TSC_BITS[sch.bcc])]
    assert wrong == []
    flags = Counter(tuple(stealing_flags(bits).tolist()) for bits in normals.values())
    assert flags == Counter({(1, 1): len(normals)})
    # No other TSC would have matched: the check tells the eight sequences apart.
    first = next(iter(normals.values()))[61:87]
    assert [t for t in range(8) if np.array_equal(first, TSC_BITS[t])] == [sch.bcc]


def test_layout_matches_burst_types_on_air(ts0, clean_end) -> None:
    """gr-gsm's burst classification (FCCH/SCH/normal/dummy) agrees with our TS0 51-multiframe table, and
    the dummy bursts of the idle frame are our dummy burst bit for bit."""
    kinds = Counter()
    for fn, (kind, bits) in ts0.items():
        if fn > clean_end:
            continue
        slot = LAYOUT[fn % 51]
        assert kind == TYPE_OF_CHANNEL[slot.channel], f"FN {fn}: gr-gsm saw {kind}, table says {slot.channel}"
        if kind == "DUMMY":
            assert np.array_equal(bits, dummy_burst())
        kinds[kind] += 1
    assert kinds["FCCH"] > 100 and kinds["SCH"] > 100 and kinds["DUMMY"] > 20
