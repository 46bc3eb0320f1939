"""RTL-SDR dongles on USB. The only module that imports ``rtlsdr`` (pyrtlsdr), and only when a dongle is used.

pyrtlsdr loads the C library ``librtlsdr`` when it is imported, so importing it at module level would make
every sdrscan command fail on machines without the library, even when they only read recordings.

**Which pyrtlsdr.** pyrtlsdr 0.3 and later bind ``rtlsdr_set_dithering`` when imported, a function that
Debian bookworm's (and Raspberry Pi OS's) ``librtlsdr0`` 0.6.0 does not have, so they fail to import there.
sdrscan therefore requires ``pyrtlsdr>=0.2.93,<0.3``: 0.2.93 binds only functions librtlsdr 0.6 exports
(including the bias tee) and works with newer librtlsdr too. If a newer pyrtlsdr is installed anyway,
:func:`load_rtlsdr` says what to do instead of failing with a traceback.
"""

from __future__ import annotations

import importlib
import logging
import threading
from types import ModuleType
from typing import Any

from sdrscan.errors import DeviceError
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

MISSING_LIBRTLSDR = "librtlsdr not found: apt-get install librtlsdr0, or use a recording"
# USB transfer size: 16384 samples = 6.8 ms at 2.4 MS/s, so little old-frequency data is in flight after a
# retune (librtlsdr's default, 256 KiB, is 55 ms).
TRANSFER_BYTES = 32 * 1024
RTLSDR_SETTLE_S = 0.04  # a couple of transfers plus the tuner's PLL settling (~1 ms)


def load_rtlsdr() -> ModuleType:
    """Import and return the ``rtlsdr`` module.

    Raises
    ------
    DeviceError
        If pyrtlsdr or the ``librtlsdr`` C library it wraps cannot be loaded. pyrtlsdr raises ImportError
        when the library is absent, and AttributeError when an older librtlsdr lacks a symbol it binds.
    """
    try:
        return importlib.import_module("rtlsdr")
    except (ImportError, OSError) as exc:
        raise DeviceError(f"{MISSING_LIBRTLSDR} ({_one_line(exc)})") from exc
    except AttributeError as exc:
        # Debian's librtlsdr0 0.6 lacks rtlsdr_set_dithering, which pyrtlsdr >= 0.3 binds at import.
        raise DeviceError(f"{MISSING_LIBRTLSDR} (the installed librtlsdr is too old for pyrtlsdr: "
                          f"{_one_line(exc)}; `pip install 'pyrtlsdr>=0.2.93,<0.3'`, or install a newer "
                          "librtlsdr or `pip install pyrtlsdrlib`)") from exc


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def list_serials() -> list[str]:
    """Serial numbers of the dongles plugged in, by device index.

    Raises
    ------
    DeviceError
        If pyrtlsdr/librtlsdr cannot be loaded.
    """
    mod = load_rtlsdr()
    try:
        return list(mod.RtlSdr.get_device_serial_addresses())
    except OSError as exc:
        raise DeviceError(f"cannot list RTL-SDR dongles: {_one_line(exc)}") from None


