"""The rule interface: one small plug-in class per heuristic, in the style of EFF Rayhunter's analyzers.

A rule declares who it is (``name`` = its kebab-case id, ``title``, ``description`` that says what is
suspicious **and** its known false positives, ``version`` that only ever rises, ``default_enabled``) and
its settings model, and implements one method, :meth:`Rule.check`: given one cell and a read-only view of
the whole survey, return the findings that hold *now*. Rules keep no state between calls: the engine
(:mod:`sdrscan.detection.engine`) turns findings into events when they appear and into scores, so the same
rules judge a replayed survey and a live one.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from sdrscan.detection.event import Severity

if TYPE_CHECKING:
    from sdrscan.cells.model import CellObservation
    from sdrscan.detection.view import SurveyView

RULE_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

# A severity in a settings file: "low", "MEDIUM" or 0..3.
SeveritySetting = Annotated[Severity, BeforeValidator(Severity.parse), PlainSerializer(lambda s: s.label)]


class RuleSettings(BaseModel):
    """Settings every rule has; a rule subclasses this to add its thresholds.

    ``enabled`` None means the rule's ``default_enabled``. ``weight`` multiplies the points the rule's
    findings add to a cell's score (0 keeps the events but takes the rule out of the verdict).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool | None = None
    weight: float = Field(1.0, ge=0.0, le=10.0)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule found on a cell, as of now.

    ``tag`` tells apart several findings of one rule on one cell (e.g. two inconsistencies); the engine
    raises one event per (cell, rule, tag) when it first appears or its severity rises.
    """

    severity: Severity
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict, hash=False)
    tag: str = ""


class Rule(ABC):
    """Base class of every detection rule (see the module docstring).

    Parameters
    ----------
    settings : RuleSettings, optional
        An instance of the rule's ``settings_model``; its defaults when not given.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    version: ClassVar[int]
    default_enabled: ClassVar[bool] = True
    settings_model: ClassVar[type[RuleSettings]] = RuleSettings

    def __init__(self, settings: RuleSettings | None = None) -> None:
        model = type(self).settings_model
        if settings is None:
            settings = model()
        elif not isinstance(settings, model):
            raise TypeError(f"rule {self.name}: settings must be {model.__name__}, got {type(settings).__name__}")
        self.settings = settings

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if getattr(cls, "__abstractmethods__", None):
            return
        name = getattr(cls, "name", None)
        if not isinstance(name, str) or not RULE_NAME_RE.match(name):
            raise TypeError(f"{cls.__name__}.name={name!r}; expected a kebab-case id such as 'low-t3212'")
        version = getattr(cls, "version", None)
        if not isinstance(version, int) or version < 1:
            raise TypeError(f"{cls.__name__}.version={version!r}; expected an integer >= 1")
        for attr in ("title", "description"):
            if not isinstance(getattr(cls, attr, None), str) or not getattr(cls, attr).strip():
                raise TypeError(f"{cls.__name__}.{attr} is missing")

    @property
    def enabled(self) -> bool:
        return self.default_enabled if self.settings.enabled is None else self.settings.enabled

    @abstractmethod
    def check(self, cell: CellObservation, survey: SurveyView) -> Iterable[Finding]:
        """The findings that hold for ``cell`` given everything in ``survey``; empty when none."""

    def info(self) -> dict[str, Any]:
        """The rule's provenance entry (report headers, the API's rule list)."""
        return {"name": self.name, "version": self.version, "title": self.title, "description": self.description,
                "enabled": self.enabled}
