"""One pass over a source measuring what a user wants to know first: level, peak, clipping, damage."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sdrscan.sources.base import DEFAULT_BLOCK_SIZE
from sdrscan.sources.reader import StreamSource


@dataclass(frozen=True, slots=True)
class PowerSummary:
    """Levels of a whole recording, relative to a full-scale complex sinusoid (0 dBFS, amplitude 1.0).

    Attributes
    ----------
    num_samples : int
        Complex samples read.
    mean_power_dbfs, peak_power_dbfs, dc_offset_dbfs : float or None
        ``10 log10 mean |x|^2``, ``10 log10 max |x|^2`` and ``20 log10 |mean x|``; None when the value is 0.
    full_scale_components : int or None
        I or Q values at the ends of the integer code range (ADC clipping); None for float formats.
    nonfinite_samples, truncated_bytes : int
        Damage found while reading (see :class:`~sdrscan.sources.base.SourceStats`).
    """

    num_samples: int
    mean_power_dbfs: float | None
    peak_power_dbfs: float | None
    dc_offset_dbfs: float | None
    full_scale_components: int | None
    nonfinite_samples: int
    truncated_bytes: int


def _db(power: float) -> float | None:
    return 10.0 * math.log10(power) if power > 0 else None


def measure_power(source: StreamSource, block_size: int = DEFAULT_BLOCK_SIZE,
                  on_block: Callable[[int], None] | None = None) -> PowerSummary:
    """Read ``source`` once and measure its level.

    Parameters
    ----------
    source : StreamSource
    block_size : int
        Samples per read.
    on_block : callable, optional
        Called with the number of samples of each block (progress bars).
    """
    fmt = source.fmt
    limits = None
    if not fmt.is_float:
        info = np.iinfo(fmt.component)
        # Full-scale codes map exactly to these float32 values (see formats.decode).
        limits = (np.float32((info.min - fmt.offset) / fmt.scale), np.float32((info.max - fmt.offset) / fmt.scale))
    total_p = 0.0
    total_x = 0j
    peak = 0.0
    at_limit = 0
    n = 0
    for block in source.blocks(block_size):
        x = block.samples
        iq = x.view(np.float32)
        p = np.square(iq)
        p = p[0::2] + p[1::2]
        total_p += float(p.sum(dtype=np.float64))
        total_x += complex(x.sum(dtype=np.complex128))
        if p.size:
            peak = max(peak, float(p.max()))
        if limits is not None:
            at_limit += int(np.count_nonzero((iq <= limits[0]) | (iq >= limits[1])))
        n += x.size
        if on_block is not None:
            on_block(x.size)
    st = source.stats
    return PowerSummary(num_samples=n, mean_power_dbfs=_db(total_p / n) if n else None,
                        peak_power_dbfs=_db(peak), dc_offset_dbfs=_db(abs(total_x / n) ** 2) if n else None,
                        full_scale_components=at_limit if limits is not None else None,
                        nonfinite_samples=st.nonfinite_zeroed, truncated_bytes=st.truncated_bytes)
