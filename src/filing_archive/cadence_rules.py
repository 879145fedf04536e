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

from .fields import fmt, kind_of, suggestion, unknown_key, yaml_date
from .messages import Bilingual, Message, message
from .periods import MONTH_ABBR_EN, PERIODS, parse_period
from .problems import Problems
from .records import Record
from .registry import Registry, Unit, one_of
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


Report = Callable[..., None]  # (dotted key, code or message, **its arguments)


def _required(missing: bool) -> Message | str:
    """"required; " before "expected …" when the key is not there at all."""
    return message("part.cadence-required") if missing else ""


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_rule(raw: object, prefix: str, report: Report, registry: Registry | None) -> Rule | None:
    """Check one rule; ``registry`` is None for a plan's rule (which has no ``applies_to``).

    Every problem goes to ``report(key, message)`` with keys like ``cadence[0].per``; returns the
    rule only if it has none.
    """
    problems = 0

    def err(key: str, code: Message | str, **args: object) -> None:
        nonlocal problems
        problems += 1
        report(f"{prefix}.{key}" if key else prefix, code, **args)

    if not isinstance(raw, dict):
        err("", "E-cadence-rule-bad", got=fmt(raw))
        return None
    allowed = RULE_KEYS if registry is not None else tuple(k for k in RULE_KEYS if k != "applies_to")
    for key in raw:
        if key == "applies_to" and registry is None:
            err(key, "E-cadence-plan-applies-to")
        elif key not in allowed:
            err(str(key), unknown_key(key, allowed))

    rule_id = raw.get("id")
    if rule_id is None:
        err("id", "E-cadence-id-missing")
    elif not isinstance(rule_id, str) or not RULE_ID_RE.match(rule_id):
        err("id", "E-cadence-id-bad", got=fmt(rule_id))
    elif too_long(rule_id, ID_MAX):  # it becomes an anchor and a column of the compliance CSV
        err("id", too_long(rule_id, ID_MAX))
    name = _text(raw.get("name"))
    if name is None:
        err("name", "E-cadence-name-missing", got=fmt(raw.get("name")))
    for key in ("name", "name_en", "source"):
        if too_long(raw.get(key), NAME_MAX):
            err(key, too_long(raw.get(key), NAME_MAX))
    name_en = raw.get("name_en", "")
    if not isinstance(name_en, str):
        err("name_en", "E-registry-text-bad", got=fmt(name_en))
    source = raw.get("source", "")
    if not isinstance(source, str | int) or isinstance(source, bool):
        err("source", "E-cadence-source-bad", got=fmt(source))

    type_term = TYPES.get(raw.get("type"))
    if type_term is None:
        hint = suggestion(str(raw.get("type")), TYPES.spellings()) if "type" in raw else ""
        err("type", "E-registry-term-bad", required=_required("type" not in raw), expected=one_of(TYPES),
            got=fmt(raw.get("type")), suggestion=hint)
    per_term = PERIODS.get(raw.get("per"))
    if per_term is None:
        err("per", "E-registry-term-bad", required=_required("per" not in raw), expected=one_of(PERIODS),
            got=fmt(raw.get("per")), suggestion="")

    minimum = raw.get("min", 1)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        err("min", "E-cadence-min-bad", got=fmt(minimum))

    months: tuple[int, ...] = ()
    if "months" in raw:
        value = raw["months"]
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        if (not isinstance(value, list) or not value
                or not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in value)):
            err("months", "E-cadence-months-bad", got=fmt(raw["months"]))
        elif len(set(value)) != len(value):
            err("months", "E-cadence-month-twice", got=fmt(raw["months"]))
        else:
            months = tuple(sorted(value))
            if per_term is not None and per_term.code != "month":
                err("months", "E-cadence-months-per", per=raw.get("per"))

    start = None
    if raw.get("from") is not None:
        start, message = yaml_date(raw["from"])
        if message:
            err("from", message)

    applies_to: list[str] = []
    if registry is not None:
        value = raw.get("applies_to")
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            err("applies_to", "E-cadence-applies-to-bad", required=_required(value is None),
                units=list(registry.units)[:2], kinds=[t.code for t in list(UNIT_KINDS)[:2]],
                all_kinds=one_of(UNIT_KINDS), got=fmt(value))
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
                    key = f"applies_to[{i}]" if isinstance(value, list) else "applies_to"
                    err(key, "E-cadence-applies-to-unknown", kinds=one_of(UNIT_KINDS), got=fmt(item),
                        suggestion=suggestion(str(item), spellings))

    where: list[tuple[str, object]] = []
    if "where" in raw:
        value = raw["where"]
        if not isinstance(value, dict) or not value:
            err("where", "E-cadence-where-bad", got=fmt(value))
            value = {}
        for where_field, wanted in value.items():
            checked = _where_value(str(where_field), wanted, type_term.code if type_term else None,
                                   lambda code, key=where_field, **args: err(f"where.{key}", code, **args))
            if checked is not None:
                where.append((str(where_field), checked))

    if problems:
        return None
    return Rule(
        id=rule_id, name=name, type=type_term.code, per=per_term.code, min=minimum,
        name_en=name_en.strip(), applies_to=tuple(dict.fromkeys(applies_to)), where=tuple(where),
        months=months, start=start, source=str(source).strip(),
    )


