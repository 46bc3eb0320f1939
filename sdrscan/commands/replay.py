"""``sdrscan replay``: decode one or more recordings (one survey) into cells, as a table or JSON lines."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from sdrscan.errors import ConfigError
from sdrscan.sources import open_from_options, source_options


@click.command("replay")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@source_options
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per cell on stdout (sorted by ARFCN, BSIC), then one survey line.")
@click.option("--cell", "cell_arfcn", type=int, default=None, metavar="ARFCN",
              help="Show everything about the cell(s) on this ARFCN (with --json: only their lines).")
@click.option("--band", type=click.Choice(["DCS1800", "PCS1900"]), default=None,
              help="Band of ARFCNs 512-810 (default DCS1800).")
def replay(paths: tuple[Path, ...], fmt: str | None, rate: float | None, center_freq: float | None, as_json: bool,
           cell_arfcn: int | None, band: str | None) -> None:
    """Decode every GSM cell in one or more recordings (PATH ...) and show what each broadcasts.

    Several PATHs are one survey: a carrier seen in two recordings is one cell. --format, --rate and
    --center-freq apply to every raw file; SigMF recordings carry their own. Without --json, prints one
    line per cell (strongest first); --cell ARFCN shows all parameters, neighbour lists, SI types,
    CCCH statistics and the change history of that cell.
    """
    from sdrscan.cells.display import print_details, print_table
    from sdrscan.cells.export import cell_json, survey_json
    from sdrscan.cells.run import run_survey
    from sdrscan.pipeline.receiver import ReceiverConfig

    if cell_arfcn is not None and not 0 <= cell_arfcn <= 1023:
        raise ConfigError(f"--cell {cell_arfcn}: expected an ARFCN 0..1023")
    with contextlib.ExitStack() as stack:
        sources = []
        for p in paths:  # open all first: a bad path fails before minutes of decoding
            sources.append(stack.enter_context(open_from_options(p, fmt, rate, center_freq)))
        total = sum(s.info.num_samples or 0 for s in sources)
        with _Progress(total if all(s.info.num_samples for s in sources) else None) as progress:
            survey, runs = run_survey(sources, config=ReceiverConfig(band=band), on_progress=progress.advance)
    cells = survey.cells()
    shown = cells if cell_arfcn is None else tuple(c for c in cells if c.arfcn == cell_arfcn)
    if cell_arfcn is not None and not shown:
        seen = ", ".join(str(c.arfcn) for c in cells) or "none"
        raise ConfigError(f"--cell {cell_arfcn}: no cell on that ARFCN in this survey (cells on ARFCN: {seen})")
    if as_json:
        out = sys.stdout
        for c in shown:
            out.write(json.dumps(cell_json(c)) + "\n")
        out.write(json.dumps(survey_json(cells, runs, survey.frames, survey.parse_stats.as_dict())) + "\n")
        return
    signal_s = sum(r.stats.duration_s for r in runs)
    if not cells:
        click.echo(f"no GSM cell decoded in {signal_s:.2f} s of signal from {len(runs)} recording(s)")
        return
    if cell_arfcn is not None:
        print_details(shown)
        return
    print_table(cells, f"{len(cells)} cell(s) in {len(runs)} recording(s), {signal_s:.2f} s of signal")


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
