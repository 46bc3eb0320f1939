"""Hand-made L2 frames and System Information for the cell tests (no radio involved)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sdrscan.gsm.arfcn import arfcn_to_downlink_hz
from sdrscan.gsm.rr import CellDescription, build_system_information
from sdrscan.pipeline.records import L2Frame

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)  # a minute boundary, so 60 s windows start here


def frame(data: bytes | str, *, arfcn: int = 20, bsic: int = 33, fn: int = 1000, channel: str = "BCCH",
          power_dbfs: float = -30.0, snr_db: float = 20.0, freq_offset_hz: float = 0.0,
          sample_offset: int = 0) -> L2Frame:
    block = bytes.fromhex(data) if isinstance(data, str) else bytes(data)
    return L2Frame(arfcn, float(arfcn_to_downlink_hz(arfcn)), bsic, fn, 0, channel, block, power_dbfs, snr_db,
                   freq_offset_hz, sample_offset)


def si_blocks(**cell: Any) -> Mapping[str, bytes]:
    """SI1.. blocks of a cell described with scene-file names (``sdrscan.gsm.rr.cell``)."""
    cell.setdefault("arfcn", 20)
    return build_system_information(CellDescription.from_mapping(cell))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)
