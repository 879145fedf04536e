"""Loading the whole archive: the registry, every record, every problem, in one pass."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .archive_checks import older_contract_warnings, validate_archive
from .attachments import FOLDER_SUFFIX, Attachment, inspect_all, record_of
from .cadence_rules import Exemption, Rule, collect
from .deadlines import DEFAULT_DEADLINE, load_deadline
from .fixity import FilingLog, read_log, replay
from .messages import message
from .problems import ArchiveError, Problem, Problems
from .progress import Report
from .records import Record, Translation
from .registry import Registry, load_registry
from .schedule import Entry, check_departures, load_schedule
from .schema import DEFAULT_LANGUAGE, LANGUAGES
from .secrecy import marking_in, markings_in_lines
from .settings import date_from_environment
from .storage import sha256_hex
from .textfile import SourceError, read_limited
from .validation import parse_or_report, validate_record, validate_translation


def build_date() -> date:
    """Today, or the date in $ARCHIVE_BUILD_DATE (tests and reproducible builds set it)."""
    return date_from_environment() or date.today()


def translation_lang(filename: str) -> str | None:
    """``x.en.md`` -> ``en``; None for an untranslated original."""
    parts = filename.split(".")
    if len(parts) >= 3 and parts[-2] in LANGUAGES and parts[-2] != DEFAULT_LANGUAGE:
        return parts[-2]
    return None


@dataclass
class Source:
    """One file under the records folder as ``load_archive`` read it, once: filing, verify, import
    and ``new`` use this instead of reading the folder again."""

    path: str  # from the project root, with /
    src_uri: str  # from docs/
    lang: str | None  # a translation's language; None for a record (the Chinese original)
    digest: str | None  # SHA-256 of the file's bytes; None when they could not be read
    front_matter: dict[str, object] = field(default_factory=dict)  # as written, valid or not

    @property
    def stem(self) -> str:
        return self.src_uri.rsplit("/", 1)[-1].rsplit(".", 1)[0]

    @property
    def id(self) -> str:
        """The id the file claims (its ``id:``, else its name), even where the record is invalid."""
        value = self.front_matter.get("id")
        return value if isinstance(value, str) and value else self.stem


@dataclass
class Archive:
    root: Path
    registry: Registry
    records: list[Record]
    problems: Problems
    today: date
    by_id: dict[str, Record] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)  # cadence rules, checked once here, evaluated later
    exemptions: list[Exemption] = field(default_factory=list)
    broken: list[Record] = field(default_factory=list)  # record files with errors, with what could be read
    files_checked: int = 0  # original record files read, valid or not (what "checked N records" counts)
    sources: list[Source] = field(default_factory=list)  # every file under the records folder, in file order
    log: FilingLog | None = None  # the filing log as loading read it: verify and the build use this reading
    attachments: dict[str, list[Attachment]] = field(default_factory=dict)  # record path -> its attachments
    schedule: list[Entry] = field(default_factory=list)  # 保管期限表 (schedule.py)
    deadline: tuple[int, int] = DEFAULT_DEADLINE  # 归档时限: (month, day) of the next year (deadlines.py)

    @property
    def records_root(self) -> Path:
        return self.root / self.registry.docs_dir / self.registry.records_dir

    def published(self, include_drafts: bool = False) -> list[Record]:
        """Records that reach the site: published and filed, plus drafts in a preview."""
        return [r for r in self.records if include_drafts or not r.is_draft]

    def raise_for_errors(self) -> None:
        if self.problems.errors:
            raise ArchiveError(self.problems.sorted())


# What MkDocs reads as a page (mkdocs.utils.markdown_extensions); it copies every other file as is.
MARKDOWN_SUFFIXES = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")


@dataclass
class DocsFiles:
    """Every file MkDocs would publish from ``docs/``, sorted into what the archive reads."""

    records: list[str] = field(default_factory=list)  # *.md under the records folder: records, translations
    # (paths as text: 50,000 Path objects cost 0.6 s, more than reading the files' names)
    pages: list[Path] = field(default_factory=list)  # other Markdown pages (home, handbook): scanned for markings
    attachments: list[str] = field(default_factory=list)  # files of <stem>.files/ folders beside their record
    problems: Problems = field(default_factory=Problems)  # files the build must refuse


def docs_files(root: Path, docs_root: Path, records_dir: str) -> DocsFiles:
    """Walk ``docs/`` as MkDocs does (dot-files and folders are never published) and refuse what
    the archive could not vouch for: under the records folder, anything that is not a ``.md``
    record or a file of a record's flat attachments folder (``<stem>.files/`` beside ``<stem>.md``)
    and every symbolic link (a linked folder would publish a record a second time, past its
    checks); anywhere, a link that leaves the project."""
    found = DocsFiles()
    records_root = docs_root / records_dir
    root_text = str(root)

    def refuse(path: str, code: str, **args: object) -> None:
        rel = path[len(root_text) + 1:].replace(os.sep, "/") if path.startswith(root_text + os.sep) else path
        found.problems.error(rel, 0, "", code, **args)

    def read_folder(folder: str) -> list[os.DirEntry] | None:
        """A folder's entries by name, or None (refused, with the reason) when it cannot be read."""
        try:
            return sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            refuse(folder, "E-folder-unreadable", reason=str(exc.strerror))
            return None

    def leaves_project(path: str) -> bool:
        target = os.path.realpath(path)
        return target != root_text and not target.startswith(root_text + os.sep)

    def walk(folder: str, in_records: bool) -> None:
        entries = read_folder(folder)
        if entries is None:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue  # MkDocs leaves dot-files out of the site
            inside = in_records or entry.path == str(records_root)
            if entry.is_symlink():
                if inside:
                    refuse(entry.path, "E-symlink-in-records")
                elif leaves_project(entry.path):
                    refuse(entry.path, "E-symlink-outside-project", target=os.path.realpath(entry.path))
                else:
                    target = os.path.realpath(entry.path)
                    if os.path.isdir(target):
                        walk(entry.path, inside)
                    else:
                        add(entry.path, entry.name, inside)
                continue
            if entry.is_dir(follow_symlinks=False):
                if inside and entry.name.endswith(FOLDER_SUFFIX):
                    attachments_folder(entry.path, entry.name)
                else:
                    walk(entry.path, inside)
            else:
                add(entry.path, entry.name, inside)

    def attachments_folder(folder: str, name: str) -> None:
        """A record's attachments: its record must be there, and the folder flat."""
        record = record_of(folder)
        record_name = record.rsplit(os.sep, 1)[-1]
        if translation_lang(record_name):
            original = record_name.replace(f".{translation_lang(record_name)}.md", ".md")
            refuse(folder, "E-attachments-of-translation", folder=f"{original[:-3]}{FOLDER_SUFFIX}/")
            return
        if not os.path.isfile(record) or os.path.islink(record):
            refuse(folder, "E-attachments-without-record", record=record_name)
            return
        entries = read_folder(folder)
        if entries is None:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                refuse(entry.path, "E-symlink-in-records")
            elif entry.is_dir(follow_symlinks=False):
                refuse(entry.path, "E-attachments-folder-nested", folder=name)
            else:
                found.attachments.append(entry.path)

    def add(path: str, name: str, in_records: bool) -> None:
        if in_records:
            if name.endswith(".md"):
                found.records.append(path)
            elif name.lower().endswith(MARKDOWN_SUFFIXES):
                refuse(path, "E-record-suffix", name=name, renamed=f"{name.rsplit('.', 1)[0]}.md")
            else:
                refuse(path, "E-not-a-record", folder=f"{records_root.relative_to(root).as_posix()}/", name=name)
        elif name.lower().endswith(MARKDOWN_SUFFIXES):
            found.pages.append(Path(path))

    if records_root.is_symlink():
        refuse(str(records_root), "E-records-folder-symlink")
    elif docs_root.is_dir():
        walk(str(docs_root), False)
    return found


