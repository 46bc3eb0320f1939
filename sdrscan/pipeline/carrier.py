"""Per-carrier receiver: a state machine over one channel stream (TS 45.002 timeslot 0 of a C0 carrier).

``FCCH_SEARCH`` pins an FCCH burst down (start, frequency); ``SCH_SEARCH`` decodes the SCH one frame later
(BSIC, full frame number, fine timing); ``SYNCHRONIZED`` demodulates every TS0 burst where the 51-multiframe
puts it, tracks timing and frequency, and decodes 4-burst blocks into L2 frames. Losing the SCH for several
multiframes in a row drops back to ``FCCH_SEARCH``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from enum import Enum

import numpy as np

from dsp.bursts import normal_burst_payload, sch_burst_payload
from dsp.coding import sch_decode, sch_decode_batch, xcch_decode_batch
from dsp.constants import BURST_BITS, FRAME_DURATION_S, FRAME_SYMBOLS, HYPERFRAME, SCH_FN_MOD51, TSC_BITS
from dsp.equalizer import (
    DemodResult,
    demodulate_bursts,
    dummy_burst_layout,
    normal_burst_layout,
    sch_burst_layout,
    training_fit,
)
from dsp.fcch import refine_fcch
from sdrscan.gsm.multiframe import Channel, tn0_layout
from sdrscan.gsm.rr.dispatch import try_parse_rr
from sdrscan.gsm.rr.messages import SystemInformation3
from sdrscan.pipeline.records import CarrierStats, L2Frame, SyncEvent
from sdrscan.pipeline.tracking import FrequencyTracker, TimingTracker

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _BurstOut:
    """One demodulated TS0 normal burst waiting for the rest of its 4-burst block."""

    payload: np.ndarray  # float32 (114,) soft data bits
    power: float
    snr_lin: float
    start: float  # channel sample index


class CarrierState(Enum):
    FCCH_SEARCH = "fcch-search"
    SCH_SEARCH = "sch-search"
    SYNCHRONIZED = "synchronized"
    ABANDONED = "abandoned"


@dataclass(frozen=True, slots=True)
class ChannelGeometry:
    """How a carrier's channel stream relates to the capture."""

    sps: int
    out_rate_hz: float
    in_rate_hz: float
    nominal_hz: float  # the ARFCN's downlink frequency
    arfcn: int
    centre_bin: int  # filter-bank bin the channel is centred on
    channel_centre_hz: float  # absolute frequency the channel stream is centred on
    noise_bandwidth_hz: float  # of the channel filter, for SNR in 200 kHz
    lead_in: float  # channel sample index corresponding to input sample 0


# FCCH quality (share of a 148-symbol window's energy in the tone's bin) needed to try an SCH: noise gives
# ~0.01-0.05, an FCCH at 0 dB SNR ~0.45.
_FCCH_MIN_QUALITY = 0.25
_SCH_MAX_DELAY = 8
_NB_MAX_DELAY = 3
_MAX_SCH_MISSES = 15  # three 51-multiframes without a good SCH: the lock is gone
_MAX_ACQ_FAILURES = 12
# Acquisition accepts an SCH only if the decoded word re-encodes to within this many of the 78 coded bits:
# noise that happens to pass the 10-bit parity sits ~12+ bits from the nearest codeword, a real SCH at
# 2 dB SNR a handful.
_SCH_MAX_BIT_ERRORS = 9

# Frame positions are the same in both TS0 configurations (TS 45.002 §7 Table 3); only the names of the
# blocks from frame 22 on differ (CCCH, or SDCCH/4 and SACCH/C4 when CCCH_CONF = 1).
_SEPARATE = tn0_layout(False)
_COMBINED = tn0_layout(True)
_NAMES = {Channel.BCCH: "BCCH", Channel.CCCH: "CCCH", Channel.SDCCH4: "SDCCH/4", Channel.SACCH4: "SACCH/4"}
_PENDING = "CCCH?"  # a block from frame 22 on, named once SI3 has told CCCH_CONF


