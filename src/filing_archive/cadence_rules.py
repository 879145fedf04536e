"""Cadence rules: the recurring duties of units, as ``archive.yml`` (``cadence:``, with
``exemptions:``) and a plan's own front-matter (``cadence:``) declare them, checked and normalised.

A rule says "a unit of these kinds keeps at least ``min`` records of this type every month
(quarter, half-year, year)". A plan's rule applies to the plan's unit, between the start of its
first stage and the end of its last (or its ``from:``, if later). A rule with ``months:`` must
count per month; it has periods only in those months. A ``where:`` filter names a field a record
carries and one value of it (of the field's kind, ``fields.py``); a list field such as
``keywords`` matches when it contains the value. ``compliance.py`` evaluates the rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial

from .fields import did_you_mean, fmt, kind_of, unknown_key, yaml_date
from .periods import MONTH_ABBR_EN, PER_ADJECTIVE, PERIOD_KEY_EXAMPLE, PERIODS, parse_period
from .problems import Problems
from .records import Record
from .registry import Registry, Unit
from .schema import COUNTED_STATUSES, FIELDS, ID_MAX, NAME_MAX, STATUSES, TYPES, UNIT_KINDS, in_language, too_long

RULE_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # \Z: "$" would accept a trailing newline
RULE_KEYS = ("id", "name", "name_en", "applies_to", "type", "where", "per", "min", "months", "from", "source")
EXEMPTION_KEYS = ("unit", "rule", "period", "reason")
# Fields a rule may filter on: what a record says about itself (each is an attribute of Record),
# not what the rule fixes already (unit, type, date) nor what no two records share.
WHERE_FIELDS = ("status", "secrecy", "retention", "responsible", "keywords", "plan", "stage", "form", "host",
                "attendees", "hours", "issue")


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
        return in_language(lang, self.name, self.name_en)

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
            err(str(key), unknown_key(key, allowed))

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
    """One ``where:`` filter, normalised to what a Record holds (codes for vocabularies): one value
    of the field's kind, read as ``fields.py`` reads it in a record."""
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
    checked, problem = kind_of(spec).where_kind.parse(spec, value)
    if problem:
        err(problem)
        return None
    if name == "status" and checked not in COUNTED_STATUSES:
        err(f"drafts never count (expected {' | '.join(f'{c} {STATUSES[c].zh}' for c in COUNTED_STATUSES)}, "
            f"got {fmt(value)})")
        return None
    return checked


def parse_plan_cadence(value: object, lines: dict[str, int], path: str, problems: Problems) -> list[Rule] | None:
    """A plan's ``cadence:`` list (record_checker.py calls this for the field); None if it has errors."""
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
            errors.append((str(key), unknown_key(key, EXEMPTION_KEYS)))
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

