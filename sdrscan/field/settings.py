"""The ``[device]`` settings section (the live dongle), and saving the crystal error `sdrscan calibrate` measured.

::

    [device]
    device = "rtl"               # or "rtl:1", "rtl:serial=00000001", "rtltcp://mast:1234"
    sample_rate_hz = 2400000.0
    gain_db = 40.2               # a tuner step; omit (or SDRSCAN_DEVICE__GAIN_DB=) for automatic gain
    ppm = 37.05                  # crystal error, written by `sdrscan calibrate --save`
    calibrated_at = 2024-05-01T12:00:00Z
    gps = "gpsd://localhost:2947"
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from sdrscan.errors import ConfigError

SECTION = "device"


class DeviceSettings(BaseModel):
    """Defaults for the live commands (``scan``, ``calibrate``, ``record``); command-line options win."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    device: str = "rtl"
    sample_rate_hz: float = Field(2.4e6, ge=0.9e6, le=3.2e6)
    gain_db: float | None = 40.2
    ppm: float = Field(0.0, ge=-200.0, le=200.0)
    calibrated_at: datetime | None = None
    bias_tee: bool = False
    gps: str | None = None


def user_config_path() -> Path:
    """Where ``--save`` writes: ``$SDRSCAN_CONFIG``, else ``$XDG_CONFIG_HOME/sdrscan/config.toml``."""
    explicit = os.environ.get("SDRSCAN_CONFIG")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "sdrscan" / "config.toml"


def _toml_value(v: object) -> str:
    if isinstance(v, datetime):
        return v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, float):
        return repr(round(v, 4))
    raise TypeError(type(v).__name__)


def save_device_values(values: dict[str, object], path: Path | None = None) -> Path:
    """Set keys of the ``[device]`` section in the TOML settings file, keeping everything else as written.

    Raises
    ------
    ConfigError
        If the existing file is not valid TOML, or cannot be written.
    """
    path = path or user_config_path()
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid TOML ({exc}); fix it before saving") from None
    lines = text.splitlines()
    header = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")
    start = next((i for i, ln in enumerate(lines) if (m := header.match(ln)) and m.group(1).strip() == SECTION), None)
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines.append(f"[{SECTION}]")
        start = len(lines) - 1
    end = next((i for i in range(start + 1, len(lines)) if header.match(lines[i])), len(lines))
    for key, value in values.items():
        line = f"{key} = {_toml_value(value)}"
        pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
        at = next((i for i in range(start + 1, end) if pat.match(lines[i])), None)
        if at is None:
            lines.insert(start + 1, line)
            end += 1
        else:
            lines[at] = line
    new = "\n".join(lines) + "\n"
    try:
        tomllib.loads(new)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(new, encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot save settings to {path}: {exc}") from None
    return path
