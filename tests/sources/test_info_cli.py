"""``sdrscan info`` end to end in a subprocess: real files, JSON output, and one-line errors for bad input."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sdrscan.sources import GeoPosition, SigMFWriter


def sdrscan(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    r = subprocess.run([sys.executable, "-m", "sdrscan", *args], capture_output=True, timeout=120, input=stdin)
    return subprocess.CompletedProcess(r.args, r.returncode, r.stdout.decode(), r.stderr.decode())


def one_line_failure(r: subprocess.CompletedProcess[str], rc: int = 2) -> str:
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert r.returncode == rc, (r.returncode, r.stderr)
    return lines[0]


def test_info_json_on_real_lte_capture(real_data: Path) -> None:
    path = real_data / "iq" / "lte" / "f1860_s1.92_g0_1s_rtlsdr.bin"
    r = sdrscan("info", str(path), "--rate", "1.92M", "--center-freq", "1860M", "--json")
    assert r.returncode == 0 and r.stderr == ""
    d = json.loads(r.stdout)
    assert (d["container"], d["datatype"], d["num_samples"], d["duration_s"]) == ("raw", "cu8", 1_920_000, 1.0)
    # DCS1800 downlink F(n) = 1805.2 MHz + 0.2 MHz (n - 512) (TS 45.005 §2): 1860 +- 0.768 MHz holds 783..789
    assert [a["arfcn"] for a in d["arfcns"]] == list(range(783, 790))
    assert all(a["band"] == "DCS1800" and a["freq_hz"] == 1805.2e6 + 0.2e6 * (a["arfcn"] - 512) for a in d["arfcns"])
    codes = np.frombuffer(path.read_bytes(), np.uint8).astype(np.float64)
    x = ((codes[0::2] - 127.5) + 1j * (codes[1::2] - 127.5)) / 127.5
    assert d["mean_power_dbfs"] == pytest.approx(10 * math.log10(np.mean(np.abs(x) ** 2)), abs=1e-6)
    assert d["peak_power_dbfs"] == pytest.approx(10 * math.log10(np.max(np.abs(x) ** 2)), abs=1e-5)
    assert d["dc_offset_dbfs"] == pytest.approx(20 * math.log10(abs(x.mean())), abs=1e-4)
    # codes 122..132 only (README): nothing at 0 or 255
    assert d["full_scale_components"] == 0 and d["nonfinite_samples"] == 0 and d["truncated_bytes"] == 0


def test_info_table_on_sigmf(tmp_path: Path) -> None:
    with SigMFWriter(tmp_path / "r", sample_rate_hz=2.4e6, center_freq_hz=947.6e6, datatype="cu8", hw="RTL-SDR v3",
                     position=GeoPosition(52.52, 13.405, 34.0), description="rooftop") as w:
        w.write_raw(np.array([0, 255] * 1000 + [128, 128] * 3000, dtype=np.uint8))
    r = sdrscan("info", str(tmp_path / "r.sigmf-meta"))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    # P-GSM900 downlink 935 + 0.2 n MHz (TS 45.005 §2) within 947.6 +- 0.96 MHz: n = 59..67
    for text in ("sigmf cu8", "2.4 MS/s", "947.600000 MHz", "9 GSM ARFCN(s): 59-67 (P-GSM900)", "0.00166667 s (4,000",
                 "RTL-SDR v3", "52.520000, 13.405000, 34 m", "rooftop", "2,000 I/Q values at full scale"):
        assert text in out, (text, out)


def test_info_reads_stdin(real_data: Path) -> None:
    data = (real_data / "iq" / "lte" / "f796_s1.92_bw1.2_0.08s_rtlsdr.bin").read_bytes()
    r = sdrscan("info", "-", "--format", "cu8", "--rate", "1.92e6", "--center-freq", "796M", "--json", stdin=data)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["container"] == "pipe" and d["num_samples"] == len(data) // 2
    r = sdrscan("info", "-", "--format", "cu8", "--rate", "1.92e6", "--center-freq", "796M", "--json",
                stdin=data + b"\x80")
    assert "1 byte(s) do not form a whole cu8 sample" in one_line_failure(r, rc=3)
    assert json.loads(r.stdout)["truncated_bytes"] == 1


def test_truncated_file_warns_once_and_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "odd.cu8"
    path.write_bytes(b"\x80\x7f" * 100 + b"\x80")
    r = sdrscan("info", str(path), "--rate", "2.4M", "--center-freq", "947.6M", "--json")
    line = one_line_failure(r, rc=3)
    assert line.startswith("WARNING") and "odd.cu8: 1 byte(s) at the end do not form a whole cu8 sample" in line
    d = json.loads(r.stdout)
    assert d["num_samples"] == 100 and d["truncated_bytes"] == 1


def test_nonfinite_samples_counted_zeroed_reported(tmp_path: Path) -> None:
    x = np.full(4096, 0.5 + 0.5j, dtype=np.complex64)
    x[[10, 2000, 4095]] = [np.nan, complex(np.inf, 1), complex(0, -np.inf)]
    x.tofile(tmp_path / "nan.cfile")
    r = sdrscan("info", str(tmp_path / "nan.cfile"), "--rate", "1M", "--center-freq", "935.2M", "--json")
    assert "nan.cfile: 3 sample(s) with NaN/Inf components set to 0" in one_line_failure(r, rc=3)
    d = json.loads(r.stdout)
    assert d["nonfinite_samples"] == 3
    assert d["mean_power_dbfs"] == pytest.approx(10 * math.log10(0.5 * 4093 / 4096), abs=1e-5)  # zeros counted
    r = sdrscan("info", str(tmp_path / "nan.cfile"), "--rate", "1M", "--center-freq", "935.2M")
    assert "3 sample(s) set to 0" in r.stdout and r.returncode == 3


@pytest.fixture()
def bad_inputs(tmp_path: Path) -> Path:
    (tmp_path / "ok.cu8").write_bytes(b"\x80" * 64)
    (tmp_path / "x.dat").write_bytes(b"\x80" * 64)
    (tmp_path / "broken.sigmf-data").write_bytes(b"\x80" * 64)
    (tmp_path / "broken.sigmf-meta").write_text('{"global": {"core:datatype": "cu8", ')
    (tmp_path / "real16.sigmf-data").write_bytes(b"\0" * 64)
    (tmp_path / "real16.sigmf-meta").write_text(json.dumps(
        {"global": {"core:datatype": "ri16_le", "core:sample_rate": 1e6, "core:version": "1.2.0"},
         "captures": [{"core:sample_start": 0, "core:frequency": 9e8}], "annotations": []}))
    return tmp_path


@pytest.mark.parametrize(("args", "message"), [
    (["missing.cu8", "--rate", "1M", "--center-freq", "900M"], "error: no such file: "),
    (["missing"], "error: no such file: "),
    (["x.dat", "--rate", "1M", "--center-freq", "900M"], "error: cannot tell the sample format of x.dat"),
    (["x.dat", "--format", "cs4", "--rate", "1M", "--center-freq", "900M"], "error: unknown sample format 'cs4'"),
    (["real16"], "error: real16.sigmf-meta: datatype 'ri16_le' (real, not complex I/Q) is not supported"),
    (["ok.cu8"], "error: ok.cu8 has no metadata with its sample rate and frequency; give --rate"),
    (["ok.cu8", "--rate", "2.4M"], "give --center-freq (e.g. --center-freq 947.6M)"),
    (["ok.cu8", "--rate", "fast", "--center-freq", "900M"], "error: cannot read 'fast' as a frequency"),
    (["ok.cu8", "--rate", "0", "--center-freq", "900M"], "error: sample rate 0.0 Hz is invalid"),
    (["broken.sigmf-meta"], "error: broken.sigmf-meta is not valid JSON (line 1 column 37"),
    (["broken.sigmf-data"], "error: broken.sigmf-meta is not valid JSON"),
    (["."], "is not a regular file"),
])
def test_bad_input_is_one_line(bad_inputs: Path, args: list[str], message: str) -> None:
    args = [str(bad_inputs / args[0]), *args[1:]]
    line = one_line_failure(sdrscan("info", *args))
    assert message in line, line
