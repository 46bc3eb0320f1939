"""rtl_tcp client: a dongle on a mast or another machine, over TCP (``--device rtltcp://HOST:PORT``).

The protocol is the one librtlsdr's ``rtl_tcp`` server speaks (``src/rtl_tcp.c``), also used by gr-osmosdr,
SDR# and GQRX:

* on connect the server sends a 12-byte *dongle info* header: the magic ``RTL0``, then the tuner type and
  the number of gain steps, both unsigned 32-bit big-endian;
* then an endless stream of unsigned 8-bit I/Q pairs at the sample rate;
* the client sends 5-byte commands: one command byte, then an unsigned 32-bit big-endian parameter
  (negative values, e.g. a ppm correction of -3, are sent as their two's complement).

The server does not acknowledge commands, nor mark where in the stream a retune took effect; see
``DeviceInfo.settle_s``. The gain steps are not sent either: they follow from the tuner type (librtlsdr's
tables in :data:`sdrscan.sources.live.TUNERS`).
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
from enum import IntEnum
from urllib.parse import urlsplit

from sdrscan.errors import ConfigError, DeviceError
from sdrscan.sources.live import (
    BYTES_PER_SAMPLE,
    DeviceInfo,
    SampleRing,
    TunerModel,
    check_frequency,
    check_rate,
    tuner_by_code,
)

log = logging.getLogger(__name__)

MAGIC = b"RTL0"
HEADER = struct.Struct(">4sII")  # magic, tuner type, tuner gain count
COMMAND = struct.Struct(">BI")  # command, parameter
DEFAULT_PORT = 1234
# Bytes already in flight when a retune is sent: rtl_tcp's 256 KiB USB transfers (55 ms at 2.4 MS/s, one
# being filled while the tuner moves, one queued) plus socket buffers.
RTLTCP_SETTLE_S = 0.12


class Command(IntEnum):
    """rtl_tcp command bytes (librtlsdr ``rtl_tcp.c``, ``command_worker``)."""

    SET_FREQUENCY = 0x01  # Hz
    SET_SAMPLE_RATE = 0x02  # Hz
    SET_GAIN_MODE = 0x03  # 0 automatic, 1 manual
    SET_GAIN = 0x04  # tenths of a dB
    SET_FREQ_CORRECTION = 0x05  # ppm (signed)
    SET_IF_GAIN = 0x06  # stage << 16 | (gain & 0xffff)
    SET_TEST_MODE = 0x07
    SET_AGC_MODE = 0x08  # RTL2832 digital AGC, 0/1
    SET_DIRECT_SAMPLING = 0x09
    SET_OFFSET_TUNING = 0x0A
    SET_RTL_XTAL = 0x0B
    SET_TUNER_XTAL = 0x0C
    SET_GAIN_BY_INDEX = 0x0D
    SET_BIAS_TEE = 0x0E  # 0/1 (rtl_tcp from librtlsdr 0.6 on)


def encode_command(command: int, value: int) -> bytes:
    """The 5 bytes of one command; ``value`` may be negative (sent as two's complement).

    >>> encode_command(Command.SET_FREQUENCY, 947_600_000).hex()
    '01387b6e80'
    >>> encode_command(Command.SET_FREQ_CORRECTION, -3).hex()
    '05fffffffd'
    """
    return COMMAND.pack(int(command), int(value) & 0xFFFFFFFF)


def decode_command(data: bytes) -> tuple[int, int]:
    """``(command, value)`` of 5 command bytes, the value read as signed 32-bit (as librtlsdr's int does)."""
    cmd, raw = COMMAND.unpack(data)
    return cmd, raw - (1 << 32) if raw & 0x80000000 else raw


def encode_header(tuner_code: int, gain_count: int) -> bytes:
    """The 12-byte dongle-info header an rtl_tcp server sends first."""
    return HEADER.pack(MAGIC, tuner_code, gain_count)


def parse_header(data: bytes, address: str) -> tuple[int, int]:
    """``(tuner_code, gain_count)`` from the 12-byte header.

    Raises
    ------
    DeviceError
        If the magic is not ``RTL0`` (the peer is not an rtl_tcp server).
    """
    magic, tuner, gains = HEADER.unpack(data)
    if magic != MAGIC:
        raise DeviceError(f"{address} is not an rtl_tcp server: its first bytes are {data[:12].hex()}, expected "
                          f"'RTL0' then the tuner type; check the host and port")
    if tuner > 255 or gains > 1000:
        raise DeviceError(f"{address} sent a garbled rtl_tcp header (tuner type {tuner}, {gains} gain steps); "
                          "check that it is an rtl_tcp server")
    return tuner, gains


def parse_rtltcp_url(url: str) -> tuple[str, int]:
    """``(host, port)`` of ``rtltcp://HOST[:PORT]`` (port 1234 by default; IPv6 as ``[::1]:1234``).

    >>> parse_rtltcp_url("rtltcp://192.168.1.20:1235")
    ('192.168.1.20', 1235)
    >>> parse_rtltcp_url("rtltcp://mast")
    ('mast', 1234)

    Raises
    ------
    ConfigError
        If the text is not such a URL.
    """
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme.lower() not in ("rtltcp", "rtl_tcp", "rtl-tcp") or not parts.hostname or port == -1 or \
            (port is not None and not 0 < port < 65536) or parts.path not in ("", "/"):
        raise ConfigError(f"--device {url!r}: expected rtltcp://HOST:PORT, e.g. rtltcp://192.168.1.20:1234")
    return parts.hostname, port or DEFAULT_PORT


class RtlTcpDevice:
    """A remote dongle behind an rtl_tcp server.

    Parameters
    ----------
    host, port : str, int
        The rtl_tcp server.
    connect_timeout_s : float
        For the TCP connection and the 12-byte header.
    read_timeout_s : float
        The stream stalling for this long is a :class:`~sdrscan.errors.DeviceError`.
    rcvbuf_bytes : int
        Socket receive buffer. Small, so that little old-frequency data sits in the kernel after a retune.

    Raises
    ------
    DeviceError
        The server cannot be reached, or does not answer with an rtl_tcp header in time.
    """

    def __init__(self, host: str, port: int = DEFAULT_PORT, *, connect_timeout_s: float = 5.0,
                 read_timeout_s: float = 5.0, rcvbuf_bytes: int = 64 * 1024) -> None:
        self.host, self.port = host, int(port)
        self.address = f"{host}:{port}"
        self.connect_timeout_s = connect_timeout_s
        self.read_timeout_s = read_timeout_s
        self.rcvbuf_bytes = rcvbuf_bytes
        self.sample_rate_hz = 2.048e6  # rtl_tcp's default until we set ours
        self.center_freq_hz = 100e6
        self.gain_db: float | None = None
        self.ppm = 0
        self.bias_tee = False
        self._sock: socket.socket | None = None
        self._reader: threading.Thread | None = None
        self._running = threading.Event()
        self._lock = threading.Lock()
        tuner_code, self.gain_count = self._connect()
        tuner = tuner_by_code(tuner_code)
        self.info = DeviceInfo("rtltcp", self.address, tuner, settle_s=RTLTCP_SETTLE_S)
        if tuner.gains_tenth_db and self.gain_count != len(tuner.gains_tenth_db):
            log.warning("rtl_tcp %s: %s tuner with %d gain steps announced, librtlsdr's table has %d",
                        self.address, tuner.name, self.gain_count, len(tuner.gains_tenth_db))
        self._send(Command.SET_AGC_MODE, 0)  # the RTL2832's digital AGC would make power levels meaningless

    @property
    def tuner(self) -> TunerModel:
        return self.info.tuner

    # -- connection ---------------------------------------------------------------------------------------
    def _connect(self) -> tuple[int, int]:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout_s)
        except OSError as exc:
            raise DeviceError(f"cannot connect to rtl_tcp at {self.address}: {exc.strerror or exc}; start "
                              f"`rtl_tcp -a 0.0.0.0` there (or `sdrscan simulate`) and check the address") from None
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf_bytes)
            header = self._recv_exactly(sock, HEADER.size)
            code, gains = parse_header(header, self.address)
        except BaseException:
            sock.close()
            raise
        sock.settimeout(self.read_timeout_s)
        self._sock = sock
        return code, gains

    def _recv_exactly(self, sock: socket.socket, n: int) -> bytes:
        buf = bytearray()
        try:
            while len(buf) < n:
                part = sock.recv(n - len(buf))
                if not part:
                    raise DeviceError(f"rtl_tcp {self.address} closed the connection after {len(buf)} of the "
                                      f"{n} header bytes; is it an rtl_tcp server with a working dongle?")
                buf += part
        except TimeoutError:
            raise DeviceError(f"rtl_tcp {self.address} sent {len(buf)} of the {n} header bytes in "
                              f"{self.connect_timeout_s:g} s; is it an rtl_tcp server?") from None
        except OSError as exc:
            raise DeviceError(f"rtl_tcp {self.address}: {exc.strerror or exc} while reading its header") from None
        return bytes(buf)

    def _send(self, command: Command, value: int) -> None:
        sock = self._sock
        if sock is None:
            raise DeviceError(f"rtl_tcp {self.address} is closed; reconnect")
        try:
            with self._lock:
                sock.sendall(encode_command(command, value))
        except OSError as exc:
            raise DeviceError(f"rtl_tcp {self.address}: cannot send a command ({exc.strerror or exc}); "
                              "the server went away") from None

    # -- settings ------------------------------------------------------------------------------------------
    def set_sample_rate(self, rate_hz: float) -> None:
        check_rate(rate_hz)
        self._send(Command.SET_SAMPLE_RATE, int(round(rate_hz)))
        self.sample_rate_hz = float(int(round(rate_hz)))

    def set_center_freq(self, freq_hz: float) -> None:
        check_frequency(self.tuner, freq_hz)
        self._send(Command.SET_FREQUENCY, int(round(freq_hz)))
        self.center_freq_hz = float(int(round(freq_hz)))

    def set_gain(self, gain_db: float | None) -> None:
        """Manual gain (the nearest step of the tuner), or ``None`` for the tuner's automatic gain."""
        if gain_db is None:
            self._send(Command.SET_GAIN_MODE, 0)
            self.gain_db = None
            return
        step = self.tuner.nearest_gain_db(gain_db)
        self._send(Command.SET_GAIN_MODE, 1)
        self._send(Command.SET_GAIN, int(round(step * 10)))
        self.gain_db = step

    def set_ppm(self, ppm: int) -> None:
        self._send(Command.SET_FREQ_CORRECTION, int(ppm))
        self.ppm = int(ppm)

    def set_bias_tee(self, on: bool) -> None:
        self._send(Command.SET_BIAS_TEE, int(bool(on)))
        self.bias_tee = bool(on)

    # -- streaming -----------------------------------------------------------------------------------------
    def start(self, ring: SampleRing) -> None:
        """Stream into ``ring`` from a reader thread until :meth:`stop`; failures end up in the ring."""
        if self._sock is None:
            raise DeviceError(f"rtl_tcp {self.address} is closed; reconnect")
        if self._reader is not None and self._reader.is_alive():
            raise DeviceError(f"rtl_tcp {self.address} is already streaming")
        self._running.set()
        self._reader = threading.Thread(target=self._read_loop, args=(ring,), name=f"rtltcp-{self.address}",
                                        daemon=True)
        self._reader.start()

    def _read_loop(self, ring: SampleRing) -> None:
        sock = self._sock
        assert sock is not None
        buf = bytearray(256 * 1024)
        view = memoryview(buf)
        carry = b""  # an odd byte: half of an I/Q pair
        try:
            while self._running.is_set():
                try:
                    n = sock.recv_into(view)
                except TimeoutError:
                    raise DeviceError(f"rtl_tcp {self.address} sent no samples for {self.read_timeout_s:g} s "
                                      "(stalled); check the server and the network") from None
                if n == 0:
                    raise DeviceError(f"rtl_tcp {self.address} closed the connection (server stopped or "
                                      "dongle unplugged)")
                data = carry + bytes(view[:n])
                cut = len(data) - len(data) % BYTES_PER_SAMPLE
                carry = data[cut:]
                ring.put(data[:cut])
        except DeviceError as exc:
            if self._running.is_set():
                ring.fail(exc)
        except OSError as exc:
            if self._running.is_set():
                ring.fail(DeviceError(f"rtl_tcp {self.address}: {exc.strerror or exc}; the connection broke"))
        else:
            ring.finish()

    def stop(self) -> None:
        """Stop streaming and close the connection (rtl_tcp cannot pause a stream)."""
        self._running.clear()
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout=2.0)
        self._reader = None

    def close(self) -> None:
        self.stop()
