"""Scene files: what ``sdrscan synth`` transmits and how the receiver sees it (schema in ``docs/scene.md``).

A scene is JSON with optional top-level capture settings and a list of cells. Keys use the names of the
specifications (TS 44.018 information elements, TS 45.002 parameters); every key but ``arfcn`` has a
default, and any key not listed in :data:`SCENE_KEYS` / :data:`CELL_KEYS` is an error naming it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dsp.constants import FRAME_DURATION_S, HYPERFRAME
from sdrscan.errors import ConfigError, DspParameterError
from sdrscan.gsm.arfcn import arfcn_to_downlink_hz, get_band

DATATYPES = ("cu8", "cf32_le")
MIN_RATE_HZ = 0.25e6
MAX_RATE_HZ = 10e6
MAX_DURATION_S = 600.0


@dataclass(frozen=True, slots=True)
class SelectionParams:
    """SI3/SI4 rest octets, "Optional selection parameters" (TS 44.018 §10.5.2.34): raw field codes."""

    cbq: int
    cro: int
    temp_offset: int
    penalty_time: int


@dataclass(frozen=True, slots=True)
class GprsIndicator:
    """SI3/SI4 rest octets, "GPRS Indicator" (TS 44.018 §10.5.2.34): RA colour and SI13 position."""

    ra_colour: int
    si13_position: int


@dataclass(frozen=True, slots=True)
class MultipathTap:
    """One static propagation path: delay after the first path and linear complex gain."""

    delay_s: float
    gain: complex


@dataclass(frozen=True, slots=True)
class CellSpec:
    """One BTS as written in the scene (after defaults). ``None`` means "drawn from the seed"."""

    index: int
    arfcn: int
    band: str | None
    power_db: float
    cfo_hz: float
    bsic: int
    mcc: int
    mnc: str
    lac: int
    ci: int
    neighbours: tuple[int, ...]
    cell_channels: tuple[int, ...]
    t3212: int
    ccch_conf: int
    bs_ag_blks_res: int
    bs_pa_mfrms: int
    cell_reselect_hysteresis: int
    ms_txpwr_max_cch: int
    rxlev_access_min: int
    selection_params: SelectionParams | None
    gprs_indicator: GprsIndicator | None
    si2ter: bool | tuple[int, ...] | None
    start_fn: int | None
    frame_offset_s: float | None
    multipath: str | tuple[MultipathTap, ...] | None
    ccch_load: float

    @property
    def carrier_hz(self) -> float:
        """Nominal downlink carrier of ``arfcn`` (TS 45.005 §2), before the BTS frequency error."""
        return arfcn_to_downlink_hz(self.arfcn, self.band)

    @property
    def ncc(self) -> int:
        return self.bsic >> 3

    @property
    def bcc(self) -> int:
        return self.bsic & 7

    @property
    def combined(self) -> bool:
        """CCCH_CONF 1: one CCCH basic channel combined with SDCCH/4 (TS 44.018 §10.5.2.11)."""
        return self.ccch_conf == 1


@dataclass(frozen=True, slots=True)
class Scene:
    """Capture settings and cells. ``snr_db=None`` (and no ``noise_floor_dbfs``) means no added noise."""

    rate_hz: float
    duration_s: float
    snr_db: float | None
    noise_floor_dbfs: float | None
    ppm: float
    fc_hz: float
    dc_offset: complex
    datatype: str
    description: str
    cells: tuple[CellSpec, ...]


# --- schema ---------------------------------------------------------------------------------------------

Check = Callable[[str, Any], Any]


def _num(lo: float, hi: float) -> Check:
    def check(where: str, v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or not lo <= v <= hi:
            raise ConfigError(f"{where}={v!r}; expected a number in {lo:g}..{hi:g}")
        return float(v)
    return check


def _int(lo: int, hi: int, allowed: tuple[int, ...] | None = None) -> Check:
    def check(where: str, v: Any) -> int:
        ok = isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi
        if ok and allowed is not None and v not in allowed:
            ok = False
        if not ok:
            want = f"one of {', '.join(map(str, allowed))}" if allowed else f"an integer {lo}..{hi}"
            raise ConfigError(f"{where}={v!r}; expected {want}")
        return int(v)
    return check


def _optional(inner: Check) -> Check:
    def check(where: str, v: Any) -> Any:
        return None if v is None else inner(where, v)
    return check


def _mnc(where: str, v: Any) -> str:
    if not (isinstance(v, str) and v.isdigit() and len(v) in (2, 3)):
        raise ConfigError(f"{where}={v!r}; expected a string of 2 or 3 digits (e.g. \"01\" or \"001\")")
    return v


def _arfcn_list(where: str, v: Any) -> tuple[int, ...]:
    if not isinstance(v, list):
        raise ConfigError(f"{where}={v!r}; expected a list of ARFCNs (0..1023)")
    return tuple(_int(0, 1023)(f"{where}[{i}]", a) for i, a in enumerate(v))


def _si2ter(where: str, v: Any) -> bool | tuple[int, ...] | None:
    if v is None or v is False:
        return None
    if v is True:
        return True  # the neighbours outside the cell's band go to SI2ter
    return _arfcn_list(where, v)


def _object(cls: type, fields: dict[str, Check]) -> Check:
    def check(where: str, v: Any) -> Any:
        if not isinstance(v, dict):
            raise ConfigError(f"{where}={v!r}; expected null or an object with keys {', '.join(fields)}")
        _reject_unknown(where, v, fields)
        missing = [k for k in fields if k not in v]
        if missing:
            raise ConfigError(f"{where} lacks {', '.join(missing)}; give all of {', '.join(fields)}")
        return cls(**{k: chk(f"{where}.{k}", v[k]) for k, chk in fields.items()})
    return check


def _multipath(where: str, v: Any) -> str | tuple[MultipathTap, ...] | None:
    from sdrscan.synth.channel import PROFILES  # late: keeps the schema importable on its own

    if v is None:
        return None
    if isinstance(v, str):
        if v.upper() not in PROFILES:
            raise ConfigError(f"{where}={v!r}; expected one of {', '.join(PROFILES)} or a list of taps")
        return v.upper()
    if not isinstance(v, list) or not v:
        raise ConfigError(f"{where}={v!r}; expected a profile name or a non-empty list of "
                          "{delay_us, power_db, phase_deg} taps")
    taps = []
    for i, tap in enumerate(v):
        w = f"{where}[{i}]"
        if not isinstance(tap, dict):
            raise ConfigError(f"{w}={tap!r}; expected an object {{delay_us, power_db, phase_deg}}")
        _reject_unknown(w, tap, {"delay_us": None, "power_db": None, "phase_deg": None})
        if "delay_us" not in tap:
            raise ConfigError(f"{w} lacks delay_us; give the path delay in microseconds")
        delay_us = _num(0.0, 50.0)(f"{w}.delay_us", tap["delay_us"])
        power_db = _num(-60.0, 20.0)(f"{w}.power_db", tap.get("power_db", 0.0))
        phase_deg = _num(-360.0, 360.0)(f"{w}.phase_deg", tap.get("phase_deg", 0.0))
        gain = 10 ** (power_db / 20) * complex(math.cos(math.radians(phase_deg)),
                                               math.sin(math.radians(phase_deg)))
        taps.append(MultipathTap(delay_us * 1e-6, gain))
    return tuple(taps)


def _band(where: str, v: Any) -> str | None:
    if v is None:
        return None
    try:
        return get_band(str(v)).name
    except DspParameterError as exc:
        raise ConfigError(f"{where}: {exc}") from None


# Top-level keys: name -> (check, default). rate/duration/snr/ppm/fc are overridable from the command line.
SCENE_KEYS: dict[str, tuple[Check, Any]] = {
    "rate": (_num(MIN_RATE_HZ, MAX_RATE_HZ), 2.4e6),
    "duration": (_num(0.001, MAX_DURATION_S), 2.0),
    "snr": (_optional(_num(-30.0, 100.0)), 30.0),
    "noise_floor": (_optional(_num(-200.0, 0.0)), None),
    "ppm": (_num(-200.0, 200.0), 0.0),
    "fc": (_optional(_num(1e6, 10e9)), None),
    "dc_offset": (None, 0j),  # checked by _dc_offset
    "datatype": (None, "cu8"),  # checked below
    "description": (None, ""),
    "cells": (None, None),
}

# Cell keys: name -> (check, default); a default of None for start_fn / frame_offset_s means "from the seed".
CELL_KEYS: dict[str, tuple[Check, Any]] = {
    "arfcn": (_int(0, 1023), None),
    "band": (_band, None),
    "power_db": (_num(-150.0, 10.0), -20.0),
    "cfo_hz": (_num(-100e3, 100e3), 0.0),
    "bsic": (_int(0, 63), None),  # default: NCC 5, BCC = cell index mod 8
    "mcc": (_int(0, 999), 1),
    "mnc": (_mnc, "01"),
    "lac": (_int(0, 65535), 1000),
    "ci": (_int(0, 65535), None),  # default: 100 + cell index
    "neighbours": (_arfcn_list, None),  # default: the other cells' ARFCNs
    "cell_channels": (_arfcn_list, None),  # default: [arfcn]
    "t3212": (_int(0, 255), 30),
    "ccch_conf": (_int(0, 1), 0),
    "bs_ag_blks_res": (_int(0, 7), 1),
    "bs_pa_mfrms": (_int(2, 9), 4),
    "cell_reselect_hysteresis": (_int(0, 7), 2),
    "ms_txpwr_max_cch": (_int(0, 31), 5),
    "rxlev_access_min": (_int(0, 63), 8),
    "selection_params": (_optional(_object(SelectionParams, {
        "cbq": _int(0, 1), "cro": _int(0, 63), "temp_offset": _int(0, 7),
        "penalty_time": _int(0, 31)})), None),
    "gprs_indicator": (_optional(_object(GprsIndicator, {
        "ra_colour": _int(0, 7), "si13_position": _int(0, 1)})), None),
    "si2ter": (_si2ter, None),
    "start_fn": (_optional(_int(0, HYPERFRAME - 1)), None),
    "frame_offset_s": (_optional(_num(0.0, FRAME_DURATION_S * (1 - 1e-9))), None),
    "multipath": (_multipath, None),
    "ccch_load": (_num(0.0, 1.0), 0.5),
}


def _reject_unknown(where: str, obj: Mapping[str, Any], known: Mapping[str, Any]) -> None:
    for key in obj:
        if key not in known:
            raise ConfigError(f"unknown key {key!r} in {where}; expected one of {', '.join(known)} "
                              "(see docs/scene.md)")


def _dc_offset(v: Any) -> complex:
    if isinstance(v, list) and len(v) == 2:
        re_, im_ = (_num(-1.0, 1.0)(f"dc_offset[{i}]", x) for i, x in enumerate(v))
        return complex(re_, im_)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return complex(_num(-1.0, 1.0)("dc_offset", v), 0.0)
    raise ConfigError(f"dc_offset={v!r}; expected a number or [re, im] in full-scale units (-1..1)")


def parse_scene(doc: Any, *, rate: float | None = None, duration: float | None = None,
                snr: float | None = None, ppm: float | None = None, fc: float | None = None) -> Scene:
    """Validate a decoded scene document, apply defaults and command-line overrides.

    Parameters
    ----------
    doc : dict
        The decoded JSON.
    rate, duration, snr, ppm, fc : float, optional
        Command-line values; each replaces the scene's value when given.

    Raises
    ------
    ConfigError
        On an unknown key (named), a value of the wrong type or out of range, or cells that do not fit in
        the captured bandwidth.
    """
    if not isinstance(doc, dict):
        raise ConfigError(f"scene must be a JSON object with a 'cells' list; got {type(doc).__name__}")
    _reject_unknown("scene", doc, SCENE_KEYS)
    raw_cells = doc.get("cells")
    if not isinstance(raw_cells, list) or not raw_cells:
        raise ConfigError("scene needs 'cells': a non-empty list of objects, each with at least 'arfcn'")

    def top(key: str, override: float | None) -> Any:
        check, default = SCENE_KEYS[key]
        if override is not None:
            return check(f"--{key}", override)
        return check(key, doc[key]) if key in doc else default

    datatype = doc.get("datatype", SCENE_KEYS["datatype"][1])
    if datatype not in DATATYPES:
        raise ConfigError(f"datatype={datatype!r}; expected one of {', '.join(DATATYPES)}")
    description = doc.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"description={description!r}; expected a string")

    cells = tuple(_parse_cell(i, c, raw_cells) for i, c in enumerate(raw_cells))
    arfcns = [c.arfcn for c in cells]
    dupes = sorted({a for a in arfcns if arfcns.count(a) > 1})
    if dupes:
        raise ConfigError(f"ARFCN {dupes[0]} appears in more than one cell; give each cell its own ARFCN")

    # Noise: --snr wins; otherwise the scene's 'snr' or 'noise_floor' (not both); default snr 30 dB.
    noise_floor = top("noise_floor", None)
    if snr is not None:
        snr_db, noise_floor = top("snr", snr), None
    elif "snr" in doc and noise_floor is not None:
        raise ConfigError("scene gives both 'snr' and 'noise_floor'; keep one (docs/snr.md)")
    elif noise_floor is not None:
        snr_db = None
    else:
        snr_db = top("snr", None)

    rate_hz = top("rate", rate)
    freqs = [c.carrier_hz + c.cfo_hz for c in cells]
    fc_hz = top("fc", fc)
    if fc_hz is None:
        fc_hz = 0.5 * (min(freqs) + max(freqs))
    ppm_v = top("ppm", ppm)
    for c, f in zip(cells, freqs, strict=True):
        seen = (f - fc_hz * (1 + ppm_v * 1e-6)) / (1 + ppm_v * 1e-6)
        if abs(seen) + 100e3 > rate_hz / 2:
            raise ConfigError(
                f"cells[{c.index}] (ARFCN {c.arfcn}, {f / 1e6:.4f} MHz) lies {seen / 1e3:+.1f} kHz from fc "
                f"{fc_hz / 1e6:.4f} MHz, outside the +-{rate_hz / 2e3 - 100:.0f} kHz a "
                f"{rate_hz / 1e6:g} MS/s capture holds; raise 'rate' or move 'fc'")
    return Scene(
        rate_hz=rate_hz,
        duration_s=top("duration", duration),
        snr_db=snr_db,
        noise_floor_dbfs=noise_floor,
        ppm=ppm_v,
        fc_hz=float(fc_hz),
        dc_offset=_dc_offset(doc["dc_offset"]) if "dc_offset" in doc else 0j,
        datatype=datatype,
        description=description,
        cells=cells,
    )


def _parse_cell(index: int, raw: Any, all_cells: list[Any]) -> CellSpec:
    where = f"cells[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}={raw!r}; expected an object with at least 'arfcn'")
    _reject_unknown(where, raw, CELL_KEYS)
    if "arfcn" not in raw:
        raise ConfigError(f"{where} lacks 'arfcn' (the only required cell key)")
    values: dict[str, Any] = {}
    for key, (check, default) in CELL_KEYS.items():
        values[key] = check(f"{where}.{key}", raw[key]) if key in raw else default
    try:
        arfcn_to_downlink_hz(values["arfcn"], values["band"])
    except DspParameterError as exc:
        raise ConfigError(f"{where}.arfcn: {exc}") from None
    if values["bsic"] is None:
        values["bsic"] = (5 << 3) | (index % 8)
    if values["ci"] is None:
        values["ci"] = 100 + index
    if values["neighbours"] is None:
        values["neighbours"] = tuple(
            c["arfcn"] for j, c in enumerate(all_cells)
            if j != index and isinstance(c, dict) and isinstance(c.get("arfcn"), int))
    if values["cell_channels"] is None:
        values["cell_channels"] = (values["arfcn"],)
    if values["ccch_conf"] == 1 and values["bs_ag_blks_res"] > 2:
        raise ConfigError(f"{where}.bs_ag_blks_res={values['bs_ag_blks_res']}; a combined CCCH (ccch_conf 1) "
                          "has 3 CCCH blocks, so 0..2 (TS 44.018 §10.5.2.11)")
    return CellSpec(index=index, **values)


def load_scene(path: str | Path, **overrides: float | None) -> Scene:
    """Read and validate a scene file; ``overrides`` as in :func:`parse_scene`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read scene file {p}: {exc.strerror or exc}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"scene file {p} is not valid JSON: {exc.msg} at line {exc.lineno} column "
                          f"{exc.colno}") from None
    return parse_scene(doc, **overrides)


def with_overrides(scene: Scene, **changes: Any) -> Scene:
    """A copy of ``scene`` with fields replaced (for tests and sweeps)."""
    return replace(scene, **changes)
