"""Raw recordings through ``open_source``: every datatype, exact block coverage, damage and bad input."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdrscan.errors import SourceError
from sdrscan.sources import IQSource, open_source
from sdrscan.sources.formats import FORMATS

from .naive_codec import decode_naive

EXT = {"cu8": ".cu8", "ci8": ".cs8", "ci16_le": ".cs16", "cf32_le": ".cfile"}


def _random_bytes(datatype: str, n: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    fmt = FORMATS[datatype]
    if fmt.is_float:
        return rng.normal(size=2 * n).astype("<f4").tobytes()
    info = np.iinfo(fmt.component)
    return rng.integers(info.min, info.max + 1, 2 * n).astype(fmt.component).tobytes()


def _read_all(src: IQSource, block_size: int) -> tuple[np.ndarray, list[int]]:
    blocks = list(src.blocks(block_size))
    offsets = [b.offset for b in blocks]
    return (np.concatenate([b.samples for b in blocks]) if blocks else np.zeros(0, np.complex64)), offsets


@pytest.mark.parametrize("datatype", list(FORMATS))
def test_raw_round_trip_by_extension(tmp_path: Path, datatype: str) -> None:
    data = _random_bytes(datatype, 1001, seed=11)
    path = tmp_path / f"rec{EXT[datatype]}"
    path.write_bytes(data)
    with open_source(path, sample_rate_hz=2.4e6, center_freq_hz="947.6M") as src:
        assert isinstance(src, IQSource)
        assert src.info.datatype == datatype and src.info.num_samples == 1001
        assert src.info.sample_rate_hz == 2.4e6 and src.info.center_freq_hz == 947.6e6
        got, offsets = _read_all(src, 300)
    assert offsets == [0, 300, 600, 900]
    np.testing.assert_array_equal(got, np.array(decode_naive(data, datatype)[0], dtype=np.complex64))


@pytest.mark.parametrize(("fmt", "datatype"), [("cu8", "cu8"), ("cs16", "ci16_le"), ("cf32_le", "cf32_le")])
def test_format_overrides_extension(tmp_path: Path, fmt: str, datatype: str) -> None:
    data = _random_bytes(datatype, 64, seed=2)
    path = tmp_path / "capture.dat"
    path.write_bytes(data)
    with open_source(path, fmt=fmt, sample_rate_hz=1e6, center_freq_hz=1e9) as src:
        got, _ = _read_all(src, 1000)
    np.testing.assert_array_equal(got, np.array(decode_naive(data, datatype)[0], dtype=np.complex64))


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 3000), block_size=st.integers(1, 4000), datatype=st.sampled_from(list(FORMATS)))
def test_blocks_cover_file_exactly_once(tmp_path_factory: pytest.TempPathFactory, n: int, block_size: int,
                                        datatype: str) -> None:
    path = tmp_path_factory.mktemp("cover") / f"x{EXT[datatype]}"
    data = _random_bytes(datatype, n, seed=n)
    path.write_bytes(data)
    with open_source(path, sample_rate_hz=1e6, center_freq_hz=9e8) as src:
        blocks = list(src.blocks(block_size))
        assert src.stats.samples_read == n
    sizes = [b.samples.size for b in blocks]
    assert all(s == block_size for s in sizes[:-1]) and 0 < sizes[-1] <= block_size
    assert [b.offset for b in blocks] == list(np.cumsum([0] + sizes[:-1]))
    assert sum(sizes) == n
    for b in blocks:
        assert b.samples.dtype == np.complex64 and b.samples.ndim == 1 and b.samples.flags.c_contiguous
    np.testing.assert_array_equal(np.concatenate([b.samples for b in blocks]),
                                  np.array(decode_naive(data, datatype)[0], dtype=np.complex64))


def test_blocks_own_their_arrays_and_passes_repeat(tmp_path: Path) -> None:
    path = tmp_path / "x.cu8"
    path.write_bytes(_random_bytes("cu8", 1000, seed=5))
    with open_source(path, sample_rate_hz=1e6, center_freq_hz=9e8) as src:
        it = src.blocks(100)
        first = next(it)
        kept = first.samples.copy()
        rest = list(it)
        np.testing.assert_array_equal(first.samples, kept)  # not overwritten by later reads
        assert len({id(b.samples) for b in [first, *rest]}) == 10
        again, _ = _read_all(src, 333)
        assert src.stats.samples_read == 1000  # counters reset per pass
    np.testing.assert_array_equal(again, np.concatenate([first.samples] + [b.samples for b in rest]))


@pytest.mark.parametrize(("datatype", "extra"), [("cu8", 1), ("ci16_le", 3), ("cf32_le", 5), ("cf32_le", 7)])
def test_partial_sample_warned_and_dropped(tmp_path: Path, caplog: pytest.LogCaptureFixture, datatype: str,
                                           extra: int) -> None:
    data = _random_bytes(datatype, 50, seed=1)
    path = tmp_path / f"t{EXT[datatype]}"
    path.write_bytes(data + b"\x01" * extra)
    with caplog.at_level(logging.WARNING):
        src = open_source(path, sample_rate_hz=1e6, center_freq_hz=9e8)
    assert [r.getMessage() for r in caplog.records] == [
        f"{path.name}: {extra} byte(s) at the end do not form a whole {datatype} sample "
        f"({FORMATS[datatype].bytes_per_sample} bytes each); dropped"]
    with src:
        got, _ = _read_all(src, 16)
        assert src.info.num_samples == 50 and src.stats.truncated_bytes == extra
    np.testing.assert_array_equal(got, np.array(decode_naive(data, datatype)[0], dtype=np.complex64))


def test_nonfinite_counted_zeroed_and_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    x = np.full(1000, 0.25 - 0.5j, dtype=np.complex64)
    bad_at = [3, 99, 100, 513, 999]
    x[3] = np.nan
    x[99] = complex(np.inf, 0)
    x[100] = complex(0, -np.inf)
    x[513] = complex(np.nan, np.nan)
    x[999] = complex(1, np.nan)
    path = tmp_path / "n.cf32"
    x.tofile(path)
    with caplog.at_level(logging.WARNING), open_source(path, sample_rate_hz=1e6, center_freq_hz=9e8) as src:
        got, _ = _read_all(src, 128)
        assert src.stats.nonfinite_zeroed == 5
    assert (got[bad_at] == 0).all()
    good = np.setdiff1d(np.arange(1000), bad_at)
    np.testing.assert_array_equal(got[good], x[good])
    assert any("5 sample(s) with NaN/Inf components set to 0" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, r"has no metadata .* give --rate \(e\.g\. --rate 2\.4M\) and --center-freq"),
    ({"sample_rate_hz": 1e6}, r"give --center-freq \(e\.g\. --center-freq 947\.6M\)$"),
    ({"center_freq_hz": 9e8}, r"give --rate \(e\.g\. --rate 2\.4M\)$"),
    ({"sample_rate_hz": 0, "center_freq_hz": 9e8}, "sample rate 0.0 Hz is invalid"),
    ({"sample_rate_hz": -1e6, "center_freq_hz": 9e8}, "sample rate -1000000.0 Hz is invalid"),
    ({"sample_rate_hz": 1e6, "center_freq_hz": -5}, "centre frequency -5.0 Hz is invalid"),
])
def test_raw_needs_rate_and_frequency(tmp_path: Path, kwargs: dict, message: str) -> None:
    path = tmp_path / "x.cu8"
    path.write_bytes(b"\x80" * 64)
    with pytest.raises(SourceError, match=message):
        open_source(path, **kwargs)


def test_bad_paths_and_formats(tmp_path: Path) -> None:
    ok = {"sample_rate_hz": 1e6, "center_freq_hz": 9e8}
    with pytest.raises(SourceError, match="no such file: .*nothere.cu8"):
        open_source(tmp_path / "nothere.cu8", **ok)
    with pytest.raises(SourceError, match="is not a regular file"):
        open_source(tmp_path, **ok)
    (tmp_path / "x.wav2").write_bytes(b"\0" * 8)
    with pytest.raises(SourceError, match=r"cannot tell the sample format of x.wav2 .* pass --format"):
        open_source(tmp_path / "x.wav2", **ok)
    with pytest.raises(SourceError, match="unknown sample format 'cf64'"):
        open_source(tmp_path / "x.wav2", fmt="cf64", **ok)
    (tmp_path / "empty.cu8").write_bytes(b"")
    with pytest.raises(SourceError, match="holds no whole cu8 sample"):
        open_source(tmp_path / "empty.cu8", **ok)
    (tmp_path / "one.cfile").write_bytes(b"\0" * 7)
    with pytest.raises(SourceError, match="holds no whole cf32_le sample"):
        open_source(tmp_path / "one.cfile", **ok)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.cu8"
    path.write_bytes(b"\0" * 8)
    path.chmod(0)
    with pytest.raises(SourceError, match="cannot open .*locked.cu8: Permission denied"):
        open_source(path, sample_rate_hz=1e6, center_freq_hz=9e8)


def test_bad_block_size_and_closed_source(tmp_path: Path) -> None:
    path = tmp_path / "x.cu8"
    path.write_bytes(b"\0" * 8)
    src = open_source(path, sample_rate_hz=1e6, center_freq_hz=9e8)
    for bad in (0, -5, 1.5, True):
        with pytest.raises(SourceError, match="block_size=.* is invalid"):
            src.blocks(bad)  # type: ignore[arg-type]
    src.close()
    with pytest.raises(SourceError, match="is closed"):
        src.blocks()


def test_file_shrinking_while_read(tmp_path: Path) -> None:
    path = tmp_path / "x.cu8"
    path.write_bytes(b"\0" * 4000)
    with open_source(path, sample_rate_hz=1e6, center_freq_hz=9e8) as src:
        it = src.blocks(500)
        next(it)
        os.truncate(path, 1500)
        with pytest.raises(SourceError, match="ended early: it shrank while being read"):
            list(it)


def test_interleaved_passes_and_close_during_a_pass(tmp_path: Path) -> None:
    data = _random_bytes("ci16_le", 1000, seed=8)
    path = tmp_path / "x.cs16"
    path.write_bytes(data)
    want = np.array(decode_naive(data, "ci16_le")[0], dtype=np.complex64)
    src = open_source(path, sample_rate_hz=1e6, center_freq_hz=9e8)
    a, b = src.blocks(100), src.blocks(300)
    got_a, got_b = [next(a)], []
    got_b.extend(b)  # a second pass runs to the end while the first is paused
    got_a.extend(a)
    for got in (got_a, got_b):
        np.testing.assert_array_equal(np.concatenate([blk.samples for blk in got]), want)
    c = src.blocks(100)
    next(c)
    src.close()
    with pytest.raises(SourceError, match="was closed while being read"):
        next(c)
