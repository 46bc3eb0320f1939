"""What every live device shares: tuner facts, the device interface, a bounded ring buffer, a live source.

A dongle (local USB via pyrtlsdr, or remote via rtl_tcp) produces unsigned 8-bit I/Q bytes on its own
thread at the sample rate, whether or not we keep up. The bytes go into a :class:`SampleRing` of bounded
size. When the consumer falls behind and the ring is full, the *incoming* chunk is dropped and counted;
the next chunk that fits carries the size of the gap, so the consumer can insert zeros and keep the time
base exact (a dropped stretch looks like a fade to the receiver, not like a jump in time). Drops are
never silent: they are counted in :class:`RingStats` and in ``SourceStats.dropped_samples``, and logged.

:class:`LiveSource` turns a started device into an :class:`~sdrscan.sources.base.IQSource` at one
frequency (``sdrscan record``, a fixed-frequency decode); the band sweep drives the device and the ring
itself (:mod:`sdrscan.field.scanner`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Protocol, runtime_checkable

import numpy as np

from sdrscan.errors import ConfigError, DeviceError
from sdrscan.sources.base import DEFAULT_BLOCK_SIZE, SampleBlock, SourceInfo, SourceStats
from sdrscan.sources.formats import FORMATS, decode

log = logging.getLogger(__name__)

CU8 = FORMATS["cu8"]
BYTES_PER_SAMPLE = 2  # unsigned 8-bit I then Q


# --- tuners ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TunerModel:
    """One RTL2832U tuner chip: librtlsdr's code for it, its gain steps and the frequencies its PLL reaches.

    Attributes
    ----------
    code : int
        ``enum rtlsdr_tuner`` value (librtlsdr ``rtl-sdr.h``); rtl_tcp sends it in its header.
    gains_tenth_db : tuple of int
        The manual gain steps librtlsdr offers (``rtlsdr_get_tuner_gains``), tenths of a dB.
    ranges_hz : tuple of (float, float)
        Tuning ranges (Hz) as documented for each tuner (osmocom rtl-sdr wiki); outside them the PLL does
        not lock and the dongle delivers noise.
    """

    code: int
    name: str
    gains_tenth_db: tuple[int, ...]
    ranges_hz: tuple[tuple[float, float], ...]

    @property
    def gains_db(self) -> tuple[float, ...]:
        return tuple(g / 10 for g in self.gains_tenth_db)

    def covers(self, lo_hz: float, hi_hz: float | None = None) -> bool:
        """True if one tuning range holds all of ``[lo_hz, hi_hz]``."""
        hi = lo_hz if hi_hz is None else hi_hz
        return any(a <= lo_hz and hi <= b for a, b in self.ranges_hz)

    def nearest_gain_db(self, gain_db: float) -> float:
        """The manual gain step closest to ``gain_db`` (what librtlsdr sets when asked for ``gain_db``)."""
        if not self.gains_tenth_db:
            raise ConfigError(f"the {self.name} tuner has no manual gain steps; use --gain auto")
        return min(self.gains_db, key=lambda g: (abs(g - gain_db), g))

    def describe_range(self) -> str:
        return ", ".join(f"{a / 1e6:g}-{b / 1e6:g} MHz" for a, b in self.ranges_hz)


# Gain steps: librtlsdr's tables (tenths of a dB); ranges: osmocom rtl-sdr wiki / rtl-sdr.com tuner table.
# The R820T/R828D limit of 1766 MHz is where their PLL stops locking with librtlsdr.
_R82XX_GAINS = (0, 9, 14, 27, 37, 77, 87, 125, 144, 157, 166, 197, 207, 229, 254, 280, 297, 328, 338, 364, 372,
                386, 402, 421, 434, 439, 445, 480, 496)
TUNERS: dict[int, TunerModel] = {
    0: TunerModel(0, "unknown", (), ((24e6, 1766e6),)),
    1: TunerModel(1, "E4000", (-10, 15, 40, 65, 90, 115, 140, 165, 190, 215, 240, 290, 340, 420),
                  ((52e6, 1100e6), (1250e6, 2200e6))),
    2: TunerModel(2, "FC0012", (-99, -40, 71, 179, 192), ((22e6, 948.6e6),)),
    3: TunerModel(3, "FC0013", (-99, -73, -65, -63, -60, -58, -54, 58, 61, 63, 65, 67, 68, 70, 71, 179, 181, 182,
                                184, 186, 188, 191, 197), ((22e6, 1100e6),)),
    4: TunerModel(4, "FC2580", (), ((146e6, 308e6), (438e6, 924e6))),
    5: TunerModel(5, "R820T", _R82XX_GAINS, ((24e6, 1766e6),)),
    6: TunerModel(6, "R828D", _R82XX_GAINS, ((24e6, 1766e6),)),
}


def tuner_by_code(code: int) -> TunerModel:
    """The tuner for librtlsdr's code; unknown codes get the "unknown" entry (R820T-like range, no gains)."""
    return TUNERS.get(int(code), TUNERS[0])


