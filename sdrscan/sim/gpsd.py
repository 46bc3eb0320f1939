"""A fake gpsd on TCP speaking gpsd's JSON protocol (gpsd_json(5)), for the simulator and for tests.

It answers like gpsd 3.22: ``VERSION`` on connect; ``?WATCH={...};`` gets ``DEVICES`` and ``WATCH`` and then
a ``TPV`` report each time the position source has a fix ``interval_s`` newer than the last one sent;
``?POLL;`` gets a ``POLL`` object with the latest TPV; ``?VERSION;`` and ``?DEVICES;`` are answered too.
Real gpsd clients (``gpspipe -w``, the ``gps`` Python module) read it.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sdrscan.errors import DeviceError
from sdrscan.gps.fix import Fix

log = logging.getLogger(__name__)

DEVICE_PATH = "/dev/sdrscan-sim"
RELEASE = "3.22"


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def tpv_report(fix: Fix) -> dict[str, Any]:
    """The TPV object gpsd sends for ``fix``."""
    out: dict[str, Any] = {"class": "TPV", "device": DEVICE_PATH, "mode": fix.mode, "time": _iso(fix.time),
                           "ept": 0.005, "lat": fix.lat_deg, "lon": fix.lon_deg}
    if fix.alt_m is not None:
        out.update(altHAE=fix.alt_m, altMSL=fix.alt_m, alt=fix.alt_m)
    if fix.track_deg is not None:
        out["track"] = fix.track_deg
    if fix.speed_mps is not None:
        out["speed"] = fix.speed_mps
    return out


class FakeGpsd:
    """Serve positions from ``fix_source`` (called often; returns the current fix or None).

    Parameters
    ----------
    fix_source : callable
        Returns the receiver's current :class:`~sdrscan.gps.fix.Fix`, or None without a fix.
    host, port : str, int
        Port 0 picks a free port (see :attr:`port` after :meth:`start`).
    interval_s : float
        Fix time between two TPV reports (gpsd reports once per receiver cycle, usually 1 s).
    """

    def __init__(self, fix_source: Callable[[], Fix | None], host: str = "127.0.0.1", port: int = 2947, *,
                 interval_s: float = 1.0, poll_s: float = 0.05) -> None:
        self.fix_source = fix_source
        self.host, self.port = host, port
        self.interval_s = interval_s
        self.poll_s = poll_s
        self.reports_sent = 0
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> tuple[str, int]:
        try:
            lsock = socket.create_server((self.host, self.port))
        except OSError as exc:
            raise DeviceError(f"fake gpsd cannot listen on {self.host}:{self.port}: {exc.strerror or exc}; "
                              "choose another --gpsd-port") from None
        lsock.settimeout(0.2)
        self._listener = lsock
        self.port = lsock.getsockname()[1]
        t = threading.Thread(target=self._accept, name="fake-gpsd", daemon=True)
        t.start()
        self._threads.append(t)
        return self.host, self.port

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
        for t in self._threads:
            t.join(timeout=2.0)

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._client, args=(conn,), name="fake-gpsd-client", daemon=True)
            t.start()
            self._threads.append(t)

    def _send(self, conn: socket.socket, obj: dict[str, Any]) -> None:
        conn.sendall((json.dumps(obj, separators=(",", ":")) + "\r\n").encode())

    def _client(self, conn: socket.socket) -> None:
        watching = False
        last_sent: datetime | None = None
        buf = b""
        conn.settimeout(self.poll_s)
        try:
            self._send(conn, {"class": "VERSION", "release": RELEASE, "rev": RELEASE, "proto_major": 3,
                              "proto_minor": 14})
            while not self._stop.is_set():
                try:
                    data = conn.recv(4096)
                    if not data:
                        return
                    buf += data
                except TimeoutError:
                    pass
                while b";" in buf or b"\n" in buf:
                    cut = min(i for i in (buf.find(b";"), buf.find(b"\n")) if i >= 0)
                    cmd, buf = buf[:cut].strip().decode("ascii", "replace"), buf[cut + 1:]
                    if cmd:
                        watching = self._command(conn, cmd, watching)
                if watching:
                    fix = self.fix_source()
                    if fix is not None and (last_sent is None or
                                            (fix.time - last_sent).total_seconds() >= self.interval_s):
                        self._send(conn, tpv_report(fix))
                        self.reports_sent += 1
                        last_sent = fix.time
        except OSError:
            return
        finally:
            conn.close()

    def _command(self, conn: socket.socket, cmd: str, watching: bool) -> bool:
        if cmd.startswith("?WATCH"):
            arg: dict[str, Any] = {}
            if "=" in cmd:
                try:
                    arg = json.loads(cmd.split("=", 1)[1])
                except json.JSONDecodeError:
                    self._send(conn, {"class": "ERROR", "message": "Invalid WATCH: " + cmd})
                    return watching
            enable = bool(arg.get("enable", True))
            self._send(conn, self._devices())
            self._send(conn, {"class": "WATCH", "enable": enable, "json": bool(arg.get("json", True)),
                              "nmea": False, "raw": 0, "scaled": False, "timing": False, "split24": False,
                              "pps": False})
            return enable
        if cmd.startswith("?POLL"):
            fix = self.fix_source()
            self._send(conn, {"class": "POLL", "time": _iso(datetime.now(UTC)), "active": 1,
                              "tpv": [tpv_report(fix)] if fix else [], "sky": []})
        elif cmd.startswith("?VERSION"):
            self._send(conn, {"class": "VERSION", "release": RELEASE, "rev": RELEASE, "proto_major": 3,
                              "proto_minor": 14})
        elif cmd.startswith("?DEVICES"):
            self._send(conn, self._devices())
        else:
            self._send(conn, {"class": "ERROR", "message": f"Unrecognized request '{cmd}'"})
        return watching

    def _devices(self) -> dict[str, Any]:
        return {"class": "DEVICES", "devices": [{"class": "DEVICE", "path": DEVICE_PATH, "driver": "NMEA0183",
                                                 "activated": _iso(datetime.now(UTC)), "flags": 1, "native": 0,
                                                 "bps": 9600, "parity": "N", "stopbits": 1, "cycle": 1.0}]}
