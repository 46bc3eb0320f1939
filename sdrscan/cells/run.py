"""Run the receiver over the recordings of a survey and feed every decoded frame into one :class:`Survey`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sdrscan.cells.survey import Survey
from sdrscan.cells.timebase import SourceClock
from sdrscan.pipeline.receiver import ReceiverConfig
from sdrscan.pipeline.runner import RunStats, decode_source
from sdrscan.sources.base import IQSource, SourceInfo


@dataclass(frozen=True, slots=True)
class SourceRun:
    """One recording of a survey: its description, clock and the receiver's statistics."""

    info: SourceInfo
    clock: SourceClock
    stats: RunStats


def run_survey(sources: Sequence[IQSource], *, config: ReceiverConfig | None = None, survey: Survey | None = None,
               on_progress: Callable[[int], None] | None = None,
               labels: Sequence[str] | None = None) -> tuple[Survey, list[SourceRun]]:
    """Decode every source in turn into one survey (the same carrier in two recordings is one cell).

    Parameters
    ----------
    sources : sequence of IQSource
        Opened sources; each is closed after it has been read.
    config : ReceiverConfig, optional
    survey : Survey, optional
        Add to this survey instead of a new one.
    on_progress : callable, optional
        Called with the number of samples of each block read (for a progress bar over all sources).
    labels : sequence of str, optional
        Names of the sources (default: file names).

    Raises
    ------
    SdrscanError
        From the sources or the receiver (e.g. a centre frequency outside every GSM band).
    """
    survey = survey if survey is not None else Survey()
    runs: list[SourceRun] = []
    for i, source in enumerate(sources):
        with source:
            clock = survey.begin_source(source.info, labels[i] if labels is not None else None)
            stats = RunStats()
            for frame in decode_source(source, config, on_progress=on_progress, stats=stats):
                survey.ingest(frame)
            survey.end_source(stats.carriers)
            runs.append(SourceRun(source.info, clock, stats))
    return survey, runs
