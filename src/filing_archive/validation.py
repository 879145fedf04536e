"""Validation of records against the front-matter contract (``schema.FIELDS``).

Two levels, as in mkdocs-static-i18n's ``Config.validate()``: ``validate_record`` checks one
file's fields and the rules that span its fields; ``validate_archive`` checks rules that span
records (unique ids, plans and stages, briefing numbers, 档号). Every problem is collected;
nothing stops at the first one.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime

import yaml

from . import frontmatter
from .frontmatter import FrontMatter, InvalidScalar, SourceError
from .problems import Problems, clip
from .records import ARCHIVE_NO_RE, Record, Stage, Translation, expected_archive_no
from .registry import Registry
from .sanitise import body_findings
from .schema import (
    FIELDS,
    ID_MAX,
    PATH_NAME_MAX,
    PLACEHOLDER,
    RECORD_PATH_MAX,
    RETENTION_CODES,
    SECRECY,
    TRANSLATABLE_FIELDS,
    TYPES,
    FieldSpec,
    Vocabulary,
    required_fields,
    stage_name_problem,
    too_long,
)
from .secrecy import grade_at_start, marking_in, marking_in_title, markings_in_lines, may_carry_marking

# \Z, not $: "$" also matches before a trailing newline (an id "plan\n" would make dead links).
ID_RE = re.compile(r"^[a-z0-9-]+\Z")
NAME_BAD_CHAR = re.compile(r"[^\w.-]")  # \w: letters and digits of any script, and _
DOC_NO_RE = re.compile(r"^(?P<org>[^\s〔〕\[\]()（）【】［］第]+)〔(?P<year>\d{4})〕(?P<num>[1-9]\d*)号\Z")
DOC_NO_LOOSE_RE = re.compile(
    r"^(?P<org>.*?)\s*[〔\[［(（【]\s*(?P<year>\d{4})\s*[〕\]］)）】]\s*第?\s*(?P<num>\d+)\s*号$"
)
# Page keys MkDocs and Material understand; harmless on a record.
PAGE_KEYS = {"hide", "description"}


def did_you_mean(value: str, choices: list[str]) -> str | None:
    match = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return match[0] if match else None


def fmt(value: object) -> str:
    """A value as staff wrote it (YAML flow style), for "got ..." in messages."""
    if isinstance(value, str):
        return clip(value) if value.strip() else ("only spaces" if value else "an empty string")
    if value is None:
        return "nothing"
    if isinstance(value, (list, dict)):
        return clip(yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000).strip())
    return clip(str(value))


def yaml_date(value: object) -> tuple[date | None, str | None]:
    """A date as YAML gives it (a date, or text ``YYYY-MM-DD``), or what is wrong with it.

    The one reading of dates for records, plan stages and cadence rules."""
    if isinstance(value, InvalidScalar):
        return None, f"not a real calendar date (expected YYYY-MM-DD, got {value.text})"
    if isinstance(value, datetime):
        return None, f"expected a date YYYY-MM-DD without a time, got {value}"
    if isinstance(value, date):
        return value, None
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
        try:
            return date.fromisoformat(value.strip()), None
        except ValueError:
            return None, f"not a real calendar date (expected YYYY-MM-DD, got {value.strip()})"
    return None, f"expected a date YYYY-MM-DD, got {fmt(value)}"


def secret_grade(value: str) -> str | None:
    """The secret grade a 密级 value names, if any (秘密, 机密★, 绝密★长期, （秘密）, 秘　密 ...)."""
    return grade_at_start(value) or marking_in(value)


def doc_no_correction(value: str) -> str | None:
    """The GB/T 9704 form of a near-correct 文号, or None when it is not recognisable."""
    m = DOC_NO_LOOSE_RE.match(value.strip())
    if not m or not m["org"] or int(m["num"]) == 0:
        return None
    return f"{m['org'].strip()}〔{m['year']}〕{int(m['num'])}号"


class _RecordChecker:
    """Checks one parsed file; collects problems and the typed values."""

    def __init__(self, path: str, fm: FrontMatter, registry: Registry, today: date, problems: Problems):
        self.path = path
        self.fm = fm
        self.registry = registry
        self.today = today
        self.problems = problems
        self.values: dict[str, object] = {}

    def line(self, name: str) -> int:
        return self.fm.lines.get(name, 1)

    def error(self, name: str, message: str) -> None:
        self.problems.error(self.path, self.line(name), name, message)

    def warning(self, name: str, message: str) -> None:
        self.problems.warning(self.path, self.line(name), name, message)

    def report_duplicate_keys(self) -> None:
        for line, key, message in self.fm.duplicates:
            self.problems.error(self.path, line, key, message)

    def check_field(self, name: str) -> None:
        """Check a field that is present and not empty; keep its typed value."""
        raw = self.fm.values
        if name in raw and raw[name] is not None and raw[name] != "":
            value = self.check_value(FIELDS[name], raw[name])
            if value is not None:
                self.values[name] = value

    # --- one field at a time -------------------------------------------------------------
    def check(self) -> None:
        raw = self.fm.values
        self.report_duplicate_keys()
        for key in raw:
            if key not in FIELDS and key not in PAGE_KEYS:
                hint = did_you_mean(key, list(FIELDS))
                suggestion = f"; did you mean {hint}?" if hint else ""
                self.warning(key, f"unknown field (not in the front-matter contract{suggestion})")
        type_value = raw.get("type")
        type_term = TYPES.get(type_value)
        for name in required_fields(type_term.code if type_term else None):
            if name not in raw or raw[name] is None or raw[name] == "":
                spec = FIELDS[name]
                self.problems.error(
                    self.path, 1 if name not in raw else self.line(name), name,
                    f"required field is missing (expected {self.expectation(spec)})",
                )
        for name in FIELDS:
            if name in raw:  # (the absent ones: 22 calls a record for nothing)
                self.check_field(name)
        self.check_spanning_rules()

    def expectation(self, spec: FieldSpec) -> str:
        return {
            "text": "text",
            "date": "a date YYYY-MM-DD",
            "unit": "a unit code from archive.yml such as "
            + ", ".join(list(self.registry.units)[:3]),
            "vocab": spec.vocabulary.describe() if spec.vocabulary else "",
            "secrecy": "公开 | 内部",
            "int": "a whole number",
            "number": "a number",
            "text_list": "a list such as [意识形态, 理论学习]",
            "id": "lower-case letters, digits and - such as 2023-plan",
            "doc_no": "<机关代字>〔YYYY〕N号 such as 老城党发〔2023〕5号",
            "archive_no": "a 档号 such as Z001-WS·2023-Y-LCZ-0001",
            "stages": "a list of {name, start, end}",
            "cadence": "a list of rules {id, name, type, per, min}",
        }[spec.kind]

    def check_value(self, spec: FieldSpec, value: object) -> object | None:
        name = spec.name
        kind = spec.kind
        if isinstance(value, str) and value.startswith(PLACEHOLDER):
            self.error(name, f"placeholder left by archive import: fill it in (expected {self.expectation(spec)})")
            return None
        if isinstance(value, InvalidScalar) and kind != "date":  # dates say so in check_date
            self.error(name, f"cannot read {clip(value.text)} ({value.reason})")
            return None
        if isinstance(value, str) and spec.max_length is not None and len(value) > spec.max_length:
            self.error(name, too_long(value, spec.max_length))  # before any pattern: they may backtrack
            return None
        if isinstance(value, list) and spec.max_items is not None and len(value) > spec.max_items:
            self.error(name, f"too many items (expected at most {spec.max_items}, got {len(value):,})")
            return None
        if kind == "text":
            if not isinstance(value, str) or not value.strip():
                self.error(name, f"expected text, got {fmt(value)}")
                return None
            return value.strip()
        if kind == "vocab":
            return self.check_vocab(name, spec.vocabulary, value)
        if kind == "secrecy":
            if isinstance(value, str) and secret_grade(value):
                self.error(
                    name,
                    f"secret material ({secret_grade(value)}) must never be stored in or published "
                    f"from this archive: remove the file (expected 公开 | 内部, got {value})",
                )
                return None
            return self.check_vocab(name, SECRECY, value)
        if kind == "unit":
            unit = self.registry.unit(value)
            if unit is None:
                hint = did_you_mean(str(value), [*self.registry.units, *(u.name for u in self.registry.units.values())])
                suggestion = f"; did you mean {hint}?" if hint else ""
                self.error(
                    name,
                    f"not a unit of archive.yml (expected a unit code or its exact Chinese name, "
                    f"got {fmt(value)}{suggestion})",
                )
                return None
            return unit.code
        if kind == "date":
            return self.check_date(name, value)
        if kind in ("int", "number"):
            ok_type = isinstance(value, int) if kind == "int" else isinstance(value, (int, float))
            if isinstance(value, bool) or not ok_type:
                self.error(name, f"expected {self.expectation(spec)}, got {fmt(value)}")
                return None
            if value != value or value in (float("inf"), float("-inf")):  # .nan, .inf
                self.error(name, f"expected {self.expectation(spec)}, got {value}")
                return None
            if spec.maximum is not None and value > spec.maximum:
                self.error(name, f"expected {self.expectation(spec)} ≤ {spec.maximum:,g}, got {value:,}")
                return None
            if spec.above is not None and value <= spec.above:
                self.error(name, f"expected {self.expectation(spec)} greater than {spec.above:g}, got {value}")
                return None
            if spec.minimum is not None and value < spec.minimum:
                self.error(name, f"expected {self.expectation(spec)} ≥ {spec.minimum:g}, got {value}")
                return None
            return value
        if kind == "text_list":
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                self.error(name, f"expected {self.expectation(spec)}, got {fmt(value)}")
                return None
            long = [(i, v) for i, v in enumerate(value) if spec.max_length and len(v) > spec.max_length]
            for i, item in long:
                key = f"{name}[{i}]"
                self.problems.error(self.path, self.fm.lines.get(key, self.line(name)), key,
                                    too_long(item, spec.max_length))
            return None if long else [v.strip() for v in value]
        if kind in ("id", "archive_no"):  # lengths are checked above
            pattern = ID_RE if kind == "id" else ARCHIVE_NO_RE
            if not isinstance(value, str) or not pattern.match(value):
                self.error(name, f"expected {self.expectation(spec)}, got {fmt(value)}")
                return None
            return value
        if kind == "doc_no":
            return self.check_doc_no(name, value)
        if kind == "stages":
            return self.check_stages(name, value)
        if kind == "cadence":
            from .cadence import parse_plan_cadence  # imported here: cadence.py imports this module

            return parse_plan_cadence(value, self.fm.lines, self.path, self.problems)
        raise AssertionError(kind)  # pragma: no cover

    def check_vocab(self, name: str, vocabulary: Vocabulary, value: object) -> str | None:
        term = vocabulary.get(value)
        if term:
            return term.code
        if isinstance(value, str) and vocabulary.near_miss:
            hint = did_you_mean(value, vocabulary.spellings())
            if hint:
                read_as = vocabulary.get(hint).code
                self.warning(
                    name, f"unknown value {value}; did you mean {hint}? (read as {hint}; "
                    f"expected {vocabulary.describe()})",
                )
                return read_as
        self.error(name, f"expected {vocabulary.describe()}, got {fmt(value)}")
        return None

    def check_date(self, name: str, value: object) -> date | None:
        value, message = yaml_date(value)
        if message:
            self.error(name, message)
            return None
        if name == "date" and value > self.today:
            self.error(
                name, f"date is after the build date {self.today} (expected a date that has passed, got {value})"
            )
            return None
        return value

    def check_doc_no(self, name: str, value: object) -> str | None:
        if not isinstance(value, str):
            self.error(name, f"expected {self.expectation(FIELDS[name])}, got {fmt(value)}")
            return None
        text = value.strip()
        if DOC_NO_RE.match(text):
            return text
        corrected = doc_no_correction(text)
        if corrected:
            self.error(
                name,
                f"文号 is not in GB/T 9704 form: write {corrected} (year in full inside 〔〕, "
                f"no 第, no leading zero; got {text})",
            )
        else:
            self.error(name, f"expected {self.expectation(FIELDS[name])}, got {text}")
        return None

    def check_stages(self, name: str, value: object) -> list[Stage] | None:
        if not isinstance(value, list) or not value:
            self.error(name, f"expected {self.expectation(FIELDS[name])}, got {fmt(value)}")
            return None
        stages: list[Stage] = []
        ok = True

        def item_error(i: int, message: str) -> None:
            nonlocal ok
            ok = False
            line = self.fm.lines.get(f"{name}[{i}]", self.line(name))
            self.problems.error(self.path, line, f"{name}[{i}]", message)

        for i, item in enumerate(value):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
                item_error(i, f"expected {{name, start, end}} with a stage name, got {fmt(item)}")
                continue
            extra = set(item) - {"name", "start", "end"}
            if extra:
                line = self.fm.lines.get(f"{name}[{i}]", self.line(name))
                self.problems.warning(
                    self.path, line, f"{name}[{i}]",
                    f"unknown key {', '.join(sorted(extra))} (expected name, start, end)",
                )
            dates = []
            for key in ("start", "end"):
                day, message = yaml_date(item[key]) if item.get(key) is not None else (None, None)
                if message:
                    item_error(i, f"{key}: {message}")
                dates.append(day)
            name_problem = stage_name_problem(item["name"].strip())
            if name_problem:
                item_error(i, name_problem)
            start, end = dates
            if start and end and start > end:
                item_error(i, f"stage {clip(item['name'])} ends before it starts ({start} > {end})")
            stages.append(Stage(item["name"].strip(), start, end))
        seen: dict[str, int] = {}
        for i, stage in enumerate(stages):
            if stage.name in seen:
                item_error(i, f"stage name {stage.name} appears more than once (names must be unique)")
            seen.setdefault(stage.name, i)
        for i in range(1, len(stages)):
            previous, stage = stages[i - 1], stages[i]
            if previous.end and stage.start and stage.start <= previous.end:
                item_error(
                    i,
                    f"stage {stage.name} starts {stage.start}, before {previous.name} ends "
                    f"{previous.end} (stages must be in order and must not overlap)",
                )
        return stages if ok else None

    # --- rules that span fields ----------------------------------------------------------
    def check_spanning_rules(self) -> None:
        v = self.values
        raw = self.fm.values
        type_code = v.get("type")
        for name in raw:
            spec = FIELDS.get(name)
            if spec and spec.only_types and type_code and type_code not in spec.only_types:
                kinds = ", ".join(TYPES[t].zh for t in spec.only_types)
                self.warning(name, f"only {kinds} records carry {spec.zh}; this is a {TYPES[type_code].zh} (remove it)")
        status = v.get("status", "draft")
        if status == "filed":
            for name in ("retention", "archive_no"):
                if name not in raw:
                    self.problems.error(
                        self.path, self.line("status"), name,
                        f"required when status is filed (expected {self.expectation(FIELDS[name])})",
                    )
        if "stage" in raw and "plan" not in raw:
            self.error("stage", "a stage belongs to a plan: set plan (the id of the plan record) too")
        if "plan" in raw and "stage" not in raw:
            self.problems.error(
                self.path, self.line("plan"), "stage",
                "required when plan is set (expected one of the plan's stages)",
            )
        if "archive_no" in v and {"unit", "date"} <= set(v):
            self.check_archive_no_agrees(v)
        self.check_markings()

    def check_archive_no_agrees(self, v: dict) -> None:
        m = ARCHIVE_NO_RE.match(v["archive_no"])
        reg = self.registry
        retention = v.get("retention")
        number = int(m["num"])
        expected = expected_archive_no(
            reg.fonds, v["date"].year, retention or "永久", v["unit"], max(number, 1)
        )
        if retention is None:
            expected = expected.replace("-Y-", f"-{{{'/'.join(RETENTION_CODES.values())}}}-", 1)
        disagreements = []
        if m["fonds"] != reg.fonds:
            disagreements.append(f"全宗号 {m['fonds']} is not the registry's {reg.fonds}")
        if int(m["year"]) != v["date"].year:
            disagreements.append(f"year {m['year']} is not the year of date {v['date']}")
        if retention and m["ret"] != RETENTION_CODES[retention]:
            disagreements.append(f"{m['ret']} does not match retention {retention} ({RETENTION_CODES[retention]})")
        if m["unit"] != v["unit"]:
            disagreements.append(f"机构代码 {m['unit']} is not the record's unit {v['unit']}")
        if number == 0:
            disagreements.append("件号 starts at 0001")
        if disagreements:
            self.error(
                "archive_no",
                f"档号 disagrees with the record: {'; '.join(disagreements)} "
                f"(expected {expected}, got {v['archive_no']})",
            )

    def check_markings(self) -> None:
        """A 密级 marking anywhere in the file stops it: every front-matter value (the title also
        when it opens with a grade) and every line of the body. ``secrecy`` is checked as a field."""
        for name, value in self.fm.values.items():
            if name == "secrecy" or (isinstance(value, str) and not may_carry_marking(value)):
                continue  # (most values: one search for a trigger character, no walk)
            for line, text in self._strings(name, value):
                found = marking_in_title(text) if name == "title" else marking_in(text)
                if found:
                    self.problems.error(
                        self.path, line, name,
                        f"the value is marked {found}: secret material must never be stored in or "
                        f"published from this archive (remove the file)",
                    )
                    break
        for line, shown in markings_in_lines(self.fm.body, self.fm.body_line):
            self.problems.error(
                self.path, line, "secrecy",
                f"the text is marked {shown}: secret material must never be stored in "
                f"or published from this archive (remove the file)",
            )
            return

    def _strings(self, name: str, value: object, depth: int = 0) -> list[tuple[int, str]]:
        """Every text inside a front-matter value, with the line of its key or list item."""
        if isinstance(value, str):
            return [(self.line(name), value)]
        found: list[tuple[int, str]] = []
        if depth > 20:
            return found
        if isinstance(value, list):
            for i, item in enumerate(value):
                line = self.fm.lines.get(f"{name}[{i}]", self.line(name))
                found += [(line if depth == 0 else ln, t) for ln, t in self._strings(name, item, depth + 1)]
        elif isinstance(value, dict):
            for key, item in value.items():
                found += self._strings(name, key, depth + 1) + self._strings(name, item, depth + 1)
        return found


def _char_shown(ch: str) -> str:
    return "space" if ch == " " else ch if ch.isprintable() else f"U+{ord(ch):04X}"


def check_record_path(path: str, src_uri: str, records_dir: str, problems: Problems) -> None:
    """Each file and folder name under the records folder becomes part of a URL: ``#``, ``?``,
    ``%``, spaces, quotes, ``\\``, ``<>`` and control characters break every link to it, and a
    long name breaks the build. Letters and digits of any script, ``-``, ``_`` and ``.`` only."""
    rel = src_uri[len(records_dir) + 1:] if src_uri.startswith(records_dir + "/") else src_uri
    if len(rel) > RECORD_PATH_MAX:
        problems.error(path, 1, "", f"path too long under {records_dir}/: move the file up or shorten its folders "
                                    f"(expected at most {RECORD_PATH_MAX} characters, got {len(rel):,})")
        return
    parts = rel.split("/")
    for n, part in enumerate(parts, 1):
        what = "file" if n == len(parts) else "folder"
        bad = dict.fromkeys(NAME_BAD_CHAR.findall(part))
        if bad:
            stem, dot, suffix = part.rpartition(".") if what == "file" else (part, "", "")
            better = re.sub(r"-{2,}", "-", NAME_BAD_CHAR.sub("-", stem)).strip("-")
            better = f"{better}{dot}{suffix}" if better else "a name of letters and digits"
            problems.error(
                path, 1, "",
                f"the {what} name {clip(part)} breaks every link to it ({', '.join(map(_char_shown, bad))}): "
                f"rename it to {clip(better)} (expected letters, digits, -, _ and . only)",
            )
        elif len(part) > PATH_NAME_MAX:
            problems.error(path, 1, "", f"the {what} name {clip(part)} is too long: shorten it "
                                        f"(expected at most {PATH_NAME_MAX} characters, got {len(part):,})")


def parse_or_report(path: str, data: bytes, problems: Problems) -> FrontMatter | None:
    """The file's front-matter, or None with the reason (encoding, YAML, fences) reported."""
    try:
        return frontmatter.parse(data)
    except SourceError as exc:
        problems.error(path, exc.line, exc.field, exc.message)
        return None


