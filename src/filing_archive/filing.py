"""Filing and integrity: 档号 assignment, the fixity manifest and the hash-chained filing log.

Three files at the project root hold the evidence an auditor checks:

``manifest-sha256.txt``
    BagIt style (RFC 8493): one ``<sha256 hex>  <path>`` line per filed record, paths relative
    to the root in posix form, sorted. A withdrawn record's line is removed (the log keeps it).
``filing-log.jsonl``
    Append-only, one JSON object per line: ``seq``, ``time`` (UTC), ``action`` (file, amend,
    withdraw), ``path``, ``archive_no``, ``digest`` and, by action, ``previous_digest``,
    ``reason``, ``approval``, ``title``…, then ``author`` and ``prev``: the SHA-256 of the
    previous line's bytes (all zeros on the first line), so an edited, deleted or moved line
    breaks the chain.
``.archive.lock``
    An empty file ``fcntl.flock``-ed while numbers are handed out and files written, so two
    ``archive file`` runs never give out the same 件号. Not versioned.

The log is the authority: replaying it gives every path's state (filed with a digest, or
withdrawn). The manifest must agree with it, and every filed record's bytes with both.

``archive file`` writes in this order: the record (``status: filed`` and its ``archive_no``),
then the manifest, then the log line. A run cut short after any step leaves a state that
``verify`` explains and that re-running ``archive file`` on the same path completes with the
same number. No MkDocs here: the build calls ``fixity_problems`` (its findings and each
record's history) and ``withdrawn_entries``.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from . import storage
from .archive import Archive, build_date, load_archive, translation_lang
from .problems import ERROR, Problem, Problems, UsageError
from .records import Record, archive_class, expected_archive_no, parse_archive_no
from .registry import Registry, load_registry
from .schema import RETENTION_CODES, STATUSES, STUDY_FORMS, TYPES
from .storage import sha256_hex
from .validation import validate_record

MANIFEST_FILE = "manifest-sha256.txt"
LOG_FILE = "filing-log.jsonl"
LOCK_FILE = ".archive.lock"
ZERO_DIGEST = "0" * 64
ACTIONS = ("file", "amend", "withdraw")
# Test-only fault injection: with ARCHIVE_CRASH_AFTER=record (or manifest), `archive file`
# ends the process with os._exit right after writing the record (or the manifest), as a power
# cut or a kill -9 would: no cleanup, no log line. The crash tests use it to show that verify
# explains the half-filed state and that re-running `archive file` completes it. Never set it
# in real use.
CRASH_ENV = "ARCHIVE_CRASH_AFTER"
CRASH_EXIT = 75
MANIFEST_LINE_RE = re.compile(r"^(?P<digest>[0-9a-f]{64})[ \t]+(?P<path>\S.*)$")


# --- digests ---------------------------------------------------------------------------------
def short(digest: str | None) -> str:
    """The first 12 hex digits, for messages (the full digest is in the manifest)."""
    return f"{digest[:12]}…" if digest else "none"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


# --- the manifest ----------------------------------------------------------------------------
def _encode_path(path: str) -> str:
    """RFC 8493 §2.1.3: CR, LF and % in a manifest path are percent-encoded."""
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D")


def _decode_path(text: str) -> str:
    return text.replace("%0A", "\n").replace("%0a", "\n").replace("%0D", "\r").replace("%0d", "\r").replace("%25", "%")


@dataclass
class Manifest:
    digests: dict[str, str] = field(default_factory=dict)  # path -> sha256 hex
    lines: dict[str, int] = field(default_factory=dict)  # path -> 1-based line
    problems: list[Problem] = field(default_factory=list)  # lines that cannot be read


def read_manifest(root: Path) -> Manifest:
    manifest = Manifest()
    path = Path(root) / MANIFEST_FILE
    if not path.exists():
        return manifest
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        manifest.problems.append(Problem(MANIFEST_FILE, 0, "", "not UTF-8 text (expected <sha256>  <path> lines)"))
        return manifest
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        m = MANIFEST_LINE_RE.match(line.rstrip("\r"))
        if not m:
            manifest.problems.append(Problem(
                MANIFEST_FILE, number, "",
                f"not a manifest line (expected <64 hex digits of SHA-256>  <path>, got {line[:80]})",
            ))
            continue
        rel = _decode_path(m["path"])
        if rel in manifest.digests:
            manifest.problems.append(Problem(
                MANIFEST_FILE, number, "", f"{rel} is listed twice (first on line {manifest.lines[rel]})"
            ))
            continue
        manifest.digests[rel] = m["digest"]
        manifest.lines[rel] = number
    return manifest


def manifest_text(digests: dict[str, str]) -> str:
    return "".join(f"{digests[p]}  {_encode_path(p)}\n" for p in sorted(digests))


def write_manifest(root: Path, digests: dict[str, str]) -> None:
    storage.atomic_write(Path(root) / MANIFEST_FILE, manifest_text(digests))


# --- the filing log --------------------------------------------------------------------------
@dataclass
class LogEntry:
    line: int  # 1-based line in filing-log.jsonl
    data: dict

    def get(self, key: str, default: object = None) -> object:
        return self.data.get(key, default)

    @property
    def action(self) -> str:
        return str(self.data.get("action"))

    @property
    def path(self) -> str:
        return str(self.data.get("path"))

    @property
    def time(self) -> datetime | None:
        return parse_time(self.data.get("time"))


@dataclass
class FilingLog:
    entries: list[LogEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # chain breaks and unreadable lines
    head: str = ZERO_DIGEST  # SHA-256 of the last line: what the next line's prev must be
    count: int = 0  # lines in the file

    @property
    def intact(self) -> bool:
        return not self.problems


REQUIRED_LOG_KEYS = ("seq", "time", "action", "path", "archive_no", "prev")


def read_log(root: Path) -> FilingLog:
    """Every line of the log, checking the chain: each ``prev`` is the SHA-256 of the line before."""
    log = FilingLog()
    path = Path(root) / LOG_FILE
    if not path.exists():
        return log
    data = path.read_bytes()
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    elif raw_lines:
        log.problems.append(Problem(
            LOG_FILE, len(raw_lines), "",
            "the last line has no line end (an interrupted write?): restore filing-log.jsonl from git",
        ))
    expected_prev = ZERO_DIGEST
    expected_seq = 1
    for number, raw in enumerate(raw_lines, start=1):
        log.count = number

        def problem(key: str, message: str, number: int = number) -> None:
            log.problems.append(Problem(LOG_FILE, number, key, message))

        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            entry = None
        if not isinstance(entry, dict):
            problem("", "not a JSON object on one line (the line was edited or damaged)")
            expected_prev = sha256_hex(raw)
            expected_seq += 1
            continue
        missing = [k for k in REQUIRED_LOG_KEYS if k not in entry]
        if missing:
            problem(missing[0], f"entry lacks {', '.join(missing)} (expected {', '.join(REQUIRED_LOG_KEYS)})")
        if entry.get("prev") != expected_prev:
            if number == 1:
                what = f"the first line's prev must be {short(ZERO_DIGEST)} (all zeros)"
            else:
                what = (f"prev does not match the SHA-256 of line {number - 1} "
                        f"(line {number - 1} was edited, or lines were deleted or moved)")
            got = short(str(entry.get("prev")))
            problem("prev", f"chain broken: {what}; expected {short(expected_prev)}, got {got}")
        if entry.get("seq") != expected_seq:
            problem("seq", f"sequence number {entry.get('seq')} follows {expected_seq - 1} (expected {expected_seq}: "
                           f"lines were deleted, added or moved)")
        seq = entry.get("seq")
        expected_seq = seq + 1 if isinstance(seq, int) and not isinstance(seq, bool) else expected_seq + 1
        if entry.get("action") not in ACTIONS:
            problem("action", f"unknown action {entry.get('action')!r} (expected {' | '.join(ACTIONS)})")
        if "time" in entry and parse_time(entry.get("time")) is None:
            problem("time", f"expected a UTC time such as 2026-11-30T08:00:00Z, got {entry.get('time')!r}")
        expected_prev = sha256_hex(raw)
        log.entries.append(LogEntry(number, entry))
    log.head = expected_prev
    return log


def log_line(entry: dict) -> str:
    return json.dumps(entry, ensure_ascii=False, separators=(", ", ": "))


def append_log(root: Path, log: FilingLog, *entries: dict) -> list[LogEntry]:
    """Append ``entries``, each with the next ``seq`` and the ``prev`` of the line before, in one
    fsynced write. Updates ``log`` in place."""
    time = utc_now().isoformat().replace("+00:00", "Z")
    lines, appended = [], []
    for entry in entries:
        ordered = {"seq": log.count + 1, "time": time, **entry, "prev": log.head}
        line = log_line(ordered)
        lines.append(line)
        log.count += 1
        log.head = sha256_hex(line.encode("utf-8"))
        appended.append(LogEntry(log.count, ordered))
    if lines:
        storage.append_lines(Path(root) / LOG_FILE, lines)
    log.entries.extend(appended)
    return appended


def git_author(root: Path) -> str | None:
    """``Name <email>`` from $GIT_AUTHOR_NAME/EMAIL or ``git config``: one subprocess per run."""
    name = os.environ.get("GIT_AUTHOR_NAME")
    email = os.environ.get("GIT_AUTHOR_EMAIL")
    if name:
        return f"{name} <{email}>" if email else name
    values: dict[str, str] = {}
    try:
        out = subprocess.run(
            ["git", "config", "--get-regexp", r"^user\.(name|email)$"],
            cwd=root, capture_output=True, text=True, encoding="utf-8", timeout=10,
        ).stdout
        for line in out.splitlines():
            k, _, v = line.partition(" ")
            values[k] = v.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    name, email = values.get("user.name"), values.get("user.email")
    return (f"{name} <{email}>" if email else name) if name else None


# --- the state the log describes -------------------------------------------------------------
@dataclass(frozen=True)
class Amendment:
    """One line of a record's 备考表: when it was amended, why, and the digests."""

    date: date
    reason: str
    time: datetime | None = None
    digest: str = ""
    previous_digest: str = ""
    author: str | None = None


