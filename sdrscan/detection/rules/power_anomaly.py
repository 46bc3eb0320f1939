"""``power-anomaly``: received far stronger than the cell's baseline, or than every other cell."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView


class PowerAnomalySettings(RuleSettings):
    baseline_db: float = Field(15.0, gt=0.0, description="mean power above the trusted survey's by this: medium")
    above_all_db: float = Field(15.0, gt=0.0, description="mean power above every other cell's by this: low")
    min_cells: int = Field(5, ge=1, description="other cells with a measured power needed for the second test")
    min_blocks: int = Field(4, ge=1, description="blocks a power mean must rest on")


class PowerAnomaly(Rule):
    name = "power-anomaly"
    title = "Power far above normal"
    description = (
        "Compares the cell's mean received power (dBFS, per decoded block) with what a trusted survey "
        "measured for the same identity (medium when 15 dB or more stronger), and with every other cell of "
        "the survey (low when 15 dB or more above the strongest of at least five others). A pseudo base "
        "station is near its victims and much stronger than the network's towers (Crocodile Hunter, "
        "SeaGlass 'strong signal in an odd spot'). Powers are only comparable with the same receiver gain. "
        "False positives: a sensor standing next to a real tower or moved since the baseline was learned, "
        "different gain settings, and indoor repeaters.")
    version = 1
    settings_model = PowerAnomalySettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, PowerAnomalySettings)
        if cell.power_dbfs.n < s.min_blocks:
            return
        power = cell.power_dbfs.mean
        known = survey.known(cell)
        if known is not None and known.power_dbfs is not None and power - known.power_dbfs >= s.baseline_db:
            yield Finding(Severity.MEDIUM, f"{label(cell)} is received {power - known.power_dbfs:.0f} dB "
                          "stronger than when the baseline survey measured it.",
                          {"power_dbfs": power, "baseline_power_dbfs": known.power_dbfs,
                           "excess_db": power - known.power_dbfs, "baseline_db": s.baseline_db}, tag="baseline")
        others = [c.power_dbfs.mean for c in survey.cells if c.key != cell.key and c.power_dbfs.n >= s.min_blocks]
        if len(others) >= s.min_cells and power - max(others) >= s.above_all_db:
            yield Finding(Severity.LOW, f"{label(cell)} is received {power - max(others):.0f} dB stronger than "
                          f"any of the {len(others)} other cells.",
                          {"power_dbfs": power, "strongest_other_dbfs": max(others), "excess_db": power - max(others),
                           "others": len(others), "above_all_db": s.above_all_db}, tag="above-all")
