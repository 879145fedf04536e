"""What ``archive file`` records beside the 档号: the 页数 of each 件, and the 备考表's people
and dates (整理人, 检查人, 检查日期, 本件情况说明).

The people come from the command line, else from ``filing:`` in ``archive.yml``, else (整理人
only) from git's user name; one person may not both sort and check unless the registry allows
it. The 页数 comes from ``--pages`` (one record at a time), else the front-matter, else the page
count of the record's one PDF original in ``<stem>.files/`` (``attachments.pdf_page_count``,
where that module exists).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .fields import kind_of
from .git import git_user_name
from .messages import Bilingual, Message, message
from .problems import UsageError, clip
from .records import Record
from .registry import Registry, one_line, person_problem
from .schema import FIELDS, NOTE_MAX
from .secrecy import marking_in


@dataclass(frozen=True)
class FilingPeople:
    """整理人 and 检查人 of one ``archive file`` run, with the 检查日期 and 本件情况说明 given."""

    by: str
    checked_by: str
    checked_on: date | None = None  # None: the filing date
    note: str | None = None

    def log_keys(self, pages: int) -> dict:
        """The keys a file entry of the log adds for the 备考表."""
        keys: dict = {"pages": pages, "by": self.by, "checked_by": self.checked_by}
        if self.checked_on:
            keys["checked_on"] = self.checked_on.isoformat()
        if self.note:
            keys["note"] = self.note
        return keys


def same_person(a: str, b: str) -> bool:
    """One name written two ways (spaces, full-width letters, case) is one person."""
    def norm(name: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()
    return norm(a) == norm(b)


def _name(option: str, value: str) -> str:
    problem = person_problem(value)
    if problem:
        raise UsageError("E-person-option-bad", option=option, problem=problem)
    marking = marking_in(value)
    if marking:
        raise UsageError("E-option-secret", option=option, what=VALUE, marking=marking)
    return value.strip()


VALUE = Bilingual("值", "value")  # what "--by: the value is marked 秘密" names

# Text that stands for no answer: what a form filled in to get past it says.
PLACEHOLDER_WORDS = frozenset({
    "todo", "tbd", "tba", "n/a", "na", "none", "null", "nil", "test", "xxx", "无", "暂无", "待定", "待填", "待填写",
    "略", "同上", "不详", "未知", "测试", "某某", "某人", "审批", "批准", "approval", "approver", "name", "reason",
})


def placeholder_problem(value: str | None) -> Message | None:
    """Why ``value`` is no real answer (blank, one character, one character repeated, a stand-in
    word such as 待定 or TODO), or None."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).casefold()
    if not text:
        return message("part.blank")
    if len(set(text)) == 1 or text in PLACEHOLDER_WORDS or text.startswith("待填写"):
        return message("part.placeholder", value=repr(value.strip()))
    return None


def required_text(option: str, value: str | None, expected: Message | str) -> str:
    """A required option's text, refused when blank or a placeholder (a ``UsageError`` says what to give)."""
    problem = placeholder_problem(value)
    if problem:
        raise UsageError("E-option-placeholder", option=option, problem=problem, expected=expected)
    if not one_line(value or ""):
        raise UsageError("E-option-not-one-line", option=option, expected=expected)
    marking = marking_in(value or "")
    if marking:
        raise UsageError("E-option-secret", option=option, what=VALUE, marking=marking)
    return (value or "").strip()


def filing_people(root: Path, registry: Registry, by: str | None, checked_by: str | None,
                  checked_on: str | None = None, note: str | None = None, today: date | None = None) -> FilingPeople:
    """The 整理人 and 检查人 this run records, checked; a ``UsageError`` says what to give."""
    defaults = registry.filing
    if by is None:
        by = defaults.by or git_user_name(root)
    if by is None:
        raise UsageError("E-filer-unknown")
    if checked_by is None:
        checked_by = defaults.checked_by
    if checked_by is None:
        raise UsageError("E-checker-unknown")
    by, checked_by = _name("--by", by), _name("--checked-by", checked_by)
    if same_person(by, checked_by) and not defaults.same_person_may_check:
        raise UsageError("E-filer-checks-self", name=clip(by))
    day = None
    if checked_on is not None:
        try:
            day = date.fromisoformat(checked_on)
        except ValueError:
            raise UsageError("E-option-date-bad", option="--checked-on", got=clip(checked_on)) from None
        if today is not None and day > today:
            raise UsageError("E-checked-on-future", today=str(today), day=str(day))
    if note is not None:
        note = note.strip()
        if not note or len(note) > NOTE_MAX or not one_line(note):
            raise UsageError("E-note-bad", limit=NOTE_MAX, got=clip(repr(note)), length=len(note))
        marking = marking_in(note)
        if marking:
            raise UsageError("E-option-secret", option="--note", what=Bilingual("文字", "text"), marking=marking)
    return FilingPeople(by, checked_by, day, note or None)


def parse_pages(text: str | None, paths: int) -> int | None:
    """``--pages`` read as the field ``pages`` is (a whole number 1–100000), for one record only."""
    if text is None:
        return None
    if paths != 1:
        raise UsageError("E-pages-many-records", count=paths)
    spec = FIELDS["pages"]
    value: object = int(text) if re.fullmatch(r"[+-]?\d{1,9}", text.strip()) else text
    pages, problem = kind_of(spec).check(spec, value, None)  # type: ignore[arg-type]  (a number reports nothing aside)
    if problem:
        raise UsageError("E-pages-option-bad", problem=problem)
    return pages  # type: ignore[return-value]


def pdf_original(root: Path, record: Record) -> Path | None:
    """The record's one PDF original in ``<stem>.files/`` (None: no folder, no PDF, or several)."""
    folder = (root / record.path).with_suffix(".files")
    if not folder.is_dir():
        return None
    pdfs = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".pdf"]
    return pdfs[0] if len(pdfs) == 1 else None


def default_pages(root: Path, record: Record) -> int | None:
    """The page count of the record's one PDF original, where the attachments module can count it.

    Hook point: ``attachments.pdf_page_count(data) -> int | None`` (issue 14, attachments part).
    Until that module is merged there is no default and a 页数 must be given."""
    try:
        from .attachments import pdf_page_count  # type: ignore[import-not-found,attr-defined]
    except ImportError:
        return None
    pdf = pdf_original(root, record)
    if pdf is None:
        return None
    count = pdf_page_count(pdf.read_bytes())
    return count if isinstance(count, int) and 1 <= count <= FIELDS["pages"].maximum else None


def record_pages(root: Path, record: Record, given: int | None) -> tuple[int | None, Message | None]:
    """The 页数 to file ``record`` with, or what is wrong: ``--pages``, else the front-matter, else
    the PDF original's page count."""
    if given is not None and record.pages is not None and given != record.pages:
        return None, message("E-pages-disagree", written=record.pages, given=given)
    pages = given or record.pages or default_pages(root, record)
    if pages is None:
        return None, message("E-pages-required")
    return pages, None
