"""The kinds of front-matter value: what each kind accepts, the typed value it gives, and what
"expected …" says of it.

``schema.FIELDS`` names each field's kind; ``KINDS`` holds one small class per kind. The record
checker (``record_checker.py``) and the ``where:`` filters of cadence rules (``cadence_rules.py``)
both read values through these, so a value is read one way wherever it is written. The words
every message about a value uses (``fmt``, ``did_you_mean``) and the one reading of dates are
here too.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from datetime import date, datetime
from typing import Protocol

import yaml

from .frontmatter import InvalidScalar
from .messages import Message, message
from .problems import clip
from .records import ARCHIVE_NO_RE, Stage
from .registry import Registry
from .schema import FieldSpec, stage_name_problem, too_long
from .secrecy import grade_at_start, marking_in

# \Z, not $: "$" also matches before a trailing newline (an id "plan\n" would make dead links).
ID_RE = re.compile(r"^[a-z0-9-]+\Z")
DOC_NO_RE = re.compile(r"^(?P<org>[^\s〔〕\[\]()（）【】［］第]+)〔(?P<year>\d{4})〕(?P<num>[1-9]\d*)号\Z")
DOC_NO_LOOSE_RE = re.compile(
    r"^(?P<org>.*?)\s*[〔\[［(（【]\s*(?P<year>\d{4})\s*[〕\]］)）】]\s*第?\s*(?P<num>\d+)\s*号$"
)


def did_you_mean(value: str, choices: list[str]) -> str | None:
    match = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return match[0] if match else None


def suggestion(value: str, choices: list[str]) -> Message | str:
    """"; did you mean X?" for a message's ``{suggestion}``, or nothing when no choice is near."""
    hint = did_you_mean(value, choices)
    return message("part.did-you-mean", hint=hint) if hint else ""


def in_turn(parts: list[Message]) -> Message:
    """Several findings said in one message, in turn: ``a; b; c`` (zh ``甲；乙；丙``)."""
    return functools.reduce(lambda first, rest: message("part.then", first=first, rest=rest), parts)


class _ShownDumper(yaml.SafeDumper):
    """Writes a value as staff wrote it; a scalar YAML read but could not construct (a date
    2023-02-30, a number too large) is written as its text instead of stopping the dump."""


_ShownDumper.add_multi_representer(object, lambda dumper, value: dumper.represent_str(str(value)))


def unknown_key(key: object, allowed: tuple[str, ...] | list[str]) -> Message:
    """The message for a key a mapping of archive.yml does not take, with the nearest one it does."""
    return message("E-key-unknown", suggestion=suggestion(str(key), list(allowed)), allowed=list(allowed))


def fmt(value: object) -> Message | str:
    """A value as staff wrote it (YAML flow style), for "got ..." in messages; a value with
    nothing to show is named in words (a Message, shown in the reader's language)."""
    if isinstance(value, str):
        if value.strip():
            return clip(value)
        return message("part.value.spaces") if value else message("part.value.empty")
    if value is None:
        return message("part.value.nothing")
    if isinstance(value, (list, dict)):
        return clip(yaml.dump(value, Dumper=_ShownDumper, default_flow_style=True, allow_unicode=True,
                              width=1000).strip())
    return clip(str(value))


def yaml_date(value: object) -> tuple[date | None, Message | None]:
    """A date as YAML gives it (a date, or text ``YYYY-MM-DD``), or what is wrong with it.

    The one reading of dates for records, plan stages and cadence rules."""
    if isinstance(value, InvalidScalar):
        return None, message("E-date-not-real", got=value.text)
    if isinstance(value, datetime):
        return None, message("E-date-with-time", got=str(value))
    if isinstance(value, date):
        return value, None
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
        try:
            return date.fromisoformat(value.strip()), None
        except ValueError:
            return None, message("E-date-not-real", got=value.strip())
    return None, message("E-value-invalid", expected=message("part.expected.date"), got=fmt(value))


def secret_grade(value: str) -> str | None:
    """The secret grade a 密级 value names, if any (秘密, 机密★, 绝密★长期, （秘密）, 秘　密 ...)."""
    return grade_at_start(value) or marking_in(value)


def doc_no_parts(value: str) -> tuple[str, int, int] | None:
    """A valid 文号 as (机关代字, year, number), the key two 文号 are the same by: compared as read
    (NFKC, so full-width digits and compatibility ideographs are the characters they stand for)
    and without invisible characters (a zero-width space, a variation selector), so a 文号 cannot be
    written to look different and slip past the duplicate check. None when it is not valid."""
    m = DOC_NO_RE.match(value)
    if not m:
        return None
    org = "".join(ch for ch in unicodedata.normalize("NFKC", m["org"])
                  if unicodedata.category(ch)[0] not in "CZ" and unicodedata.category(ch) not in ("Mn", "Me"))
    return org, int(m["year"]), int(m["num"])


def doc_no_correction(value: str) -> str | None:
    """The GB/T 9704 form of a near-correct 文号, or None when it is not recognisable."""
    m = DOC_NO_LOOSE_RE.match(value.strip())
    if not m or not m["org"] or int(m["num"]) == 0:
        return None
    return f"{m['org'].strip()}〔{m['year']}〕{int(m['num'])}号"


