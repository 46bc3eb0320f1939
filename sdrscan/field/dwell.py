"""How long to stay on a hop: until every carrier found there has sent its SI1-SI4 set, and no longer.

System Information on BCCH Norm follows TC = (FN div 51) mod 8 (TS 45.002 §6.3.1.3): SI1 at TC 0, SI2 at
TC 1, SI3 at TC 2 and 6, SI4 at TC 3 and 7. So the set repeats every 8 multiframes (8 x 51 frames =
1.88 s) and a carrier caught at a random TC needs up to that long. SI1 is optional (TS 44.018 §3.2.2.1:
it is sent only when the cell has something to say in it); a carrier that has shown a full TC cycle of
BCCH blocks without SI1 is complete without it.

The decision (:func:`hop_status`) looks at the receiver's carriers: a hop is done when no candidate is
still searching (FCCH/SCH) and every synchronised carrier is complete; when nothing was found after the
acquisition window; or at the dwell limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dsp.constants import HYPERFRAME
from sdrscan.cells.extract import is_system_information, si_key
from sdrscan.gsm.rr.dispatch import try_parse_rr
from sdrscan.pipeline.carrier import CarrierState
from sdrscan.pipeline.receiver import Receiver
from sdrscan.pipeline.records import L2Frame

REQUIRED_SI: tuple[str, ...] = ("SI1", "SI2", "SI3", "SI4")
SI_CYCLE_FRAMES = 8 * 51  # TS 45.002 §6.3.1.3: TC = (FN div 51) mod 8


@dataclass(slots=True)
class CarrierSi:
    """SI types seen on one (ARFCN, BSIC) during the current hop."""

    seen: set[str] = field(default_factory=set)
    first_bcch_fn: int | None = None
    last_bcch_fn: int | None = None

    def span_frames(self) -> int:
        if self.first_bcch_fn is None or self.last_bcch_fn is None:
            return 0
        return (self.last_bcch_fn - self.first_bcch_fn) % HYPERFRAME

    def complete(self, required: tuple[str, ...] = REQUIRED_SI) -> bool:
        if all(r in self.seen for r in required):
            return True
        # A whole TC cycle of BCCH blocks without SI1: the cell does not send it.
        rest = tuple(r for r in required if r != "SI1")
        return all(r in self.seen for r in rest) and self.span_frames() >= SI_CYCLE_FRAMES - 51


class SiProgress:
    """SI types per carrier on the current hop, from the decoded BCCH blocks."""

    def __init__(self, required: tuple[str, ...] = REQUIRED_SI) -> None:
        self.required = required
        self.carriers: dict[tuple[int, int], CarrierSi] = {}

    def add(self, frame: L2Frame) -> None:
        if frame.channel != "BCCH":
            return
        c = self.carriers.setdefault((frame.arfcn, frame.bsic), CarrierSi())
        if c.first_bcch_fn is None:
            c.first_bcch_fn = frame.fn
        c.last_bcch_fn = frame.fn
        msg = try_parse_rr(frame.data)
        if is_system_information(msg):
            c.seen.add(si_key(msg).split("[", 1)[0])  # type: ignore[arg-type]

    def complete(self, arfcn: int, bsic: int) -> bool:
        c = self.carriers.get((arfcn, bsic))
        return c is not None and c.complete(self.required)

    def si_types(self, arfcn: int, bsic: int) -> tuple[str, ...]:
        c = self.carriers.get((arfcn, bsic))
        return tuple(sorted(c.seen)) if c else ()


@dataclass(frozen=True, slots=True)
class DwellLimits:
    """Signal-time bounds of one hop (seconds)."""

    acquisition_s: float = 0.3  # the receiver's carrier search window
    empty_s: float = 0.35  # nothing found by then: leave
    max_s: float = 4.5  # two SI cycles and the acquisition: a carrier that has not completed by then will not


def hop_status(rx: Receiver, progress: SiProgress, elapsed_s: float, limits: DwellLimits) -> str | None:
    """None to keep dwelling, else why to leave: ``complete``, ``empty`` or ``max-dwell``."""
    if elapsed_s >= limits.max_s:
        return "max-dwell"
    if elapsed_s < limits.acquisition_s:
        return None
    live = [c for c in rx.carriers if c.state is not CarrierState.ABANDONED]
    searching = [c for c in live if c.state is not CarrierState.SYNCHRONIZED]
    synced = [c for c in live if c.state is CarrierState.SYNCHRONIZED and c.bsic is not None]
    if not live and not rx.carrier_stats():
        return "empty" if elapsed_s >= limits.empty_s else None
    if searching:
        return None
    if all(progress.complete(c.geo.arfcn, c.bsic) for c in synced if c.bsic is not None):
        return "complete"
    return None
