"""``sdrscan calibrate``: measure the dongle's crystal error from GSM carriers and optionally store it."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click

from sdrscan.commands.scan import live_options, open_first, resolve_live


@click.command("calibrate")
@click.option("--band", default="GSM900", show_default=True,
              help="Band whose carriers serve as references (GSM900 or GSM850: unambiguous up to +-50 ppm).")
@live_options
@click.option("--max-time", type=float, default=10.0, show_default=True, help="Most seconds of signal to use.")
@click.option("--carriers", "min_carriers", type=int, default=2, show_default=True,
              help="Stop once this many locked carriers agree within 1 ppm.")
@click.option("--save", is_flag=True, help="Store the result as [device] ppm in the settings file.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--lossless", is_flag=True, help="Never drop samples (simulated dongles).")
def calibrate(band: str, device: str | None, rate: str | None, gain: str | None, ppm: float | None,
              bias_tee: bool | None, gps: str | None, max_time: float, min_carriers: int, save: bool, as_json: bool,
              lossless: bool) -> None:
    """Measure the crystal error (ppm) of the dongle from the FCCH/SCH of strong GSM carriers.

    No prior estimate is needed up to +-50 ppm: carriers are found by their FCCH tone anywhere in each
    2 MHz hop, then the SCH confirms them. Positive ppm means the dongle tunes high; --save stores it so
    that scan and record correct for it.
    """
    from sdrscan.errors import ConfigError
    from sdrscan.field.calibrate import calibrate as run_calibration
    from sdrscan.field.plan import plan_sweep
    from sdrscan.field.settings import save_device_values

    if min_carriers < 1 or max_time <= 0:
        raise ConfigError("--carriers must be at least 1 and --max-time positive")
    opts = resolve_live(device, rate, gain, ppm, bias_tee, None)
    dev, _ = open_first(opts["device"])
    try:
        plan = plan_sweep(band, opts["rate"], dev.info.tuner)
        if opts["bias_tee"]:
            dev.set_bias_tee(True)
        result = run_calibration(dev, plan, min_carriers=min_carriers, max_signal_s=max_time, gain_db=opts["gain"],
                                 overflow="block" if lossless else "drop")
    finally:
        dev.close()
    saved = None
    if save:
        saved = save_device_values({"ppm": round(result.ppm, 3), "calibrated_at": datetime.now(UTC)})
    if as_json:
        out = result.to_json()
        out["saved_to"] = None if saved is None else str(saved)
        sys.stdout.write(json.dumps(out) + "\n")
        return
    for c in result.carriers:
        click.echo(f"  ARFCN {c.arfcn:4d} BSIC {c.bsic:2d} {c.power_dbfs:6.1f} dBFS  {c.ppm:+8.3f} ppm")
    click.echo(f"crystal error {result.ppm:+.3f} ppm from {len(result.carriers)} carrier(s) (spread "
               f"{result.spread_ppm:.3f} ppm) in {result.signal_s:.1f} s of signal; use --ppm {result.ppm:.2f}"
               + (f"; saved to {saved}" if saved else ""))
