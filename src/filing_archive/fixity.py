"""Fixity: the manifest and the hash-chained filing log, read, written and replayed.

Two files at the project root hold the evidence an auditor checks:

``manifest-sha256.txt``
    BagIt style (RFC 8493): one ``<sha256 hex>  <path>`` line per filed record, paths relative
    to the root in posix form, sorted. A record withdrawn with ``kept`` keeps its lines (and its file);
    one withdrawn before (no ``kept``) lost them with its file.
``filing-log.jsonl``
    Append-only, one JSON object per line: ``seq``, ``time`` (UTC), ``action`` (file, amend,
    extend, withdraw, destroy, transfer), ``path``, ``archive_no``, ``digest`` and, by action, ``previous_digest``,
    ``reason``, ``approval``, ``title``…, then ``author`` and ``prev``: the SHA-256 of the
    previous line's bytes (all zeros on the first line), so an edited, deleted or moved line
    breaks the chain.

The log is the authority: replaying it gives every path's state (filed with a digest, or
withdrawn). The manifest must agree with it, and every filed record's bytes with both. The
build reads each record's history (``record_history``) and the withdrawals
(``withdrawn_entries``) from here; this module starts no process and takes no lock, so the
catalogue and the pages can import its dataclasses cheaply.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from . import storage
from .messages import Bilingual, Message, message
from .problems import Problem
from .storage import sha256_hex

MANIFEST_FILE = "manifest-sha256.txt"
SM3_MANIFEST_FILE = "manifest-sm3.txt"  # the same lines with SM3 (GB/T 32905), for files filed since SM3
LOG_FILE = "filing-log.jsonl"
ZERO_DIGEST = "0" * 64
ACTIONS = ("file", "amend", "extend", "withdraw", "destroy", "transfer")
MANIFEST_LINE_RE = re.compile(r"^(?P<digest>[0-9a-f]{64})[ \t]+(?P<path>\S.*)$")


# --- digests ---------------------------------------------------------------------------------
def short(digest: str | None) -> str | Message:
    """The first 12 hex digits, for messages (the full digest is in the manifest)."""
    return f"{digest[:12]}…" if digest else message("part.none")


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


def read_manifest(root: Path, name: str = MANIFEST_FILE) -> Manifest:
    """``manifest-sha256.txt``, or (``name=SM3_MANIFEST_FILE``) ``manifest-sm3.txt``."""
    manifest = Manifest()
    path = Path(root) / name
    algorithm = "SHA-256" if name == MANIFEST_FILE else "SM3"
    if not path.exists():
        return manifest
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        manifest.problems.append(Problem(name, 0, "", message("E-manifest-not-utf8", algorithm=algorithm.lower())))
        return manifest
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        m = MANIFEST_LINE_RE.match(line.rstrip("\r"))
        if not m:
            manifest.problems.append(Problem(
                name, number, "",
                message("E-manifest-line-bad", algorithm=algorithm, got=line[:80]),
            ))
            continue
        rel = _decode_path(m["path"])
        if rel in manifest.digests:
            manifest.problems.append(Problem(
                name, number, "", message("E-manifest-line-twice", path=rel, first=manifest.lines[rel])
            ))
            continue
        manifest.digests[rel] = m["digest"]
        manifest.lines[rel] = number
    return manifest


def manifest_text(digests: dict[str, str]) -> str:
    return "".join(f"{digests[p]}  {_encode_path(p)}\n" for p in sorted(digests))


def write_manifest(root: Path, digests: dict[str, str], name: str = MANIFEST_FILE) -> None:
    storage.atomic_write(Path(root) / name, manifest_text(digests))


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
            message("E-log-no-line-end"),
        ))
    expected_prev = ZERO_DIGEST
    expected_seq = 1
    for number, raw in enumerate(raw_lines, start=1):
        log.count = number

        def problem(key: str, code: str, number: int = number, **args: object) -> None:
            log.problems.append(Problem(LOG_FILE, number, key, message(code, **args)))

        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            entry = None
        if not isinstance(entry, dict):
            problem("", "E-log-line-not-json")
            expected_prev = sha256_hex(raw)
            expected_seq += 1
            continue
        missing = [k for k in REQUIRED_LOG_KEYS if k not in entry]
        if missing:
            problem(missing[0], "E-log-entry-incomplete", missing=missing, required=REQUIRED_LOG_KEYS)
        if entry.get("prev") != expected_prev:
            if number == 1:
                what = message("part.log-first-prev", zero=short(ZERO_DIGEST))
            else:
                what = message("part.log-prev-mismatch", line=number - 1)
            got = short(str(entry.get("prev")))
            problem("prev", "E-log-chain-broken", what=what, expected=short(expected_prev), got=got)
        if entry.get("seq") != expected_seq:
            problem("seq", "E-log-seq-bad", seq=str(entry.get("seq")), previous=expected_seq - 1,
                    expected=expected_seq)
        seq = entry.get("seq")
        expected_seq = seq + 1 if isinstance(seq, int) and not isinstance(seq, bool) else expected_seq + 1
        if entry.get("action") not in ACTIONS:
            problem("action", "E-log-action-unknown", action=repr(entry.get("action")), actions=ACTIONS)
        if "time" in entry and parse_time(entry.get("time")) is None:
            problem("time", "E-log-time-bad", got=repr(entry.get("time")))
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
    approver: str = ""
    destroyed_by: str = ""  # destroyed: the 销毁清册's number
    list_path: str = ""  # destroyed: the 清册's own record
    list_archive_no: str = ""
    kept: bool = False  # the file and its manifest lines stay (withdrawals since issue 15); before, deleted


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
    # The 备考表 as the file entry gives it; None in entries written before they were recorded.
    by: str | None = None  # 整理人
    checked_by: str | None = None  # 检查人
    checked_on: date | None = None  # 检查日期, when not the filing date
    note: str | None = None  # 本件情况说明
    earlier_withdrawal: WithdrawnEntry | None = None  # withdrawn before this filing, under this path
    attachments: dict[str, str] = field(default_factory=dict)  # name in <stem>.files/ -> SHA-256
    sm3: str | None = None  # None: filed before SM3 was recorded
    attachments_sm3: dict[str, str] | None = None
    # 延长 (``archive extend``): the retention its 档号 was filed under, while ``retention`` is the
    # longer one an appraisal decided; None: never extended.
    filed_retention: str | None = None
    extend_line: int = 0
    transferred_on: date | None = None  # 移交: handed to the archives (``archive transfer``), the record kept
    transfer_line: int = 0

    @property
    def kept(self) -> bool:
        """Withdrawn with its file kept: the file, attachments and manifest lines must still agree."""
        return self.withdrawn and self.withdrawal is not None and self.withdrawal.kept

    @property
    def filed_on(self) -> date | None:
        return self.filed_at.date() if self.filed_at else None

    def files(self) -> dict[str, tuple[str, str | None]]:
        """Every file this record was filed (or last amended) with: path -> (SHA-256, SM3 or None)."""
        folder = self.path[: -len(".md")] + ".files/"
        sm3 = self.attachments_sm3 or {}
        found = {self.path: (self.digest, self.sm3)}
        found.update((folder + name, (digest, sm3.get(name))) for name, digest in sorted(self.attachments.items()))
        return found


_HEX64 = re.compile(r"^[0-9a-f]{64}\Z")


def _digest_map(value: object) -> dict[str, str] | None:
    """A log entry's ``attachments`` or ``attachments_sm3``: {name: 64 hex digits}; None when malformed."""
    if not isinstance(value, dict):
        return None
    if all(isinstance(k, str) and "/" not in k and isinstance(v, str) and _HEX64.match(v) for k, v in value.items()):
        return dict(value)
    return None


