"""The detection scenario suite: seeded legitimate networks of two operators around a sensor, rogue variants,
and surveys of them -- built at decoded-frame level or through the full RF chain.

Nothing here knows the rules. Legitimate networks are drawn from the distributions in :data:`DISTRIBUTIONS`
(written down in ``docs/rules.md``), rogues from the traits in :data:`TRAITS`; ``tests/detection/
test_scenarios.py`` runs them through the engine and ``python -m tests.detection.scenario_report`` prints
the recall/false-alarm tables of the documentation.

Survey model. The sensor sweeps the GSM900 downlink (935-960 MHz, what an R820T dongle reaches) in 14
captures of 2 s (a 2.4 MS/s capture keeps +-1 MHz usable), twice (``passes``). A cell is in a capture
when its carrier lies in the capture's usable span. Frame level: every BCCH Norm and CCCH block the cell
sends during the capture (TS 45.002 §7 Table 3 positions, SI by TC) is made with the RR encoders
(:func:`sdrscan.gsm.rr.build_system_information`) and the transmitter's CCCH content model
(:class:`sdrscan.synth.ccch.CcchContent`), dropped with a probability that falls with SNR, and fed to a
:class:`~sdrscan.cells.survey.Survey` as an L2 frame. RF chain: the same cells are synthesized
(:class:`~sdrscan.synth.render.SceneRenderer`, the cells' own SI and CCCH sources) and decoded by the
receiver (:func:`sdrscan.pipeline.runner.decode_source` semantics).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from dsp.constants import FRAME_DURATION_S, HYPERFRAME
from sdrscan.cells.survey import Survey
from sdrscan.errors import ConfigError
from sdrscan.gsm.arfcn import arfcn_to_downlink_hz
from sdrscan.gsm.multiframe import (
    CcchConfig,
    CcchRole,
    Channel,
    SiType,
    bcch_norm_schedule,
    block_start_frames,
    ccch_block_roles,
    si_for_frame,
)
from sdrscan.gsm.rr.cell import (
    CellDescription,
    build_system_information,
    immediate_assignment,
    l2_fill_frame,
    paging_request_type1,
)
from sdrscan.pipeline.records import L2Frame
from sdrscan.sources.base import SourceInfo
from sdrscan.synth.ccch import CcchContent
from sdrscan.synth.scene import parse_scene

T0 = datetime(2026, 5, 4, 9, 0, 0, tzinfo=UTC)
NOISE_FLOOR_DBFS = -85.0  # noise in 200 kHz
MIN_SNR_DB = 6.0  # below: the receiver never synchronises
BAND_HZ = (935.0e6, 960.0e6)  # GSM900 downlink
CAPTURE_RATE_HZ = 2.4e6
CAPTURE_HALF_SPAN_HZ = 1.0e6
CAPTURE_S = 2.0
RETUNE_S = 0.5
MAX_POWER_DBFS = -15.0  # receiver gain set so the strongest carrier stays below this

SCENE_KEYS = ("arfcn", "bsic", "mcc", "mnc", "lac", "ci", "neighbours", "cell_channels", "t3212", "ccch_conf",
              "bs_ag_blks_res", "bs_pa_mfrms", "cell_reselect_hysteresis", "ms_txpwr_max_cch", "rxlev_access_min",
              "selection_params", "gprs_indicator", "si2ter", "ccch_load")


@dataclass(frozen=True, slots=True)
class OperatorPlan:
    name: str
    mcc: int
    mnc: str
    bcch_900: tuple[int, int]  # inclusive ARFCN block (China profile)
    bcch_1800: tuple[int, int]
    lac_base: int
    earfcns: tuple[int, ...]


OPERATORS = (
    OperatorPlan("China Mobile", 460, "00", (1, 94), (512, 585), 9000, (38950, 40936, 39148)),
    OperatorPlan("China Unicom", 460, "01", (96, 124), (662, 735), 4000, (1650, 100, 1506)),
)

# Every distribution the generator draws from (docs/rules.md repeats this table).
DISTRIBUTIONS: dict[str, str] = {
    "sites": "uniform in a disc of 8 km around the sensor, at least 400 m apart; 3 sectors each (GSM900), "
             "half the sites with a DCS1800 layer (3 more sectors, never received: outside the swept band)",
    "power": "-30 dBFS at 1 km, path-loss exponent 3.5, sector pattern -12 dB (dtheta/65 deg)^2 (at most -20 dB), "
             "log-normal shadowing sigma 6 dB; noise -85 dBFS per 200 kHz; the strongest carrier scaled to "
             "<= -15 dBFS; received when SNR >= 6 dB",
    "arfcn": "distinct BCCH ARFCNs in the operator's China-profile block (CM 1-94 / 512-585, CU 96-124 / "
             "662-735)",
    "bsic": "NCC from 2-4 NCCs per operator (disjoint between operators), BCC uniform 0-7",
    "lac": "2-3 location areas per operator split along a random direction, a border within 2 km of the "
           "sensor; DCS sectors share their site's LAC",
    "neighbours": "the k nearest cells of the operator (co-site first, GSM900 and DCS1800, received or not); "
                  "k uniform 6-20, or 2-5 for 15 % of cells (sparse); each relation made mutual with probability "
                  "0.8; DCS neighbours go to SI2ter; lists cut to what SI2 + SI2bis + SI2ter can carry",
    "t3212": "operator value uniform 10-240 deci-hours; 10 % of cells another draw",
    "cell_reselect_hysteresis": "operator code uniform 2-5 (4-10 dB; real SI3s: 6, 8 and 10 dB); 20 % of cells "
                                "another code 2-5",
    "selection_params": "60 % none; 15 % CRO 0; 25 % CRO uniform 1-40 with PENALTY_TIME 31 for 30 % of them, "
                        "else TEMPORARY_OFFSET >= CRO (ceil(2 CRO / 10) + 0..1, Huawei guidance) for 85 % and 0 "
                        "for 15 %, PENALTY_TIME 0-3",
    "rxlev_access_min": "operator code uniform 0-10 (real SI3s: 0-9); 30 % of cells +-2 (at least 0)",
    "ms_txpwr_max_cch": "5 (33 dBm) for 90 % of cells, else 7",
    "ccch": "CCCH_CONF 0, or 1 (combined) for 10 % of cells; operator BS_AG_BLKS_RES 1-2 and BS_PA_MFRMS "
            "2/4/5/6, 10 % of cells another value; CCCH load uniform 0.2-0.8",
    "features": "GPRS indicator + SI13 for 95 % of cells; 1-2 E-UTRAN neighbours (SI2quater) for 80 %; 1 "
                "transceiver for 15 %, else 2-4 (SI1 cell allocation); NCC_PERMITTED = the operator's NCCs "
                "(80 %) or all ones",
}

# Trait -> the rule(s) meant to see it (only for reporting recall; the generator does not use this).
TRAITS: dict[str, tuple[str, ...]] = {
    "lonesome_lac": ("lonesome-lac", "lac-unshared"),
    "empty_ba": ("empty-ba-list",),
    "unlisted": ("unlisted-cell",),
    "cro_boost": ("reselection-boost",),
    "hysteresis": ("reselect-hysteresis",),
    "low_t3212": ("low-t3212",),
    "access": ("access-parameters",),
    "paging": ("paging-groups",),
    "unknown": ("unknown-cell",),
    "test_plmn": ("unexpected-plmn",),
    "foreign_plmn": ("unexpected-plmn",),
    "clone": ("clone-identity",),
    "identity_change": ("identity-change",),
    "odd_ncc": ("unusual-ncc",),
    "foreign_channel": ("foreign-channel",),
    "power": ("power-anomaly",),
    "transient": ("transient-cell",),
    "no_capabilities": ("capability-fingerprint",),
    "lu_storm": ("imm-ass-storm",),
    "imsi_paging": ("imsi-paging",),
    "si_mismatch": ("inconsistent-si",),
}
NEEDS_BASELINE = frozenset({"unknown", "power"})
NEEDS_LONG_SURVEY = frozenset({"transient"})


@dataclass(slots=True)
class NetCell:
    """One transmitter of a scenario: broadcast description, power, position, and what it is."""

    desc: dict[str, Any]  # CellDescription keyword arguments (scene names)
    power_dbfs: float
    operator: int
    site: int
    x_km: float
    y_km: float
    layer: str  # "900" or "1800"
    rogue: str | None = None  # None for a legitimate cell, else the trait or "classic"/"stealthy"
    ccch_mode: str = "normal"  # "normal", "imsi" (IMSI paging), "lu_storm" (location-update grants)
    si4_lac: int | None = None  # SI4 sent with another LAC (inconsistency)
    on_s: tuple[float, float] | None = None  # transmits only in this window of survey time
    changes_at_s: tuple[float, dict[str, Any]] | None = None  # from this time on, these desc overrides

    @property
    def arfcn(self) -> int:
        return int(self.desc["arfcn"])

    @property
    def key(self) -> tuple[int, int]:
        return int(self.desc["arfcn"]), int(self.desc["bsic"])

    def desc_at(self, t_s: float) -> dict[str, Any]:
        if self.changes_at_s is not None and t_s >= self.changes_at_s[0]:
            return {**self.desc, **self.changes_at_s[1]}
        return self.desc


@dataclass(slots=True)
class Network:
    seed: int
    cells: list[NetCell]
    nccs: tuple[tuple[int, ...], ...]
    notes: dict[str, Any] = field(default_factory=dict)

    def received(self) -> list[NetCell]:
        """Cells in the swept band that the receiver can decode."""
        return [c for c in self.cells if c.layer == "900" and c.power_dbfs - NOISE_FLOOR_DBFS >= MIN_SNR_DB]

    def free_arfcn(self, operator: int, rng: np.random.Generator) -> int:
        lo, hi = OPERATORS[operator].bcch_900
        used = {c.arfcn for c in self.cells}
        free = [a for a in range(lo, hi + 1) if a not in used]
        return int(rng.choice(free))


# --- legitimate networks -------------------------------------------------------------------------------
def _sites(rng: np.random.Generator, n: int, radius_km: float, taken: list[tuple[float, float]]
           ) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    while len(out) < n:
        r, a = radius_km * math.sqrt(rng.uniform(0.0, 1.0)), rng.uniform(0.0, 2 * math.pi)
        p = (r * math.cos(a), r * math.sin(a))
        if all(math.dist(p, q) >= 0.4 for q in out + taken):
            out.append(p)
    return out


def _power(rng: np.random.Generator, x: float, y: float, azimuth: float) -> float:
    d = max(0.05, math.hypot(x, y))
    toward_sensor = math.atan2(-y, -x)
    dtheta = math.degrees(abs((toward_sensor - azimuth + math.pi) % (2 * math.pi) - math.pi))
    pattern = -min(20.0, 12.0 * (dtheta / 65.0) ** 2)
    return -30.0 - 35.0 * math.log10(d) + pattern + rng.normal(0.0, 6.0)


def _selection(rng: np.random.Generator) -> dict[str, int] | None:
    u = rng.uniform()
    if u < 0.60:
        return None
    if u < 0.75:
        return {"cbq": 0, "cro": 0, "temp_offset": 0, "penalty_time": int(rng.choice([0, 31]))}
    cro = int(rng.integers(1, 41))
    if rng.uniform() < 0.30:
        return {"cbq": 0, "cro": cro, "temp_offset": 0, "penalty_time": 31}
    to = 0 if rng.uniform() < 0.15 else min(7, math.ceil(2 * cro / 10) + int(rng.integers(0, 2)))
    return {"cbq": 0, "cro": cro, "temp_offset": to, "penalty_time": int(rng.integers(0, 4))}


def generate_network(seed: int, sites: tuple[int, int] = (5, 3), radius_km: float = 8.0) -> Network:
    """A legitimate network of two operators (China Mobile, China Unicom) with ``sites`` sites each."""
    rng = np.random.default_rng([seed, 101])
    nccs_all = [int(v) for v in rng.permutation(8)]
    k_cm, k_cu = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    nccs = (tuple(sorted(nccs_all[:k_cm])), tuple(sorted(nccs_all[k_cm:k_cm + min(k_cu, 8 - k_cm)])))
    cells: list[NetCell] = []
    taken: list[tuple[float, float]] = []
    site_id = 0
    for op_i, (op, n_sites) in enumerate(zip(OPERATORS, sites, strict=True)):
        positions = _sites(rng, n_sites, radius_km, taken)
        taken += positions
        # operator-wide defaults
        t3212, hyst = int(rng.integers(10, 241)), int(rng.integers(2, 6))
        rxlev, ag, pa = int(rng.integers(0, 11)), int(rng.integers(1, 3)), int(rng.choice([2, 4, 5, 6]))
        direction = rng.uniform(0.0, 2 * math.pi)
        n_la = int(rng.integers(2, 4))
        border = rng.uniform(-2.0, 2.0)
        ci_pool = rng.permutation(np.arange(1, 65536))[: 6 * n_sites]
        arfcn_pool = {layer: [int(a) for a in rng.permutation(np.arange(lo, hi + 1))]
                      for layer, (lo, hi) in (("900", op.bcch_900), ("1800", op.bcch_1800))}
        ci_i = 0
        for (x, y) in positions:
            proj = x * math.cos(direction) + y * math.sin(direction) - border
            la = 0 if proj < 0 else 1 if n_la == 2 or proj < 3.0 else 2
            lac = op.lac_base + 11 * la  # one LAC per location area
            layers = ["900"] + (["1800"] if rng.uniform() < 0.5 else [])
            rot = rng.uniform(0.0, 2 * math.pi)
            for layer in layers:
                for sector in range(3):
                    az = rot + sector * 2 * math.pi / 3
                    arfcn = arfcn_pool[layer].pop()
                    ncc = int(rng.choice(nccs[op_i]))
                    combined = rng.uniform() < 0.10
                    trx = 1 if rng.uniform() < 0.15 else int(rng.integers(2, 5))
                    lo, hi = op.bcch_900 if layer == "900" else op.bcch_1800
                    extra = [int(a) for a in rng.choice(np.arange(lo, hi + 1), trx - 1, replace=False) if a != arfcn]
                    desc = {
                        "arfcn": arfcn, "bsic": 8 * ncc + int(rng.integers(0, 8)), "mcc": op.mcc, "mnc": op.mnc,
                        "lac": lac, "ci": int(ci_pool[ci_i]), "neighbours": (), "cell_channels": [arfcn, *extra],
                        "t3212": t3212 if rng.uniform() < 0.9 else int(rng.integers(10, 241)),
                        "ccch_conf": 1 if combined else 0,
                        "bs_ag_blks_res": 1 if combined else (ag if rng.uniform() < 0.9 else 3 - ag),
                        "bs_pa_mfrms": pa if rng.uniform() < 0.9 else int(rng.choice([2, 4, 5, 6])),
                        "cell_reselect_hysteresis": hyst if rng.uniform() < 0.8 else int(rng.integers(2, 6)),
                        "ms_txpwr_max_cch": (5 if rng.uniform() < 0.9 else 7) if layer == "900" else 0,
                        "rxlev_access_min": max(0, rxlev + (int(rng.integers(-2, 3)) if rng.uniform() < 0.3 else 0)),
                        "selection_params": _selection(rng),
                        "gprs_indicator": ({"ra_colour": int(rng.integers(0, 8)), "si13_position": 0}
                                           if rng.uniform() < 0.95 else None),
                        "si2ter": None,
                        "ncc_permitted": (sum(1 << n for n in nccs[op_i]) if rng.uniform() < 0.8 else 0xFF),
                        "eutran_neighbours": (tuple(int(e) for e in rng.choice(op.earfcns, int(rng.integers(1, 3)),
                                                                               replace=False))
                                              if rng.uniform() < 0.8 else ()),
                        "ccch_load": float(rng.uniform(0.2, 0.8)),
                    }
                    ci_i += 1
                    cells.append(NetCell(desc, _power(rng, x, y, az), op_i, site_id, x, y, layer))
            site_id += 1
    _plan_neighbours(cells, rng)
    _scale_gain(cells)
    return Network(seed, cells, nccs, {"sites": sites})


def _fits(desc: dict[str, Any]) -> bool:
    try:
        build_system_information(CellDescription.from_mapping(desc))
        return True
    except ConfigError:
        return False


def _plan_neighbours(cells: list[NetCell], rng: np.random.Generator) -> None:
    """k nearest cells of the operator, then each relation made mutual with probability 0.8."""
    chosen: dict[int, list[NetCell]] = {}
    for i, c in enumerate(cells):
        same = [o for o in cells if o.operator == c.operator and o is not c]
        same.sort(key=lambda o: (o.site != c.site, math.hypot(o.x_km - c.x_km, o.y_km - c.y_km), o.arfcn))
        k = int(rng.integers(2, 6)) if rng.uniform() < 0.15 else int(rng.integers(6, 21))
        chosen[i] = same[:k]
    index = {id(c): i for i, c in enumerate(cells)}
    for i, c in enumerate(cells):
        for o in list(chosen[i]):
            back = chosen[index[id(o)]]
            if c not in back and rng.uniform() < 0.8:
                back.append(c)
    for i, c in enumerate(cells):
        mine = sorted(chosen[i], key=lambda o: (o.site != c.site, math.hypot(o.x_km - c.x_km, o.y_km - c.y_km)))
        while True:
            c.desc["neighbours"] = tuple(sorted({o.arfcn for o in mine}))
            c.desc["si2ter"] = True if any(o.layer != c.layer for o in mine) else None
            if _fits(c.desc):
                break
            mine = mine[:-1]  # the lists do not fit SI2 + SI2bis + SI2ter: drop the farthest


def _scale_gain(cells: list[NetCell]) -> None:
    top = max(c.power_dbfs for c in cells if c.layer == "900")
    shift = min(0.0, MAX_POWER_DBFS - top)
    for c in cells:
        c.power_dbfs += shift


# --- rogues --------------------------------------------------------------------------------------------
def _victim(net: Network, rng: np.random.Generator, taken: set[int]) -> NetCell:
    pool = [c for c in net.received() if c.rogue is None and id(c) not in taken and c.power_dbfs > -70.0]
    c = pool[int(rng.integers(0, len(pool)))]
    taken.add(id(c))
    return c


def _new_like(net: Network, victim: NetCell, rng: np.random.Generator, **overrides: Any) -> NetCell:
    arfcn = net.free_arfcn(victim.operator, rng)
    desc = {**victim.desc, "arfcn": arfcn, "cell_channels": [arfcn], **overrides}
    return replace(victim, desc=desc)


def apply_trait(net: Network, trait: str, rng: np.random.Generator, taken: set[int] | None = None,
                survey_s: float = 60.0) -> NetCell:
    """Give the network one rogue with exactly this trait; returns the rogue cell."""
    taken = set() if taken is None else taken
    v = _victim(net, rng, taken)
    d = v.desc
    if trait == "lonesome_lac":
        d["lac"] = 60000 + int(rng.integers(0, 999))
    elif trait == "empty_ba":
        d["neighbours"], d["si2ter"] = (), None
    elif trait == "cro_boost":
        d["selection_params"] = {"cbq": 0, "cro": 63, "temp_offset": 0, "penalty_time": 0}
    elif trait == "hysteresis":
        d["cell_reselect_hysteresis"] = 7
    elif trait == "low_t3212":
        d["t3212"] = 2
    elif trait == "access":
        d["rxlev_access_min"], d["ms_txpwr_max_cch"] = 0, 2
    elif trait == "paging":
        d["ccch_conf"], d["bs_ag_blks_res"], d["bs_pa_mfrms"] = 0, 0, 9
    elif trait == "test_plmn":
        d["mcc"], d["mnc"] = 1, "01"
    elif trait == "foreign_plmn":
        d["mnc"] = "03"
    elif trait == "foreign_channel":
        other = 1 - v.operator
        d["arfcn"] = net.free_arfcn(other, rng)
        d["cell_channels"] = [d["arfcn"]]
    elif trait == "odd_ncc":
        unused = [n for n in range(8) if n not in net.nccs[0] + net.nccs[1]] or [
            n for n in range(8) if n not in net.nccs[v.operator]]
        d["bsic"] = 8 * int(rng.choice(unused)) + d["bsic"] % 8
    elif trait == "no_capabilities":
        d.update(gprs_indicator=None, eutran_neighbours=(), cell_channels=[d["arfcn"]], ccch_conf=1,
                 bs_ag_blks_res=1, si2ter=None,
                 neighbours=tuple(a for a in d["neighbours"] if a <= 124))
    elif trait == "si_mismatch":
        v.si4_lac = d["lac"] + 1
    elif trait == "imsi_paging":
        v.ccch_mode = "imsi"
    elif trait == "lu_storm":
        v.ccch_mode = "lu_storm"
    elif trait == "power":
        v.power_dbfs = min(MAX_POWER_DBFS, v.power_dbfs + 25.0)
    elif trait == "unknown":
        d["ci"] = 65535 - int(rng.integers(0, 100))
    elif trait == "identity_change":
        v.changes_at_s = (survey_s / 2, {"lac": d["lac"] + 7})
    elif trait in ("clone", "unlisted", "transient"):
        extra = {} if trait == "clone" else {"ci": 65000 + int(rng.integers(0, 500))}
        new = _new_like(net, v, rng, **extra)
        new.power_dbfs = min(MAX_POWER_DBFS, v.power_dbfs + 6.0)
        if trait == "transient":
            new.on_s = (survey_s * 0.3, survey_s * 0.55)
        new.rogue = trait
        net.cells.append(new)
        return new
    else:
        raise ValueError(f"unknown trait {trait!r}")
    v.rogue = trait
    return v


def add_classic(net: Network, rng: np.random.Generator) -> NetCell:
    """The classic pseudo base station: China Mobile identity with a LAC of its own, empty BA list, maximal
    reselection offset, T3212 of 12 minutes, one transceiver, combined CCCH, no GPRS, no SI2quater, 20 dB
    above the strongest real cell, granting location updates."""
    top = max(c.power_dbfs for c in net.received())
    v = next(c for c in sorted(net.received(), key=lambda c: -c.power_dbfs) if c.operator == 0)
    arfcn = net.free_arfcn(0, rng)
    desc = {**v.desc, "arfcn": arfcn, "bsic": 8 * int(rng.integers(0, 8)) + int(rng.integers(0, 8)),
            "lac": 60000 + int(rng.integers(0, 999)), "ci": int(rng.integers(1, 65536)), "neighbours": (),
            "cell_channels": [arfcn], "t3212": 2, "ccch_conf": 1, "bs_ag_blks_res": 1, "bs_pa_mfrms": 2,
            "selection_params": {"cbq": 0, "cro": 63, "temp_offset": 0, "penalty_time": 0},
            "gprs_indicator": None, "eutran_neighbours": (), "si2ter": None, "ncc_permitted": 0xFF,
            "rxlev_access_min": 0, "ccch_load": 0.5}
    rogue = NetCell(desc, min(MAX_POWER_DBFS, top + 20.0), 0, -1, 0.0, 0.0, "900", "classic", "lu_storm")
    net.cells.append(rogue)
    return rogue


def add_stealthy(net: Network, rng: np.random.Generator) -> NetCell:
    """The stealthy one: a received China Mobile cell's whole System Information (identity, BSIC, neighbour
    list, parameters) re-broadcast on a free channel of the operator's block by a one-transceiver box, 10 dB
    stronger than the original."""
    pool = [c for c in net.received() if c.operator == 0 and c.rogue is None and c.power_dbfs > -70.0]
    v = pool[int(rng.integers(0, len(pool)))]
    arfcn = net.free_arfcn(0, rng)
    rogue = replace(v, desc={**v.desc, "arfcn": arfcn, "cell_channels": [arfcn]},
                    power_dbfs=min(MAX_POWER_DBFS, v.power_dbfs + 10.0), rogue="stealthy", site=-1)
    net.cells.append(rogue)
    return rogue


# --- CCCH content of rogues ----------------------------------------------------------------------------
class RogueCcch:
    """CCCH content of a pseudo base station: IMSI paging, or location-update grants (TS 44.018 §9.1.18,
    RA 000xxxxx = location updating with NECI 0, Table 9.1.8.1)."""

    def __init__(self, desc: dict[str, Any], mode: str, rng: np.random.Generator) -> None:
        self._desc, self._mode, self._rng = desc, mode, rng

    def block(self, fn: int, ccch_block: int, role: CcchRole) -> tuple[str, bytes]:
        rng, d = self._rng, self._desc
        if self._mode == "imsi" and role is CcchRole.PCH and rng.uniform() < 0.6:
            imsis = [f"{d['mcc']:03d}{d['mnc']}{int(rng.integers(0, 10**9)):010d}"[:15]
                     for _ in range(int(rng.integers(1, 3)))]
            return "paging1", paging_request_type1(imsis)
        if self._mode == "lu_storm" and (role is CcchRole.AGCH or rng.uniform() < 0.5):
            ra = int(rng.integers(0, 32))  # 000xxxxx
            return "imm_ass", immediate_assignment(arfcn=d["arfcn"], tn=0 if d["ccch_conf"] == 1 else 1, ra=ra,
                                                   fn=(fn - 10) % HYPERFRAME,
                                                   channel="SDCCH/4" if d["ccch_conf"] == 1 else "SDCCH/8",
                                                   subchannel=int(rng.integers(0, 4)), tsc=d["bsic"] & 7)
        if role is CcchRole.PCH and rng.uniform() < 0.5:
            return "paging_empty", paging_request_type1(())
        return "fill", l2_fill_frame()


# --- transmitters --------------------------------------------------------------------------------------
def scene_cell(desc: dict[str, Any], power_dbfs: float) -> dict[str, Any]:
    out = {k: v for k, v in desc.items() if k in SCENE_KEYS and v is not None}
    out["neighbours"] = list(out.get("neighbours", ()))
    out["power_db"] = power_dbfs
    return out


class Transmitter:
    """SI blocks and CCCH source of one cell with one description (a cell that changes gets a new one)."""

    def __init__(self, cell: NetCell, desc: dict[str, Any], seed: int, index: int) -> None:
        self.desc = desc
        self.si = build_system_information(CellDescription.from_mapping(desc))
        if cell.si4_lac is not None:
            other = CellDescription.from_mapping({**desc, "lac": cell.si4_lac})
            self.si["SI4"] = build_system_information(other)["SI4"]
        rng = np.random.default_rng([seed, 202, index])
        if cell.ccch_mode == "normal":
            spec = parse_scene({"cells": [scene_cell(desc, cell.power_dbfs)], "snr": None}).cells[0]
            self.ccch: Any = CcchContent(spec, rng)
        else:
            self.ccch = RogueCcch(desc, cell.ccch_mode, rng)
        by_key = {f"SI{s.value}": s for s in SiType}
        self.schedule = bcch_norm_schedule(by_key[k] for k in self.si)
        combined = desc["ccch_conf"] == 1
        self.starts = block_start_frames(combined)
        self.roles = ccch_block_roles(CcchConfig(ccch_conf=desc["ccch_conf"], bs_ag_blks_res=desc["bs_ag_blks_res"],
                                                 bs_pa_mfrms=desc["bs_pa_mfrms"]))

    def blocks(self, fn_first: int, n_frames: int) -> Iterator[tuple[int, int, str, bytes]]:
        """(frame index from fn_first, fn, channel, block) of every BCCH/CCCH block starting in the span."""
        positions = [(s, Channel.BCCH, 0) for s in self.starts[Channel.BCCH]]
        positions += [(s, Channel.CCCH, i) for i, s in enumerate(self.starts[Channel.CCCH])]
        positions.sort()
        mf0 = fn_first // 51
        for mf in range(mf0, (fn_first + n_frames) // 51 + 1):
            for s, ch, i in positions:
                fn_abs = mf * 51 + s
                k = fn_abs - fn_first
                if not 0 <= k <= n_frames - 4:
                    continue
                fn = fn_abs % HYPERFRAME
                if ch is Channel.BCCH:
                    yield k, fn, "BCCH", self.si[f"SI{si_for_frame(fn, self.schedule).value}"]
                else:
                    yield k, fn, "CCCH", bytes(self.ccch.block(fn, i, self.roles[i])[1])


def _decode_probability(snr_db: float) -> float:
    """Share of blocks a receiver decodes at this SNR (a smooth stand-in for the receiver's curve)."""
    return 1.0 / (1.0 + math.exp(-(snr_db - 9.0) / 1.2))


# --- surveys -------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Capture:
    label: str
    fc_hz: float
    start_s: float


def sweep(passes: int = 2, pass_gap_s: float = 0.0, first_pass: int = 0) -> list[Capture]:
    """Captures covering the GSM900 downlink: 1.8 MHz apart (carriers within 0.9 MHz of a centre are kept, so
    every channel is in one capture), 2 s each, ``passes`` times."""
    step = 2 * (CAPTURE_HALF_SPAN_HZ - 100e3)
    centres = np.arange(BAND_HZ[0] + step / 2, BAND_HZ[1], step)
    out, t = [], 0.0
    for p in range(first_pass, first_pass + passes):
        for i, fc in enumerate(centres):
            out.append(Capture(f"pass{p}-cap{i:02d}", float(fc), t))
            t += CAPTURE_S + RETUNE_S
        t += pass_gap_s
    return out


def in_capture(cell: NetCell, cap: Capture, t_s: float | None = None) -> bool:
    desc = cell.desc_at(cap.start_s if t_s is None else t_s)
    f = arfcn_to_downlink_hz(int(desc["arfcn"]))
    if cell.layer != "900" or abs(f - cap.fc_hz) > CAPTURE_HALF_SPAN_HZ - 100e3:
        return False
    if cell.on_s is not None and not (cell.on_s[0] <= cap.start_s < cell.on_s[1]):
        return False
    return cell.power_dbfs - NOISE_FLOOR_DBFS >= MIN_SNR_DB


def _fn_at(cell_index: int, seed: int, t_s: float) -> int:
    base = int(np.random.default_rng([seed, 303, cell_index]).integers(0, HYPERFRAME))
    return (base + int(t_s / FRAME_DURATION_S)) % HYPERFRAME


def survey_frames(net: Network, captures: Sequence[Capture], *, seed: int,
                  on_capture: Callable[[Survey, Capture], None] | None = None,
                  survey: Survey | None = None, t0: datetime = T0) -> Survey:
    """A survey built at decoded-frame level (see the module docstring)."""
    survey = survey if survey is not None else Survey()
    rng = np.random.default_rng([seed, 404])
    tx: dict[tuple[int, str], Transmitter] = {}
    n_frames = int(CAPTURE_S / FRAME_DURATION_S)
    for cap in captures:
        survey.begin_source(SourceInfo(CAPTURE_RATE_HZ, cap.fc_hz, "cu8", t0 + timedelta(seconds=cap.start_s),
                                       int(CAPTURE_S * CAPTURE_RATE_HZ)), cap.label)
        frames: list[tuple[float, L2Frame]] = []
        for i, cell in enumerate(net.cells):
            if not in_capture(cell, cap):
                continue
            desc = cell.desc_at(cap.start_s)
            key = (i, repr(sorted(desc.items())))
            if key not in tx:
                tx[key] = Transmitter(cell, desc, seed, i)
            t = tx[key]
            snr = cell.power_dbfs - NOISE_FLOOR_DBFS
            p_ok = _decode_probability(snr)
            freq = arfcn_to_downlink_hz(int(desc["arfcn"]))
            for k, fn, channel, data in t.blocks(_fn_at(i, seed, cap.start_s), n_frames):
                if rng.uniform() >= p_ok:
                    continue
                power = cell.power_dbfs + rng.normal(0.0, 1.0)
                frames.append((cap.start_s + k * FRAME_DURATION_S,
                               L2Frame(int(desc["arfcn"]), freq, int(desc["bsic"]), fn, 0, channel, data, power,
                                       power - NOISE_FLOOR_DBFS, float(rng.normal(0.0, 20.0)),
                                       int(k * FRAME_DURATION_S * CAPTURE_RATE_HZ))))
        frames.sort(key=lambda f: (f[0], f[1].arfcn))
        for t_s, fr in frames:
            survey.ingest(fr, time=t0 + timedelta(seconds=t_s))
        survey.end_source([])
        if on_capture is not None:
            on_capture(survey, cap)
    return survey


def survey_rf(net: Network, captures: Sequence[Capture], *, seed: int,
              on_capture: Callable[[Survey, Capture], None] | None = None, t0: datetime = T0) -> Survey:
    """The same survey through the full RF chain: each capture synthesized (GMSK, channel, noise, cu8) and
    decoded by the receiver. Captures without a receivable cell are skipped (nothing to decode)."""
    from sdrscan.pipeline.receiver import Receiver
    from sdrscan.sources.formats import decode, encode, get_format
    from sdrscan.synth.c0 import C0Transmitter
    from sdrscan.synth.render import SceneRenderer, plan_cells

    survey = Survey()
    for cap in captures:
        members = [(i, c) for i, c in enumerate(net.cells) if in_capture(c, cap)]
        survey.begin_source(SourceInfo(CAPTURE_RATE_HZ, cap.fc_hz, "cu8", t0 + timedelta(seconds=cap.start_s),
                                       int(CAPTURE_S * CAPTURE_RATE_HZ)), cap.label)
        if members:
            descs = [c.desc_at(cap.start_s) for _, c in members]
            scene = parse_scene({"rate": CAPTURE_RATE_HZ, "duration": CAPTURE_S, "fc": cap.fc_hz,
                                 "noise_floor": NOISE_FLOOR_DBFS, "datatype": "cu8", "ppm": 3.0,
                                 "cells": [{**scene_cell(d, c.power_dbfs),
                                            "start_fn": _fn_at(i, seed, cap.start_s),
                                            "cfo_hz": float(np.random.default_rng([seed, 505, i]).normal(0, 30))}
                                           for (i, c), d in zip(members, descs, strict=True)]})
            cap_seed = seed * 1000 + int(cap.fc_hz / 1e5) % 1000 + int(cap.start_s)
            plans = plan_cells(scene, cap_seed)
            sources = []
            for plan, (i, c), d in zip(plans, members, descs, strict=True):
                t = Transmitter(c, d, seed + int(cap.start_s), i)
                sources.append(C0Transmitter(plan, t.si, t.ccch))
            renderer = SceneRenderer(scene, cap_seed, sources, plans)
            fmt = get_format("cu8")
            rx = Receiver(CAPTURE_RATE_HZ, cap.fc_hz)
            for chunk in renderer.chunks(1 << 18):
                codes, _, _ = encode(chunk, fmt)
                for frame in rx.process(decode(codes.view(np.uint8), fmt)[0]):
                    survey.ingest(frame)
            for frame in rx.finish():
                survey.ingest(frame)
            survey.end_source(rx.carrier_stats())
        else:
            survey.end_source([])
        if on_capture is not None:
            on_capture(survey, cap)
    return survey


# --- judging -------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Outcome:
    """What the engine said about one scenario survey."""

    verdicts: dict[tuple[int, int], Any]  # key -> CellVerdict (final)
    events: list[Any]  # every Event raised, in order
    peak: dict[tuple[int, int], int]  # key -> highest verdict rank reached at any update
    rogues: dict[tuple[int, int], str]  # key -> trait / "classic" / "stealthy"
    legit: set[tuple[int, int]]
    ghosts: set[tuple[int, int]]  # keys in the survey that no transmitter has (receiver artefacts)
    cells: int

    def events_on(self, key: tuple[int, int]) -> list[Any]:
        return [e for e in self.events if e.key == key]


def learn_baseline(seed: int, sites: tuple[int, int]) -> Any:
    """A baseline learned from a trusted survey of the legitimate network (one pass, other content seed)."""
    from sdrscan.detection.baseline import Baseline

    base = Baseline.memory()
    base.learn(survey_frames(generate_network(seed, sites), sweep(1), seed=seed + 7919).cells(), "trusted")
    return base


def judge(net: Network, *, seed: int, captures: Sequence[Capture] | None = None, baseline: Any = None,
          profile: Any = "china", rf: bool = False, settings: Any = None) -> Outcome:
    """Survey ``net`` (frame level or RF), updating the engine after every capture, as ``sdrscan replay`` does."""
    from sdrscan.detection.engine import DetectionEngine
    from sdrscan.detection.event import Event, VerdictChange
    from sdrscan.detection.settings import DetectionSettings

    engine = DetectionEngine(settings if settings is not None else DetectionSettings(), baseline=baseline,
                             profile=profile)
    events: list[Any] = []
    peak: dict[tuple[int, int], int] = {}

    def update(survey: Survey, cap: Capture) -> None:
        for x in engine.update(survey):
            if isinstance(x, Event):
                events.append(x)
            elif isinstance(x, VerdictChange):
                peak[x.key] = max(peak.get(x.key, 0), x.new.rank)

    caps = captures if captures is not None else sweep(2)
    survey = (survey_rf if rf else survey_frames)(net, caps, seed=seed, on_capture=update)
    keys = {c.key for c in survey.cells()}
    sent = {c.key: c for c in net.cells}
    end_s = caps[-1].start_s
    for c in net.cells:  # a changing cell is keyed by its final description
        sent.setdefault((int(c.desc_at(end_s)["arfcn"]), int(c.desc_at(end_s)["bsic"])), c)
    rogues = {k: c.rogue for k, c in sent.items() if k in keys and c.rogue is not None}
    legit = {k for k, c in sent.items() if k in keys and c.rogue is None}
    return Outcome(engine.verdicts(), events, peak, rogues, legit, keys - set(sent), len(keys))