@dataclass(frozen=True)
class WithdrawnEntry:
    """A record taken out of publication (销毁 or 撤出, with approval), for the catalogue's 备注."""

    path: str
    archive_no: str
    title: str
    date: date  # the day it was withdrawn (UTC)
    reason: str
    approval: str
    unit: str = ""
    record_date: date | None = None  # the record's own 成文日期
    doc_no: str | None = None
    retention: str | None = None
    time: datetime | None = None
    line: int = 0  # its line in filing-log.jsonl


@dataclass
class RecordHistory:
    """What the log says about one path: filed when, under which 档号, with which digest."""

    path: str
    archive_no: str
    digest: str  # the digest the record must have now
    filed_at: datetime | None
    retention: str | None = None
    title: str | None = None
    amendments: list[Amendment] = field(default_factory=list)
    withdrawn: bool = False
    withdrawal: WithdrawnEntry | None = None
    line: int = 0  # the log line that set the current digest (or withdrew it)
    filed_line: int = 0

    @property
    def filed_on(self) -> date | None:
        return self.filed_at.date() if self.filed_at else None


def _date_of(value: object) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def replay(log: FilingLog) -> tuple[dict[str, RecordHistory], list[Problem]]:
    """Each path's current state from the log, and entries that make no sense in order."""
    states: dict[str, RecordHistory] = {}
    problems: list[Problem] = []
    for entry in log.entries:
        action, rel = entry.action, entry.path
        digest = entry.get("digest")
        state = states.get(rel)
        live = state is not None and not state.withdrawn

        def problem(message: str, entry: LogEntry = entry) -> None:
            problems.append(Problem(LOG_FILE, entry.line, "action", message))

        if action == "file":
            if live:
                problem(f"{rel} is filed again without being withdrawn (already filed on line {state.filed_line})")
            if not isinstance(digest, str):
                problem(f"a file entry needs the record's digest, got {digest!r}")
                continue
            states[rel] = RecordHistory(
                path=rel, archive_no=str(entry.get("archive_no")), digest=digest, filed_at=entry.time,
                retention=entry.get("retention"), title=entry.get("title"), line=entry.line, filed_line=entry.line,
            )
        elif action == "amend":
            if not live:
                problem(f"amends {rel}, which is not filed at that point of the log")
                continue
            if not isinstance(digest, str):
                problem(f"an amend entry needs the new digest, got {digest!r}")
                continue
            if entry.get("previous_digest") != state.digest:
                problem(f"previous_digest {short(str(entry.get('previous_digest')))} is not the digest "
                        f"{short(state.digest)} recorded on line {state.line}")
            when = entry.time
            state.amendments.append(Amendment(
                date=when.date() if when else date.min, reason=str(entry.get("reason") or ""), time=when,
                digest=digest, previous_digest=str(entry.get("previous_digest") or ""), author=entry.get("author"),
            ))
            state.digest = digest
            state.line = entry.line
        elif action == "withdraw":
            if not live:
                problem(f"withdraws {rel}, which is not filed at that point of the log")
                continue
            when = entry.time
            state.withdrawn = True
            state.line = entry.line
            state.withdrawal = WithdrawnEntry(
                path=rel, archive_no=state.archive_no, title=str(entry.get("title") or state.title or ""),
                date=when.date() if when else date.min, reason=str(entry.get("reason") or ""),
                approval=str(entry.get("approval") or ""), unit=str(entry.get("unit") or ""),
                record_date=_date_of(entry.get("date")), doc_no=entry.get("doc_no"),
                retention=entry.get("retention") or state.retention, time=when, line=entry.line,
            )
    return states, problems


