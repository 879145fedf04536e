"""保管期限表: the retention schedule of ``archive.yml`` (``retention_schedule:``), checked, and
the entry that covers a record.

An entry maps a 文种 (and optionally 主题词, a unit kind or one unit) to 永久 / 30年 / 10年, with
its item number (条目号) and wording. The most specific matching entry wins: one naming a unit
beats one naming a unit kind, which beats one naming neither; at the same level one with
keywords beats one without. Between equally specific entries the longer retention wins (when in
doubt an archive keeps longer), then the one written first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .fields import fmt, suggestion, unknown_key
from .messages import Message, message
from .problems import Problems
from .records import Record
from .registry import Registry, Unit, one_line, one_of
from .schema import LIST_MAX, RETENTION, TITLE_MAX, TYPES, UNIT_KINDS, in_language, too_long

SCHEDULE_KEY = "retention_schedule"
ENTRY_KEYS = ("item", "type", "keywords", "kind", "unit", "retention", "wording", "wording_en")
ENTRIES_MAX = 200  # a schedule of a few dozen lines is usual; the bound keeps a hostile file cheap
ITEM_MAX = 20
ITEM_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]*\Z")  # 1, 3.2, 2-1: it becomes an anchor
KEYWORD_MAX = 30
RETENTION_RANK = {"10年": 1, "30年": 2, "永久": 3}


@dataclass(frozen=True)
class Entry:
    """One line of the schedule, normalised (codes, not aliases)."""

    item: str
    type: str
    retention: str
    wording: str
    wording_en: str = ""
    keywords: tuple[str, ...] = ()
    kind: str | None = None
    unit: str | None = None
    line: int = 0
    order: int = 0  # its place in archive.yml

    def label(self, lang: str) -> str:
        return in_language(lang, self.wording, self.wording_en)

    @property
    def specificity(self) -> int:
        return 4 * (self.unit is not None) + 2 * (self.kind is not None) + (1 if self.keywords else 0)

    def matches(self, record_type: str, keywords: list[str], unit: Unit | None) -> bool:
        if record_type != self.type:
            return False
        if self.unit is not None and (unit is None or unit.code != self.unit):
            return False
        if self.kind is not None and (unit is None or unit.kind != self.kind):
            return False
        return not self.keywords or any(k in keywords for k in self.keywords)

    def describe(self) -> Message:
        """``item 2 年度工作总结 (总结) → 永久``: how messages name an entry."""
        scope = [TYPES[self.type].zh]
        if self.unit:
            scope.append(self.unit)
        if self.kind:
            scope.append(UNIT_KINDS[self.kind].zh)
        if self.keywords:
            scope.append(message("part.schedule-keywords", keywords="/".join(self.keywords)))
        return message("part.schedule-entry", item=self.item, wording=self.wording, scope=scope,
                       retention=self.retention)


def entry_for(schedule: list[Entry], record_type: str, keywords: list[str], unit: Unit | None) -> Entry | None:
    """The entry that covers a record of this type, keywords and unit (the rule in the docstring)."""
    found = [e for e in schedule if e.matches(record_type, keywords, unit)]
    if not found:
        return None
    return max(found, key=lambda e: (e.specificity, RETENTION_RANK[e.retention], -e.order))


def record_entry(schedule: list[Entry], record: Record, registry: Registry) -> Entry | None:
    return entry_for(schedule, record.type, record.keywords, registry.units.get(record.unit))


def entries_listed(schedule: list[Entry]) -> Message:
    """Every entry, for the refusal of a filing that none covers ("a; b; c", each language's way)."""
    if not schedule:
        return message("part.schedule-empty")
    listed = schedule[-1].describe()
    for entry in reversed(schedule[:-1]):
        listed = message("part.schedule-entries", entry=entry.describe(), rest=listed)
    return listed


def departure_message(entry: Entry, retention: str) -> Message:
    return message("W-retention-departs", retention=retention, entry=entry.describe(), expected=entry.retention)


def check_departures(schedule: list[Entry], records: list[Record], registry: Registry, problems: Problems) -> None:
    """A warning on each record whose retention is not its schedule entry's: for ``archive check``
    (and the schedule page) only, like ``older_contract_warnings``: a retention decided before the
    schedule said otherwise must not stop a ``--strict`` build that passed yesterday."""
    for record in records:
        if record.retention is None:
            continue
        entry = record_entry(schedule, record, registry)
        if entry is not None and entry.retention != record.retention:
            problems.warning(record.path, record.line("retention"), "retention",
                             departure_message(entry, record.retention))


def load_schedule(registry: Registry, problems: Problems) -> list[Entry]:
    """The valid entries of ``retention_schedule:``; every problem goes to ``problems``."""
    raw = registry.raw.get(SCHEDULE_KEY)
    if raw is None:
        return []

    def report(key: str, code: Message | str, **args: object) -> None:
        problems.error(registry.path, registry.line_of(key), key, code, **args)

    if not isinstance(raw, list):
        report(SCHEDULE_KEY, "E-schedule-list-bad", got=fmt(raw))
        return []
    if len(raw) > ENTRIES_MAX:
        report(SCHEDULE_KEY, "E-schedule-many", limit=ENTRIES_MAX, count=len(raw))
        return []
    entries: list[Entry] = []
    items: dict[str, int] = {}
    scopes: dict[tuple, Entry] = {}
    for i, item in enumerate(raw):
        prefix = f"{SCHEDULE_KEY}[{i}]"
        entry = parse_entry(item, prefix, registry, lambda key, code, p=prefix, **args: report(
            f"{p}.{key}" if key else p, code, **args))
        if entry is None:
            continue
        entry = Entry(**{**entry.__dict__, "line": registry.line_of(prefix), "order": i})
        if entry.item in items:
            report(f"{prefix}.item", "E-schedule-item-twice", item=entry.item, first=items[entry.item])
            continue
        scope = (entry.type, frozenset(entry.keywords), entry.kind, entry.unit)
        if scope in scopes:
            first = scopes[scope]
            report(prefix, "E-schedule-scope-twice", item=first.item, first=first.line)
            continue
        items[entry.item] = entry.line
        scopes[scope] = entry
        entries.append(entry)
    return entries


def _required(missing: bool) -> Message | str:
    return message("part.cadence-required") if missing else ""


def parse_entry(raw: object, prefix: str, registry: Registry, report) -> Entry | None:
    """One entry; None (with each problem reported by key) when it is wrong."""
    if not isinstance(raw, dict):
        report("", "E-schedule-entry-bad", got=fmt(raw))
        return None
    errors: list[tuple[str, Message | str]] = []
    for key in raw:
        if key not in ENTRY_KEYS:
            errors.append((str(key), unknown_key(key, ENTRY_KEYS)))
    item = raw.get("item")
    item = str(item) if isinstance(item, int) and not isinstance(item, bool) else item
    if not isinstance(item, str) or not ITEM_RE.match(item) or len(item) > ITEM_MAX:
        # 3.10 read as a number would be 3.1: a dotted number must be quoted ('3.10') to stay itself
        quote = message("part.schedule-quote-number") if isinstance(item, float) else ""
        errors.append(("item", message("E-schedule-item-bad", required=_required("item" not in raw), limit=ITEM_MAX,
                                       quote=quote, got=fmt(raw.get("item")))))
    type_term = TYPES.get(raw.get("type"))
    if type_term is None:
        hint = suggestion(str(raw.get("type")), TYPES.spellings()) if "type" in raw else ""
        errors.append(("type", message("E-registry-term-bad", required=_required("type" not in raw),
                                       expected=one_of(TYPES), got=fmt(raw.get("type")), suggestion=hint)))
    retention = RETENTION.get(raw.get("retention"))
    if retention is None:
        errors.append(("retention", message("E-registry-term-bad", required=_required("retention" not in raw),
                                            expected=one_of(RETENTION), got=fmt(raw.get("retention")),
                                            suggestion="")))
    texts: dict[str, str] = {}
    for key in ("wording", "wording_en"):
        value = raw.get(key, "" if key == "wording_en" else None)
        if not isinstance(value, str) or (key == "wording" and not value.strip()):
            errors.append((key, message("E-schedule-wording-bad", got=fmt(value),
                                        required=message("part.schedule-required") if key not in raw else "")))
        elif too_long(value, TITLE_MAX):
            errors.append((key, too_long(value, TITLE_MAX)))
        elif not one_line(value):
            errors.append((key, message("E-schedule-one-line", got=fmt(value))))
        else:
            texts[key] = value.strip()
    keywords: list[str] = []
    if "keywords" in raw:
        value = raw["keywords"]
        value = [value] if isinstance(value, str) else value
        if (not isinstance(value, list) or not value or len(value) > LIST_MAX
                or not all(isinstance(k, str) and k.strip() and len(k) <= KEYWORD_MAX and one_line(k)
                           for k in value)):
            errors.append(("keywords", message("E-schedule-keywords-bad", limit=LIST_MAX, length=KEYWORD_MAX,
                                               got=fmt(raw["keywords"]))))
        else:
            keywords = [k.strip() for k in value]
    kind = unit = None
    if "kind" in raw and "unit" in raw:
        errors.append(("unit", message("E-schedule-kind-and-unit")))
    elif "kind" in raw:
        term = UNIT_KINDS.get(raw["kind"])
        if term is None:
            errors.append(("kind", message("E-registry-unit-kind-bad", expected=one_of(UNIT_KINDS),
                                           got=fmt(raw["kind"]))))
        else:
            kind = term.code
    elif "unit" in raw:
        found = registry.unit(raw["unit"])
        if found is None:
            hint = suggestion(str(raw["unit"]), [*registry.units, *(u.name for u in registry.units.values())])
            errors.append(("unit", message("E-registry-unit-unknown", got=fmt(raw["unit"]), suggestion=hint)))
        else:
            unit = found.code
    for key, problem in errors:
        report(key, problem)
    if errors:
        return None
    return Entry(item=item, type=type_term.code, retention=retention.code, wording=texts["wording"],
                 wording_en=texts.get("wording_en", ""), keywords=tuple(keywords), kind=kind, unit=unit)
