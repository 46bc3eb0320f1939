"""Operator profiles: the built-in China profile and user files."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdrscan.detection.profile import builtin_profiles, load_profile
from sdrscan.errors import ConfigError
from sdrscan.gsm.arfcn import arfcn_to_downlink_hz


def test_china_profile() -> None:
    p = load_profile("china")
    assert "china" in builtin_profiles() and p.mccs == (460,)
    cm, cu = p.operator_of(460, "00"), p.operator_of(460, "01")
    assert cm is not None and cm.name == "China Mobile" and set(cm.mncs) == {"00", "02", "04", "07", "08"}
    assert cu is not None and cu.name == "China Unicom" and set(cu.mncs) == {"01", "06", "09"}
    assert p.operator_of(460, "03") is None and p.operator_of(460, "000") is None
    # downlink blocks as published: CM 935-954 MHz and DCS 1805-1820, CU 954-960 MHz and DCS 1835-1850 MHz
    assert cm.channel_known(1) and cm.channel_known(94) and not cm.channel_known(100)
    assert arfcn_to_downlink_hz(94) == 953.8e6 and arfcn_to_downlink_hz(96) == 954.2e6
    assert cu.channel_known(96) and cu.channel_known(124) and not cu.channel_known(60)
    assert arfcn_to_downlink_hz(585) == 1819.8e6 and cm.channel_known(585) and not cm.channel_known(586)
    assert arfcn_to_downlink_hz(662) == 1835.2e6 and cu.channel_known(662) and cu.channel_known(735)


def test_user_profile_file(tmp_path: Path) -> None:
    f = tmp_path / "de.toml"
    f.write_text('name = "de"\nmcc = [262]\n[[operators]]\nname = "Telekom"\nmcc = 262\nmnc = ["01"]\n'
                 'arfcn = [[1, 49]]\nncc = [1, 2]\n')
    p = load_profile(f)
    assert p.name == "de" and p.operator_of(262, "01").nccs == (1, 2)


@pytest.mark.parametrize(("text", "fragment"), [
    ('name = "x"\nfoo = 1\n', "unknown key 'foo'"),
    ('name = "x"\n[[operators]]\nname = "A"\nmcc = 460\nmnc = [0]\n', "mnc=[0]"),
    ('name = "x"\n[[operators]]\nname = "A"\nmcc = 460\nmnc = ["00"]\narfcn = [[10, 5]]\n', "arfcn=[10, 5]"),
    ('name = "x"\n[[operators]]\nname = "A"\nmcc = 460\nmnc = ["00"]\n[[operators]]\nname = "B"\nmcc = 460\n'
     'mnc = ["00"]\n', "listed for both"),
    ('name = \n', "not valid TOML"),
])
def test_bad_profiles(tmp_path: Path, text: str, fragment: str) -> None:
    f = tmp_path / "p.toml"
    f.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_profile(f)
    assert fragment in str(err.value)


def test_unknown_name_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown; expected one of china"):
        load_profile("atlantis")
    with pytest.raises(ConfigError, match="not found"):
        load_profile(tmp_path / "none.toml")