def record_history(root: Path) -> dict[str, RecordHistory]:
    """For the build: every path the log knows, keyed by record path (relative, posix).

    Lenient: a damaged log still yields what can be read (``fixity_problems`` reports the damage).
    """
    states, _ = replay(read_log(Path(root)))
    return states


def withdrawn_entries(root: Path, history: dict[str, RecordHistory] | None = None) -> list[WithdrawnEntry]:
    """For the catalogue's 备注: every record withdrawn and not filed again since, in log order.

    Pass the ``record_history`` already read to avoid reading the log again."""
    states = record_history(root) if history is None else history
    found = [s.withdrawal for s in states.values() if s.withdrawn and s.withdrawal]
    return sorted(found, key=lambda w: w.line)


def _open_for_writing(root: Path, doing: str, result: Result) -> tuple[Manifest, FilingLog, dict] | None:
    """Under the lock: the manifest, the log and each path's state from it; or None, with the
    damage that stops every writing command reported in ``result``. Temporary files an
    interrupted write left behind are removed first (and listed in ``result``)."""
    manifest, log = read_manifest(root), read_log(root)
    damage = _damage(manifest, log, doing)
    if damage:
        result.problems.extend(damage)
        return None
    registry = load_registry(root, Problems())
    for rel in storage.remove_leftover_temp_files(root, registry.docs_dir if registry else "docs"):
        result.outcomes.append(Outcome(rel, "cleaned"))
    return manifest, log, replay(log)[0]


# --- the lock --------------------------------------------------------------------------------
@contextmanager
def archive_lock(root: Path, shared: bool = False) -> Iterator[None]:
    """Hold ``.archive.lock`` (exclusive for writers; shared for readers, when writable)."""
    path = Path(root) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        if shared:  # a read-only copy (an auditor's): nothing can write there anyway
            yield
            return
        raise
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _crash_point(step: str) -> None:
    if os.environ.get(CRASH_ENV) == step:  # test-only: see CRASH_ENV
        os._exit(CRASH_EXIT)


# --- classes and numbers ---------------------------------------------------------------------
def class_of(archive_no: object) -> tuple[str, int] | None:
    """``Z001-WS·2025-Y-QSZ-0003`` -> (``Z001-WS·2025-Y-QSZ``, 3)."""
    parsed = parse_archive_no(archive_no)
    return (parsed.archive_class, parsed.number) if parsed else None


