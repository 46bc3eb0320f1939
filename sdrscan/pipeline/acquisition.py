"""Carrier search: which C0 (BCCH) carriers are in a wideband capture, and where their FCCH bursts are.

A C0 carrier is recognised by its FCCH bursts: a tone 67.708 kHz above the carrier lasting 148 symbols
(0.546 ms), repeated every 10 or 11 TDMA frames (TS 45.002 §7 Table 3). The search looks at the whole
band at once (no per-channel assumption), so the crystal error of a cheap dongle (up to +-50 ppm: +-47 kHz
at 950 MHz, +-92 kHz at 1.85 GHz) cannot push a tone out of view: the carrier is ``tone - 67.708 kHz``, and
the ARFCN follows from a joint fit of one crystal error to every carrier found.

Spurs (a dongle's own tones, DC) are continuous, so a tone must also be *short* to count as an FCCH.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dsp.constants import FCCH_TONE_HZ, FRAME_DURATION_S
from dsp.fcch import Spectrogram, ToneHit, find_tones, tone_spectrogram
from sdrscan.gsm.arfcn import CHANNEL_SPACING_HZ, downlink_hz_to_arfcn

FCCH_DURATION_S = 148 / (1625000.0 / 6.0)


@dataclass(frozen=True, slots=True)
class FcchEvent:
    """One FCCH burst seen in the spectrogram."""

    time_s: float  # start of the first spectrogram frame containing it (from the segment start)
    tone_hz: float  # tone offset from the capture centre
    peak_ratio: float


@dataclass(frozen=True, slots=True)
class CarrierCandidate:
    """A carrier whose FCCH was seen: ``offset_hz`` from the capture centre, with the FCCH times."""

    offset_hz: float
    events: tuple[FcchEvent, ...]

    @property
    def score(self) -> float:
        return float(sum(e.peak_ratio for e in self.events))


def fcch_events(spec: Spectrogram, hits: list[ToneHit], freq_tol_hz: float = 2.5e3) -> list[FcchEvent]:
    """Group tone hits that are contiguous in time and frequency; keep those as long as an FCCH burst."""
    hop_s = (spec.frame_starts[1] - spec.frame_starts[0]) / spec.sample_rate_hz if spec.frame_starts.size > 1 else 1.0
    win_s = spec.nfft / spec.sample_rate_hz
    # A 0.546 ms tone fully fills a window of win_s for (0.546 - win_s) / hop frames, and partly fills a few
    # more; anything lasting over ~2 burst lengths is a spur, not an FCCH.
    max_frames = int(np.ceil((FCCH_DURATION_S + win_s) / hop_s)) + 1
    open_groups: list[list[ToneHit]] = []
    done: list[list[ToneHit]] = []
    for hit in sorted(hits, key=lambda h: (h.frame, h.freq_hz)):
        placed = False
        for g in open_groups:
            if hit.frame - g[-1].frame <= 1 and abs(hit.freq_hz - g[-1].freq_hz) <= freq_tol_hz:
                if hit.frame != g[-1].frame:
                    g.append(hit)
                elif hit.ratio > g[-1].ratio:
                    g[-1] = hit
                placed = True
                break
        if not placed:
            open_groups.append([hit])
        still = []
        for g in open_groups:
            (still if hit.frame - g[-1].frame <= 1 else done).append(g)
        open_groups = still
    done.extend(open_groups)
    events = []
    for g in done:
        if len(g) > max_frames:
            continue  # continuous tone: a spur
        best = max(g, key=lambda h: h.ratio)
        # Ratio-weighted frequency over the group (the tone is constant, the estimate per frame is noisy).
        w = np.array([h.ratio for h in g])
        f = float(np.sum(w * np.array([h.freq_hz for h in g])) / np.sum(w))
        events.append(FcchEvent(float(spec.frame_starts[g[0].frame] / spec.sample_rate_hz), f, best.ratio))
    return sorted(events, key=lambda e: e.time_s)


def group_carriers(events: list[FcchEvent], freq_tol_hz: float = 3e3, min_events: int = 1) -> list[CarrierCandidate]:
    """Cluster FCCH events by carrier frequency; strongest carriers first."""
    clusters: list[list[FcchEvent]] = []
    for ev in sorted(events, key=lambda e: -e.peak_ratio):
        for c in clusters:
            if abs(c[0].tone_hz - ev.tone_hz) <= freq_tol_hz:
                c.append(ev)
                break
        else:
            clusters.append([ev])
    out = []
    for c in clusters:
        if len(c) < min_events:
            continue
        c.sort(key=lambda e: e.time_s)
        spacing_ok = len(c) == 1 or _periodic(c)
        if not spacing_ok:
            continue
        w = np.array([e.peak_ratio for e in c])
        tone = float(np.sum(w * np.array([e.tone_hz for e in c])) / np.sum(w))
        out.append(CarrierCandidate(tone - FCCH_TONE_HZ, tuple(c)))
    return sorted(out, key=lambda c: -c.score)


# Gaps (mod 51 frames) between two FCCH frames of the 51-multiframe (FCCH at FN mod 51 = 0,10,20,30,40).
_FCCH_GAPS_MOD51 = frozenset((b - a) % 51 for a in (0, 10, 20, 30, 40) for b in (0, 10, 20, 30, 40))


def _periodic(events: list[FcchEvent], tolerance_frames: float = 0.3) -> bool:
    """True when some pair of events is separated by a gap the FCCH schedule allows."""
    times = [e.time_s for e in events]
    for i in range(len(times)):
        for j in range(i + 1, len(times)):
            gap = (times[j] - times[i]) / FRAME_DURATION_S
            k = round(gap)
            if abs(gap - k) <= tolerance_frames and k > 0 and k % 51 in _FCCH_GAPS_MOD51:
                return True
    return False


def search_carriers(x: np.ndarray, sample_rate_hz: float, threshold: float = 18.0,
                    max_offset_hz: float | None = None) -> list[CarrierCandidate]:
    """Find C0 carriers in a wideband segment (a few hundred ms is enough: FCCH repeats every ~46 ms).

    ``max_offset_hz`` bounds the *carrier* offset from the centre; tones are searched wherever the capture
    has them (up to 100 kHz short of Nyquist), since a carrier near the upper edge has its FCCH tone
    67.7 kHz further out.
    """
    spec = tone_spectrogram(x, sample_rate_hz)
    hits = find_tones(spec, threshold=threshold, max_abs_hz=sample_rate_hz / 2 - 100e3)
    found = group_carriers(fcch_events(spec, hits))
    if max_offset_hz is not None:
        found = [c for c in found if abs(c.offset_hz) <= max_offset_hz]
    return found


@dataclass(frozen=True, slots=True)
class CrystalEstimate:
    """Receiver frequency error fitted to the carriers found: positive = the dongle tunes high."""

    ppm: float
    carriers_agreeing: int
    spread_ppm: float


def assign_arfcn(freq_hz: float, ppm: float) -> tuple[int, str] | None:
    """The ARFCN of a carrier observed at ``freq_hz`` by a receiver whose crystal is ``ppm`` off."""
    return downlink_hz_to_arfcn(freq_hz * (1.0 + ppm * 1e-6), tolerance_hz=CHANNEL_SPACING_HZ / 2)


def estimate_crystal(observed_hz: list[float], max_ppm: float = 60.0, prior_ppm: float | None = None,
                     prior_tolerance_ppm: float = 3.0) -> CrystalEstimate | None:
    """Jointly fit one crystal error to all carriers: each carrier's offset from the GSM raster, tried for
    the nearest and the two neighbouring raster positions, votes for a ppm; the value most carriers agree
    on (within 1.5 ppm) wins. With one carrier the nearest raster position is taken.

    A ``prior_ppm`` (from ``sdrscan calibrate`` or the previous hop of a sweep) keeps only votes within
    ``prior_tolerance_ppm`` of it: at 1.8 GHz, 50 ppm is 92 kHz, so a lone carrier's raster position is
    ambiguous without one.
    """
    if not observed_hz:
        return None
    votes: list[tuple[float, int]] = []
    for i, f in enumerate(observed_hz):
        n = round(f / CHANNEL_SPACING_HZ)
        for k in (n - 1, n, n + 1):
            raster = k * CHANNEL_SPACING_HZ
            ppm = (raster - f) / f * 1e6  # true = observed * (1 + ppm)
            if prior_ppm is not None and abs(ppm - prior_ppm) > prior_tolerance_ppm:
                continue
            if abs(ppm) <= max_ppm:
                votes.append((ppm, i))
    best: CrystalEstimate | None = None
    for ppm, _ in votes:
        members = {i: p for p, i in votes if abs(p - ppm) <= 1.5}
        vals = np.array(list(members.values()))
        est = CrystalEstimate(float(np.median(vals)), len(members), float(np.ptp(vals)) if vals.size > 1 else 0.0)
        if best is None or (est.carriers_agreeing, -abs(est.ppm)) > (best.carriers_agreeing, -abs(best.ppm)):
            best = est
    return best
