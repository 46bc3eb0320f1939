"""``sdrscan baseline``: build and inspect the database of known cells the detection rules compare with."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from sdrscan.errors import ConfigError
from sdrscan.sources import open_from_options, source_options

DB_HELP = "Baseline database (created when missing; default: the detection.baseline setting)."


def _db_path(db: Path | None) -> Path:
    if db is not None:
        return db
    from sdrscan.config import get_settings

    path = get_settings().detection.baseline
    if path is None:
        raise ConfigError("no baseline database given; pass --db FILE or set detection.baseline "
                          "(SDRSCAN_DETECTION__BASELINE)")
    return path


def _emit(data: dict, as_json: bool, lines: list[str]) -> None:
    if as_json:
        click.echo(json.dumps(data))
    else:
        for line in lines:
            click.echo(line)


@click.group("baseline")
def baseline() -> None:
    """Known cells for the detection rules: import OpenCellID/MLS exports, learn from a trusted survey.

    The database is SQLite; `sdrscan replay --baseline FILE` and the detection.baseline setting use it.
    """


@baseline.command("import")
@click.argument("csv_path", metavar="FILE.csv[.gz]", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help=DB_HELP)
@click.option("--mcc", "mccs", type=click.IntRange(0, 999), multiple=True,
              help="Keep only this country (repeatable), e.g. --mcc 460.")
@click.option("--radio", "radios", multiple=True, default=("GSM",), show_default=True,
              help="Radio types to keep (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
def import_cmd(csv_path: Path, db: Path | None, mccs: tuple[int, ...], radios: tuple[str, ...],
               as_json: bool) -> None:
    """Import an OpenCellID or Mozilla Location Service CSV export (plain or .gz) into the baseline.

    Columns: radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal.
    Rows of other radio types or countries, and broken rows, are counted by reason.
    """
    from sdrscan.detection.baseline import Baseline

    path = _db_path(db)
    if not csv_path.is_file():
        raise ConfigError(f"CSV file {csv_path} not found; download an OpenCellID or MLS export and give its path")
    with Baseline.open(path, create=True) as base, _ByteProgress(csv_path.stat().st_size, not as_json) as bar:
        stats = base.import_csv(csv_path, mccs=mccs or None, radios=radios, progress=bar.update)
        total = base.count()
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(stats.skipped.items())) or "none"
    _emit({"db": str(path), **stats.to_json(), "cells_in_db": total}, as_json,
          [f"{stats.rows} rows read in {stats.seconds:.1f} s: {stats.imported} imported "
           f"({stats.new_cells} new cells), skipped: {skipped}", f"{path}: {total} known cells"])


@baseline.command("learn")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@source_options
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help=DB_HELP)
@click.option("--label", default=None, help="Name of this survey in the database (default: the first file).")
@click.option("--band", type=click.Choice(["DCS1800", "PCS1900"]), default=None,
              help="Band of ARFCNs 512-810 (default DCS1800).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
def learn(paths: tuple[Path, ...], fmt: str | None, rate: float | None, center_freq: float | None, db: Path | None,
          label: str | None, band: str | None, as_json: bool) -> None:
    """Decode recordings of a survey you trust (PATH ...) and store its cells as known.

    Stores identity, ARFCN, BSIC, mean power and broadcast parameters of every cell with a decoded SI3 and
    at least 4 good blocks. Learn with the same dongle and gain you scan with: powers are compared.
    """
    from sdrscan.cells.run import run_survey
    from sdrscan.detection.baseline import Baseline
    from sdrscan.pipeline.receiver import ReceiverConfig

    path = _db_path(db)
    with contextlib.ExitStack() as stack:
        sources = [stack.enter_context(open_from_options(p, fmt, rate, center_freq)) for p in paths]
        survey, _ = run_survey(sources, config=ReceiverConfig(band=band))
    with Baseline.open(path, create=True) as base:
        stats = base.learn(survey.cells(), label or paths[0].name)
        total = base.count()
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(stats.skipped.items())) or "none"
    _emit({"db": str(path), **stats.to_json(), "cells_in_db": total}, as_json,
          [f"{len(survey)} cells decoded: {stats.learned} learned ({stats.new_cells} new), skipped: {skipped}",
           f"{path}: {total} known cells"])


@baseline.command("show")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def show(db: Path | None, as_json: bool) -> None:
    """Summarise a baseline: cells, cells learned from surveys, cells per network."""
    from sdrscan.detection.baseline import Baseline

    with Baseline.open(_db_path(db)) as base:
        info = base.describe()
    lines = [f"{info['path']}: {info['cells']} known cells, {info['learned']} learned from surveys"]
    lines += [f"  {n['mcc']:03d}-{n['mnc']:02d}: {n['cells']}" for n in info["networks"]]
    _emit(info, as_json, lines)


class _ByteProgress:
    """A progress bar over the bytes of the CSV file, on stderr when it is a terminal."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._bar = None
        if enabled and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                                 console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task("import", total=total)

    def __enter__(self) -> _ByteProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def update(self, done: int, total: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total)
