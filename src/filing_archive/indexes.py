"""The archive's indexes as data: by date, stage, type and unit, built once per build.

Everything is grouped in one pass over the records (linear in their number); pages and
exports read these structures and never scan the records again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .records import Record, Stage, parse_archive_no
from .registry import Registry
from .schema import TYPES


def archive_no_key(archive_no: str | None) -> tuple:
    """Catalogue order: year, retention (永久 first), unit, 件号 (filed records' 档号 are valid)."""
    parsed = parse_archive_no(archive_no)
    return parsed.catalogue_key if parsed else ("", 0, 0, "", 0)


@dataclass
class StageGroup:
    stage: Stage
    records: list[Record]


@dataclass
class PlanIndex:
    plan: Record
    stages: list[StageGroup]

    @property
    def count(self) -> int:
        return sum(len(g.records) for g in self.stages)


class ArchiveIndex:
    """Every grouping the generated pages need, computed in one pass."""

    def __init__(self, records: list[Record], registry: Registry):
        self.registry = registry
        self.records = sorted(records, key=lambda r: (r.date, r.id))
        self.by_year: dict[int, list[Record]] = defaultdict(list)
        self.by_type: dict[str, list[Record]] = defaultdict(list)
        self.by_unit: dict[str, list[Record]] = defaultdict(list)
        self.filed_by_year: dict[int, list[Record]] = defaultdict(list)
        in_stage: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for record in self.records:
            self.by_year[record.year].append(record)
            self.by_type[record.type].append(record)
            self.by_unit[record.unit].append(record)
            if record.is_filed and record.archive_no:
                self.filed_by_year[record.year].append(record)
            if record.plan and record.stage:
                in_stage[(record.plan, record.stage)].append(record)
        for rows in self.filed_by_year.values():
            rows.sort(key=lambda r: archive_no_key(r.archive_no or ""))
        self.plans: list[PlanIndex] = []
        self.plan_by_id: dict[str, PlanIndex] = {}
        for plan in self.by_type.get("plan", []):
            groups = [StageGroup(stage, in_stage.get((plan.id, stage.name), [])) for stage in plan.stages]
            entry = PlanIndex(plan, groups)
            self.plans.append(entry)
            self.plan_by_id[plan.id] = entry
        self._neighbours: dict[str, tuple[Record | None, Record | None]] = {}
        for group in in_stage.values():
            for i, record in enumerate(group):
                before = group[i - 1] if i > 0 else None
                after = group[i + 1] if i + 1 < len(group) else None
                self._neighbours[record.id] = (before, after)

    # --- lookups ----------------------------------------------------------------------
    @property
    def years(self) -> list[int]:
        return sorted(self.by_year, reverse=True)

    @property
    def types(self) -> list[str]:
        """Types that have records, in contract order."""
        return [t.code for t in TYPES if t.code in self.by_type]

    @property
    def units(self) -> list[str]:
        """Unit codes that have records, in registry order."""
        return [code for code in self.registry.units if code in self.by_unit]

    def neighbours(self, record: Record) -> tuple[Record | None, Record | None]:
        """The previous and next record in the same plan and stage, by date."""
        return self._neighbours.get(record.id, (None, None))

    def newest(self, n: int = 20) -> list[Record]:
        return list(reversed(self.records[-n:]))

    def plans_of(self, unit: str) -> list[PlanIndex]:
        return [p for p in self.plans if p.plan.unit == unit]


def newest_first(records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda r: (r.date, r.id), reverse=True)


def group_by_month(records: list[Record]) -> list[tuple[int, list[Record]]]:
    """(month, records newest first), newest month first."""
    months: dict[int, list[Record]] = defaultdict(list)
    for record in records:
        months[record.date.month].append(record)
    return [(m, newest_first(months[m])) for m in sorted(months, reverse=True)]


def group_by_year(records: list[Record]) -> list[tuple[int, list[Record]]]:
    years: dict[int, list[Record]] = defaultdict(list)
    for record in records:
        years[record.year].append(record)
    return [(y, newest_first(years[y])) for y in sorted(years, reverse=True)]


def group_by_type(records: list[Record]) -> list[tuple[str, list[Record]]]:
    types: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        types[record.type].append(record)
    return [(t.code, newest_first(types[t.code])) for t in TYPES if t.code in types]
