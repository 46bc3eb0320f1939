"""Receiver noise added to the summed cells (the uint8 quantisation is the SigMF writer's cu8 encoding).

SNR convention (``docs/snr.md``): carrier power over the noise power in a 200 kHz bandwidth. The noise is
white over the whole capture, so its total power is the 200 kHz figure times ``rate_hz / 200 kHz``.
Powers are in dBFS: 0 dBFS is a full-scale complex sinusoid of amplitude 1.0.
"""

from __future__ import annotations

import math

import numpy as np

SNR_BANDWIDTH_HZ: float = 200e3  # one GSM channel (TS 45.005 §2 channel spacing)


def noise_power_200khz_dbfs(signal_power_dbfs: float, snr_db: float) -> float:
    """Noise power (dBFS) in 200 kHz that gives ``snr_db`` for a carrier of ``signal_power_dbfs``.

    >>> noise_power_200khz_dbfs(-20.0, 10.0)
    -30.0
    """
    return signal_power_dbfs - snr_db


def noise_variance(noise_200khz_dbfs: float, rate_hz: float) -> float:
    """Total complex noise power ``E|n|^2`` per sample of white noise at ``rate_hz``.

    >>> round(10 * math.log10(noise_variance(-30.0, 2.4e6)), 3)
    -19.208
    """
    return 10 ** (noise_200khz_dbfs / 10) * rate_hz / SNR_BANDWIDTH_HZ


def add_awgn(x: np.ndarray, variance: float, rng: np.random.Generator) -> np.ndarray:
    """Add circular complex Gaussian noise of total power ``variance`` to ``x`` (complex64, in place)."""
    if variance <= 0:
        return x
    sd = math.sqrt(variance / 2.0)
    noise = rng.standard_normal((x.size, 2), dtype=np.float32)
    noise *= sd
    x += noise.view(np.complex64).reshape(-1)
    return x
