"""Static multipath profiles for synthesized cells.

The named profiles are the 6-tap tapped-delay-line settings of TS 45.005 Annex C.3 (COST 207 derived).
We use them *static*: each path gets a fixed complex gain (magnitude from the profile, phase drawn once
from the seed), not the Rayleigh fading of the conformance tests, so a recording is reproducible and a
receiver sees a time-invariant but frequency-selective channel. Gains are normalised to unit total power
so ``power_db`` stays the cell's mean received power.
"""

from __future__ import annotations

import math

import numpy as np

from sdrscan.errors import ConfigError
from sdrscan.synth.scene import MultipathTap

# TS 45.005 Annex C.3: (relative delay in microseconds, average relative power in dB).
PROFILES: dict[str, tuple[tuple[float, float], ...]] = {
    # C.3.3 Typical case for urban area, 6-tap setting (TU6).
    "TU6": ((0.0, -3.0), (0.2, 0.0), (0.5, -2.0), (1.6, -6.0), (2.3, -8.0), (5.0, -10.0)),
    # C.3.1 Typical case for rural area (non-hilly), 6-tap setting (RA6).
    "RA6": ((0.0, 0.0), (0.1, -4.0), (0.2, -8.0), (0.3, -12.0), (0.4, -16.0), (0.5, -20.0)),
}


def resolve_taps(multipath: str | tuple[MultipathTap, ...] | None,
                 rng: np.random.Generator) -> tuple[MultipathTap, ...]:
    """The static taps of a cell: one unit tap when ``None``; normalised to unit total power.

    Parameters
    ----------
    multipath : profile name, explicit taps or None
        As parsed from the scene.
    rng : numpy.random.Generator
        Draws the path phases of a named profile (uniform in [0, 2 pi)).
    """
    if multipath is None:
        return (MultipathTap(0.0, 1.0 + 0j),)
    if isinstance(multipath, str):
        try:
            profile = PROFILES[multipath.upper()]
        except KeyError:
            raise ConfigError(f"multipath profile {multipath!r} unknown; expected one of "
                              f"{', '.join(PROFILES)}") from None
        phases = rng.uniform(0.0, 2 * math.pi, len(profile))
        taps = tuple(MultipathTap(d_us * 1e-6, 10 ** (p_db / 20) * complex(math.cos(ph), math.sin(ph)))
                     for (d_us, p_db), ph in zip(profile, phases, strict=True))
    else:
        taps = tuple(multipath)
    energy = sum(abs(t.gain) ** 2 for t in taps)
    if energy <= 0:
        raise ConfigError("multipath taps have zero total power; give at least one tap a finite power_db")
    scale = 1.0 / math.sqrt(energy)
    return tuple(MultipathTap(t.delay_s, t.gain * scale) for t in sorted(taps, key=lambda t: t.delay_s))
