from __future__ import annotations

import pytest

from sdrscan.errors import ConfigError
from sdrscan.sources import parse_hz


@pytest.mark.parametrize(("text", "hz"), [
    ("953.6M", 953.6e6), ("947.6m", 947.6e6), ("2.4e6", 2.4e6), ("270.833k", 270833.0), ("1.8G", 1.8e9),
    ("1000000", 1e6), (" 2.048 M ", 2.048e6), ("935.2MHz", 935.2e6), ("1.92Msps", 1.92e6), (".5k", 500.0),
    (2_400_000, 2.4e6), (1.0833e6, 1.0833e6),
])
def test_parse_hz(text: str | float, hz: float) -> None:
    assert parse_hz(text) == hz


@pytest.mark.parametrize("mhz", ["947.6", "935.2", "1860.2", "1805.2", "942.4", "2.048", "1.92"])
def test_parse_hz_is_exact_for_decimal_mega(mhz: str) -> None:
    assert parse_hz(mhz + "M") == float(mhz + "e6")


@pytest.mark.parametrize("bad", ["", "abc", "95x", "1.2.3M", "M", "nan", "inf", "1e999", "10 T"])
def test_parse_hz_rejects(bad: str) -> None:
    with pytest.raises(ConfigError):
        parse_hz(bad)
