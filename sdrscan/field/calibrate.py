"""Crystal calibration: the dongle's frequency error from the GSM carriers around it, with no prior estimate.

A BTS is accurate to 0.05 ppm (TS 45.010 §5.1), so every GSM carrier is a frequency reference. The
receiver's acquisition finds FCCH tones anywhere in a hop, whatever the crystal error, and fits one error to
all carriers against the 200 kHz raster; once a carrier's SCH decodes (which proves it is GSM and fixes its
ARFCN) its tracked frequency gives the error to a few hundredths of a ppm. At +-50 ppm a 900 MHz carrier is
at most 48 kHz off, less than half a channel, so the raster fit is unambiguous there (at 1800 MHz 50 ppm is
90 kHz, too close to 100 kHz: calibrate in GSM900 or GSM850). kalibrate-rtl, by contrast, searches each
channel with a narrow filter and needs a prior estimate when the error exceeds about 20-30 ppm.

:func:`calibrate` tunes hop after hop of the plan and stops as soon as ``min_carriers`` locked carriers
agree, or after ``max_signal_s``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from sdrscan.errors import DeviceError
from sdrscan.field.plan import SweepPlan
from sdrscan.pipeline.carrier import CarrierState
from sdrscan.pipeline.receiver import Receiver, ReceiverConfig
from sdrscan.sources.live import BYTES_PER_SAMPLE, LiveDevice, SampleRing, read_block, read_samples

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CarrierError:
    """One locked carrier's measurement: the crystal error it implies (ppm, positive = dongle tunes high)."""

    arfcn: int
    bsic: int
    ppm: float
    power_dbfs: float
    sch_ok: int


@dataclass(frozen=True, slots=True)
class CalibrationResult:
    ppm: float  # crystal error: positive means the dongle tunes high
    carriers: tuple[CarrierError, ...]  # the ones that agree (within 1 ppm of the median)
    rejected: tuple[CarrierError, ...]
    spread_ppm: float
    signal_s: float
    hops_tried: int
    wall_s: float

    def to_json(self) -> dict[str, object]:
        return {"ppm": round(self.ppm, 3), "correction": int(round(self.ppm)), "spread_ppm": round(self.spread_ppm, 3),
                "signal_s": round(self.signal_s, 2), "hops_tried": self.hops_tried,
                "carriers": [{"arfcn": c.arfcn, "bsic": c.bsic, "ppm": round(c.ppm, 3),
                              "power_dbfs": round(c.power_dbfs, 1)} for c in self.carriers]}


def _agree(errors: list[CarrierError]) -> tuple[list[CarrierError], list[CarrierError]]:
    if not errors:
        return [], []
    med = float(np.median([e.ppm for e in errors]))
    ok = [e for e in errors if abs(e.ppm - med) <= 1.0]
    return ok, [e for e in errors if abs(e.ppm - med) > 1.0]


def calibrate(device: LiveDevice, plan: SweepPlan, *, min_carriers: int = 2, max_signal_s: float = 10.0,
              hop_s: float = 1.2, min_sch: int = 3, settle_s: float | None = None, gain_db: float | None = 40.2,
              read_timeout_s: float = 5.0, overflow: str = "drop") -> CalibrationResult:
    """Measure ``device``'s crystal error from the carriers of ``plan``'s hops.

    The device's current ppm correction is cleared first, so the result is the raw crystal error.

    Parameters
    ----------
    min_carriers : int
        Stop when this many locked carriers agree (within 1 ppm of their median).
    max_signal_s : float
        Give up (with what was found, or an error if nothing) after this much signal.
    hop_s : float
        Most signal spent on one hop (the acquisition alone is 0.3 s; an SCH follows within 11 frames).
    min_sch : int
        SCH bursts a carrier needs before its frequency counts.

    Raises
    ------
    DeviceError
        When no carrier locked within ``max_signal_s`` (no GSM in reach, antenna, gain).
    """
    rate = plan.sample_rate_hz
    device.set_sample_rate(rate)
    device.set_gain(gain_db)
    device.set_ppm(0)
    ring = SampleRing(max(4096, int(0.5 * rate) * BYTES_PER_SAMPLE), overflow)
    device.set_center_freq(plan.hops[0].center_freq_hz)
    device.start(ring)
    settle = settle_s if settle_s is not None else device.info.settle_s
    wall0 = time.monotonic()
    signal = 0.0
    found: list[CarrierError] = []
    tried = 0
    try:
        for hop in plan.hops:
            if signal >= max_signal_s:
                break
            tried += 1
            device.set_center_freq(hop.center_freq_hz)
            signal += ring.flush() / BYTES_PER_SAMPLE / rate
            todo = int(settle * rate)
            while todo > 0:
                x, _ = read_samples(ring, todo, read_timeout_s)
                todo -= x.size
                signal += x.size / rate
            rx = Receiver(rate, hop.center_freq_hz, ReceiverConfig(band=hop.receiver_band, reacquire_every_s=0.0))
            fed = 0
            block = int(0.05 * rate)
            while fed < hop_s * rate and signal < max_signal_s:
                x, _ = read_block(ring, block, read_timeout_s)
                rx.process(x)
                fed += x.size
                signal += x.size / rate
                if fed >= 0.3 * rate:
                    live = [c for c in rx.carriers if c.state is not CarrierState.ABANDONED]
                    ready = [s for s in rx.carrier_stats() if s.sch_ok >= min_sch]
                    if not live or (len(ready) >= len(live) and ready):
                        break
            hop_errors = [CarrierError(s.arfcn, s.bsic, -s.freq_offset_hz / s.freq_hz * 1e6, s.power_dbfs, s.sch_ok)
                          for s in rx.carrier_stats() if s.sch_ok >= min_sch and s.bsic is not None]
            found.extend(hop_errors)
            if hop_errors:
                log.info("calibrate: hop %.1f MHz: %s", hop.center_freq_hz / 1e6,
                         ", ".join(f"ARFCN {e.arfcn} {e.ppm:+.2f} ppm" for e in hop_errors))
            ok, _ = _agree(found)
            if len(ok) >= min_carriers:
                break
    finally:
        device.stop()
    ok, bad = _agree(found)
    if not ok:
        raise DeviceError(f"no GSM carrier locked in {signal:.1f} s of signal over {tried} hop(s) of "
                          f"{', '.join(plan.bands)}; check the antenna and gain, or try another --band")
    # Stronger carriers measure better: weight by linear power.
    w = np.array([10 ** (e.power_dbfs / 10) for e in ok])
    ppm = float(np.sum(w * np.array([e.ppm for e in ok])) / np.sum(w))
    spread = float(np.ptp([e.ppm for e in ok])) if len(ok) > 1 else 0.0
    return CalibrationResult(ppm, tuple(ok), tuple(bad), spread, signal, tried, time.monotonic() - wall0)