def check_body_html(path: str, fm: FrontMatter, problems: Problems) -> None:
    """Warn where publishing will remove or clean part of the text (raw HTML, unsafe links)."""
    for offset, message in body_findings(fm.body):
        problems.warning(path, fm.body_line + offset, "body", message)


def validate_record(
    path: str, src_uri: str, data: bytes | FrontMatter | None, registry: Registry, today: date,
    problems: Problems,
) -> Record | None:
    """Check one record file: its bytes, or its front-matter already read with ``parse_or_report``
    (None: it could not be read, and that is reported). Problems go to ``problems``. Returns the
    Record; one with errors is ``broken`` and carries only the fields that could be read
    (``read``), so the rules that span records still see its id, 档号 and 期号. None when the
    file cannot be read at all."""
    errors_before = problems.error_count
    fm = parse_or_report(path, data, problems) if isinstance(data, bytes) else data
    check_record_path(path, src_uri, registry.records_dir, problems)
    if fm is None:
        return None
    checker = _RecordChecker(path, fm, registry, today, problems)
    checker.check()
    check_body_html(path, fm, problems)
    v = checker.values
    stem = src_uri.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    record_id = v.get("id", stem)
    if "id" not in v and "id" not in fm.values and not ID_RE.match(stem):
        problems.error(
            path, 1, "id",
            f"the file name {stem} is not a usable id: rename the file or set id "
            f"(expected lower-case letters, digits and -)",
        )
    elif "id" not in v and "id" not in fm.values and len(stem) > ID_MAX:
        problems.error(
            path, 1, "id",
            f"the file name {stem} is not a usable id: rename the file or set id "
            f"(expected at most {ID_MAX} characters, got {len(stem)})",
        )
    broken = problems.error_count > errors_before
    if broken and ("id" in fm.values and "id" not in v or not ID_RE.match(record_id) or len(record_id) > ID_MAX):
        record_id = ""  # no id that other records could use
    stages = v.get("stages")
    if v.get("type") == "plan" and not stages and "stages" not in fm.values:
        stages = [Stage(name) for name in registry.stages]
    return Record(
        path=path,
        src_uri=src_uri,
        id=record_id,
        title=v.get("title", ""),
        type=v.get("type", ""),
        unit=v.get("unit", ""),
        date=v.get("date", date.min),
        status=v.get("status", "draft"),
        secrecy=v.get("secrecy", "公开"),
        doc_no=v.get("doc_no"),
        retention=v.get("retention"),
        archive_no=v.get("archive_no"),
        responsible=v.get("responsible"),
        keywords=v.get("keywords", []),
        plan=v.get("plan"),
        stage=v.get("stage"),
        stages=stages or [],
        cadence=v.get("cadence", []),
        form=v.get("form"),
        host=v.get("host"),
        attendees=v.get("attendees"),
        hours=v.get("hours"),
        issue=v.get("issue"),
        body=fm.body,
        body_line=fm.body_line,
        lines=dict(fm.lines),
        broken=broken,
        read=frozenset(v),
    )


