"""rtl_tcp client against scripted peers: header, commands on the wire, stalls, garbage, lost connections."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable

import pytest

from sdrscan.errors import ConfigError, DeviceError
from sdrscan.sources.live import SampleRing, read_samples
from sdrscan.sources.rtltcp import (
    Command,
    RtlTcpDevice,
    decode_command,
    encode_command,
    encode_header,
    parse_rtltcp_url,
)


class Peer:
    """A one-connection TCP server running ``script(conn)`` on a thread; records what the client sent."""

    def __init__(self, script: Callable[[socket.socket, Peer], None]) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received = bytearray()
        self.script = script
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            self.script(conn, self)

    def drain(self, conn: socket.socket, seconds: float) -> None:
        conn.settimeout(0.05)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                data = conn.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            self.received += data

    def close(self) -> None:
        self.sock.close()


def r820t_header() -> bytes:
    return b"RTL0" + struct.pack(">II", 5, 29)


def test_header_and_commands_on_the_wire() -> None:
    def script(conn: socket.socket, peer: Peer) -> None:
        conn.sendall(r820t_header())
        peer.drain(conn, 1.0)

    peer = Peer(script)
    dev = RtlTcpDevice("127.0.0.1", peer.port)
    assert dev.tuner.name == "R820T" and dev.gain_count == 29
    dev.set_sample_rate(2.4e6)
    dev.set_center_freq(947.6e6)
    dev.set_gain(40)  # nearest R820T step: 40.2 dB
    dev.set_ppm(-17)
    dev.set_gain(None)
    dev.set_bias_tee(True)
    time.sleep(0.3)
    dev.close()
    peer.thread.join(2)
    raw = bytes(peer.received)
    cmds = [decode_command(raw[i:i + 5]) for i in range(0, len(raw), 5)]
    assert cmds == [(Command.SET_AGC_MODE, 0), (Command.SET_SAMPLE_RATE, 2_400_000),
                    (Command.SET_FREQUENCY, 947_600_000), (Command.SET_GAIN_MODE, 1), (Command.SET_GAIN, 402),
                    (Command.SET_FREQ_CORRECTION, -17), (Command.SET_GAIN_MODE, 0), (Command.SET_BIAS_TEE, 1)]
    assert raw[25:30] == bytes.fromhex("05ffffffef")  # -17 as two's complement, big-endian
    assert dev.gain_db is None and dev.ppm == -17


def test_samples_arrive_whole_even_when_tcp_splits_an_iq_pair() -> None:
    payload = bytes((i * 7) % 256 for i in range(20_002))

    def script(conn: socket.socket, peer: Peer) -> None:
        conn.sendall(r820t_header())
        for i in range(0, len(payload), 777):  # odd-sized writes split I/Q pairs
            conn.sendall(payload[i:i + 777])
            time.sleep(0.001)
        peer.drain(conn, 0.5)

    peer = Peer(script)
    dev = RtlTcpDevice("127.0.0.1", peer.port)
    ring = SampleRing(1 << 20)
    dev.start(ring)
    got = b""
    while len(got) < 20_000:
        got += ring.read(1 << 16, 2.0).data
    dev.close()
    assert len(got) % 2 == 0 and payload.startswith(got)


def test_not_an_rtl_tcp_server() -> None:
    def http(conn: socket.socket, peer: Peer) -> None:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        peer.drain(conn, 0.5)

    peer = Peer(http)
    with pytest.raises(DeviceError, match="is not an rtl_tcp server") as err:
        RtlTcpDevice("127.0.0.1", peer.port)
    assert "\n" not in str(err.value)


def test_a_peer_that_stalls_before_the_header_times_out() -> None:
    def silent(conn: socket.socket, peer: Peer) -> None:
        conn.sendall(b"RTL")
        peer.drain(conn, 3.0)

    peer = Peer(silent)
    t0 = time.monotonic()
    with pytest.raises(DeviceError, match="3 of the 12 header bytes"):
        RtlTcpDevice("127.0.0.1", peer.port, connect_timeout_s=0.5)
    assert time.monotonic() - t0 < 2.0


def test_garbled_header_fields() -> None:
    def bad(conn: socket.socket, peer: Peer) -> None:
        conn.sendall(b"RTL0" + struct.pack(">II", 0xDEADBEEF, 7))
        peer.drain(conn, 0.5)

    peer = Peer(bad)
    with pytest.raises(DeviceError, match="garbled"):
        RtlTcpDevice("127.0.0.1", peer.port)


def test_connection_refused_is_one_line() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(DeviceError, match=f"cannot connect to rtl_tcp at 127.0.0.1:{port}") as err:
        RtlTcpDevice("127.0.0.1", port)
    assert "\n" not in str(err.value)


def test_stall_mid_stream_and_closed_connection_reach_the_reader() -> None:
    def stall(conn: socket.socket, peer: Peer) -> None:
        conn.sendall(r820t_header() + bytes(1000))
        peer.drain(conn, 3.0)

    peer = Peer(stall)
    dev = RtlTcpDevice("127.0.0.1", peer.port, read_timeout_s=0.4)
    ring = SampleRing(1 << 16)
    dev.start(ring)
    assert len(ring.read(4096, 2.0).data) == 1000
    with pytest.raises(DeviceError, match="stalled|no samples"):
        read_samples(ring, 100, 5.0)
    dev.close()

    def hangup(conn: socket.socket, peer: Peer) -> None:
        conn.sendall(r820t_header() + bytes(1000))

    peer = Peer(hangup)
    dev = RtlTcpDevice("127.0.0.1", peer.port)
    ring = SampleRing(1 << 16)
    dev.start(ring)
    ring.read(4096, 2.0)
    with pytest.raises(DeviceError, match="closed the connection|connection broke"):
        ring.read(4096, 2.0)
    dev.close()


def test_out_of_range_settings_are_refused_before_sending() -> None:
    def script(conn: socket.socket, peer: Peer) -> None:
        conn.sendall(r820t_header())
        peer.drain(conn, 1.0)

    peer = Peer(script)
    dev = RtlTcpDevice("127.0.0.1", peer.port)
    with pytest.raises(DeviceError, match="out of reach of the R820T tuner"):
        dev.set_center_freq(1842.6e6)
    with pytest.raises(DeviceError, match="RTL2832U"):
        dev.set_sample_rate(5e6)
    dev.close()
    peer.thread.join(2)
    assert bytes(peer.received) == encode_command(Command.SET_AGC_MODE, 0)


def test_urls_and_encoding() -> None:
    assert parse_rtltcp_url("rtltcp://[::1]:1235") == ("::1", 1235)
    for bad in ("rtltcp://", "tcp://host:1", "rtltcp://host:99999", "rtltcp://host:12/x"):
        with pytest.raises(ConfigError):
            parse_rtltcp_url(bad)
    assert encode_header(5, 29) == r820t_header()
    assert decode_command(encode_command(Command.SET_FREQ_CORRECTION, -50)) == (5, -50)