def claimed_numbers(archive: Archive, log: FilingLog) -> dict[str, dict[int, list[str]]]:
    """Class -> 件号 -> paths claiming it: every number the log ever gave (withdrawn ones too)
    and every 档号 written in a record (a half-filed record holds its number)."""
    claims: dict[str, dict[int, list[str]]] = {}

    def claim(archive_no: object, rel: str) -> None:
        parsed = class_of(archive_no)
        if parsed:
            paths = claims.setdefault(parsed[0], {}).setdefault(parsed[1], [])
            if rel not in paths:
                paths.append(rel)

    for entry in log.entries:
        if entry.action == "file":
            claim(entry.get("archive_no"), entry.path)
    for record in archive.records + archive.broken:
        if record.archive_no:
            claim(record.archive_no, record.path)
    return claims


# --- results ---------------------------------------------------------------------------------
@dataclass
class Outcome:
    path: str
    action: str  # filed | completed | already | amended | withdrawn | created | cleaned
    archive_no: str = ""
    digest: str = ""
    removed: list[str] = field(default_factory=list)
    note: str = ""
    manifest_removed: bool = False
    title: str = ""  # filed: the title the log records
    previous_digest: str = ""  # amended: the digest it had before


@dataclass
class Result:
    outcomes: list[Outcome] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)


def project_path(root: Path, path: str | Path) -> str:
    """A path given on the command line, as the archive names it (relative to the project, posix)."""
    p = Path(path)
    p = p if p.is_absolute() else Path.cwd() / p
    try:
        return p.resolve().relative_to(root).as_posix()
    except ValueError:
        raise UsageError(f"{path} is not inside the project {root}") from None


def _damage(manifest: Manifest, log: FilingLog, what: str) -> list[Problem]:
    """Refuse to write on top of a damaged manifest or log: name the damage."""
    found = list(manifest.problems) + list(log.problems)
    return [
        Problem(p.path, p.line, p.field, f"{p.message} — {what} refused: run archive verify and repair it first")
        for p in found
    ]


def _validate_bytes(root: Path, rel: str, data: bytes, registry: Registry, today: date) -> list[Problem]:
    """The record's own errors if its file held ``data`` (the rules the build applies)."""
    scratch = Problems()
    docs_root = root / registry.docs_dir
    src_uri = (root / rel).relative_to(docs_root).as_posix()
    validate_record(rel, src_uri, data, registry, today, scratch)
    return scratch.errors


# --- archive file ----------------------------------------------------------------------------
def file_records(root: Path, paths: list[str], retention: str, today: date | None = None) -> Result:
    """File each record: validate, give it the next 件号 of its class, write the record, the
    manifest and the log (in that order). Records are numbered in date order."""
    root = Path(root).resolve()
    if retention not in RETENTION_CODES:
        raise UsageError(f"保管期限 retention must be {' | '.join(RETENTION_CODES)}, got {retention}")
    rels = [project_path(root, p) for p in paths]
    result = Result()
    with archive_lock(root):
        archive = load_archive(root, today)
        if archive.registry.fonds == "":
            result.problems.extend(archive.problems.errors)
            return result
        opened = _open_for_writing(root, "filing", result)
        if opened is None:
            return result
        manifest, log, states = opened
        claims = claimed_numbers(archive, log)
        by_path = {r.path: r for r in archive.records}
        errors_by_path: dict[str, list[Problem]] = {}
        for p in archive.problems.errors:
            errors_by_path.setdefault(p.path, []).append(p)
        records_prefix = f"{archive.registry.docs_dir}/{archive.registry.records_dir}/"

        targets: list[Record] = []
        for rel in dict.fromkeys(rels):
            if not (root / rel).is_file():
                raise UsageError(f"no such file: {rel}")
            if not rel.startswith(records_prefix) or not rel.endswith(".md"):
                result.problems.error(rel, 0, "", f"not a record (expected a .md file under {records_prefix})")
            elif translation_lang(rel.rsplit("/", 1)[-1]):
                result.problems.error(rel, 0, "", "a translation is not filed on its own: file the Chinese record")
            elif rel in errors_by_path or rel not in by_path:
                result.problems.extend(errors_by_path.get(rel, []))
                result.problems.error(rel, 0, "", "not filed: correct the errors above first")
            else:
                targets.append(by_path[rel])
        targets.sort(key=lambda r: (r.date, r.id, r.path))

        # Write order: every record, then the manifest once, then the log lines. A run cut short
        # anywhere leaves records that say filed without a log entry: verify names them and
        # re-running `archive file` finishes them with the numbers they already carry.
        prepared = [p for p in (_prepare_one(root, archive, r, retention, manifest, states, claims, result)
                                for r in targets) if p]
        changed = False
        for outcome in prepared:
            if manifest.digests.get(outcome.path) != outcome.digest:
                manifest.digests[outcome.path] = outcome.digest
                changed = True
        if changed:
            write_manifest(root, manifest.digests)
        if prepared:
            _crash_point("manifest")
        author = git_author(root) if prepared else None
        entries = [
            {"action": "file", "path": o.path, "archive_no": o.archive_no, "digest": o.digest,
             "retention": retention, "title": o.title, "author": author}
            for o in prepared
        ]
        append_log(root, log, *entries)
        result.outcomes.extend(prepared)
    return result


