"""CCCH statistics: what each paging and access-grant block of a cell carried, counted by kind.

Only counts are kept: identities are counted by type (TMSI, IMSI, IMEI), never stored (TS 24.008
§10.5.1.4 types; an IMSI catcher pages by IMSI far more than a real network).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

from sdrscan.cells.model import CcchCounts
from sdrscan.errors import RrParseError
from sdrscan.gsm.rr import messages as m
from sdrscan.gsm.rr.dispatch import RrResult
from sdrscan.gsm.rr.establishment import establishment_cause

_PAGING = (m.PagingRequestType1, m.PagingRequestType2, m.PagingRequestType3)
_FIELDS = tuple(f.name for f in dataclasses.fields(CcchCounts))


@dataclass(slots=True)
class CcchTally:
    """Mutable twin of :class:`~sdrscan.cells.model.CcchCounts`."""

    counts: Counter[str] = dataclasses.field(default_factory=Counter)
    causes: Counter[str] = dataclasses.field(default_factory=Counter)

    def add(self, result: RrResult | RrParseError, neci: int | None) -> None:
        """Count one decoded CCCH block (TS 44.018 §9.1.18-24, §9.1.21b; fill: TS 44.006 §8.4.1)."""
        c = self.counts
        c["blocks"] += 1
        if isinstance(result, RrParseError):
            c["parse_errors"] += 1
        elif isinstance(result, m.L2FillFrame):
            c["fill"] += 1
        elif isinstance(result, _PAGING):
            n_tmsi, n_imsi, n_imei = result.n_tmsi, result.n_imsi, result.n_imei
            if n_tmsi + n_imsi + n_imei == 0:
                c["paging_empty"] += 1
            else:
                c["paging_blocks"] += 1
                c["tmsi"] += n_tmsi
                c["imsi"] += n_imsi
                c["imei"] += n_imei
        elif isinstance(result, m.ImmediateAssignment):
            c["imm_ass"] += 1
            if result.dedicated_mode_or_tbf.td:
                c["imm_ass_tbf"] += 1
            else:
                self.causes[result.establishment_cause(neci)] += 1
        elif isinstance(result, m.ImmediateAssignmentExtended):
            c["imm_ass"] += 2
            for ref in (result.request_reference_1, result.request_reference_2):
                self.causes[establishment_cause(ref.ra, neci)] += 1
        elif isinstance(result, m.ImmediateAssignmentReject):
            c["imm_ass_reject"] += 1
        elif isinstance(result, m.NotificationNch):
            c["nch"] += 1
        else:
            c["other"] += 1

    def snapshot(self) -> CcchCounts:
        return CcchCounts(**{name: self.counts[name] for name in _FIELDS})
