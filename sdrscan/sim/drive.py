"""A drive for the simulated dongle: the receiver moves along a path and each cell's power follows its distance.

Drive file (JSON)::

    {"path": [{"t": 0, "lat": 53.3400, "lon": -6.2700}, {"t": 120, "lat": 53.3500, "lon": -6.2500}],
     "cells": [{"arfcn": 60, "lat": 53.3450, "lon": -6.2600, "power_db": -25}],
     "exponent": 3.5, "ref_distance_m": 1000, "min_distance_m": 30, "alt_m": 20}

``path`` gives positions at signal times ``t`` (seconds from the start of the simulation), interpolated
linearly and held after the last point; instead of ``path``, ``waypoints`` (``[[lat, lon], ...]``) and
``speed_mps`` give the same at a constant speed. A listed cell's power is ``power_db`` (dBFS at the
simulator's reference gain) at ``ref_distance_m``, and falls off as the log-distance path-loss model
``power_db - 10 * exponent * log10(d / ref_distance_m)`` (Rappaport, *Wireless Communications*, §4.9),
with ``d`` never below ``min_distance_m``. Cells not listed keep their scene power.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sdrscan.errors import ConfigError

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius

_KEYS = {"path", "waypoints", "speed_mps", "cells", "exponent", "ref_distance_m", "min_distance_m", "alt_m"}


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres.

    >>> round(distance_m(0.0, 0.0, 0.0, 1.0))
    111195
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial bearing from point 1 to point 2, degrees clockwise from true north (0-360)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


@dataclass(frozen=True, slots=True)
class DrivePoint:
    t_s: float
    lat_deg: float
    lon_deg: float


@dataclass(frozen=True, slots=True)
class DriveCell:
    arfcn: int
    lat_deg: float
    lon_deg: float
    power_db: float  # at ref_distance_m, at the reference gain


@dataclass(frozen=True, slots=True)
class DriveState:
    """Where the receiver is at one moment: position, speed (m/s) and course (degrees from north)."""

    lat_deg: float
    lon_deg: float
    alt_m: float | None
    speed_mps: float
    track_deg: float


@dataclass(frozen=True, slots=True)
class Drive:
    """A path and the positions of some cells (see the module docstring)."""

    path: tuple[DrivePoint, ...]
    cells: tuple[DriveCell, ...]
    exponent: float = 3.5
    ref_distance_m: float = 1000.0
    min_distance_m: float = 30.0
    alt_m: float | None = None

    def state(self, t_s: float) -> DriveState:
        """Position, speed and course at signal time ``t_s``."""
        pts = self.path
        if len(pts) == 1 or t_s <= pts[0].t_s:
            a, b, frac = pts[0], pts[min(1, len(pts) - 1)], 0.0
            moving = False
        elif t_s >= pts[-1].t_s:
            a, b, frac = pts[-2], pts[-1], 1.0
            moving = False
        else:
            i = bisect_right([p.t_s for p in pts], t_s) - 1
            a, b = pts[i], pts[i + 1]
            frac = (t_s - a.t_s) / (b.t_s - a.t_s)
            moving = True
        lat = a.lat_deg + frac * (b.lat_deg - a.lat_deg)
        lon = a.lon_deg + frac * (b.lon_deg - a.lon_deg)
        seg = distance_m(a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg)
        speed = seg / (b.t_s - a.t_s) if moving and b.t_s > a.t_s else 0.0
        track = bearing_deg(a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg) if seg > 0 else 0.0
        return DriveState(lat, lon, self.alt_m, speed, track)

    def cell_power_db(self, arfcn: int, t_s: float) -> float | None:
        """Power (dBFS at the reference gain) of the cell on ``arfcn`` at ``t_s``, or None if not listed."""
        cell = next((c for c in self.cells if c.arfcn == arfcn), None)
        if cell is None:
            return None
        s = self.state(t_s)
        d = max(self.min_distance_m, distance_m(s.lat_deg, s.lon_deg, cell.lat_deg, cell.lon_deg))
        return cell.power_db - 10.0 * self.exponent * math.log10(d / self.ref_distance_m)


def _num(where: str, v: Any, lo: float, hi: float) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or not lo <= v <= hi:
        raise ConfigError(f"drive {where}={v!r}; expected a number in {lo:g}..{hi:g}")
    return float(v)


def parse_drive(doc: Any) -> Drive:
    """Validate a decoded drive document.

    Raises
    ------
    ConfigError
        Unknown keys, missing path, values out of range, times that do not increase.
    """
    if not isinstance(doc, dict):
        raise ConfigError("drive must be a JSON object with 'path' (or 'waypoints' and 'speed_mps')")
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r} in the drive file; expected {', '.join(sorted(_KEYS))}")
    points: list[DrivePoint] = []
    if "path" in doc:
        if not isinstance(doc["path"], list) or not doc["path"]:
            raise ConfigError("drive 'path' must be a non-empty list of {t, lat, lon}")
        for i, p in enumerate(doc["path"]):
            if not isinstance(p, dict) or set(p) != {"t", "lat", "lon"}:
                raise ConfigError(f"drive path[{i}]={p!r}; expected {{\"t\": s, \"lat\": deg, \"lon\": deg}}")
            points.append(DrivePoint(_num(f"path[{i}].t", p["t"], 0, 1e7), _num(f"path[{i}].lat", p["lat"], -90, 90),
                                     _num(f"path[{i}].lon", p["lon"], -180, 180)))
    elif "waypoints" in doc:
        speed = _num("speed_mps", doc.get("speed_mps"), 0.01, 400)
        wps = doc["waypoints"]
        if not isinstance(wps, list) or not wps:
            raise ConfigError("drive 'waypoints' must be a non-empty list of [lat, lon]")
        t = 0.0
        for i, w in enumerate(wps):
            if not isinstance(w, list) or len(w) != 2:
                raise ConfigError(f"drive waypoints[{i}]={w!r}; expected [lat, lon]")
            lat, lon = _num(f"waypoints[{i}][0]", w[0], -90, 90), _num(f"waypoints[{i}][1]", w[1], -180, 180)
            if points:
                t += distance_m(points[-1].lat_deg, points[-1].lon_deg, lat, lon) / speed
            points.append(DrivePoint(t, lat, lon))
    else:
        raise ConfigError("drive needs 'path' (list of {t, lat, lon}) or 'waypoints' with 'speed_mps'")
    if any(b.t_s <= a.t_s for a, b in zip(points, points[1:], strict=False)):
        raise ConfigError("drive path times must increase strictly")
    cells = []
    for i, c in enumerate(doc.get("cells", [])):
        if not isinstance(c, dict) or set(c) != {"arfcn", "lat", "lon", "power_db"}:
            raise ConfigError(f"drive cells[{i}]={c!r}; expected {{arfcn, lat, lon, power_db}}")
        cells.append(DriveCell(int(_num(f"cells[{i}].arfcn", c["arfcn"], 0, 1023)),
                               _num(f"cells[{i}].lat", c["lat"], -90, 90), _num(f"cells[{i}].lon", c["lon"], -180, 180),
                               _num(f"cells[{i}].power_db", c["power_db"], -150, 10)))
    alt = doc.get("alt_m")
    return Drive(tuple(points), tuple(cells),
                 exponent=_num("exponent", doc.get("exponent", 3.5), 1.0, 8.0),
                 ref_distance_m=_num("ref_distance_m", doc.get("ref_distance_m", 1000.0), 1.0, 1e6),
                 min_distance_m=_num("min_distance_m", doc.get("min_distance_m", 30.0), 0.1, 1e5),
                 alt_m=None if alt is None else _num("alt_m", alt, -500, 10000))


def load_drive(path: str | Path) -> Drive:
    """Read and validate a drive file (see the module docstring)."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read drive file {p}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"drive file {p} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    return parse_drive(doc)