def _prepare_one(
    root: Path, archive: Archive, record: Record, retention: str, manifest: Manifest,
    states: dict[str, RecordHistory], claims: dict[str, dict[int, list[str]]], result: Result,
) -> Outcome | None:
    """Number and write one record; its outcome (path, action, 档号, digest, title) for the manifest
    and the log, or None when there is nothing to write (already filed, or refused with a problem)."""
    rel = record.path
    state = states.get(rel)
    data = (root / rel).read_bytes()
    digest = sha256_hex(data)
    status_line = record.line("status")

    def refuse(message: str, field: str = "status", line: int = status_line) -> None:
        result.problems.error(rel, line, field, message)

    if state is not None and not state.withdrawn:  # the log says it is filed
        if digest != state.digest:
            refuse(f"already filed as {state.archive_no} and changed after filing: use archive amend "
                   f"(filed {short(state.digest)}, file now {short(digest)})")
        elif manifest.digests.get(rel) != digest:
            refuse(f"already filed as {state.archive_no}, but {MANIFEST_FILE} disagrees with "
                   f"{LOG_FILE} line {state.line}: run archive verify")
        else:
            result.outcomes.append(Outcome(rel, "already", state.archive_no, digest))
        return None

    if record.is_draft:
        refuse("a draft cannot be filed: set status: published when the record is final, then file it")
        return None

    if record.is_filed:
        # Half-filed: an earlier run wrote the record (and maybe the manifest) but not the log.
        # Finish it with the number it already carries.
        archive_no = record.archive_no or ""
        if record.retention != retention:
            refuse(f"this record was numbered {archive_no} with retention {record.retention}: "
                   f"re-run with --retention {record.retention} to finish filing it", "retention",
                   record.line("retention"))
            return None
        parsed = class_of(archive_no)
        others = [p for p in claims.get(parsed[0], {}).get(parsed[1], []) if p != rel] if parsed else []
        if others:
            refuse(f"档号 {archive_no} is already given to {others[0]}: set status: published and remove "
                   f"archive_no, then file it again", "archive_no", record.line("archive_no"))
            return None
        return Outcome(rel, "completed", archive_no, digest, title=record.title)

    registry = archive.registry
    cls = archive_class(registry.fonds, record.year, retention, record.unit)
    used = claims.setdefault(cls, {})
    number = max(used, default=0) + 1
    archive_no = expected_archive_no(registry.fonds, record.year, retention, record.unit, number)
    new_data = storage.edit_front_matter(data, {"status": "filed", "retention": retention, "archive_no": archive_no})
    errors = _validate_bytes(root, rel, new_data, registry, archive.today)
    if errors:  # pragma: no cover - the record was valid and only these three lines changed
        result.problems.extend(errors)
        return None
    storage.atomic_write(root / rel, new_data)
    used[number] = [rel]
    _crash_point("record")
    return Outcome(rel, "filed", archive_no, sha256_hex(new_data), title=record.title)


# --- archive amend ---------------------------------------------------------------------------
def amend_record(root: Path, path: str, reason: str, today: date | None = None) -> Result:
    """Record a filed record's new digest with the old one and the reason (its 备考表 line)."""
    root = Path(root).resolve()
    reason = (reason or "").strip()
    if not reason:
        raise UsageError("--reason is required: say why the filed record had to change")
    rel = project_path(root, path)
    result = Result()
    with archive_lock(root):
        opened = _open_for_writing(root, "amending", result)
        if opened is None:
            return result
        manifest, log, states = opened
        state = states.get(rel)
        if state is None or state.withdrawn:
            what = "was withdrawn" if state else "is not filed (no entry in filing-log.jsonl)"
            result.problems.error(rel, 0, "", f"{what}: only a filed record can be amended (use archive file)")
            return result
        if not (root / rel).is_file():
            result.problems.error(rel, 0, "", f"filed as {state.archive_no} but the file is missing: restore it "
                                              "from git (or withdraw it with approval)")
            return result
        archive = load_archive(root, today)
        errors = [p for p in archive.problems.errors if p.path == rel]
        if errors:
            result.problems.extend(errors)
            result.problems.error(rel, 0, "", "not amended: correct the errors above first")
            return result
        record = next(r for r in archive.records if r.path == rel)
        if not record.is_filed or record.archive_no != state.archive_no:
            result.problems.error(
                rel, record.line("archive_no" if record.is_filed else "status"),
                "archive_no" if record.is_filed else "status",
                f"an amendment keeps status: filed and the 档号 {state.archive_no} "
                f"(got status {record.status}, archive_no {record.archive_no or 'none'})",
            )
            return result
        digest = sha256_hex((root / rel).read_bytes())
        if digest == state.digest:
            result.problems.error(rel, 0, "", f"unchanged since it was filed (sha256 {short(digest)}): "
                                              "nothing to amend")
            return result
        if manifest.digests.get(rel) != digest:
            manifest.digests[rel] = digest
            write_manifest(root, manifest.digests)
        entry = {
            "action": "amend", "path": rel, "archive_no": state.archive_no, "digest": digest,
            "previous_digest": state.digest, "reason": reason, "author": git_author(root),
        }
        append_log(root, log, entry)
        result.outcomes.append(Outcome(rel, "amended", state.archive_no, digest, previous_digest=state.digest))
    return result


