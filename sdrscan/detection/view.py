"""A read-only view of the survey for rules: every cell plus the indexes rules share (peers, BA lists).

Built once per :meth:`~sdrscan.detection.engine.DetectionEngine.update`; indexes are computed on first use.
"Peers" of a cell are the other cells of its operator: the profile's operator when it knows the PLMN
(China Mobile broadcasts several MNCs), otherwise the same PLMN (MCC + MNC).

Receiver images are set apart: a carrier decoded on ARFCN n whose measured frequency offset puts it on the
carrier of ARFCN n +- 1 with the same BSIC (a strong neighbour leaking into the channel filter), or whose
offset is 20 ppm away from every other carrier's while it repeats a stronger cell's BSIC and identity, is not
a cell.
Rules do not judge images and no index contains them (they would look exactly like a clone).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import CellKey

CHANNEL_SPACING_HZ = 200e3  # TS 45.005 §2
IMAGE_TOLERANCE_HZ = 20e3  # measured carrier within this of the neighbouring carrier: an image
# A BTS is within 0.05 ppm (TS 45.010 §5.1) and the dongle's crystal error is the same for every carrier, so
# every real carrier shows (nearly) the same offset in ppm; 20 ppm (19 kHz at 950 MHz) is far outside it.
OFF_CHANNEL_PPM = 20.0


def find_images(cells: Iterable[CellObservation]) -> dict[CellKey, CellKey]:
    """Image cell key -> key of the real carrier it repeats (see the module docstring).

    Two kinds: (a) the same BSIC on ARFCN n +- 1 whose measured carrier lies within 20 kHz of that stronger
    neighbour's; (b) a carrier whose measured offset differs from the median of all carriers by more than
    20 ppm (the dongle's crystal error is common to all of them, a BTS is within 0.05 ppm, TS 45.010 §5.1),
    repeating the BSIC and identity of a stronger cell: the receiver decoded that cell on the wrong channel.
    """
    by_key = {c.key: c for c in cells}
    ppm = {k: 1e6 * c.freq_offset_hz.mean / c.freq_hz for k, c in by_key.items() if c.freq_offset_hz.n and c.freq_hz}
    ordered = sorted(ppm.values())
    ref = ordered[len(ordered) // 2] if ordered else 0.0
    out: dict[CellKey, CellKey] = {}
    for c in by_key.values():
        if not c.freq_offset_hz.n:
            continue
        for step in (-1, 1):
            real = by_key.get((c.arfcn + step, c.bsic))
            if real is None or not real.freq_offset_hz.n or real.power_dbfs.mean <= c.power_dbfs.mean:
                continue
            # c's measured carrier, seen from the neighbouring channel: offset - step * 200 kHz
            if abs(c.freq_offset_hz.mean - step * CHANNEL_SPACING_HZ - real.freq_offset_hz.mean) <= IMAGE_TOLERANCE_HZ:
                out[c.key] = real.key
        if c.key in out or c.key not in ppm or abs(ppm[c.key] - ref) <= OFF_CHANNEL_PPM:
            continue
        same = [o for o in by_key.values() if o.key != c.key and o.bsic == c.bsic and o.power_dbfs.n
                and o.power_dbfs.mean > c.power_dbfs.mean and (c.mcc, c.mnc, c.lac, c.ci) in (
                    (o.mcc, o.mnc, o.lac, o.ci), (None, None, None, None))]
        if same:
            out[c.key] = max(same, key=lambda o: o.power_dbfs.mean).key
    return out


if TYPE_CHECKING:
    from sdrscan.detection.baseline import Baseline, KnownCell
    from sdrscan.detection.profile import Operator, Profile


class SurveyView:
    """Cells of the survey at time ``now``, with the optional baseline and operator profile.

    Parameters
    ----------
    cells : iterable of CellObservation
        The current snapshots (any order; the view sorts them by key so rules are deterministic).
        ``view.cells`` holds them without the receiver images, ``view.images`` maps each image to its carrier.
    now : datetime
        Survey time of the evaluation (UTC).
    baseline : Baseline, optional
    profile : Profile, optional
    """

    def __init__(self, cells: Iterable[CellObservation], now: datetime, baseline: Baseline | None = None,
                 profile: Profile | None = None) -> None:
        everything = tuple(sorted(cells, key=lambda c: c.key))
        self.images = find_images(everything)
        self.cells: tuple[CellObservation, ...] = tuple(c for c in everything if c.key not in self.images)
        self.now = now
        self.baseline = baseline
        self.profile = profile
        self._by_group: dict[str, tuple[CellObservation, ...]] | None = None
        self._listers: dict[tuple[str, int], tuple[CellObservation, ...]] | None = None
        self._by_source: dict[str, tuple[CellObservation, ...]] | None = None
        self._known: dict[tuple[object, ...], KnownCell | None] = {}

    def __len__(self) -> int:
        return len(self.cells)

    def cell(self, key: CellKey) -> CellObservation | None:
        for c in self.cells:
            if c.key == key:
                return c
        return None

    # --- operators --------------------------------------------------------------------------------------
    def operator(self, cell: CellObservation) -> Operator | None:
        """The profile's operator of the cell's PLMN (None without a profile or for an unknown PLMN)."""
        return None if self.profile is None else self.profile.operator_of(cell.mcc, cell.mnc)

    def group(self, cell: CellObservation) -> str | None:
        """The operator the cell belongs to: the profile's operator name, else its PLMN; None while unknown."""
        op = self.operator(cell)
        return f"op:{op.name}" if op is not None else cell.plmn

    def _groups(self) -> dict[str, tuple[CellObservation, ...]]:
        if self._by_group is None:
            out: dict[str, list[CellObservation]] = {}
            for c in self.cells:
                g = self.group(c)
                if g is not None:
                    out.setdefault(g, []).append(c)
            self._by_group = {g: tuple(v) for g, v in out.items()}
        return self._by_group

    def peers(self, cell: CellObservation) -> tuple[CellObservation, ...]:
        """The other cells of the cell's operator (see the module docstring); empty while its PLMN is unknown."""
        g = self.group(cell)
        if g is None:
            return ()
        return tuple(c for c in self._groups().get(g, ()) if c.key != cell.key)

    # --- BA lists ---------------------------------------------------------------------------------------
    def listers(self, cell: CellObservation) -> tuple[CellObservation, ...]:
        """Peers whose BCCH allocation (SI2/2bis/2ter) lists the cell's ARFCN."""
        g = self.group(cell)
        if g is None:
            return ()
        if self._listers is None:
            idx: dict[tuple[str, int], list[CellObservation]] = {}
            for grp, members in self._groups().items():
                for c in members:
                    for a in c.neighbours or ():
                        idx.setdefault((grp, a), []).append(c)
            self._listers = {k: tuple(v) for k, v in idx.items()}
        return tuple(c for c in self._listers.get((g, cell.arfcn), ()) if c.key != cell.key)

    def neighbours_received(self, cell: CellObservation) -> tuple[CellObservation, ...]:
        """Peers received on an ARFCN of the cell's own BA list."""
        listed = set(cell.neighbours or ())
        return tuple(c for c in self.peers(cell) if c.arfcn in listed)

    # --- baseline ---------------------------------------------------------------------------------------
    def known(self, cell: CellObservation) -> KnownCell | None:
        """The baseline's entry for the cell's global identity (None without a baseline or identity);
        looked up once per view."""
        if self.baseline is None or cell.mcc is None or cell.mnc is None or cell.lac is None or cell.ci is None:
            return None
        key = (cell.mcc, cell.mnc, cell.lac, cell.ci)
        if key not in self._known:
            self._known[key] = self.baseline.lookup(cell.mcc, cell.mnc, cell.lac, cell.ci)
        return self._known[key]

    # --- identity and reception -------------------------------------------------------------------------
    def with_cgi(self, mcc: int | None, mnc: str | None, lac: int | None,
                 ci: int | None) -> tuple[CellObservation, ...]:
        """Every cell broadcasting this cell global identity (none when any part is unknown)."""
        if None in (mcc, mnc, lac, ci):
            return ()
        return tuple(c for c in self.cells if (c.mcc, c.mnc, c.lac, c.ci) == (mcc, mnc, lac, ci))

    def co_received(self, cell: CellObservation) -> tuple[CellObservation, ...]:
        """Other cells received in at least one of the same recordings (so the receiver covered both)."""
        if self._by_source is None:
            idx: dict[str, list[CellObservation]] = {}
            for c in self.cells:
                for s in c.sources:
                    idx.setdefault(s, []).append(c)
            self._by_source = {k: tuple(v) for k, v in idx.items()}
        seen: dict[CellKey, CellObservation] = {}
        for s in cell.sources:
            for c in self._by_source.get(s, ()):
                if c.key != cell.key:
                    seen[c.key] = c
        return tuple(seen[k] for k in sorted(seen))
