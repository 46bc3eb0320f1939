"""NMEA 0183 position sentences (GGA, RMC) from a log file or a serial GPS receiver.

A sentence is ``$<talker><type>,<fields>*<checksum>``: the checksum is the XOR of every character between
``$`` and ``*``, as two hex digits (NMEA 0183 / IEC 61162-1). Latitude is ``ddmm.mmmm`` with ``N``/``S``,
longitude ``dddmm.mmmm`` with ``E``/``W``. Any talker is accepted (``GP`` GPS, ``GN`` multi-constellation,
``GL``, ``GA``, ``BD``).

* **RMC** (recommended minimum): UTC time *and date*, status ``A`` valid / ``V`` void, position, speed (knots)
  and course.
* **GGA** (fix data): UTC time of day, position, fix quality (0 = none), satellites, HDOP, altitude above
  mean sea level. GGA has no date: the date of the last RMC is used, else today's (UTC) date.

A GGA and an RMC of the same second make one :class:`~sdrscan.gps.fix.Fix` (RMC's date and speed, GGA's
altitude). RMC's two-digit year is 1980-2079 (GPS time began in 1980). Bad checksums and malformed
sentences are counted and skipped, never raised.
"""

from __future__ import annotations

import logging
import os
import stat
import termios
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO

from sdrscan.errors import ConfigError, SourceError
from sdrscan.gps.fix import Fix, PositionTrack

log = logging.getLogger(__name__)

KNOT_MPS = 1852.0 / 3600.0


def nmea_checksum(body: str) -> str:
    """Two hex digits: XOR of the characters between ``$`` and ``*``.

    >>> nmea_checksum("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,")
    '47'
    """
    x = 0
    for ch in body.encode("ascii", "replace"):
        x ^= ch
    return f"{x:02X}"


@dataclass(frozen=True, slots=True)
class NmeaPosition:
    """What one GGA or RMC sentence says."""

    kind: str  # "GGA" or "RMC"
    time_of_day: tuple[int, int, int, int]  # h, m, s, microseconds
    day: date | None  # RMC only
    lat_deg: float | None
    lon_deg: float | None
    valid: bool
    alt_m: float | None = None
    speed_mps: float | None = None
    track_deg: float | None = None
    satellites: int | None = None


