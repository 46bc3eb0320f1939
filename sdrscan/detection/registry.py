"""The explicit list of detection rules, in evaluation order (style: Rayhunter's analyzer registry).

Adding a rule means: a module in ``sdrscan/detection/rules/``, an entry here, a settings field in
:class:`~sdrscan.detection.settings.RulesConfig`, a section in ``docs/rules.md`` and a test file
``tests/detection/rules/test_<module>.py`` -- the meta-test (``tests/detection/test_registry.py``)
checks all four.
"""

from __future__ import annotations

from sdrscan.detection.rule import Rule
from sdrscan.detection.rules.test_rule import TestRule

ALL_RULES: tuple[type[Rule], ...] = (
    TestRule,
)


def rule_class(name: str) -> type[Rule]:
    """The rule class of id ``name``; KeyError naming the known ids when absent."""
    for cls in ALL_RULES:
        if cls.name == name:
            return cls
    raise KeyError(f"no rule {name!r}; known: {', '.join(c.name for c in ALL_RULES)}")
