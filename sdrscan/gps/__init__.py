"""Where the receiver is: gpsd (JSON on TCP 2947) or NMEA 0183 from a log file or serial port.

``open_position_source("gpsd://localhost:2947")``, ``open_position_source("/dev/ttyACM0")`` (or
``nmea:/dev/ttyACM0?baud=4800``, or a log file) return a running reader with a
:class:`~sdrscan.gps.fix.PositionTrack`; ``track.at(t)`` is the position at time ``t``.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sdrscan.errors import ConfigError
from sdrscan.gps.fix import Fix, PositionSource, PositionTrack

__all__ = ["Fix", "PositionSource", "PositionTrack", "open_position_source"]


def open_position_source(spec: str, track: PositionTrack | None = None) -> PositionSource:
    """Start reading positions from ``spec`` (see the module docstring).

    Raises
    ------
    ConfigError
        An unreadable ``spec``.
    SourceError
        An NMEA path that cannot be opened.
    """
    text = spec.strip()
    if text.lower() == "gpsd" or text.lower().startswith("gpsd://"):
        from sdrscan.gps.gpsd import GpsdClient, parse_gpsd_url

        host, port = parse_gpsd_url(text)
        return GpsdClient(host, port, track=track)
    from sdrscan.gps.nmea import NmeaReader

    baud = 9600
    if text.lower().startswith("nmea:"):
        parts = urlsplit(text)
        text = parts.path
        query = parse_qs(parts.query)
        try:
            baud = int(query.get("baud", ["9600"])[0])
        except ValueError:
            raise ConfigError(f"--gps {spec!r}: baud must be a number, e.g. nmea:/dev/ttyACM0?baud=4800") from None
    if not text:
        raise ConfigError(f"--gps {spec!r}: expected gpsd://HOST:PORT, a serial device or an NMEA log file")
    return NmeaReader(text, baud=baud, track=track)
