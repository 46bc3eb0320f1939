"""Human-readable views of a survey (rich): one line per cell, and everything about one cell.

Raw field codes are shown with their meaning where TS 44.018 / TS 45.008 define one (T3212 in hours,
hysteresis and offsets in dB, RXLEV in dBm).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sdrscan.cells.model import PARAMETER_NAMES, CellObservation, FieldValue


def _f(x: float, fmt: str) -> str:
    return "-" if not math.isfinite(x) else format(x, fmt)


def _v(v: FieldValue) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, tuple):
        return " ".join(map(str, v)) if v else "(none)"
    return str(v)


def meaning(name: str, v: FieldValue) -> str:
    """What a raw code means, where the specification gives it a unit (empty when none or unknown)."""
    if v is None or isinstance(v, bool | tuple | str):
        return ""
    table: dict[str, Any] = {
        "t3212": lambda x: "no periodic LU" if x == 0 else f"{x / 10:g} h",  # TS 44.018 §10.5.2.11
        "bs_pa_mfrms": lambda x: f"{x} multiframes",
        "ccch_conf": lambda x: {0: "1 CCCH on TS0", 1: "combined with SDCCH/4", 2: "CCCH on TS0,2",
                                4: "CCCH on TS0,2,4", 6: "CCCH on TS0,2,4,6"}.get(x, "reserved"),
        "cell_reselect_hysteresis": lambda x: f"{2 * x} dB",  # §10.5.2.4
        "rxlev_access_min": lambda x: f"{-110 + x} dBm",
        "cro": lambda x: f"{2 * x} dB",  # §10.5.2.34, TS 45.008 §6.4
        "temporary_offset": lambda x: "infinity" if x == 7 else f"{10 * x} dB",
        "penalty_time": lambda x: "CRO subtracted" if x == 31 else f"{20 * (x + 1)} s",
        "radio_link_timeout": lambda x: f"{4 * (x + 1)} SACCH blocks",
        "max_retrans": lambda x: f"{(1, 2, 4, 7)[x]} retransmissions",  # §10.5.2.29
        "tx_integer": lambda x: f"{(3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 20, 25, 32, 50)[x]} slots",
        "cell_bar_access": lambda x: "BARRED" if x else "not barred",
        "ac": lambda x: "none barred" if x == 0 else "classes " + " ".join(str(i) for i in range(16) if x >> i & 1),
        "ncc_permitted": lambda x: "NCC " + " ".join(str(i) for i in range(8) if x >> i & 1),
    }
    fn = table.get(name)
    try:
        return fn(v) if fn is not None else ""
    except (IndexError, TypeError):
        return ""


def _console(stderr: bool = False) -> Console:
    console = Console(stderr=stderr)
    return console if console.is_terminal else Console(stderr=stderr, width=160)


def _row(c: CellObservation, verdict: str) -> dict[str, str]:
    ccch = "-" if c.ccch_conf is None else ("comb" if c.ccch_conf == 1 else f"sep/{c.bs_ag_blks_res}")
    return {
        "ARFCN": str(c.arfcn), "BSIC": str(c.bsic), "MCC-MNC": c.plmn or "-", "LAC": _v(c.lac), "CI": _v(c.ci),
        "dBFS": _f(c.power_dbfs.mean, ".1f"), "SNR": _f(c.snr_db.mean, ".1f"),
        "offset": _f(c.freq_offset_hz.mean, "+.0f"), "ok/bad": f"{c.blocks_ok}/{c.blocks_bad}", "CCCH": ccch,
        "T3212": _v(c.t3212), "CRO": _v(c.cro), "GPRS": _v(c.gprs),
        "nbrs": "-" if c.neighbours is None else str(len(c.neighbours)),
        "pag/min": _f(c.ccch.paging_blocks_per_min, ".0f"), "IA/min": _f(c.ccch.imm_ass_per_min, ".1f"),
        "IMSI%": _f(100 * c.ccch.imsi_share, ".0f"), "changes": str(c.changes_total),
        "verdict": verdict,
    }


# Columns of the cell table; narrow terminals get the first set only.
COLUMNS = ("ARFCN", "BSIC", "MCC-MNC", "LAC", "CI", "dBFS", "SNR", "offset", "ok/bad", "CCCH", "T3212", "CRO",
           "GPRS", "nbrs", "pag/min", "IA/min", "IMSI%", "changes", "verdict")
NARROW_COLUMNS = ("ARFCN", "BSIC", "MCC-MNC", "LAC", "CI", "dBFS", "SNR", "ok/bad", "pag/min", "IMSI%", "verdict")
NARROW_BELOW = 140  # characters


# Most threatening first; "-" (detection off) sorts with ok.
_THREAT = {"rogue": 0, "suspicious": 1}
_VERDICT_STYLE = {"rogue": "bold white on red", "suspicious": "bold black on yellow", "ok": "green"}


def cell_table(cells: Sequence[CellObservation], title: str, width: int = 160,
               verdicts: Mapping[tuple[int, int], str] | None = None) -> Table:
    """One line per cell, most threatening then strongest first (everything else is in the details view).

    ``verdicts`` maps (ARFCN, BSIC) to the detection engine's verdict; without it (detection off) the
    column shows "-".
    """
    cols = COLUMNS if width >= NARROW_BELOW else NARROW_COLUMNS
    table = Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True)
    for col in cols:
        table.add_column(col, justify="left" if col in ("MCC-MNC", "CCCH", "verdict") else "right", no_wrap=True)
    judged = verdicts or {}

    def order(c: CellObservation) -> tuple[int, float]:
        return _THREAT.get(judged.get(c.key, "-"), 2), -(c.power_dbfs.mean if c.power_dbfs.n else -1e9)

    for c in sorted(cells, key=order):
        verdict = judged.get(c.key, "-")
        row: dict[str, str | Text] = {**_row(c, verdict), "verdict": Text(verdict, _VERDICT_STYLE.get(verdict, ""))}
        table.add_row(*(row[k] for k in cols))
    return table


def print_table(cells: Sequence[CellObservation], title: str, *, stderr: bool = False,
                verdicts: Mapping[tuple[int, int], str] | None = None) -> None:
    console = _console(stderr)
    console.print(cell_table(cells, title, console.width, verdicts))


def _kv_table(title: str, rows: list[tuple[str, str, str]]) -> Table:
    t = Table(title=title, show_header=False, title_justify="left", box=None, padding=(0, 1))
    t.add_column(style="bold")
    t.add_column()
    t.add_column(style="dim")
    for r in rows:
        t.add_row(*r)
    return t


def cell_details(c: CellObservation) -> Group:
    """Every parameter, the neighbour lists, SI types, CCCH statistics and change history of one cell."""
    parts: list[Any] = []
    seen = "-" if c.first_seen is None else (f"{c.first_seen:%Y-%m-%d %H:%M:%S.%f}"[:-3] + " .. "
                                            + f"{c.last_seen:%H:%M:%S.%f}"[:-3] + " UTC")
    parts.append(_kv_table("Cell", [
        ("ARFCN / BSIC", f"{c.arfcn} / {c.bsic}", f"{c.freq_hz / 1e6:.1f} MHz, NCC {c.ncc} BCC {c.bcc}"),
        ("seen", seen, f"FN {c.first_fn} .. {c.last_fn}; in {', '.join(c.sources) or '-'}"),
        ("blocks", f"{c.blocks_ok} ok, {c.blocks_bad} bad, {c.blocks_idle} idle",
         ", ".join(f"{k} {v}" for k, v in sorted(c.channels.items()))),
        ("power", f"{_f(c.power_dbfs.mean, '.1f')} dBFS",
         f"min {_f(c.power_dbfs.min, '.1f')} max {_f(c.power_dbfs.max, '.1f')} std {_f(c.power_dbfs.std, '.2f')}"),
        ("SNR", f"{_f(c.snr_db.mean, '.1f')} dB", f"min {_f(c.snr_db.min, '.1f')} max {_f(c.snr_db.max, '.1f')}"),
        ("offset", f"{_f(c.freq_offset_hz.mean, '+.1f')} Hz", f"std {_f(c.freq_offset_hz.std, '.1f')} Hz"),
    ]))
    lists = {"neighbours", "ba_si2", "ba_si2bis", "ba_si2ter", "ba_si5", "cell_arfcns", "utran_fdd_arfcns",
             "eutran_earfcns"}
    parts.append(_kv_table("Parameters", [(n, _v(getattr(c, n)), meaning(n, getattr(c, n)))
                                          for n in PARAMETER_NAMES if n not in lists]))
    parts.append(_kv_table("Frequency lists", [(n, _v(getattr(c, n)), "") for n in PARAMETER_NAMES if n in lists]))
    si = Table(title="System Information", title_justify="left")
    for col in ("type", "count", "first seen", "last seen", "last FN", "last block"):
        si.add_column(col)
    for s in c.si_seen:
        si.add_row(s.name, str(s.count), f"{s.first_seen:%H:%M:%S.%f}"[:-3], f"{s.last_seen:%H:%M:%S.%f}"[:-3],
                   str(s.last_fn), s.last_hex)
    parts.append(si)
    t, cc = c.ccch.totals, c.ccch
    parts.append(_kv_table("CCCH", [
        ("observed", f"{cc.observed_s:.2f} s", f"{t.blocks} blocks decoded"),
        ("paging", f"{_f(cc.paging_blocks_per_min, '.1f')} blocks/min",
         f"{t.paging_blocks} blocks: {t.tmsi} TMSI, {t.imsi} IMSI, {t.imei} IMEI; {t.paging_empty} empty"),
        ("IMSI share", f"{_f(100 * cc.imsi_share, '.1f')} %", "of the identities paged"),
        ("assignments", f"{_f(cc.imm_ass_per_min, '.1f')} /min",
         f"{t.imm_ass} channels ({t.imm_ass_tbf} TBF), {t.imm_ass_reject} rejects; "
         + (", ".join(f"{k} {v}" for k, v in sorted(cc.causes.items())) or "no causes")),
        ("idle share", f"{_f(100 * cc.idle_share, '.1f')} %", f"{t.fill} fill, {t.paging_empty} empty paging"),
        ("other", f"{t.nch} NCH, {t.other} other", f"{t.parse_errors} not parsed"),
    ]))
    if cc.windows:
        w = Table(title=f"CCCH per {cc.windows[0].duration_s:g} s window", title_justify="left")
        for col in ("start (UTC)", "observed s", "blocks", "paging/min", "IMSI", "IA/min", "idle %"):
            w.add_column(col, justify="right")
        for win in cc.windows:
            w.add_row(f"{win.start:%H:%M:%S}", f"{win.observed_s:.1f}", str(win.counts.blocks),
                      _f(win.per_minute("paging_blocks"), ".1f"), str(win.counts.imsi),
                      _f(win.per_minute("imm_ass"), ".1f"), _f(100 * win.counts.idle_share, ".0f"))
        parts.append(w)
    if c.parse_errors:
        parts.append(_kv_table("Parse errors", [(k, str(v), "") for k, v in sorted(c.parse_errors.items())]))
    h = Table(title=f"Changes ({c.changes_total})", title_justify="left")
    for col in ("time (UTC)", "FN", "SI", "field", "old", "new"):
        h.add_column(col)
    for ch in c.history:
        h.add_row(f"{ch.time:%H:%M:%S.%f}"[:-3], str(ch.fn), ch.si, ch.field, _v(ch.old), _v(ch.new))
    parts.append(h if c.history else "[dim]no parameter changed[/]")
    return Group(*parts)


def print_details(cells: Sequence[CellObservation], *, stderr: bool = False) -> None:
    console = _console(stderr)
    for c in cells:
        console.print(Panel(cell_details(c), title=f"ARFCN {c.arfcn} BSIC {c.bsic}", expand=False))