class NmeaError(ValueError):
    """One sentence could not be used; ``reason`` is a short key for counting."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _coord(value: str, hemi: str, degree_digits: int) -> float | None:
    if not value:
        return None
    try:
        deg = int(value[:degree_digits])
        minutes = float(value[degree_digits:])
    except ValueError:
        raise NmeaError("bad_coordinate") from None
    if not 0 <= minutes < 60:
        raise NmeaError("bad_coordinate")
    v = deg + minutes / 60.0
    if hemi in ("S", "W"):
        v = -v
    elif hemi not in ("N", "E"):
        raise NmeaError("bad_hemisphere")
    return v


def _time_of_day(value: str) -> tuple[int, int, int, int]:
    try:
        h, m = int(value[0:2]), int(value[2:4])
        sec = float(value[4:])
    except (ValueError, IndexError):
        raise NmeaError("bad_time") from None
    if not (0 <= h < 24 and 0 <= m < 60 and 0 <= sec < 61):
        raise NmeaError("bad_time")
    whole = int(sec)
    return h, m, min(whole, 59), int(round((sec - whole) * 1e6)) if whole < 60 else 999999


def _float(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        raise NmeaError("bad_number") from None


def parse_sentence(line: str) -> NmeaPosition | None:
    """Parse one line. Returns None for sentences other than GGA/RMC.

    Raises
    ------
    NmeaError
        Missing ``$``, bad or missing checksum, too few fields, unreadable values.
    """
    line = line.strip()
    if not line.startswith("$"):
        raise NmeaError("no_dollar")
    star = line.rfind("*")
    if star < 0 or len(line) < star + 3:
        raise NmeaError("no_checksum")
    body, given = line[1:star], line[star + 1: star + 3].upper()
    if nmea_checksum(body) != given:
        raise NmeaError("bad_checksum")
    f = body.split(",")
    kind = f[0][2:] if len(f[0]) == 5 else f[0][-3:]
    if kind == "GGA":
        if len(f) < 10:
            raise NmeaError("short_sentence")
        quality = int(f[6]) if f[6].isdigit() else 0
        return NmeaPosition("GGA", _time_of_day(f[1]), None, _coord(f[2], f[3], 2), _coord(f[4], f[5], 3),
                            quality > 0, alt_m=_float(f[9]),
                            satellites=int(f[7]) if f[7].isdigit() else None)
    if kind == "RMC":
        if len(f) < 10:
            raise NmeaError("short_sentence")
        day = None
        if f[9]:
            try:
                yy = int(f[9][4:6])  # two digits: 80-99 are 1980-1999 (GPS began in 1980)
                day = date((1900 if yy >= 80 else 2000) + yy, int(f[9][2:4]), int(f[9][0:2]))
            except ValueError:
                raise NmeaError("bad_date") from None
        speed = _float(f[7])
        return NmeaPosition("RMC", _time_of_day(f[1]), day, _coord(f[3], f[4], 2), _coord(f[5], f[6], 3),
                            f[2] == "A", speed_mps=None if speed is None else speed * KNOT_MPS,
                            track_deg=_float(f[8]))
    return None


class NmeaAssembler:
    """Turns a stream of sentences into fixes (see the module docstring); counts what it skipped.

    A second's fix is emitted when both its RMC and GGA are in, or when a sentence of a later second arrives
    (receivers that send only one of them: one second of delay), or on :meth:`flush`.
    """

    def __init__(self, track: PositionTrack) -> None:
        self.track = track
        self.skipped: Counter[str] = Counter()
        self._day: date | None = None
        self._tod: tuple[int, int, int, int] | None = None
        self._pending: dict[str, NmeaPosition] = {}

    def feed(self, line: str) -> Fix | None:
        """Parse one line; return the fix it completed, if any."""
        if not line.strip():
            return None
        try:
            p = parse_sentence(line)
        except NmeaError as exc:
            self.skipped[exc.reason] += 1
            return None
        if p is None:
            return None
        if not p.valid or p.lat_deg is None or p.lon_deg is None:
            self.skipped["no_fix"] += 1
            return None
        done = None
        if self._tod is not None and p.time_of_day != self._tod:
            done = self.flush()
        if p.kind == "RMC" and p.day is not None:
            self._day = p.day
        self._tod = p.time_of_day
        self._pending[p.kind] = p
        if len(self._pending) == 2:
            done = self.flush()
        return done

    def flush(self) -> Fix | None:
        """Emit the pending second, complete or not."""
        if self._tod is None or not self._pending:
            return None
        rmc, gga = self._pending.get("RMC"), self._pending.get("GGA")
        h, m, s, us = self._tod
        self._tod, self._pending = None, {}
        day = self._day or datetime.now(UTC).date()
        t = datetime(day.year, day.month, day.day, h, m, s, us, tzinfo=UTC)
        if self._day is None:  # no RMC date yet: pick the day that puts the fix nearest to now
            now = datetime.now(UTC)
            t = min((t + timedelta(days=k) for k in (-1, 0, 1)), key=lambda c: abs((c - now).total_seconds()))
        src = gga or rmc
        assert src is not None and src.lat_deg is not None and src.lon_deg is not None
        alt = gga.alt_m if gga is not None else None
        fix = Fix(t, src.lat_deg, src.lon_deg, alt, 3 if alt is not None else 2,
                  rmc.speed_mps if rmc else None, rmc.track_deg if rmc else None, "nmea")
        self.track.add(fix)
        return fix


def _set_serial(fd: int, baud: int) -> None:
    speed = getattr(termios, f"B{baud}", None)
    if speed is None:
        raise ConfigError(f"baud rate {baud} is not supported; use 4800, 9600, 38400, 57600 or 115200")
    attrs = termios.tcgetattr(fd)
    attrs[0] = termios.IGNPAR  # iflag
    attrs[1] = 0  # oflag
    attrs[2] = termios.CS8 | termios.CREAD | termios.CLOCAL  # cflag
    attrs[3] = termios.ICANON  # lflag: line at a time
    attrs[4] = attrs[5] = speed
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


class NmeaReader:
    """Read NMEA from a file (read whole: a log) or a serial port / pipe (read on a thread, live).

    Parameters
    ----------
    path : str or Path
        A log file, a FIFO or a serial device (``/dev/ttyACM0``).
    baud : int
        For serial devices.
    track : PositionTrack, optional

    Raises
    ------
    SourceError
        If the path cannot be opened.
    """

    def __init__(self, path: str | Path, baud: int = 9600, track: PositionTrack | None = None) -> None:
        self.path = Path(path)
        self.track = track if track is not None else PositionTrack()
        self.assembler = NmeaAssembler(self.track)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        try:
            mode = os.stat(self.path).st_mode
        except OSError as exc:
            raise SourceError(f"NMEA source {self.path}: {exc.strerror or exc}; give a log file or a serial "
                              "device such as /dev/ttyACM0") from None
        if stat.S_ISREG(mode):
            with open(self.path, encoding="ascii", errors="replace") as fh:
                for line in fh:
                    self.assembler.feed(line)
            self.assembler.flush()
            return
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOCTTY)
        except OSError as exc:
            raise SourceError(f"cannot open NMEA device {self.path}: {exc.strerror or exc}; check permissions "
                              "(group dialout)") from None
        if stat.S_ISCHR(mode) and os.isatty(fd):
            _set_serial(fd, baud)
        fh: IO[str] = os.fdopen(fd, "r", encoding="ascii", errors="replace")
        self._thread = threading.Thread(target=self._run, args=(fh,), name="nmea", daemon=True)
        self._thread.start()

    def _run(self, fh: IO[str]) -> None:
        with fh:
            while not self._stop.is_set():
                line = fh.readline()
                if not line:
                    self.assembler.flush()
                    time.sleep(0.2)  # FIFO writer gone or serial quiet
                    continue
                self.assembler.feed(line)

    def describe(self) -> str:
        return f"NMEA {self.path}"

    def close(self) -> None:
        self._stop.set()