def check_page_markings(page: Path, root: Path, problems: Problems) -> None:
    """A page of the site that is not a record (home, handbook) may not carry a 密级 marking either."""
    rel = page.relative_to(root).as_posix()
    try:
        text = page.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        problems.error(rel, 0, "", "E-page-unreadable", reason=str(exc.strerror))
        return
    for line, shown in markings_in_lines(text):
        problems.error(rel, line, "secrecy", "E-secret-marked-text", found=shown, remove=message("part.remove-it"))
        return


def check_registry_markings(registry: Registry, problems: Problems) -> None:
    """Names in archive.yml are published on every page: no 密级 marking there either."""

    def walk(value: object, key: str, depth: int = 0) -> None:
        if depth > 50:
            return
        if isinstance(value, str):
            found = marking_in(value)
            if found:
                problems.error(registry.path, registry.line_of(key), key, "E-secret-marked-value", found=found,
                               remove=message("part.remove-it"))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{key}[{i}]", depth + 1)
        elif isinstance(value, dict):
            for k, item in value.items():
                walk(item, f"{key}.{k}" if key else str(k), depth + 1)

    walk(registry.raw, "")


PARALLEL_FROM = 4000  # record files: below this a second process costs more than it saves


@dataclass
class _Checked:
    """What the per-file checks of a run of record files found (picklable: it may come from a child)."""

    records: list[Record] = field(default_factory=list)
    broken: list[Record] = field(default_factory=list)
    translations: list[Translation] = field(default_factory=list)
    originals: list[str] = field(default_factory=list)  # src_uri of every original record file, readable or not
    sources: list[Source] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _check_files(names: list[str], root_len: int, docs_len: int, registry: Registry, today: date,
                 bodies: bool, extended: dict[str, tuple[str, str]], progress: Report | None = None) -> _Checked:
    """Read and check each record file on its own (the rules across records come after)."""
    found = _Checked()
    problems = Problems()
    for count, name in enumerate(names, 1):
        if progress:
            progress(count, len(names), name[root_len:])
        path = name[root_len:].replace(os.sep, "/")
        src_uri = name[docs_len:].replace(os.sep, "/")
        lang = translation_lang(os.path.basename(name))
        source = Source(path, src_uri, lang, None)
        found.sources.append(source)
        try:
            data = read_limited(name)
        except SourceError as exc:  # too large to read
            problems.error(path, exc.line, exc.field, exc.message)
            if not lang:
                found.originals.append(src_uri)
            continue
        source.digest = sha256_hex(data)
        front_matter = parse_or_report(path, data, problems)
        if front_matter is not None:
            source.front_matter = front_matter.values
        if lang:
            translation = validate_translation(path, src_uri, lang, front_matter, registry, today, problems)
            if translation:
                if not bodies:
                    translation.body = ""
                found.translations.append(translation)
            continue
        found.originals.append(src_uri)
        record = validate_record(path, src_uri, front_matter, registry, today, problems, extended.get(path))
        if record is not None:
            if not bodies:
                record.body = ""
            (found.broken if record.broken else found.records).append(record)
    found.problems = list(problems)
    return found


