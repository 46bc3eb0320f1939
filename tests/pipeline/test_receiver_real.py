"""``sdrscan frames`` on real captures nobody here made (THC GSM Scanner Project, USRP, 2007).

Ground truth comes from ``../shared/testdata/real/iq/gsm/iq_manifest.json`` and its README: values stated by
the source (the GSMSP MATLAB guide) and gr-gsm's decode of the same files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_tool


def frames(path: Path, rate: str, fc: str, *extra: str) -> list[dict]:
    r = subprocess.run([sys.executable, "-m", "sdrscan", "frames", str(path), "--rate", rate, "--center-freq", fc,
                        "--json", "--sync", *extra], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


@pytest.fixture(scope="module")
def manifest(real_data: Path) -> dict[str, dict]:
    items = json.loads((real_data / "iq" / "gsm" / "iq_manifest.json").read_text())
    return {m["file"]: m for m in items}


def test_gsmsp_953_6_stated_ground_truth(real_data: Path, manifest: dict) -> None:
    name = "GSMSP_20070204_robert_dbsrx_953.6MHz_128.cfile"
    truth = manifest[name]["expected_stated_by_source"]
    out = frames(real_data / "iq" / "gsm" / name, "500k", "953.6M")
    sch = [o for o in out if o["channel"] == "SCH"]
    assert [o["fn"] for o in sch] == [s["fn"] for s in truth["sch"]]  # 857107, 857117, 857127
    assert {(o["bsic"], o["ncc"], o["bcc"]) for o in sch} == {(56, 7, 0)}
    for o in sch:
        assert abs(o["freq_offset_hz"] - truth["carrier_freq_offset_hz"]) < 100  # stated +8695.6 Hz
    blocks = {o["fn"]: o for o in out if o["channel"] != "SCH"}
    assert blocks[857108]["hex"] == truth["messages"][0]["hex"] and blocks[857108]["channel"] == "BCCH"
    # The source's CCCH blocks at multiframe frames 6-9, 12-15 and 16-19 (FN 857112, 857118, 857122).
    assert [blocks[fn]["hex"] for fn in (857112, 857118, 857122)] == [m["hex"] for m in truth["messages"][1:]]
    assert all(o["arfcn"] == 93 for o in out)


def test_gsmsp_941_paging_as_decoded_by_gr_gsm(real_data: Path, manifest: dict) -> None:
    name = "GSMSP_20070204_robert_dbsrx_941.0MHz_128.cfile"
    out = frames(real_data / "iq" / "gsm" / name, "500k", "941M")
    blocks = {o["fn"]: o["hex"] for o in out if o["channel"] != "SCH"}
    for m in manifest[name]["decoded_by_grgsm_helper_run"]:
        assert blocks.get(m["fn"]) == m["hex"], m["fn"]


def test_gsmsp_wideband_4_msps_finds_several_carriers(real_data: Path) -> None:
    out = frames(real_data / "iq" / "gsm" / "GSMSP_20070204_robert_dbsrx_941MHz_16.cfile", "4M", "941M")
    sch = {o["arfcn"]: o for o in out if o["channel"] == "SCH"}
    # 20 ms: one SCH per carrier at most. The manifest names 941.0 (strongest), 939.4 and 939.8 MHz above noise.
    assert {30, 22, 24} <= set(sch)
    assert sch[30]["bsic"] == 32  # the same cell as the 941.0 MHz narrowband file (BSIC 32 there too)
    offsets = [o["freq_offset_hz"] / 941e6 for o in sch.values()]
    assert max(offsets) - min(offsets) < 1e-6  # one crystal: every carrier is off by the same ppm


def test_gsmsp_short_capture_at_an_odd_rate(real_data: Path) -> None:
    # 542.37 kS/s (64 MHz / 118), 28 ms, one FCCH at ~1.1 ms: enough for the SCH one frame later.
    out = frames(real_data / "iq" / "gsm" / "GSMSP_940.8Mhz_118.cfile", str(64e6 / 118), "940.8M")
    assert [o["arfcn"] for o in out if o["channel"] == "SCH"][:1] == [29]


def test_weak_wideband_capture_invents_nothing(real_data: Path) -> None:
    # 937 MHz, 4 MS/s: "only weak carriers; no confident FCCH". Whatever is found must be a real decode.
    out = frames(real_data / "iq" / "gsm" / "GSMSP_20070204_robert_dbsrx_937MHz_16.cfile", "4M", "937M")
    assert all(o["channel"] == "SCH" or len(o["hex"]) == 46 for o in out)


def test_wireshark_reads_our_pcap(real_data: Path, tmp_path: Path) -> None:
    tshark = require_tool("tshark", "tshark")
    pcap = tmp_path / "out.pcap"
    frames(real_data / "iq" / "gsm" / "GSMSP_20070204_robert_dbsrx_953.6MHz_128.cfile", "500k", "953.6M",
           "--pcap", str(pcap))
    r = subprocess.run([tshark, "-r", str(pcap), "-V"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "ARFCN: 93" in text and "Channel Type: BCCH (1)" in text and "Channel Type: CCCH (2)" in text
    assert "GSM Frame Number: 857108" in text
    assert "Mobile Country Code (MCC): Ireland (272)" in text
    assert "Cell CI: 0x3b2d (15149)" in text
    assert "Location Area Code (LAC): 0x3aa8 (15016)" in text
    assert "Paging Request Type 1" in text


def test_gsmtap_streams_to_a_live_udp_listener(real_data: Path) -> None:
    import socket

    from sdrscan.gsm.gsmtap import GsmtapHeader

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(30)
    port = sock.getsockname()[1]
    out = frames(real_data / "iq" / "gsm" / "GSMSP_20070204_robert_dbsrx_953.6MHz_128.cfile", "500k", "953.6M",
                 "--gsmtap", f"127.0.0.1:{port}")
    blocks = [o for o in out if o["channel"] != "SCH"]
    got = []
    for _ in blocks:
        hdr, payload = GsmtapHeader.unpack(sock.recv(4096))
        got.append((hdr.arfcn, hdr.fn, payload.hex()))
    sock.close()
    assert got == [(93, o["fn"], o["hex"]) for o in blocks]