def _digests_of(entry: LogEntry, problem) -> tuple[dict[str, str], str | None, dict[str, str] | None]:
    """(attachments, sm3, attachments_sm3) an entry records; an entry written before they existed
    has none: no attachments, no SM3."""
    attachments: dict[str, str] = {}
    if "attachments" in entry.data:
        found = _digest_map(entry.get("attachments"))
        if found is None:
            problem(message("E-log-digests-bad", key="attachments", got=str(entry.get("attachments"))[:80],
                            expected=message("part.log-digest-map", algorithm="sha256")))
        attachments = found or {}
    sm3 = entry.get("sm3")
    if sm3 is not None and not (isinstance(sm3, str) and _HEX64.match(sm3)):
        problem(message("E-log-digests-bad", key="sm3", expected=message("part.log-sm3-hex"), got=str(sm3)[:80]))
        sm3 = None
    attachments_sm3 = _digest_map(entry.get("attachments_sm3")) if "attachments_sm3" in entry.data else None
    if "attachments_sm3" in entry.data and attachments_sm3 is None:
        problem(message("E-log-digests-bad", key="attachments_sm3", got=str(entry.get("attachments_sm3"))[:80],
                        expected=message("part.log-digest-map", algorithm="sm3")))
    return attachments, sm3, attachments_sm3