def _where_value(name: str, value: object, type_code: str | None, err: Callable[..., None]) -> object | None:
    """One ``where:`` filter, normalised to what a Record holds (codes for vocabularies): one value
    of the field's kind, read as ``fields.py`` reads it in a record."""
    spec = FIELDS.get(name)
    if name not in WHERE_FIELDS:
        why = message("part.cadence-where-fixed") if name in ("type", "unit", "date") else ""
        err("E-cadence-where-field-bad", why=why, allowed=list(WHERE_FIELDS), name=name,
            suggestion=suggestion(name, list(WHERE_FIELDS)))
        return None
    if spec.only_types and type_code and type_code not in spec.only_types:
        err("E-cadence-where-field-type", kinds=[TYPES[t].zh for t in spec.only_types], label=spec.zh,
            type=TYPES[type_code].zh, name=name)
        return None
    if isinstance(value, list | dict) or value is None:
        err("E-cadence-where-value-bad", got=fmt(value))
        return None
    checked, problem = kind_of(spec).where_kind.parse(spec, value)
    if problem:
        err(problem)
        return None
    if name == "status" and checked not in COUNTED_STATUSES:
        err("E-cadence-where-draft", expected=[Bilingual(STATUSES[c].zh, f"{c} {STATUSES[c].zh}")
                                               for c in COUNTED_STATUSES], got=fmt(value))
        return None
    return checked


def parse_plan_cadence(value: object, lines: dict[str, int], path: str, problems: Problems) -> list[Rule] | None:
    """A plan's ``cadence:`` list (record_checker.py calls this for the field); None if it has errors."""
    first_line = lines.get("cadence", 1)
    if not isinstance(value, list) or not value:
        problems.error(path, first_line, "cadence", "E-cadence-plan-list-bad", got=fmt(value))
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
            problems.error(path, line, f"cadence[{i}].id", "E-cadence-plan-id-twice", id=rule.id, first=seen[rule.id])
            continue
        seen[rule.id] = i
        rules.append(replace(rule, path=path, line=line))
    return rules if problems.error_count == errors_before else None


