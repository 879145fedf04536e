"""The checks of one record file's front-matter: each field through its kind (``fields.py``),
the rules that span a record's fields (filed records, plan and stage, the 档号 against the
record), and 密级 markings anywhere in the file. ``validation.py`` runs it on a record or a
translation."""

from __future__ import annotations

from datetime import date

from .cadence_rules import parse_plan_cadence
from .fields import DOC_NO_RE, FieldReport, kind_of, suggestion
from .frontmatter import FrontMatter, InvalidScalar
from .messages import Message, message
from .problems import Problems, clip
from .records import ARCHIVE_NO_RE, expected_archive_no
from .registry import Registry
from .schema import (
    EDITOR_KEYS,
    FIELDS,
    PLACEHOLDER,
    RETENTION_CODES,
    TYPES,
    FieldSpec,
    required_fields,
    too_long,
)
from .secrecy import marking_in, marking_in_title, markings_in_lines, may_carry_marking

# Page keys MkDocs and Material understand, and the keys an editor notes for itself; harmless on a record.
PAGE_KEYS = {"hide", "description", *EDITOR_KEYS}


class RecordChecker:
    """Checks one parsed file; collects problems and the typed values."""

    def __init__(self, path: str, fm: FrontMatter, registry: Registry, today: date, problems: Problems,
                 extended: tuple[str, str] | None = None):
        self.path = path
        self.extended = extended  # (filed, now): the log's 延长 of this record's retention
        self.fm = fm
        self.registry = registry
        self.today = today
        self.problems = problems
        self.values: dict[str, object] = {}

    def line(self, name: str) -> int:
        return self.fm.lines.get(name, 1)

    def error(self, name: str, said: Message | str, **args: object) -> None:
        self.problems.error(self.path, self.line(name), name, said, **args)

    def warning(self, name: str, said: Message | str, **args: object) -> None:
        self.problems.warning(self.path, self.line(name), name, said, **args)

    def report_duplicate_keys(self) -> None:
        for line, key, said in self.fm.duplicates:
            self.problems.error(self.path, line, key, said)

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
                self.warning(key, message("W-field-unknown", suggestion=suggestion(key, list(FIELDS))))
        type_value = raw.get("type")
        type_term = TYPES.get(type_value)
        for name in required_fields(type_term.code if type_term else None):
            if name not in raw or raw[name] is None or raw[name] == "":
                spec = FIELDS[name]
                self.problems.error(self.path, 1 if name not in raw else self.line(name), name,
                                    "E-field-missing", expected=self.expectation(spec))
        for name in FIELDS:
            if name in raw:  # (the absent ones: 22 calls a record for nothing)
                self.check_field(name)
        self.check_spanning_rules()

    def expectation(self, spec: FieldSpec) -> str:
        return kind_of(spec).expected(spec, self.registry)

    def check_value(self, spec: FieldSpec, value: object) -> object | None:
        name = spec.name
        kind = kind_of(spec)
        if isinstance(value, str) and value.startswith(PLACEHOLDER):
            self.error(name, f"placeholder left by archive import: fill it in (expected {self.expectation(spec)})")
            return None
        if isinstance(value, InvalidScalar) and not kind.reads_unreadable:
            self.error(name, f"cannot read {clip(value.text)} ({value.reason})")
            return None
        if isinstance(value, str) and spec.max_length is not None and len(value) > spec.max_length:
            self.error(name, too_long(value, spec.max_length))  # before any pattern: they may backtrack
            return None
        if isinstance(value, list) and spec.max_items is not None and len(value) > spec.max_items:
            self.error(name, f"too many items (expected at most {spec.max_items}, got {len(value):,})")
            return None
        if spec.kind == "cadence":  # the rules' filters read values through fields.py (see fields.Cadence)
            return parse_plan_cadence(value, self.fm.lines, self.path, self.problems)
        checked, problem = kind.check(spec, value, _FieldReport(self, name))
        if problem:
            self.error(name, problem)
            return None
        if name == "date" and checked is not None and checked > self.today:
            self.error(
                name, f"date is after the build date {self.today} (expected a date that has passed, got {checked})"
            )
            return None
        return checked

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
        if "doc_no" in v and "date" in v:
            self.check_doc_no_year(v["doc_no"], v["date"])
        self.check_markings()

    def check_doc_no_year(self, doc_no: str, written: date) -> None:
        """A 文号 carries the year it was issued in 〔〕: another year than the 成文日期's is most likely
        a typing slip in one of them (a warning: a document dated 2 January may carry last year's)."""
        year = DOC_NO_RE.match(doc_no)["year"]
        if int(year) != written.year:
            self.warning(
                "doc_no",
                f"the year {int(year)} inside 〔〕 of 文号 {doc_no} is not the year {written.year} of 成文日期 "
                f"{written} (expected 〔{written.year}〕, got 〔{year}〕)",
            )

    def check_archive_no_agrees(self, v: dict) -> None:
        m = ARCHIVE_NO_RE.match(v["archive_no"])
        reg = self.registry
        unit = v["unit"]
        fonds, org_code = reg.fonds_of(unit).code, reg.org_code_of(unit)  # the unit's own, or the registry's
        retention = v.get("retention")
        number = int(m["num"])
        expected = expected_archive_no(fonds, v["date"].year, retention or "永久", org_code, max(number, 1))
        if retention is None:
            expected = expected.replace("-Y-", f"-{{{'/'.join(RETENTION_CODES.values())}}}-", 1)
        disagreements = []
        if m["fonds"] != fonds:
            whose = "the registry's" if fonds == reg.fonds else f"unit {unit}'s"
            disagreements.append(f"全宗号 {m['fonds']} is not {whose} {fonds}")
        if int(m["year"]) != v["date"].year:
            disagreements.append(f"year {m['year']} is not the year of date {v['date']}")
        # DA/T 22 does not renumber on appraisal: an extended record keeps the 档号 of the class it was
        # filed in, and only the log's extend entry makes that code agree (archive extend).
        if retention and m["ret"] != RETENTION_CODES[retention] and not (
                self.extended and self.extended[1] == retention and RETENTION_CODES.get(self.extended[0]) == m["ret"]):
            disagreements.append(f"{m['ret']} does not match retention {retention} ({RETENTION_CODES[retention]})")
        if m["unit"] != org_code:
            whose = f"the record's unit {unit}" if org_code == unit else f"unit {unit}'s org_code {org_code}"
            disagreements.append(f"机构代码 {m['unit']} is not {whose}")
        if number == 0:
            disagreements.append("件号 starts at 0001")
        moved = (m["fonds"] != fonds) + (m["unit"] != org_code)
        if moved and moved == len(disagreements) and v.get("status") == "filed":
            # Only the unit's 全宗号 or 机构 code differ: archive.yml changed after this was filed.
            self.error(
                "archive_no",
                f"filed as {v['archive_no']} in 全宗 {m['fonds']}, 机构 {m['unit']}, but archive.yml now gives "
                f"unit {unit} 全宗号 {fonds}, 机构 code {org_code}: the registry changed after filing, and a filed "
                f"档号 never changes (expected unit {unit} with fonds: {m['fonds']} and org_code: {m['unit']} in "
                f"{reg.path}; a unit that becomes its own 全宗 from now on needs a new unit code)",
            )
        elif disagreements:
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



class _FieldReport(FieldReport):
    """One field's side problems, as a kind reports them: on the field's line, or on a list
    item's own key (``keywords[2]``) and line."""

    def __init__(self, checker: RecordChecker, name: str):
        self.checker = checker
        self.name = name
        self.registry = checker.registry

    def warning(self, message: str) -> None:
        self.checker.warning(self.name, message)

    def _item(self, index: int) -> tuple[str, int]:
        key = f"{self.name}[{index}]"
        return key, self.checker.fm.lines.get(key, self.checker.line(self.name))

    def item_error(self, index: int, message: str) -> None:
        key, line = self._item(index)
        self.checker.problems.error(self.checker.path, line, key, message)

    def item_warning(self, index: int, message: str) -> None:
        key, line = self._item(index)
        self.checker.problems.warning(self.checker.path, line, key, message)
