"""Filing: ``archive file``, ``amend`` and ``withdraw``, under one lock.

``.archive.lock``
    An empty file ``fcntl.flock``-ed while numbers are handed out and files written, so two
    ``archive file`` runs never give out the same 件号. Not versioned.

``archive file`` writes in this order: the record (``status: filed`` and its ``archive_no``),
then the manifest, then the log line (``fixity`` reads and writes those two). A run cut short
after any step leaves a state that ``verify`` explains and that re-running ``archive file`` on
the same path completes with the same number. Every write goes through ``storage`` (atomic
replace, fsynced append), so no file is ever half-written.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import storage
from .archive import Archive, load_archive, translation_lang
from .attachments import folder_of
from .filing_details import filing_people, parse_pages, record_pages, required_text
from .fixity import (
    SM3_MANIFEST_FILE,
    FilingLog,
    Manifest,
    RecordHistory,
    append_log,
    read_log,
    read_manifest,
    replay,
    short,
    write_manifest,
)
from .git import git_author
from .messages import Bilingual, Message, message, say
from .numbering import claimed_numbers, class_of, next_number
from .problems import Problem, Problems, UsageError
from .records import Record, archive_class, expected_archive_no
from .registry import Registry, load_registry
from .schedule import departure_message, entries_listed, record_entry
from .schema import RETENTION_CODES, TYPES
from .storage import sha256_hex, sm3_hex
from .validation import validate_record

LOCK_FILE = ".archive.lock"


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
    pages: int = 0  # filed: the 页数 the log records
    retention: str = ""  # filed: the 保管期限 the log records
    sm3: str = ""
    attachments: dict[str, str] = field(default_factory=dict)  # name -> SHA-256
    attachments_sm3: dict[str, str] = field(default_factory=dict)  # name -> SM3

    def digests(self) -> dict[str, tuple[str, str]]:
        """Every file filed: the record and its attachments, path -> (SHA-256, SM3)."""
        folder = folder_of(self.path) + "/"
        found = {self.path: (self.digest, self.sm3)}
        found.update((folder + n, (d, self.attachments_sm3[n])) for n, d in sorted(self.attachments.items()))
        return found

    def log_digests(self) -> dict:
        """What a file or amend entry records beside ``digest``."""
        return {"sm3": self.sm3, "attachments": self.attachments, "attachments_sm3": self.attachments_sm3}


@dataclass
class Manifests:
    """Both manifests, read and rewritten together: SHA-256 and SM3."""

    sha256: Manifest
    sm3: Manifest

    @property
    def problems(self) -> list[Problem]:
        return list(self.sha256.problems) + list(self.sm3.problems)

    def replace(self, record_path: str, digests: dict[str, tuple[str, str]]) -> bool:
        """The lines of a record and its attachments set to ``digests`` (old attachment lines of the
        record removed); True when anything changed."""
        folder = folder_of(record_path) + "/"
        changed = False
        for manifest, index in ((self.sha256, 0), (self.sm3, 1)):
            new = {p: d for p, d in manifest.digests.items() if p != record_path and not p.startswith(folder)}
            new.update((p, pair[index]) for p, pair in digests.items())
            if new != manifest.digests:
                manifest.digests = new
                changed = True
        return changed

    def write(self, root: Path) -> None:
        write_manifest(root, self.sha256.digests)
        write_manifest(root, self.sm3.digests, SM3_MANIFEST_FILE)


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
        raise UsageError("E-path-outside-project", path=str(path), root=str(root)) from None


# What a writing command is doing, for "… — filing refused".
DOING = {"filing": Bilingual("归档", "filing"), "amending": Bilingual("修改", "amending"),
         "withdrawing": Bilingual("撤出", "withdrawing"), "destruction": Bilingual("销毁", "destruction"),
         "extending": Bilingual("延长保管期限", "extending")}


def _damage(manifest: Manifests, log: FilingLog, what: str) -> list[Problem]:
    """Refuse to write on top of a damaged manifest or log: name the damage."""
    found = list(manifest.problems) + list(log.problems)
    doing = DOING.get(what, Bilingual(what, what))
    return [Problem(p.path, p.line, p.field, message("E-write-refused-damage", problem=p.message, doing=doing))
            for p in found]


def _validate_bytes(root: Path, rel: str, data: bytes, registry: Registry, today: date) -> list[Problem]:
    """The record's own errors if its file held ``data`` (the rules the build applies)."""
    scratch = Problems()
    docs_root = root / registry.docs_dir
    src_uri = (root / rel).relative_to(docs_root).as_posix()
    validate_record(rel, src_uri, data, registry, today, scratch)
    return scratch.errors


