"""Parse frequencies and rates the way users type them (``953.6M``, ``2.4e6``, ``270.833k``)."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from sdrscan.errors import ConfigError

_SUFFIX = {"": 0, "k": 3, "m": 6, "g": 9}  # powers of ten
_HZ_RE = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([kmg]?)\s*(?:hz|s/s|sps)?\s*$", re.I)


def parse_hz(text: str | float | int) -> float:
    """A frequency or sample rate in Hz from a number with an optional k/M/G suffix.

    >>> parse_hz("953.6M")
    953600000.0
    >>> parse_hz("2.4e6")
    2400000.0
    >>> parse_hz("270.833k")
    270833.0
    >>> parse_hz(1e6)
    1000000.0

    Raises
    ------
    ConfigError
        If the text is not a finite number with an optional suffix (``k``, ``M``, ``G``; ``Hz`` allowed).
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        value = float(text)
    else:
        m = _HZ_RE.match(str(text))
        if m is None:
            raise ConfigError(f"cannot read {text!r} as a frequency; expected a number with an optional "
                              f"k/M/G suffix, e.g. 953.6M or 2.4e6")
        # Decimal keeps "947.6M" exactly 947600000.0 (binary floats would round the product).
        value = float(Decimal(m.group(1)).scaleb(_SUFFIX[m.group(2).lower()]))
    if not math.isfinite(value):
        raise ConfigError(f"frequency {text!r} is not finite; expected e.g. 953.6M")
    return value