# --- archive withdraw ------------------------------------------------------------------------
def withdraw_record(root: Path, path: str, reason: str, approval: str, today: date | None = None) -> Result:
    """Take a filed record out of publication: a log line (kept for good), its manifest line
    removed, the file and its translations deleted. Re-running finishes an interrupted run."""
    root = Path(root).resolve()
    reason, approval = (reason or "").strip(), (approval or "").strip()
    if not reason or not approval:
        raise UsageError("--reason and --approval are both required (the approval is the 审批 reference)")
    rel = project_path(root, path)
    result = Result()
    with archive_lock(root):
        opened = _open_for_writing(root, "withdrawing", result)
        if opened is None:
            return result
        manifest, log, states = opened
        state = states.get(rel)
        if state is None:
            result.problems.error(rel, 0, "", "is not filed (no entry in filing-log.jsonl): only a filed record "
                                              "is withdrawn; a draft or published record can simply be deleted")
            return result
        file = root / rel
        if not state.withdrawn:
            archive = load_archive(root, today)
            record = next((r for r in archive.records if r.path == rel), None)
            if record is not None:
                users = [r.path for r in archive.records if r.plan == record.id and r.path != rel]
                if users:
                    result.problems.error(
                        rel, 0, "", f"records belong to this plan ({', '.join(users[:3])}"
                                    f"{' …' if len(users) > 3 else ''}): withdraw or re-assign them first",
                    )
                    return result
            entry = {
                "action": "withdraw", "path": rel, "archive_no": state.archive_no, "digest": state.digest,
                "reason": reason, "approval": approval,
                "title": record.title if record else state.title,
                "unit": record.unit if record else "",
                "date": record.date.isoformat() if record else None,
                "doc_no": record.doc_no if record else None,
                "retention": state.retention, "author": git_author(root),
            }
            append_log(root, log, entry)
        removed: list[str] = []
        manifest_removed = rel in manifest.digests
        if manifest_removed:
            del manifest.digests[rel]
            write_manifest(root, manifest.digests)
        if file.exists():
            removed.append(rel)
            stem = file.name[: -len(".md")]
            removed.extend(
                p.relative_to(root).as_posix() for p in sorted(file.parent.glob(f"{stem}.*.md"))
                if translation_lang(p.name)
            )
            for item in removed:
                (root / item).unlink()
            storage.fsync_dir(file.parent)
        if state.withdrawn and not removed and not manifest_removed:
            action, note = "already", f"already withdrawn ({LOG_FILE} line {state.line}): nothing to do"
        else:
            action, note = "withdrawn", "finished an earlier withdrawal" if state.withdrawn else ""
        result.outcomes.append(
            Outcome(rel, action, state.archive_no, state.digest, removed, note, manifest_removed)
        )
    return result


# --- archive new -----------------------------------------------------------------------------
def new_record(
    root: Path, type_value: str, unit_value: str, title: str | None = None, day: date | None = None,
    plan: str | None = None, stage: str | None = None,
) -> Path:
    """Create a draft with every field its type needs; never replaces a file. Returns its path."""
    root = Path(root).resolve()
    today = build_date()
    archive = load_archive(root, today)
    registry = archive.registry
    if not registry.fonds:
        raise UsageError("; ".join(str(p) for p in archive.problems.errors) or "archive.yml is unusable")
    term = TYPES.get(type_value)
    if term is None:
        raise UsageError(f"unknown type {type_value} (expected {TYPES.describe()})")
    unit = registry.unit(unit_value)
    if unit is None:
        raise UsageError(f"unknown unit {unit_value} (expected one of {', '.join(registry.units)})")
    day = day or today
    if day > today:
        raise UsageError(f"--date {day} is after today {today} (a record is dated when it was written)")
    if (plan is None) != (stage is None):
        raise UsageError("--plan and --stage go together: the plan's id and one of its stages")
    fields: dict[str, object] = {
        "title": (title or "").strip() or f"{unit.name}{term.zh}",
        "type": term.code,
        "unit": unit.code,
        "date": day,
        "status": "draft",
    }
    comments = {"status": STATUSES.describe()}
    if plan is not None:
        plan_record = archive.by_id.get(plan)
        if plan_record is None or plan_record.type != "plan" or plan_record.unit != unit.code:
            plans = sorted(r.id for r in archive.records if r.type == "plan" and r.unit == unit.code)
            raise UsageError(
                f"{plan} is not a plan of {unit.code} (expected {' | '.join(plans) or 'none: create the plan first'})"
            )
        names = [s.name for s in plan_record.stages]
        if stage not in names:
            raise UsageError(f"{stage} is not a stage of plan {plan} (expected {' | '.join(names)})")
        fields["plan"], fields["stage"] = plan, stage
    if term.code == "study":
        fields["form"] = STUDY_FORMS.terms[0].code
        comments["form"] = STUDY_FORMS.describe()
    if term.code == "briefing":
        issues = [r.issue or 0 for r in archive.records
                  if r.type == "briefing" and r.unit == unit.code and r.year == day.year]
        fields["issue"] = max(issues, default=0) + 1
        comments["issue"] = "期号: the next free number of this unit and year"
    text = storage.front_matter_text(fields, comments) + "\n在此填写正文。\n"
    docs_root = root / registry.docs_dir
    taken = {name for source in archive.sources for name in (source.stem, source.id)}
    slug = storage.slugify(title, f"{unit.code.lower()}-{term.code}")
    return storage.create_new_record(docs_root, registry.records_dir, unit.code, day, slug, taken, text)


