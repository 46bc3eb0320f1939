"""``transient-cell``: a cell that appears and vanishes within minutes while the others stay (SeaGlass)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView


class TransientCellSettings(RuleSettings):
    max_lifetime_s: float = Field(600.0, gt=0.0, description="seen for at most this long: a short life")
    margin_s: float = Field(60.0, gt=0.0, description="the receiver heard the same band this long before the "
                                                       "cell appeared and after it vanished")
    min_snr_db: float = Field(10.0, description="only cells this clear: weak cells come and go with fading")


class TransientCell(Rule):
    name = "transient-cell"
    title = "Transient cell"
    description = (
        "The cell appeared after, and vanished before, cells received in the same recordings (so the "
        "receiver was listening to its band), and lived at most 10 minutes: medium. A cell that only "
        "appeared mid-survey is info ('new cell'). Pseudo base stations are switched on for an operation "
        "and off again (SeaGlass 'temporary towers'); real cells run for years. Needs time: fires in live "
        "scans and long or repeated recordings, never in one short capture. False positives: weak cells "
        "near the sensitivity limit (hence the 10 dB SNR floor), cells switched off for maintenance or "
        "energy saving at night, and a moving sensor.")
    version = 1
    settings_model = TransientCellSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, TransientCellSettings)
        if cell.first_seen is None or cell.last_seen is None or not cell.snr_db.n or cell.snr_db.mean < s.min_snr_db:
            return
        others = [c for c in survey.co_received(cell) if c.first_seen is not None and c.last_seen is not None]
        if not others:
            return
        before_s = (cell.first_seen - min(c.first_seen for c in others)).total_seconds()  # type: ignore[type-var, operator]
        after_s = (max(c.last_seen for c in others) - cell.last_seen).total_seconds()  # type: ignore[type-var, operator]
        gone_s = (survey.now - cell.last_seen).total_seconds()
        lifetime_s = (cell.last_seen - cell.first_seen).total_seconds()
        evidence = {"first_seen": cell.first_seen.isoformat(), "last_seen": cell.last_seen.isoformat(),
                    "lifetime_s": lifetime_s, "band_heard_before_s": before_s, "band_heard_after_s": after_s,
                    "max_lifetime_s": s.max_lifetime_s, "margin_s": s.margin_s}
        if before_s < s.margin_s:
            return
        if after_s >= s.margin_s and gone_s >= s.margin_s and lifetime_s <= s.max_lifetime_s:
            yield Finding(Severity.MEDIUM, f"{label(cell)} was on the air for only {lifetime_s / 60:.0f} min: it "
                          f"appeared {before_s / 60:.0f} min into the survey and vanished while the cells around it "
                          "stayed.", evidence, tag="transient")
        else:
            yield Finding(Severity.INFO, f"{label(cell)} appeared {before_s / 60:.0f} min after the survey of its "
                          "band began.", evidence, tag="new")
