"""Write NMEA logs for tests: a slow drive north-west out of Dublin, one RMC and one GGA per second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from sdrscan.gps.nmea import nmea_checksum

START = datetime(2024, 5, 1, 11, 59, 50, tzinfo=UTC)


def _dm(value: float, deg_digits: int) -> str:
    v = abs(value)
    deg = int(v)
    return f"{deg:0{deg_digits}d}{(v - deg) * 60:07.4f}"


def sentence(body: str) -> str:
    return f"${body}*{nmea_checksum(body)}"


def track(n: int, seed: int = 5) -> list[tuple[datetime, float, float, float]]:
    """``n`` fixes one second apart: (time, lat, lon, altitude m)."""
    rng = np.random.default_rng(seed)
    lat, lon, alt = 53.3498, -6.2603, 20.0
    out = []
    for i in range(n):
        out.append((START + timedelta(seconds=i), lat, lon, round(alt, 1)))
        lat += float(rng.uniform(0.00005, 0.0002))
        lon -= float(rng.uniform(0.00005, 0.0002))
        alt += float(rng.uniform(-0.5, 0.5))
    return out


def write_log(path: Path, n: int, *, seed: int = 5, knots: float = 12.3, course: float = 315.0) -> list:
    fixes = track(n, seed)
    lines = []
    for t, lat, lon, alt in fixes:
        hms = t.strftime("%H%M%S") + ".00"
        ns, ew = ("N" if lat >= 0 else "S"), ("E" if lon >= 0 else "W")
        lines.append(sentence(f"GPRMC,{hms},A,{_dm(lat, 2)},{ns},{_dm(lon, 3)},{ew},{knots:05.1f},{course:05.1f},"
                              f"{t.strftime('%d%m%y')},,,A"))
        lines.append(sentence(f"GPGGA,{hms},{_dm(lat, 2)},{ns},{_dm(lon, 3)},{ew},1,09,0.9,{alt:.1f},M,55.0,M,,"))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
    return fixes
