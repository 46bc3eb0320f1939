"""SigMF writing and reading, checked against the third-party ``sigmf`` package (its reader, checksum and
schema) as well as round trips through our own reader."""

from __future__ import annotations

import json
import logging
import warnings
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
import sigmf

from sdrscan.errors import DspParameterError, SourceError
from sdrscan.sources import GeoPosition, SigMFWriter, open_source
from sdrscan.sources.formats import FORMATS

from .naive_codec import decode_naive, encode_naive


def _signal(n: int, seed: int = 0, amplitude: float = 0.4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (amplitude * np.exp(2j * np.pi * rng.uniform(size=n)) * rng.uniform(0.2, 1.0, n)).astype(np.complex64)


def _sigmf_read(meta: Path, datatype: str) -> np.ndarray:
    """Samples as the sigmf package reads them (verifying core:sha512), in our scale convention."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = sigmf.fromfile(str(meta), skip_checksum=False, autoscale=datatype != "cu8")
        x = rec.read_samples()
    if datatype == "cu8":  # the sigmf package scales uint8 by (x-128)/128; ours is (x-127.5)/127.5
        return ((x.real.astype(np.float64) - 127.5) / 127.5 + 1j * (x.imag - 127.5) / 127.5).astype(np.complex64)
    return x.astype(np.complex64)


@pytest.mark.parametrize("datatype", list(FORMATS))
@pytest.mark.parametrize("open_by", ["meta", "data", "base"])
def test_writer_reader_round_trip(tmp_path: Path, datatype: str, open_by: str) -> None:
    x = _signal(5000, seed=1)
    t0 = datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)
    pos = GeoPosition(lat_deg=53.349, lon_deg=-6.260, alt_m=21.5)
    with SigMFWriter(tmp_path / "rec.sigmf-meta", sample_rate_hz=1.0833e6, center_freq_hz=953.6e6,
                     datatype=datatype, hw="RTL-SDR v3, 30 dB", start_time=t0, position=pos,
                     description="round trip", extra_global={"sdrscan:seed": 7}) as w:
        for chunk in np.array_split(x, 7):
            w.write(chunk)
    assert w.num_samples == 5000 and w.clipped_components == 0
    path = {"meta": "rec.sigmf-meta", "data": "rec.sigmf-data", "base": "rec"}[open_by]
    with open_source(tmp_path / path) as src:
        info = src.info
        got = np.concatenate([b.samples for b in src.blocks(999)])
    assert (info.datatype, info.num_samples, info.sample_rate_hz, info.center_freq_hz) == (datatype, 5000,
                                                                                         1.0833e6, 953.6e6)
    assert info.start_time == t0 and info.position == pos and info.hw == "RTL-SDR v3, 30 dB"
    assert info.description == "round trip" and src.container == "sigmf"
    stored = (tmp_path / "rec.sigmf-data").read_bytes()
    assert stored == encode_naive([complex(v) for v in x], datatype)
    np.testing.assert_array_equal(got, np.array(decode_naive(stored, datatype)[0], dtype=np.complex64))
    # the third-party reader agrees sample for sample and accepts the SHA-512 we streamed
    np.testing.assert_allclose(_sigmf_read(tmp_path / "rec.sigmf-meta", datatype), got, rtol=0, atol=1e-6)


def test_metadata_is_valid_sigmf_with_core_fields(tmp_path: Path) -> None:
    t0 = datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))  # written in UTC
    with SigMFWriter(tmp_path / "r", sample_rate_hz=2.4e6, center_freq_hz=947.6e6, datatype="cu8",
                     hw="rtl", start_time=t0, position=GeoPosition(48.1, 11.5), extra_global={"sdrscan:seed": 1}) as w:
        w.write_raw(np.arange(20, dtype=np.uint8))
    doc = json.loads((tmp_path / "r.sigmf-meta").read_text())
    sigmf.SigMFFile(metadata=doc).validate()  # raises on any schema violation
    g, cap = doc["global"], doc["captures"][0]
    assert g["core:datatype"] == "cu8" and g["core:sample_rate"] == 2.4e6 and g["core:hw"] == "rtl"
    assert g["core:geolocation"] == {"type": "Point", "coordinates": [11.5, 48.1]}
    assert {"name": "sdrscan", "version": g["core:recorder"].split()[1], "optional": True} in g["core:extensions"]
    assert cap == {"core:sample_start": 0, "core:frequency": 947.6e6, "core:datetime": "2024-05-01T12:00:00.000000Z"}
    assert w.num_samples == 10 and doc["annotations"] == []


def test_write_raw_dongle_bytes_and_checks(tmp_path: Path) -> None:
    raw = bytes(range(256)) * 4
    with SigMFWriter(tmp_path / "d", sample_rate_hz=2.4e6, center_freq_hz=9e8, datatype="cu8") as w:
        w.write_raw(raw[:512])
        w.write_raw(np.frombuffer(raw[512:], dtype=np.uint8))
        with pytest.raises(DspParameterError, match="not a whole number of 2-byte cu8 samples"):
            w.write_raw(b"\x01")
        with pytest.raises(DspParameterError, match="expects uint8 data, got int16"):
            w.write_raw(np.zeros(4, np.int16))
        with pytest.raises(DspParameterError, match="expects 1-D complex samples"):
            w.write(np.zeros(4, np.float32))
    assert (tmp_path / "d.sigmf-data").read_bytes() == raw
    with open_source(tmp_path / "d") as src:
        assert src.info.num_samples == 512
    with SigMFWriter(tmp_path / "f", sample_rate_hz=1e6, center_freq_hz=9e8) as w:  # cf32_le default
        w.write_raw(np.array([1 + 2j, 3 - 4j], dtype=np.complex64))
    assert np.fromfile(tmp_path / "f.sigmf-data", np.complex64).tolist() == [1 + 2j, 3 - 4j]


def test_writer_rejects_bad_parameters(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="sample_rate_hz=0 is invalid"):
        SigMFWriter(tmp_path / "x", sample_rate_hz=0, center_freq_hz=9e8)
    with pytest.raises(SourceError, match=r"center_freq_hz=nan is invalid"):
        SigMFWriter(tmp_path / "x", sample_rate_hz=1e6, center_freq_hz=float("nan"))
    with pytest.raises(SourceError, match="unknown sample format 'ri16_le'"):
        SigMFWriter(tmp_path / "x", sample_rate_hz=1e6, center_freq_hz=9e8, datatype="ri16_le")
    with pytest.raises(SourceError, match="cannot create .*nodir"):
        SigMFWriter(tmp_path / "nodir" / "x", sample_rate_hz=1e6, center_freq_hz=9e8)


def test_writer_counts_nonfinite_and_clipping(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    x = np.array([np.nan, 2 + 0j, 0.5j, complex(0, np.inf)], dtype=np.complex64)
    with caplog.at_level(logging.WARNING), SigMFWriter(tmp_path / "c", sample_rate_hz=1e6, center_freq_hz=9e8,
                                                       datatype="cu8") as w:
        w.write(x)
    assert (w.nonfinite_zeroed, w.clipped_components) == (2, 1)
    assert (tmp_path / "c.sigmf-data").read_bytes() == bytes([128, 128, 255, 128, 128, 191, 128, 128])
    assert len(caplog.records) == 2


def test_metadata_written_even_after_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), SigMFWriter(tmp_path / "e", sample_rate_hz=1e6, center_freq_hz=9e8) as w:
        w.write(np.ones(10, np.complex64))
        raise RuntimeError("receiver died")
    with open_source(tmp_path / "e") as src:
        assert src.info.num_samples == 10


def _ncd(tmp_path: Path, captures: list[dict], header: bytes, body: bytes, trailing: bytes,
         extra_global: dict | None = None) -> Path:
    (tmp_path / "capture.cs16").write_bytes(header + body + trailing)
    meta = {"global": {"core:datatype": "ci16_le", "core:sample_rate": 1e6, "core:version": "1.2.0",
                       "core:dataset": "capture.cs16", "core:trailing_bytes": len(trailing), **(extra_global or {})},
            "captures": captures, "annotations": []}
    path = tmp_path / "capture.sigmf-meta"
    path.write_text(json.dumps(meta))
    return path


def test_non_conforming_dataset_with_header_and_trailing_bytes(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    seg1 = rng.integers(-32768, 32767, 2 * 300).astype("<i2").tobytes()
    seg2 = rng.integers(-32768, 32767, 2 * 200).astype("<i2").tobytes()
    caps = [{"core:sample_start": 0, "core:header_bytes": 64, "core:frequency": 942.4e6,
             "core:datetime": "2023-11-02T08:00:00Z"},
            {"core:sample_start": 300, "core:header_bytes": 12, "core:frequency": 942.4e6}]
    # layout: 64 header bytes, capture 0, 12 header bytes, capture 1, 28 trailing bytes
    meta = _ncd(tmp_path, caps, b"H" * 64, seg1 + b"h" * 12 + seg2, b"T" * 28)
    with open_source(meta) as src:
        got = np.concatenate([b.samples for b in src.blocks(128)])
        assert src.info.num_samples == 500 and src.info.center_freq_hz == 942.4e6
        assert src.info.start_time == datetime(2023, 11, 2, 8, tzinfo=UTC)
        assert src.stats.truncated_bytes == 0
    want = np.array(decode_naive(seg1 + seg2, "ci16_le")[0], dtype=np.complex64)
    np.testing.assert_array_equal(got, want)
    # The sigmf package puts the captures at the same bytes. (Its read_samples_in_capture is not used: in
    # sigmf 1.14 it adds the first header_bytes twice for a non-conforming dataset.)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = sigmf.fromfile(str(meta), skip_checksum=True)
        bounds = [rec.get_capture_byte_boundaries(i) for i in range(2)]
    assert bounds == [(64, 64 + len(seg1)), (64 + len(seg1) + 12, 64 + len(seg1) + 12 + len(seg2))]
    file_bytes = (tmp_path / "capture.cs16").read_bytes()
    theirs = b"".join(file_bytes[a:b] for a, b in bounds)
    np.testing.assert_array_equal(got, np.frombuffer(theirs, "<i2").astype(np.float32).view(np.complex64) / 32768)


def test_dataset_shorter_than_metadata(tmp_path: Path) -> None:
    caps = [{"core:sample_start": 0, "core:header_bytes": 8, "core:frequency": 9e8},
            {"core:sample_start": 1000, "core:frequency": 9e8}]
    meta = _ncd(tmp_path, caps, b"\0" * 8, b"\0" * 400, b"")
    with pytest.raises(SourceError, match="metadata describes more data than the dataset holds"):
        open_source(meta)


def test_archive(tmp_path: Path) -> None:
    x = _signal(777, seed=9)
    with SigMFWriter(tmp_path / "a", sample_rate_hz=1e6, center_freq_hz=9e8, datatype="ci16_le") as w:
        w.write(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sigmf.fromfile(str(tmp_path / "a.sigmf-meta")).archive(str(tmp_path / "arch.sigmf"))
    with open_source(tmp_path / "arch.sigmf") as src:
        got = np.concatenate([b.samples for b in src.blocks(100)])
        assert src.container == "sigmf-archive" and src.info.num_samples == 777
    with open_source(tmp_path / "a") as ref:
        np.testing.assert_array_equal(got, np.concatenate([b.samples for b in ref.blocks()]))


def _meta_file(tmp_path: Path, text: str, data: bytes = b"\x80" * 16) -> Path:
    (tmp_path / "m.sigmf-data").write_bytes(data)
    path = tmp_path / "m.sigmf-meta"
    path.write_text(text)
    return path


def _doc(**glob: object) -> str:
    g = {"core:datatype": "cu8", "core:sample_rate": 2.4e6, "core:version": "1.2.0", **glob}
    return json.dumps({"global": g, "captures": [{"core:sample_start": 0, "core:frequency": 9e8}],
                       "annotations": []})


@pytest.mark.parametrize(("text", "message"), [
    ('{"global": {"core:datatype": "cu8",}', r"not valid JSON \(line 1 column 36: Expecting property"),
    ("[1, 2]", 'expected a JSON object with a "global" object'),
    ('{"global": 3}', 'expected a JSON object with a "global" object'),
    ('{"global": {}, "captures": 5}', '"captures" must be a list of objects'),
    (_doc(**{"core:datatype": "ri16_le"}), r"datatype 'ri16_le' \(real, not complex I/Q\) is not supported"),
    (_doc(**{"core:datatype": "cf64_le"}), "datatype 'cf64_le' is not supported; sdrscan reads cu8, ci8"),
    (_doc(**{"core:datatype": None}), "has no core:datatype"),
    (_doc(**{"core:num_channels": 2}), "core:num_channels=2; sdrscan reads single-channel"),
    (_doc(**{"core:sample_rate": None}), r"lacks core:sample_rate \(or give --rate\)"),
    (_doc(**{"core:sample_rate": "fast"}), "core:sample_rate is 'fast'; expected a number"),
    (_doc(**{"core:metadata_only": True}), "is metadata-only"),
    (_doc(**{"core:dataset": "elsewhere.cu8"}), "names core:dataset 'elsewhere.cu8' but .* does not exist"),
])
def test_bad_metadata_is_one_line_error(tmp_path: Path, text: str, message: str) -> None:
    meta = _meta_file(tmp_path, text)
    with pytest.raises(SourceError, match=message) as err:
        open_source(meta)
    assert "\n" not in str(err.value)


def test_not_utf8_meta(tmp_path: Path) -> None:
    meta = _meta_file(tmp_path, "")
    meta.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(SourceError, match="is not UTF-8 JSON"):
        open_source(meta)


def test_missing_files(tmp_path: Path) -> None:
    (tmp_path / "lonely.sigmf-data").write_bytes(b"\0" * 8)
    with pytest.raises(SourceError, match="lonely.sigmf-data has no lonely.sigmf-meta beside it"):
        open_source(tmp_path / "lonely.sigmf-data")
    (tmp_path / "nodata.sigmf-meta").write_text(_doc())
    with pytest.raises(SourceError, match="its samples nodata.sigmf-data are missing"):
        open_source(tmp_path / "nodata")
    with pytest.raises(SourceError, match="no SigMF recording at"):
        open_source(tmp_path / "ghost", fmt="sigmf")
    with pytest.raises(SourceError, match="nodata.sigmf-meta is SigMF; drop --format cu8"):
        open_source(tmp_path / "nodata.sigmf-meta", fmt="cu8")


def test_sigmf_data_read_raw_when_format_given(tmp_path: Path) -> None:
    (tmp_path / "lonely.sigmf-data").write_bytes(bytes([0, 255]) * 4)
    with open_source(tmp_path / "lonely.sigmf-data", fmt="cu8", sample_rate_hz=1e6, center_freq_hz=9e8) as src:
        assert src.container == "raw" and src.info.num_samples == 4


def test_schema_violation_warns_but_reads(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    doc = {"global": {"core:datatype": "cu8", "core:sample_rate": 2.4e6},
           "captures": [{"core:sample_start": 0, "core:frequency": 9e8}]}  # no version, no annotations
    meta = _meta_file(tmp_path, json.dumps(doc))
    with caplog.at_level(logging.WARNING), open_source(meta, check_schema=True) as src:
        assert src.info.num_samples == 8
    msgs = [r.getMessage() for r in caplog.records]
    assert len(msgs) == 1 and "does not follow the SigMF schema" in msgs[0] and "annotations" in msgs[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING), open_source(meta) as src:  # decoding runs skip the validator
        assert src.info.num_samples == 8
    assert caplog.records == []


def test_options_override_metadata(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    meta = _meta_file(tmp_path, _doc())
    with caplog.at_level(logging.WARNING), open_source(meta, sample_rate_hz="1M", center_freq_hz=9e8) as src:
        assert src.info.sample_rate_hz == 1e6 and src.info.center_freq_hz == 9e8
    assert [r.getMessage() for r in caplog.records] == [
        "m.sigmf-meta: sample rate 1e+06 Hz given overrides 2.4e+06 Hz in the metadata"]
    no_freq = json.dumps({"global": {"core:datatype": "cu8", "core:sample_rate": 2.4e6, "core:version": "1.2.0"},
                          "captures": [], "annotations": []})
    meta = _meta_file(tmp_path, no_freq)
    with pytest.raises(SourceError, match=r"lacks core:frequency \(or give --center-freq\)"):
        open_source(meta)
    with open_source(meta, center_freq_hz="935.2M") as src:
        assert src.info.center_freq_hz == 935.2e6 and src.info.num_samples == 8


def test_truncated_sigmf_data(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    meta = _meta_file(tmp_path, _doc(), data=b"\x80" * 17)
    with caplog.at_level(logging.WARNING), open_source(meta) as src:
        assert src.info.num_samples == 8 and src.stats.truncated_bytes == 1
    assert "1 byte(s) at the end do not form a whole cu8 sample" in caplog.records[0].getMessage()


def test_geolocation_and_datetime_parsing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    doc = json.loads(_doc(**{"core:geolocation": {"type": "Point", "coordinates": [2.35, 48.85]}}))
    doc["captures"][0]["core:datetime"] = "2024-02-29T23:59:59.123456789Z"
    meta = _meta_file(tmp_path, json.dumps(doc))
    with open_source(meta) as src:
        assert src.info.position == GeoPosition(lat_deg=48.85, lon_deg=2.35, alt_m=None)
        assert src.info.start_time == datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=UTC)
    doc["global"]["core:geolocation"] = {"type": "Point", "coordinates": [200, 100]}
    doc["captures"][0]["core:datetime"] = "yesterday"
    meta = _meta_file(tmp_path, json.dumps(doc))
    with caplog.at_level(logging.WARNING), open_source(meta) as src:
        assert src.info.position is None and src.info.start_time is None
    msgs = [r.getMessage() for r in caplog.records]
    assert "m.sigmf-meta: core:datetime 'yesterday' is not ISO 8601; start time unknown" in msgs
    assert any(m.startswith("m.sigmf-meta: core:geolocation") and m.endswith("ignored") for m in msgs)