class RtlSdrDevice:
    """A dongle on USB, opened by index or serial number.

    Parameters
    ----------
    index : int
        librtlsdr's device index (0 for the first dongle).
    serial : str, optional
        Open the dongle with this serial number instead (``rtl_eeprom -s`` sets it).

    Raises
    ------
    DeviceError
        pyrtlsdr/librtlsdr missing, no such dongle, or the dongle cannot be opened (busy, permissions).
    """

    def __init__(self, index: int = 0, serial: str | None = None) -> None:
        mod = load_rtlsdr()
        if serial is not None:
            serials = list_serials()
            if serial not in serials:
                found = ", ".join(serials) or "none"
                raise DeviceError(f"no RTL-SDR with serial {serial!r} (serials found: {found}); "
                                  "check `rtl_test` or use --device rtl:INDEX")
            index = serials.index(serial)
        try:
            self._sdr: Any = mod.RtlSdr(device_index=index)
        except OSError as exc:
            raise DeviceError(f"cannot open RTL-SDR #{index}: {_one_line(exc)}; plug a dongle in, check `rtl_test` "
                              "and that no other program (or the dvb_usb_rtl28xxu kernel driver) holds it") from None
        try:
            code = int(self._sdr.get_tuner_type())
        except OSError:
            code = 0
        tuner = tuner_by_code(code)
        address = f"rtl:{index}" if serial is None else f"rtl:serial={serial}"
        self.info = DeviceInfo("rtlsdr", address, tuner, serial=serial, settle_s=RTLSDR_SETTLE_S)
        self.sample_rate_hz = float(self._sdr.get_sample_rate())
        self.center_freq_hz = float(self._sdr.get_center_freq())
        self.gain_db: float | None = None
        self.ppm = 0
        self.bias_tee = False
        self._thread: threading.Thread | None = None
        self._cancelling = False
        self._call(self._sdr.set_agc_mode, False, what="disable the RTL2832 digital AGC")

    @property
    def tuner(self) -> TunerModel:
        return self.info.tuner

    def _call(self, fn: Any, *args: Any, what: str) -> Any:
        try:
            return fn(*args)
        except OSError as exc:
            raise DeviceError(f"RTL-SDR {self.info.address}: cannot {what} "
                              f"({_one_line(exc)}); the dongle may have been unplugged") from None

    def set_sample_rate(self, rate_hz: float) -> None:
        check_rate(rate_hz)
        self._call(self._sdr.set_sample_rate, int(round(rate_hz)), what=f"set the sample rate to {rate_hz:g}")
        self.sample_rate_hz = float(int(round(rate_hz)))

    def set_center_freq(self, freq_hz: float) -> None:
        check_frequency(self.tuner, freq_hz)
        self._call(self._sdr.set_center_freq, int(round(freq_hz)), what=f"tune to {freq_hz / 1e6:.3f} MHz")
        self.center_freq_hz = float(int(round(freq_hz)))

    def set_gain(self, gain_db: float | None) -> None:
        """Manual gain (the nearest step of the tuner), or ``None`` for the tuner's automatic gain."""
        if gain_db is None:
            self._call(self._sdr.set_gain, "auto", what="enable automatic gain")
            self.gain_db = None
            return
        step = self.tuner.nearest_gain_db(gain_db)
        self._call(self._sdr.set_gain, step, what=f"set the gain to {step:g} dB")
        self.gain_db = step

    def set_ppm(self, ppm: int) -> None:
        # librtlsdr refuses (and pyrtlsdr then closes the device) when the value does not change.
        if int(ppm) != self.ppm:
            self._call(self._sdr.set_freq_correction, int(ppm), what=f"set the ppm correction to {ppm}")
            self.ppm = int(ppm)

    def set_bias_tee(self, on: bool) -> None:
        self._call(self._sdr.set_bias_tee, bool(on), what="switch the bias tee")
        self.bias_tee = bool(on)

    def start(self, ring: SampleRing) -> None:
        """Stream into ``ring`` (librtlsdr's asynchronous reads on a thread) until :meth:`stop`."""
        if self._thread is not None and self._thread.is_alive():
            raise DeviceError(f"RTL-SDR {self.info.address} is already streaming")
        self._cancelling = False

        def on_bytes(values: Any, _context: Any) -> None:
            data = bytes(values)
            ring.put(data[: len(data) - len(data) % BYTES_PER_SAMPLE])

        def run() -> None:
            try:
                self._sdr.read_bytes_async(on_bytes, TRANSFER_BYTES)
            except OSError as exc:
                if not self._cancelling:
                    ring.fail(DeviceError(f"RTL-SDR {self.info.address} stopped streaming ({_one_line(exc)}): "
                                          "USB error or dongle unplugged"))
                    return
            if self._cancelling:
                ring.finish()
            else:
                ring.fail(DeviceError(f"RTL-SDR {self.info.address} stopped streaming: USB error or dongle "
                                      "unplugged"))

        self._thread = threading.Thread(target=run, name=f"rtlsdr-{self.info.address}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is None:
            return
        self._cancelling = True
        try:
            self._sdr.cancel_read_async()
        except OSError as exc:
            log.debug("cancel_read_async: %s", exc)
        self._thread.join(timeout=3.0)
        self._thread = None

    def close(self) -> None:
        self.stop()
        try:
            self._sdr.close()
        except OSError as exc:
            log.debug("close: %s", exc)
