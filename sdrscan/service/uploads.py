"""Receive an uploaded recording: a multipart body parsed as it streams, written to disk under our own names.

Form fields (``multipart/form-data``):

* ``meta`` (file): a SigMF ``.sigmf-meta`` document, at most :data:`MAX_META_BYTES`; with ``data`` it makes a
  SigMF recording whose datatype, rate and frequency come from the metadata;
* ``data`` (file, required): the samples;
* ``datatype``, ``sample_rate_hz``, ``center_freq_hz`` (text): required for raw samples (no ``meta``);
* ``label`` (text, optional): a name to show; default the data part's file name.

The client's file names are never used as paths: parts go to ``recording.sigmf-meta`` / ``recording.sigmf-data``
(or ``recording.raw``) in a folder the service names. The body is counted as it arrives and refused once it
exceeds the limit, so an oversized upload never fills the disk.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header

from sdrscan.errors import SdrscanError

MAX_META_BYTES = 1024 * 1024
MAX_FIELD_BYTES = 4096
FILE_FIELDS = ("meta", "data")
TEXT_FIELDS = ("datatype", "sample_rate_hz", "center_freq_hz", "label")
_LABEL_OK = re.compile(r"[^A-Za-z0-9._ +-]")


class UploadError(SdrscanError):
    """The upload is refused; ``status`` is the HTTP status to answer (400, 411, 413, 415, 422)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(slots=True)
class ReceivedUpload:
    """What arrived: the saved files by field and the text fields."""

    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    filenames: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    size_bytes: int = 0

    @property
    def is_sigmf(self) -> bool:
        return "meta" in self.files

    def label(self) -> str:
        raw = self.fields.get("label") or self.filenames.get("data") or "upload"
        clean = _LABEL_OK.sub("_", raw).strip() or "upload"
        return clean[:120]

    def options(self) -> dict[str, Any]:
        """How to open the recording (``open_source`` keyword values)."""
        if self.is_sigmf:
            return {"fmt": None, "sample_rate_hz": None, "center_freq_hz": None}
        return {"fmt": self.fields.get("datatype"), "sample_rate_hz": self.fields.get("sample_rate_hz"),
                "center_freq_hz": self.fields.get("center_freq_hz")}

    def recording_path(self) -> Path:
        return self.files["meta"] if self.is_sigmf else self.files["data"]


def check_content_type(content_type: str | None) -> bytes:
    """The multipart boundary of ``content_type``; :class:`UploadError` 415 otherwise."""
    if not content_type:
        raise UploadError(415, "no Content-Type; send multipart/form-data with fields meta/data")
    ctype, params = parse_options_header(content_type)
    if ctype != b"multipart/form-data":
        raise UploadError(415, f"Content-Type {ctype.decode('latin-1')!r}; expected multipart/form-data "
                               f"with fields meta (SigMF) and data")
    boundary = params.get(b"boundary")
    if not boundary or len(boundary) > 200:
        raise UploadError(400, "multipart/form-data without a valid boundary parameter")
    return boundary


