"""归档时限: by when a year's records must be filed, and which published records are due or late.

``filing_deadline: MM-DD`` in ``archive.yml`` (default ``06-30``) is the day of the next year by
which the records of a year are filed. A published record (已发布（待归档）) is *due* until that
day and *late* (应归未归) from the day after; filed records are done, drafts are not yet due.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .fields import fmt
from .messages import message, say
from .problems import Problems
from .records import Record
from .registry import Registry

DEADLINE_KEY = "filing_deadline"
DEADLINES_PAGE = "archive/deadlines.md"
DEFAULT_DEADLINE = (6, 30)
DEADLINE_RE = re.compile(r"^([0-9]{2})-([0-9]{2})\Z")


def load_deadline(registry: Registry, problems: Problems) -> tuple[int, int]:
    """``filing_deadline:`` as (month, day); the default when it is absent or wrong (with an error)."""
    raw = registry.raw.get(DEADLINE_KEY)
    if raw is None:
        return DEFAULT_DEADLINE
    found = DEADLINE_RE.match(raw) if isinstance(raw, str) else None
    if found:
        month, day = int(found[1]), int(found[2])
        try:
            date(2001, month, day)  # not a leap year: 02-29 would be no day at all in most years
            return month, day
        except ValueError:
            pass
    problems.error(registry.path, registry.line_of(DEADLINE_KEY), DEADLINE_KEY, "E-deadline-bad", got=fmt(raw))
    return DEFAULT_DEADLINE


def deadline_of(year: int, month_day: tuple[int, int]) -> date:
    """The last day to file the records of ``year``."""
    return date(year + 1, *month_day)


@dataclass
class UnitDeadlines:
    unit: str
    due: list[Record] = field(default_factory=list)  # published, deadline not passed
    late: list[Record] = field(default_factory=list)  # published, deadline passed: 应归未归


@dataclass
class Deadlines:
    today: date
    month_day: tuple[int, int]
    units: dict[str, UnitDeadlines]  # every unit of the registry, in its order

    def deadline(self, record: Record) -> date:
        return deadline_of(record.year, self.month_day)

    @property
    def due(self) -> list[Record]:
        return [r for u in self.units.values() for r in u.due]

    @property
    def late(self) -> list[Record]:
        return [r for u in self.units.values() for r in u.late]


def evaluate_deadlines(records: list[Record], registry: Registry, month_day: tuple[int, int],
                       today: date) -> Deadlines:
    units = {code: UnitDeadlines(code) for code in registry.units}
    for record in sorted(records, key=lambda r: (r.date, r.path)):
        if record.status != "published" or record.unit not in units:
            continue
        place = units[record.unit]
        (place.late if today > deadline_of(record.year, month_day) else place.due).append(record)
    return Deadlines(today, month_day, units)


def deadline_lines(deadlines: Deadlines) -> list[str]:
    """``archive check --deadlines``: one line per due or late record, then the counts per unit."""
    lines = []
    for unit in deadlines.units.values():
        for word, records in (("part.deadline-late", unit.late), ("part.deadline-due", unit.due)):
            for record in records:
                lines.append(say("out.deadline-record", where=record.path, state=message(word), unit=unit.unit,
                                 year=record.year, title=record.title, due=deadlines.deadline(record)))
    for unit in deadlines.units.values():
        if unit.due or unit.late:
            lines.append(say("out.deadline-unit", unit=unit.unit, due=len(unit.due), late=len(unit.late)))
    return lines


def deadlines_json(deadlines: Deadlines) -> list[dict]:
    """``archive check --deadlines --format json``: one object per due or late record."""
    return [{"path": r.path, "unit": unit.unit, "year": r.year, "title": r.title, "state": state,
             "deadline": deadlines.deadline(r).isoformat()}
            for unit in deadlines.units.values()
            for state, records in (("late", unit.late), ("due", unit.due)) for r in records]


def deadline_counts(deadlines: Deadlines | None, present, unit_code: str | None = None) -> dict | None:
    """Due and late counts (of one unit, or of all) with the link to the deadlines page; ``present``
    is the page's ``presenter.Presenter``."""
    if deadlines is None:
        return None
    units = [deadlines.units[unit_code]] if unit_code else list(deadlines.units.values())
    return {"due": sum(len(u.due) for u in units), "late": sum(len(u.late) for u in units),
            "href": present.page(DEADLINES_PAGE), "anchor": f"#unit-{unit_code}" if unit_code else ""}
