"""SigMF recordings: ``NAME.sigmf-meta`` + ``NAME.sigmf-data``, a ``core:dataset`` non-conforming dataset,
or an uncompressed ``NAME.sigmf`` archive (SigMF specification v1.2).

The metadata is checked against the SigMF schema with the ``sigmf`` package; a file that breaks the schema
but still says what we need (datatype, rate, frequency) is read with a warning, because recorders in the
wild often omit e.g. the empty ``annotations`` list. Samples are streamed by :mod:`sdrscan.sources.reader`,
never memory-mapped.
"""

from __future__ import annotations

import json
import logging
import math
import tarfile
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sdrscan.errors import SourceError
from sdrscan.sources.base import GeoPosition, SourceInfo
from sdrscan.sources.formats import FORMATS, SampleFormat
from sdrscan.sources.reader import ByteSegment, StreamSource, file_opener, whole_samples

log = logging.getLogger(__name__)

META_EXT, DATA_EXT, ARCHIVE_EXT = ".sigmf-meta", ".sigmf-data", ".sigmf"


@dataclass(frozen=True, slots=True)
class SigMFPaths:
    """Where a recording's metadata lives: a ``.sigmf-meta`` file, or a member of a ``.sigmf`` archive."""

    meta: Path | None = None
    archive: Path | None = None


def sigmf_paths(path: Path) -> SigMFPaths | None:
    """The SigMF files ``path`` names (meta, data, archive or the base name), or None if it is not SigMF."""
    name = path.name
    if name.endswith(META_EXT):
        return SigMFPaths(meta=path)
    if name.endswith(DATA_EXT):
        return SigMFPaths(meta=path.with_name(name[: -len(DATA_EXT)] + META_EXT))
    if name.endswith(ARCHIVE_EXT):
        return SigMFPaths(archive=path)
    if not path.is_file():
        for ext, kind in ((META_EXT, "meta"), (ARCHIVE_EXT, "archive")):
            candidate = path.with_name(name + ext)
            if candidate.is_file():
                return SigMFPaths(**{kind: candidate})
    return None


def _parse_meta(text: bytes, name: str, check_schema: bool = False) -> dict[str, Any]:
    try:
        doc = json.loads(text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SourceError(f"{name} is not UTF-8 JSON (byte {exc.start}); is it the .sigmf-data file?") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(f"{name} is not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg}); "
                          f"fix or regenerate the metadata") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("global"), dict):
        raise SourceError(f"{name} is not SigMF metadata: expected a JSON object with a \"global\" object")
    caps = doc.get("captures", [])
    if not isinstance(caps, list) or not all(isinstance(c, dict) for c in caps):
        raise SourceError(f"{name}: \"captures\" must be a list of objects")
    if check_schema:
        _schema_check(doc, name)
    return doc


def _schema_check(doc: dict[str, Any], name: str) -> None:
    """Warn (one line) when the metadata breaks the SigMF schema; reading may still work."""
    import jsonschema
    from sigmf import SigMFFile

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. undeclared extension namespaces: harmless for reading
            SigMFFile(metadata=doc).validate()
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        text = " ".join(exc.message.split())
        text = text if len(text) <= 100 else text[:97] + "..."  # pattern mismatches quote whole regexes
        log.warning("%s does not follow the SigMF schema (%s: %s); reading it anyway", name, where, text)
    except Exception as exc:  # the sigmf package's own checks; ours below are decisive
        log.warning("%s: the sigmf package rejects it (%s); reading it anyway", name, exc)


