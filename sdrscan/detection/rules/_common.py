"""Small helpers the rules share: how a cell is named in messages, and peer statistics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sdrscan.cells.model import CellObservation
from sdrscan.detection.params import band_group


def label(cell: CellObservation) -> str:
    """``"ARFCN 62 (460-00, LAC 9001, CI 1234)"``, or with the BSIC while the identity is unknown."""
    if cell.mcc is not None and cell.lac is not None:
        ci = f", CI {cell.ci}" if cell.ci is not None else ""
        return f"ARFCN {cell.arfcn} ({cell.plmn}, LAC {cell.lac}{ci})"
    return f"ARFCN {cell.arfcn} (BSIC {cell.bsic})"


def cell_band(cell: CellObservation) -> str:
    return band_group(cell.arfcn, bool(cell.band_indicator))


def same_band(cell: CellObservation, others: Iterable[CellObservation]) -> list[CellObservation]:
    band = cell_band(cell)
    return [c for c in others if cell_band(c) == band]


def mode(values: Iterable[object]) -> object | None:
    """The most common value (the smallest of equally common ones, for determinism); None when empty."""
    counts = Counter(values)
    if not counts:
        return None
    top = max(counts.values())
    return min((v for v, n in counts.items() if n == top), key=_order)


def capped(values: Iterable[object], limit: int = 12) -> list[object]:
    """Sorted distinct values, at most ``limit`` (evidence stays short)."""
    return sorted(set(values), key=_order)[:limit]


def _order(v: object) -> tuple[str, object]:
    return (type(v).__name__, v if isinstance(v, int | float | str) else repr(v))