# The typed value, or what is wrong with the value (the message after "field: "). Both None: the
# check reported its problems itself (a list's items, each on its own line).
Checked = tuple[object | None, Message | None]


class FieldReport(Protocol):
    """Where a record's field reports what is not the one problem of its value: a near-miss read
    with a warning, and the problems of a list's items (each with its own key and line)."""

    registry: Registry

    def warning(self, message: Message) -> None: ...

    def item_error(self, index: int, message: Message) -> None: ...

    def item_warning(self, index: int, message: Message) -> None: ...


class Kind:
    """One kind of value. ``parse`` reads a value alone, as a ``where:`` filter compares it;
    ``check`` reads a record's field (by default ``parse``; some kinds add the field's limits)."""

    name = ""
    reads_unreadable = False  # True: the kind says itself why YAML could not read the value

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        raise NotImplementedError

    def parse(self, spec: FieldSpec, value: object) -> Checked:
        raise NotImplementedError

    def check(self, spec: FieldSpec, value: object, report: FieldReport) -> Checked:
        return self.parse(spec, value)

    @property
    def where_kind(self) -> Kind:
        """What one value of a cadence ``where:`` filter on a field of this kind must be."""
        return TEXT

    def problem(self, spec: FieldSpec, value: object) -> Checked:
        return None, message("E-value-invalid", expected=self.expected(spec), got=fmt(value))


class Text(Kind):
    name = "text"

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        return message("part.expected.text")

    def parse(self, spec: FieldSpec, value: object) -> Checked:
        if not isinstance(value, str) or not value.strip():
            return self.problem(spec, value)
        return value.strip(), None


TEXT = Text()


class TextList(Kind):
    """A list of texts, each at most ``max_length`` characters; a filter compares one item."""

    name = "text_list"

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        return message("part.expected.text-list")

    def parse(self, spec: FieldSpec, value: object) -> Checked:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return self.problem(spec, value)
        return [v.strip() for v in value], None

    def check(self, spec: FieldSpec, value: object, report: FieldReport) -> Checked:
        items, problem = self.parse(spec, value)
        if problem:
            return None, problem
        long = [(i, v) for i, v in enumerate(value) if spec.max_length and len(v) > spec.max_length]
        for i, item in long:
            report.item_error(i, too_long(item, spec.max_length))
        return (None if long else items), None


class Vocab(Kind):
    """A term of the field's vocabulary, by code or Chinese label; the value is the code."""

    name = "vocab"

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        return spec.vocabulary.one_of() if spec.vocabulary else message("part.one-of", terms=[])

    def parse(self, spec: FieldSpec, value: object) -> Checked:
        term = spec.vocabulary.get(value)
        return (term.code, None) if term else self.problem(spec, value)

    def check(self, spec: FieldSpec, value: object, report: FieldReport) -> Checked:
        vocabulary = spec.vocabulary
        if vocabulary.get(value) is None and isinstance(value, str) and vocabulary.near_miss:
            hint = did_you_mean(value, vocabulary.spellings())
            if hint:
                report.warning(message("W-value-near-miss", value=value, hint=hint, expected=vocabulary.one_of()))
                return vocabulary.get(hint).code, None
        return self.parse(spec, value)

    @property
    def where_kind(self) -> Kind:
        return self  # a filter takes no near miss: it would silently match nothing


class Secrecy(Vocab):
    """公开 or 内部: a secret grade (秘密, 机密, 绝密 in any spelling) stops the file."""

    name = "secrecy"

    def check(self, spec: FieldSpec, value: object, report: FieldReport) -> Checked:
        if isinstance(value, str) and secret_grade(value):
            return None, message("E-secret-grade", grade=secret_grade(value), expected=self.expected(spec),
                                 got=value)
        return super().check(spec, value, report)


class UnitKind(Kind):
    """A unit of ``archive.yml``, by code or exact Chinese name; the value is the code."""

    name = "unit"

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        return message("part.expected.unit", units=list(registry.units)[:3] if registry else [])

    def check(self, spec: FieldSpec, value: object, report: FieldReport) -> Checked:
        registry = report.registry
        unit = registry.unit(value)
        if unit is None:
            near = suggestion(str(value), [*registry.units, *(u.name for u in registry.units.values())])
            return None, message("E-unit-unknown", got=fmt(value), suggestion=near)
        return unit.code, None


class Date(Kind):
    name = "date"
    reads_unreadable = True  # "not a real calendar date (… got 2025-02-30)"

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        return message("part.expected.date")

    def parse(self, spec: FieldSpec, value: object) -> Checked:
        return yaml_date(value)


