"""Compliance: cadence rules evaluated against the records as of the build date, no output.

``evaluate()`` turns the rules and the records into a ``Compliance``: per rule a matrix of
units × periods, per unit a rate, and the gaps, worst first. Pages, the CSV file and the
command line lay it out elsewhere (``compliance_report.py``, ``pages.py``).

Definitions (the README repeats them for staff):

- A rule starts at its ``from:`` date, else at the start of the period holding the unit's
  first published or filed record (a unit with neither has nothing due yet); a plan's rule
  starts at its first stage's start (or its ``from:``, if later) and ends at its last stage's
  end. Periods run from the one holding the start to the one holding the build date (or the
  rule's end); only records dated inside the rule's dates count.
- A record counts when it is published or filed (never a draft), of the rule's unit and type,
  dated inside the period, matching every ``where:`` filter.
- A cell is ``exempt`` when an exemption names it (this wins over everything else);
  ``in_progress`` while the build date is inside it and it has not ended (never a failure,
  whatever its count); otherwise ``met`` when count ≥ min, else ``missing``.
- A rate is met / due, where due = met + missing (exempt and in-progress cells are not due).
- Gaps are the missing cells, worst first: the lowest count/min, then the oldest period, then
  the rule's order in the registry, then the unit's.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .periods import Period, period_of, periods_between
from .schema import COUNTED_STATUSES, Term, Vocabulary

if TYPE_CHECKING:  # pragma: no cover  (types only: labels.py imports this module for its vocabulary)
    from .archive import Archive
    from .cadence_rules import Rule
    from .records import Record
    from .registry import Unit

CELL_STATUSES = Vocabulary(
    "compliance",
    [
        Term("met", "达标", "Met"),
        Term("missing", "缺失", "Missing"),
        Term("exempt", "豁免", "Exempt"),
        Term("in_progress", "进行中", "In progress"),
    ],
    near_miss=False,
)


@dataclass(frozen=True)
class Cell:
    """One unit in one period of one rule. ``start``/``end``: the days whose records count."""

    status: str  # met | missing | exempt | in_progress
    count: int
    min: int
    records: tuple[str, ...] = ()  # ids of the records counted, by date
    reason: str = ""  # an exemption's reason
    start: date | None = None
    end: date | None = None

    def label(self, lang: str) -> str:
        return CELL_STATUSES[self.status].label(lang)

    def text(self, lang: str) -> str:
        """Status in words, never colour alone: ``达标 2/2``, ``豁免：暑假``."""
        if self.status == "exempt":
            return f"{self.label(lang)}{': ' if lang == 'en' else '：'}{self.reason}"
        return f"{self.label(lang)} {self.count}/{self.min}"


@dataclass(frozen=True)
class Rate:
    """met / due, where due = met + missing: exempt and in-progress cells are not due."""

    met: int = 0
    missing: int = 0
    exempt: int = 0
    in_progress: int = 0

    @property
    def due(self) -> int:
        return self.met + self.missing

    @property
    def value(self) -> float | None:
        return self.met / self.due if self.due else None

    @property
    def percent(self) -> int | None:
        """Rounded half up; None when nothing is due."""
        return (200 * self.met + self.due) // (2 * self.due) if self.due else None

    def text(self) -> str:
        return f"{self.met}/{self.due} ({self.percent}%)" if self.due else "—"

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.met + other.met, self.missing + other.missing, self.exempt + other.exempt,
                    self.in_progress + other.in_progress)

    @classmethod
    def of(cls, cells: list[Cell]) -> Rate:
        statuses = [c.status for c in cells]
        return cls(*(statuses.count(s) for s in ("met", "missing", "exempt", "in_progress")))


@dataclass
class Matrix:
    """One rule: units as rows, periods as columns. A unit has no cell in a period before its start."""

    rule: Rule
    units: list[str]  # unit codes, in registry order
    periods: list[Period]  # every period any unit has, in order
    cells: dict[tuple[str, str], Cell]  # (unit code, period key) -> cell
    rates: dict[str, Rate]  # unit code -> rate on this rule

    def cell(self, unit: str, period_key: str) -> Cell | None:
        return self.cells.get((unit, period_key))

    def row(self, unit: str) -> list[Cell | None]:
        """The unit's cells aligned with ``periods`` (None: not yet due for this unit)."""
        return [self.cells.get((unit, p.key)) for p in self.periods]


@dataclass(frozen=True)
class Gap:
    rule: Rule
    unit: str
    period: Period
    cell: Cell

    def as_dict(self) -> dict:
        return {"unit": self.unit, "rule": self.rule.key, "period": self.period.key, "count": self.cell.count,
                "min": self.cell.min}


