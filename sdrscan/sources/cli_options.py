"""The ``--format``, ``--rate`` and ``--center-freq`` options every command that reads a recording shares."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from sdrscan.sources.open import open_source
from sdrscan.sources.reader import StreamSource
from sdrscan.sources.units import parse_hz

F = TypeVar("F", bound=Callable[..., Any])


def _hz_option(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    # Raises ConfigError (not click.BadParameter) so the CLI prints one line instead of usage text.
    return None if value is None else parse_hz(value)


def source_options(func: F) -> F:
    """Add ``--format`` (``fmt``), ``--rate`` (``rate``) and ``--center-freq`` (``center_freq``) to a command.

    ``rate`` and ``center_freq`` arrive as floats in Hz (``2.4M`` and ``947.6e6`` both work) or None.
    """
    func = click.option("--center-freq", "center_freq", metavar="HZ", callback=_hz_option,
                        help="Centre frequency, e.g. 947.6M (raw files; overrides SigMF metadata).")(func)
    func = click.option("--rate", "rate", metavar="HZ", callback=_hz_option,
                        help="Sample rate, e.g. 2.4M (raw files; overrides SigMF metadata).")(func)
    func = click.option("--format", "fmt", metavar="FMT",
                        help="sigmf, cu8 (rtl_sdr), ci8, ci16_le (cs16) or cf32_le (cfile); "
                             "default: from the file name.")(func)
    return func


def open_from_options(path: str | Path, fmt: str | None, rate: float | str | None,
                      center_freq: float | str | None, check_schema: bool = False) -> StreamSource:
    """:func:`~sdrscan.sources.open_source` with the values of :func:`source_options`."""
    return open_source(path, fmt=fmt, sample_rate_hz=rate, center_freq_hz=center_freq, check_schema=check_schema)