def channel_name(fn_mod51: int, combined: bool | None) -> str:
    """JSON name of the TS0 block starting at ``fn_mod51``; ``combined=None`` when not yet known."""
    sep, comb = _SEPARATE[fn_mod51].channel, _COMBINED[fn_mod51].channel
    if sep == comb:
        return _NAMES[sep]
    if combined is None:
        return _PENDING
    return _NAMES[comb if combined else sep]


class CarrierReceiver:
    """Turns one carrier's channel stream into L2 frames. Feed it samples in order with :meth:`feed`."""

    def __init__(self, geometry: ChannelGeometry, freq_offset_hz: float, hints: list[float],
                 clock_ppm: float = 0.0, stream_start: int = 0) -> None:
        self.geo = geometry
        self.state = CarrierState.FCCH_SEARCH
        self.buf = np.empty(0, np.complex64)
        self.buf_start = stream_start  # channel sample index of buf[0]
        self.freq = FrequencyTracker(freq_offset_hz, FRAME_DURATION_S)
        self.hints = sorted(hints)
        self.clock_ppm = clock_ppm
        self.timing: TimingTracker | None = None
        self.bsic: int | None = None
        self.next_fn = 0
        self.sch_misses = 0
        self.acq_failures = 0
        self.blind_from = float(stream_start)
        self._fcch_start = 0.0
        self._partial: dict[int, dict[int, _BurstOut]] = {}
        self._held: list[L2Frame] = []
        # Channel sample index where the real data ends (set at end of stream); bursts reaching past it
        # would be demodulated from the filter bank's zero padding, so they are not attempted.
        self.data_end = math.inf
        self.sync_events: list[SyncEvent] = []  # drained by the owner
        self.ccch_combined: bool | None = None
        self.stats = CarrierStats(arfcn=geometry.arfcn, freq_hz=geometry.nominal_hz)
        self._sps = geometry.sps
        self._burst_len = BURST_BITS * geometry.sps
        self._frame_len = FRAME_SYMBOLS * geometry.sps

    # -- plumbing -----------------------------------------------------------------------------------

    @property
    def buf_end(self) -> int:
        return self.buf_start + self.buf.size

    def feed(self, y: np.ndarray) -> list[L2Frame]:
        """Append channel samples and run the state machine as far as they allow."""
        self.buf = np.concatenate([self.buf, np.asarray(y, np.complex64)]) if self.buf.size else np.array(
            y, np.complex64)
        out: list[L2Frame] = []
        while True:
            before = (self.state, self.buf_start, self.next_fn, len(self.hints), self.blind_from)
            if self.state is CarrierState.FCCH_SEARCH:
                self._fcch_search()
            elif self.state is CarrierState.SCH_SEARCH:
                self._sch_search()
            elif self.state is CarrierState.SYNCHRONIZED:
                out.extend(self._synchronized())
            else:
                break
            if (self.state, self.buf_start, self.next_fn, len(self.hints), self.blind_from) == before:
                break
        return out

    def finish(self) -> list[L2Frame]:
        """End of stream: release frames held back while the CCCH configuration was unknown."""
        held, self._held = self._held, []
        return [self._label(f) for f in held]

    def _trim(self, keep_from: float) -> None:
        cut = int(keep_from) - self.buf_start
        if cut > 0:
            cut = min(cut, self.buf.size)
            self.buf = self.buf[cut:]
            self.buf_start += cut

    # -- FCCH_SEARCH --------------------------------------------------------------------------------

    def _fcch_search(self) -> None:
        window = 6 * 270  # +- 6 ms around a hint: the spectrogram's time resolution is far better
        if self.hints:
            h = self.hints[0]
            lo, hi = h - window, h + window
            if hi + self._burst_len + self._frame_len + 40 * self._sps > self.buf_end:
                return  # wait for the SCH that follows too
            self.hints.pop(0)
            self._try_fcch(lo, hi)
            return
        # Blind search, in windows of one 51-multiframe (an FCCH is never more than 11 frames away).
        span = 12 * self._frame_len
        lo = max(self.blind_from, self.buf_start)
        if lo + span + self._burst_len + self._frame_len + 40 * self._sps > self.buf_end:
            self._trim(lo - self._burst_len)
            return
        self.blind_from = lo + span - self._burst_len
        self._try_fcch(lo, lo + span)

    def _try_fcch(self, lo: float, hi: float) -> None:
        fix = refine_fcch(self.buf, self.geo.out_rate_hz, self._sps, int(lo) - self.buf_start,
                          int(hi) - self.buf_start, self.freq.freq_hz)
        if fix is None or fix.quality < _FCCH_MIN_QUALITY:
            self._acq_failed()
            return
        self.freq.freq_hz = fix.freq_offset_hz
        self._fcch_start = float(fix.start + self.buf_start)
        self.state = CarrierState.SCH_SEARCH

    def _acq_failed(self) -> None:
        self.acq_failures += 1
        if self.acq_failures >= _MAX_ACQ_FAILURES and self.stats.locks == 0:
            self.state = CarrierState.ABANDONED
            self.buf = np.empty(0, np.complex64)

    # -- SCH_SEARCH ---------------------------------------------------------------------------------

    def _sch_search(self) -> None:
        # The SCH is on TS0 of the frame after the FCCH (TS 45.002 §7 Table 3: FN mod 51 = FCCH + 1).
        pred = self._fcch_start + self._frame_len * (1.0 + self.clock_ppm * 1e-6)
        if pred + self._burst_len + (_SCH_MAX_DELAY + 12) * self._sps > self.buf_end:
            return
        res = self._demod([pred], sch_burst_layout(), _SCH_MAX_DELAY)
        sch = sch_decode(sch_burst_payload(res.soft[0]))
        if sch is None or sch.fn % 51 not in SCH_FN_MOD51 or sch.bit_errors > _SCH_MAX_BIT_ERRORS:
            self.stats.sch_failed += 1
            self._acq_failed()
            self.state = CarrierState.FCCH_SEARCH
            self.blind_from = pred
            return
        log.debug("SCH at %.0f: BSIC %d FN %d, %d bit errors", pred, sch.bsic, sch.fn, sch.bit_errors)
        start = pred + res.timing_sym[0] * self._sps
        self.bsic = sch.bsic
        self.stats.bsic = sch.bsic
        self.stats.sch_ok += 1
        self.stats.locks += 1
        self._account(res)
        self._sync_event(sch.fn, start, res, 0)
        # Unwrapped frame numbers internally; FN mod 51 is the same (the hyperframe is a multiple of 51).
        self.timing = TimingTracker(sch.fn, start, self._sps, self.clock_ppm)
        self.next_fn = sch.fn + 1
        self.sch_misses = 0
        self.state = CarrierState.SYNCHRONIZED
        log.debug("ARFCN %d locked: BSIC %d FN %d", self.geo.arfcn, sch.bsic, sch.fn)

    # -- SYNCHRONIZED -------------------------------------------------------------------------------

    def _demod(self, starts: list[float], layout, max_delay: int) -> DemodResult:
        rel = np.asarray(starts, np.float64) - self.buf_start
        return demodulate_bursts(self.buf, rel, self.freq.freq_hz, self.geo.out_rate_hz, self._sps, layout,
                                 max_delay)

    def _synchronized(self) -> list[L2Frame]:
        assert self.timing is not None and self.bsic is not None
        margin = (_NB_MAX_DELAY + 12) * self._sps
        fns: list[int] = []
        fn = self.next_fn
        while (self.timing.predict(fn) + self._burst_len + margin <= self.buf_end
               and self.timing.predict(fn) + self._burst_len <= self.data_end and len(fns) < 64):
            fns.append(fn)
            fn += 1
        if not fns:
            return []
        self.next_fn = fn
        normal: list[int] = []
        schs: list[int] = []
        fcchs: list[int] = []
        for f in fns:
            kind = _SEPARATE[f % 51].channel
            if kind is Channel.FCCH:
                fcchs.append(f)
            elif kind is Channel.SCH:
                schs.append(f)
            elif kind is not Channel.IDLE:
                normal.append(f)
        frames = self._normal_bursts(normal)
        self._sch_bursts(schs)
        self._fcch_bursts(fcchs)
        # Keep a block's worth of frames: a failed block's bursts are re-fitted to tell idle from failed.
        self._trim(self.timing.predict(self.next_fn) - margin - 5 * self._frame_len)
        if self.sch_misses >= _MAX_SCH_MISSES:
            log.info("ARFCN %d lost lock at FN %d", self.geo.arfcn, self.next_fn)
            self.stats.lock_losses += 1
            self.state = CarrierState.FCCH_SEARCH
            self.blind_from = self.timing.predict(self.next_fn)
            self._partial.clear()
        return frames

    def _normal_bursts(self, fns: list[int]) -> list[L2Frame]:
        if not fns:
            return []
        assert self.timing is not None and self.bsic is not None
        starts = [self.timing.predict(f) for f in fns]
        # On C0 the training sequence code of TS0 equals the BCC (TS 45.002 §5.2.3).
        res = self._demod(starts, normal_burst_layout(self.bsic & 7), _NB_MAX_DELAY)
        fn_arr = np.asarray(fns)
        self._update_timing(fn_arr, np.asarray(starts), res)
        self._update_frequency(fn_arr, res)
        payloads = normal_burst_payload(res.soft)
        complete: list[tuple[int, list[_BurstOut]]] = []
        for i, f in enumerate(fns):
            idx = _SEPARATE[f % 51].burst
            first = f - idx
            slot = self._partial.setdefault(first, {})
            slot[idx] = _BurstOut(payloads[i], float(res.power[i]), float(res.snr_lin[i]), starts[i])
            if len(slot) == 4:
                del self._partial[first]
                complete.append((first, [slot[k] for k in range(4)]))
        # Blocks that can no longer complete (a burst missed at a lock change) are dropped.
        for first in [k for k in self._partial if k < fns[-1] - 4]:
            del self._partial[first]
        return self._release(self._decode_blocks(complete))

    def _decode_blocks(self, blocks: list[tuple[int, list[_BurstOut]]]) -> list[L2Frame]:
        if not blocks:
            return []
        batch = xcch_decode_batch(np.stack([[b.payload for b in bursts] for _, bursts in blocks]))
        frames: list[L2Frame] = []
        for i, (first_fn, bursts) in enumerate(blocks):
            if not batch.ok[i] and self._idle(bursts):
                self.stats.blocks_idle += 1  # dummy bursts: nothing was sent, not a decode failure
                continue
            power = sum(b.power for b in bursts) / 4.0
            snr_lin = sum(b.snr_lin for b in bursts) / 4.0
            for b in bursts:
                self._account_burst(b.power, b.snr_lin)
            if not batch.ok[i]:
                self.stats.blocks_failed += 1
                continue
            frames.append(self._frame(first_fn, batch.octets[i].tobytes(), power, snr_lin, bursts[0].start))
        return frames

    def _idle(self, bursts: list[_BurstOut]) -> bool:
        """True when most of a failed block's bursts fit the dummy burst better than our TSC."""
        starts = [b.start for b in bursts if b.start - 20 * self._sps >= self.buf_start]
        if len(starts) < 3:
            return False
        rel = np.asarray(starts) - self.buf_start
        dummy = training_fit(self.buf, rel, self.freq.freq_hz, self.geo.out_rate_hz, self._sps,
                             dummy_burst_layout(), _NB_MAX_DELAY)
        tsc = np.array([b.snr_lin for b in bursts if b.start - 20 * self._sps >= self.buf_start])
        return int(np.count_nonzero(dummy > 2.0 * tsc)) >= 3

    def _frame(self, first_fn: int, data: bytes, power: float, snr_lin: float, start: float) -> L2Frame:
        self.stats.blocks_ok += 1
        if self.ccch_combined is None and _SEPARATE[first_fn % 51].channel is Channel.BCCH:
            # CCCH_CONF (SI3 control channel description) names the blocks from frame 22 on.
            msg = try_parse_rr(data)
            if isinstance(msg, SystemInformation3):
                self.set_ccch_combined(msg.control_channel_description.combined_ccch)
        fn_out = first_fn % HYPERFRAME
        self.stats.first_fn = fn_out if self.stats.first_fn is None else self.stats.first_fn
        self.stats.last_fn = fn_out
        in_sample = int(round((start - self.geo.lead_in) * self.geo.in_rate_hz / self.geo.out_rate_hz))
        return L2Frame(
            arfcn=self.geo.arfcn, freq_hz=self.geo.nominal_hz, bsic=int(self.bsic or 0), fn=fn_out, tn=0,
            channel=channel_name(first_fn % 51, self.ccch_combined), data=data,
            power_dbfs=10.0 * math.log10(max(power, 1e-20)), snr_db=self._snr_db(snr_lin),
            freq_offset_hz=self.offset_hz, sample_offset=in_sample,
        )

    @property
    def offset_hz(self) -> float:
        """Carrier frequency as received minus the ARFCN's nominal frequency (crystal error included)."""
        return self.geo.channel_centre_hz + self.freq.freq_hz - self.geo.nominal_hz

    def _account(self, res: DemodResult) -> None:
        """Fold demodulated SCH bursts into the carrier's power/SNR statistics."""
        for p, q in zip(res.power.tolist(), res.snr_lin.tolist(), strict=True):
            self._account_burst(p, q)

    def _account_burst(self, power: float, snr_lin: float) -> None:
        self.stats.bursts += 1
        self.stats.power_dbfs_sum += 10.0 * math.log10(max(power, 1e-20))
        self.stats.snr_db_sum += self._snr_db(snr_lin)
        self.stats.freq_offset_hz = self.offset_hz

    def _snr_db(self, snr_lin: float) -> float:
        # snr_lin is CIR energy over the noise in the channel filter's bandwidth; rescale to 200 kHz.
        return 10.0 * math.log10(max(snr_lin * self.geo.noise_bandwidth_hz / 200e3, 1e-6))

    def _release(self, frames: list[L2Frame]) -> list[L2Frame]:
        """Hold blocks whose channel name depends on CCCH_CONF until SI3 tells it."""
        out: list[L2Frame] = []
        for fr in frames:
            if self.ccch_combined is None and fr.channel == _PENDING:
                self._held.append(fr)
            else:
                out.append(fr)
        if self.ccch_combined is not None and self._held:
            out = [self._label(f) for f in self._held] + out
            self._held = []
        elif len(self._held) > 400:  # ~2 s of blocks without an SI3: stop waiting
            out = [self._label(f) for f in self._held] + out
            self._held = []
        return out

    def _label(self, fr: L2Frame) -> L2Frame:
        if fr.channel != _PENDING:
            return fr
        name = channel_name(fr.fn % 51, bool(self.ccch_combined))
        return L2Frame(fr.arfcn, fr.freq_hz, fr.bsic, fr.fn, fr.tn, name, fr.data, fr.power_dbfs, fr.snr_db,
                       fr.freq_offset_hz, fr.sample_offset)

    def set_ccch_combined(self, combined: bool) -> None:
        self.ccch_combined = combined
        self.stats.ccch_combined = combined

    def _sch_bursts(self, fns: list[int]) -> None:
        if not fns:
            return
        assert self.timing is not None
        starts = [self.timing.predict(f) for f in fns]
        res = self._demod(starts, sch_burst_layout(), _NB_MAX_DELAY)
        self._account(res)
        good = np.zeros(len(fns), bool)
        decoded = sch_decode_batch(np.stack([sch_burst_payload(res.soft[i]) for i in range(len(fns))]))
        for i, (f, sch) in enumerate(zip(fns, decoded, strict=True)):
            if sch is not None and sch.bsic == self.bsic and sch.fn == f % HYPERFRAME:
                good[i] = True
                self._sync_event(sch.fn, starts[i], res, i)
                self.sch_misses = 0
                self.stats.sch_ok += 1
            else:
                self.sch_misses += 1
                self.stats.sch_failed += 1
        if good.any():
            self._update_timing(np.asarray(fns)[good], np.asarray(starts)[good], res, good)

    def _sync_event(self, fn: int, start: float, res: DemodResult, i: int) -> None:
        in_sample = int(round((start - self.geo.lead_in) * self.geo.in_rate_hz / self.geo.out_rate_hz))
        self.sync_events.append(SyncEvent(
            self.geo.arfcn, self.geo.nominal_hz, int(self.bsic or 0), fn % HYPERFRAME,
            10.0 * math.log10(max(float(res.power[i]), 1e-20)), self._snr_db(float(res.snr_lin[i])),
            self.offset_hz, in_sample))

    def _fcch_bursts(self, fns: list[int]) -> None:
        """Absolute frequency check on the first FCCH of every fourth 51-multiframe (a guard against the
        phase tracker slipping by a multiple of its +-108 Hz range; about once a second is plenty)."""
        assert self.timing is not None
        for f in fns:
            if f % (4 * 51) != 0:
                continue
            p = self.timing.predict(f)
            fix = refine_fcch(self.buf, self.geo.out_rate_hz, self._sps, int(p) - 3 * self._sps - self.buf_start,
                              int(p) + 3 * self._sps - self.buf_start, self.freq.freq_hz, nfft=1024,
                              max_dev_hz=1500.0)
            if fix is not None and fix.quality >= _FCCH_MIN_QUALITY:
                self.freq.add_fcch(fix.freq_offset_hz)

    def _update_timing(self, fns: np.ndarray, starts: np.ndarray, res: DemodResult,
                       mask: np.ndarray | None = None) -> None:
        assert self.timing is not None
        timing = res.timing_sym if mask is None else res.timing_sym[mask]
        snr = res.snr_lin if mask is None else res.snr_lin[mask]
        keep = snr >= 2.0  # below 3 dB the timing of a single burst is mostly noise
        if keep.any():
            self.timing.add(fns[keep], starts[keep] + timing[keep] * self._sps, snr[keep])

    def _update_frequency(self, fns: np.ndarray, res: DemodResult) -> None:
        # Phase step of the channel estimate between bursts one frame apart, both well received.
        if fns.size < 2:
            return
        consecutive = (np.diff(fns) == 1) & (res.snr_lin[1:] >= 2.0) & (res.snr_lin[:-1] >= 2.0)
        if not consecutive.any():
            return
        cross = np.sum(res.cir[1:] * np.conj(res.cir[:-1]), axis=1)[consecutive]
        # The channel stream's mixer runs continuously, so a perfect correction leaves the phase constant.
        assert self.timing is not None
        dt = self.timing.slope / self.geo.out_rate_hz
        residual = np.angle(cross) / (2.0 * np.pi * dt)
        weights = np.minimum(res.snr_lin[1:], res.snr_lin[:-1])[consecutive]
        self.freq.add_phase_steps(residual, weights)


def tsc_for(bsic: int) -> np.ndarray:
    """Training sequence of TS0 on C0: TSC = BCC, the low 3 bits of the BSIC (TS 45.002 §5.2.3)."""
    return TSC_BITS[bsic & 7]