@dataclass
class Compliance:
    today: date
    matrices: list[Matrix]
    gaps: list[Gap]  # missing cells, worst first
    units: dict[str, Unit]
    records: dict[str, Record]  # every record counted in some cell, by id (for links)

    def matrix(self, rule_key: str) -> Matrix | None:
        return next((m for m in self.matrices if m.rule.key == rule_key), None)

    def rate(self, unit: str) -> Rate:
        """The unit's rate over every rule."""
        total = Rate()
        for matrix in self.matrices:
            total = total + matrix.rates.get(unit, Rate())
        return total


def unit_row(rule: Rule, code: str, records: list[Record], today: date,
             exempt: dict[tuple[str, str, str], str]) -> list[tuple[Period, Cell]]:
    """One unit's cells for one rule, period by period, from the rule's start (or the unit's first
    record) to ``today`` or the rule's end. ``records``: the unit's counted records, by date."""
    start = rule.start or (period_of(rule.per, records[0].date).start if records else None)
    if start is None:
        return []
    last_day = min(today, rule.end) if rule.end else today
    matching = [r for r in records if rule.matches(r)]
    days = [r.date for r in matching]
    row = []
    for period in periods_between(rule.per, start, last_day, rule.months):
        lo = max(period.start, start)
        hi = min(period.end, rule.end) if rule.end else period.end
        ids = tuple(r.id for r in matching[bisect_left(days, lo):bisect_right(days, hi)])
        reason = exempt.get((rule.key, code, period.key))
        if reason is not None:
            status = "exempt"
        elif lo <= today <= hi:
            status = "in_progress"
        else:
            status = "met" if len(ids) >= rule.min else "missing"
        row.append((period, Cell(status, len(ids), rule.min, ids, reason or "", lo, hi)))
    return row


def evaluate(archive: Archive, today: date) -> Compliance:
    """Every rule against every record as of ``today`` (the build date)."""
    registry, rules, exemptions = archive.registry, archive.rules, archive.exemptions
    drafts = {r.id for r in archive.records if r.is_draft}
    rules = [rule for rule in rules if rule.plan not in drafts]  # a draft plan binds nobody yet
    exempt = {(e.rule, e.unit, e.period): e.reason for e in exemptions}
    counted = sorted((r for r in archive.records if r.status in COUNTED_STATUSES and r.date <= today),
                     key=lambda r: (r.date, r.id))
    counted_by_id = {r.id: r for r in counted}
    by_unit: dict[str, list[Record]] = {}
    for record in counted:
        by_unit.setdefault(record.unit, []).append(record)
    unit_order = {code: i for i, code in enumerate(registry.units)}

    matrices: list[Matrix] = []
    gaps: list[tuple[tuple, Gap]] = []
    used: dict[str, Record] = {}
    for rule_index, rule in enumerate(rules):
        units = [code for code, unit in registry.units.items() if rule.applies(unit)]
        cells: dict[tuple[str, str], Cell] = {}
        periods: dict[str, Period] = {}
        rates: dict[str, Rate] = {}
        for code in units:
            row = unit_row(rule, code, by_unit.get(code, []), today, exempt)
            for period, cell in row:
                cells[(code, period.key)] = cell
                periods.setdefault(period.key, period)
                used.update((rid, counted_by_id[rid]) for rid in cell.records)
                if cell.status == "missing":
                    sort_key = (cell.count / rule.min, period.start, rule_index, unit_order[code])
                    gaps.append((sort_key, Gap(rule, code, period, cell)))
            rates[code] = Rate.of([cell for _, cell in row])
        matrices.append(Matrix(rule, units, sorted(periods.values(), key=lambda p: p.start), cells, rates))
    gaps.sort(key=lambda item: item[0])
    return Compliance(today, matrices, [gap for _, gap in gaps], dict(registry.units), used)



@dataclass
class UnitRule:
    matrix: Matrix
    rate: Rate
    cells: list[tuple[Period, Cell]]


@dataclass
class UnitSummary:
    unit: Unit
    rate: Rate  # over every rule that applies to the unit
    rules: list[UnitRule]  # the rules that apply to the unit, with its cells in order
    gaps: list[Gap]  # the unit's missing cells, worst first


def unit_summary(compliance: Compliance, unit_code: str) -> UnitSummary:
    rules = []
    for matrix in compliance.matrices:
        if unit_code in matrix.units:
            cells = [(p, c) for p, c in zip(matrix.periods, matrix.row(unit_code), strict=True) if c is not None]
            rules.append(UnitRule(matrix, matrix.rates[unit_code], cells))
    return UnitSummary(
        unit=compliance.units[unit_code],
        rate=compliance.rate(unit_code),
        rules=rules,
        gaps=[g for g in compliance.gaps if g.unit == unit_code],
    )

