"""Sweep planning: which centre frequencies cover a GSM band with a dongle, and what the tuner cannot reach.

A hop is one tuning. Its usable width is what the receiver's filter bank extracts cleanly
(``plan_channelizer(rate).usable_offset_hz()``: +-1.06 MHz at 2.4 MS/s) minus a margin for the crystal
error before it is known (50 ppm: 48 kHz at 960 MHz). Channels sit on the 200 kHz raster (TS 45.005 §2);
by default a hop takes an even number of them so that its centre falls between two channels, away from
the dongle's DC spur: 10 channels at 2.4 MS/s, so the 174 channels of E-GSM900 take 18 hops.

R820T/R828D tuners stop at 1766 MHz. The DCS1800 downlink (ARFCN 512-885, 1805.2-1879.8 MHz) and the
PCS1900 downlink (1930.2-1989.8 MHz) lie wholly above that, so with those dongles *no* channel of either
band can be scanned; the plan lists them as unreachable and says so instead of letting the PLL fail.
E4000 dongles (52-1100 and 1250-2200 MHz) reach both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from dsp.channelizer import plan_channelizer
from sdrscan.errors import ConfigError, DspParameterError
from sdrscan.gsm.arfcn import BANDS, CHANNEL_SPACING_HZ
from sdrscan.sources.live import TUNERS, TunerModel

# What `sdrscan scan --band` accepts -> band plans (TS 45.005 §2). GSM900 means E-GSM (ARFCN 975-1023, 0-124).
BAND_CHOICES: dict[str, tuple[str, ...]] = {
    "GSM850": ("GSM850",),
    "GSM900": ("E-GSM900",),
    "DCS1800": ("DCS1800",),
    "PCS1900": ("PCS1900",),
    "ALL": ("GSM850", "E-GSM900", "DCS1800", "PCS1900"),
}
DEFAULT_MARGIN_PPM = 50.0


@dataclass(frozen=True, slots=True)
class Hop:
    """One tuning of a sweep: the centre frequency and the channels (ARFCNs of ``band``) it covers."""

    index: int
    center_freq_hz: float
    band: str
    arfcns: tuple[int, ...]

    @property
    def receiver_band(self) -> str | None:
        """What resolves ARFCN 512-810 in the receiver (``DCS1800`` or ``PCS1900``), None elsewhere."""
        return self.band if self.band in ("DCS1800", "PCS1900") else None


@dataclass(frozen=True, slots=True)
class SweepPlan:
    """The hops of a sweep, in frequency order, and the channels left out."""

    bands: tuple[str, ...]
    sample_rate_hz: float
    tuner: str
    hops: tuple[Hop, ...]
    unreachable: tuple[tuple[str, tuple[int, ...]], ...]  # (band, ARFCNs the tuner cannot reach)
    notes: tuple[str, ...]

    @property
    def channels(self) -> int:
        return sum(len(h.arfcns) for h in self.hops)


def usable_halfwidth_hz(sample_rate_hz: float, top_freq_hz: float, margin_ppm: float = DEFAULT_MARGIN_PPM) -> float:
    """Largest carrier offset from a hop's centre: the filter bank's clean band minus the crystal margin."""
    return plan_channelizer(sample_rate_hz).usable_offset_hz() - margin_ppm * 1e-6 * top_freq_hz


def _group(freqs: list[float], halfwidth: float, avoid_dc: bool) -> list[tuple[float, list[int]]]:
    """Greedy cover of sorted channel frequencies by windows of +-halfwidth; returns (centre, indices)."""
    per_hop = int(math.floor(2 * halfwidth / CHANNEL_SPACING_HZ + 1e-9)) + 1
    if avoid_dc and per_hop % 2 == 1 and per_hop > 1:
        per_hop -= 1
    out: list[tuple[float, list[int]]] = []
    i = 0
    while i < len(freqs):
        first = freqs[i]
        idx = [j for j in range(i, len(freqs)) if freqs[j] - first <= (per_hop - 1) * CHANNEL_SPACING_HZ + 1.0]
        last = freqs[idx[-1]]
        centre = 0.5 * (first + last)
        if avoid_dc and len(idx) % 2 == 1 and len(idx) > 0:
            # An odd number of channels puts the centre on one of them: move half a channel if it still fits.
            if last + 0.5 * CHANNEL_SPACING_HZ - centre <= halfwidth + 1.0:
                centre += 0.5 * CHANNEL_SPACING_HZ
        out.append((centre, idx))
        i = idx[-1] + 1
    return out


def resolve_bands(band: str | Sequence[str]) -> tuple[str, ...]:
    """Band plan names for ``--band`` (``GSM900``, ``DCS1800``, ``GSM850``, ``PCS1900``, ``ALL``).

    Raises
    ------
    ConfigError
        For an unknown name.
    """
    names = [band] if isinstance(band, str) else list(band)
    out: list[str] = []
    for n in names:
        key = n.strip().upper().replace("-", "")
        key = {"EGSM900": "GSM900", "EGSM": "GSM900", "900": "GSM900", "1800": "DCS1800", "850": "GSM850",
               "1900": "PCS1900"}.get(key, key)
        if key not in BAND_CHOICES:
            raise ConfigError(f"--band {n!r}: expected one of {', '.join(BAND_CHOICES)}")
        out.extend(b for b in BAND_CHOICES[key] if b not in out)
    return tuple(out)


def plan_sweep(band: str | Sequence[str], sample_rate_hz: float = 2.4e6, tuner: TunerModel | None = None, *,
               margin_ppm: float = DEFAULT_MARGIN_PPM, avoid_dc: bool = True) -> SweepPlan:
    """Hops that cover ``band`` with a dongle at ``sample_rate_hz``.

    Parameters
    ----------
    band : str or sequence of str
        ``--band`` values (see :func:`resolve_bands`).
    sample_rate_hz : float
        2.0-2.4 MS/s gives 2.0-2.4 MHz hops.
    tuner : TunerModel, optional
        Default R820T; channels it cannot tune to are reported in ``unreachable`` and ``notes``.
    margin_ppm : float
        Crystal error allowed for before calibration.
    avoid_dc : bool
        Keep the hop centre between channels.

    Raises
    ------
    ConfigError
        Unknown band, or a rate too low for one channel per hop.
    """
    tuner = tuner or TUNERS[5]
    bands = resolve_bands(band)
    hops: list[Hop] = []
    unreachable: list[tuple[str, tuple[int, ...]]] = []
    notes: list[str] = []
    for name in bands:
        plan_band = BANDS[name]
        chans = sorted((plan_band.downlink_hz(a), a) for a in plan_band.arfcns())
        top = chans[-1][0]
        try:
            half = usable_halfwidth_hz(sample_rate_hz, top, margin_ppm)
        except DspParameterError as exc:
            raise ConfigError(f"sample rate {sample_rate_hz / 1e6:g} MS/s is too low to scan GSM ({exc}); use 2.4M") \
                from None
        if half < 0:
            raise ConfigError(f"sample rate {sample_rate_hz / 1e6:g} MS/s is too low to scan GSM; use 2.4M")
        # A channel is reachable if some centre within +-half of it is a frequency the tuner locks to.
        ok = [(f, a) for f, a in chans if any(lo <= f + half and f - half <= hi for lo, hi in tuner.ranges_hz)]
        missing = tuple(a for f, a in chans if (f, a) not in ok)
        if missing:
            unreachable.append((name, missing))
            lo_f, hi_f = plan_band.downlink_range_hz()
            gone = "wholly out of reach" if not ok else f"{len(missing)} of {len(chans)} channels out of reach"
            alt = " (an E4000 tuner reaches it)" if tuner.code != 1 and TUNERS[1].covers(lo_f, hi_f) else ""
            notes.append(f"{name} downlink {lo_f / 1e6:.1f}-{hi_f / 1e6:.1f} MHz is {gone} of the {tuner.name} "
                         f"tuner ({tuner.describe_range()}){alt}")
        freqs = [f for f, _ in ok]
        for centre, idx in _group(freqs, half, avoid_dc):
            # Keep the LO inside the tuner's range (channels near a range edge are still within +-half).
            rng = next(((lo, hi) for lo, hi in tuner.ranges_hz if lo - half <= centre <= hi + half), None)
            if rng is not None:
                centre = min(max(centre, rng[0]), rng[1])
            hops.append(Hop(len(hops), centre, name, tuple(ok[j][1] for j in idx)))
    if not hops:
        raise ConfigError(f"nothing to scan with this dongle: {'; '.join(notes) or 'no channels'}")
    return SweepPlan(bands, float(sample_rate_hz), tuner.name, tuple(hops), tuple(unreachable), tuple(notes))
