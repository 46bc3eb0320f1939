"""Cells: from decoded L2 frames to one observation per (ARFCN, BSIC) carrier (see ``docs/cells.md``).

:mod:`.model` holds the frozen snapshots that detection rules read; :class:`Survey` (in :mod:`.survey`)
ingests frames and produces them.
"""

from sdrscan.cells.model import (
    PARAMETER_NAMES,
    CcchCounts,
    CcchStats,
    CcchWindow,
    CellObservation,
    CellParameters,
    Change,
    FieldValue,
    Measurement,
    MeasurementWindow,
    SiSeen,
    SourceSegment,
)

__all__ = [
    "PARAMETER_NAMES", "CcchCounts", "CcchStats", "CcchWindow", "CellObservation", "CellParameters", "Change",
    "FieldValue", "Measurement", "MeasurementWindow", "SiSeen", "SourceSegment",
]
