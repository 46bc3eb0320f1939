"""``foreign-channel``: an ARFCN outside the operator's channel blocks (SeaGlass "odd frequency")."""

from __future__ import annotations

from collections.abc import Iterator

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView


class ForeignChannelSettings(RuleSettings):
    pass


class ForeignChannel(Rule):
    name = "foreign-channel"
    title = "Channel outside the operator's blocks"
    description = (
        "The cell's ARFCN lies outside every channel block the operator profile gives its operator (medium), "
        "for example on another operator's frequencies. Licensed operators transmit in their own blocks; a "
        "pseudo base station picks a free-looking channel. Needs a profile with channel blocks. False "
        "positives: an outdated profile (refarming, new licences), roaming/border cells, and an operator "
        "sharing spectrum with another.")
    version = 1
    settings_model = ForeignChannelSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        op = survey.operator(cell)
        if op is None or op.channel_known(cell.arfcn):
            return
        profile = survey.profile
        owners = [o.name for o in profile.operators if o is not op and o.arfcn_ranges
                  and o.channel_known(cell.arfcn)] if profile is not None else []
        where = f", in {' and '.join(owners)}'s block" if owners else ""
        yield Finding(Severity.MEDIUM, f"{label(cell)} claims to be {op.name} but transmits on ARFCN {cell.arfcn}, "
                      f"outside {op.name}'s channels{where}.",
                      {"arfcn": cell.arfcn, "operator": op.name, "operator_blocks": [list(r) for r in op.arfcn_ranges],
                       "owned_by": owners})
