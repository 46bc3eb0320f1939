"""Hand-made cell observations for rule tests: a plausible legitimate cell by default, any field overridden.

Values follow the cells model (raw field codes, TS 44.018). A default cell belongs to 460-00, LAC 9001,
has six neighbours, two carriers, GPRS, SI2quater, T3212 = 30, no C2 parameters, and was received at
-50 dBFS with 25 dB SNR over two seconds of recording ``"r1"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from sdrscan.cells.model import CcchCounts, CcchStats, CellObservation, Change, Measurement
from sdrscan.detection.engine import DetectionEngine
from sdrscan.detection.event import Event, Severity
from sdrscan.detection.rule import Finding, Rule
from sdrscan.detection.view import SurveyView
from sdrscan.gsm.arfcn import arfcn_to_downlink_hz

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def measurement(mean: float, n: int = 50, std: float = 1.0) -> Measurement:
    return Measurement(n, mean, std, mean - 2 * std, mean + 2 * std)


def cell(arfcn: int, **kw: Any) -> CellObservation:
    """A legitimate-looking cell on ``arfcn``; keyword arguments override any CellObservation field.

    Extra conveniences: ``power`` (dBFS mean), ``snr`` (dB mean), ``seen`` ((first_s, last_s) after T0),
    ``lai`` applied to SI3 and SI4 ``by_si`` unless ``by_si`` is given.
    """
    mcc, mnc, lac, ci = kw.pop("mcc", 460), kw.pop("mnc", "00"), kw.pop("lac", 9001), kw.pop("ci", 1000 + arfcn)
    neighbours = kw.pop("neighbours", tuple(a for a in range(arfcn - 6, arfcn + 8, 2) if a != arfcn and a > 0))
    first_s, last_s = kw.pop("seen", (0.0, 2.0))
    power, snr = kw.pop("power", -50.0), kw.pop("snr", 25.0)
    values: dict[str, Any] = dict(
        bsic=kw.pop("bsic", 8 * 1 + arfcn % 8), freq_hz=arfcn_to_downlink_hz(arfcn), mcc=mcc, mnc=mnc, lac=lac,
        ci=ci, neighbours=tuple(sorted(neighbours)) if neighbours is not None else None,
        ba_si2=tuple(sorted(neighbours)) if neighbours is not None else None, cell_arfcns=(arfcn, arfcn + 40),
        ncc_permitted=0xFF, t3212=30, ccch_conf=0, bs_ag_blks_res=1, bs_pa_mfrms=4, cell_reselect_hysteresis=2,
        ms_txpwr_max_cch=5, rxlev_access_min=8, neci=0, gprs=True, si2ter_indicator=False,
        si2quater_indicator=True, si13=True, first_seen=at(first_s), last_seen=at(last_s), first_fn=1000,
        last_fn=1000 + int((last_s - first_s) / 0.004615), blocks_ok=200, power_dbfs=measurement(power),
        snr_db=measurement(snr), sources=("r1",),
        by_si=MappingProxyType({"SI3": MappingProxyType({"mcc": mcc, "mnc": mnc, "lac": lac, "ci": ci}),
                                "SI4": MappingProxyType({"mcc": mcc, "mnc": mnc, "lac": lac})}),
    )
    values.update(kw)
    return CellObservation(arfcn=arfcn, **values)


def ccch(*, imsi: int = 0, tmsi: int = 0, imm_ass: int = 0, causes: dict[str, int] | None = None,
         observed_s: float = 60.0) -> CcchStats:
    totals = CcchCounts(blocks=imm_ass + imsi + tmsi, paging_blocks=imsi + tmsi, tmsi=tmsi, imsi=imsi,
                        imm_ass=imm_ass)
    return CcchStats(totals, observed_s, (), MappingProxyType(dict(causes or {})))


def change(field: str, old: object, new: object, t: float, si: str = "SI3") -> Change:
    return Change(at(t), 1000 + int(t / 0.004615), si, field, old, new)  # type: ignore[arg-type]


def network(arfcns: Iterable[int] = (10, 12, 14, 16, 18, 20), **kw: Any) -> list[CellObservation]:
    """Cells that list each other (every other cell of the list as neighbour), same operator and LAC."""
    arfcns = tuple(arfcns)
    return [cell(a, neighbours=tuple(b for b in arfcns if b != a), **kw) for a in arfcns]


def findings(rule: Rule, target: CellObservation, others: Iterable[CellObservation] = (), *,
             now: datetime | None = None, **view: Any) -> list[Finding]:
    """Run one rule on ``target`` in a survey of ``target`` plus ``others``."""
    cells = [target, *others]
    when = now if now is not None else max(c.last_seen for c in cells if c.last_seen is not None)
    return list(rule.check(target, SurveyView(cells, when, view.get("baseline"), view.get("profile"))))


def severities(found: Iterable[Finding]) -> list[Severity]:
    return [f.severity for f in found]


def run_engine(cells: Iterable[CellObservation], **kw: Any) -> tuple[DetectionEngine, list[Event]]:
    from sdrscan.detection.settings import DetectionSettings

    engine = DetectionEngine(kw.pop("settings", DetectionSettings()), **kw)
    out = engine.update(list(cells))
    return engine, [e for e in out if isinstance(e, Event)]
