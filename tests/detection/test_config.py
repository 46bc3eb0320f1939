"""Settings: defaults, TOML file, SDRSCAN_ environment, validation as one-line ConfigErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdrscan.config import get_settings, load_settings
from sdrscan.detection.event import Severity
from sdrscan.errors import ConfigError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for k in list(os.environ):
        if k.startswith("SDRSCAN_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nothing"))


def test_defaults() -> None:
    s = load_settings()
    assert s.detection.profile is None and s.detection.scoring.suspicious == 4.0
    assert s.detection.rules.low_t3212.enabled is None and s.detection.rules.test_rule.severity is Severity.INFO


def test_toml_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "sdrscan.toml"
    f.write_text('[detection]\nprofile = "china"\n[detection.rules.low_t3212]\nenabled = false\nmedium_below = 3\n'
                 '[detection.rules.test_rule]\nseverity = "high"\n')
    s = load_settings(f)
    assert s.detection.profile == "china" and s.detection.rules.low_t3212.enabled is False
    assert s.detection.rules.low_t3212.medium_below == 3 and s.detection.rules.test_rule.severity is Severity.HIGH
    monkeypatch.setenv("SDRSCAN_DETECTION__RULES__LOW_T3212__ENABLED", "true")
    monkeypatch.setenv("SDRSCAN_CONFIG", str(f))
    s = load_settings()
    assert s.detection.rules.low_t3212.enabled is True and s.detection.rules.low_t3212.medium_below == 3


def test_get_settings_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    a = get_settings()
    monkeypatch.setenv("SDRSCAN_DETECTION__PROFILE", "china")
    assert get_settings() is a
    get_settings.cache_clear()
    assert get_settings().detection.profile == "china"
    get_settings.cache_clear()


@pytest.mark.parametrize(("text", "fragment"), [
    ("[detection]\nprofil = 'china'\n", "detection.profil"),
    ("[detection.rules.low_t3213]\nenabled = false\n", "low_t3213"),
    ("[detection.scoring]\nrogue = 1.0\n", "rogue=1.0 is below suspicious"),
    ("[detection.rules.unknown_cell]\nlow_coverage = 0.95\n", "low_coverage=0.95"),
    ("[detection.rules.test_rule]\nseverity = 'extreme'\n", "expected info, low, medium or high"),
    ("[detection\n", "not valid TOML"),
])
def test_bad_values_are_one_line_errors(tmp_path: Path, text: str, fragment: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_settings(f)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "none.toml")
