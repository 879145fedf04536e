"""Cadence: the recurring duties of units, checked against the archive at build time.

A rule says "a unit of these kinds keeps at least ``min`` records of this type every month
(quarter, half-year, year)". Rules live in ``archive.yml`` (``cadence:``, with ``exemptions:``)
or in a plan's own front-matter (``cadence:``, for the plan's unit, between the start of its
first stage and the end of its last). ``evaluate()`` turns the rules and the records into a
``Compliance``: per rule a matrix of units × periods, per unit a rate, and the gaps, worst
first. No MkDocs here; pages and the CSV file are laid out elsewhere from this data.

Definitions (the README repeats them for staff):

- Periods are calendar months (``2026-03``), quarters (``2026-Q1``), halves (``2026-H1`` =
  January–June, ``2026-H2`` = July–December) and years (``2026``). A rule with ``months:``
  must count per month; it has periods only in those months.
- A rule starts at its ``from:`` date, else at the start of the period holding the unit's
  first published or filed record (a unit with neither has nothing due yet); a plan's rule
  starts at its first stage's start (or its ``from:``, if later) and ends at its last stage's
  end. Periods run from the one holding the start to the one holding the build date (or the
  rule's end); only records dated inside the rule's dates count.
- A record counts when it is published or filed (never a draft), of the rule's unit and type,
  dated inside the period, matching every ``where:`` filter (a list field such as
  ``keywords`` matches when it contains the value).
- A cell is ``exempt`` when an exemption names it (this wins over everything else);
  ``in_progress`` while the build date is inside it and it has not ended (never a failure,
  whatever its count); otherwise ``met`` when count ≥ min, else ``missing``.
- A rate is met / due, where due = met + missing (exempt and in-progress cells are not due).
- Gaps are the missing cells, worst first: the lowest count/min, then the oldest period, then
  the rule's order in the registry, then the unit's.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from .problems import Problems
from .records import Record
from .registry import Registry, Unit
from .schema import FIELDS, ID_MAX, NAME_MAX, STATUSES, TYPES, UNIT_KINDS, Term, Vocabulary, too_long
from .validation import did_you_mean, fmt, yaml_date

if TYPE_CHECKING:  # pragma: no cover
    from .archive import Archive

PERIODS = Vocabulary(
    "per",
    [
        Term("month", "月", "Month"),
        Term("quarter", "季度", "Quarter"),
        Term("half", "半年", "Half-year"),
        Term("year", "年", "Year"),
    ],
    near_miss=False,
)
MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "half": 6, "year": 12}

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
COUNTED_STATUSES = ("published", "filed")

RULE_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # \Z: "$" would accept a trailing newline
RULE_KEYS = ("id", "name", "name_en", "applies_to", "type", "where", "per", "min", "months", "from", "source")
EXEMPTION_KEYS = ("unit", "rule", "period", "reason")
# Fields a rule may filter on: what a record says about itself (each is an attribute of Record),
# not what the rule fixes already (unit, type, date) nor what no two records share.
WHERE_FIELDS = ("status", "secrecy", "retention", "responsible", "keywords", "plan", "stage", "form", "host",
                "attendees", "hours", "issue")
PERIOD_KEY_RE = {
    "month": re.compile(r"^(?P<year>\d{4})-(?P<n>\d{2})$"),
    "quarter": re.compile(r"^(?P<year>\d{4})-Q(?P<n>\d)$"),
    "half": re.compile(r"^(?P<year>\d{4})-H(?P<n>\d)$"),
    "year": re.compile(r"^(?P<year>\d{4})$"),
}
PERIOD_KEY_EXAMPLE = {"month": "YYYY-MM such as 2026-07", "quarter": "YYYY-Qn such as 2026-Q3",
                      "half": "YYYY-H1 or YYYY-H2 such as 2026-H2", "year": "YYYY such as 2026"}
PER_ADJECTIVE = {"month": "monthly", "quarter": "quarterly", "half": "half-yearly", "year": "yearly"}
MONTH_ABBR_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- periods -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """One calendar period: ``key`` is ``2026-03``, ``2026-Q1``, ``2026-H1`` or ``2026``."""

    per: str
    key: str
    start: date
    end: date

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def index(self) -> int:
        """1-based: the month, quarter or half of the year (1 for a year)."""
        return (self.start.month - 1) // MONTHS_PER_PERIOD[self.per] + 1

    def label(self, lang: str) -> str:
        y, n = self.year, self.index
        if lang == "en":
            return {"month": f"{MONTH_ABBR_EN[n - 1]} {y}", "quarter": f"Q{n} {y}", "half": f"H{n} {y}",
                    "year": str(y)}[self.per]
        return {"month": f"{y}年{n}月", "quarter": f"{y}年第{n}季度", "half": f"{y}年{'上' if n == 1 else '下'}半年",
                "year": f"{y}年"}[self.per]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def make_period(per: str, year: int, index: int) -> Period:
    """The ``index``-th (1-based) period of ``per`` in ``year``."""
    span = MONTHS_PER_PERIOD[per]
    first = (index - 1) * span + 1
    last = first + span - 1
    key = {"month": f"{year}-{index:02d}", "quarter": f"{year}-Q{index}", "half": f"{year}-H{index}",
           "year": f"{year}"}[per]
    return Period(per, key, date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]))


def period_of(per: str, day: date) -> Period:
    """The period of ``per`` holding ``day``."""
    return make_period(per, day.year, (day.month - 1) // MONTHS_PER_PERIOD[per] + 1)


def periods_between(per: str, start: date, end: date, months: tuple[int, ...] = ()) -> list[Period]:
    """Every period from the one holding ``start`` to the one holding ``end`` (only ``months``, if given)."""
    if start > end:
        return []
    found = []
    period = period_of(per, start)
    while period.start <= end:
        if not months or period.start.month in months:
            found.append(period)
        nxt = period.end.toordinal() + 1
        period = period_of(per, date.fromordinal(nxt))
    return found


def parse_period(per: str, value: object) -> Period | None:
    """A period key as staff write it (``2026-07``, ``2026-Q3``, ``2026-H2``, ``2026``), or None."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str):
        return None
    m = PERIOD_KEY_RE[per].match(text.strip())
    if not m:
        return None
    n = int(m.groupdict().get("n") or 1)
    if not 1 <= n <= 12 // MONTHS_PER_PERIOD[per]:
        return None
    return make_period(per, int(m["year"]), n)


