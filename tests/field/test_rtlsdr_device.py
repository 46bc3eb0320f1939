"""USB dongles through pyrtlsdr and Debian's librtlsdr0: the pinned pyrtlsdr loads, a missing dongle is one line.

These run against the real library; on this machine no dongle is plugged in. With one plugged in, the
``hardware`` test streams from it.
"""

from __future__ import annotations

import ctypes.util
import time
from types import ModuleType

import pytest

from sdrscan.errors import DeviceError
from sdrscan.field.device import device_opener
from sdrscan.sources.live import SampleRing, read_samples


def _rtlsdr_or_skip() -> ModuleType:
    if ctypes.util.find_library("rtlsdr") is None:
        pytest.skip("librtlsdr not installed: apt-get install librtlsdr0")
    from sdrscan.sources.rtlsdr import load_rtlsdr

    return load_rtlsdr()


def test_the_pinned_pyrtlsdr_imports_with_the_installed_librtlsdr() -> None:
    mod = _rtlsdr_or_skip()  # pyrtlsdr >= 0.3 fails here with Debian's librtlsdr0 0.6 (rtlsdr_set_dithering)
    assert hasattr(mod, "RtlSdr") and hasattr(mod.RtlSdr, "read_bytes_async")


def _no_dongle(mod: ModuleType) -> None:
    if mod.RtlSdr.get_device_serial_addresses():
        pytest.skip("a dongle is plugged in")


def test_no_dongle_by_index_is_a_clear_device_error() -> None:
    mod = _rtlsdr_or_skip()
    _no_dongle(mod)
    with pytest.raises(DeviceError) as err:
        device_opener("rtl:0")()
    msg = str(err.value)
    assert msg.startswith("cannot open RTL-SDR #0") and "rtl_test" in msg and "\n" not in msg


def test_no_dongle_by_serial_lists_what_is_there() -> None:
    mod = _rtlsdr_or_skip()
    _no_dongle(mod)
    with pytest.raises(DeviceError, match=r"no RTL-SDR with serial '00000042' \(serials found: none\)"):
        device_opener("rtl:serial=00000042")()


@pytest.mark.hardware
def test_stream_from_a_real_dongle() -> None:
    mod = _rtlsdr_or_skip()
    if not mod.RtlSdr.get_device_serial_addresses():
        pytest.skip("no RTL-SDR dongle plugged in")
    dev = device_opener("rtl")()
    try:
        dev.set_sample_rate(2.4e6)
        dev.set_gain(40)
        dev.set_center_freq(947.6e6)
        ring = SampleRing(8 << 20)
        dev.start(ring)
        t0 = time.monotonic()
        n = 0
        while n < 2_400_000:
            x, dropped = read_samples(ring, 65536, 5.0)
            n += x.size
        elapsed = time.monotonic() - t0
        assert 0.7 < elapsed < 3.0  # one second of signal arrives in about one second
        assert ring.stats.dropped_bytes == 0
    finally:
        dev.close()
