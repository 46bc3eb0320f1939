"""``sdrscan synth``: write a synthetic GSM downlink recording (SigMF) and its truth file from a scene."""

from __future__ import annotations

import time

import click

from sdrscan.errors import ConfigError


def _hz(value: str | None, name: str) -> float | None:
    """Accept ``2.4e6``, ``2400000`` or ``2.4M`` / ``1083.333k``."""
    if value is None:
        return None
    text = value.strip()
    scale = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}.get(text[-1:], 1.0)
    try:
        return float(text[:-1] if scale != 1.0 else text) * scale
    except ValueError:
        raise ConfigError(f"{name}={value!r}; expected a number of Hz such as 2.4e6 or 2.4M") from None


@click.command("synth")
@click.option("--spec", "spec_path", required=True, metavar="SCENE.json",
              help="Scene file (schema: docs/scene.md).")
@click.option("--out", "out_path", required=True, metavar="OUT.sigmf-meta",
              help="Output recording; OUT.truth.json is written beside it.")
@click.option("--rate", default=None, metavar="HZ", help="Sample rate, e.g. 2.4M (overrides the scene).")
@click.option("--duration", type=float, default=None, metavar="S", help="Length in seconds (overrides the scene).")
@click.option("--snr", type=float, default=None, metavar="DB",
              help="SNR of the strongest cell in 200 kHz (docs/snr.md; overrides the scene).")
@click.option("--ppm", type=float, default=None, metavar="P",
              help="Receiver crystal error, applied to LO and sample clock (overrides the scene).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seeds every random choice.")
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
def synth(spec_path: str, out_path: str, rate: str | None, duration: float | None, snr: float | None,
          ppm: float | None, seed: int, quiet: bool) -> None:
    """Synthesize a GSM recording from a scene file (test signals with a known truth).

    Every cell is a continuous BCCH carrier (C0): FCCH, SCH, BCCH with its System Information, CCCH with
    paging and access grants, dummy bursts elsewhere, GMSK-modulated and mixed into one capture with the
    receiver's crystal error, noise and (for cu8) 8-bit quantisation.
    """
    from sdrscan.synth.run import synthesize
    from sdrscan.synth.scene import load_scene

    scene = load_scene(spec_path, rate=_hz(rate, "--rate"), duration=duration, snr=snr, ppm=ppm)
    started = time.perf_counter()
    if quiet:
        result = synthesize(scene, out_path, seed)
    else:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("synth"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                      TimeRemainingColumn(), transient=True, console=Console(stderr=True)) as bar:
            task = bar.add_task("synth", total=1)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = synthesize(scene, out_path, seed, progress=progress)
    if not quiet:
        cells = ", ".join(f"ARFCN {c['arfcn']} ({len(c['bcch'])} BCCH, {len(c['ccch'])} CCCH blocks)"
                          for c in result.truth["cells"])
        click.echo(f"wrote {result.meta_path} ({result.truth['n_samples']} samples at "
                   f"{scene.rate_hz / 1e6:g} MS/s, {scene.datatype}) and {result.truth_path.name} in "
                   f"{time.perf_counter() - started:.1f} s: {cells}")
