"""延长: ``archive extend``, an appraisal's decision to keep a 定期 record longer.

The record's ``retention`` is raised (never lowered) and its 档号 stays as filed: the 档号 records
the class the record was filed in, and DA/T 22 does not renumber on appraisal. The log's
``extend`` entry (old and new retention, reason, approval, the new digest) is what lets the record
check accept a 档号 whose retention code is lower than the record's retention.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from . import frontmatter, storage
from .archive import load_archive
from .filing import Outcome, Result, _open_for_writing, _with_attachments, archive_lock, project_path
from .filing_details import required_text
from .fixity import append_log, short
from .git import git_author
from .messages import message
from .problems import UsageError
from .schema import RETENTION_CODES
from .storage import sha256_hex

LONGER = {"永久": 2, "30年": 1, "10年": 0}  # a retention may only move up this order


def retention_line(data: bytes) -> int:
    """The line of ``retention`` in a record's front-matter (0 when it cannot be read)."""
    try:
        return frontmatter.parse(data).lines.get("retention", 0)
    except frontmatter.SourceError:
        return 0


def extend_record(root: Path, path: str, retention: str, reason: str, approval: str,
                  today: date | None = None) -> Result:
    """Raise a filed record's retention, with the reason and the approval, in the record and the log."""
    root = Path(root).resolve()
    if retention not in LONGER:
        raise UsageError("E-option-retention-bad", option="--retention", expected=list(RETENTION_CODES),
                         suggestion=message("part.option-got", got=retention))
    reason = required_text("--reason", reason, message("part.extend-reason"))
    approval = required_text("--approval", approval, message("part.extend-approval"))
    rel = project_path(root, path)
    result = Result()
    with archive_lock(root):
        opened = _open_for_writing(root, "extending", result)
        if opened is None:
            return result
        manifest, log, states = opened
        state = states.get(rel)
        if state is None or state.withdrawn:
            what = message("part.extend-withdrawn" if state else "part.extend-not-filed")
            result.problems.error(rel, 0, "retention", "E-extend-not-filed", what=what)
            return result
        old = state.retention or ""
        file = root / rel
        if not file.is_file():
            result.problems.error(rel, 0, "", "E-extend-file-missing", number=state.archive_no)
            return result
        data = file.read_bytes()
        if LONGER.get(old, -1) >= LONGER[retention]:
            longer = sorted((r for r in LONGER if LONGER[r] > LONGER.get(old, -1)), key=LONGER.get)
            result.problems.error(rel, retention_line(data), "retention", "E-extend-not-longer",
                                  number=state.archive_no, old=old, retention=retention,
                                  longer=message("part.extend-either", first=longer[0], second=longer[1])
                                  if len(longer) == 2 else longer[0] if longer else message("part.extend-longest"))
            return result
        if sha256_hex(data) != state.digest:
            # An interrupted extend wrote the record but not the log: the same edit of the filed bytes.
            undone = storage.edit_front_matter(data, {"retention": old})
            redone = storage.edit_front_matter(undone, {"retention": retention})
            if sha256_hex(undone) != state.digest or redone != data:
                result.problems.error(rel, 0, "", "E-extend-changed", before=short(state.digest),
                                      now=short(sha256_hex(data)))
                return result
            data = undone
        new_data = storage.edit_front_matter(data, {"retention": retention})
        storage.atomic_write(file, new_data)
        archive = load_archive(root, today)  # checks the record as it now reads (and finds its attachments)
        record = next((r for r in archive.records + archive.broken if r.path == rel), None)
        digest = sha256_hex(new_data)
        outcome = Outcome(rel, "extended", state.archive_no, digest, previous_digest=state.digest,
                          retention=retention, note=old)
        if record is not None:
            outcome = _with_attachments(outcome, record, new_data)
        if manifest.replace(rel, outcome.digests()):
            manifest.write(root)
        append_log(root, log, {
            "action": "extend", "path": rel, "archive_no": state.archive_no, "digest": digest,
            "previous_digest": state.digest, **outcome.log_digests(), "previous_retention": old,
            "retention": retention, "reason": reason, "approval": approval, "author": git_author(root),
        })
        result.outcomes.append(outcome)
    return result
