"""Detection: explainable rules that judge which cells are pseudo base stations (see ``docs/rules.md``).

* :mod:`.event` -- ``Event``, ``VerdictChange``, ``CellVerdict``, ``Severity``, ``Verdict`` (the contract with the
  store, API and live scanner);
* :mod:`.rule` -- the ``Rule`` base class; :mod:`.rules` -- one module per rule; :mod:`.registry` -- ``ALL_RULES``;
* :mod:`.engine` -- ``DetectionEngine(settings, baseline, profile).update(survey, now)``;
* :mod:`.settings` -- the ``[detection]`` settings section; :mod:`.profile`, :mod:`.baseline`;
* :mod:`.view` -- what a rule sees (peers, BA-list indexes, receiver images); :mod:`.params` -- field codes in units;
* :mod:`.replay`, :mod:`.display` -- ``sdrscan replay``'s detection lines and coloured view.
"""

from sdrscan.detection.event import (
    CellIdentity,
    CellKey,
    CellVerdict,
    Contribution,
    Event,
    Severity,
    Verdict,
    VerdictChange,
)

__all__ = ["CellIdentity", "CellKey", "CellVerdict", "Contribution", "Event", "Severity", "Verdict", "VerdictChange"]
