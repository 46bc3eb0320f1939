"""The bounded ring between a dongle's thread and the decoder: drops are counted, gaps keep the time base."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from sdrscan.errors import ConfigError, DeviceError
from sdrscan.sources.live import SampleRing, StreamClock, read_samples


def test_full_ring_drops_the_incoming_chunk_and_the_next_chunk_carries_the_gap() -> None:
    ring = SampleRing(8192)
    ring.put(bytes(6000))
    ring.put(bytes(4000))  # does not fit: dropped
    ring.put(bytes(3000))  # does not fit either
    ring.put(bytes(2000))  # fits
    assert ring.stats.dropped_bytes == 7000 and ring.stats.drop_events == 2
    first = ring.read(100_000, 1.0)
    assert len(first.data) == 6000 and first.gap_bytes == 0
    second = ring.read(100_000, 1.0)
    assert len(second.data) == 2000 and second.gap_bytes == 7000
    assert ring.stats.dropped_samples == 3500


def test_read_samples_inserts_zeros_for_the_gap_and_decodes_cu8() -> None:
    ring = SampleRing(8192)
    ring.put(bytes([255, 0] * 3000))
    ring.put(bytes(4000))  # dropped
    ring.read(100_000, 1.0)
    ring.put(bytes([255, 128] * 10))
    x, dropped = read_samples(ring, 10_000, 1.0)
    assert dropped == 2000 and x.size == 2010 and x.dtype == np.complex64
    assert not np.any(x[:2000])
    assert x[2000] == pytest.approx(complex(1.0, 0.5 / 127.5))


def test_reads_split_chunks_and_keep_the_order() -> None:
    ring = SampleRing(1 << 16)
    data = bytes(range(256)) * 8
    ring.put(data)
    parts = [ring.read(300, 1.0).data for _ in range(7)]
    assert all(len(p) == 300 for p in parts[:6]) and b"".join(parts) == data[:2048]


def test_flush_discards_queued_bytes_without_counting_drops() -> None:
    ring = SampleRing(8192)
    ring.put(bytes(3000))
    ring.put(bytes(6000))  # dropped: pending gap
    assert ring.flush() == 9000
    assert ring.stats.discarded_bytes == 3000 and ring.held_bytes == 0
    ring.put(bytes(10))
    assert ring.read(100, 1.0).gap_bytes == 0  # a retune starts a new time line


def test_stall_and_failure_are_one_line_device_errors() -> None:
    ring = SampleRing(8192)
    t0 = time.monotonic()
    with pytest.raises(DeviceError, match="no samples for 0.2 s") as err:
        ring.read(100, 0.2)
    assert 0.15 < time.monotonic() - t0 < 2.0 and "\n" not in str(err.value)
    ring.put(bytes(10))
    ring.fail(OSError("usb gone"))
    assert len(ring.read(100, 1.0).data) == 10  # queued data first
    with pytest.raises(DeviceError, match="usb gone"):
        ring.read(100, 1.0)
    done = SampleRing(8192)
    done.finish()
    with pytest.raises(DeviceError, match="stopped streaming"):
        done.read(10, 1.0)


def test_a_fast_producer_and_a_slow_consumer_account_for_every_byte() -> None:
    ring = SampleRing(64 * 1024)
    chunk = bytes(16 * 1024)
    n_chunks = 400

    def produce() -> None:
        for _ in range(n_chunks):
            ring.put(chunk)
        ring.finish()

    t = threading.Thread(target=produce)
    t.start()
    got = gaps = 0
    while True:
        try:
            c = ring.read(4096, 2.0)
        except DeviceError:
            break
        got += len(c.data)
        gaps += c.gap_bytes
        time.sleep(0.0005)
    t.join()
    s = ring.stats
    assert got + s.dropped_bytes == len(chunk) * n_chunks == s.bytes_in
    assert s.dropped_bytes > 0  # the consumer was slower
    assert gaps <= s.dropped_bytes  # a drop after the last delivered chunk has no later chunk to carry it
    assert s.high_water_bytes <= 64 * 1024


def test_block_mode_loses_nothing() -> None:
    ring = SampleRing(8192, overflow="block")
    sent = [bytes([i % 256]) * 4000 for i in range(50)]

    def produce() -> None:
        for c in sent:
            ring.put(c)
        ring.finish()

    threading.Thread(target=produce).start()
    out = b""
    while True:
        try:
            out += ring.read(3000, 2.0).data
        except DeviceError:
            break
    assert out == b"".join(sent) and ring.stats.dropped_bytes == 0


def test_bad_ring_settings() -> None:
    with pytest.raises(ConfigError):
        SampleRing(8192, overflow="wait")
    with pytest.raises(ConfigError):
        SampleRing(100)


def test_stream_clock_counts_signal_time() -> None:
    c = StreamClock()
    c.advance(2_400_000, 2.4e6)
    c.advance(1_200_000, 2.4e6)
    assert (c.now() - c.t0).total_seconds() == pytest.approx(1.5)


def test_read_block_gathers_chunks_and_keeps_gaps_in_the_count() -> None:
    from sdrscan.sources.live import read_block

    ring = SampleRing(8192)
    ring.put(bytes([200, 55]) * 1000)  # 1000 samples
    ring.put(bytes(8000))  # does not fit: 4000 samples dropped
    x, dropped = read_block(ring, 1000, 1.0)
    assert x.size == 1000 and dropped == 0
    ring.put(bytes([127, 128]) * 1500)  # carries the 4000-sample gap
    ring.put(bytes([127, 128]) * 500)
    y, dropped = read_block(ring, 6000, 1.0)
    assert dropped == 4000 and y.size == 6000  # 4000 zeros stand for the gap, then 2000 real samples
    assert not np.any(y[:4000]) and np.all(y[4000:] != 0)