def _check_files_child(conn, *args) -> None:
    try:
        result = ("ok", _check_files(*args))
    except BaseException as exc:  # the parent checks these files itself, and reports what happens then
        result = ("error", repr(exc))
    try:
        conn.send(result)
    except OSError:  # the parent is gone (interrupted): nothing to tell
        pass
    finally:
        conn.close()


def _check_files_in_two(names: list[str], *args, progress: Report | None = None) -> list[_Checked]:
    """The second half of the files checked in a forked process while this one checks the first:
    each file is checked on its own, and `archive check` at 50,000 records takes half as long on
    two cores. Whatever goes wrong in the child, the parent checks its half itself."""
    half = len(names) // 2
    context = multiprocessing.get_context("fork")
    conn, child_end = context.Pipe(duplex=False)
    child = context.Process(target=_check_files_child, args=(child_end, names[half:], *args), daemon=True)
    child.start()
    child_end.close()
    try:
        # the child checks as fast as this process: this half's count, doubled, is the whole's
        first = _check_files(names[:half], *args, progress=progress and (
            lambda done, _total, name: progress(2 * done, len(names), name)))
        try:
            status, second = conn.recv()
        except EOFError:
            status, second = "error", None
    finally:
        conn.close()
        child.join()
    if status != "ok":
        second = _check_files(names[half:], *args)
    return [first, second]