def tuner_by_name(name: str) -> TunerModel:
    """The tuner called ``name`` (``R820T``, ``e4000`` ...).

    Raises
    ------
    ConfigError
        For a name that is not in :data:`TUNERS`.
    """
    for t in TUNERS.values():
        if t.name.lower() == name.strip().lower() and t.code:
            return t
    names = ", ".join(t.name for t in TUNERS.values() if t.code)
    raise ConfigError(f"unknown tuner {name!r}; expected one of {names}")


# --- the device interface -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """What a device is: ``kind`` (``rtlsdr``, ``rtltcp``), where it is, its tuner, and how long a retune
    takes to show in the stream (``settle_s``: samples already in flight when the tuner moved)."""

    kind: str
    address: str
    tuner: TunerModel
    serial: str | None = None
    settle_s: float = 0.1

    def hw(self, gain_db: float | None, ppm: int, bias_tee: bool = False) -> str:
        """SigMF ``core:hw`` text: receiver, tuner, gain and correction."""
        gain = "AGC" if gain_db is None else f"{gain_db:g} dB"
        via = "USB" if self.kind == "rtlsdr" else f"rtl_tcp {self.address}"
        serial = f" serial {self.serial}" if self.serial else ""
        tee = ", bias tee on" if bias_tee else ""
        return f"RTL-SDR ({self.tuner.name} tuner{serial}) via {via}, gain {gain}, ppm correction {ppm}{tee}"


@runtime_checkable
class LiveDevice(Protocol):
    """A tunable dongle that streams cu8 bytes into a :class:`SampleRing` once started."""

    info: DeviceInfo
    sample_rate_hz: float
    center_freq_hz: float
    gain_db: float | None  # None: automatic gain (AGC)
    ppm: int

    def set_sample_rate(self, rate_hz: float) -> None: ...

    def set_center_freq(self, freq_hz: float) -> None: ...

    def set_gain(self, gain_db: float | None) -> None: ...

    def set_ppm(self, ppm: int) -> None: ...

    def set_bias_tee(self, on: bool) -> None: ...

    def start(self, ring: SampleRing) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


def check_frequency(tuner: TunerModel, freq_hz: float) -> None:
    """Refuse a centre frequency the tuner cannot reach, with the tuner's range in the message.

    Raises
    ------
    DeviceError
        If ``freq_hz`` is outside every range of ``tuner`` (a real dongle would report a PLL error and
        deliver noise).
    """
    if not tuner.covers(freq_hz):
        raise DeviceError(f"{freq_hz / 1e6:.3f} MHz is out of reach of the {tuner.name} tuner "
                          f"({tuner.describe_range()}); choose a frequency in range or another dongle")


def check_rate(rate_hz: float) -> None:
    """Refuse a sample rate the RTL2832U cannot deliver (225-300 kS/s and 0.9-3.2 MS/s).

    Raises
    ------
    DeviceError
        Outside those ranges.
    """
    if not (225_001 <= rate_hz <= 300_000 or 900_001 <= rate_hz <= 3_200_000):
        raise DeviceError(f"sample rate {rate_hz / 1e6:g} MS/s is out of the RTL2832U's ranges (0.225-0.3 and "
                          "0.9-3.2 MS/s); use 2.4M (above 2.56M USB may drop samples)")


# --- the ring -------------------------------------------------------------------------------------------

@dataclass(slots=True)
class RingStats:
    """Counters of one ring (bytes of cu8; divide by 2 for samples)."""

    bytes_in: int = 0  # offered by the producer
    bytes_out: int = 0  # handed to the consumer
    dropped_bytes: int = 0  # lost because the ring was full
    drop_events: int = 0
    discarded_bytes: int = 0  # thrown away on purpose (flush after a retune)
    high_water_bytes: int = 0

    @property
    def dropped_samples(self) -> int:
        return self.dropped_bytes // BYTES_PER_SAMPLE


@dataclass(frozen=True, slots=True)
class Chunk:
    """Bytes for the consumer, preceded in time by ``gap_bytes`` that were dropped."""

    data: bytes
    gap_bytes: int = 0


class SampleRing:
    """Bounded FIFO of cu8 byte chunks between one producer thread and one consumer.

    Parameters
    ----------
    capacity_bytes : int
        Most bytes held; at 2.4 MS/s 4.8 MB is one second.
    overflow : {"drop", "block"}
        ``"drop"`` (live: a dongle cannot wait) drops the incoming chunk and counts it; ``"block"`` makes the
        producer wait (lossless: simulated dongles and tests measuring signal time).
    """

    def __init__(self, capacity_bytes: int = 8 << 20, overflow: str = "drop") -> None:
        if overflow not in ("drop", "block"):
            raise ConfigError(f"overflow={overflow!r}; expected 'drop' or 'block'")
        if capacity_bytes < 4096:
            raise ConfigError(f"capacity_bytes={capacity_bytes}; expected at least 4096")
        self.capacity_bytes = int(capacity_bytes)
        self.overflow = overflow
        self.stats = RingStats()
        self._q: deque[Chunk] = deque()
        self._held = 0
        self._pending_gap = 0
        self._error: BaseException | None = None
        self._ended = False
        self._cv = threading.Condition()

    # producer side
    def put(self, data: bytes) -> None:
        """Offer one chunk (a whole number of samples). Never raises; drops or waits when full."""
        n = len(data)
        if n == 0:
            return
        with self._cv:
            self.stats.bytes_in += n
            if self.overflow == "block":
                while self._held + n > self.capacity_bytes and self._held and not self._ended:
                    self._cv.wait(0.5)
            elif self._held + n > self.capacity_bytes:
                self.stats.dropped_bytes += n
                self.stats.drop_events += 1
                self._pending_gap += n
                return
            self._q.append(Chunk(bytes(data), self._pending_gap))
            self._pending_gap = 0
            self._held += n
            self.stats.high_water_bytes = max(self.stats.high_water_bytes, self._held)
            self._cv.notify_all()

    def fail(self, error: BaseException) -> None:
        """The producer stopped on an error; the consumer gets it once the queued data is read."""
        with self._cv:
            if self._error is None:
                self._error = error
            self._ended = True
            self._cv.notify_all()

    def finish(self) -> None:
        """The producer stopped normally (device closed)."""
        with self._cv:
            self._ended = True
            self._cv.notify_all()

    # consumer side
    def read(self, max_bytes: int, timeout_s: float) -> Chunk:
        """Up to ``max_bytes`` (even) from the oldest chunk, waiting at most ``timeout_s`` for data.

        Raises
        ------
        DeviceError
            The producer failed (its error), ended, or sent nothing for ``timeout_s``.
        """
        max_bytes -= max_bytes % BYTES_PER_SAMPLE
        deadline = time.monotonic() + timeout_s
        with self._cv:
            while not self._q:
                if self._error is not None:
                    err = self._error
                    raise err if isinstance(err, DeviceError) else DeviceError(str(err))
                if self._ended:
                    raise DeviceError("the device stopped streaming")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DeviceError(f"no samples for {timeout_s:g} s: the device or rtl_tcp peer stalled; "
                                      "check the cable/network and restart it")
                self._cv.wait(left)
            head = self._q[0]
            if len(head.data) <= max_bytes:
                self._q.popleft()
                out = head
            else:
                out = Chunk(head.data[:max_bytes], head.gap_bytes)
                self._q[0] = Chunk(head.data[max_bytes:], 0)
            self._held -= len(out.data)
            self.stats.bytes_out += len(out.data)
            self._cv.notify_all()
            return out

    def flush(self) -> int:
        """Discard everything queued (after a retune the queued bytes belong to the old frequency)."""
        with self._cv:
            n = self._held + self._pending_gap
            self.stats.discarded_bytes += self._held
            self._q.clear()
            self._held = 0
            self._pending_gap = 0
            self._cv.notify_all()
            return n

    @property
    def held_bytes(self) -> int:
        with self._cv:
            return self._held


# --- reading samples from a ring --------------------------------------------------------------------------

@dataclass(slots=True)
class StreamClock:
    """Signal time of a live stream: every byte received, dropped or discarded advances it at the rate.

    ``t0`` is the wall-clock UTC time of the first sample; ``time_at(s)`` the time of signal second ``s``.
    """

    t0: datetime = field(default_factory=lambda: datetime.now(UTC))
    signal_s: float = 0.0

    def advance(self, samples: int, rate_hz: float) -> None:
        self.signal_s += samples / rate_hz

    def now(self) -> datetime:
        return self.t0 + timedelta(seconds=self.signal_s)


def read_samples(ring: SampleRing, n_samples: int, timeout_s: float) -> tuple[np.ndarray, int]:
    """Read one chunk of at most ``n_samples`` as complex64, with zeros standing in for dropped samples.

    Returns
    -------
    samples : numpy.ndarray
        complex64; the first ``dropped`` samples are zeros (the gap before the chunk).
    dropped : int
        Samples lost just before this chunk.
    """
    chunk = ring.read(n_samples * BYTES_PER_SAMPLE, timeout_s)
    dropped = chunk.gap_bytes // BYTES_PER_SAMPLE
    x, _ = decode(np.frombuffer(chunk.data, np.uint8), CU8)
    if dropped:
        x = np.concatenate([np.zeros(dropped, np.complex64), x])
    return x, dropped


def read_block(ring: SampleRing, n_samples: int, timeout_s: float) -> tuple[np.ndarray, int]:
    """Exactly ``n_samples`` (gaps zero-filled and included), gathered from as many chunks as it takes.

    The receiver amortises its per-call work over blocks of tens of milliseconds; a dongle's chunks are a
    few milliseconds long, so they are gathered here first.
    """
    parts: list[np.ndarray] = []
    have = dropped = 0
    while have < n_samples:
        x, d = read_samples(ring, n_samples - have, timeout_s)
        if x.size > n_samples - have:  # a gap larger than what is left: keep the time line, cut the zeros
            x = x[: n_samples - have]
        parts.append(x)
        have += x.size
        dropped += d
    return (parts[0] if len(parts) == 1 else np.concatenate(parts)), dropped


class LiveSource:
    """An :class:`~sdrscan.sources.base.IQSource` streaming from a live device at one frequency.

    Parameters
    ----------
    device : LiveDevice
        Opened and configured (rate, frequency, gain); started and stopped by this source.
    duration_s : float, optional
        Stop after this much signal; default: until :meth:`close` (or an error).
    ring : SampleRing, optional
        Default: 2 s of samples, dropping on overflow.
    read_timeout_s : float
        A stall longer than this is a :class:`~sdrscan.errors.DeviceError`.
    """

    def __init__(self, device: LiveDevice, *, duration_s: float | None = None, ring: SampleRing | None = None,
                 read_timeout_s: float = 5.0) -> None:
        self.device = device
        self.ring = ring if ring is not None else SampleRing(int(2 * device.sample_rate_hz) * BYTES_PER_SAMPLE)
        self.duration_s = duration_s
        self.read_timeout_s = read_timeout_s
        self.clock = StreamClock()
        self.info = SourceInfo(sample_rate_hz=device.sample_rate_hz, center_freq_hz=device.center_freq_hz,
                               datatype="cu8", start_time=self.clock.t0, num_samples=None,
                               path=device.info.address, hw=device.info.hw(device.gain_db, device.ppm))
        self.stats = SourceStats()
        self._stop = threading.Event()
        self._started = False
        self._last_drop_log = 0.0

    def blocks(self, block_size: int = DEFAULT_BLOCK_SIZE) -> Iterator[SampleBlock]:
        """Yield blocks of at most ``block_size`` samples until the duration is reached or :meth:`close`."""
        if not self._started:
            self.clock = StreamClock()
            self.info = replace(self.info, start_time=self.clock.t0)
            self.device.start(self.ring)
            self._started = True
        rate = self.device.sample_rate_hz
        limit = None if self.duration_s is None else int(round(self.duration_s * rate))
        offset = 0
        while not self._stop.is_set() and (limit is None or offset < limit):
            want = block_size if limit is None else min(block_size, limit - offset)
            x, dropped = read_block(self.ring, want, self.read_timeout_s)
            if dropped:
                self.stats.dropped_samples += dropped
                self._log_drops()
            self.stats.samples_read += x.size
            self.clock.advance(x.size, rate)
            yield SampleBlock(x, offset)
            offset += x.size

    def _log_drops(self) -> None:
        now = time.monotonic()
        if now - self._last_drop_log >= 5.0:
            self._last_drop_log = now
            log.warning("live source: %d samples dropped so far (%d events): the consumer is too slow",
                        self.stats.dropped_samples, self.ring.stats.drop_events)

    def close(self) -> None:
        self._stop.set()
        if self._started:
            self.device.stop()
            self._started = False

    def __enter__(self) -> LiveSource:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