# --- archive verify --------------------------------------------------------------------------
@dataclass
class VerifyReport:
    findings: list[Problem]
    records: int
    filed: int
    withdrawn: int
    manifest_lines: int
    log_entries: int
    log_head: str
    log_intact: bool
    classes: dict[str, list[int]]  # class -> sorted 件号
    fonds: str = ""
    git: str = ""  # what comparing the log with the version committed in git found

    @property
    def ok(self) -> bool:
        return not self.findings


def committed_log_problems(root: Path) -> tuple[list[Problem], str]:
    """The log is append-only: the lines committed in git (``HEAD:filing-log.jsonl``) must still
    open the file, byte for byte. This also covers the last line, which no later ``prev`` protects.

    Returns (problems, what was checked); outside git, or before the log is committed, nothing.
    """
    path = Path(root) / LOG_FILE
    try:
        shown = subprocess.run(["git", "show", f"HEAD:./{LOG_FILE}"], cwd=root, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return [], "git not available"
    if shown.returncode != 0:
        return [], "not committed in git"
    committed = shown.stdout
    current = path.read_bytes() if path.exists() else b""
    if current.startswith(committed):
        lines = committed.count(b"\n")
        return [], f"the {lines} lines committed in git are unchanged"
    old_lines, new_lines = committed.split(b"\n"), current.split(b"\n")
    line = next((i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), start=1) if a != b),
                min(len(old_lines), len(new_lines)))
    return [Problem(LOG_FILE, line, "", f"line {line} differs from the version committed in git (HEAD): the log is "
                                        f"append-only; restore it with git checkout -- {LOG_FILE}")], "changed"


def integrity_findings(archive: Archive) -> tuple[list[Problem], dict]:
    """Everything about fixity and the log that record validation does not already report."""
    root = archive.root
    manifest, log = read_manifest(root), read_log(root)
    findings: list[Problem] = list(manifest.problems) + list(log.problems)
    committed, committed_note = committed_log_problems(root)
    findings.extend(committed)
    states, order_problems = replay(log)
    findings.extend(order_problems)

    def add(path: str, line: int, field: str, message: str) -> None:
        findings.append(Problem(path, line, field, message, ERROR))

    # Every record file that claims filed, valid or not.
    claims_filed: dict[str, dict] = {}
    records_by_path = {r.path: r for r in archive.records}
    for record in archive.records:
        if record.is_filed:
            claims_filed[record.path] = {"archive_no": record.archive_no, "retention": record.retention,
                                         "line": record.line("status")}
    for record in archive.broken:  # records with errors still say what they claim
        if record.is_filed:
            claims_filed[record.path] = {"archive_no": record.archive_no, "retention": record.retention,
                                         "line": record.line("status")}
    records_by_path.update((r.path, r) for r in archive.broken)

    digests = {source.path: source.digest for source in archive.sources}

    def digest_of(rel: str) -> str | None:
        return digests.get(rel)

    for rel, state in sorted(states.items()):
        in_manifest = manifest.digests.get(rel)
        if state.withdrawn:
            if in_manifest is not None:
                add(MANIFEST_FILE, manifest.lines[rel], "",
                    f"{rel} was withdrawn ({LOG_FILE} line {state.line}) but is still listed: "
                    f"re-run archive withdraw {rel} to finish")
            continue
        if in_manifest is None:
            add(MANIFEST_FILE, 0, "", f"{rel} is filed as {state.archive_no} ({LOG_FILE} line {state.line}) "
                                      f"but missing from the manifest (a deleted manifest line?)")
        elif in_manifest != state.digest:
            add(MANIFEST_FILE, manifest.lines[rel], "",
                f"digest of {rel} differs from {LOG_FILE} line {state.line} (manifest {short(in_manifest)}, "
                f"log {short(state.digest)}): the manifest line was edited, or an amend was interrupted")
        now = digest_of(rel)
        if now is None and rel in digests:  # there but unreadable: said where it was read
            continue
        if now is None:
            add(rel, 0, "", f"missing: filed as {state.archive_no} ({LOG_FILE} line {state.filed_line}) but the file "
                            f"is gone: restore it from git, or withdraw it with approval (archive withdraw)")
            continue
        claim = claims_filed.get(rel)
        if claim is None:
            add(rel, records_by_path[rel].line("status") if rel in records_by_path else 1, "status",
                f"changed after filing: use archive amend (filed as {state.archive_no}, but the record no longer "
                f"says status: filed; filed {short(state.digest)}, file now {short(now)})")
            continue
        if now != state.digest:
            add(rel, claim["line"], "status",
                f"changed after filing: use archive amend (filed {short(state.digest)}, file now {short(now)})")
        if claim.get("archive_no") and claim["archive_no"] != state.archive_no:
            add(rel, records_by_path[rel].line("archive_no") if rel in records_by_path else 1, "archive_no",
                f"档号 {claim.get('archive_no')} is not the one filed ({state.archive_no}, {LOG_FILE} line "
                f"{state.filed_line})")

    for rel in sorted(manifest.digests):
        state = states.get(rel)
        if state is None:
            if not log.intact:
                hint = f"the {LOG_FILE} chain is broken: was its entry deleted?"
            elif rel in claims_filed:
                hint = (f"an interrupted archive file? re-run archive file {rel} --retention "
                        f"{claims_filed[rel].get('retention') or '…'}")
            else:
                hint = "a line added by hand?"
            add(MANIFEST_FILE, manifest.lines[rel], "", f"{rel} has no file entry in {LOG_FILE} ({hint})")

    for rel, claim in sorted(claims_filed.items()):
        state = states.get(rel)
        if state is not None and not state.withdrawn:
            continue
        if rel in manifest.digests:
            continue  # reported above as a manifest line without a log entry
        if state is not None and state.withdrawn:
            add(rel, claim["line"], "status",
                f"withdrawn on {state.withdrawal.date if state.withdrawal else '?'} ({LOG_FILE} line {state.line}) "
                f"but still here with status: filed: re-run archive withdraw {rel} to finish")
            continue
        add(rel, claim["line"], "status",
            f"status is filed but the record is not in {MANIFEST_FILE} (half-filed, or filed by hand): "
            f"re-run archive file {rel} --retention {claim.get('retention') or '…'} to finish filing it")

    # 档号: unique across the log's history and the records; 件号 without gaps per class.
    claims = claimed_numbers(archive, log)
    first_owner: dict[str, str] = {}
    for entry in log.entries:
        if entry.action != "file":
            continue
        no, rel = str(entry.get("archive_no")), entry.path
        if no in first_owner and first_owner[no] != rel:
            add(LOG_FILE, entry.line, "archive_no", f"档号 {no} given to {rel} was already given to {first_owner[no]}")
        first_owner.setdefault(no, rel)
    for record in archive.records + archive.broken:
        owner = first_owner.get(record.archive_no or "")
        if owner and owner != record.path:
            add(record.path, record.line("archive_no"), "archive_no",
                f"duplicate 档号 {record.archive_no} (the filing log gave it to {owner}; 件号 are never reused)")
    classes: dict[str, list[int]] = {}
    for cls, numbers in sorted(claims.items()):
        present = sorted(numbers)
        classes[cls] = present
        missing = sorted(set(range(1, present[-1] + 1)) - set(present))
        if not missing:
            continue
        after = {n: min(k for k in present if k > n) for n in missing}
        for n in missing:
            holder = numbers[after[n]][0]
            line = records_by_path[holder].line("archive_no") if holder in records_by_path else 0
            add(holder, line, "archive_no",
                f"漏号 gap: 件号 {n:04d} of {cls} was never given (件号 run without gaps: "
                f"{', '.join(f'{k:04d}' for k in present)})")
    summary = {
        "states": states, "classes": classes, "manifest_lines": len(manifest.digests),
        "log_entries": log.count, "log_head": log.head, "log_intact": log.intact, "git": committed_note,
    }
    return findings, summary


