"""Compliance as the CSV file and the command line show it: rows, notes and gap lines."""

from __future__ import annotations

from datetime import date

from .compliance import Cell, Compliance, Gap
from .messages import say
from .registry import Unit
from .schema import in_language

CSV_HEADER = {
    "zh": ["单位代码", "单位", "规则", "规则名称", "周期", "起", "止", "状态", "件数", "最低要求", "说明", "记录"],
    "en": ["Unit code", "Unit", "Rule", "Rule name", "Period", "From", "To", "Status", "Count", "Minimum", "Note",
           "Records"],
}


def cell_note(cell: Cell, today: date, lang: str) -> str:
    """The 说明 column: an exemption's reason, how many are missing, or the date counted up to."""
    if cell.status == "exempt":
        return cell.reason
    if cell.status == "missing":
        short = cell.min - cell.count
        return in_language(lang, f"差 {short} 件", f"{short} short")
    if cell.status == "in_progress":
        return in_language(lang, f"截至 {today.isoformat()}", f"as of {today.isoformat()}")
    return ""


def compliance_csv_rows(compliance: Compliance, lang: str = "zh") -> list[list[str]]:
    """A header row, then one row per unit, rule and period (units in registry order)."""
    rows = [list(CSV_HEADER["en" if lang == "en" else "zh"])]
    for code, unit in compliance.units.items():
        for matrix in compliance.matrices:
            if code not in matrix.units:
                continue
            for period, cell in zip(matrix.periods, matrix.row(code), strict=True):
                if cell is None:
                    continue
                rows.append([
                    code, unit.label(lang), matrix.rule.key, matrix.rule.label(lang), period.key,
                    cell.start.isoformat(), cell.end.isoformat(), cell.label(lang), str(cell.count),
                    str(cell.min), cell_note(cell, compliance.today, lang), "; ".join(cell.records),
                ])
    return rows


def gap_line(gap: Gap, units: dict[str, Unit], lang: str = "zh") -> str:
    """One gap for the command line: unit | rule | period | count/min."""
    unit = units[gap.unit]
    return say("out.cadence-gap", unit=unit.code, name=unit.label(lang), rule=gap.rule.key,
               rule_name=gap.rule.label(lang), period=gap.period.key, count=gap.cell.count, min=gap.cell.min)
