"""Streaming reader shared by every recording format: bounded memory whatever the file size.

The data is described as byte segments of whole samples (one per SigMF capture, or one for a raw file).
Each pass reads at most ``block_size`` samples at a time into one reused byte buffer with ``readinto`` and
converts them into a new complex64 array, so resident memory stays near three block sizes: the byte
buffer, the block being yielded and the one the consumer still holds. Nothing is memory-mapped (mapped
pages count as resident while they are mapped).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import numpy as np

from sdrscan.errors import SourceError
from sdrscan.sources.base import DEFAULT_BLOCK_SIZE, SampleBlock, SourceInfo, SourceStats
from sdrscan.sources.formats import SampleFormat, decode

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ByteSegment:
    """``num_samples`` whole samples stored from byte ``start_byte`` of the data file on."""

    start_byte: int
    num_samples: int


def check_block_size(block_size: int) -> int:
    """``block_size`` as a positive int, or a one-line :class:`SourceError`."""
    if isinstance(block_size, bool) or not isinstance(block_size, int | np.integer) or block_size <= 0:
        raise SourceError(f"block_size={block_size!r} is invalid; expected a positive number of samples")
    return int(block_size)


def _read_fully(fh: BinaryIO, view: memoryview) -> int:
    """Fill ``view`` from ``fh``; return the bytes read (fewer only at end of file). Pipes return short reads."""
    got = 0
    while got < len(view):
        n = fh.readinto(view[got:])
        if not n:
            break
        got += n
    return got


class StreamSource:
    """An :class:`~sdrscan.sources.base.IQSource` over stored samples (a file, or a pipe if ``segments`` is None).

    Parameters
    ----------
    info : SourceInfo
    fmt : SampleFormat
        Stored format of the samples.
    opener : callable
        Returns a new binary file object positioned anywhere; called once per pass.
    segments : tuple of ByteSegment or None
        Where the samples are; ``None`` reads from the current position to end of file, once.
    truncated_bytes : int
        Bytes already known not to form a whole sample (reported in ``stats``).
    container : str
        How the samples are packaged: ``raw``, ``sigmf``, ``sigmf-archive`` or ``pipe``.
    """

    def __init__(self, info: SourceInfo, fmt: SampleFormat, opener: Callable[[], BinaryIO],
                 segments: tuple[ByteSegment, ...] | None, truncated_bytes: int = 0, container: str = "raw") -> None:
        self.info = info
        self.fmt = fmt
        self.container = container
        self.stats = SourceStats(truncated_bytes=truncated_bytes)
        self._opener = opener
        self._segments = segments
        self._handles: set[BinaryIO] = set()  # one per pass in progress
        self._closed = False
        self._passes = 0

    @property
    def name(self) -> str:
        return self.info.path or "<stream>"

    def __enter__(self) -> StreamSource:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True
        for fh in list(self._handles):
            fh.close()
        self._handles.clear()

    def blocks(self, block_size: int = DEFAULT_BLOCK_SIZE) -> Iterator[SampleBlock]:
        """Yield the samples in contiguous blocks of ``block_size`` (the last one may be shorter).

        Each call starts again from the first sample (files only) and resets the counters in ``stats``,
        which then describe the latest pass.

        Raises
        ------
        SourceError
            On a bad ``block_size``, a closed source, a second pass over a pipe, or a read failure.
        """
        n = check_block_size(block_size)  # checked here, before the generator starts
        if self._closed:
            raise SourceError(f"{self.name} is closed; open it again to read it")
        if self._segments is None and self._passes:
            raise SourceError(f"{self.name} is a stream and can be read only once")
        self._passes += 1
        return self._blocks(n)

    def _blocks(self, n: int) -> Iterator[SampleBlock]:
        st = self.stats
        st.samples_read = st.nonfinite_zeroed = st.dropped_samples = 0
        ss = self.fmt.bytes_per_sample
        buf = np.empty(n * ss, dtype=np.uint8)
        fh: BinaryIO | None = None
        try:
            fh = self._opener()
            self._handles.add(fh)
            if hasattr(os, "posix_fadvise") and self._segments is not None:
                try:  # tell the kernel we read once, front to back (bigger read-ahead)
                    os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)
                except (OSError, AttributeError, ValueError):
                    pass
            reads = self._read_segments(fh, buf, n) if self._segments is not None else self._read_stream(fh, buf)
            for raw in reads:
                samples, bad = decode(raw, self.fmt)
                block = SampleBlock(samples, st.samples_read, self.info.position)
                st.samples_read += samples.size
                st.nonfinite_zeroed += bad
                yield block
        except OSError as exc:
            raise SourceError(f"cannot read {self.name}: {exc.strerror or exc}") from exc
        except ValueError as exc:  # read on a file that close() shut under us
            if not self._closed:
                raise
            raise SourceError(f"{self.name} was closed while being read") from exc
        finally:
            if fh is not None:
                self._handles.discard(fh)
                fh.close()
        if st.nonfinite_zeroed:
            log.warning("%s: %d sample(s) with NaN/Inf components set to 0", self.name, st.nonfinite_zeroed)

    def _read_segments(self, fh: BinaryIO, buf: np.ndarray, n: int) -> Iterator[np.ndarray]:
        assert self._segments is not None
        ss = self.fmt.bytes_per_sample
        view = memoryview(buf)
        fill = 0  # samples waiting in buf
        for seg in self._segments:
            fh.seek(seg.start_byte)
            left = seg.num_samples
            while left:
                take = min(n - fill, left)
                got = _read_fully(fh, view[fill * ss:(fill + take) * ss])
                if got < take * ss:
                    raise SourceError(f"{self.name} ended early: it shrank while being read "
                                      f"(expected {self.info.num_samples} samples)")
                fill += take
                left -= take
                if fill == n:
                    yield buf
                    fill = 0
        if fill:
            yield buf[:fill * ss]

    def _read_stream(self, fh: BinaryIO, buf: np.ndarray) -> Iterator[np.ndarray]:
        ss = self.fmt.bytes_per_sample
        view = memoryview(buf)
        while True:
            got = _read_fully(fh, view)
            whole = got - got % ss
            if whole:
                yield buf[:whole]
            if got < len(buf):  # end of stream
                if got % ss:
                    self.stats.truncated_bytes = got % ss
                    log.warning("%s: last %d byte(s) do not form a whole %s sample; dropped",
                                self.name, got % ss, self.fmt.datatype)
                return


def file_opener(path: Path) -> Callable[[], BinaryIO]:
    """A function that opens ``path`` for unbuffered binary reading (buffering would only add a copy)."""
    return lambda: open(path, "rb", buffering=0)  # closed by StreamSource


def whole_samples(name: str, nbytes: int, fmt: SampleFormat) -> tuple[int, int]:
    """Samples in ``nbytes`` of ``fmt`` and the leftover bytes, warning once when there are leftovers."""
    n, extra = divmod(nbytes, fmt.bytes_per_sample)
    if extra:
        log.warning("%s: %d byte(s) at the end do not form a whole %s sample (%d bytes each); dropped",
                    name, extra, fmt.datatype, fmt.bytes_per_sample)
    return n, extra
