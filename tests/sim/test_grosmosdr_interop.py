"""Third-party check of the simulated dongle and of our rtl_tcp client: gr-osmosdr's rtl_tcp source (GNU Radio,
Debian package gr-osmosdr) is the client, gr-gsm decodes what it received.

* gr-osmosdr parses our 12-byte header (it prints the tuner and gain count it read);
* the commands it sends for rate, frequency, ppm and gain arrive as those values, and are the bytes our own
  client sends for the same settings;
* gr-gsm decodes the cell's System Information from the samples gr-osmosdr pulled through rtl_tcp, with the
  crystal error corrected by gr-osmosdr's ppm command.
"""

from __future__ import annotations

import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from sdrscan.gsm.rr.cell import CellDescription, build_system_information
from sdrscan.sim.dongle import SimDongle
from sdrscan.sim.server import RtlTcpServer
from sdrscan.sim.world import parse_world_scene
from sdrscan.sources.rtltcp import Command, RtlTcpDevice
from tests.conftest import require_tool

SYSTEM_PYTHON = "/usr/bin/python3"
SHIM = Path(__file__).resolve().parents[1] / "interop" / "grgsm_shim.py"
CELL = {"arfcn": 60, "power_db": -25, "bsic": 33, "mcc": 272, "mnc": "02", "lac": 15016, "ci": 15149,
        "neighbours": [62, 64]}
FLOWGRAPH = textwrap.dedent("""
    import sys
    from gnuradio import blocks, gr
    import osmosdr
    port, rate, freq, ppm, n, out = sys.argv[1:7]
    tb = gr.top_block()
    src = osmosdr.source(args="numchan=1 rtl_tcp=127.0.0.1:" + port)
    src.set_sample_rate(float(rate))
    src.set_center_freq(float(freq), 0)
    src.set_freq_corr(int(ppm), 0)
    src.set_gain_mode(False, 0)
    src.set_gain(40, 0)
    skip = blocks.skiphead(gr.sizeof_gr_complex, int(float(rate) * 0.2))  # settings land in the first ms
    tb.connect(src, skip, blocks.head(gr.sizeof_gr_complex, int(n)), blocks.file_sink(gr.sizeof_gr_complex, out))
    tb.run()
""")


def _need_osmosdr() -> None:
    require_tool("grgsm_decode", "gr-gsm")
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import osmosdr, gnuradio.gsm"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"gr-osmosdr/gr-gsm Python modules missing for {SYSTEM_PYTHON}: apt-get install gr-osmosdr gr-gsm")


@pytest.mark.interop
@pytest.mark.slow
def test_grosmosdr_pulls_samples_that_grgsm_decodes(tmp_path: Path) -> None:
    _need_osmosdr()
    scene = parse_world_scene({"snr": 25, "ppm": 12, "cells": [CELL]})
    server = RtlTcpServer(SimDongle(scene, 3), port=0, realtime=False)
    _, port = server.start()
    script = tmp_path / "flow.py"
    script.write_text(FLOWGRAPH)
    cfile = tmp_path / "osmo.cfile"
    try:
        r = subprocess.run([SYSTEM_PYTHON, str(script), str(port), "1000000", "947000000", "12", "2500000",
                            str(cfile)], capture_output=True, text=True, timeout=300)
    finally:
        server.stop()
    assert r.returncode == 0, r.stderr[-1500:]
    assert "reports a R820T tuner with 29 RF" in r.stderr  # gr-osmosdr read our header
    sent = dict(server.stats.commands)
    assert sent[Command.SET_SAMPLE_RATE] == 1_000_000 and sent[Command.SET_FREQUENCY] == 947_000_000
    assert sent[Command.SET_FREQ_CORRECTION] == 12 and sent[Command.SET_GAIN_MODE] == 1
    assert sent[Command.SET_GAIN] == 402  # gr-osmosdr chose the R820T step nearest 40 dB, as we do

    d = subprocess.run([SYSTEM_PYTHON, str(SHIM), "-c", str(cfile), "-s", "1e6", "-a", "60", "-m", "BCCH", "-t", "0",
                        "-v"], capture_output=True, text=True, timeout=300)
    assert d.returncode == 0, d.stderr[-1500:]
    blocks = {bytes.fromhex(line.split(":", 1)[1].replace(" ", "")) for line in d.stdout.splitlines()
              if ":" in line and len(line.split(":", 1)[1].split()) == 23}
    si = build_system_information(CellDescription.from_mapping(scene.cells[0]))
    bcch = blocks & set(si.values())
    assert {k for k, v in si.items() if v in bcch} >= {"SI1", "SI2", "SI3", "SI4"}


@pytest.mark.interop
def test_our_client_sends_the_bytes_gr_osmosdr_sends(tmp_path: Path) -> None:
    _need_osmosdr()
    scene = parse_world_scene({"snr": 25, "cells": [CELL]})
    theirs = RtlTcpServer(SimDongle(scene, 3), port=0, realtime=False)
    _, port = theirs.start()
    script = tmp_path / "flow.py"
    script.write_text(FLOWGRAPH)
    try:
        r = subprocess.run([SYSTEM_PYTHON, str(script), str(port), "2400000", "947600000", "-7", "1000",
                            str(tmp_path / "x.cfile")], capture_output=True, text=True, timeout=300)
    finally:
        theirs.stop()
    assert r.returncode == 0, r.stderr[-1500:]
    ours = RtlTcpServer(SimDongle(scene, 3), port=0, realtime=False)
    _, port = ours.start()
    dev = RtlTcpDevice("127.0.0.1", port)
    dev.set_sample_rate(2.4e6)
    dev.set_center_freq(947.6e6)
    dev.set_ppm(-7)
    dev.set_gain(40)
    time.sleep(0.3)
    dev.close()
    ours.stop()
    keys = (Command.SET_SAMPLE_RATE, Command.SET_FREQUENCY, Command.SET_FREQ_CORRECTION, Command.SET_GAIN_MODE,
            Command.SET_GAIN, Command.SET_AGC_MODE)
    t, o = dict(theirs.stats.commands), dict(ours.stats.commands)
    assert {k: t[k] for k in keys} == {k: o[k] for k in keys}
    assert t[Command.SET_FREQ_CORRECTION] == -7  # negative values: two's complement on both sides
