"""Meta-test: every registered rule has a settings section, a test file and a docs/rules.md section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sdrscan.detection.registry import ALL_RULES, rule_class
from sdrscan.detection.rule import RULE_NAME_RE, Rule
from sdrscan.detection.settings import RulesConfig

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
NAMES = [cls.name for cls in ALL_RULES]


def _doc_section(name: str) -> str:
    m = re.search(rf"^### `{re.escape(name)}`.*?(?=^### |^## |\Z)", DOCS, re.M | re.S)
    return m.group(0) if m else ""


def test_names_are_unique_kebab_case() -> None:
    assert len(set(NAMES)) == len(NAMES)
    assert all(RULE_NAME_RE.match(n) for n in NAMES)
    assert rule_class("low-t3212").name == "low-t3212"
    with pytest.raises(KeyError, match="known"):
        rule_class("nope")


def test_every_settings_section_belongs_to_a_rule() -> None:
    assert set(RulesConfig.model_fields) == {n.replace("-", "_") for n in NAMES}


@pytest.mark.parametrize("cls", ALL_RULES, ids=NAMES)
def test_rule_is_complete(cls: type[Rule]) -> None:
    field = RulesConfig.model_fields.get(cls.name.replace("-", "_"))
    assert field is not None, f"no RulesConfig field for {cls.name}"
    assert field.annotation is cls.settings_model, f"RulesConfig.{cls.name} is not {cls.settings_model.__name__}"
    module = cls.__module__.rsplit(".", 1)[-1]
    assert module == cls.name.replace("-", "_"), "one module per rule, named after it"
    assert (ROOT / "tests" / "detection" / "rules" / f"test_{module}.py").is_file(), f"no test file for {cls.name}"
    assert "false positive" in cls.description.lower(), f"{cls.name}: description must list false positives"
    section = _doc_section(cls.name)
    assert section, f"docs/rules.md has no '### `{cls.name}`' section"
    assert f"ersion {cls.version}," in section, f"docs/rules.md: {cls.name} is not at version {cls.version}"
    assert "False positives" in section
    for setting in cls.settings_model.model_fields:
        if setting not in ("enabled", "weight"):
            assert f"`{setting}`" in section, f"docs/rules.md section of {cls.name} does not document {setting}"


def test_test_rule_is_off_by_default() -> None:
    assert not rule_class("test-rule").default_enabled
    assert all(cls.default_enabled for cls in ALL_RULES if cls.name != "test-rule")
