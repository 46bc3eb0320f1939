"""The human view of detection results: verdicts in colour and, per suspicious cell, the rules in plain words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import CellKey, CellVerdict, Severity, Verdict

VERDICT_STYLE = {Verdict.OK: "green", Verdict.SUSPICIOUS: "bold yellow", Verdict.ROGUE: "bold red"}
SEVERITY_STYLE = {Severity.INFO: "dim", Severity.LOW: "cyan", Severity.MEDIUM: "yellow", Severity.HIGH: "red"}


def _name(c: CellObservation | None, v: CellVerdict) -> str:
    ident = v.identity
    if ident.mcc is not None and ident.lac is not None:
        return f"ARFCN {v.arfcn} ({ident.plmn}, LAC {ident.lac}, CI {ident.ci})"
    return f"ARFCN {v.arfcn} (BSIC {v.bsic})"


def verdict_table(verdicts: Mapping[CellKey, CellVerdict], cells: Sequence[CellObservation]) -> Table:
    """One line per cell, highest score first: verdict (coloured), score, identity, power, rules that fired."""
    by_key = {c.key: c for c in cells}
    table = Table(title="Detection", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True)
    for col in ("verdict", "score", "ARFCN", "BSIC", "MCC-MNC", "LAC", "CI", "dBFS", "rules"):
        # Every column but the rule list keeps its width; the list wraps on narrow terminals.
        table.add_column(col, justify="left" if col in ("MCC-MNC", "verdict", "rules") else "right",
                         no_wrap=col != "rules", min_width=12 if col == "rules" else None)
    for v in sorted(verdicts.values(), key=lambda v: (-v.score, v.key)):
        c = by_key.get(v.key)
        power = f"{c.power_dbfs.mean:.1f}" if c is not None and c.power_dbfs.n else "-"
        rules = f"image of ARFCN {v.image_of[0]}" if v.image_of is not None else ", ".join(v.rules) or "-"
        ident = v.identity
        table.add_row(Text(v.verdict.value, style=VERDICT_STYLE[v.verdict]), f"{v.score:g}", str(v.arfcn), str(v.bsic),
                      ident.plmn or "-", "-" if ident.lac is None else str(ident.lac),
                      "-" if ident.ci is None else str(ident.ci), power, rules)
    return table


def explanations(verdicts: Mapping[CellKey, CellVerdict], cells: Sequence[CellObservation]) -> Group:
    """Per suspicious or rogue cell: its verdict and every contributing rule's message."""
    by_key = {c.key: c for c in cells}
    parts: list[Text] = []
    for v in sorted(verdicts.values(), key=lambda v: (-v.score, v.key)):
        if v.verdict is Verdict.OK:
            continue
        head = Text()
        head.append(f"{_name(by_key.get(v.key), v)}: ")
        head.append(v.verdict.value.upper(), style=VERDICT_STYLE[v.verdict])
        head.append(f" (score {v.score:g})")
        parts.append(head)
        for c in v.contributions:
            line = Text("  - ")
            line.append(f"[{c.severity.label}]", style=SEVERITY_STYLE[c.severity])
            line.append(f" {c.message} ({c.rule})")
            parts.append(line)
    return Group(*parts)


def print_verdicts(verdicts: Mapping[CellKey, CellVerdict], cells: Sequence[CellObservation], *,
                   console: Console | None = None) -> None:
    if console is None:
        console = Console()
        console = console if console.is_terminal else Console(width=160)  # pipes and files: no 80-column wrap
    console.print(verdict_table(verdicts, cells))
    flagged = sum(1 for v in verdicts.values() if v.verdict is not Verdict.OK)
    if flagged:
        console.print(explanations(verdicts, cells))
    else:
        console.print(Text(f"No cell above ok ({len(verdicts)} judged).", style="green"))