class Number(Kind):
    """A number within the field's ``minimum`` / ``above`` / ``maximum`` (a filter: any number)."""

    name = "number"
    types: tuple[type, ...] = (int, float)

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        return message("part.expected.number")

    def parse(self, spec: FieldSpec, value: object) -> Checked:
        if isinstance(value, bool) or not isinstance(value, self.types):
            return self.problem(spec, value)
        return value, None

    def check(self, spec: FieldSpec, value: object, report: FieldReport) -> Checked:
        number, problem = self.parse(spec, value)
        expected = self.expected(spec)
        if problem:
            return None, problem
        if number != number or number in (float("inf"), float("-inf")):  # .nan, .inf
            return None, message("E-value-invalid", expected=expected, got=str(number))
        if spec.maximum is not None and number > spec.maximum:
            bound = message("part.bound.at-most", n=f"{spec.maximum:,g}")
            return None, message("E-number-out-of-range", expected=expected, bound=bound, got=f"{number:,}")
        if spec.above is not None and number <= spec.above:
            bound = message("part.bound.above", n=f"{spec.above:g}")
            return None, message("E-number-out-of-range", expected=expected, bound=bound, got=str(number))
        if spec.minimum is not None and number < spec.minimum:
            bound = message("part.bound.at-least", n=f"{spec.minimum:g}")
            return None, message("E-number-out-of-range", expected=expected, bound=bound, got=str(number))
        return number, None

    @property
    def where_kind(self) -> Kind:
        return self


class WholeNumber(Number):
    name = "int"
    types = (int,)

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        return message("part.expected.whole-number")


class Pattern(Kind):
    """A text matching a pattern (an id, a 档号); its length is the field's ``max_length``,
    checked before the pattern. A filter compares text."""

    def __init__(self, name: str, pattern: re.Pattern[str], expected: str):
        self.name = name
        self.pattern = pattern
        self.expected_key = expected  # a part.expected.… key of the catalogue

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        return message(self.expected_key)

    def parse(self, spec: FieldSpec, value: object) -> Checked:
        if not isinstance(value, str) or not self.pattern.match(value):
            return self.problem(spec, value)
        return value, None


class DocNo(Kind):
    """A 文号 in GB/T 9704 form; a near-correct one is named in its correct form."""

    name = "doc_no"

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        return message("part.expected.doc-no")

    def parse(self, spec: FieldSpec, value: object) -> Checked:
        if not isinstance(value, str):
            return self.problem(spec, value)
        text = value.strip()
        if DOC_NO_RE.match(text):
            return text, None
        corrected = doc_no_correction(text)
        if corrected:
            return None, message("E-doc-no-form", corrected=corrected, got=text)
        return None, message("E-value-invalid", expected=self.expected(spec), got=text)


class Stages(Kind):
    """A plan's stages ``- {name, start, end}``: named once each, dated in order, not overlapping."""

    name = "stages"

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        return message("part.expected.stages")

    def check(self, spec: FieldSpec, value: object, report: FieldReport) -> Checked:
        if not isinstance(value, list) or not value:
            return self.problem(spec, value)
        stages: list[Stage] = []
        ok = True

        def item_error(i: int, said: Message) -> None:
            nonlocal ok
            ok = False
            report.item_error(i, said)

        for i, item in enumerate(value):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
                item_error(i, message("E-stage-invalid", got=fmt(item)))
                continue
            extra = set(item) - {"name", "start", "end"}
            if extra:
                report.item_warning(i, message("W-stage-key-unknown", keys=sorted(map(str, extra))))
            dates = []
            for key in ("start", "end"):
                day, problem = yaml_date(item[key]) if item.get(key) is not None else (None, None)
                if problem:
                    item_error(i, message("E-stage-date-invalid", key=key, problem=problem))
                dates.append(day)
            name_problem = stage_name_problem(item["name"].strip())
            if name_problem:
                item_error(i, name_problem)
            start, end = dates
            if start and end and start > end:
                item_error(i, message("E-stage-ends-before-start", name=clip(item["name"]), start=str(start),
                                      end=str(end)))
            stages.append(Stage(item["name"].strip(), start, end))
        seen: dict[str, int] = {}
        for i, stage in enumerate(stages):
            if stage.name in seen:
                item_error(i, message("E-stage-name-duplicate", name=stage.name))
            seen.setdefault(stage.name, i)
        for i in range(1, len(stages)):
            previous, stage = stages[i - 1], stages[i]
            if previous.end and stage.start and stage.start <= previous.end:
                item_error(i, message("E-stage-overlap", name=stage.name, start=str(stage.start),
                                      previous=previous.name, end=str(previous.end)))
        return (stages if ok else None), None


class Cadence(Kind):
    """A plan's own cadence rules. The record checker hands the value to
    ``cadence_rules.parse_plan_cadence``: the rules' ``where:`` filters read values through the
    kinds of this module, so this module cannot import the rules."""

    name = "cadence"

    def expected(self, spec: FieldSpec, registry: Registry | None = None) -> Message:
        return message("part.expected.cadence")


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    TEXT, TextList(), Vocab(), Secrecy(), UnitKind(), Date(), Number(), WholeNumber(),
    Pattern("id", ID_RE, "part.expected.id"),
    Pattern("archive_no", ARCHIVE_NO_RE, "part.expected.archive-no"),
    DocNo(), Stages(), Cadence(),
)}


def kind_of(spec: FieldSpec) -> Kind:
    """The kind ``schema.FIELDS`` names for a field."""
    return KINDS[spec.kind]