def _number(value: Any, what: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SourceError(f"{name}: {what} is {value!r}; expected a number")
    return float(value)


def _int(value: Any, what: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SourceError(f"{name}: {what} is {value!r}; expected a non-negative integer")
    return value


def sample_format(datatype: Any, name: str) -> SampleFormat:
    """The format of a ``core:datatype``, or a one-line error naming what is supported."""
    if not isinstance(datatype, str):
        raise SourceError(f"{name} has no core:datatype; expected one of {', '.join(FORMATS)}")
    dt = datatype.strip().lower()
    if dt in ("cu8_le", "cu8_be", "ci8_le", "ci8_be"):  # byte order means nothing for 8-bit samples
        dt = dt[:-3]
    if dt not in FORMATS:
        kind = " (real, not complex I/Q)" if dt.startswith("r") else ""
        raise SourceError(f"{name}: datatype {datatype!r}{kind} is not supported; sdrscan reads "
                          f"{', '.join(FORMATS)} (convert the recording, e.g. with GNU Radio or sigmf)")
    return FORMATS[dt]


def _datetime(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        t = datetime.fromisoformat(str(value))
    except ValueError:
        log.warning("%s: core:datetime %r is not ISO 8601; start time unknown", name, value)
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _position(value: Any, name: str) -> GeoPosition | None:
    """``core:geolocation`` is a GeoJSON Point: coordinates ``[lon, lat]`` or ``[lon, lat, alt_m]`` (RFC 7946)."""
    if value is None:
        return None
    try:
        coords = value["coordinates"]
        if value.get("type") != "Point" or not 2 <= len(coords) <= 3:
            raise ValueError
        lon, lat = float(coords[0]), float(coords[1])
        alt = float(coords[2]) if len(coords) == 3 else None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError
    except (KeyError, TypeError, ValueError, AttributeError):
        log.warning("%s: core:geolocation %r is not a GeoJSON Point [lon, lat(, alt)]; ignored", name, value)
        return None
    return GeoPosition(lat_deg=lat, lon_deg=lon, alt_m=alt)


def capture_segments(captures: list[dict[str, Any]], data_bytes: int, trailing_bytes: int, fmt: SampleFormat,
                     name: str, base_byte: int = 0) -> tuple[tuple[ByteSegment, ...], int]:
    """Byte segments of every capture and the leftover bytes of the last one.

    Each capture's ``core:header_bytes`` precede its samples (non-conforming datasets); capture ``i`` spans
    samples ``sample_start[i] .. sample_start[i+1]`` and the last runs to ``core:trailing_bytes`` before the
    end (SigMF v1.2 "Captures Array", "Non-Conforming Datasets").
    """
    ss = fmt.bytes_per_sample
    caps = captures or [{"core:sample_start": 0}]
    starts = [_int(c.get("core:sample_start", 0), "core:sample_start", name) for c in caps]
    if starts != sorted(starts):
        raise SourceError(f"{name}: captures are not in order of core:sample_start ({starts})")
    end_byte = data_bytes - trailing_bytes
    segments: list[ByteSegment] = []
    byte, prev = base_byte, 0
    extra = 0
    for i, cap in enumerate(caps):
        byte += _int(cap.get("core:header_bytes", 0), "core:header_bytes", name) + (starts[i] - prev) * ss
        prev = starts[i]
        if i + 1 < len(caps):
            n = starts[i + 1] - starts[i]
        else:
            n, extra = whole_samples(name, max(base_byte + end_byte - byte, 0), fmt)
        if byte + n * ss > base_byte + end_byte:
            raise SourceError(f"{name}: metadata describes more data than the dataset holds "
                              f"({data_bytes} bytes); the data file is truncated or the metadata is wrong")
        if n:
            segments.append(ByteSegment(byte, n))
        byte += n * ss
        prev += n
    return tuple(segments), extra


def _data_file(meta: Path, glob: dict[str, Any]) -> Path:
    if glob.get("core:metadata_only"):
        raise SourceError(f"{meta.name} is metadata-only (core:metadata_only); there are no samples to read")
    dataset = glob.get("core:dataset")
    if dataset is not None:
        if not isinstance(dataset, str) or not dataset:
            raise SourceError(f"{meta.name}: core:dataset is {dataset!r}; expected a file name")
        data = meta.parent / dataset
        if not data.is_file():
            raise SourceError(f"{meta.name} names core:dataset {dataset!r} but {data} does not exist")
        return data
    data = meta.with_name(meta.name[: -len(META_EXT)] + DATA_EXT)
    if not data.is_file():
        raise SourceError(f"{meta.name} found but its samples {data.name} are missing; copy both files")
    return data


def _build_info(doc: dict[str, Any], fmt: SampleFormat, name: str, path: Path, num_samples: int,
                sample_rate_hz: float | None, center_freq_hz: float | None) -> SourceInfo:
    glob, caps = doc["global"], doc.get("captures", [])
    rate = glob.get("core:sample_rate")
    rate = None if rate is None else _number(rate, "core:sample_rate", name)
    fc = caps[0].get("core:frequency") if caps else None
    fc = None if fc is None else _number(fc, "core:frequency", name)
    freqs = {c.get("core:frequency") for c in caps}
    if len(freqs) > 1:
        log.warning("%s: captures are tuned to %d frequencies; using the first, %.6f MHz", name, len(freqs),
                    (fc or 0) / 1e6)
    for what, given, stored in (("sample rate", sample_rate_hz, rate), ("centre frequency", center_freq_hz, fc)):
        if given is not None and stored is not None and given != stored:
            log.warning("%s: %s %.6g Hz given overrides %.6g Hz in the metadata", name, what, given, stored)
    rate = sample_rate_hz if sample_rate_hz is not None else rate
    fc = center_freq_hz if center_freq_hz is not None else fc
    missing = [opt for opt, v in (("core:sample_rate (or give --rate)", rate),
                                  ("core:frequency (or give --center-freq)", fc)) if v is None]
    if missing:
        raise SourceError(f"{name} lacks {' and '.join(missing)}")
    assert rate is not None and fc is not None
    if not rate > 0:
        raise SourceError(f"{name}: sample rate {rate!r} Hz is invalid; expected a positive number")
    if not fc >= 0:
        raise SourceError(f"{name}: centre frequency {fc!r} Hz is invalid; expected a positive number")
    text = glob.get("core:description")
    hw = glob.get("core:hw")
    return SourceInfo(sample_rate_hz=rate, center_freq_hz=fc, datatype=fmt.datatype,
                      start_time=_datetime(caps[0].get("core:datetime") if caps else None, name),
                      num_samples=num_samples, path=str(path), hw=hw if isinstance(hw, str) else None,
                      position=_position(glob.get("core:geolocation"), name),
                      description=text if isinstance(text, str) else None)


def _check_channels(glob: dict[str, Any], name: str) -> None:
    channels = glob.get("core:num_channels", 1)
    if channels != 1:
        raise SourceError(f"{name} has core:num_channels={channels!r}; sdrscan reads single-channel recordings")


def open_sigmf(paths: SigMFPaths, sample_rate_hz: float | None = None,
               center_freq_hz: float | None = None, check_schema: bool = False) -> StreamSource:
    """Open a SigMF recording for streaming; ``sample_rate_hz``/``center_freq_hz`` override the metadata.

    Raises
    ------
    SourceError
        Missing files, malformed JSON, unsupported datatype or channel count, missing rate/frequency,
        metadata that describes more bytes than the dataset holds, or an empty dataset.
    """
    if paths.archive is not None:
        return _open_archive(paths.archive, sample_rate_hz, center_freq_hz, check_schema)
    meta = paths.meta
    assert meta is not None
    if not meta.is_file():
        data = meta.with_name(meta.name[: -len(META_EXT)] + DATA_EXT)
        if data.is_file():
            raise SourceError(f"{data.name} has no {meta.name} beside it; restore the metadata, or read the "
                              f"samples raw with --format, --rate and --center-freq")
        raise SourceError(f"no such file: {meta}")
    try:
        doc = _parse_meta(meta.read_bytes(), meta.name, check_schema)
    except OSError as exc:
        raise SourceError(f"cannot read {meta}: {exc.strerror or exc}") from exc
    glob = doc["global"]
    fmt = sample_format(glob.get("core:datatype"), meta.name)
    _check_channels(glob, meta.name)
    data = _data_file(meta, glob)
    trailing = _int(glob.get("core:trailing_bytes", 0), "core:trailing_bytes", meta.name)
    segments, extra = capture_segments(doc.get("captures", []), data.stat().st_size, trailing, fmt, data.name)
    n = sum(s.num_samples for s in segments)
    if n == 0:
        raise SourceError(f"{data} holds no samples")
    try:
        file_opener(data)().close()
    except OSError as exc:
        raise SourceError(f"cannot open {data}: {exc.strerror or exc}") from exc
    info = _build_info(doc, fmt, meta.name, meta, n, sample_rate_hz, center_freq_hz)
    return StreamSource(info, fmt, file_opener(data), segments, truncated_bytes=extra, container="sigmf")


def _open_archive(archive: Path, sample_rate_hz: float | None, center_freq_hz: float | None,
                  check_schema: bool = False) -> StreamSource:
    """A ``.sigmf`` archive is a tar file: read the data member in place at its byte offset."""
    try:
        with tarfile.open(archive, "r:") as tar:
            members = tar.getmembers()
            metas = [m for m in members if m.isfile() and m.name.endswith(META_EXT)]
            if len(metas) != 1:
                raise SourceError(f"{archive.name} holds {len(metas)} recordings; extract it (tar xf) and open one")
            meta_member = metas[0]
            data_name = meta_member.name[: -len(META_EXT)] + DATA_EXT
            data_member = next((m for m in members if m.isfile() and m.name == data_name), None)
            fh = tar.extractfile(meta_member)
            assert fh is not None
            doc = _parse_meta(fh.read(), f"{archive.name}:{meta_member.name}", check_schema)
    except tarfile.ReadError as exc:
        raise SourceError(f"{archive} is not an uncompressed SigMF archive (tar): {exc}; extract it first") from exc
    except OSError as exc:
        raise SourceError(f"cannot read {archive}: {exc.strerror or exc}") from exc
    name = archive.name
    glob = doc["global"]
    fmt = sample_format(glob.get("core:datatype"), name)
    _check_channels(glob, name)
    if data_member is None:
        raise SourceError(f"{name} has no {Path(data_name).name} member")
    trailing = _int(glob.get("core:trailing_bytes", 0), "core:trailing_bytes", name)
    segments, extra = capture_segments(doc.get("captures", []), data_member.size, trailing, fmt, name,
                                       base_byte=data_member.offset_data)
    n = sum(s.num_samples for s in segments)
    if n == 0:
        raise SourceError(f"{name} holds no samples")
    info = _build_info(doc, fmt, name, archive, n, sample_rate_hz, center_freq_hz)
    return StreamSource(info, fmt, file_opener(archive), segments, truncated_bytes=extra,
                        container="sigmf-archive")