def validate_translation(
    path: str, src_uri: str, lang: str, data: bytes | FrontMatter | None, registry: Registry, today: date,
    problems: Problems,
) -> Translation | None:
    """Check an ``x.<lang>.md`` translation (its bytes or its front-matter, as for a record): a
    title, optional translated fields, nothing else. The translated fields are checked by the
    same rules as in a record."""
    errors_before = problems.error_count
    fm = parse_or_report(path, data, problems) if isinstance(data, bytes) else data
    check_record_path(path, src_uri, registry.records_dir, problems)
    if fm is None:
        return None
    checker = _RecordChecker(path, fm, registry, today, problems)
    checker.report_duplicate_keys()
    check_body_html(path, fm, problems)
    for key in fm.values:
        if key not in TRANSLATABLE_FIELDS and key not in PAGE_KEYS:
            if key in FIELDS:
                checker.warning(
                    key, f"set {key} in the Chinese record; a translation carries only "
                    f"{', '.join(TRANSLATABLE_FIELDS)}",
                )
            else:
                hint = did_you_mean(key, list(TRANSLATABLE_FIELDS))
                suggestion = f"; did you mean {hint}?" if hint else ""
                checker.warning(key, f"unknown field{suggestion}")
    if fm.values.get("title") in (None, ""):
        checker.error("title", "required field is missing (expected text)")
    for name in TRANSLATABLE_FIELDS:
        checker.check_field(name)
    checker.check_field("secrecy")  # a secret grade here stops the file like in the record
    checker.check_markings()
    if problems.error_count > errors_before:
        return None
    v = checker.values
    return Translation(
        lang=lang, src_uri=src_uri, path=path, title=v["title"], body=fm.body, body_line=fm.body_line,
        keywords=v.get("keywords", []), responsible=v.get("responsible"), host=v.get("host"),
    )


