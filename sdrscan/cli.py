"""The ``sdrscan`` command line.

Sub-commands live in ``sdrscan.commands.<name>`` and are imported only when used, so ``sdrscan --help``
stays fast (Numba and SciPy take a while to import). Every :class:`~sdrscan.errors.SdrscanError` becomes
one line on stderr and a non-zero exit status; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys

import click

from sdrscan import __version__
from sdrscan.errors import SdrscanError

# One command is one process doing single-threaded numerics: NumPy's BLAS thread pool only costs start-up
# CPU (~0.1 s measured) and competes with the receiver. Set before NumPy is first imported (the commands
# import it lazily; nothing above does).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# name -> (module, attribute, one-line help shown by `sdrscan --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "info": ("sdrscan.commands.info", "info", "Describe an IQ recording: format, rate, frequency, length, power."),
    "frames": ("sdrscan.commands.frames", "frames",
               "Decode every GSM broadcast carrier of a recording to L2 blocks (JSON, pcap, GSMTAP)."),
    "synth": ("sdrscan.commands.synth", "synth", "Synthesize a GSM recording from a scene file (test signals)."),
    "replay": ("sdrscan.commands.replay", "replay",
               "Decode recordings (one survey) into GSM cells: parameters, neighbours, CCCH statistics."),
    "scan": ("sdrscan.commands.scan", "scan",
             "Sweep GSM bands live with an RTL-SDR (USB or rtl_tcp): cells, SI1-SI4, positions, alerts."),
    "calibrate": ("sdrscan.commands.calibrate", "calibrate",
                  "Measure the dongle's crystal error (ppm) from GSM carriers, no prior estimate needed."),
    "record": ("sdrscan.commands.record", "record",
               "Record a live dongle to SigMF with time, hardware and position; rotate by size or time."),
    "simulate": ("sdrscan.commands.simulate", "simulate",
                 "Serve a simulated RTL-SDR over rtl_tcp that synthesizes a scene wherever it is tuned."),
    "serve": ("sdrscan.commands.serve", "serve",
              "Run the service: ingest recordings in the background, API and dashboard in the foreground."),
    "baseline": ("sdrscan.commands.baseline", "baseline",
                 "Known cells for detection: import OpenCellID/MLS CSV, learn from a trusted survey, show."),
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[cmd_name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table, so listing commands imports nothing heavy.
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _version(ctx: click.Context, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from dsp import _kernels

    kernels = ("ahead-of-time compiled" if _kernels.mode() == "aot"
               else "Numba JIT (build the faster-starting ones: python -m sdrscan.aot build)")
    click.echo(f"sdrscan {__version__}, DSP kernels: {kernels}")
    ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=lambda c, p, v: _version(c, v),
              help="Show the version and which DSP kernels run (ahead-of-time or JIT), and exit.")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, debug: bool) -> None:
    """Find pseudo GSM base stations (IMSI catchers) with an RTL-SDR or in IQ recordings.

    sdrscan decodes every GSM broadcast carrier in a capture (FCCH, SCH, BCCH, CCCH), builds a picture of
    the cells around you and judges which ones behave like fake base stations.
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"debug": debug}


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI, turning known errors into one clean line."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        # standalone_mode=False returns what a command passed to ctx.exit(n) instead of exiting.
        rc = cli.main(args=argv, prog_name="sdrscan", standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # `sdrscan frames --json | head`: the reader left; not an error worth a traceback.
        sys.stderr.close()
        sys.exit(0)
    except SdrscanError as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except MemoryError:
        click.echo("error: out of memory", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug: still one line unless --debug, with a hint how to see more
        if debug:
            raise
        click.echo(f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug and report it",
                   err=True)
        sys.exit(70)
