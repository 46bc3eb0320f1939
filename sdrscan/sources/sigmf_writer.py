"""Stream samples into a SigMF recording (SigMF specification v1.2): ``NAME.sigmf-data`` grows as samples
are written; ``NAME.sigmf-meta`` is written on close, atomically, with the SHA-512 computed on the way.

Use ``cu8`` for what a dongle delivered (no information lost, 2 bytes a sample) and ``cf32_le`` for
anything computed (8 bytes a sample).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import warnings
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from sdrscan.errors import DspParameterError, SourceError
from sdrscan.sources.base import GeoPosition
from sdrscan.sources.formats import encode, get_format
from sdrscan.sources.sigmf_reader import DATA_EXT, META_EXT

log = logging.getLogger(__name__)


def sigmf_base(path: str | Path) -> Path:
    """``NAME`` for ``NAME.sigmf-meta``, ``NAME.sigmf-data`` or ``NAME``."""
    p = Path(path)
    for ext in (META_EXT, DATA_EXT):
        if p.name.endswith(ext):
            return p.with_name(p.name[: -len(ext)])
    return p


def sigmf_datetime(t: datetime) -> str:
    """SigMF ``core:datetime``: ISO 8601 in UTC with a ``Z`` (naive datetimes are taken as UTC)."""
    t = t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def geojson_point(pos: GeoPosition) -> dict[str, Any]:
    """SigMF ``core:geolocation``: a GeoJSON Point, coordinates longitude first (RFC 7946 §3.1.2)."""
    coords = [pos.lon_deg, pos.lat_deg] + ([] if pos.alt_m is None else [pos.alt_m])
    return {"type": "Point", "coordinates": coords}


class SigMFWriter:
    """Write a SigMF recording block by block; a context manager.

    Parameters
    ----------
    path : str or Path
        ``NAME``, ``NAME.sigmf-meta`` or ``NAME.sigmf-data``; existing files are replaced.
    sample_rate_hz, center_freq_hz : float
        Written as ``core:sample_rate`` and the capture's ``core:frequency``.
    datatype : str
        ``cf32_le`` (default), ``cu8``, ``ci8`` or ``ci16_le``.
    hw, description : str, optional
        ``core:hw`` (receiver, antenna, gain) and ``core:description``.
    start_time : datetime, optional
        Time of the first sample, written as the capture's ``core:datetime`` in UTC.
    position : GeoPosition, optional
        Written as ``core:geolocation``.
    extra_global : dict, optional
        More global fields (e.g. ``{"sdrscan:seed": 1}``); the ``sdrscan`` extension is declared for them.

    Raises
    ------
    SourceError
        Invalid rate, frequency or datatype, or the data file cannot be created.
    """

    def __init__(self, path: str | Path, *, sample_rate_hz: float, center_freq_hz: float,
                 datatype: str = "cf32_le", hw: str | None = None, start_time: datetime | None = None,
                 position: GeoPosition | None = None, description: str | None = None,
                 extra_global: dict[str, Any] | None = None) -> None:
        if not (isinstance(sample_rate_hz, int | float) and math.isfinite(sample_rate_hz) and sample_rate_hz > 0):
            raise SourceError(f"sample_rate_hz={sample_rate_hz!r} is invalid; expected a positive number of Hz")
        if not (isinstance(center_freq_hz, int | float) and math.isfinite(center_freq_hz) and center_freq_hz >= 0):
            raise SourceError(f"center_freq_hz={center_freq_hz!r} is invalid; expected a frequency in Hz")
        self.fmt = get_format(datatype)
        base = sigmf_base(path)
        self.meta_path = base.with_name(base.name + META_EXT)
        self.data_path = base.with_name(base.name + DATA_EXT)
        self.sample_rate_hz = float(sample_rate_hz)
        self.center_freq_hz = float(center_freq_hz)
        self.hw, self.start_time, self.position, self.description = hw, start_time, position, description
        self.extra_global = dict(extra_global or {})
        self.num_samples = 0
        self.clipped_components = 0
        self.nonfinite_zeroed = 0
        self._sha = hashlib.sha512()
        try:
            self._fh = open(self.data_path, "wb")  # closed in close()
        except OSError as exc:
            raise SourceError(f"cannot create {self.data_path}: {exc.strerror or exc}") from exc
        self._closed = False

    def __enter__(self) -> SigMFWriter:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _put(self, data: bytes | memoryview) -> None:
        if self._closed:
            raise SourceError(f"{self.data_path} is closed; open a new SigMFWriter to write more")
        try:
            self._fh.write(data)
        except OSError as exc:
            raise SourceError(f"cannot write {self.data_path}: {exc.strerror or exc}") from exc
        self._sha.update(data)

    def write(self, samples: np.ndarray) -> None:
        """Append complex samples in full-scale units, quantised to the datatype.

        Integer datatypes store ``round(x * scale + offset)`` clipped to the code range (cu8:
        ``x * 127.5 + 127.5``); clipped components and NaN/Inf samples (written as 0) are counted in
        ``clipped_components`` and ``nonfinite_zeroed``.

        Raises
        ------
        DspParameterError
            If ``samples`` is not a 1-D complex array.
        """
        x = np.asarray(samples)
        if x.ndim != 1 or not np.iscomplexobj(x):
            raise DspParameterError(f"SigMFWriter.write expects 1-D complex samples, got {x.dtype} shape {x.shape}")
        codes, clipped, bad = encode(x, self.fmt)
        self._put(memoryview(np.ascontiguousarray(codes)).cast("B"))
        self.num_samples += x.size
        self.clipped_components += clipped
        self.nonfinite_zeroed += bad

    def write_raw(self, data: bytes | bytearray | memoryview | np.ndarray) -> None:
        """Append samples already stored in this datatype (e.g. the bytes a dongle delivered for ``cu8``).

        Raises
        ------
        DspParameterError
            If an array has a dtype other than the datatype's component (or complex64 for ``cf32_le``),
            or the data is not a whole number of samples.
        """
        if isinstance(data, np.ndarray):
            ok = {self.fmt.component}
            if self.fmt.datatype == "cf32_le":
                ok.add(np.dtype("<c8"))
            if data.dtype not in ok:
                raise DspParameterError(f"write_raw for {self.fmt.datatype} expects {' or '.join(map(str, ok))} "
                                        f"data, got {data.dtype}; use write() for complex samples")
            buf = memoryview(np.ascontiguousarray(data).reshape(-1)).cast("B")
        else:
            buf = memoryview(data).cast("B")
        if len(buf) % self.fmt.bytes_per_sample:
            raise DspParameterError(f"write_raw got {len(buf)} bytes, not a whole number of "
                                    f"{self.fmt.bytes_per_sample}-byte {self.fmt.datatype} samples")
        self._put(buf)
        self.num_samples += len(buf) // self.fmt.bytes_per_sample

    def metadata(self) -> dict[str, Any]:
        """The SigMF metadata as it will be written (``core:sha512`` covers the samples written so far)."""
        from sigmf import SigMFFile

        from sdrscan import __version__

        glob: dict[str, Any] = dict(self.extra_global)
        glob.update({"core:datatype": self.fmt.datatype, "core:sample_rate": self.sample_rate_hz,
                     "core:recorder": f"sdrscan {__version__}", "core:sha512": self._sha.hexdigest()})
        if self.hw is not None:
            glob["core:hw"] = self.hw
        if self.description is not None:
            glob["core:description"] = self.description
        if self.position is not None:
            glob["core:geolocation"] = geojson_point(self.position)
        if any(k.startswith("sdrscan:") for k in glob):
            declared = list(glob.get("core:extensions", []))
            if not any(e.get("name") == "sdrscan" for e in declared):
                declared.append({"name": "sdrscan", "version": __version__, "optional": True})
            glob["core:extensions"] = declared
        capture: dict[str, Any] = {"core:frequency": self.center_freq_hz}
        if self.start_time is not None:
            capture["core:datetime"] = sigmf_datetime(self.start_time)
        meta = SigMFFile(global_info=glob)
        meta.add_capture(0, capture)
        return meta.ordered_metadata()

    def close(self) -> None:
        """Finish the data file and write the metadata (also after an error, so what was written is usable)."""
        if self._closed:
            return
        self._closed = True
        self._fh.close()
        doc = self.metadata()
        from sigmf import SigMFFile

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                SigMFFile(metadata=doc).validate()
        except Exception as exc:  # bad extra_global: keep the recording, say what is wrong
            log.warning("%s does not validate against the SigMF schema: %s", self.meta_path,
                        " ".join(str(getattr(exc, "message", exc)).split()))
        tmp = self.meta_path.with_name(self.meta_path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(doc, indent=4, sort_keys=True) + "\n", encoding="utf-8")
            os.replace(tmp, self.meta_path)
        except OSError as exc:
            raise SourceError(f"cannot write {self.meta_path}: {exc.strerror or exc}") from exc
        if self.clipped_components:
            log.warning("%s: %d I/Q component(s) clipped to the %s code range", self.data_path.name,
                        self.clipped_components, self.fmt.datatype)
        if self.nonfinite_zeroed:
            log.warning("%s: %d NaN/Inf sample(s) written as 0", self.data_path.name, self.nonfinite_zeroed)
