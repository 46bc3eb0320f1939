"""gr-gsm decodes the real GSMSP capture after it went through our cu8 reader and SigMF writer.

GMSK decoding fails if I and Q are swapped, a sign is flipped or samples are misaligned, so gr-gsm
reproducing the messages the data's manifest lists (FN 857118 and 857122) checks our sample conventions
independently of our own code. A conjugated copy is the negative control.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from sdrscan.sources import SigMFWriter, open_source
from tests.conftest import require_tool

from .naive_codec import readme_cu8

pytestmark = pytest.mark.interop

SHIM = Path(__file__).resolve().parents[1] / "interop" / "grgsm_shim.py"
CFILE = "GSMSP_20070204_robert_dbsrx_953.6MHz_128.cfile"
LINE = re.compile(r"^(\d+) \d+:\s+((?:[0-9a-f]{2} ?)+)$")


def _expected(real_data: Path) -> dict[int, str]:
    """FN -> hex as the manifest states gr-gsm decodes them (``also_confirmed_by``), hex from ``messages``."""
    entry = json.loads((real_data / "iq" / "gsm" / "iq_manifest.json").read_text())[0]
    assert entry["file"] == CFILE
    assert "FN 857118 -> 01 2b" in entry["also_confirmed_by"][1]
    hexes = {m["hex"][:2]: m["hex"] for m in entry["expected_stated_by_source"]["messages"] if "hex" in m}
    return {857118: hexes["01"], 857122: hexes["15"]}


def grgsm_decode(cfile: Path, sample_rate_hz: float, arfcn: int) -> dict[int, str]:
    """FN -> hex of every block gr-gsm decodes on timeslot 0 (BCCH, non-combined)."""
    require_tool("grgsm_decode", "gr-gsm")
    cmd = ["/usr/bin/python3", str(SHIM), "-c", str(cfile), "-s", str(int(sample_rate_hz)), "-a", str(arfcn),
           "-m", "BCCH", "-t", "0", "-v"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=cfile.parent)
    if "No module named 'gnuradio'" in r.stderr or "No module named 'pmt'" in r.stderr:
        pytest.skip("gr-gsm's Python modules missing: apt-get install gr-gsm")
    assert r.returncode == 0, r.stderr[-2000:]
    out = {}
    for line in r.stdout.splitlines():
        m = LINE.match(line.strip())
        if m:
            out[int(m.group(1))] = m.group(2).replace(" ", "")
    return out


def _to_cfile_via_writer(samples_blocks: list[np.ndarray], base: Path) -> Path:
    with SigMFWriter(base, sample_rate_hz=500e3, center_freq_hz=953.6e6, datatype="cf32_le") as w:
        for b in samples_blocks:
            w.write(b)
    return base.with_name(base.name + ".sigmf-data")  # cf32_le SigMF data is a GNU Radio cfile


def test_grgsm_baseline_on_original(real_data: Path) -> None:
    got = grgsm_decode(real_data / "iq" / "gsm" / CFILE, 500e3, 93)
    assert got == _expected(real_data)


def test_cu8_reader_then_sigmf_writer_decodes_in_grgsm(real_data: Path, tmp_path: Path) -> None:
    x = np.fromfile(real_data / "iq" / "gsm" / CFILE, dtype="<c8")
    (tmp_path / "gsmsp.cu8").write_bytes(readme_cu8(x).tobytes())
    with open_source(tmp_path / "gsmsp.cu8", sample_rate_hz=500e3, center_freq_hz=953.6e6) as src:
        cfile = _to_cfile_via_writer([b.samples for b in src.blocks(8192)], tmp_path / "via_cu8")
    assert grgsm_decode(cfile, 500e3, 93) == _expected(real_data)


def test_sigmf_cu8_writer_then_reader_decodes_in_grgsm(real_data: Path, tmp_path: Path) -> None:
    x = np.fromfile(real_data / "iq" / "gsm" / CFILE, dtype="<c8")
    x = x / np.abs(x.view(np.float32)).max()  # full scale for the 8-bit quantiser
    with SigMFWriter(tmp_path / "rec", sample_rate_hz=500e3, center_freq_hz=953.6e6, datatype="cu8") as w:
        for chunk in np.array_split(x, 9):
            w.write(chunk)
    assert w.clipped_components == 0
    with open_source(tmp_path / "rec.sigmf-meta") as src:
        assert (src.info.datatype, src.info.num_samples) == ("cu8", x.size)
        np.concatenate([b.samples for b in src.blocks(5000)]).tofile(tmp_path / "back.cfile")
    assert grgsm_decode(tmp_path / "back.cfile", 500e3, 93) == _expected(real_data)


def test_negative_control_conjugate_does_not_decode(real_data: Path, tmp_path: Path) -> None:
    x = np.fromfile(real_data / "iq" / "gsm" / CFILE, dtype="<c8")
    np.conj(x).astype(np.complex64).tofile(tmp_path / "mirrored.cfile")  # what swapping I and Q would do
    got = grgsm_decode(tmp_path / "mirrored.cfile", 500e3, 93)
    assert not set(got.items()) & set(_expected(real_data).items())
