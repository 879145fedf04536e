"""``archive verify`` and the build's fixity check: every filed record present and unchanged,
the manifest agreeing with the log, the log's chain intact and unchanged since its last commit,
档号 unique and 件号 without gaps.

Both read the records once, through ``load_archive`` (its ``sources`` carry each file's digest),
and the manifest and the log through ``fixity``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import storage
from .archive import Archive, load_archive
from .filing import archive_lock
from .fixity import (
    LOG_FILE,
    MANIFEST_FILE,
    SM3_MANIFEST_FILE,
    Manifest,
    RecordHistory,
    read_log,
    read_manifest,
    replay,
    short,
)
from .git import committed_bytes
from .messages import Message, message, say
from .numbering import claimed_numbers
from .problems import ERROR, Problem, Problems
from .progress import Report
from .storage import sm3_hex


@dataclass
class VerifyReport:
    """What ``archive verify`` prints (or writes as JSON): the findings, then the counts behind them."""

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
    # What the findings were made from, for the 四性 report (``four_properties``): not printed.
    archive: Archive | None = field(default=None, repr=False, compare=False)
    states: dict[str, RecordHistory] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.findings


def committed_log_problems(root: Path) -> tuple[list[Problem], str]:
    """The log is append-only: the lines committed in git (``HEAD:filing-log.jsonl``) must still
    open the file, byte for byte. This also covers the last line, which no later ``prev`` protects.

    Returns (problems, what was checked); outside git, or before the log is committed, nothing.
    """
    path = Path(root) / LOG_FILE
    committed, why_not = committed_bytes(root, LOG_FILE)
    if committed is None:
        return [], why_not
    current = path.read_bytes() if path.exists() else b""
    if current.startswith(committed):
        lines = committed.count(b"\n")
        return [], say("out.verify-git-unchanged", lines=lines)
    old_lines, new_lines = committed.split(b"\n"), current.split(b"\n")
    line = next((i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), start=1) if a != b),
                min(len(old_lines), len(new_lines)))
    return [Problem(LOG_FILE, line, "", message("E-log-differs-from-git", line=line))], say("out.verify-git-changed")


def integrity_findings(archive: Archive) -> tuple[list[Problem], dict]:
    """Everything about fixity and the log that record validation does not already report."""
    root = archive.root
    manifest = read_manifest(root)
    log = archive.log if archive.log is not None else read_log(root)  # the reading the records were checked with
    sm3_manifest = read_manifest(root, SM3_MANIFEST_FILE)
    findings: list[Problem] = list(manifest.problems) + list(sm3_manifest.problems) + list(log.problems)
    committed, committed_note = committed_log_problems(root)
    findings.extend(committed)
    states, order_problems = replay(log)
    findings.extend(order_problems)

    def add(path: str, line: int, field: str, code: str, /, **args: object) -> None:
        findings.append(Problem(path, line, field, message(code, **args), ERROR))

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

    expected: dict[str, str] = {}  # every file the log says is filed: path -> SHA-256
    expected_sm3: dict[str, str] = {}
    for rel, state in sorted(states.items()):
        in_manifest = manifest.digests.get(rel)
        if state.withdrawn and not state.kept:
            if in_manifest is not None:
                add(MANIFEST_FILE, manifest.lines[rel], "", "E-withdrawn-still-listed", path=rel, line=state.line)
            if state.withdrawal and state.withdrawal.destroyed_by:
                findings.extend(destruction_findings(root, state, states))
            continue
        for path, (sha256, sm3) in state.files().items():
            expected[path] = sha256
            for name, listed, digest in ((MANIFEST_FILE, manifest, sha256), (SM3_MANIFEST_FILE, sm3_manifest, sm3)):
                if digest is None:
                    continue  # filed before SM3 was recorded
                if name == SM3_MANIFEST_FILE:
                    expected_sm3[path] = digest
                findings.extend(_manifest_line(name, listed, path, digest, state))
        findings.extend(attachment_findings(archive, state))
        now = digest_of(rel)
        if now is None and rel in digests:  # there but unreadable: said where it was read
            continue
        if now is None:
            add(rel, 0, "", "E-filed-file-missing", archive_no=state.archive_no, line=state.filed_line)
            continue
        claim = claims_filed.get(rel)
        if claim is None:
            add(rel, records_by_path[rel].line("status") if rel in records_by_path else 1, "status",
                "E-changed-after-filing", target="", detail=message(
                    "part.no-longer-filed", archive_no=state.archive_no, filed=short(state.digest), now=short(now)))
            continue
        if now != state.digest:
            add(rel, claim["line"], "status", "E-changed-after-filing", target="",
                detail=message("part.sha256-changed", filed=short(state.digest), now=short(now)))
        elif state.sm3 is not None and (sm3_now := _sm3_of(root / rel)) != state.sm3:
            add(rel, claim["line"], "status", "E-changed-after-filing", target="",
                detail=message("part.sm3-changed", filed=short(state.sm3), now=short(sm3_now)))
        if claim.get("archive_no") and claim["archive_no"] != state.archive_no:
            add(rel, records_by_path[rel].line("archive_no") if rel in records_by_path else 1, "archive_no",
                "E-archive-no-not-filed-one", claimed=claim.get("archive_no"), archive_no=state.archive_no,
                line=state.filed_line)

    for rel in sorted(sm3_manifest.digests):
        if rel in expected_sm3 or (rel in manifest.digests and rel not in expected):
            continue  # agrees with the log, or its SHA-256 line is reported below
        if not (rel in states and states[rel].withdrawn and not states[rel].kept):
            add(SM3_MANIFEST_FILE, sm3_manifest.lines[rel], "", "E-sm3-line-unlogged", path=rel)
        else:
            add(SM3_MANIFEST_FILE, sm3_manifest.lines[rel], "", "E-withdrawn-still-listed", path=rel,
                line=states[rel].line)
    for rel in sorted(manifest.digests):
        state = states.get(rel)
        if state is None and rel in expected:
            continue  # an attachment of a filed record, checked with it
        if state is None:
            if not log.intact:
                hint = message("part.hint-log-broken")
            elif rel in claims_filed:
                hint = message("part.hint-interrupted-file", path=rel,
                               retention=claims_filed[rel].get("retention") or "…")
            else:
                hint = message("part.hint-added-by-hand")
            add(MANIFEST_FILE, manifest.lines[rel], "", "E-manifest-line-unlogged", path=rel, hint=hint)

    for rel, claim in sorted(claims_filed.items()):
        state = states.get(rel)
        if state is not None and (not state.withdrawn or state.kept):
            continue
        if rel in manifest.digests:
            continue  # reported above as a manifest line without a log entry
        if state is not None and state.withdrawn:
            add(rel, claim["line"], "status", "E-withdrawn-still-filed", path=rel, line=state.line,
                date=str(state.withdrawal.date) if state.withdrawal else "?")
            continue
        add(rel, claim["line"], "status", "E-half-filed", path=rel, retention=claim.get("retention") or "…")

    # 档号: unique across the log's history and the records; 件号 without gaps per class.
    claims = claimed_numbers(archive, log)
    first_owner: dict[str, str] = {}
    for entry in log.entries:
        if entry.action != "file":
            continue
        no, rel = str(entry.get("archive_no")), entry.path
        if no in first_owner and first_owner[no] != rel:
            add(LOG_FILE, entry.line, "archive_no", "E-archive-no-reused", archive_no=no, path=rel,
                owner=first_owner[no])
        first_owner.setdefault(no, rel)
    for record in archive.records + archive.broken:
        owner = first_owner.get(record.archive_no or "")
        if owner and owner != record.path:
            add(record.path, record.line("archive_no"), "archive_no", "E-archive-no-taken",
                archive_no=record.archive_no, owner=owner)
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
            add(holder, line, "archive_no", "E-number-gap", number=f"{n:04d}", archive_class=cls,
                present=[f"{k:04d}" for k in present])
    summary = {
        "states": states, "classes": classes, "manifest_lines": len(manifest.digests),
        "log_entries": log.count, "log_head": log.head, "log_intact": log.intact, "git": committed_note,
    }
    return findings, summary


def destruction_findings(root: Path, state: RecordHistory, states: dict[str, RecordHistory]) -> list[Problem]:
    """A destroyed record is accepted only with its destroy entry and its 清册: a filed record (its
    digest checked like any other) that lists the record's 档号."""
    w = state.withdrawal
    assert w is not None
    lst = states.get(w.list_path)
    where = (LOG_FILE, state.line, "list_path")
    if lst is None or lst.withdrawn or lst.archive_no != w.list_archive_no:
        return [Problem(*where, message("E-destroyed-list-not-filed", archive_no=state.archive_no,
                                        by=w.destroyed_by, list_path=w.list_path,
                                        list_archive_no=w.list_archive_no))]
    try:
        text = (Path(root) / w.list_path).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # missing or unreadable: reported as the filed 清册's own finding
    if state.archive_no not in text:
        return [Problem(*where, message("E-destroyed-not-listed", archive_no=state.archive_no,
                                        by=w.destroyed_by, list_path=w.list_path))]
    return []