def registry_rules(registry: Registry, problems: Problems) -> list[Rule]:
    """The valid rules of ``archive.yml``; every problem goes to ``problems``."""
    raw = registry.raw.get("cadence")
    if raw is None:
        return []

    def report(key: str, code: Message | str, **args: object) -> None:
        problems.error(registry.path, registry.line_of(key), key, code, **args)

    if not isinstance(raw, list):
        report("cadence", "E-cadence-list-bad", got=fmt(raw))
        return []
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        rule = parse_rule(item, f"cadence[{i}]", report, registry)
        if rule is None:
            continue
        if rule.id in seen:
            report(f"cadence[{i}].id", "E-cadence-id-twice", id=rule.id, first=seen[rule.id])
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

    def report(key: str, code: Message | str, **args: object) -> None:
        problems.error(registry.path, registry.line_of(key), key, code, **args)

    if not isinstance(raw, list):
        report("exemptions", "E-exemptions-list-bad", got=fmt(raw))
        return []
    found: list[Exemption] = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, item in enumerate(raw):
        exemption = parse_exemption(item, f"exemptions[{i}]", registry, rules, report)
        if exemption is None:
            continue
        key = (exemption.unit, exemption.rule, exemption.period)
        if key in seen:
            report(f"exemptions[{i}]", "E-exemption-twice", unit=key[0], rule=key[1], period=key[2], first=seen[key])
            continue
        seen[key] = exemption.line
        found.append(exemption)
    return found


def parse_exemption(item: object, prefix: str, registry: Registry, rules: dict[str, Rule],
                    report: Report) -> Exemption | None:
    """One exemption ``{unit, rule, period, reason}``; None (with problems reported) if it is wrong."""
    if not isinstance(item, dict):
        report(prefix, "E-exemption-bad", got=fmt(item))
        return None
    errors: list[tuple[str, Message | str]] = []
    for key in item:
        if key not in EXEMPTION_KEYS:
            errors.append((str(key), unknown_key(key, EXEMPTION_KEYS)))
    unit = registry.unit(item.get("unit"))
    if unit is None:
        hint = suggestion(str(item.get("unit")), [*registry.units, *(u.name for u in registry.units.values())])
        errors.append(("unit", message("E-registry-unit-unknown", got=fmt(item.get("unit")), suggestion=hint)))
    rule = rules.get(item.get("rule")) if isinstance(item.get("rule"), str) else None
    if rule is None:
        shown = message("part.one-of", terms=list(rules)[:8] + ["…"] * (len(rules) > 8)) if rules else (
            message("part.cadence-a-rule-id"))
        errors.append(("rule", message("E-exemption-rule-unknown", expected=shown, got=fmt(item.get("rule")),
                                       suggestion=suggestion(str(item.get("rule")), list(rules)))))
    elif unit is not None and not rule.applies(unit):
        applicable = [code for code, u in registry.units.items() if rule.applies(u)]
        errors.append(("unit", message("E-exemption-rule-elsewhere", rule=rule.key, unit=unit.code,
                                       applicable=applicable)))
    period = None
    if rule is not None:
        period = parse_period(rule.per, item.get("period"))
        if period is None:
            errors.append(("period", message("E-exemption-period-bad", per=message(f"part.cadence-per-{rule.per}"),
                                             rule=rule.key, example=message(f"part.cadence-period-{rule.per}"),
                                             got=fmt(item.get("period")))))
        elif rule.months and period.start.month not in rule.months:
            errors.append(("period", message("E-exemption-month-bad", rule=rule.key, months=list(rule.months),
                                             periods=[f"{period.year}-{m:02d}" for m in rule.months],
                                             got=period.key)))
    reason = _text(item.get("reason"))
    if reason is None:
        errors.append(("reason", message("E-exemption-reason-missing", got=fmt(item.get("reason")))))
    elif too_long(reason, NAME_MAX):
        errors.append(("reason", too_long(reason, NAME_MAX)))
    for key, problem in errors:
        report(f"{prefix}.{key}", problem)
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
            missing = (message("part.cadence-no-start-end", first=first.name, last=last.name)
                       if first.start is None and last.end is None else
                       message("part.cadence-no-start", stage=first.name) if first.start is None else
                       message("part.cadence-no-end", stage=last.name))
            problems.error(record.path, record.line("cadence"), "cadence", "E-cadence-plan-undated", missing=missing)
        rules.extend(bound)
    by_key = {rule.key: rule for rule in rules}
    return rules, registry_exemptions(registry, by_key, problems)

