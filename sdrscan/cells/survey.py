"""The survey: ingest decoded L2 frames, keep one bounded tracker per (ARFCN, BSIC), hand out snapshots.

Every frame is parsed once (BCCH/CCCH with :func:`~sdrscan.gsm.rr.try_parse_rr`, SACCH with
:func:`~sdrscan.gsm.rr.parse_sacch`; SDCCH is only counted). Parse failures are counted per reason and
per cell, never raised. Several recordings form one survey: :meth:`Survey.begin_source` starts each, and
the same carrier seen in two recordings is one cell.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from dsp.constants import FRAME_DURATION_S
from sdrscan.cells.ccch import CcchTally
from sdrscan.cells.extract import extract, merge, si_key, si_sort_key
from sdrscan.cells.model import (
    CcchStats,
    CcchWindow,
    CellObservation,
    Change,
    FieldValue,
    MeasurementWindow,
    SiSeen,
    SourceSegment,
)
from sdrscan.cells.timebase import SourceClock, clock_for
from sdrscan.cells.windows import ObservedTime, RunningStat, WindowRing
from sdrscan.errors import RrParseError
from sdrscan.gsm.rr.dispatch import ParseStats, RrResult, parse_sacch
from sdrscan.pipeline.records import CarrierStats, L2Frame
from sdrscan.sources.base import SourceInfo

log = logging.getLogger(__name__)

DEFAULT_WINDOW_S = 60.0
DEFAULT_MAX_WINDOWS = 60  # one hour of minute windows
DEFAULT_MAX_HISTORY = 256

_CCCH_CHANNELS = ("CCCH", "CCCH?")  # "CCCH?": frame 22+ before the receiver knew CCCH_CONF
_PARSED_CHANNELS = ("BCCH", *_CCCH_CHANNELS)


@dataclass(slots=True)
class _SiRecord:
    count: int
    first_seen: datetime
    last_seen: datetime
    last_fn: int
    last_hex: str


@dataclass(slots=True)
class _Segment:
    label: str
    first_seen: datetime
    last_seen: datetime
    first_fn: int
    last_fn: int
    blocks_ok: int = 0

    def snapshot(self) -> SourceSegment:
        return SourceSegment(self.label, self.first_seen, self.last_seen, self.first_fn, self.last_fn, self.blocks_ok)


@dataclass(slots=True)
class _MeasWindow:
    power: RunningStat = field(default_factory=RunningStat)
    snr: RunningStat = field(default_factory=RunningStat)
    offset: RunningStat = field(default_factory=RunningStat)


class CellTracker:
    """Everything known about one (ARFCN, BSIC) carrier; bounded memory. Use :meth:`snapshot` to read."""

    def __init__(self, arfcn: int, bsic: int, freq_hz: float, *, window_s: float, max_windows: int,
                 max_history: int) -> None:
        self.arfcn, self.bsic, self.freq_hz = arfcn, bsic, freq_hz
        self.by_si: dict[str, dict[str, FieldValue]] = {}
        self.si_records: dict[str, _SiRecord] = {}
        self.history: deque[Change] = deque(maxlen=max_history)
        self.changes_total = 0
        self.first_seen: datetime | None = None
        self.last_seen: datetime | None = None
        self.first_fn: int | None = None
        self.last_fn: int | None = None
        self.blocks_ok = 0
        self.blocks_bad = 0
        self.blocks_idle = 0
        self.channels: Counter[str] = Counter()
        self.messages: Counter[str] = Counter()
        self.parse_errors: Counter[str] = Counter()
        self.power, self.snr, self.offset = RunningStat(), RunningStat(), RunningStat()
        self.meas_windows: WindowRing[_MeasWindow] = WindowRing(window_s, max_windows, _MeasWindow)
        self.ccch = CcchTally()
        self.ccch_windows: WindowRing[CcchTally] = WindowRing(window_s, max_windows, CcchTally)
        self.observed = ObservedTime()
        self.segments: dict[int, _Segment] = {}  # by segment number (one per recording)

    # --- ingest -----------------------------------------------------------------------------------------
    def add_frame(self, frame: L2Frame, t: datetime, segment: int, source: str,
                  result: RrResult | RrParseError | None) -> None:
        """Account one good block received at ``t``; ``result`` is its parse (None: not parsed)."""
        if self.first_seen is None or t < self.first_seen:
            self.first_seen, self.first_fn = t, frame.fn
        if self.last_seen is None or t >= self.last_seen:
            self.last_seen, self.last_fn = t, frame.fn
        seg = self.segments.get(segment)
        if seg is None:
            seg = self.segments[segment] = _Segment(source, t, t, frame.fn, frame.fn)
        if t < seg.first_seen:
            seg.first_seen, seg.first_fn = t, frame.fn
        if t >= seg.last_seen:
            seg.last_seen, seg.last_fn = t, frame.fn
        seg.blocks_ok += 1
        self.blocks_ok += 1
        self.channels[frame.channel] += 1
        self.power.add(frame.power_dbfs)
        self.snr.add(frame.snr_db)
        self.offset.add(frame.freq_offset_hz)
        win = self.meas_windows.at(t, segment)
        if win is not None:
            win.power.add(frame.power_dbfs)
            win.snr.add(frame.snr_db)
            win.offset.add(frame.freq_offset_hz)
        self.observed.add(t, segment)
        if isinstance(result, RrParseError):
            self.parse_errors[result.reason] += 1
        elif result is not None:
            self.messages[result.NAME] += 1
            self._system_information(result, frame, t)
        if frame.channel in _CCCH_CHANNELS and result is not None:
            neci = self.by_si.get("SI3", {}).get("neci")
            self.ccch.add(result, neci if isinstance(neci, int) else None)
            tally = self.ccch_windows.at(t, segment)
            if tally is not None:
                tally.add(result, neci if isinstance(neci, int) else None)

    def _system_information(self, msg: RrResult, frame: L2Frame, t: datetime) -> None:
        values = extract(msg)
        if values is None:
            return
        key = si_key(msg)  # type: ignore[arg-type]
        rec = self.si_records.get(key)
        if rec is None:
            self.si_records[key] = _SiRecord(1, t, t, frame.fn, frame.data.hex())
        else:
            rec.count += 1
            rec.last_seen, rec.last_fn, rec.last_hex = max(rec.last_seen, t), frame.fn, frame.data.hex()
        old = self.by_si.get(key)
        if old is not None:
            for name, new in values.items():
                if old.get(name) != new:
                    self.history.append(Change(t, frame.fn, key, name, old.get(name), new))
                    self.changes_total += 1
        self.by_si[key] = values

    def add_carrier_stats(self, stats: CarrierStats) -> None:
        """Blocks that failed the Fire code and dummy-burst blocks, counted by the receiver per carrier."""
        self.blocks_bad += stats.blocks_failed
        self.blocks_idle += stats.blocks_idle

    # --- read -------------------------------------------------------------------------------------------
    def snapshot(self) -> CellObservation:
        params = merge(self.by_si)
        window_s = self.ccch_windows.window_s
        ccch_windows = tuple(
            CcchWindow(w.start, window_s, min(w.observed.seconds, window_s), w.content.snapshot())
            for w in self.ccch_windows.windows())
        meas = tuple(
            MeasurementWindow(w.start, window_s, w.content.power.n, w.content.power.mean, w.content.power.lo,
                              w.content.power.hi, w.content.snr.mean, w.content.offset.mean)
            for w in self.meas_windows.windows() if w.content.power.n)
        si_seen = tuple(SiSeen(k, r.count, r.first_seen, r.last_seen, r.last_fn, r.last_hex)
                        for k, r in sorted(self.si_records.items(), key=lambda kv: si_sort_key(kv[0])))
        return CellObservation(
            **params,  # type: ignore[arg-type]
            arfcn=self.arfcn, bsic=self.bsic, freq_hz=self.freq_hz,
            by_si=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in self.by_si.items()}),
            si_seen=si_seen, first_seen=self.first_seen, last_seen=self.last_seen, first_fn=self.first_fn,
            last_fn=self.last_fn, blocks_ok=self.blocks_ok, blocks_bad=self.blocks_bad,
            blocks_idle=self.blocks_idle, channels=MappingProxyType(dict(self.channels)),
            messages=MappingProxyType(dict(self.messages)), parse_errors=MappingProxyType(dict(self.parse_errors)),
            power_dbfs=self.power.snapshot(), snr_db=self.snr.snapshot(), freq_offset_hz=self.offset.snapshot(),
            measurements=meas,
            ccch=CcchStats(self.ccch.snapshot(), self.observed.seconds if self.ccch.counts else 0.0,
                           ccch_windows, MappingProxyType(dict(self.ccch.causes))),
            history=tuple(self.history), changes_total=self.changes_total,
            sources=tuple(dict.fromkeys(self.segments[k].label for k in sorted(self.segments))),
            segments=tuple(self.segments[k].snapshot() for k in sorted(self.segments)),
        )


class Survey:
    """Cells of one survey (one or several recordings), keyed by (ARFCN, BSIC).

    Parameters
    ----------
    window_s : float
        Length of the CCCH-statistics and power-history windows, seconds.
    max_windows : int
        Windows kept per cell (older ones are dropped; totals keep counting).
    max_history : int
        Parameter changes kept per cell (``changes_total`` counts all).
    identity_key : bytes, optional
        HMAC key for the identity digests the RR parser computes; nothing here stores them.
    """

    def __init__(self, *, window_s: float = DEFAULT_WINDOW_S, max_windows: int = DEFAULT_MAX_WINDOWS,
                 max_history: int = DEFAULT_MAX_HISTORY, identity_key: bytes | None = None) -> None:
        self._opts = {"window_s": window_s, "max_windows": max_windows, "max_history": max_history}
        WindowRing(window_s, max_windows, dict)  # validate early
        self._key = identity_key
        self._cells: dict[tuple[int, int], CellTracker] = {}
        self._clocks: list[SourceClock] = []
        self.parse_stats = ParseStats()
        self.frames = 0

    # --- ingest -----------------------------------------------------------------------------------------
    def begin_source(self, info: SourceInfo, label: str | None = None, now: datetime | None = None) -> SourceClock:
        """Start a new recording: later frames are timed by its clock (see :mod:`sdrscan.cells.timebase`)."""
        clock = clock_for(info, label, now)
        used = {c.label for c in self._clocks}
        if clock.label in used:  # the same file name twice (other folders, or read twice): keep labels unique
            n = 2
            while f"{clock.label}#{n}" in used:
                n += 1
            clock = dataclasses.replace(clock, label=f"{clock.label}#{n}")
        self._clocks.append(clock)
        return clock

    def _time_of(self, frame: L2Frame) -> datetime:
        if self._clocks:
            return self._clocks[-1].time_at(frame.sample_offset)
        return datetime.fromtimestamp(frame.fn * FRAME_DURATION_S, UTC)  # no source: time from the FN

    def _parse(self, frame: L2Frame) -> RrResult | RrParseError | None:
        if frame.channel in _PARSED_CHANNELS:
            return self.parse_stats.parse(frame.data, identity_key=self._key)
        if frame.channel.startswith("SACCH"):
            try:
                result: RrResult | RrParseError = parse_sacch(frame.data, identity_key=self._key).message
            except RrParseError as exc:
                result = exc
            self.parse_stats.record(result)
            return result
        return None  # SDCCH: dedicated signalling, counted only

    def tracker(self, arfcn: int, bsic: int, freq_hz: float) -> CellTracker:
        key = (arfcn, bsic)
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = CellTracker(arfcn, bsic, freq_hz, **self._opts)  # type: ignore[arg-type]
        return cell

    def ingest(self, frame: L2Frame, time: datetime | None = None, clock: SourceClock | None = None) -> None:
        """Account one decoded frame. ``time`` overrides the source clock (UTC).

        ``clock`` (one that :meth:`begin_source` returned) names the frame's source when several are read at
        once (a service decoding an upload during a live sweep); by default the source that began last.
        """
        if clock is not None:
            segment = next((i + 1 for i, c in enumerate(self._clocks) if c is clock), 0)
            if not segment:
                raise ValueError(f"source {clock.label!r} was not begun in this survey")
        else:
            segment = len(self._clocks)
            clock = self._clocks[-1] if self._clocks else None
        t = time if time is not None else (clock.time_at(frame.sample_offset) if clock is not None
                                           else self._time_of(frame))
        source = clock.label if clock is not None else "<frames>"
        self.frames += 1
        self.tracker(frame.arfcn, frame.bsic, frame.freq_hz).add_frame(frame, t, segment, source, self._parse(frame))

    def ingest_all(self, frames: Iterable[L2Frame]) -> None:
        for frame in frames:
            self.ingest(frame)

    def end_source(self, carriers: Iterable[CarrierStats]) -> None:
        """Add the receiver's per-carrier counters (failed and idle blocks) of the recording just read."""
        for c in carriers:
            if c.bsic is None:
                continue  # never synchronised: no BSIC, so not a cell
            self.tracker(c.arfcn, c.bsic, c.freq_hz).add_carrier_stats(c)

    # --- read -------------------------------------------------------------------------------------------
    @property
    def sources(self) -> tuple[SourceClock, ...]:
        return tuple(self._clocks)

    def __len__(self) -> int:
        return len(self._cells)

    def cells(self) -> tuple[CellObservation, ...]:
        """Snapshots of every cell, sorted by ARFCN then BSIC."""
        return tuple(self._cells[k].snapshot() for k in sorted(self._cells))

    def cell(self, arfcn: int, bsic: int | None = None) -> CellObservation | None:
        """The cell on ``arfcn`` (with ``bsic``, or the one with most good blocks when not given)."""
        keys = [k for k in self._cells if k[0] == arfcn and (bsic is None or k[1] == bsic)]
        if not keys:
            return None
        best = max(keys, key=lambda k: self._cells[k].blocks_ok)
        return self._cells[best].snapshot()