def _manifest_line(name: str, manifest: Manifest, path: str, digest: str, state: RecordHistory) -> list[Problem]:
    """A filed file's line in one manifest agrees with the log."""
    listed = manifest.digests.get(path)
    if listed is None:
        return [Problem(name, 0, "", message("E-manifest-line-missing", path=path, archive_no=state.archive_no,
                                             line=state.line))]
    if listed != digest:
        return [Problem(name, manifest.lines[path], "", message(
            "E-manifest-digest-differs", path=path, line=state.line, listed=short(listed), logged=short(digest)))]
    return []


def _sm3_of(path: Path) -> str | None:
    try:
        return sm3_hex(path.read_bytes())
    except OSError:
        return None


def _changed(rel: str, detail: Message) -> Message:
    return message("E-changed-after-filing", target=f" {rel}", detail=detail)


def attachment_findings(archive: Archive, state: RecordHistory) -> list[Problem]:
    """A filed record's attachments against the log: each changed, missing or added file named."""
    rel = state.path
    now = {a.name: a for a in archive.attachments.get(rel, [])}
    folder = rel[: -len(".md")] + ".files/"
    found = []
    for name in sorted(set(now) | set(state.attachments)):
        filed, current = state.attachments.get(name), now.get(name)
        path = folder + name
        if current is None:
            found.append(Problem(path, 0, "attachment", message(
                "E-attachment-missing", path=rel, archive_no=state.archive_no, line=state.line)))
        elif filed is None:
            found.append(Problem(path, 0, "attachment", message(
                "E-attachment-added", path=rel, archive_no=state.archive_no, line=state.line)))
        elif current.sha256 != filed:
            found.append(Problem(path, 0, "attachment", _changed(
                rel, message("part.sha256-changed", filed=short(filed), now=short(current.sha256)))))
        elif state.attachments_sm3 and name in state.attachments_sm3 and current.sm3 != state.attachments_sm3[name]:
            found.append(Problem(path, 0, "attachment", _changed(
                rel, message("part.sm3-changed", filed=short(state.attachments_sm3[name]), now=short(current.sm3)))))
    return found


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


def verify(root: Path, today: date | None = None, bodies: bool = False, progress: Report | None = None
           ) -> VerifyReport:
    """Recompute every digest and check manifest, log, 档号 and 件号 (``archive verify``).
    ``bodies``: keep the records' bodies in ``report.archive`` (the 四性 report reads them);
    ``progress`` hears of each file read."""
    root = Path(root).resolve()
    with archive_lock(root, shared=True):
        archive = load_archive(root, today, bodies=bodies, progress=progress)
        findings, summary = integrity_findings(archive)
    if not archive.registry.fonds:
        findings = archive.problems.errors + findings
    findings += [p for p in archive.problems.errors if p.field in VERIFY_VALIDATION_FIELDS]
    if archive.registry.fonds:
        findings += [
            Problem(rel, 0, "", message("E-temp-file-left"))
            for rel in storage.leftover_temp_files(root, archive.registry.docs_dir)
        ]
    states = summary["states"]
    # A filed record that cannot even be read (a control character, an encoding): say why, beside
    # "changed after filing" (what no longer validates is for check and the build to say).
    readable = {r.path for r in archive.records + archive.broken}
    unreadable = {rel for rel, s in states.items() if not s.withdrawn or s.kept} - readable
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
        archive=archive,
        states=states,
    )