def fixity_problems(archive: Archive) -> tuple[list[Problem], dict[str, RecordHistory]]:
    """For the build: every fixity and filing-log finding, as errors naming file, line and field,
    and each path's history from the same reading of the log (``record_history``).

    A filed record whose bytes differ from what was filed says ``changed after filing: use
    archive amend``; a record claiming ``filed`` without a manifest entry, a deleted record, a
    broken log chain, an edited manifest line, a 档号 reused or a 件号 gap are errors too.
    Duplicate and disagreeing 档号 among records are left to validation, which reports them.
    """
    findings, summary = integrity_findings(archive)
    return Problems(findings).sorted(), summary["states"]


VERIFY_VALIDATION_FIELDS = ("archive_no", "retention")


def verify(root: Path, today: date | None = None) -> VerifyReport:
    """Recompute every digest and check manifest, log, 档号 and 件号 (``archive verify``)."""
    root = Path(root).resolve()
    with archive_lock(root, shared=True):
        archive = load_archive(root, today, bodies=False)
        findings, summary = integrity_findings(archive)
    if not archive.registry.fonds:
        findings = archive.problems.errors + findings
    findings += [p for p in archive.problems.errors if p.field in VERIFY_VALIDATION_FIELDS]
    if archive.registry.fonds:
        findings += [
            Problem(rel, 0, "", "leftover temporary file of an interrupted write (the file it was replacing is "
                                "intact): delete it, or run archive file, amend or withdraw, which remove it")
            for rel in storage.leftover_temp_files(root, archive.registry.docs_dir)
        ]
    states = summary["states"]
    # A filed record that cannot even be read (a control character, an encoding): say why, beside
    # "changed after filing" (what no longer validates is for check and the build to say).
    readable = {r.path for r in archive.records + archive.broken}
    unreadable = {rel for rel, s in states.items() if not s.withdrawn} - readable
    findings += [p for p in archive.problems.errors if p.path in unreadable and (root / p.path).is_file()]
    findings = Problems(set(findings)).sorted()
    return VerifyReport(
        findings=findings,
        records=archive.files_checked,
        filed=sum(1 for s in states.values() if not s.withdrawn),
        withdrawn=sum(1 for s in states.values() if s.withdrawn),
        manifest_lines=summary["manifest_lines"],
        log_entries=summary["log_entries"],
        log_head=summary["log_head"],
        log_intact=summary["log_intact"],
        git=summary["git"],
        classes=summary["classes"],
        fonds=f"{archive.registry.fonds} {archive.registry.fonds_name}".strip(),
    )

