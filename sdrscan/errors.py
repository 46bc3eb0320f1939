"""One error hierarchy for the whole package.

Every message says what was given, what was expected, and how to fix it, in one line: the CLI prints
``str(err)`` and exits non-zero, never a traceback.
"""

from __future__ import annotations


class SdrscanError(Exception):
    """Base class of every error sdrscan reports to a user."""

    exit_code: int = 1


class SourceError(SdrscanError):
    """An IQ source cannot be opened or read (missing file, bad format, device gone)."""

    exit_code = 2


class DeviceError(SourceError):
    """A live device (RTL-SDR, rtl_tcp peer) is missing, failed or went away."""


class DspParameterError(SdrscanError, ValueError):
    """A DSP stage was given parameters it cannot work with (sample rate, shape, dtype)."""

    exit_code = 2


class RrParseError(SdrscanError):
    """An L2/L3 block could not be parsed; ``reason`` is a short machine-readable key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


class ConfigError(SdrscanError, ValueError):
    """A settings value or a scene/spec file is invalid."""

    exit_code = 2
