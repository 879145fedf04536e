"""``archive import``: Word, PDF, text and Markdown documents imported as draft records.

A source file is read into blocks (``import_sources``), cut into parts with ``--split``, cleaned
of page chrome and converted to Markdown (``import_drafts``, ``import_markdown``). Each part is
written as a ``draft`` record at the conventional path with the front-matter that could be
inferred; a required field that could not be is written as a ``待填写：…`` placeholder, which
``archive check`` rejects. This module holds the run: the arguments, the plan of each file and
its parts, the writing, and the report.

A record remembers what it was imported from in ``import_digest`` (the SHA-256 of its title and
body as first written), so importing the same text again, in any encoding, writes nothing.

Every write goes through ``storage`` (exclusive create: an existing file is never replaced).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import storage
from .archive import Archive, load_archive
from .attachments import FOLDER_SUFFIX, file_problem
from .import_drafts import (
    Draft,
    block_summary,
    choose_date,
    is_chrome,
    make_draft,
    part_title,
    remove_chrome,
    shift_headings,
    take_title,
)
from .import_pdf import read_pdf
from .import_sources import Block, Dropped, ImportProblem, read_source
from .problems import UsageError
from .record_paths import renamed
from .registry import Registry
from .schema import FIELDS, PATH_NAME_MAX, PLACEHOLDER, TYPES
from .secrecy import marking_in_title, markings_in_lines
from .storage import create_new_record, front_matter_text, new_record_path, record_stem, slugify

SUFFIXES = (".docx", ".pdf", ".txt", ".md")
ORIGINAL_SUFFIXES = (".docx", ".pdf")  # sources kept as the attachment of each record imported from them
# Front-matter of a Markdown source that is not carried over: the import sets these itself.
NOT_CARRIED = ("unit", "status", "id", "retention", "archive_no", "import_digest")
IMPORT_DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}\Z")
PROGRESS_MIN_FILES = 5  # more files than this: a progress bar even when stderr is not a terminal
BEFORE_SPLIT = "首个分篇标题之前 before the first --split heading"


@dataclass
class FileReport:
    name: str
    encoding: str = ""
    drafts: list[Draft] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    problem: str = ""
    marked: tuple[str, str] | None = None  # (where, marking) of the first 密级 marking in the source's text

    @property
    def written(self) -> list[Draft]:
        return [d for d in self.drafts if d.path and not d.skipped_as]

    @property
    def skipped(self) -> list[Draft]:
        return [d for d in self.drafts if d.skipped_as]


@dataclass
class ImportResult:
    root: Path
    files: list[FileReport]
    dry_run: bool

    @property
    def ok(self) -> bool:
        return not any(f.problem for f in self.files)


# --- the import -----------------------------------------------------------------------------
def check_arguments(
    registry: Registry, unit: str, type_value: str | None, split: str | None, files: list[str]
) -> tuple[str, str | None, re.Pattern | None, list[Path]]:
    """The unit code, type code, split pattern and files, or a UsageError saying what is wrong."""
    found = registry.unit(unit)
    if found is None:
        codes = ", ".join(f"{u.code} {u.name}" for u in registry.units.values())
        raise UsageError(f"未知单位 unknown unit {unit} (expected a unit code of archive.yml: {codes})")
    type_code = None
    if type_value is not None:
        term = TYPES.get(type_value)
        if term is None:
            raise UsageError(f"未知文种 unknown type {type_value} (expected {TYPES.describe()})")
        type_code = term.code
    pattern = None
    if split is not None:
        try:
            pattern = re.compile(split)
        except re.error as exc:
            raise UsageError(f"--split 不是有效的正则表达式 is not a valid regular expression: {exc}") from None
    paths = []
    for name in files:
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"找不到文件 no such file: {name}")
        if path.suffix.lower() not in SUFFIXES:
            hint = " (save .doc files as .docx in Word: 另存为 → Word 文档)" if path.suffix.lower() == ".doc" else ""
            raise UsageError(
                f"不支持的文件类型 unsupported file type: {name} (expected .docx, .pdf, .txt or .md){hint}"
            )
        paths.append(path)
    return found.code, type_code, pattern, paths


def existing_records(archive: Archive) -> tuple[dict[str, str], set[str]]:
    """Digests of records imported before (digest -> path) and every id and file name in use, from
    the files as ``load_archive`` read them (valid or not)."""
    digests: dict[str, str] = {}
    ids: set[str] = set()
    for source in archive.sources:
        ids.update((source.stem, source.id))
        digest = source.front_matter.get("import_digest")
        if isinstance(digest, str) and IMPORT_DIGEST_RE.match(digest):
            digests.setdefault(digest, source.path)
    return digests, ids



def plan_file(path: Path, name: str, unit: str, type_code: str | None, pattern: re.Pattern | None) -> FileReport:
    """Read one source and plan its records (nothing is written here). A source that carries a 密级
    marking is refused whole: secret material is never stored in the archive, not even as a draft."""
    report = plan_parts(path, name, unit, type_code, pattern)
    for draft in report.drafts:
        found = marking_in_title(draft.title) or next((m for _, m in markings_in_lines(draft.body)), None)
        if found:
            report.problem = (f"标有密级 marked {found} ({draft.source_where}): secret material must never be stored "
                              f"in this archive; nothing imported from this file")
            report.drafts = []
            break
    if report.marked and not report.problem:  # in text no record keeps: before --split, page chrome
        where, found = report.marked
        report.problem = (f"标有密级 marked {found} ({where}): secret material must never be stored in this archive; "
                          f"nothing imported from this file")
        report.drafts = []
    return report


def block_text(block: Block) -> str:
    """All the text of a block, a table's every cell included."""
    return " ".join([block.text, *(cell for row in block.rows for cell in row)])