# --- rules -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """One cadence rule, checked and normalised (codes, not aliases).

    ``applies_to`` holds unit codes and unit-kind codes (codes are upper-case, kinds lower-case);
    a plan's rule has ``plan`` (the plan's id) and ``end`` (its last stage's end) set and applies
    to the plan's unit only.
    """

    id: str
    name: str
    type: str
    per: str
    min: int = 1
    name_en: str = ""
    applies_to: tuple[str, ...] = ()
    where: tuple[tuple[str, object], ...] = ()
    months: tuple[int, ...] = ()
    start: date | None = None  # ``from:``
    source: str = ""
    plan: str | None = None
    end: date | None = None
    path: str = ""
    line: int = 0

    @property
    def key(self) -> str:
        """Unique across the archive: the id, or ``<plan id>.<id>`` for a plan's rule."""
        return f"{self.plan}.{self.id}" if self.plan else self.id

    def label(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    @property
    def unit(self) -> str | None:
        """A plan's rule: the plan's unit, the only one it applies to."""
        return self.applies_to[0] if self.plan else None

    def applies(self, unit: Unit) -> bool:
        return unit.code in self.applies_to or unit.kind in self.applies_to

    def matches(self, record: Record) -> bool:
        """Type and ``where`` filters (not status, unit or date)."""
        if record.type != self.type:
            return False
        for name, value in self.where:
            have = getattr(record, name, None)
            if isinstance(have, list):
                if value not in have:
                    return False
            elif have != value:
                return False
        return True

    def requirement(self, lang: str) -> str:
        """The rule in words: 每月至少 2 件学习记录（学习形式：集中学习）."""
        type_label = TYPES[self.type].label(lang)
        filters = [f"{FIELDS[name].label(lang)}{'：' if lang != 'en' else ': '}{where_label(name, value, lang)}"
                   for name, value in self.where]
        if lang == "en":
            text = f"at least {self.min} × {type_label} per {PERIODS[self.per].en.lower()}"
            if self.months:
                text += f" in {', '.join(MONTH_ABBR_EN[m - 1] for m in self.months)}"
            return text + (f" ({'; '.join(filters)})" if filters else "")
        per = {"month": "每月", "quarter": "每季度", "half": "每半年", "year": "每年"}[self.per]
        if self.months:
            per = f"每年{'、'.join(f'{m}月' for m in self.months)}"
        return f"{per}至少 {self.min} 件{type_label}" + (f"（{'；'.join(filters)}）" if filters else "")


def where_label(name: str, value: object, lang: str) -> str:
    vocabulary = FIELDS[name].vocabulary
    return vocabulary[value].label(lang) if vocabulary and isinstance(value, str) else str(value)


@dataclass(frozen=True)
class Exemption:
    unit: str
    rule: str  # a rule key
    period: str  # a period key
    reason: str
    line: int = 0


Report = Callable[[str, str], None]  # (dotted key, message)


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_rule(raw: object, prefix: str, report: Report, registry: Registry | None) -> Rule | None:
    """Check one rule; ``registry`` is None for a plan's rule (which has no ``applies_to``).

    Every problem goes to ``report(key, message)`` with keys like ``cadence[0].per``; returns the
    rule only if it has none.
    """
    problems = 0

    def err(key: str, message: str) -> None:
        nonlocal problems
        problems += 1
        report(f"{prefix}.{key}" if key else prefix, message)

    if not isinstance(raw, dict):
        err("", f"expected a rule {{id, name, type, per, min}}, got {fmt(raw)}")
        return None
    allowed = RULE_KEYS if registry is not None else tuple(k for k in RULE_KEYS if k != "applies_to")
    for key in raw:
        if key == "applies_to" and registry is None:
            err(key, "a plan's rule applies to the plan's own unit (expected no applies_to; remove it)")
        elif key not in allowed:
            hint = did_you_mean(str(key), list(allowed))
            err(str(key), f"unknown key{f'; did you mean {hint}?' if hint else ''} (expected {', '.join(allowed)})")

    rule_id = raw.get("id")
    if rule_id is None:
        err("id", "required (expected an id of lower-case letters, digits and - such as monthly-study)")
    elif not isinstance(rule_id, str) or not RULE_ID_RE.match(rule_id):
        err("id", f"expected lower-case letters, digits and - such as monthly-study, got {fmt(rule_id)}")
    elif too_long(rule_id, ID_MAX):  # it becomes an anchor and a column of the compliance CSV
        err("id", too_long(rule_id, ID_MAX))
    name = _text(raw.get("name"))
    if name is None:
        err("name", f"required (expected the duty in words such as 每月集中学习不少于2次, got {fmt(raw.get('name'))})")
    for key in ("name", "name_en", "source"):
        if too_long(raw.get(key), NAME_MAX):
            err(key, too_long(raw.get(key), NAME_MAX))
    name_en = raw.get("name_en", "")
    if not isinstance(name_en, str):
        err("name_en", f"expected text, got {fmt(name_en)}")
    source = raw.get("source", "")
    if not isinstance(source, str | int) or isinstance(source, bool):
        err("source", f"expected text such as 篇2, got {fmt(source)}")

    type_term = TYPES.get(raw.get("type"))
    if type_term is None:
        hint = did_you_mean(str(raw.get("type")), TYPES.spellings()) if "type" in raw else None
        err("type", f"{'required; ' if 'type' not in raw else ''}expected {TYPES.describe()}, "
                    f"got {fmt(raw.get('type'))}{f'; did you mean {hint}?' if hint else ''}")
    per_term = PERIODS.get(raw.get("per"))
    if per_term is None:
        err("per", f"{'required; ' if 'per' not in raw else ''}expected {PERIODS.describe()}, "
                   f"got {fmt(raw.get('per'))}")

    minimum = raw.get("min", 1)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        err("min", f"expected a whole number ≥ 1, got {fmt(minimum)}")

    months: tuple[int, ...] = ()
    if "months" in raw:
        value = raw["months"]
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        if (not isinstance(value, list) or not value
                or not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in value)):
            err("months", f"expected a list of months 1–12 such as [6, 12], got {fmt(raw['months'])}")
        elif len(set(value)) != len(value):
            err("months", f"a month appears twice (expected each month once, got {fmt(raw['months'])})")
        else:
            months = tuple(sorted(value))
            if per_term is not None and per_term.code != "month":
                err("months", f"months only go with per: month; a rule with months has one period per listed "
                              f"month (expected per: month, got per: {raw.get('per')})")

    start = None
    if raw.get("from") is not None:
        start, message = yaml_date(raw["from"])
        if message:
            err("from", message)

    applies_to: list[str] = []
    if registry is not None:
        value = raw.get("applies_to")
        items = [value] if isinstance(value, str) else value
        expected = (f"unit codes and/or unit kinds such as [{', '.join(list(registry.units)[:2])}] or "
                    f"[{', '.join(t.code for t in list(UNIT_KINDS)[:2])}]; kinds: {UNIT_KINDS.describe()}")
        if not isinstance(items, list) or not items:
            err("applies_to", f"{'required; ' if value is None else ''}expected {expected}, got {fmt(value)}")
        else:
            for i, item in enumerate(items):
                unit = registry.unit(item)
                kind = UNIT_KINDS.get(item)
                if unit is not None:
                    applies_to.append(unit.code)
                elif kind is not None:
                    applies_to.append(kind.code)
                else:
                    spellings = [*registry.units, *(u.name for u in registry.units.values()), *UNIT_KINDS.spellings()]
                    hint = did_you_mean(str(item), spellings)
                    key = f"applies_to[{i}]" if isinstance(value, list) else "applies_to"
                    err(key, f"not a unit or unit kind of archive.yml (expected a unit code or name, or a kind: "
                             f"{UNIT_KINDS.describe()}; got {fmt(item)}{f'; did you mean {hint}?' if hint else ''})")

    where: list[tuple[str, object]] = []
    if "where" in raw:
        value = raw["where"]
        if not isinstance(value, dict) or not value:
            err("where", f"expected field: value filters such as {{form: 集中学习}}, got {fmt(value)}")
            value = {}
        for where_field, wanted in value.items():
            checked = _where_value(str(where_field), wanted, type_term.code if type_term else None,
                                   lambda message, key=where_field: err(f"where.{key}", message))
            if checked is not None:
                where.append((str(where_field), checked))

    if problems:
        return None
    return Rule(
        id=rule_id, name=name, type=type_term.code, per=per_term.code, min=minimum,
        name_en=name_en.strip(), applies_to=tuple(dict.fromkeys(applies_to)), where=tuple(where),
        months=months, start=start, source=str(source).strip(),
    )


def _where_value(name: str, value: object, type_code: str | None, err: Callable[[str], None]) -> object | None:
    """One ``where:`` filter, normalised to what a Record holds (codes for vocabularies)."""
    spec = FIELDS.get(name)
    if name not in WHERE_FIELDS:
        hint = did_you_mean(name, list(WHERE_FIELDS))
        why = "the rule's own type:, applies_to: and periods fix it; " if name in ("type", "unit", "date") else ""
        err(f"not a field a rule can filter on ({why}expected one of {', '.join(WHERE_FIELDS)}, got {name}"
            f"{f'; did you mean {hint}?' if hint else ''})")
        return None
    if spec.only_types and type_code and type_code not in spec.only_types:
        kinds = " | ".join(TYPES[t].zh for t in spec.only_types)
        err(f"only {kinds} records carry {spec.zh}, so no {TYPES[type_code].zh} record could match "
            f"(expected a field of {TYPES[type_code].zh} records, got {name})")
        return None
    if isinstance(value, list | dict) or value is None:
        err(f"expected a single value to compare with, got {fmt(value)}")
        return None
    if spec.vocabulary is not None:
        term = spec.vocabulary.get(value)
        if term is None:
            err(f"expected {spec.vocabulary.describe()}, got {fmt(value)}")
            return None
        if name == "status" and term.code not in COUNTED_STATUSES:
            err(f"drafts never count (expected {' | '.join(f'{c} {STATUSES[c].zh}' for c in COUNTED_STATUSES)}, "
                f"got {fmt(value)})")
            return None
        return term.code
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            err(f"expected a whole number, got {fmt(value)}")
            return None
        return value
    if spec.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            err(f"expected a number, got {fmt(value)}")
            return None
        return value
    if not isinstance(value, str) or not value.strip():
        err(f"expected text, got {fmt(value)}")
        return None
    return value.strip()


def parse_plan_cadence(value: object, lines: dict[str, int], path: str, problems: Problems) -> list[Rule] | None:
    """A plan's ``cadence:`` list (validation.py calls this for the field); None if it has errors."""
    first_line = lines.get("cadence", 1)
    if not isinstance(value, list) or not value:
        problems.error(path, first_line, "cadence",
                       f"expected a list of rules such as - {{id: monthly-study, name: 每月集中学习不少于2次, "
                       f"type: study, per: month, min: 2}}, got {fmt(value)}")
        return None
    errors_before = problems.error_count
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(value):
        line = lines.get(f"cadence[{i}]", first_line)
        report = partial(problems.error, path, line)
        rule = parse_rule(raw, f"cadence[{i}]", report, None)
        if rule is None:
            continue
        if rule.id in seen:
            problems.error(path, line, f"cadence[{i}].id",
                           f"duplicate rule id {rule.id} (first in cadence[{seen[rule.id]}]; expected ids unique "
                           f"within the plan)")
            continue
        seen[rule.id] = i
        rules.append(replace(rule, path=path, line=line))
    return rules if problems.error_count == errors_before else None


def registry_rules(registry: Registry, problems: Problems) -> list[Rule]:
    """The valid rules of ``archive.yml``; every problem goes to ``problems``."""
    raw = registry.raw.get("cadence")
    if raw is None:
        return []

    def report(key: str, message: str) -> None:
        problems.error(registry.path, registry.line_of(key), key, message)

    if not isinstance(raw, list):
        report("cadence", f"expected a list of rules {{id, name, applies_to, type, per, min}}, got {fmt(raw)}")
        return []
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        rule = parse_rule(item, f"cadence[{i}]", report, registry)
        if rule is None:
            continue
        if rule.id in seen:
            report(f"cadence[{i}].id", f"duplicate rule id {rule.id} (first on line {seen[rule.id]}; "
                                       f"expected ids unique in archive.yml)")
            continue
        line = registry.line_of(f"cadence[{i}]")
        seen[rule.id] = line
        rules.append(replace(rule, path=registry.path, line=line))
    return rules


def plan_rules(plan: Record) -> list[Rule]:
    """A plan's rules bound to its unit and its stage range (none when the stages are not dated)."""
    if plan.type != "plan" or not plan.cadence or not plan.stages:
        return []
    first, last = plan.stages[0].start, plan.stages[-1].end
    if first is None or last is None:
        return []
    return [replace(rule, plan=plan.id, applies_to=(plan.unit,),
                    start=max(rule.start, first) if rule.start else first, end=last) for rule in plan.cadence]


def registry_exemptions(registry: Registry, rules: dict[str, Rule], problems: Problems) -> list[Exemption]:
    """The valid ``exemptions:`` of ``archive.yml``, checked against ``rules`` (by key)."""
    raw = registry.raw.get("exemptions")
    if raw is None:
        return []

    def report(key: str, message: str) -> None:
        problems.error(registry.path, registry.line_of(key), key, message)

    if not isinstance(raw, list):
        report("exemptions", f"expected a list of {{unit, rule, period, reason}}, got {fmt(raw)}")
        return []
    found: list[Exemption] = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, item in enumerate(raw):
        exemption = parse_exemption(item, f"exemptions[{i}]", registry, rules, report)
        if exemption is None:
            continue
        key = (exemption.unit, exemption.rule, exemption.period)
        if key in seen:
            report(f"exemptions[{i}]", f"duplicate exemption of {key[0]} from {key[1]} in {key[2]} (first on line "
                                       f"{seen[key]}; expected one exemption per unit, rule and period)")
            continue
        seen[key] = exemption.line
        found.append(exemption)
    return found


def parse_exemption(item: object, prefix: str, registry: Registry, rules: dict[str, Rule],
                    report: Report) -> Exemption | None:
    """One exemption ``{unit, rule, period, reason}``; None (with problems reported) if it is wrong."""
    if not isinstance(item, dict):
        report(prefix, f"expected {{unit, rule, period, reason}}, got {fmt(item)}")
        return None
    errors: list[tuple[str, str]] = []
    for key in item:
        if key not in EXEMPTION_KEYS:
            hint = did_you_mean(str(key), list(EXEMPTION_KEYS))
            errors.append((str(key), f"unknown key{f'; did you mean {hint}?' if hint else ''} "
                                     f"(expected {', '.join(EXEMPTION_KEYS)})"))
    unit = registry.unit(item.get("unit"))
    if unit is None:
        hint = did_you_mean(str(item.get("unit")), [*registry.units, *(u.name for u in registry.units.values())])
        errors.append(("unit", f"not a unit of archive.yml (expected a unit code or its exact Chinese name, "
                               f"got {fmt(item.get('unit'))}{f'; did you mean {hint}?' if hint else ''})"))
    rule = rules.get(item.get("rule")) if isinstance(item.get("rule"), str) else None
    if rule is None:
        shown = " | ".join(list(rules)[:8]) + (" | …" if len(rules) > 8 else "")
        hint = did_you_mean(str(item.get("rule")), list(rules))
        errors.append(("rule", f"not the id of a cadence rule (expected {shown or 'a rule id'}, "
                               f"got {fmt(item.get('rule'))}{f'; did you mean {hint}?' if hint else ''})"))
    elif unit is not None and not rule.applies(unit):
        applicable = ", ".join(code for code, u in registry.units.items() if rule.applies(u))
        errors.append(("unit", f"rule {rule.key} does not apply to {unit.code} "
                               f"(expected one of {applicable}, got {unit.code})"))
    period = None
    if rule is not None:
        period = parse_period(rule.per, item.get("period"))
        if period is None:
            errors.append(("period", f"not a period of {PER_ADJECTIVE[rule.per]} rule {rule.key} "
                                     f"(expected {PERIOD_KEY_EXAMPLE[rule.per]}, got {fmt(item.get('period'))})"))
        elif rule.months and period.start.month not in rule.months:
            errors.append(("period", f"rule {rule.key} counts only months {', '.join(map(str, rule.months))} "
                                     f"(expected one of {' | '.join(f'{period.year}-{m:02d}' for m in rule.months)}, "
                                     f"got {period.key})"))
    reason = _text(item.get("reason"))
    if reason is None:
        errors.append(("reason", f"required: why the period is exempt (expected text such as 暑假, "
                                 f"got {fmt(item.get('reason'))})"))
    elif too_long(reason, NAME_MAX):
        errors.append(("reason", too_long(reason, NAME_MAX)))
    for key, message in errors:
        report(f"{prefix}.{key}", message)
    if errors:
        return None
    return Exemption(unit.code, rule.key, period.key, reason, registry.line_of(prefix))


def collect(registry: Registry, records: list[Record], problems: Problems) -> tuple[list[Rule], list[Exemption]]:
    """Every valid rule (the registry's, then the plans' by date) and exemption; problems reported.
    ``load_archive`` calls this once and keeps the result on the ``Archive``."""
    rules = registry_rules(registry, problems)
    for record in records:
        if record.type != "plan" or not record.cadence:
            continue
        bound = plan_rules(record)
        if not bound:
            first, last = record.stages[0], record.stages[-1]
            missing = [f"no start for {first.name}"] * (first.start is None) + [f"no end for {last.name}"] * (
                last.end is None)
            problems.error(
                record.path, record.line("cadence"), "cadence",
                f"a plan's rules run from its first stage's start to its last stage's end (expected dated stages "
                f"- {{name: …, start: YYYY-MM-DD, end: YYYY-MM-DD}}, got {' and '.join(missing)})",
            )
        rules.extend(bound)
    by_key = {rule.key: rule for rule in rules}
    return rules, registry_exemptions(registry, by_key, problems)


# --- evaluation ---------------------------------------------------------------------------
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


# --- what pages, the CSV file and the command line show -------------------------------------------
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
        return f"{short} short" if lang == "en" else f"差 {short} 件"
    if cell.status == "in_progress":
        return f"as of {today.isoformat()}" if lang == "en" else f"截至 {today.isoformat()}"
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
    return (f"{unit.code} {unit.label(lang)} | {gap.rule.key} {gap.rule.label(lang)} | {gap.period.key} | "
            f"{gap.cell.count}/{gap.cell.min}")
