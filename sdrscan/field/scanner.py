"""The band sweep: hop a live dongle across GSM bands and yield every decoded frame with time, position and hop.

:class:`Scanner` is a reusable source for the CLI (``sdrscan scan``) and the service: ``run()`` yields

* :class:`HopStart` when a hop begins, :class:`FieldFrame` for every L2 block decoded (the receiver's
  :class:`~sdrscan.pipeline.records.L2Frame` with its UTC time, the receiver's position and the hop),
  :class:`HopDone` when it ends (why, how long, what each carrier sent);
* :class:`CrystalUpdate` when the dongle's crystal estimate moves the ppm correction;
* :class:`DeviceGap` after the device came back from a failure (USB error, rtl_tcp server gone).

Per hop: tune, drop what was queued for the old frequency plus ``settle_s`` of signal, run a fresh
:class:`~sdrscan.pipeline.receiver.Receiver` (its acquisition finds carriers anywhere in the band, at
any crystal error up to +-50 ppm) and stay until every carrier's SI1-SI4 set is complete
(:mod:`sdrscan.field.dwell`). The crystal error fitted over locked carriers is carried across hops as the
dongle's ppm correction (librtlsdr corrects both the LO and the sample clock with it).

Hops where nothing was found are revisited only every ``empty_every`` sweeps; hops with cells, every sweep.

Time: signal time from the first sample on (every sample received, dropped or discarded counts), anchored to
the wall clock when streaming starts and again after each reconnection. Positions come from a
:class:`~sdrscan.gps.fix.PositionTrack` at each frame's time.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sdrscan.errors import DeviceError
from sdrscan.field.dwell import REQUIRED_SI, DwellLimits, SiProgress, hop_status
from sdrscan.field.plan import Hop, SweepPlan
from sdrscan.gps.fix import Fix, PositionTrack
from sdrscan.pipeline.receiver import Receiver, ReceiverConfig
from sdrscan.pipeline.records import CarrierStats, L2Frame
from sdrscan.sources.live import BYTES_PER_SAMPLE, LiveDevice, SampleRing, StreamClock, read_block, read_samples

log = logging.getLogger(__name__)

DEFAULT_GAIN_DB = 40.2  # an R820T step that suits GSM downlinks indoors and out; fixed so powers compare


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """How the sweep runs.

    ``gain_db=None`` selects the tuner's automatic gain: fine for a quick look, but then power readings of
    different hops and visits are not comparable; keep a fixed gain for power comparisons (the default).
    """

    sample_rate_hz: float = 2.4e6
    gain_db: float | None = DEFAULT_GAIN_DB
    ppm: float = 0.0  # initial crystal estimate (e.g. from `sdrscan calibrate`)
    track_crystal: bool = True  # move the dongle's ppm correction as the estimate improves
    bias_tee: bool = False
    settle_s: float | None = None  # None: the device's own figure
    block_s: float = 0.05  # decision grain
    dwell: DwellLimits = field(default_factory=DwellLimits)
    required_si: tuple[str, ...] = REQUIRED_SI
    empty_every: int = 4  # revisit hops without carriers every N sweeps
    ring_s: float = 1.0  # ring buffer, seconds of signal
    overflow: str = "drop"  # "block" for lossless simulated dongles
    read_timeout_s: float = 5.0
    reconnect_min_s: float = 0.5
    reconnect_max_s: float = 30.0
    give_up_after_s: float | None = None  # stop reconnecting after this long (None: never)
    receiver: ReceiverConfig = field(default_factory=lambda: ReceiverConfig(reacquire_every_s=0.0))


# --- events -----------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HopStart:
    sweep: int
    hop: Hop
    time: datetime
    gain_db: float | None
    ppm_correction: int


@dataclass(frozen=True, slots=True)
class FieldFrame:
    """One decoded block with where and when it was received."""

    frame: L2Frame
    time: datetime
    position: Fix | None
    sweep: int
    hop: int
    center_freq_hz: float

    def to_json(self) -> dict[str, object]:
        out = self.frame.to_json()
        out.update(time=self.time.isoformat().replace("+00:00", "Z"), sweep=self.sweep, hop=self.hop,
                   center_freq_hz=self.center_freq_hz)
        if self.position is not None:
            out["position"] = self.position.to_json()
        return out


@dataclass(frozen=True, slots=True)
class CarrierResult:
    """What one carrier of a hop delivered."""

    arfcn: int
    bsic: int | None
    si_types: tuple[str, ...]
    complete: bool
    blocks_ok: int
    power_dbfs: float
    freq_offset_hz: float


@dataclass(frozen=True, slots=True)
class HopDone:
    sweep: int
    hop: Hop
    time: datetime
    reason: str  # complete, empty, max-dwell, device-lost, stopped
    signal_s: float  # this hop's signal time, settle included
    decoded_s: float  # fed to the receiver
    carriers: tuple[CarrierResult, ...]
    crystal_ppm: float | None  # total crystal error measured on this hop (correction included)
    dropped_samples: int
    stats: tuple[CarrierStats, ...] = ()
    band_power_dbfs: tuple[tuple[int, float], ...] = ()  # (ARFCN, dBFS in 200 kHz) of the hop's channels

    def to_json(self) -> dict[str, object]:
        return {"type": "hop", "sweep": self.sweep, "hop": self.hop.index,
                "center_freq_hz": self.hop.center_freq_hz, "time": self.time.isoformat().replace("+00:00", "Z"),
                "reason": self.reason, "signal_s": round(self.signal_s, 3), "decoded_s": round(self.decoded_s, 3),
                "crystal_ppm": None if self.crystal_ppm is None else round(self.crystal_ppm, 3),
                "dropped_samples": self.dropped_samples,
                "carriers": [{"arfcn": c.arfcn, "bsic": c.bsic, "si": list(c.si_types), "complete": c.complete,
                              "blocks_ok": c.blocks_ok, "power_dbfs": round(c.power_dbfs, 2)}
                             for c in self.carriers]}


@dataclass(frozen=True, slots=True)
class CrystalUpdate:
    ppm: float  # estimated crystal error (positive: the dongle tunes high)
    correction: int  # ppm correction now set in the dongle
    carriers: int


@dataclass(frozen=True, slots=True)
class DeviceGap:
    """The device was lost at ``start`` and working again at ``end``; nothing was received in between."""

    start: datetime
    end: datetime
    reason: str
    attempts: int

    def to_json(self) -> dict[str, object]:
        return {"type": "gap", "start": self.start.isoformat().replace("+00:00", "Z"),
                "end": self.end.isoformat().replace("+00:00", "Z"), "reason": self.reason,
                "attempts": self.attempts, "duration_s": round((self.end - self.start).total_seconds(), 3)}


ScanEvent = HopStart | FieldFrame | HopDone | CrystalUpdate | DeviceGap


@dataclass(slots=True)
class ScanStats:
    signal_s: float = 0.0
    sweeps: int = 0
    hops: int = 0
    frames: int = 0
    dropped_samples: int = 0
    discarded_samples: int = 0
    reconnects: int = 0
    gaps_s: float = 0.0
    crystal_ppm: float | None = None
    crystal_carriers: int = 0


class CrystalTracker:
    """Running estimate of the dongle's crystal error from each hop's locked carriers."""

    def __init__(self, initial_ppm: float = 0.0) -> None:
        self.ppm = initial_ppm
        self.weight = 0.0

    def update(self, ppm: float, carriers: int) -> float:
        # Carrier-weighted mean that slowly forgets (the crystal drifts as the dongle warms up).
        self.weight = min(self.weight * 0.9, 40.0)
        self.ppm = (self.ppm * self.weight + ppm * carriers) / (self.weight + carriers)
        self.weight += carriers
        return self.ppm


class Scanner:
    """Sweep a live device over a plan; see the module docstring.

    Parameters
    ----------
    open_device : callable
        Opens (and on reconnection re-opens) the device; raises DeviceError when it cannot.
    plan : SweepPlan
    config : ScanConfig
    positions : PositionTrack, optional
        Receiver positions (gpsd/NMEA); frames get the position at their time.
    """

    def __init__(self, open_device: Callable[[], LiveDevice], plan: SweepPlan, config: ScanConfig | None = None,
                 positions: PositionTrack | None = None) -> None:
        self.open_device = open_device
        self.plan = plan
        self.cfg = config or ScanConfig(sample_rate_hz=plan.sample_rate_hz)
        self.positions = positions
        self.stats = ScanStats()
        self.crystal = CrystalTracker(self.cfg.ppm)
        self.correction = int(round(self.cfg.ppm))
        self.clock = StreamClock()
        self.device: LiveDevice | None = None
        self.ring: SampleRing | None = None
        self._stop = threading.Event()
        self._empty_since: dict[int, int] = {}  # hop index -> sweep when last found empty
        # Called with (reason, signal time) the moment the device is lost: run() yields nothing until it is
        # back (DeviceGap), and a loss between hops has no HopDone to say so.
        self.on_device_lost: Callable[[str, datetime], None] | None = None

    def stop(self) -> None:
        """Finish the current hop and return from :meth:`run` (thread-safe)."""
        self._stop.set()

    def close(self) -> None:
        if self.device is not None:
            try:
                self.device.close()
            except DeviceError as exc:
                log.debug("closing the device: %s", exc)
            self.device = None

    # -- device --------------------------------------------------------------------------------------------
    def _start_device(self) -> None:
        dev = self.open_device()
        try:
            dev.set_sample_rate(self.cfg.sample_rate_hz)
            dev.set_gain(self.cfg.gain_db)
            if self.correction:
                dev.set_ppm(self.correction)
            if self.cfg.bias_tee:
                dev.set_bias_tee(True)
            dev.set_center_freq(self.plan.hops[0].center_freq_hz)
            self.ring = SampleRing(max(4096, int(self.cfg.ring_s * self.cfg.sample_rate_hz) * BYTES_PER_SAMPLE),
                                   self.cfg.overflow)
            dev.start(self.ring)
        except BaseException:
            dev.close()
            raise
        self.device = dev

    def _reconnect(self, reason: str) -> Iterator[ScanEvent]:
        start = self.clock.now()
        wall0 = time.monotonic()
        self.close()
        delay = self.cfg.reconnect_min_s
        attempts = 0
        log.error("device lost: %s; reconnecting", reason)
        if self.on_device_lost is not None:
            self.on_device_lost(reason, start)
        last_warned = -math.inf  # a long outage: one warning a minute, not one per attempt
        while not self._stop.is_set():
            attempts += 1
            try:
                self._start_device()
            except DeviceError as exc:
                waited = time.monotonic() - wall0
                if self.cfg.give_up_after_s is not None and waited >= self.cfg.give_up_after_s:
                    raise DeviceError(f"device lost ({reason}) and not back after {waited:.0f} s "
                                      f"({attempts} attempts; last: {exc})") from None
                level = logging.WARNING if time.monotonic() - last_warned >= 60.0 else logging.DEBUG
                if level == logging.WARNING:
                    last_warned = time.monotonic()
                log.log(level, "reconnect attempt %d failed: %s; next in %.1f s", attempts, exc, delay)
                if self._stop.wait(delay):
                    return
                delay = min(self.cfg.reconnect_max_s, delay * 2)
                continue
            break
        if self.device is None:
            return
        # Nothing was received while the device was away: re-anchor signal time to the wall clock.
        outage = timedelta(seconds=time.monotonic() - wall0)
        self.clock.t0 += outage
        end = self.clock.now()
        self.stats.reconnects += 1
        self.stats.gaps_s += outage.total_seconds()
        log.warning("device back after %.1f s (%d attempts)", outage.total_seconds(), attempts)
        yield DeviceGap(start, end, reason, attempts)

    # -- sweep ---------------------------------------------------------------------------------------------
    def run(self, sweeps: int | None = None, max_signal_s: float | None = None) -> Iterator[ScanEvent]:
        """Sweep until ``sweeps`` complete sweeps, ``max_signal_s`` of signal, or :meth:`stop`.

        Raises
        ------
        DeviceError
            The device cannot be opened at the start, or did not come back within ``give_up_after_s``.
        """
        self._start_device()
        self.clock = StreamClock()
        try:
            sweep = 0
            while not self._stop.is_set() and (sweeps is None or sweep < sweeps):
                for hop in self._hops_for(sweep):
                    if self._stop.is_set() or (max_signal_s is not None and self.stats.signal_s >= max_signal_s):
                        return
                    while True:  # retry the hop after a reconnection
                        try:
                            yield from self._hop(sweep, hop)
                            break
                        except DeviceError as exc:
                            yield from self._reconnect(str(exc))
                            if self.device is None:
                                return
                sweep += 1
                self.stats.sweeps = sweep
        finally:
            self.close()

    def _hops_for(self, sweep: int) -> list[Hop]:
        out = []
        for hop in self.plan.hops:
            empty_at = self._empty_since.get(hop.index)
            if sweep == 0 or empty_at is None or (sweep - empty_at) % max(1, self.cfg.empty_every) == 0:
                out.append(hop)
        return out

    def _hop(self, sweep: int, hop: Hop) -> Iterator[ScanEvent]:
        dev, ring = self.device, self.ring
        assert dev is not None and ring is not None
        rate = self.cfg.sample_rate_hz
        dev.set_center_freq(hop.center_freq_hz)
        flushed = ring.flush() // BYTES_PER_SAMPLE
        self.clock.advance(flushed, rate)
        self.stats.discarded_samples += flushed
        hop_signal = flushed / rate
        # Bytes still in flight belong to the old frequency: read and drop `settle_s` of them.
        settle = self.cfg.settle_s if self.cfg.settle_s is not None else dev.info.settle_s
        todo = int(settle * rate)
        while todo > 0:
            x, dropped = read_samples(ring, todo, self.cfg.read_timeout_s)
            todo -= x.size
            self.clock.advance(x.size, rate)
            self.stats.discarded_samples += x.size
            self.stats.dropped_samples += dropped
            hop_signal += x.size / rate
        start_s = self.clock.signal_s
        yield HopStart(sweep, hop, self.clock.now(), dev.gain_db, self.correction)
        rx = Receiver(rate, hop.center_freq_hz, replace(self.cfg.receiver, band=hop.receiver_band))
        progress = SiProgress(self.cfg.required_si)
        block = max(1024, int(self.cfg.block_s * rate))
        decoded = 0
        dropped_hop = 0
        reason = "stopped"
        error: DeviceError | None = None
        try:
            while True:
                x, dropped = read_block(ring, block, self.cfg.read_timeout_s)
                dropped_hop += dropped
                for f in rx.process(x):
                    progress.add(f)
                    yield self._field_frame(f, start_s, sweep, hop)
                decoded += x.size
                self.clock.advance(x.size, rate)
                status = hop_status(rx, progress, decoded / rate, self.cfg.dwell)
                if status is not None:
                    reason = status
                    break
                if self._stop.is_set():
                    break
        except DeviceError as exc:
            reason, error = "device-lost", exc
        for f in rx.finish():
            progress.add(f)
            yield self._field_frame(f, start_s, sweep, hop)
        hop_signal += decoded / rate
        self.stats.signal_s = self.clock.signal_s
        self.stats.dropped_samples += dropped_hop
        self.stats.hops += 1
        yield from self._finish_hop(sweep, hop, rx, progress, reason, hop_signal, decoded / rate, dropped_hop)
        if error is not None:
            raise error

    def _field_frame(self, f: L2Frame, start_s: float, sweep: int, hop: Hop) -> FieldFrame:
        t = self.clock.t0 + timedelta(seconds=start_s + f.sample_offset / self.cfg.sample_rate_hz)
        pos = self.positions.at(t) if self.positions is not None else None
        self.stats.frames += 1
        return FieldFrame(f, t, pos, sweep, hop.index, hop.center_freq_hz)

    def _finish_hop(self, sweep: int, hop: Hop, rx: Receiver, progress: SiProgress, reason: str, signal_s: float,
                    decoded_s: float, dropped: int) -> Iterator[ScanEvent]:
        stats = rx.carrier_stats()
        carriers = tuple(CarrierResult(s.arfcn, s.bsic, progress.si_types(s.arfcn, s.bsic) if s.bsic is not None
                                       else (), s.bsic is not None and progress.complete(s.arfcn, s.bsic),
                                       s.blocks_ok, s.power_dbfs, s.freq_offset_hz) for s in stats)
        if any(c.bsic is not None for c in carriers):
            self._empty_since.pop(hop.index, None)
        elif reason in ("empty", "complete", "max-dwell"):
            self._empty_since[hop.index] = sweep
        total = None
        est = rx.locked_crystal() if any(s.sch_ok for s in stats) else None
        if est is not None and est.carriers_agreeing:
            # The receiver measured what is left after the correction the dongle applies.
            total = ((1 + est.ppm * 1e-6) * (1 + self.correction * 1e-6) - 1) * 1e6
        power = rx.arfcn_power_dbfs()
        band = tuple((a, power[a]) for a in hop.arfcns if a in power and math.isfinite(power[a]))
        yield HopDone(sweep, hop, self.clock.now(), reason, signal_s, decoded_s, carriers, total, dropped, tuple(stats),
                      band)
        if total is not None and est is not None:
            ppm = self.crystal.update(total, est.carriers_agreeing)
            self.stats.crystal_ppm = ppm
            self.stats.crystal_carriers += est.carriers_agreeing
            want = int(round(ppm))
            if self.cfg.track_crystal and want != self.correction and self.device is not None:
                self.device.set_ppm(want)
                self.correction = want
                yield CrystalUpdate(ppm, want, est.carriers_agreeing)
