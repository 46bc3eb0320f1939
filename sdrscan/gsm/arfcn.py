"""ARFCN <-> carrier frequency band plan, TS 45.005 §2.

ARFCN numbers 512-810 exist in both DCS1800 and PCS1900; a cell says which through the band indicator
(SI1 rest octets), so every conversion that can be ambiguous takes the band name explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass

from sdrscan.errors import DspParameterError

CHANNEL_SPACING_HZ = 200_000


@dataclass(frozen=True, slots=True)
class Band:
    """One GSM band: the ARFCN ranges and the uplink formula ``Fu(n) = base + 0.2 MHz * (n - first)``.

    ``ranges`` holds ``(first_arfcn, last_arfcn, uplink_hz_of_first)`` triples; the downlink sits
    ``duplex_hz`` above the uplink.
    """

    name: str
    ranges: tuple[tuple[int, int, float], ...]
    duplex_hz: float

    def contains(self, arfcn: int) -> bool:
        return any(lo <= arfcn <= hi for lo, hi, _ in self.ranges)

    def arfcns(self) -> list[int]:
        out: list[int] = []
        for lo, hi, _ in self.ranges:
            out.extend(range(lo, hi + 1))
        return out

    def uplink_hz(self, arfcn: int) -> float:
        for lo, hi, base in self.ranges:
            if lo <= arfcn <= hi:
                return base + CHANNEL_SPACING_HZ * (arfcn - lo)
        raise DspParameterError(f"ARFCN {arfcn} is not in band {self.name}")

    def downlink_hz(self, arfcn: int) -> float:
        return self.uplink_hz(arfcn) + self.duplex_hz

    def downlink_range_hz(self) -> tuple[float, float]:
        freqs = [self.downlink_hz(a) for lo, hi, _ in self.ranges for a in (lo, hi)]
        return min(freqs), max(freqs)


# TS 45.005 §2, "Frequency bands and channel arrangement". E-GSM and R-GSM extend P-GSM below 890 MHz
# with ARFCN 0 and 975..1023 (R-GSM from 955). Uplink of ARFCN n in 975..1023: 890 + 0.2 (n - 1024) MHz.
BANDS: dict[str, Band] = {
    "GSM450": Band("GSM450", ((259, 293, 450.6e6),), 10e6),
    "GSM480": Band("GSM480", ((306, 340, 479.0e6),), 10e6),
    "GSM850": Band("GSM850", ((128, 251, 824.2e6),), 45e6),
    "P-GSM900": Band("P-GSM900", ((1, 124, 890.2e6),), 45e6),
    "E-GSM900": Band("E-GSM900", ((975, 1023, 880.2e6), (0, 124, 890.0e6)), 45e6),
    "R-GSM900": Band("R-GSM900", ((955, 1023, 876.2e6), (0, 124, 890.0e6)), 45e6),
    "DCS1800": Band("DCS1800", ((512, 885, 1710.2e6),), 95e6),
    "PCS1900": Band("PCS1900", ((512, 810, 1850.2e6),), 80e6),
}

# Band names a user types (`--band GSM900`) mapped to the plan used for sweeping.
BAND_ALIASES: dict[str, str] = {"GSM900": "E-GSM900", "EGSM": "E-GSM900", "PGSM": "P-GSM900",
                                "DCS": "DCS1800", "PCS": "PCS1900", "850": "GSM850"}

# Search order when only a frequency is known: the narrowest 900 MHz plan first, DCS before PCS.
_LOOKUP_ORDER = ("P-GSM900", "E-GSM900", "R-GSM900", "GSM850", "DCS1800", "PCS1900", "GSM450", "GSM480")


def get_band(name: str) -> Band:
    key = BAND_ALIASES.get(name.upper(), name.upper())
    for band_name, band in BANDS.items():
        if band_name.upper() == key:
            return band
    raise DspParameterError(f"unknown band {name!r}; expected one of {', '.join(BANDS)} or GSM900")


def arfcn_to_downlink_hz(arfcn: int, band: str | None = None) -> float:
    """Downlink carrier frequency of ``arfcn``; ``band`` resolves 512-810 (DCS1800 unless told PCS1900).

    >>> arfcn_to_downlink_hz(93)
    953600000.0
    >>> arfcn_to_downlink_hz(725)
    1847800000.0
    """
    if band is not None:
        return get_band(band).downlink_hz(arfcn)
    for name in ("R-GSM900", "GSM850", "DCS1800", "GSM450", "GSM480"):
        if BANDS[name].contains(arfcn):
            return BANDS[name].downlink_hz(arfcn)
    raise DspParameterError(f"ARFCN {arfcn} is in no GSM band (TS 45.005 §2)")


def downlink_hz_to_arfcn(freq_hz: float, tolerance_hz: float = 1.0) -> tuple[int, str] | None:
    """The ``(arfcn, band)`` whose downlink carrier lies within ``tolerance_hz`` of ``freq_hz``, or None.

    >>> downlink_hz_to_arfcn(935.0e6)
    (0, 'E-GSM900')
    >>> downlink_hz_to_arfcn(953.6e6)
    (93, 'P-GSM900')
    """
    for name in _LOOKUP_ORDER:
        band = BANDS[name]
        for lo, hi, base in band.ranges:
            n = lo + round((freq_hz - band.duplex_hz - base) / CHANNEL_SPACING_HZ)
            if lo <= n <= hi and abs(band.downlink_hz(n) - freq_hz) <= tolerance_hz:
                return n, name
    return None


def arfcns_between(lo_hz: float, hi_hz: float) -> list[tuple[int, float]]:
    """Every downlink ARFCN (and its frequency) with its carrier in ``[lo_hz, hi_hz]``, sorted by frequency."""
    seen: dict[float, int] = {}
    for name in _LOOKUP_ORDER:
        band = BANDS[name]
        for n in band.arfcns():
            f = band.downlink_hz(n)
            if lo_hz <= f <= hi_hz and f not in seen:
                seen[f] = n
    return sorted(((n, f) for f, n in seen.items()), key=lambda t: t[1])
