"""``sdrscan replay``: decode one or more recordings (one survey) into cells, as a table or JSON lines."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sdrscan.errors import ConfigError
from sdrscan.sources import open_from_options, source_options

if TYPE_CHECKING:
    from sdrscan.cells.run import SourceRun
    from sdrscan.cells.survey import Survey
    from sdrscan.detection.replay import ReplayDetection


@click.command("replay")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@source_options
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per cell on stdout (sorted by ARFCN, BSIC), then one survey line.")
@click.option("--cell", "cell_arfcn", type=int, default=None, metavar="ARFCN",
              help="Show everything about the cell(s) on this ARFCN (with --json: only their lines).")
@click.option("--band", type=click.Choice(["DCS1800", "PCS1900"]), default=None,
              help="Band of ARFCNs 512-810 (default DCS1800).")
@click.option("--profile", default=None, metavar="NAME|FILE",
              help="Operator profile for the detection rules: built-in name (china) or a profile TOML.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Known cells: a database made by `sdrscan baseline`, or an OpenCellID/MLS CSV.")
@click.option("--no-detect", is_flag=True, help="Do not run the detection rules (score 0, verdict ok).")
def replay(paths: tuple[Path, ...], fmt: str | None, rate: float | None, center_freq: float | None, as_json: bool,
           cell_arfcn: int | None, band: str | None, profile: str | None, baseline_path: Path | None,
           no_detect: bool) -> None:
    """Decode every GSM cell in one or more recordings (PATH ...) and show what each broadcasts.

    Several PATHs are one survey: a carrier seen in two recordings is one cell. --format, --rate and
    --center-freq apply to every raw file; SigMF recordings carry their own. Without --json, prints one
    line per cell (strongest first); --cell ARFCN shows all parameters, neighbour lists, SI types,
    CCCH statistics and the change history of that cell.

    The detection rules (docs/rules.md) judge the survey after each recording: with --json, line 1 is a
    header (rule versions), then one "alert" line per event and one "verdict" line per verdict change;
    cell lines carry the score and verdict. Without --json, a coloured verdict table and, per suspicious
    cell, the rules that fired.
    """
    from sdrscan.cells.run import run_survey
    from sdrscan.pipeline.receiver import ReceiverConfig

    if cell_arfcn is not None and not 0 <= cell_arfcn <= 1023:
        raise ConfigError(f"--cell {cell_arfcn}: expected an ARFCN 0..1023")
    with contextlib.ExitStack() as stack:
        detection = None
        if not no_detect:  # before decoding: a bad profile or baseline fails at once
            from sdrscan.detection.replay import ReplayDetection

            detection = ReplayDetection(profile, baseline_path)
            stack.callback(detection.close)
        sources = []
        for p in paths:  # open all first: a bad path fails before minutes of decoding
            sources.append(stack.enter_context(open_from_options(p, fmt, rate, center_freq)))
        total = sum(s.info.num_samples or 0 for s in sources)
        survey, runs = None, []
        with _Progress(total if all(s.info.num_samples for s in sources) else None) as progress:
            for source in sources:  # one at a time: the rules judge the survey after each recording
                survey, more = run_survey([source], config=ReceiverConfig(band=band), survey=survey,
                                          on_progress=progress.advance)
                runs += more
                if detection is not None:
                    detection.update(survey)
        _output(survey, runs, detection, as_json, cell_arfcn)


def _output(survey: Survey, runs: list[SourceRun], detection: ReplayDetection | None, as_json: bool,
            cell_arfcn: int | None) -> None:
    from sdrscan.cells.display import print_details, print_table
    from sdrscan.cells.export import cell_json, survey_json

    cells = survey.cells()
    shown = cells if cell_arfcn is None else tuple(c for c in cells if c.arfcn == cell_arfcn)
    if cell_arfcn is not None and not shown:
        seen = ", ".join(str(c.arfcn) for c in cells) or "none"
        raise ConfigError(f"--cell {cell_arfcn}: no cell on that ARFCN in this survey (cells on ARFCN: {seen})")
    if as_json:
        out = sys.stdout
        if detection is not None:
            for line in detection.json_lines(None if cell_arfcn is None else [c.key for c in shown]):
                out.write(json.dumps(line) + "\n")
        for c in shown:
            out.write(json.dumps(cell_json(c, **(detection.cell_fields(c) if detection else {}))) + "\n")
        out.write(json.dumps(survey_json(cells, runs, survey.frames, survey.parse_stats.as_dict())) + "\n")
        return
    signal_s = sum(r.stats.duration_s for r in runs)
    if not cells:
        click.echo(f"no GSM cell decoded in {signal_s:.2f} s of signal from {len(runs)} recording(s)")
        return
    if cell_arfcn is not None:
        print_details(shown)
    else:
        judged = None if detection is None else {k: v.verdict.value for k, v in detection.engine.verdicts().items()}
        print_table(cells, f"{len(cells)} cell(s) in {len(runs)} recording(s), {signal_s:.2f} s of signal",
                    verdicts=judged)
    if detection is not None:
        from sdrscan.detection.display import print_verdicts

        keys = {c.key for c in shown}
        print_verdicts({k: v for k, v in detection.engine.verdicts().items() if k in keys}, shown)


class _Progress:
    """A progress bar on stderr over the samples of every recording (only on a terminal)."""

    def __init__(self, total: int | None) -> None:
        self._bar = None
        if total and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("decoding"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                                 TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task("decode", total=total)

    def __enter__(self) -> _Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)