def validate_archive(records: list[Record], registry: Registry, problems: Problems) -> None:
    """Rules that span records, over every record whose fields could be read, broken or not: a
    broken record still holds its id, its 档号 and its 期号. May correct near-miss stage names
    (with a warning). A reference to a broken plan is not reported a second time."""
    by_id: dict[str, Record] = {}
    for record in records:
        if not record.id:
            continue
        first = by_id.get(record.id)
        if first is not None:
            problems.error(
                record.path, record.line("id"), "id",
                f"duplicate id {record.id} (also used by {first.path}; ids must be unique)",
            )
            continue
        by_id[record.id] = record

    issues: dict[tuple[str, int, int], Record] = {}
    archive_nos: dict[str, Record] = {}
    for record in records:
        plan = by_id.get(record.plan or "")
        if record.plan and {"plan", "unit"} <= record.read and not (plan and plan.broken):
            check_plan_and_stage(record, by_id, problems)
        if record.type == "briefing" and record.issue is not None and "date" in record.read and record.unit:
            key = (record.unit, record.year, record.issue)
            first = issues.get(key)
            if first:
                problems.error(
                    record.path, record.line("issue"), "issue",
                    f"期号 {record.issue} of {record.unit} in {record.year} is already used by "
                    f"{first.path} (expected a number unique per unit and year)",
                )
            else:
                issues[key] = record
        if record.archive_no:
            first = archive_nos.get(record.archive_no)
            if first:
                problems.error(
                    record.path, record.line("archive_no"), "archive_no",
                    f"duplicate 档号 {record.archive_no} (already given to {first.path})",
                )
            else:
                archive_nos[record.archive_no] = record