def _open_for_writing(root: Path, doing: str, result: Result) -> tuple[Manifests, FilingLog, dict] | None:
    """Under the lock: the manifest, the log and each path's state from it; or None, with the
    damage that stops every writing command reported in ``result``. Temporary files an
    interrupted write left behind are removed first (and listed in ``result``)."""
    manifest = Manifests(read_manifest(root), read_manifest(root, SM3_MANIFEST_FILE))
    log = read_log(root)
    damage = _damage(manifest, log, doing)
    if damage:
        result.problems.extend(damage)
        return None
    registry = load_registry(root, Problems())
    for rel in storage.remove_leftover_temp_files(root, registry.docs_dir if registry else "docs"):
        result.outcomes.append(Outcome(rel, "cleaned"))
    return manifest, log, replay(log)[0]


# --- archive file ----------------------------------------------------------------------------
def file_records(
    root: Path, paths: list[str], retention: str | None, today: date | None = None, *,
    pages: int | str | None = None,
    by: str | None = None, checked_by: str | None = None, checked_on: str | None = None, note: str | None = None,
) -> Result:
    """File each record: validate, give it the next 件号 of its class, write the record, the
    manifest and the log (in that order). Records are numbered in date order. ``pages`` (one
    record only), ``by``, ``checked_by``, ``checked_on`` and ``note`` fill its 备考表
    (``filing_details``: defaults and checks). ``retention`` None: each record's schedule entry's
    (``schedule.py``); a record no entry covers is refused."""
    root = Path(root).resolve()
    if retention is not None and retention not in RETENTION_CODES:
        raise UsageError("E-option-retention-bad", option="--retention", expected=list(RETENTION_CODES),
                         suggestion=message("part.option-got", got=retention))
    rels = [project_path(root, p) for p in paths]
    given_pages = parse_pages(None if pages is None else str(pages), len(set(rels)))
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
            errors_by_path.setdefault(_owner(p.path), []).append(p)
        records_prefix = f"{archive.registry.docs_dir}/{archive.registry.records_dir}/"

        targets: list[Record] = []
        for rel in dict.fromkeys(rels):
            if not (root / rel).is_file():
                raise UsageError("E-no-such-file", files=[rel])
            if not rel.startswith(records_prefix) or not rel.endswith(".md"):
                result.problems.error(rel, 0, "", "E-file-not-a-record", folder=records_prefix)
            elif translation_lang(rel.rsplit("/", 1)[-1]):
                result.problems.error(rel, 0, "", "E-translation-filed")
            elif rel in errors_by_path or rel not in by_path:
                result.problems.extend(errors_by_path.get(rel, []))
                result.problems.error(rel, 0, "", "E-errors-first", done=Bilingual("归档", "filed"))
            else:
                targets.append(by_path[rel])
        targets.sort(key=lambda r: (r.date, r.id, r.path))
        people = filing_people(root, archive.registry, by, checked_by, checked_on, note, archive.today)

        # Write order: every record, then the manifest once, then the log lines. A run cut short
        # anywhere leaves records that say filed without a log entry: verify names them and
        # re-running `archive file` finishes them with the numbers they already carry.
        digests = {source.path: source.digest for source in archive.sources if source.digest}
        prepared = [p for p in (_prepare_one(root, archive, r, digests[r.path], retention, manifest, states, claims,
                                             result, given_pages) for r in targets) if p]
        changed = False
        for outcome in prepared:
            changed = manifest.replace(outcome.path, outcome.digests()) or changed
        if changed:
            manifest.write(root)
        author = git_author(root) if prepared else None
        entries = [
            {"action": "file", "path": o.path, "archive_no": o.archive_no, "digest": o.digest,
             "retention": o.retention, "title": o.title, **people.log_keys(o.pages), **o.log_digests(),
             "author": author}
            for o in prepared
        ]
        append_log(root, log, *entries)
        result.outcomes.extend(prepared)
    return result


def _owner(path: str) -> str:
    """The record a problem's file belongs to: an attachment's record, else the file itself."""
    folder, _, _ = path.rpartition("/")
    return folder[: -len(".files")] + ".md" if folder.endswith(".files") else path


def _with_attachments(outcome: Outcome, record: Record, data: bytes) -> Outcome:
    """The SM3 of the record's bytes and the digests of its attachments, as ``load_archive`` took them."""
    outcome.sm3 = sm3_hex(data)
    outcome.attachments = {a.name: a.sha256 for a in record.attachments}
    outcome.attachments_sm3 = {a.name: a.sm3 for a in record.attachments}
    return outcome


def attachments_changed(record: Record, state: RecordHistory) -> list[str]:
    """The attachments of a filed record that differ from the log: changed, missing or added."""
    now = {a.name: a.sha256 for a in record.attachments}
    return sorted(n for n in set(now) | set(state.attachments) if now.get(n) != state.attachments.get(n))


