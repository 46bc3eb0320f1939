"""RTL-SDR dongles. The only module that imports ``rtlsdr`` (pyrtlsdr), and only when a dongle is used.

pyrtlsdr loads the C library ``librtlsdr`` when it is imported, so importing it at module level would make
every sdrscan command fail on machines without the library, even when they only read recordings.
Live streaming sources come later; for now this module provides the guarded import they will use.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from sdrscan.errors import DeviceError

MISSING_LIBRTLSDR = "librtlsdr not found: apt-get install librtlsdr0, or use a recording"


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
                          f"{_one_line(exc)}; install a newer librtlsdr or `pip install pyrtlsdrlib`)") from exc


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