def refuse_original(path: Path) -> None:
    """An ``ImportProblem`` when the archive would refuse ``path`` as an attachment: it would be
    kept as the records' original, so the attachment rules (a marked name, actions, macros, the
    signature) apply."""
    marked = marking_in_title(path.stem)
    if marked:
        raise ImportProblem(f"标有密级 marked {marked} (file name): secret material must never be stored in this "
                            f"archive; nothing imported from this file")
    refused = file_problem(str(path), path.name)
    if refused:
        raise ImportProblem(f"原件不能作为附件保存 the archive would refuse this file as the record's original "
                            f"attachment: {refused}; nothing imported from this file")


def plan_parts(path: Path, name: str, unit: str, type_code: str | None, pattern: re.Pattern | None) -> FileReport:
    """The records one source holds, whole or cut by ``pattern``."""
    report = FileReport(name)
    try:
        suffix = path.suffix.lower()
        if suffix == ".pdf":  # checked before pypdf parses it
            refuse_original(path)
        report.encoding, blocks, meta, report.dropped = (read_pdf if suffix == ".pdf" else read_source)(path)
        if suffix == ".docx":  # checked after python-docx (whose message says more of a damaged file)
            refuse_original(path)
    except (ImportProblem, OSError) as exc:
        report.problem = str(exc)
        return report
    report.marked = next(((b.where, m) for b in blocks for _, m in markings_in_lines(block_text(b))), None)
    for key in list(meta):
        if key not in FIELDS or key in NOT_CARRIED:
            reason = "由导入设定 set by the import" if key in FIELDS else "未知字段 not a front-matter field"
            report.dropped.append(Dropped("front-matter", f"{key}: {meta.pop(key)}", reason))
    if pattern is None:
        kept, dropped = remove_chrome(blocks)
        report.dropped.extend(dropped)
        title, rest = take_title(kept)
        if title and isinstance(meta.get("title"), str) and title != meta["title"].strip():
            title, rest = None, kept  # the front-matter names the title; the first line stays text
        if not kept:
            report.problem = "没有正文 no text left to import (empty, or page chrome only); nothing imported"
            return report
        title_where = kept[0].where
        day = choose_date(blocks)
        report.drafts.append(make_draft(title, title_where, shift_headings(rest), unit, type_code, day, meta))
        return report
    starts = [k for k, b in enumerate(blocks) if b.kind in ("line", "heading") and pattern.fullmatch(b.text)]
    if not starts:
        report.problem = (
            f"--split 没有匹配任何一行 no line matches --split {pattern.pattern} "
            f"(the pattern must match a whole line); nothing imported from this file"
        )
        return report
    preamble = blocks[: starts[0]]
    for block in preamble:
        reason = "页面杂项 page chrome" if is_chrome(block.text) else BEFORE_SPLIT
        report.dropped.append(Dropped(block.where, block_summary(block), reason))
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(blocks)
        heading = blocks[start]
        part = blocks[start + 1 : end]
        kept, dropped = remove_chrome(part)
        report.dropped.extend(dropped)
        day = choose_date(part, preamble)
        pages = {"pages": blocks[end - 1].page - heading.page + 1} if heading.page else {}  # the part's pages
        title, kept, guessed = part_title(heading.text, kept)
        draft = make_draft(title, heading.where, shift_headings(kept), unit, type_code, day, pages)
        draft.title_guessed = guessed
        report.drafts.append(draft)
    return report


def import_files(
    root: Path,
    registry: Registry,
    files: list[Path],
    unit: str,
    type_code: str | None = None,
    pattern: re.Pattern | None = None,
    dry_run: bool = False,
    progress=None,
) -> ImportResult:
    """Import ``files`` as draft records of ``unit``; with ``dry_run`` plan them and write nothing."""
    docs_root = root / registry.docs_dir
    digests, taken = existing_records(load_archive(root, bodies=False))
    this_run: set[str] = set()
    taken_before = set(taken)
    result = ImportResult(root, [], dry_run)
    for count, path in enumerate(files, 1):
        if progress:
            progress(count, len(files), path.name)
        report = plan_file(path, str(path), unit, type_code, pattern)
        result.files.append(report)
        for draft in report.drafts:
            if draft.digest in digests:
                draft.skipped_as = digests[draft.digest]
                draft.duplicate = draft.digest in this_run
                continue
            day = draft.fields["date"] if isinstance(draft.fields.get("date"), date) else None
            kind = draft.fields["type"] if "type" not in draft.placeholders else "import"
            slug = slugify(draft.title if "title" in draft.inferred else None, f"{unit.lower()}-{kind}")
            text = front_matter_text(draft.fields) + draft.body
            if dry_run:
                target = new_record_path(docs_root, registry.records_dir, unit, day, slug, taken)
            else:
                target = create_new_record(docs_root, registry.records_dir, unit, day, slug, taken, text)
            base = record_stem(day, slug)
            if target.stem != base and base in taken_before:  # not when an earlier part of this run took it
                draft.taken_name = base + ".md"
            taken.add(target.stem)
            digests[draft.digest] = _relative(target, root)
            this_run.add(draft.digest)
            draft.path = target
            if path.suffix.lower() in ORIGINAL_SUFFIXES:
                draft.original = keep_original(path, target, dry_run)
    return result