def _prepare_one(
    root: Path, archive: Archive, record: Record, digest: str, retention: str | None, manifest: Manifests,
    states: dict[str, RecordHistory], claims: dict[str, dict[int, list[str]]], result: Result,
    given_pages: int | None = None,
) -> Outcome | None:
    """Number and write one record; its outcome (path, action, 档号, digest, title, 页数) for the
    manifest and the log, or None when there is nothing to write (already filed, or refused with a
    problem). ``digest`` is the one ``load_archive`` took of the record's bytes under the lock."""
    rel = record.path
    state = states.get(rel)
    status_line = record.line("status")

    def refuse(said: Message, field: str = "status", line: int = status_line) -> None:
        result.problems.error(rel, line, field, said)

    if state is not None and not state.withdrawn:  # the log says it is filed
        changed = attachments_changed(record, state)
        if digest != state.digest:
            refuse(message("E-filed-changed-refile", archive_no=state.archive_no,
                           detail=message("part.sha256-changed", filed=short(state.digest), now=short(digest))))
        elif changed:
            refuse(message("E-filed-attachments-changed-refile", archive_no=state.archive_no, names=changed[:3]))
        elif manifest.sha256.digests.get(rel) != digest:
            refuse(message("E-filed-manifest-disagrees", archive_no=state.archive_no, line=state.line))
        else:
            result.outcomes.append(Outcome(rel, "already", state.archive_no, digest))
        return None

    if state is not None and state.kept:
        refuse(message("E-withdrawn-refile", archive_no=state.archive_no, line=state.line))
        return None
    if record.is_draft:
        refuse(message("E-draft-not-filed"))
        return None
    pages, problem = record_pages(root, record, given_pages)
    if problem:
        refuse(problem, "pages", record.line("pages"))
        return None
    # 页数 given on the command line or counted from the PDF goes into the front-matter: it is
    # part of what is filed (and of its digest), not only of the log.
    page_update = {} if record.pages == pages else {"pages": pages}

    if record.is_filed:
        # Half-filed: an earlier run wrote the record (and maybe the manifest) but not the log.
        # Finish it with the number it already carries.
        archive_no = record.archive_no or ""
        retention = retention or record.retention
        if record.retention != retention:
            refuse(message("E-half-filed-retention", archive_no=archive_no, retention=record.retention),
                   "retention", record.line("retention"))
            return None
        parsed = class_of(archive_no)
        others = [p for p in claims.get(parsed[0], {}).get(parsed[1], []) if p != rel] if parsed else []
        if others:
            refuse(message("E-archive-no-given", archive_no=archive_no, other=others[0]), "archive_no",
                   record.line("archive_no"))
            return None
        if page_update:  # not in the log yet: its bytes may still change
            data = storage.edit_front_matter((root / rel).read_bytes(), page_update)
            storage.atomic_write(root / rel, data)
            digest = sha256_hex(data)
        else:
            data = (root / rel).read_bytes()
        return _with_attachments(Outcome(rel, "completed", archive_no, digest, title=record.title, pages=pages,
                                         retention=retention), record, data)

    registry = archive.registry
    entry = record_entry(archive.schedule, record, registry)
    if retention is None and entry is None:
        keywords = message("part.with-keywords", keywords="/".join(record.keywords)) if record.keywords else ""
        refuse(message("E-no-schedule-entry", type=TYPES[record.type].zh, unit=record.unit, keywords=keywords,
                       codes=list(RETENTION_CODES), entries=entries_listed(archive.schedule)),
               "retention", record.line("type"))
        return None
    if retention is None:
        retention = entry.retention
    elif entry is not None and entry.retention != retention:
        result.problems.warning(rel, record.line("type"), "retention", departure_message(entry, retention))
    fonds, org_code = registry.fonds_of(record.unit).code, registry.org_code_of(record.unit)
    cls = archive_class(fonds, record.year, retention, org_code)
    number = next_number(claims, cls)
    archive_no = expected_archive_no(fonds, record.year, retention, org_code, number)
    data = (root / rel).read_bytes()  # the bytes about to be edited, under the lock
    new_data = storage.edit_front_matter(
        data, {"status": "filed", "retention": retention, "archive_no": archive_no, **page_update}
    )
    errors = _validate_bytes(root, rel, new_data, registry, archive.today)
    if errors:  # pragma: no cover - the record was valid and only these three lines changed
        result.problems.extend(errors)
        return None
    storage.atomic_write(root / rel, new_data)
    claims.setdefault(cls, {})[number] = [rel]
    return _with_attachments(Outcome(rel, "filed", archive_no, sha256_hex(new_data), title=record.title, pages=pages,
                                     retention=retention), record, new_data)


