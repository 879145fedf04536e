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
from .messages import Message, message, say
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
BEFORE_SPLIT = message("part.reason-before-split")


@dataclass
class FileReport:
    name: str
    encoding: Message | str = ""
    drafts: list[Draft] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    problem: Message | None = None
    marked: tuple[Message, str] | None = None  # (where, marking) of the first 密级 marking in the source's text

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
        raise UsageError("E-import-unit-unknown", unit=unit,
                         codes=[f"{u.code} {u.name}" for u in registry.units.values()])
    type_code = None
    if type_value is not None:
        term = TYPES.get(type_value)
        if term is None:
            raise UsageError("E-import-type-unknown", type=type_value, expected=TYPES.describe())
        type_code = term.code
    pattern = None
    if split is not None:
        try:
            pattern = re.compile(split)
        except re.error as exc:
            raise UsageError("E-import-split-bad", error=str(exc)) from None
    paths = []
    for name in files:
        path = Path(name)
        if not path.is_file():
            raise UsageError("E-no-such-file", files=[name])
        if path.suffix.lower() not in SUFFIXES:
            hint = message("part.import-doc-hint") if path.suffix.lower() == ".doc" else ""
            raise UsageError("E-import-file-type", name=name, hint=hint)
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
            report.problem = message("E-import-secret-marked", marking=found, where=draft.source_where)
            report.drafts = []
            break
    if report.marked and not report.problem:  # in text no record keeps: before --split, page chrome
        where, found = report.marked
        report.problem = message("E-import-secret-marked", marking=found, where=where)
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
        raise ImportProblem("E-import-secret-marked", marking=marked, where=message("part.where-file-name"))
    refused = file_problem(str(path), path.name)
    if refused:
        raise ImportProblem("E-import-original-refused", problem=refused)


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
    except ImportProblem as exc:
        report.problem = exc.message
        return report
    except OSError as exc:
        report.problem = message("E-import-source-unreadable", problem=str(exc.strerror or exc))
        return report
    report.marked = next(((b.where, m) for b in blocks for _, m in markings_in_lines(block_text(b))), None)
    for key in list(meta):
        if key not in FIELDS or key in NOT_CARRIED:
            reason = message("part.reason-set-by-import" if key in FIELDS else "part.reason-not-a-field")
            report.dropped.append(Dropped(message("part.where-front-matter"), f"{key}: {meta.pop(key)}", reason))
    if pattern is None:
        kept, dropped = remove_chrome(blocks)
        report.dropped.extend(dropped)
        title, rest = take_title(kept)
        if title and isinstance(meta.get("title"), str) and title != meta["title"].strip():
            title, rest = None, kept  # the front-matter names the title; the first line stays text
        if not kept:
            report.problem = message("E-import-no-text")
            return report
        title_where = kept[0].where
        day = choose_date(blocks)
        report.drafts.append(make_draft(title, title_where, shift_headings(rest), unit, type_code, day, meta))
        return report
    starts = [k for k, b in enumerate(blocks) if b.kind in ("line", "heading") and pattern.fullmatch(b.text)]
    if not starts:
        report.problem = message("E-import-split-no-match", pattern=pattern.pattern)
        return report
    preamble = blocks[: starts[0]]
    for block in preamble:
        reason = message("part.reason-page-chrome") if is_chrome(block.text) else BEFORE_SPLIT
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
    """What was read, dropped, written and skipped, and a summary table, in the reader's language."""
    out: list[str] = []
    wrote = "out.import-would-write" if result.dry_run else "out.import-wrote"
    for report in result.files:
        out.append(say("out.import-encoding", name=report.name, encoding=report.encoding) if report.encoding
                   else say("out.import-not-read", name=report.name))
        if report.problem:
            out.append(say("out.import-error", problem=report.problem) + report.problem.more())
        for d in report.dropped:
            out.append(say("out.import-dropped", where=d.where, text=_short(d.text), reason=d.reason))
        for draft in report.drafts:
            if draft.skipped_as:
                why = message("part.import-same-as" if draft.duplicate else "part.import-already")
                out.append(say("out.import-skipped", title=draft.shown, why=why, path=draft.skipped_as))
                continue
            path = _relative(draft.path, result.root)
            notes = [message("part.import-inferred", fields=draft.inferred or ["—"])]
            if draft.title_guessed:
                notes.append(message("part.import-title-guess"))
            if draft.date_note:
                notes.append(message("part.import-date-from", note=_short(str(draft.date_note))))
            if draft.placeholders:
                notes.append(message("part.import-placeholders", fields=draft.placeholders))
            if draft.taken_name:
                notes.append(message("part.import-name-taken", name=draft.taken_name))
            if draft.original:
                notes.append(message("part.import-original-kept", path=_relative(draft.original, result.root)))
            shown = say("part.import-notes-sep").join(note.render() for note in notes)
            out.append(say(wrote, path=path, title=draft.shown, notes=shown))
    out.append("")
    header = say("out.import-header").split("|")
    rows = []
    for r in result.files:
        written = r.written
        rows.append([
            r.name, str(r.encoding) or "—", str(len(written)), str(len(r.skipped)),
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
    done = message("part.import-to-write" if result.dry_run else "part.import-written")
    out.append(say("out.import-total", files=len(result.files), written=written, done=done, skipped=skipped,
                   left=left, failed=failed))
    if result.dry_run:
        out.append(say("out.import-dry-run"))
    elif left:
        out.append(say("out.import-fill-placeholders", placeholder=PLACEHOLDER))
    return "\n".join(out)
