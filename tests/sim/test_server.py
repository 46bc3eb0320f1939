"""The simulated rtl_tcp server: header, commands, pacing, one client at a time, faults."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from sdrscan.errors import DeviceError
from sdrscan.sim.dongle import SimDongle
from sdrscan.sim.server import RtlTcpServer
from sdrscan.sim.world import parse_world_scene
from sdrscan.sources.live import SampleRing, read_samples
from sdrscan.sources.rtltcp import Command, RtlTcpDevice, encode_command

SCENE = {"snr": 20, "cells": [{"arfcn": 60, "power_db": -30}]}


@pytest.fixture
def server() -> Iterator[RtlTcpServer]:
    srv = RtlTcpServer(SimDongle(parse_world_scene(SCENE), 1), port=0, realtime=False)
    srv.start()
    yield srv
    srv.stop()


def test_header_names_the_tuner_and_its_gain_steps() -> None:
    for tuner, code, steps in (("R820T", 5, 29), ("E4000", 1, 14)):
        srv = RtlTcpServer(SimDongle(parse_world_scene(SCENE), 1, tuner=tuner), port=0, realtime=False)
        _, port = srv.start()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            head = b""
            while len(head) < 12:
                head += s.recv(12 - len(head))
        srv.stop()
        assert head == b"RTL0" + code.to_bytes(4, "big") + steps.to_bytes(4, "big")


def test_commands_reach_the_dongle(server: RtlTcpServer) -> None:
    dev = RtlTcpDevice("127.0.0.1", server.port)
    dev.set_sample_rate(1.92e6)
    dev.set_center_freq(947.1e6)
    dev.set_gain(33)
    dev.set_ppm(-12)
    dev.set_bias_tee(True)
    dev._send(Command.SET_GAIN_BY_INDEX, 3)  # rtl_tcp's gain-by-index: the 4th step, 2.7 dB
    dev._sock.sendall(encode_command(0x55, 1))  # type: ignore[union-attr]  # unknown: ignored, as rtl_tcp does
    time.sleep(0.3)
    st = server.dongle.state
    assert (st.sample_rate_hz, st.center_freq_hz, st.manual_gain, st.freq_correction_ppm, st.bias_tee) == \
        (1.92e6, 947.1e6, True, -12, True)
    assert st.gain_tenth_db == 27 and server.stats.unknown_commands == 1
    dev.close()


def test_realtime_mode_never_runs_ahead_of_the_sample_clock() -> None:
    srv = RtlTcpServer(SimDongle(parse_world_scene(SCENE), 1), port=0, realtime=True)
    srv.start()
    dev = RtlTcpDevice("127.0.0.1", srv.port)
    dev.set_sample_rate(1.0e6)
    dev.set_center_freq(947.1e6)
    ring = SampleRing(1 << 22)
    dev.start(ring)
    t0 = time.monotonic()
    got = 0
    while got < 1_500_000:
        x, _ = read_samples(ring, 1 << 16, 5.0)
        got += x.size
    elapsed = time.monotonic() - t0
    dev.close()
    srv.stop()
    # The first samples go out at the default 2.048 MS/s until the rate command lands; after that 1 MS/s.
    assert elapsed >= 1.5 * 0.9 - 0.1


def test_a_dropped_client_sees_a_device_error_and_can_come_back(server: RtlTcpServer) -> None:
    dev = RtlTcpDevice("127.0.0.1", server.port)
    dev.set_sample_rate(2.4e6)
    dev.set_center_freq(947.1e6)
    ring = SampleRing(1 << 20, overflow="block")
    dev.start(ring)
    read_samples(ring, 50_000, 5.0)
    # Commands and samples travel on different threads: wait until the tuning has landed before the drop.
    deadline = time.monotonic() + 5.0
    while server.dongle.state.center_freq_hz != 947.1e6 and time.monotonic() < deadline:
        time.sleep(0.01)
    t_before = server.dongle.world_time_s
    server.drop_client()
    with pytest.raises(DeviceError, match="closed the connection|connection broke"):
        for _ in range(1000):
            read_samples(ring, 50_000, 5.0)
    dev.close()
    again = RtlTcpDevice("127.0.0.1", server.port)  # the dongle kept its settings and its clock
    ring2 = SampleRing(1 << 20, overflow="block")
    again.start(ring2)
    read_samples(ring2, 10_000, 5.0)
    assert server.dongle.state.center_freq_hz == 947.1e6
    assert server.dongle.world_time_s > t_before
    assert server.stats.clients == 2
    again.close()


def test_a_stalled_server_times_the_client_out(server: RtlTcpServer) -> None:
    dev = RtlTcpDevice("127.0.0.1", server.port, read_timeout_s=0.5)
    ring = SampleRing(1 << 20)
    dev.start(ring)
    read_samples(ring, 10_000, 5.0)
    server.stall()
    t0 = time.monotonic()
    with pytest.raises(DeviceError, match="stalled|no samples"):
        for _ in range(10_000):
            read_samples(ring, 100_000, 5.0)
    assert time.monotonic() - t0 < 4.0
    server.stall(False)
    dev.close()


def test_port_in_use_is_one_line(server: RtlTcpServer) -> None:
    other = RtlTcpServer(server.dongle, port=server.port)
    with pytest.raises(DeviceError, match=f"cannot listen on 127.0.0.1:{server.port}"):
        other.start()
