"""gpsd client: positions from gpsd's JSON protocol on TCP (port 2947 by default).

The protocol (gpsd_json(5)): on connect gpsd sends a ``VERSION`` object; the client sends
``?WATCH={"enable":true,"json":true};`` and gpsd answers with ``DEVICES`` and ``WATCH``, then reports one
JSON object per line. A ``TPV`` (time-position-velocity) report has ``mode`` (0 unknown, 1 no fix, 2 2-D,
3 3-D), ``time`` (ISO 8601 UTC), ``lat``, ``lon``, ``alt`` (or ``altMSL``/``altHAE`` from gpsd 3.20 on),
``speed`` (m/s) and ``track`` (degrees). Other classes (``SKY``, ``DEVICE`` ...) are ignored.

The client runs on a thread and reconnects with backoff when gpsd goes away; a missing gpsd is a warning,
not an error, so a scan goes on without positions until it comes back.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sdrscan.errors import ConfigError
from sdrscan.gps.fix import Fix, PositionTrack

log = logging.getLogger(__name__)

DEFAULT_PORT = 2947
WATCH = b'?WATCH={"enable":true,"json":true};\n'
MAX_LINE = 64 * 1024  # gpsd lines are < 2 KiB; a longer one means the peer is not gpsd


def parse_gpsd_url(url: str) -> tuple[str, int]:
    """``(host, port)`` of ``gpsd://HOST[:PORT]`` (``gpsd`` alone is localhost:2947).

    >>> parse_gpsd_url("gpsd://10.0.0.2:2948")
    ('10.0.0.2', 2948)
    >>> parse_gpsd_url("gpsd")
    ('127.0.0.1', 2947)
    """
    if url.strip().lower() == "gpsd":
        return "127.0.0.1", DEFAULT_PORT
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme.lower() != "gpsd" or not parts.hostname or port == -1:
        raise ConfigError(f"--gps {url!r}: expected gpsd://HOST:PORT (or gpsd for localhost:2947)")
    return parts.hostname, port or DEFAULT_PORT


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def fix_from_tpv(obj: dict[str, Any]) -> Fix | None:
    """A :class:`Fix` from one TPV report, or None when it has no 2-D/3-D fix, time or position."""
    mode = obj.get("mode")
    t = _time(obj.get("time"))
    lat, lon = obj.get("lat"), obj.get("lon")
    if not isinstance(mode, int) or mode < 2 or t is None or not isinstance(lat, int | float) \
            or not isinstance(lon, int | float):
        return None
    alt = obj.get("altMSL", obj.get("alt"))
    speed, track = obj.get("speed"), obj.get("track")
    return Fix(t, float(lat), float(lon), float(alt) if isinstance(alt, int | float) and mode >= 3 else None, mode,
               float(speed) if isinstance(speed, int | float) else None,
               float(track) if isinstance(track, int | float) else None, "gpsd")


class GpsdClient:
    """Watch gpsd on a background thread and keep a :class:`PositionTrack`.

    Parameters
    ----------
    host, port : str, int
    track : PositionTrack, optional
    timeout_s : float
        Connection timeout, and silence after which the connection is considered dead.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, track: PositionTrack | None = None,
                 timeout_s: float = 5.0, max_backoff_s: float = 30.0) -> None:
        self.host, self.port = host, int(port)
        self.track = track if track is not None else PositionTrack()
        self.timeout_s = timeout_s
        self.max_backoff_s = max_backoff_s
        self.counts: Counter[str] = Counter()  # report classes seen, and connection events
        self.version: str | None = None
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._thread = threading.Thread(target=self._run, name=f"gpsd-{host}:{port}", daemon=True)
        self._thread.start()

    def describe(self) -> str:
        return f"gpsd {self.host}:{self.port}"

    def wait_connected(self, timeout_s: float) -> bool:
        return self.connected.wait(timeout_s)

    def close(self) -> None:
        self._stop.set()
        sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(timeout=2.0)

    def _run(self) -> None:
        backoff = 0.5
        warned = False
        while not self._stop.is_set():
            try:
                self._session()
                backoff = 0.5
            except (OSError, ValueError) as exc:
                if self._stop.is_set():
                    break
                self.counts["errors"] += 1
                msg = f"gpsd {self.host}:{self.port}: {getattr(exc, 'strerror', None) or exc}"
                if not warned:
                    log.warning("%s; no positions until it answers (retrying)", msg)
                    warned = True
                else:
                    log.debug("%s", msg)
            self.connected.clear()
            if self._stop.wait(backoff):
                break
            backoff = min(self.max_backoff_s, backoff * 2)

    def _session(self) -> None:
        with socket.create_connection((self.host, self.port), timeout=self.timeout_s) as sock:
            self._sock = sock
            sock.settimeout(self.timeout_s)
            sock.sendall(WATCH)
            self.counts["connections"] += 1
            buf = b""
            while not self._stop.is_set():
                try:
                    data = sock.recv(4096)
                except TimeoutError:
                    raise OSError(f"silent for {self.timeout_s:g} s") from None
                if not data:
                    raise OSError("gpsd closed the connection")
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    self._line(line)
                if len(buf) > MAX_LINE:
                    raise ValueError("line too long: not gpsd's JSON protocol")
        self._sock = None

    def _line(self, line: bytes) -> None:
        line = line.strip()
        if not line:
            return
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            self.counts["bad_json"] += 1
            if self.counts["bad_json"] > 20 and not self.counts["TPV"]:
                raise ValueError("not gpsd's JSON protocol (no JSON lines)") from None
            return
        if not isinstance(obj, dict):
            return
        cls = str(obj.get("class", "?"))
        self.counts[cls] += 1
        if cls == "VERSION":
            self.version = str(obj.get("release", "?"))
            self.connected.set()
        elif cls == "TPV":
            fix = fix_from_tpv(obj)
            if fix is not None:
                self.track.add(fix)
            else:
                self.counts["tpv_no_fix"] += 1