def _parallel(files: int) -> bool:
    if files < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return False
    return len(os.sched_getaffinity(0)) > 1 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) > 1


def extended_records(log: FilingLog) -> dict[str, tuple[str, str]]:
    """Path -> (the retention its 档号 was filed under, the longer one ``archive extend`` logged):
    the one case where a 档号's retention code may be lower than the record's retention."""
    return {path: (state.filed_retention, state.retention or "") for path, state in replay(log)[0].items()
            if state.filed_retention and not state.withdrawn}


def load_archive(root: Path | str, today: date | None = None, bodies: bool = True,
                 progress: Report | None = None) -> Archive:
    """Read and validate every record under ``docs/<records_dir>/``; never raises on bad input.
    ``progress`` hears of each file read (``progress.Progress``).

    ``bodies=False``: the records' bodies are checked, then not kept (``archive check`` and ``verify``
    need only what the checks found); the files are then checked in two processes where there are
    many and two cores (the bodies are what would make sending the records back cost)."""
    root = Path(root).resolve()
    today = today or build_date()
    problems = Problems()
    registry = load_registry(root, problems)
    if registry is None:
        empty = Registry("", "", "", "archive", "docs", {}, [])
        return Archive(root, empty, [], problems, today)

    docs_root = root / registry.docs_dir
    # plain string slicing: pathlib's relative_to costs more than the YAML at 10,000 records
    root_len, docs_len = len(str(root)) + 1, len(str(docs_root)) + 1
    files = docs_files(root, docs_root, registry.records_dir)
    problems.extend(files.problems)
    for page in files.pages:
        check_page_markings(page, root, problems)
    check_registry_markings(registry, problems)
    log = read_log(root)
    args = (root_len, docs_len, registry, today, bodies, extended_records(log))
    if not bodies and _parallel(len(files.records)):
        parts = _check_files_in_two(files.records, *args, progress=progress)
    else:
        parts = [_check_files(files.records, *args, progress)]
    records: list[Record] = []
    broken: list[Record] = []  # records with errors: kept for the rules that span records, never published
    originals: set[str] = set()
    translations: list[Translation] = []
    sources: list[Source] = []
    for part in parts:  # in file order, as one pass would have found them
        records += part.records
        broken += part.broken
        translations += part.translations
        sources += part.sources
        originals.update(part.originals)
        problems.extend(part.problems)

    validate_archive(records + broken, registry, problems)
    rules, exemptions = collect(registry, records, problems)
    schedule = load_schedule(registry, problems)
    deadline = load_deadline(registry, problems)
    by_src = {r.src_uri: r for r in records}
    for translation in translations:
        original_uri = translation.src_uri.replace(f".{translation.lang}.md", ".md")
        original = by_src.get(original_uri)
        if original is None:
            if original_uri not in originals:
                problems.error(translation.path, 1, "", "E-translation-without-record", original=original_uri)
            continue
        original.translations[translation.lang] = translation
    attachments = inspect_all(files.attachments, root_len, docs_len, registry.records_dir,
                              registry.attachment_max_mb, problems)
    for record in records + broken:
        record.attachments = attachments.get(record.path, [])
    records.sort(key=lambda r: (r.date, r.id))
    by_id = {}
    for record in records:
        by_id.setdefault(record.id, record)
    archive = Archive(root, registry, records, problems, today, by_id, rules, exemptions)
    archive.broken = broken
    archive.files_checked = len(originals)
    archive.sources = sources
    archive.log = log
    archive.attachments = attachments
    archive.schedule, archive.deadline = schedule, deadline
    return archive


def add_check_warnings(archive: Archive) -> None:
    """The warnings ``archive check`` adds to the build's (and ``archive build``'s check step, so
    both count the same): what the build leaves alone so that a ``--strict`` build that passed
    yesterday passes today (an older filed record without 页数, a retention the schedule now differs from)."""
    older_contract_warnings(archive.records, archive.problems)
    check_departures(archive.schedule, archive.records, archive.registry, archive.problems)