def original_name(name: str) -> str:
    """The source's file name as an attachment may carry it: URL-safe, at most PATH_NAME_MAX characters."""
    better = renamed(name) or f"original{Path(name).suffix.lower()}"
    stem, dot, suffix = better.rpartition(".")
    return stem[: PATH_NAME_MAX - len(dot + suffix)] + dot + suffix


def keep_original(source: Path, record: Path, dry_run: bool) -> Path:
    """The Word or PDF file a record was imported from, kept as its attachment (``<stem>.files/<name>``):
    an archive keeps the original form beside the converted text. Each record of a split file keeps it."""
    target = record.with_name(record.name[: -len(".md")] + FOLDER_SUFFIX) / original_name(source.name)
    if not dry_run:
        target.parent.mkdir(exist_ok=True)
        storage.create_exclusive(target, source.read_bytes())
    return target


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# --- the report -----------------------------------------------------------------------------
def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _counted(names: list[str]) -> str:
    counts = Counter(names)
    order = [n for n in FIELDS if n in counts]
    return ", ".join(n if counts[n] == 1 else f"{n}×{counts[n]}" for n in order) or "—"


def format_report(result: ImportResult) -> str:
    """What was read, dropped, written and skipped, and a summary table."""
    out: list[str] = []
    verb = "将写入 would write" if result.dry_run else "写入 wrote"
    for report in result.files:
        out.append(f"{report.name}: " + (f"编码 encoding {report.encoding}" if report.encoding else "未读取 not read"))
        if report.problem:
            out.append(f"  错误 error: {report.problem}")
        for d in report.dropped:
            out.append(f"  删除 dropped {d.where}: {_short(d.text)} — {d.reason}")
        for draft in report.drafts:
            if draft.skipped_as:
                why = "与本次导入的另一篇相同 same text as" if draft.duplicate else "已导入 already imported as"
                out.append(f"  跳过 skipped {draft.shown}: {why} {draft.skipped_as}")
                continue
            path = _relative(draft.path, result.root)
            notes = [f"推断 inferred {', '.join(draft.inferred) or '—'}"]
            if draft.title_guessed:
                notes.append("题名为推测，请核对 title is a guess: review it")
            if draft.date_note:
                notes.append(f"date from {_short(draft.date_note)}")
            if draft.placeholders:
                notes.append(f"待填写 placeholders {', '.join(draft.placeholders)}")
            if draft.taken_name:
                notes.append(f"{draft.taken_name} exists: new name")
            if draft.original:
                notes.append(f"原件 original kept as {_relative(draft.original, result.root)}")
            out.append(f"  {verb} {path} ← {draft.shown} ({'; '.join(notes)})")
    out.append("")
    header = ["文件 file", "编码 encoding", "写入 written", "跳过 skipped", "推断 inferred", "待填写 placeholders",
              "删除 dropped"]
    rows = []
    for r in result.files:
        written = r.written
        rows.append([
            r.name, r.encoding or "—", str(len(written)), str(len(r.skipped)),
            _counted([n for d in written for n in d.inferred]),
            _counted([n for d in written for n in d.placeholders]),
            str(len(r.dropped)),
        ])
    widths = [max(display_width(row[c]) for row in [header, *rows]) for c in range(len(header))]
    for row in [header, *rows]:
        out.append("  ".join(_pad(cell, widths[c]) for c, cell in enumerate(row)).rstrip())
    written = sum(len(r.written) for r in result.files)
    skipped = sum(len(r.skipped) for r in result.files)
    left = sum(len(d.placeholders) for r in result.files for d in r.written)
    failed = sum(1 for r in result.files if r.problem)
    total = (
        f"合计 total: {len(result.files)} 个文件 files, {written} 件记录{'将' if result.dry_run else '已'}写入 "
        f"records {'to write' if result.dry_run else 'written'}, {skipped} 件已导入 already imported, "
        f"{left} 处待填写 placeholders, {failed} 个文件出错 files with errors"
    )
    out.append(total)
    if result.dry_run:
        out.append("试运行，未写入任何文件 dry run: nothing was written")
    elif left:
        out.append(
            f"请填写所有“{PLACEHOLDER}”字段，否则 archive check 和构建会报错 / "
            f"fill in every {PLACEHOLDER} field: archive check and the build fail until you do"
        )
    return "\n".join(out)
