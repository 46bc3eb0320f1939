"""``--device`` values: which live dongle to open.

* ``rtl`` or ``rtl:0``: the first (or N-th) RTL-SDR on USB; ``rtl:serial=00000001``: by serial number;
* ``rtltcp://HOST:PORT``: an rtl_tcp server (a dongle elsewhere, or ``sdrscan simulate``).
"""

from __future__ import annotations

from collections.abc import Callable

from sdrscan.errors import ConfigError
from sdrscan.sources.live import LiveDevice


def device_opener(spec: str, *, read_timeout_s: float = 5.0) -> Callable[[], LiveDevice]:
    """A function that opens the device ``spec`` (called again to reconnect).

    >>> device_opener("rtltcp://127.0.0.1:1234").__name__
    'open_rtltcp'

    Raises
    ------
    ConfigError
        For a value that is none of the forms above.
    """
    text = spec.strip()
    low = text.lower()
    if low.startswith(("rtltcp://", "rtl_tcp://", "rtl-tcp://")):
        from sdrscan.sources.rtltcp import RtlTcpDevice, parse_rtltcp_url

        host, port = parse_rtltcp_url(text)

        def open_rtltcp() -> LiveDevice:
            return RtlTcpDevice(host, port, read_timeout_s=read_timeout_s)

        return open_rtltcp
    if low == "rtl" or low.startswith("rtl:"):
        arg = text[4:] if low.startswith("rtl:") else ""
        index, serial = 0, None
        if arg.lower().startswith("serial="):
            serial = arg[7:]
            if not serial:
                raise ConfigError(f"--device {spec!r}: give the serial, e.g. rtl:serial=00000001")
        elif arg:
            if not arg.isdigit():
                raise ConfigError(f"--device {spec!r}: expected rtl:INDEX (e.g. rtl:0) or rtl:serial=SERIAL")
            index = int(arg)

        def open_rtl() -> LiveDevice:
            from sdrscan.sources.rtlsdr import RtlSdrDevice

            return RtlSdrDevice(index, serial)

        return open_rtl
    raise ConfigError(f"--device {spec!r}: expected rtl, rtl:INDEX, rtl:serial=SERIAL or rtltcp://HOST:PORT")