def _date_of(value: object) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


# What an entry does to a path, for "… which is not filed at that point of the log".
_VERBS = {"amend": Bilingual("修改", "amends"), "extend": Bilingual("延长保管期限", "extends"),
          "withdraw": Bilingual("撤出", "withdraws"), "destroy": Bilingual("销毁", "destroys"),
          "transfer": Bilingual("移交", "transfers")}


def replay(log: FilingLog) -> tuple[dict[str, RecordHistory], list[Problem]]:
    """Each path's current state from the log, and entries that make no sense in order."""
    states: dict[str, RecordHistory] = {}
    problems: list[Problem] = []
    for entry in log.entries:
        action, rel = entry.action, entry.path
        digest = entry.get("digest")
        state = states.get(rel)
        live = state is not None and not state.withdrawn

        def problem(said: Message, entry: LogEntry = entry) -> None:
            problems.append(Problem(LOG_FILE, entry.line, "action", said))

        if action == "file":
            if live:
                problem(message("E-log-filed-twice", path=rel, line=state.filed_line))
            if not isinstance(digest, str):
                problem(message("E-log-digest-missing", need=message("part.log-file-needs-digest"), got=repr(digest)))
                continue
            attachments, sm3, attachments_sm3 = _digests_of(entry, problem)
            states[rel] = RecordHistory(
                path=rel, archive_no=str(entry.get("archive_no")), digest=digest, filed_at=entry.time,
                retention=entry.get("retention"), title=entry.get("title"), line=entry.line, filed_line=entry.line,
                by=_text(entry.get("by")), checked_by=_text(entry.get("checked_by")),
                checked_on=_date_of(entry.get("checked_on")), note=_text(entry.get("note")),
                earlier_withdrawal=state.withdrawal if state is not None and state.withdrawn else None,
                attachments=attachments, sm3=sm3, attachments_sm3=attachments_sm3,
            )
        elif action in ("amend", "extend"):
            if not live:
                problem(message("E-log-not-filed", verb=_VERBS[action], path=rel))
                continue
            if not isinstance(digest, str):
                problem(message("E-log-digest-missing", got=repr(digest),
                                need=message("part.log-change-needs-digest", action=action)))
                continue
            if entry.get("previous_digest") != state.digest:
                problem(message("E-log-previous-digest", got=short(str(entry.get("previous_digest"))),
                                digest=short(state.digest), line=state.line))
            when = entry.time
            state.amendments.append(Amendment(
                date=when.date() if when else date.min, reason=str(entry.get("reason") or ""), time=when,
                digest=digest, previous_digest=str(entry.get("previous_digest") or ""), author=entry.get("author"),
            ))
            state.digest = digest
            state.line = entry.line
            if "attachments" in entry.data or "sm3" in entry.data:  # an amend since attachments and SM3
                state.attachments, state.sm3, state.attachments_sm3 = _digests_of(entry, problem)
            if action == "extend":
                if entry.get("previous_retention") != state.retention:
                    problem(message("E-log-previous-retention", got=repr(entry.get("previous_retention")),
                                    retention=repr(state.retention), path=rel))
                state.filed_retention = state.filed_retention or state.retention
                state.retention, state.extend_line = _text(entry.get("retention")), entry.line
        elif action in ("withdraw", "destroy"):
            if not live:
                problem(message("E-log-not-filed", verb=_VERBS[action], path=rel))
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
                approver=str(entry.get("approver") or ""), kept=entry.get("kept") is True,
            )
            if action == "destroy":
                state.withdrawal = replace(
                    state.withdrawal, reason="已销毁", destroyed_by=str(entry.get("list") or ""),
                    list_path=str(entry.get("list_path") or ""),
                    list_archive_no=str(entry.get("list_archive_no") or ""),
                )
        elif action == "transfer":  # the record stays filed and unchanged: only its 备注 says so
            if not live:
                problem(message("E-log-not-filed", verb=_VERBS[action], path=rel))
                continue
            if state.transferred_on is not None:
                problem(message("E-log-transferred-twice", path=rel, line=state.transfer_line))
            when = entry.time
            day = _date_of(entry.get("date")) or (when.date() if when else date.min)
            state.transferred_on, state.transfer_line = day, entry.line
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