def check_plan_and_stage(record: Record, by_id: dict[str, Record], problems: Problems) -> None:
    plan = by_id.get(record.plan)
    if plan is None or plan.type != "plan":
        plans = sorted(r.id for r in by_id.values() if r.type == "plan" and r.unit == record.unit)
        what = "is not a plan record" if plan else "is not the id of any record"
        if plans:
            shown = " | ".join(plans[:5]) + (" | …" if len(plans) > 5 else "")
            expected = f"the id of a plan of {record.unit}: {shown}"
        else:
            expected = f"the id of a plan record; {record.unit} has none yet"
        problems.error(record.path, record.line("plan"), "plan", f"{record.plan} {what} (expected {expected})")
        return
    if plan.is_draft and not record.is_draft:
        problems.error(
            record.path, record.line("plan"), "plan",
            f"plan {plan.id} is a draft ({plan.path}): a published record cannot belong to a draft plan "
            f"(publish the plan first, or keep this record a draft)",
        )
        return
    if plan.unit != record.unit:
        problems.error(
            record.path, record.line("plan"), "plan",
            f"plan {plan.id} belongs to {plan.unit}, not to {record.unit} (expected a plan of the same unit)",
        )
        return
    if record.stage is None:  # a broken record whose stage could not be read: reported already
        return
    names = [s.name for s in plan.stages]
    if record.stage not in names:
        hint = did_you_mean(record.stage or "", names)
        if hint:
            problems.warning(
                record.path, record.line("stage"), "stage",
                f"{record.stage} is not a stage of plan {plan.id}; did you mean {hint}? "
                f"(read as {hint}; expected {' | '.join(names)})",
            )
            record.stage = hint
        else:
            problems.error(
                record.path, record.line("stage"), "stage",
                f"{record.stage} is not a stage of plan {plan.id} (expected {' | '.join(names)})",
            )
            return
    stage = plan.stage_of(record.stage)
    if stage and not stage.contains(record.date):
        span = f"{stage.start or '…'} – {stage.end or '…'}"
        problems.warning(
            record.path, record.line("date"), "date",
            f"{record.date} is outside stage {stage.name} of plan {plan.id} ({span})",
        )

