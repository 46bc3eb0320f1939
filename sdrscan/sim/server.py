"""An rtl_tcp server in front of the simulated dongle: any rtl_tcp client (sdrscan, gr-osmosdr, SDR#) can use it.

Like librtlsdr's ``rtl_tcp`` it serves one client at a time: on connect it sends the 12-byte dongle-info
header (``RTL0``, tuner type, number of gain steps), then streams cu8 samples while a second thread reads
5-byte commands and applies them (see :mod:`sdrscan.sources.rtltcp`). The dongle keeps its settings and its
world time between clients, as a real dongle keeps running.

``realtime=True`` paces the stream at the sample rate (what a dongle does: a slow client loses data, as
with ``rtl_tcp``, whose queue drops its oldest buffers); ``realtime=False`` sends as fast as the client
reads (TCP back-pressure), which is how tests measure signal time without waiting for it.

Faults for tests: :meth:`RtlTcpServer.drop_client` closes the connection abruptly (dongle unplugged,
server killed), :meth:`RtlTcpServer.stall` stops sending without closing.
"""

from __future__ import annotations

import logging
import select
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from sdrscan.errors import DeviceError
from sdrscan.sim.dongle import SimDongle
from sdrscan.sources.rtltcp import COMMAND, Command, decode_command, encode_header

log = logging.getLogger(__name__)

SEND_CHUNK_SAMPLES = 16384
_KNOWN_COMMANDS = frozenset(int(c) for c in Command)


@dataclass(slots=True)
class ServerStats:
    clients: int = 0
    samples_sent: int = 0
    commands: deque[tuple[int, int]] = field(default_factory=lambda: deque(maxlen=1000))
    unknown_commands: int = 0
    late_s: float = 0.0  # realtime mode: how far synthesis fell behind the sample clock, at worst


