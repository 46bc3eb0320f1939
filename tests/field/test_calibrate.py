"""Crystal calibration on the simulated dongle: +-50 ppm with no prior estimate, within 1 ppm, under 10 s."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sdrscan.config import load_settings
from sdrscan.errors import ConfigError, DeviceError
from sdrscan.field.calibrate import calibrate
from sdrscan.field.plan import plan_sweep
from sdrscan.field.settings import save_device_values
from sdrscan.sources.rtltcp import RtlTcpDevice
from tests.field.simrig import start_rig


@pytest.mark.parametrize("ppm", [50.0, -50.0, 23.61])
def test_calibration_from_unknown_error(ppm: float) -> None:
    rig = start_rig(ppm=ppm, seed=int(abs(ppm) * 100))
    dev = RtlTcpDevice("127.0.0.1", rig.server.port)
    dev.set_ppm(9)  # a stale correction is cleared first: the result is the raw error
    try:
        result = calibrate(dev, plan_sweep("GSM900"), overflow="block")
    finally:
        dev.close()
        rig.close()
    assert result.ppm == pytest.approx(ppm, abs=1.0)  # the bound; typically within 0.05
    assert result.signal_s < 10.0 and len(result.carriers) >= 2 and not result.rejected
    assert result.spread_ppm < 0.5


def test_no_carrier_is_a_clear_error() -> None:
    rig = start_rig()
    plan = plan_sweep("GSM850")  # the scene has nothing there
    plan = dataclasses.replace(plan, hops=plan.hops[:3])
    dev = RtlTcpDevice("127.0.0.1", rig.server.port)
    try:
        with pytest.raises(DeviceError, match="no GSM carrier locked") as err:
            calibrate(dev, plan, overflow="block")
    finally:
        dev.close()
        rig.close()
    assert "\n" not in str(err.value)


def test_saving_keeps_the_rest_of_the_settings_file(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('# mine\n[detection]\nprofile = "china"\n\n[device]\ngain_db = 33.8 # fixed\nppm = 3.0\n')
    save_device_values({"ppm": 41.27}, cfg)
    text = cfg.read_text()
    assert "# mine" in text and 'profile = "china"' in text and "gain_db = 33.8 # fixed" in text
    s = load_settings(cfg)
    assert s.device.ppm == 41.27 and s.device.gain_db == 33.8 and s.detection.profile == "china"
    fresh = tmp_path / "new" / "config.toml"
    save_device_values({"ppm": -2.5}, fresh)
    assert load_settings(fresh).device.ppm == -2.5
    bad = tmp_path / "bad.toml"
    bad.write_text("[device\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        save_device_values({"ppm": 1.0}, bad)


@pytest.mark.slow
def test_cli_calibrate_save_then_scan_starts_corrected(tmp_path: Path) -> None:
    rig = start_rig(ppm=-33.3)
    cfg = tmp_path / "config.toml"
    env = {**os.environ, "SDRSCAN_CONFIG": str(cfg)}
    cfg.write_text("")
    try:
        r = subprocess.run([sys.executable, "-m", "sdrscan", "calibrate", "--device", rig.url, "--save", "--json",
                            "--lossless"], capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        saved = load_settings(cfg).device
        assert saved.ppm == pytest.approx(-33.3, abs=0.3) and saved.calibrated_at is not None
        # scan picks the stored value up: its first hop already runs corrected (no CrystalUpdate needed).
        r = subprocess.run([sys.executable, "-m", "sdrscan", "scan", "--device", rig.url, "--duration", "1",
                            "--lossless", "--json", "--no-detect"], capture_output=True, text=True, env=env,
                           timeout=120)
        assert r.returncode == 0, r.stderr
    finally:
        rig.close()
    assert rig.dongle.state.freq_correction_ppm == -33
