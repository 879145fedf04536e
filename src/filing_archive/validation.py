"""Validation of one record file (or its translation) against the front-matter contract
(``schema.FIELDS``): read it, check its path, its fields (``record_checker.py``) and its text,
and return the ``Record``. Rules that span records are in ``archive_checks.py``; every problem
is collected, nothing stops at the first one.
"""

from __future__ import annotations

from datetime import date

from . import frontmatter
from .fields import ID_RE, suggestion
from .frontmatter import FrontMatter, SourceError
from .messages import message
from .problems import Problems
from .record_checker import PAGE_KEYS, RecordChecker
from .record_paths import check_record_path
from .records import Record, Stage, Translation
from .registry import Registry
from .sanitise import body_findings
from .schema import FIELDS, ID_MAX, TRANSLATABLE_FIELDS


def parse_or_report(path: str, data: bytes, problems: Problems) -> FrontMatter | None:
    """The file's front-matter, or None with the reason (encoding, YAML, fences) reported."""
    try:
        return frontmatter.parse(data)
    except SourceError as exc:
        problems.error(path, exc.line, exc.field, exc.message)
        return None


def check_body_html(path: str, fm: FrontMatter, problems: Problems) -> None:
    """Warn where publishing will remove or clean part of the text (raw HTML, unsafe links)."""
    for offset, said in body_findings(fm.body):
        problems.warning(path, fm.body_line + offset, "body", said)


def validate_record(
    path: str, src_uri: str, data: bytes | FrontMatter | None, registry: Registry, today: date,
    problems: Problems, extended: tuple[str, str] | None = None,
) -> Record | None:
    """Check one record file: its bytes, or its front-matter already read with ``parse_or_report``
    (None: it could not be read, and that is reported). Problems go to ``problems``. Returns the
    Record; one with errors is ``broken`` and carries only the fields that could be read
    (``read``), so the rules that span records still see its id, 档号 and 期号. None when the
    file cannot be read at all. ``extended``: (filed, now) retention when the log says the record's
    retention was extended (``archive.extended_records``)."""
    errors_before = problems.error_count
    fm = parse_or_report(path, data, problems) if isinstance(data, bytes) else data
    check_record_path(path, src_uri, registry.records_dir, problems)
    if fm is None:
        return None
    checker = RecordChecker(path, fm, registry, today, problems, extended)
    checker.check()
    check_body_html(path, fm, problems)
    v = checker.values
    stem = src_uri.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    record_id = v.get("id", stem)
    if "id" not in v and "id" not in fm.values and not ID_RE.match(stem):
        problems.error(path, 1, "id", "E-file-name-not-id", name=stem, why=message("part.id-name.characters"))
    elif "id" not in v and "id" not in fm.values and len(stem) > ID_MAX:
        problems.error(path, 1, "id", "E-file-name-not-id", name=stem,
                       why=message("part.id-name.length", limit=ID_MAX, got=len(stem)))
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
        pages=v.get("pages"),
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
    checker = RecordChecker(path, fm, registry, today, problems)
    checker.report_duplicate_keys()
    check_body_html(path, fm, problems)
    for key in fm.values:
        if key not in TRANSLATABLE_FIELDS and key not in PAGE_KEYS:
            if key in FIELDS:
                checker.warning(key, "W-translation-field", key=key, fields=list(TRANSLATABLE_FIELDS))
            else:
                checker.warning(key, "W-translation-field-unknown",
                                suggestion=suggestion(key, list(TRANSLATABLE_FIELDS)))
    if fm.values.get("title") in (None, ""):
        checker.error("title", "E-field-missing", expected=message("part.expected.text"))
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

