"""The wideband receiver: sample blocks in, L2 frames of every C0 carrier in the capture out.

One :class:`Receiver` per capture (one centre frequency and rate). It buffers the first
``acquisition_s`` of signal to find the carriers (FCCH tones anywhere in the band), fits one crystal error
to them, then streams every candidate carrier out of the shared filter bank into its own
:class:`~sdrscan.pipeline.carrier.CarrierReceiver`. Memory stays bounded: only the acquisition buffer and
a few frames of each channel are ever held. Candidates whose SCH never decodes are dropped, so a tone
that was not an FCCH costs a few milliseconds and invents nothing.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dsp.channelizer import plan_channelizer
from sdrscan.errors import DspParameterError
from sdrscan.gsm.arfcn import arfcn_to_downlink_hz, arfcns_between
from sdrscan.pipeline.acquisition import (
    CarrierCandidate,
    CrystalEstimate,
    assign_arfcn,
    estimate_crystal,
    search_carriers,
)
from sdrscan.pipeline.carrier import CarrierReceiver, CarrierState, ChannelGeometry
from sdrscan.pipeline.channelizer import StreamingChannelizer
from sdrscan.pipeline.records import CarrierStats, L2Frame, SyncEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReceiverConfig:
    sps: int = 2
    acquisition_s: float = 0.3  # >= 6 FCCH bursts of every carrier
    reacquire_every_s: float = 10.0  # look for carriers that appeared later (0 = never)
    fcch_threshold: float = 18.0
    max_carriers: int = 48
    band: str | None = None  # resolves ARFCN 512-810 (DCS1800 unless "PCS1900")
    crystal_ppm: float | None = None  # known receiver crystal error (calibrate, previous hop), as a prior


class Receiver:
    """Feed :meth:`process` with consecutive complex64 blocks; call :meth:`finish` at the end."""

    def __init__(self, sample_rate_hz: float, center_freq_hz: float, config: ReceiverConfig | None = None,
                 on_frame: Callable[[L2Frame, CarrierReceiver], None] | None = None,
                 on_sync: Callable[[SyncEvent], None] | None = None) -> None:
        self.cfg = config or ReceiverConfig()
        self.sample_rate_hz = float(sample_rate_hz)
        self.center_freq_hz = float(center_freq_hz)
        self.plan = plan_channelizer(sample_rate_hz, sps=self.cfg.sps)
        half = self.plan.usable_offset_hz()
        if not arfcns_between(center_freq_hz - half, center_freq_hz + half):
            raise DspParameterError(
                f"centre frequency {center_freq_hz / 1e6:.4f} MHz: no GSM downlink channel within "
                f"+-{half / 1e3:.0f} kHz; tune to a GSM band (e.g. 935-960 MHz) or pass --center-freq"
            )
        self.chan = StreamingChannelizer(self.plan)
        self.on_frame = on_frame
        self.on_sync = on_sync
        self.carriers: list[CarrierReceiver] = []
        self.retired: list[CarrierStats] = []
        self.copies_dropped = 0  # carriers dropped as copies of another (see _dedupe)
        self.crystal: CrystalEstimate | None = None
        self.samples_in = 0
        self._acq: list[np.ndarray] | None = []
        self._acq_len = int(self.cfg.acquisition_s * sample_rate_hz)
        self._recent: deque[np.ndarray] = deque()
        self._recent_len = 0
        self._next_reacq = self.cfg.reacquire_every_s * sample_rate_hz if self.cfg.reacquire_every_s else None
        self._power_sum = np.zeros(self.plan.fft_size)
        self._power_blocks = 0
        h2 = self.plan.filter.astype(np.float64) ** 2
        self._noise_bw_hz = float(np.sum(h2) * self.plan.out_rate_hz / self.plan.out_fft_size)
        self._lead_in = 0.0  # channel sample g is input sample g * in_rate / out_rate (see dsp.channelizer)

    # -- public ---------------------------------------------------------------------------------------

    def process(self, x: np.ndarray) -> list[L2Frame]:
        x = np.asarray(x, np.complex64)
        self.samples_in += x.size
        if self._acq is not None:
            self._acq.append(x)
            if sum(a.size for a in self._acq) < self._acq_len:
                return []
            buffered = np.concatenate(self._acq)
            self._acq = None
            self._acquire(buffered, stream_index=0)
            return self._feed(buffered)
        self._remember(x)
        frames = self._feed(x)
        if self._next_reacq is not None and self.samples_in >= self._next_reacq:
            self._next_reacq += self.cfg.reacquire_every_s * self.sample_rate_hz
            self._reacquire()
        return frames

    def finish(self) -> list[L2Frame]:
        frames: list[L2Frame] = []
        if self._acq is not None:  # shorter than the acquisition window: use what there is
            buffered = np.concatenate(self._acq) if self._acq else np.zeros(0, np.complex64)
            self._acq = None
            if buffered.size:
                self._acquire(buffered, stream_index=0)
                frames.extend(self._feed(buffered))
        end = self.samples_in * self.plan.out_rate_hz / self.sample_rate_hz
        for c in self.carriers:
            c.data_end = end
        self.chan.flush()
        frames.extend(self._extract_all())
        for c in self.carriers:
            frames.extend(self._emit(c, c.finish()))
        return frames

    def carrier_stats(self) -> list[CarrierStats]:
        """Every carrier that locked at least once, strongest first."""
        stats = [c.stats for c in self.carriers if c.stats.locks] + [s for s in self.retired if s.locks]
        return sorted(stats, key=lambda s: -(s.power_dbfs if s.bursts else -1e9))

    def locked_crystal(self) -> CrystalEstimate | None:
        """Crystal error from the carriers that locked (their SCH decoded), which are certainly GSM C0s.

        Each carrier's offset from its ARFCN's nominal frequency gives ``-offset / nominal`` (ppm); BTS
        are accurate to 0.05 ppm (TS 45.010 §5.1), so the spread is the receiver's estimation noise.
        """
        vals = [-s.freq_offset_hz / s.freq_hz * 1e6 for s in self.carrier_stats() if s.sch_ok]
        if not vals:
            return self.crystal
        med = float(np.median(vals))
        agree = [v for v in vals if abs(v - med) <= 1.0]
        return CrystalEstimate(float(np.mean(agree)), len(agree), float(np.ptp(agree)) if len(agree) > 1 else 0.0)

    def arfcn_power_dbfs(self) -> dict[int, float]:
        """Mean power per ARFCN in the capture (dBFS in 200 kHz), from the filter bank's spectra."""
        if not self._power_blocks:
            return {}
        p = self._power_sum / self._power_blocks / (self.plan.fft_size ** 2)
        freqs = np.fft.fftfreq(self.plan.fft_size, 1.0 / self.sample_rate_hz)
        half = self.plan.usable_offset_hz()
        out = {}
        for arfcn, f in arfcns_between(self.center_freq_hz - half, self.center_freq_hz + half):
            sel = np.abs(freqs - (f - self.center_freq_hz)) <= 100e3
            out[arfcn] = float(10 * np.log10(max(np.sum(p[sel]), 1e-20)))
        return out

    # -- internals ----------------------------------------------------------------------------------

    def _acquire(self, x: np.ndarray, stream_index: int, known_only_new: bool = False) -> None:
        half = self.plan.usable_offset_hz()
        found = search_carriers(x, self.sample_rate_hz, self.cfg.fcch_threshold, max_offset_hz=half)
        periodic = [c for c in found if len(c.events) >= 2]
        est = estimate_crystal([self.center_freq_hz + c.offset_hz for c in (periodic or found[:1])],
                               prior_ppm=self.cfg.crystal_ppm)
        if est is not None and (self.crystal is None or est.carriers_agreeing >= self.crystal.carriers_agreeing):
            self.crystal = est
        for cand in found:
            if len(self.carriers) >= self.cfg.max_carriers:
                break
            if known_only_new and self._tracked(cand.offset_hz):
                continue
            self._add_carrier(cand, stream_index if not known_only_new else None)

    def _tracked(self, offset_hz: float) -> bool:
        return any(abs(c.geo.channel_centre_hz + c.freq.freq_hz - self.center_freq_hz - offset_hz) < 60e3
                   for c in self.carriers if c.state is not CarrierState.ABANDONED)

    def _add_carrier(self, cand: CarrierCandidate, stream_index: int | None) -> None:
        ppm = self.crystal.ppm if self.crystal else (self.cfg.crystal_ppm or 0.0)
        absolute = self.center_freq_hz + cand.offset_hz
        hit = assign_arfcn(absolute, ppm)
        if hit is None:
            return
        arfcn, band = hit
        if band in ("DCS1800", "PCS1900") and self.cfg.band:
            band = self.cfg.band
        nominal = arfcn_to_downlink_hz(arfcn, band)
        k, residual = self.plan.centre_bin(cand.offset_hz)
        geo = ChannelGeometry(
            sps=self.cfg.sps, out_rate_hz=self.plan.out_rate_hz, in_rate_hz=self.sample_rate_hz,
            nominal_hz=nominal, arfcn=arfcn, centre_bin=k, channel_centre_hz=self.center_freq_hz + k * self.plan.bin_hz,
            noise_bandwidth_hz=self._noise_bw_hz, lead_in=self._lead_in,
        )
        hints: list[float] = []
        if stream_index is not None:
            rate = self.plan.out_rate_hz / self.sample_rate_hz
            hints = [(stream_index + ev.time_s * self.sample_rate_hz) * rate + self._lead_in for ev in cand.events]
        # An RTL-SDR's one crystal clocks both the LO and the ADC: the sample clock is off by the same ppm,
        # with the sign that makes a receiver tuned high (positive ppm) sample fast.
        self.carriers.append(CarrierReceiver(geo, residual, hints, clock_ppm=ppm,
                                             stream_start=self.chan.out_samples_done))

    def _feed(self, x: np.ndarray) -> list[L2Frame]:
        if self.chan.push(x) == 0:
            return []
        return self._extract_all()

    def _extract_all(self) -> list[L2Frame]:
        p = self.chan.power_per_bin()
        if p.size and np.any(p):
            self._power_sum += p * self.chan.last_blocks
            self._power_blocks += self.chan.last_blocks
        frames: list[L2Frame] = []
        for c in self.carriers:
            if c.state is CarrierState.ABANDONED:
                continue
            locks = c.stats.locks
            out = c.feed(self.chan.extract(c.geo.centre_bin))
            if c.stats.locks > locks and self._is_copy(c):
                continue  # dropped before any of its frames leaves the receiver
            frames.extend(self._emit(c, out))
        self._dedupe()
        return frames

    def _is_copy(self, c: CarrierReceiver) -> bool:
        """A carrier that just locked onto a transmission another, stronger carrier already tracks."""
        for k in self.carriers:
            if k is not c and self._same_transmission(k, c) and k.stats.power_dbfs >= c.stats.power_dbfs:
                log.info("ARFCN %d (BSIC %s) is a copy of ARFCN %d: dropped", c.geo.arfcn, c.bsic, k.geo.arfcn)
                self.copies_dropped += 1
                c.state = CarrierState.ABANDONED
                c.stats.locks = 0  # not a cell: never reported
                return True
        return False

    def _emit(self, carrier: CarrierReceiver, frames: list[L2Frame]) -> list[L2Frame]:
        if carrier.sync_events:
            if self.on_sync is not None:
                for ev in carrier.sync_events:
                    self.on_sync(ev)
            carrier.sync_events.clear()
        if self.on_frame is not None:
            for f in frames:
                self.on_frame(f, carrier)
        return frames

    def _dedupe(self) -> None:
        """Drop abandoned candidates, and carriers that are copies of another locked carrier.

        A copy has the same BSIC and its bursts arrive at the same instants (same FN at the same sample, to
        a few samples): it is the same transmission seen twice, not a second cell. That happens when two
        candidate tones lead to one cell, and when a strong cell leaves distortion products elsewhere in the
        band (an 8-bit dongle at too low a gain quantises a weak band into spurs): a clone rule must never
        see such a copy. Independent BTS never share a frame clock to the microsecond, even a cloned cell.
        The weaker of the two is dropped.
        """
        keep: list[CarrierReceiver] = []
        for c in self.carriers:
            if c.state is CarrierState.ABANDONED:
                if c.stats.locks:
                    self.retired.append(c.stats)
                continue
            twin = next((k for k in keep if self._same_transmission(k, c)), None)
            if twin is None:
                keep.append(c)
                continue
            weaker = c if c.stats.power_dbfs <= twin.stats.power_dbfs else twin
            log.info("ARFCN %d (BSIC %s) is a copy of ARFCN %d: dropped", weaker.geo.arfcn, weaker.bsic,
                     (twin if weaker is c else c).geo.arfcn)
            self.copies_dropped += 1
            if weaker is twin:
                keep[keep.index(twin)] = c
        self.carriers = keep

    @staticmethod
    def _same_transmission(a: CarrierReceiver, b: CarrierReceiver) -> bool:
        # A carrier that lost lock keeps its timing model, which extrapolates well over seconds.
        if (a.stats.locks == 0 or b.stats.locks == 0 or a.bsic is None or a.bsic != b.bsic
                or a.timing is None or b.timing is None):
            return False
        fn = max(a.next_fn, b.next_fn)
        return abs(a.timing.predict(fn) - b.timing.predict(fn)) < 4 * a.geo.sps

    def _remember(self, x: np.ndarray) -> None:
        self._recent.append(x)
        self._recent_len += x.size
        while self._recent and self._recent_len - self._recent[0].size >= self._acq_len:
            self._recent_len -= self._recent.popleft().size

    def _reacquire(self) -> None:
        if not self._recent:
            return
        seg = np.concatenate(self._recent)[-self._acq_len:]
        self._acquire(seg, stream_index=0, known_only_new=True)
