"""Real third-party recordings (``../shared/testdata/real/iq``): GSMSP USRP captures as raw cf32 and as cu8
converted the way the data README describes, and Jiao Xianjun's rtl_sdr LTE captures as cu8."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sdrscan.sources import open_source

from .naive_codec import readme_cu8


def _manifest(real_data: Path) -> list[dict]:
    return json.loads((real_data / "iq" / "gsm" / "iq_manifest.json").read_text())


def _read(path: Path, fmt: str | None, rate: float, fc: float, block_size: int = 10_000) -> np.ndarray:
    with open_source(path, fmt=fmt, sample_rate_hz=rate, center_freq_hz=fc) as src:
        blocks = list(src.blocks(block_size))
        assert src.stats.truncated_bytes == 0 and src.stats.nonfinite_zeroed == 0
    return np.concatenate([b.samples for b in blocks])


def test_gsm_cfiles_as_raw_cf32(real_data: Path) -> None:
    entries = _manifest(real_data)
    assert len(entries) == 6
    for e in entries:
        path = real_data / "iq" / "gsm" / e["file"]
        with open_source(path, sample_rate_hz=e["sample_rate_hz"], center_freq_hz=e["center_freq_hz"]) as src:
            assert src.info.datatype == "cf32_le" and src.container == "raw"
            assert src.info.num_samples == e["samples"], e["file"]
            assert src.info.duration_s == pytest.approx(e["duration_s"], abs=5e-5)
            got = np.concatenate([b.samples for b in src.blocks(7777)])
        assert got.size == e["samples"]
        # The README: values are raw USRP1 int16 converted to float, so whole numbers in the int16 range.
        # A reader that lost its alignment in the file would turn them into arbitrary floats.
        iq = got.view(np.float32)
        assert np.array_equal(iq, np.round(iq)) and np.abs(iq).max() <= 32768, e["file"]
        assert np.abs(iq).max() > 100  # a real signal, not zeros


def test_gsm_cfile_converted_to_cu8(real_data: Path, tmp_path: Path) -> None:
    e = _manifest(real_data)[0]
    assert e["file"] == "GSMSP_20070204_robert_dbsrx_953.6MHz_128.cfile"
    x = np.fromfile(real_data / "iq" / "gsm" / e["file"], dtype="<c8")
    u8 = readme_cu8(x)
    (tmp_path / "gsmsp.cu8").write_bytes(u8.tobytes())
    (tmp_path / "gsmsp.bin").write_bytes(u8.tobytes())
    m = np.abs(x.view(np.float32)).max()
    want = (x / m * 127 / 127.5).astype(np.complex64)
    for name, fmt in (("gsmsp.cu8", None), ("gsmsp.bin", None), ("gsmsp.bin", "cu8")):
        got = _read(tmp_path / name, fmt, e["sample_rate_hz"], e["center_freq_hz"], block_size=4096)
        assert got.size == e["samples"]
        # within half a code step of the scaled original, component by component
        err = np.abs(got.view(np.float32) - want.view(np.float32))
        assert err.max() <= 0.5 / 127.5 + 1e-6


LTE = [  # file, rate, centre, bytes stated by the README
    ("f1860_s1.92_g0_1s_rtlsdr.bin", 1.92e6, 1860e6, 3_840_000),
    ("f2585_s1.92_g0_1s_rtlsdr.bin", 1.92e6, 587e6, 3_840_000),  # dongle tuned to 587 MHz behind an LNB
    ("f1815.3_s1.92_bw1.2_0.08s_rtlsdr.bin", 1.92e6, 1815.3e6, 307_200),
    ("f796_s1.92_bw1.2_0.08s_rtlsdr.bin", 1.92e6, 796e6, 307_200),
]


@pytest.mark.parametrize(("name", "rate", "fc", "nbytes"), LTE)
def test_lte_rtl_sdr_bins_as_cu8(real_data: Path, name: str, rate: float, fc: float, nbytes: int) -> None:
    path = real_data / "iq" / "lte" / name
    with open_source(path, sample_rate_hz=rate, center_freq_hz=fc) as src:
        assert src.info.datatype == "cu8" and src.info.num_samples == nbytes // 2
        got = np.concatenate([b.samples for b in src.blocks()])
    # durations in the file names: 1 s and 0.08 s at 1.92 MS/s
    assert got.size / rate == pytest.approx(1.0 if "_1s_" in name else 0.08)
    codes = np.frombuffer(path.read_bytes(), np.uint8)
    np.testing.assert_array_equal(got.view(np.float32), ((codes - 127.5) / 127.5).astype(np.float32))
    assert codes[0::2].std() > 0.5 and codes[1::2].std() > 0.5  # both I and Q carry signal


def test_lte_f1860_level_is_codes_122_to_132(real_data: Path) -> None:
    """The README states this capture's raw values span 122..132 only."""
    got = _read(real_data / "iq" / "lte" / "f1860_s1.92_g0_1s_rtlsdr.bin", None, 1.92e6, 1860e6, 65536)
    iq = got.view(np.float32)
    assert iq.min() == np.float32((122 - 127.5) / 127.5)
    assert iq.max() == np.float32((132 - 127.5) / 127.5)
    levels = np.unique(np.round(iq * 127.5 + 127.5))
    assert levels.tolist() == list(range(122, 133))