class UploadReceiver:
    """Parses a multipart body fed chunk by chunk into ``folder`` (see the module docstring).

    Parameters
    ----------
    folder : Path
        A new, empty folder chosen by the service.
    boundary : bytes
        From :func:`check_content_type`.
    max_bytes : int
        Largest body accepted, counted over all bytes received.
    """

    def __init__(self, folder: Path, boundary: bytes, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.result = ReceivedUpload(folder)
        self._received = 0
        self._headers: dict[str, str] = {}
        self._hname = b""
        self._hvalue = b""
        self._name: str | None = None
        self._file: BinaryIO | None = None
        self._text: bytearray | None = None
        self._part_bytes = 0
        self._ended = False
        self._error: UploadError | None = None
        callbacks = {
            "on_part_begin": self._part_begin, "on_part_data": self._part_data, "on_part_end": self._part_end,
            "on_header_field": self._header_field, "on_header_value": self._header_value,
            "on_header_end": self._header_end, "on_headers_finished": self._headers_finished,
            "on_end": self._end,
        }
        self._parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]

    # --- parser callbacks (errors are kept and raised from feed, outside the parser) ---------------------
    def _fail(self, status: int, message: str) -> None:
        if self._error is None:
            self._error = UploadError(status, message)

    def _part_begin(self) -> None:
        self._headers, self._name, self._part_bytes = {}, None, 0

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._hname += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._hvalue += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._hname.decode("latin-1").lower()] = self._hvalue.decode("latin-1")
        self._hname, self._hvalue = b"", b""

    def _headers_finished(self) -> None:
        disp, params = parse_options_header(self._headers.get("content-disposition", ""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        if disp != b"form-data" or not name:
            return self._fail(400, "a multipart part has no Content-Disposition: form-data name")
        if name in self.result.files or name in self.result.fields:
            return self._fail(422, f"form field {name!r} appears twice; send it once")
        self._name = name
        if name in FILE_FIELDS:
            filename = params.get(b"filename")
            if filename is not None:
                self.result.filenames[name] = Path(filename.decode("utf-8", "replace")).name
            path = self.folder / ("part.meta" if name == "meta" else "part.data")
            self._file = open(path, "wb")  # noqa: SIM115 - closed in _part_end / close()
            self.result.files[name] = path
        elif name in TEXT_FIELDS:
            self._text = bytearray()
        else:
            self._fail(422, f"unknown form field {name!r}; expected meta, data, datatype, sample_rate_hz, "
                            f"center_freq_hz or label")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._error is not None:
            return
        n = end - start
        self._part_bytes += n
        if self._file is not None:
            if self._name == "meta" and self._part_bytes > MAX_META_BYTES:
                return self._fail(413, f"the meta part exceeds {MAX_META_BYTES} bytes; a SigMF metadata "
                                       f"file is small JSON")
            self._file.write(data[start:end])
        elif self._text is not None:
            if self._part_bytes > MAX_FIELD_BYTES:
                return self._fail(413, f"form field {self._name!r} exceeds {MAX_FIELD_BYTES} bytes")
            self._text += data[start:end]

    def _part_end(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._text is not None and self._name is not None:
            try:
                self.result.fields[self._name] = self._text.decode("utf-8").strip()
            except UnicodeDecodeError:
                self._fail(422, f"form field {self._name!r} is not UTF-8 text")
            self._text = None

    def _end(self) -> None:
        self._ended = True

    # --- driving -----------------------------------------------------------------------------------------
    def feed(self, chunk: bytes) -> None:
        """Parse the next bytes of the body.

        Raises
        ------
        UploadError
            413 as soon as the body exceeds ``max_bytes``; 400/422 for a malformed body or field.
        """
        self._received += len(chunk)
        if self._received > self.max_bytes:
            raise UploadError(413, f"upload exceeds the limit of {self.max_bytes} bytes "
                                   f"([api] max_upload_bytes)")
        try:
            self._parser.write(chunk)
        except Exception as exc:  # the parser's own error types vary between versions
            raise UploadError(400, f"malformed multipart body ({exc})") from None
        if self._error is not None:
            raise self._error

    def finish(self) -> ReceivedUpload:
        """Check the body was complete and the fields make a recording; name the files.

        Raises
        ------
        UploadError
            400 for a truncated body, 422 for missing or inconsistent fields.
        """
        try:
            self._parser.finalize()
        except Exception as exc:
            raise UploadError(400, f"malformed multipart body ({exc})") from None
        if self._error is not None:
            raise self._error
        if not self._ended:
            raise UploadError(400, "the multipart body ended before its closing boundary")
        r = self.result
        r.size_bytes = self._received
        if "data" not in r.files:
            raise UploadError(422, "no data part; send the samples as form field 'data'")
        if r.is_sigmf:
            extra = [k for k in ("datatype", "sample_rate_hz", "center_freq_hz") if k in r.fields]
            if extra:
                raise UploadError(422, f"field(s) {', '.join(extra)} given with SigMF metadata; the metadata "
                                       f"says them (send either meta or datatype/sample_rate_hz/center_freq_hz)")
            meta = r.files["meta"].rename(self.folder / "recording.sigmf-meta")
            data = r.files["data"].rename(self.folder / "recording.sigmf-data")
            r.files = {"meta": meta, "data": data}
        else:
            missing = [k for k in ("datatype", "sample_rate_hz", "center_freq_hz") if not r.fields.get(k)]
            if missing:
                raise UploadError(422, f"raw samples need field(s) {', '.join(missing)} (or send SigMF "
                                       f"metadata as field 'meta')")
            r.files = {"data": r.files["data"].rename(self.folder / "recording.raw")}
        return r

    def close(self) -> None:
        """Close any open part file (after an error)."""
        if self._file is not None:
            self._file.close()
            self._file = None


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