# --- archive amend ---------------------------------------------------------------------------
def amend_record(root: Path, path: str, reason: str, today: date | None = None) -> Result:
    """Record a filed record's new digest with the old one and the reason (its 备考表 line)."""
    root = Path(root).resolve()
    reason = (reason or "").strip()
    if not reason:
        raise UsageError("E-reason-required")
    rel = project_path(root, path)
    result = Result()
    with archive_lock(root):
        opened = _open_for_writing(root, "amending", result)
        if opened is None:
            return result
        manifest, log, states = opened
        state = states.get(rel)
        if state is None or state.withdrawn:
            what = message("part.was-withdrawn" if state else "part.not-in-log")
            result.problems.error(rel, 0, "", "E-amend-not-filed", state=what)
            return result
        if not (root / rel).is_file():
            result.problems.error(rel, 0, "", "E-amend-file-missing", archive_no=state.archive_no)
            return result
        archive = load_archive(root, today)
        errors = [p for p in archive.problems.errors if _owner(p.path) == rel]
        if errors:
            result.problems.extend(errors)
            result.problems.error(rel, 0, "", "E-errors-first", done=Bilingual("修改", "amended"))
            return result
        record = next(r for r in archive.records if r.path == rel)
        if not record.is_filed or record.archive_no != state.archive_no:
            result.problems.error(
                rel, record.line("archive_no" if record.is_filed else "status"),
                "archive_no" if record.is_filed else "status",
                "E-amend-status-changed", archive_no=state.archive_no, status=record.status,
                got=record.archive_no or message("part.none"),
            )
            return result
        digest = next(source.digest for source in archive.sources if source.path == rel)
        if digest == state.digest and not attachments_changed(record, state):
            result.problems.error(rel, 0, "", "E-amend-unchanged", digest=short(digest))
            return result
        outcome = _with_attachments(Outcome(rel, "amended", state.archive_no, digest, previous_digest=state.digest),
                                    record, (root / rel).read_bytes())
        if manifest.replace(rel, outcome.digests()):
            manifest.write(root)
        entry = {
            "action": "amend", "path": rel, "archive_no": state.archive_no, "digest": digest,
            "previous_digest": state.digest, **outcome.log_digests(), "reason": reason, "author": git_author(root),
        }
        append_log(root, log, entry)
        result.outcomes.append(outcome)
    return result


# --- archive withdraw ------------------------------------------------------------------------
def withdraw_record(root: Path, path: str, reason: str, approval: str, approver: str,
                    today: date | None = None) -> Result:
    """Take a record filed in error out of publication: a log line (kept for good) with the reason,
    the approval and who approved. The file, its attachments and its manifest lines stay, unchanged:
    they are the evidence of what was filed; the build leaves the record out and the catalogue's
    备注 says it was withdrawn. (Destruction at the end of a term is ``archive dispose``.)"""
    root = Path(root).resolve()
    reason = required_text("--reason", reason, message("part.expect-withdraw-reason"))
    approval = required_text("--approval", approval, message("part.expect-approval-ref"))
    approver = required_text("--approver", approver, message("part.expect-approver"))
    rel = project_path(root, path)
    result = Result()
    with archive_lock(root):
        opened = _open_for_writing(root, "withdrawing", result)
        if opened is None:
            return result
        manifest, log, states = opened
        state = states.get(rel)
        if state is None:
            result.problems.error(rel, 0, "", "E-withdraw-not-filed")
            return result
        if state.withdrawn:
            result.outcomes.append(Outcome(rel, "already", state.archive_no, state.digest,
                                           note=say("out.already-withdrawn", line=state.line)))
            return result
        archive = load_archive(root, today)
        record = next((r for r in archive.records if r.path == rel), None)
        if record is not None:
            users = [r.path for r in archive.records if r.plan == record.id and r.path != rel]
            if users:
                result.problems.error(rel, 0, "", "E-withdraw-plan-in-use", users=users[:3],
                                      more=" …" if len(users) > 3 else "")
                return result
        entry = {
            "action": "withdraw", "path": rel, "archive_no": state.archive_no, "digest": state.digest,
            "reason": reason, "approval": approval, "approver": approver,
            "title": record.title if record else state.title,
            "unit": record.unit if record else "",
            "date": record.date.isoformat() if record else None,
            "doc_no": record.doc_no if record else None,
            "retention": state.retention, "kept": True, "author": git_author(root),
        }
        append_log(root, log, entry)
        result.outcomes.append(Outcome(rel, "withdrawn", state.archive_no, state.digest))
    return result
