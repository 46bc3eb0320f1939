"""Interop: bursts built by our encoder and 51-multiframe tables, decoded by gr-gsm's own demappers and
control-channel decoder (Debian package gr-gsm, run with /usr/bin/python3).

Debian's ``grgsm_decode`` script does not start on GNU Radio 3.10 and its ``burst_file_source`` misreads
burst files, so a small flowgraph built from gr-gsm's blocks is fed the bursts directly as messages:
bursts -> [SDCCH/4 sub-slot filter] -> BCCH+CCCH or BCCH+CCCH+SDCCH/4 demapper -> control channels decoder.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from dsp.bursts import dummy_burst, fcch_burst, normal_burst, sch_burst
from dsp.coding import sch_encode, xcch_encode
from sdrscan.gsm.multiframe import (
    Channel,
    SiType,
    bcch_norm_schedule,
    locate,
    si_for_frame,
    tn0_layout,
)
from tests.conftest import require_tool

pytestmark = pytest.mark.interop

GR_PYTHON = "/usr/bin/python3"
FEEDER = r'''
import struct, sys, time
import pmt
from gnuradio import gr, gsm

KINDS = {"FCCH": 1, "SCH": 3, "NORMAL": 6, "DUMMY": 7}

class Feeder(gr.basic_block):
    def __init__(self):
        gr.basic_block.__init__(self, "feeder", None, None)
        self.message_port_register_out(pmt.intern("out"))

class Collect(gr.basic_block):
    def __init__(self):
        gr.basic_block.__init__(self, "collect", None, None)
        self.message_port_register_in(pmt.intern("in"))
        self.set_msg_handler(pmt.intern("in"), self.on_msg)
        self.got = []
    def on_msg(self, msg):
        data = bytes(pmt.u8vector_elements(pmt.cdr(msg)))
        self.got.append((struct.unpack(">I", data[8:12])[0], data[4 * data[1]:]))

path, mode = sys.argv[1], sys.argv[2]
branches = [int(a) for a in sys.argv[3:]]  # -1: all bursts; n >= 0: SDCCH/4 sub-slot filter n
tb = gr.top_block()
feed = Feeder()
outs = []
for sub in branches:
    demap = gsm.gsm_bcch_ccch_demapper(0) if mode == "BCCH" else gsm.gsm_bcch_ccch_sdcch4_demapper(0)
    decoder, out = gsm.control_channels_decoder(), Collect()
    head = feed
    if sub >= 0:
        head = gsm.burst_sdcch_subslot_filter(gsm.SS_FILTER_SDCCH4, sub)
        tb.msg_connect(feed, "out", head, "in")
    tb.msg_connect(head, "out", demap, "bursts")
    tb.msg_connect(demap, "bursts", decoder, "bursts")
    tb.msg_connect(decoder, "msgs", out, "in")
    outs.append(out)
tb.start()
for line in open(path):
    fn, tn, kind, bits = line.split()
    header = bytes([2, 4, 3, int(tn), 0, 0, 0, 0]) + struct.pack(">I", int(fn)) + bytes([KINDS[kind], 0, 0, 0])
    vec = list(header) + [int(c) for c in bits]
    feed.message_port_pub(pmt.intern("out"), pmt.cons(pmt.PMT_NIL, pmt.init_u8vector(len(vec), vec)))
seen = -1
while seen != sum(len(o.got) for o in outs):
    seen = sum(len(o.got) for o in outs)
    time.sleep(0.3)
tb.stop()
tb.wait()
for sub, out in zip(branches, outs):
    for fn, payload in out.got:
        print(sub, fn, payload.hex())
'''

BSIC = 48
FN0 = 51 * 16880  # a 51-multiframe boundary with TC = 0 and (FN div 51) even


def _run_grgsm(tmp_path: Path, bursts: list[tuple[int, str, np.ndarray]], mode: str,
               branches: tuple[int, ...] = (-1,)) -> dict[int, dict[int, bytes]]:
    """gr-gsm's decode of ``bursts`` per branch (-1: all bursts, n: SDCCH/4 sub-slot n): {branch: {fn: block}}."""
    require_tool("grgsm_decode", "gr-gsm")
    script = tmp_path / "feeder.py"
    script.write_text(FEEDER)
    listing = tmp_path / f"bursts_{mode}.txt"
    listing.write_text("".join(f"{fn} 0 {kind} {''.join(map(str, bits.tolist()))}\n" for fn, kind, bits in bursts))
    proc = subprocess.run([GR_PYTHON, str(script), str(listing), mode, *map(str, branches)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out: dict[int, dict[int, bytes]] = {b: {} for b in branches}
    for line in proc.stdout.splitlines():
        branch, fn, hexs = line.split()
        assert int(fn) not in out[int(branch)]
        out[int(branch)][int(fn)] = bytes.fromhex(hexs)
    return out


def _real_si(real_data: Path) -> dict[SiType, bytes]:
    """The Vodafone DE System Information of the vf_call6 capture (si_messages.json)."""
    names = {"SI1": SiType.SI1, "SI2": SiType.SI2, "SI2ter": SiType.SI2TER, "SI3": SiType.SI3,
             "SI4": SiType.SI4, "SI13": SiType.SI13}
    msgs = json.loads((real_data / "si_messages.json").read_text())
    return {names[m["type"]]: bytes.fromhex(m["hex"]) for m in msgs
            if m["id"].startswith("vf_call6_") and m["type"] in names}


def _build(n_frames: int, combined: bool, bcch: dict[SiType, bytes] | None, seed: int):
    """TS0 bursts of ``n_frames`` frames from FN0, and the block that starts at each FN."""
    rng = np.random.default_rng(seed)
    layout = tn0_layout(combined)
    schedule = bcch_norm_schedule(bcch) if bcch else None
    bursts, blocks, current = [], {}, None
    for fn in range(FN0, FN0 + n_frames):
        slot = layout[fn % 51]
        if slot.channel is Channel.FCCH:
            bursts.append((fn, "FCCH", fcch_burst()))
        elif slot.channel is Channel.SCH:
            bursts.append((fn, "SCH", sch_burst(sch_encode(BSIC, fn))))
        elif slot.channel is Channel.IDLE:
            bursts.append((fn, "DUMMY", dummy_burst()))
        else:
            if slot.burst == 0:
                if slot.channel is Channel.BCCH and schedule is not None:
                    block = bcch[si_for_frame(fn, schedule)]
                else:
                    block = rng.integers(0, 256, 23, dtype=np.uint8).tobytes()
                blocks[fn] = block
                current = xcch_encode(block)
            bursts.append((fn, "NORMAL", normal_burst(current[slot.burst], BSIC & 7)))
    return bursts, blocks


def test_grgsm_decodes_our_noncombined_multiframes(tmp_path: Path, real_data: Path) -> None:
    """A full TC cycle (8 x 51 frames) of BCCH with the real Vodafone SIs plus 72 CCCH blocks: gr-gsm's
    BCCH+CCCH demapper and decoder return every block, at the FN of its first burst."""
    bursts, blocks = _build(8 * 51, combined=False, bcch=_real_si(real_data), seed=1)
    assert len(blocks) == 8 * 10
    assert _run_grgsm(tmp_path, bursts, "BCCH")[-1] == blocks


def test_grgsm_decodes_our_combined_multiframes_and_subchannels(tmp_path: Path) -> None:
    """Combined C0 (CCCH_CONF = 1) over two 102-frame cycles: gr-gsm's BCCH+CCCH+SDCCH/4 demapper finds all
    blocks, and its SDCCH/4 sub-slot filter n keeps exactly the SDCCH/4 and SACCH/C4 blocks that our
    tables assign to sub-channel n (SACCH/C4 alternating between sub-channels 0/1 and 2/3)."""
    bursts, blocks = _build(4 * 51, combined=True, bcch=None, seed=2)
    assert len(blocks) == 4 * 10
    got = _run_grgsm(tmp_path, bursts, "BCCH_SDCCH4", (-1, 0, 1, 2, 3))
    assert got[-1] == blocks
    layout = tn0_layout(True)
    for sub in range(4):
        mine = {fn: blk for fn, blk in blocks.items()
                if locate(fn, layout).channel in (Channel.SDCCH4, Channel.SACCH4) and locate(fn, layout).block == sub}
        assert len(mine) == 4 + 2  # one SDCCH/4 block per 51 frames, one SACCH/C4 block per 102
        assert got[sub] == mine