class RtlTcpServer:
    """Serve ``dongle`` over the rtl_tcp protocol.

    Parameters
    ----------
    dongle : SimDongle
    host, port : str, int
        Where to listen; port 0 picks a free one (see :attr:`port` after :meth:`start`).
    realtime : bool
        Pace the stream at the sample rate (default) or send as fast as the client reads.
    sndbuf_bytes : int
        Socket send buffer: small, so that a retune shows in the stream soon (as with a real dongle, whose
        USB transfers bound the data in flight).
    """

    def __init__(self, dongle: SimDongle, host: str = "127.0.0.1", port: int = 1234, *, realtime: bool = True,
                 sndbuf_bytes: int = 64 * 1024, chunk_samples: int = SEND_CHUNK_SAMPLES) -> None:
        self.dongle = dongle
        self.host = host
        self.port = port
        self.realtime = realtime
        self.sndbuf_bytes = sndbuf_bytes
        self.chunk_samples = chunk_samples
        self.stats = ServerStats()
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self._stop = threading.Event()
        self._stalled = threading.Event()
        self._thread: threading.Thread | None = None
        self._client_lock = threading.Lock()
        self._client_done = threading.Event()

    # -- life cycle ----------------------------------------------------------------------------------------
    def start(self) -> tuple[str, int]:
        """Listen and serve on a background thread; returns ``(host, port)``.

        Raises
        ------
        DeviceError
            If the port cannot be bound (in use, no permission).
        """
        try:
            lsock = socket.create_server((self.host, self.port), reuse_port=False)
        except OSError as exc:
            raise DeviceError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}; choose another "
                              "--port") from None
        lsock.settimeout(0.2)
        self._listener = lsock
        self.port = lsock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name="sim-rtltcp", daemon=True)
        self._thread.start()
        log.info("simulated rtl_tcp on %s:%d (%s tuner, %s)", self.host, self.port, self.dongle.tuner.name,
                 "real time" if self.realtime else "as fast as the client reads")
        return self.host, self.port

    def serve_forever(self) -> None:
        """Block until :meth:`stop` (or KeyboardInterrupt in the caller)."""
        while not self._stop.wait(0.5):
            pass

    def stop(self) -> None:
        self._stop.set()
        self.drop_client()
        if self._listener is not None:
            self._listener.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=3.0)

    # -- faults ------------------------------------------------------------------------------------------------
    def drop_client(self) -> None:
        """Close the current client's connection abruptly (RST), as when the server process dies."""
        with self._client_lock:
            sock, self._client = self._client, None
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def stall(self, on: bool = True) -> None:
        """Stop (or resume) sending samples while keeping the connection open."""
        if on:
            self._stalled.set()
        else:
            self._stalled.clear()

    # -- serving ---------------------------------------------------------------------------------------------
    def _serve(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                conn, peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            self.stats.clients += 1
            log.info("rtl_tcp client %s:%d connected", *peer[:2])
            self._handle(conn)
            log.info("rtl_tcp client %s:%d gone", *peer[:2])

    def _handle(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.sndbuf_bytes)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._client_lock:
            self._client = conn
        self._client_done.clear()
        tuner = self.dongle.tuner
        try:
            conn.sendall(encode_header(tuner.code, len(tuner.gains_tenth_db)))
        except OSError:
            self._close(conn)
            return
        reader = threading.Thread(target=self._commands, args=(conn,), name="sim-rtltcp-cmd", daemon=True)
        reader.start()
        try:
            self._stream(conn)
        finally:
            self._client_done.set()
            self._close(conn)
            reader.join(timeout=2.0)

    def _close(self, conn: socket.socket) -> None:
        with self._client_lock:
            if self._client is conn:
                self._client = None
        try:
            conn.close()
        except OSError:
            pass

    def _stream(self, conn: socket.socket) -> None:
        t0 = time.monotonic()
        sent_s = 0.0  # signal time sent to this client
        while not self._stop.is_set() and not self._client_done.is_set():
            if self._client is not conn:
                return
            if self._stalled.is_set():
                time.sleep(0.02)
                t0 = time.monotonic() - sent_s
                continue
            rate = self.dongle.state.sample_rate_hz
            data = self.dongle.read_cu8(self.chunk_samples)
            try:
                conn.sendall(data)
            except OSError:
                return
            self.stats.samples_sent += self.chunk_samples
            sent_s += self.chunk_samples / rate
            if self.realtime:
                ahead = sent_s - (time.monotonic() - t0)
                if ahead > 0:
                    time.sleep(ahead)
                else:
                    self.stats.late_s = max(self.stats.late_s, -ahead)

    def _commands(self, conn: socket.socket) -> None:
        # select() instead of a socket timeout: a timeout would also apply to the streaming thread's sendall.
        buf = b""
        try:
            while not self._stop.is_set() and not self._client_done.is_set():
                ready, _, _ = select.select([conn], [], [], 0.2)
                if not ready:
                    continue
                part = conn.recv(COMMAND.size - len(buf))
                if not part:
                    break
                buf += part
                if len(buf) < COMMAND.size:
                    continue
                cmd, value = decode_command(buf)
                buf = b""
                self.stats.commands.append((cmd, value))
                self._apply(cmd, value)
        except (OSError, ValueError):
            pass  # the connection was closed under us (client gone, drop_client, stop)
        self._client_done.set()

    def _apply(self, cmd: int, value: int) -> None:
        d = self.dongle
        if cmd == Command.SET_FREQUENCY:
            d.apply(center_freq_hz=float(value & 0xFFFFFFFF))
        elif cmd == Command.SET_SAMPLE_RATE:
            d.apply(sample_rate_hz=float(value & 0xFFFFFFFF))
        elif cmd == Command.SET_GAIN_MODE:
            d.apply(manual_gain=bool(value))
        elif cmd == Command.SET_GAIN:
            d.apply(gain_tenth_db=value)
        elif cmd == Command.SET_FREQ_CORRECTION:
            d.apply(freq_correction_ppm=value)
        elif cmd == Command.SET_AGC_MODE:
            d.apply(rtl_agc=bool(value))
        elif cmd == Command.SET_GAIN_BY_INDEX:
            d.set_gain_by_index(value)
        elif cmd == Command.SET_BIAS_TEE:
            d.apply(bias_tee=bool(value))
        elif cmd in _KNOWN_COMMANDS:
            pass  # IF gain, test mode, direct sampling, offset tuning, xtal: accepted, no effect on the model
        else:
            self.stats.unknown_commands += 1  # rtl_tcp ignores unknown commands too
