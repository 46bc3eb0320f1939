"""A USB dongle pulled out mid-stream: librtlsdr's asynchronous read ends (or fails), and sdrscan must turn that
into one clear DeviceError, then reconnect with backoff once the dongle is back, recording the gap.

pyrtlsdr is replaced by a stand-in module with the calls `RtlSdrDevice` makes, so the code from librtlsdr's
callback to the scanner's reconnection runs as it would with hardware (no dongle is plugged in here).
"""

from __future__ import annotations

import dataclasses
import threading
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import sdrscan.sources.rtlsdr as rtlsdr_module
from sdrscan.errors import DeviceError
from sdrscan.field.device import device_opener
from sdrscan.field.plan import plan_sweep
from sdrscan.field.scanner import DeviceGap, HopDone, ScanConfig, Scanner
from sdrscan.sources.live import SampleRing, read_samples


class _Dongle:
    """What the stand-in knows about the one dongle: plugged in or not, and how it ends its stream."""

    def __init__(self, chunks_before_unplug: int, ends_with_error: bool) -> None:
        self.plugged = True
        self.chunks_before_unplug = chunks_before_unplug
        self.ends_with_error = ends_with_error
        self.opens = 0
        self.unplugs = 0


def _fake_pyrtlsdr(dongle: _Dongle) -> types.ModuleType:
    rng = np.random.default_rng(3)

    class RtlSdr:
        @staticmethod
        def get_device_serial_addresses() -> list[str]:
            return ["00000001"] if dongle.plugged else []

        def __init__(self, device_index: int = 0) -> None:
            if not dongle.plugged:
                raise OSError(f"Error code -1 when opening SDR (device index = {device_index})")
            dongle.opens += 1
            self._cancel = threading.Event()
            self._rate = 2.048e6
            self._fc = 100e6

        def get_tuner_type(self) -> int:
            return 5  # R820T

        def get_sample_rate(self) -> float:
            return self._rate

        def set_sample_rate(self, rate: float) -> None:
            self._rate = rate

        def get_center_freq(self) -> float:
            return self._fc

        def set_center_freq(self, fc: float) -> None:
            if not dongle.plugged:
                raise OSError("LIBUSB_ERROR_NO_DEVICE")
            self._fc = fc

        def __getattr__(self, name: str) -> Callable[..., None]:
            if name.startswith("set_"):  # gain, ppm, AGC, bias tee: accepted
                return lambda *args: None
            raise AttributeError(name)

        def read_bytes_async(self, callback: Callable[[Any, Any], None], num_bytes: int) -> None:
            for _ in range(dongle.chunks_before_unplug):
                if self._cancel.is_set():
                    return
                callback(rng.integers(100, 156, num_bytes, dtype=np.uint8), None)
            dongle.plugged = False  # the cable is pulled
            dongle.unplugs += 1
            if dongle.ends_with_error:
                raise OSError("Error code -4 when reading samples (LIBUSB_ERROR_NO_DEVICE)")
            # librtlsdr's rtlsdr_read_async returns when its transfers fail: pyrtlsdr returns normally

        def cancel_read_async(self) -> None:
            self._cancel.set()

        def close(self) -> None:
            pass

    mod = types.ModuleType("rtlsdr")
    mod.RtlSdr = RtlSdr  # type: ignore[attr-defined]
    return mod


@pytest.mark.parametrize("ends_with_error", [False, True], ids=["read-returns", "read-raises"])
def test_an_unplugged_dongle_is_one_clear_device_error(monkeypatch: pytest.MonkeyPatch,
                                                       ends_with_error: bool) -> None:
    dongle = _Dongle(chunks_before_unplug=20, ends_with_error=ends_with_error)
    monkeypatch.setattr(rtlsdr_module, "load_rtlsdr", lambda: _fake_pyrtlsdr(dongle))
    dev = device_opener("rtl")()
    ring = SampleRing(1 << 22, overflow="block")
    dev.start(ring)
    got = 0
    with pytest.raises(DeviceError) as err:
        for _ in range(1000):
            got += read_samples(ring, 16_384, 5.0)[0].size
    dev.close()
    assert got == 20 * rtlsdr_module.TRANSFER_BYTES // 2  # every sample before the unplug was delivered
    msg = str(err.value)
    assert "RTL-SDR rtl:0 stopped streaming" in msg and "dongle unplugged" in msg and "\n" not in msg
    with pytest.raises(DeviceError, match=r"cannot open RTL-SDR #0: .*plug a dongle in"):
        device_opener("rtl")()  # still unplugged: opening again is one line too


def test_the_scanner_waits_for_the_dongle_to_come_back_and_records_the_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    dongle = _Dongle(chunks_before_unplug=40, ends_with_error=False)  # 0.27 s of signal at 2.4 MS/s
    monkeypatch.setattr(rtlsdr_module, "load_rtlsdr", lambda: _fake_pyrtlsdr(dongle))
    plan = plan_sweep("GSM900")
    plan = dataclasses.replace(plan, hops=plan.hops[:1])
    scanner = Scanner(device_opener("rtl"), plan,
                      ScanConfig(sample_rate_hz=plan.sample_rate_hz, overflow="block", reconnect_min_s=0.05,
                                 reconnect_max_s=0.2, give_up_after_s=10.0))
    lost: list[str] = []

    def replug() -> None:  # plugged back in; it streams for long enough this time
        dongle.chunks_before_unplug = 10_000
        dongle.plugged = True

    def on_lost(reason: str, _at: object) -> None:
        lost.append(reason)
        threading.Timer(0.5, replug).start()  # the officer plugs it back in half a second later

    scanner.on_device_lost = on_lost
    events = list(scanner.run(sweeps=1))
    gaps = [e for e in events if isinstance(e, DeviceGap)]
    assert len(lost) == 1 and "dongle unplugged" in lost[0]
    assert len(gaps) == 1 and gaps[0].attempts >= 2 and "dongle unplugged" in gaps[0].reason
    assert [e.reason for e in events if isinstance(e, HopDone)][-1] != "device-lost"  # the hop was done again
    assert scanner.stats.reconnects == 1 and dongle.opens == 2
