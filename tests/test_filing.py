"""Filing and integrity: `archive file`, `amend`, `withdraw`, `verify`, run as real processes on
temporary archives; every tamper case detected by verify and by the build's fixity check."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import BUILD_DATE, Project, minimal
from conftest import REPO as REPO_ROOT

from filing_archive.archive import load_archive
from filing_archive.fixity import record_history, withdrawn_entries
from filing_archive.verify import fixity_problems

AUTHOR = {"GIT_AUTHOR_NAME": "档案员", "GIT_AUTHOR_EMAIL": "clerk@example.org"}
CHECKER = ("--checked-by", "检查员")  # 整理人 is the git user (AUTHOR); the 检查人 is another person
A, B, C, D = (f"docs/archive/{p}" for p in ("AAA/2025/a.md", "AAA/2025/b.md", "AAA/2025/c.md", "BBB/2025/d.md"))
ZERO = "0" * 64
CRASH_CLI = Path(__file__).resolve().parent / "crash_cli.py"  # the command line, killed at a named write


def paged(**fields) -> dict:
    """A valid published record that can be filed: ``minimal`` with its 页数."""
    return minimal(**{**fields, "pages": fields.get("pages", 2)})


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def short(digest: str) -> str:
    return digest[:12] + "…"


MORE = re.compile(r" \(see the handbook: en/handbook/errors/#[ew]-[a-z0-9-]+\)$")


def more(code: str) -> str:
    """The trailer of a shown problem: where the handbook explains its code."""
    return f" (see the handbook: en/handbook/errors/#{code.lower()})"


def findings(result: subprocess.CompletedProcess) -> list[str]:
    """The lines of a report that name a file: the findings, without the handbook trailer
    (``test_messages_filing`` checks the trailers)."""
    prefixes = ("docs/", "manifest-sha256.txt", "filing-log.jsonl", "archive.yml")
    return [MORE.sub("", line) for line in result.stdout.splitlines() if line.startswith(prefixes)]


def build_findings(project: Project) -> list[str]:
    """What the build's fixity check (filing.fixity_problems) reports for this project."""
    archive = load_archive(project.root, date.fromisoformat(BUILD_DATE))
    findings, _ = fixity_problems(archive)
    return [str(p) for p in findings]


def log_entries(project: Project) -> list[dict]:
    return [json.loads(line) for line in (project.root / "filing-log.jsonl").read_text("utf-8").splitlines()]


def log_lines(project: Project) -> list[str]:
    return (project.root / "filing-log.jsonl").read_text("utf-8").splitlines(keepends=True)


def write_log_lines(project: Project, lines: list[str]) -> None:
    (project.root / "filing-log.jsonl").write_text("".join(lines), encoding="utf-8")


def small_archive(project: Project) -> Project:
    """Three 2025 records of AAA (dated out of file-name order) and one of BBB, all published."""
    project.record("AAA/2025/a.md", **paged(title="三月集中学习", date="2025-03-12"))
    project.record("AAA/2025/b.md", **paged(title="四月集中学习", date="2025-04-02"))
    project.record("AAA/2025/c.md", **paged(title="二月集中学习", date="2025-02-20"))
    project.record("BBB/2025/d.md", **paged(title="乙中学通报", type="notice", unit="BBB", date="2025-05-06",
                                              form=None))
    return project


def file_(project: Project, *paths: str, retention: str = "永久", env: dict | None = None):
    return project.archive("file", *paths, "--retention", retention, *CHECKER, env={**AUTHOR, **(env or {})})


@pytest.fixture(scope="session")
def filed_template(tmp_path_factory) -> Path:
    """The small archive with a, b, c filed 永久 (c 0001, a 0002, b 0003) and d filed 10年."""
    project = small_archive(Project(tmp_path_factory.mktemp("filed") / "proj", with_site_files=False))
    assert file_(project, A, B, C).returncode == 0
    assert file_(project, D, retention="10年").returncode == 0
    return project.root


@pytest.fixture
def filed(filed_template, tmp_path) -> Project:
    root = tmp_path / "proj"
    shutil.copytree(filed_template, root)
    return Project.existing(root)


# --- archive file ---------------------------------------------------------------------------
def test_file_assigns_numbers_in_date_order_and_writes_record_manifest_and_log(project):
    small_archive(project)
    body_before = (project.root / A).read_bytes().split(b"---\n", 2)[2]
    result = file_(project, A, B, C)
    assert result.returncode == 0, result.stdout + result.stderr
    digests = {p: sha(project.root / p) for p in (A, B, C)}
    assert result.stdout.splitlines() == [
        f"{C}: filed as Z001-WS·2025-Y-AAA-0001 (sha256 {short(digests[C])})",
        f"{A}: filed as Z001-WS·2025-Y-AAA-0002 (sha256 {short(digests[A])})",
        f"{B}: filed as Z001-WS·2025-Y-AAA-0003 (sha256 {short(digests[B])})",
        "filed 3 records: 0 errors",
    ]
    # Only the affected front-matter lines change; the body is byte-identical.
    assert (project.root / A).read_text("utf-8") == (
        "---\ntitle: 三月集中学习\ntype: study\nunit: AAA\ndate: 2025-03-12\nstatus: filed\nretention: 永久\n"
        "archive_no: Z001-WS·2025-Y-AAA-0002\nform: 集中学习\npages: 2\n---\n正文。\n"
    )
    assert (project.root / A).read_bytes().split(b"---\n", 2)[2] == body_before
    assert (project.root / "manifest-sha256.txt").read_text("utf-8") == "".join(
        f"{digests[p]}  {p}\n" for p in sorted(digests)
    )
    entries = log_entries(project)
    assert [(e["seq"], e["action"], e["path"], e["archive_no"], e["digest"]) for e in entries] == [
        (1, "file", C, "Z001-WS·2025-Y-AAA-0001", digests[C]),
        (2, "file", A, "Z001-WS·2025-Y-AAA-0002", digests[A]),
        (3, "file", B, "Z001-WS·2025-Y-AAA-0003", digests[B]),
    ]
    lines = log_lines(project)
    assert entries[0]["prev"] == ZERO
    assert entries[1]["prev"] == hashlib.sha256(lines[0].rstrip("\n").encode()).hexdigest()
    assert entries[2]["prev"] == hashlib.sha256(lines[1].rstrip("\n").encode()).hexdigest()
    assert entries[0]["author"] == "档案员 <clerk@example.org>"
    assert entries[0]["time"].endswith("Z") and entries[0]["retention"] == "永久"
    assert entries[0]["title"] == "二月集中学习"
    assert project.archive("check").returncode == 0
    verify = project.archive("verify")
    assert verify.returncode == 0, verify.stdout
    assert "    Z001-WS·2025-Y-AAA  0001–0003 (3 records)" in verify.stdout.splitlines()


def test_file_continues_the_class_and_keeps_classes_apart(filed):
    filed.record("AAA/2025/e.md", **paged(title="五月", date="2025-05-20"))
    filed.record("AAA/2025/f.md", **paged(title="六月", date="2025-06-20"))
    result = file_(filed, "docs/archive/AAA/2025/e.md")
    assert result.stdout.splitlines()[0].startswith(
        "docs/archive/AAA/2025/e.md: filed as Z001-WS·2025-Y-AAA-0004 "
    )
    result = file_(filed, "docs/archive/AAA/2025/f.md", retention="10年")  # another class: its own 0001
    assert result.stdout.splitlines()[0].startswith(
        "docs/archive/AAA/2025/f.md: filed as Z001-WS·2025-D10-AAA-0001 "
    )
    assert (filed.root / D).read_text("utf-8").count("archive_no: Z001-WS·2025-D10-BBB-0001") == 1
    assert filed.archive("verify").returncode == 0


def test_file_keeps_bom_and_crlf_and_other_lines(project):
    text = "\ufeff---\r\ntitle: 学习\r\ntype: study   # 学习记录\r\nunit: AAA\r\ndate: 2025-03-12\r\n" \
           "status: published\r\nretention: 10年\r\nform: 集中学习\r\n---\r\n正文\r\n"
    path = project.write("docs/archive/AAA/2025/a.md", text.encode("utf-8"))
    assert project.archive("file", A, "--retention", "30年", "--pages", "1", *CHECKER, env=AUTHOR).returncode == 0
    assert path.read_bytes() == (
        "\ufeff---\r\ntitle: 学习\r\ntype: study   # 学习记录\r\nunit: AAA\r\ndate: 2025-03-12\r\n"
        "status: filed\r\nretention: 30年\r\narchive_no: Z001-WS·2025-D30-AAA-0001\r\npages: 1\r\nform: 集中学习\r\n"
        "---\r\n正文\r\n"
    ).encode("utf-8")


def test_file_refuses_drafts_and_invalid_records_and_writes_nothing(project):
    project.record("AAA/2025/a.md", **paged(status="draft"))
    project.record("AAA/2025/b.md", **paged(date="2025-02-30"))
    result = file_(project, A, B)
    assert result.returncode == 1
    assert [MORE.sub("", line) for line in result.stdout.splitlines()] == [
        f"{B}:5: date: not a real calendar date (expected YYYY-MM-DD, got 2025-02-30)",
        f"{B}: not filed: correct the errors above first",
        f"{A}:6: status: a draft cannot be filed: set status: published when the record is final, then file it",
        "filed 0 records: 3 errors",
    ]
    assert result.stdout.splitlines()[1:3] == [
        f"{B}: not filed: correct the errors above first{more('E-errors-first')}",
        f"{A}:6: status: a draft cannot be filed: set status: published when the record is final, then file it"
        f"{more('E-draft-not-filed')}",
    ]
    assert not (project.root / "manifest-sha256.txt").exists()
    assert not (project.root / "filing-log.jsonl").exists()
    assert "status: draft" in (project.root / A).read_text("utf-8")


def test_file_twice_is_harmless(filed):
    before = log_lines(filed)
    result = file_(filed, A)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"{A}: Z001-WS·2025-Y-AAA-0002: already filed: nothing to do",
        "filed 0 records: 0 errors",
    ]
    assert log_lines(filed) == before


def test_file_usage_errors_exit_2(filed):
    assert filed.archive("file", A, "--retention", "5年").returncode == 2
    missing = filed.archive("file", "docs/archive/AAA/2025/nope.md", "--retention", "永久")
    assert missing.returncode == 2
    assert missing.stderr == f"archive: no such file: docs/archive/AAA/2025/nope.md{more('E-no-such-file')}\n"


# --- archive amend --------------------------------------------------------------------------
def test_amend_records_new_and_old_digest_and_reason(filed):
    path = filed.root / A
    old = sha(path)
    path.write_text(path.read_text("utf-8") + "补充：会后补交学习心得两篇。\n", encoding="utf-8")
    new = sha(path)
    result = filed.archive("amend", A, "--reason", "补录会后心得", env=AUTHOR)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        f"{A}: amended Z001-WS·2025-Y-AAA-0002: sha256 {short(old)} -> {short(new)}"
    ]
    last = log_entries(filed)[-1]
    assert {k: last[k] for k in ("seq", "action", "path", "archive_no", "digest", "previous_digest", "reason")} == {
        "seq": 5, "action": "amend", "path": A, "archive_no": "Z001-WS·2025-Y-AAA-0002", "digest": new,
        "previous_digest": old, "reason": "补录会后心得",
    }
    assert f"{new}  {A}\n" in (filed.root / "manifest-sha256.txt").read_text("utf-8")
    assert filed.archive("verify").returncode == 0
    history = record_history(filed.root)[A]
    assert history.digest == new and history.archive_no == "Z001-WS·2025-Y-AAA-0002"
    assert [(a.reason, a.previous_digest, a.digest) for a in history.amendments] == [("补录会后心得", old, new)]
    assert history.amendments[0].date.isoformat() == last["time"][:10]
    assert history.filed_on.isoformat() == log_entries(filed)[1]["time"][:10]


def test_amend_refuses_what_is_not_an_amendment(filed):
    unchanged = filed.archive("amend", A, "--reason", "x")
    assert unchanged.returncode == 1
    assert unchanged.stdout == (f"{A}: unchanged since it was filed (sha256 {short(sha(filed.root / A))}): nothing to "
                                f"amend{more('E-amend-unchanged')}\n")
    filed.record("AAA/2025/e.md", **paged(date="2025-07-01"))
    not_filed = filed.archive("amend", "docs/archive/AAA/2025/e.md", "--reason", "x")
    assert not_filed.returncode == 1
    assert not_filed.stdout == ("docs/archive/AAA/2025/e.md: is not filed (no entry in filing-log.jsonl): "
                                f"only a filed record can be amended (use archive file){more('E-amend-not-filed')}\n")
    path = filed.root / A
    path.write_text(path.read_text("utf-8").replace("AAA-0002", "AAA-0009"), encoding="utf-8")
    renumbered = filed.archive("amend", A, "--reason", "x")
    assert renumbered.returncode == 1
    assert renumbered.stdout == (f"{A}:8: archive_no: an amendment keeps status: filed and the 档号 "
                                 f"Z001-WS·2025-Y-AAA-0002 (got status filed, archive_no Z001-WS·2025-Y-AAA-0009)"
                                 f"{more('E-amend-status-changed')}\n")
    assert filed.archive("amend", A).returncode == 2  # --reason is required
    assert filed.archive("amend", A, "--reason", "  ").returncode == 2


# --- archive withdraw -----------------------------------------------------------------------
WITHDRAW = ("--reason", "重复归档", "--approval", "撤出审批〔2026〕2号", "--approver", "赵批准")


def test_withdraw_keeps_the_file_and_its_digest_and_the_number(filed):
    filed.write("docs/archive/AAA/2025/b.en.md", "---\ntitle: April study\n---\nText.\n")
    before = sha(filed.root / B)
    manifest = (filed.root / "manifest-sha256.txt").read_text("utf-8")
    result = filed.archive("withdraw", B, *WITHDRAW, env=AUTHOR)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        f"{B}: withdrawn Z001-WS·2025-Y-AAA-0003",
        "  the file and its digest are kept; it is no longer published",
        "  filing-log.jsonl keeps the withdrawal for good",
    ]
    # Nothing is deleted or rewritten: the record, its translation and its manifest line stay.
    assert sha(filed.root / B) == before and (filed.root / "docs/archive/AAA/2025/b.en.md").exists()
    assert (filed.root / "manifest-sha256.txt").read_text("utf-8") == manifest
    last = log_entries(filed)[-1]
    assert {k: last[k] for k in ("action", "path", "archive_no", "digest", "reason", "approval", "approver", "title",
                                 "date", "kept")} == {
        "action": "withdraw", "path": B, "archive_no": "Z001-WS·2025-Y-AAA-0003", "digest": before,
        "reason": "重复归档", "approval": "撤出审批〔2026〕2号", "approver": "赵批准", "title": "四月集中学习",
        "date": "2025-04-02", "kept": True,
    }
    verify = filed.archive("verify")
    assert verify.returncode == 0, verify.stdout  # not missing, and 0003 still counts: no 漏号
    assert "filed: 3; withdrawn: 1" in verify.stdout
    [entry] = withdrawn_entries(filed.root)
    assert (entry.path, entry.archive_no, entry.title, entry.reason, entry.approval, entry.approver,
            entry.record_date, entry.kept) == (
        B, "Z001-WS·2025-Y-AAA-0003", "四月集中学习", "重复归档", "撤出审批〔2026〕2号", "赵批准", date(2025, 4, 2), True
    )
    assert record_history(filed.root)[B].withdrawn
    # The kept file is evidence: changing it is a verify finding, and it cannot be filed again.
    text = (filed.root / B).read_text("utf-8")
    (filed.root / B).write_text(text + "改动\n", "utf-8")
    assert f"{B}:6: status: changed after filing: use archive amend" in filed.archive("verify").stdout
    (filed.root / B).write_text(text, "utf-8")
    refiled = file_(filed, B)
    assert refiled.returncode == 1
    assert (f"{B}:6: status: withdrawn as Z001-WS·2025-Y-AAA-0003 (filing-log.jsonl line 5): its file is kept "
            "unchanged as the evidence of the withdrawal; file a corrected record under a new file name"
            ) in refiled.stdout
    # The number of a withdrawn record is never given again.
    filed.record("AAA/2025/e.md", **paged(date="2025-08-01"))
    assert "as Z001-WS·2025-Y-AAA-0004 " in file_(filed, "docs/archive/AAA/2025/e.md").stdout
    again = filed.archive("withdraw", B, *WITHDRAW)
    assert again.returncode == 0
    assert again.stdout == (f"{B}: Z001-WS·2025-Y-AAA-0003: already withdrawn (filing-log.jsonl line 5): "
                            "nothing to do\n")


def test_a_withdrawal_of_the_old_kind_still_verifies(filed):
    """Logs written before issue 15 withdrew by deleting the file and its manifest line: still valid."""
    lines = log_lines(filed)
    entry = {"seq": len(lines) + 1, "time": "2026-01-05T08:00:00Z", "action": "withdraw", "path": B,
             "archive_no": "Z001-WS·2025-Y-AAA-0003", "digest": sha(filed.root / B), "reason": "保管期满销毁",
             "approval": "销毁审批〔2026〕2号", "author": "王整理",
             "prev": hashlib.sha256(lines[-1].rstrip("\n").encode("utf-8")).hexdigest()}
    write_log_lines(filed, [*lines, json.dumps(entry, ensure_ascii=False) + "\n"])
    for name in ("manifest-sha256.txt", "manifest-sm3.txt"):
        manifest = filed.root / name
        manifest.write_text("".join(x for x in manifest.read_text().splitlines(keepends=True) if B not in x))
    (filed.root / B).unlink()
    verify = filed.archive("verify")
    assert verify.returncode == 0, verify.stdout
    assert "filed: 3; withdrawn: 1" in verify.stdout


def test_withdraw_refusals(filed):
    assert filed.archive("withdraw", A, "--reason", "x", "--approval", "y").returncode == 2  # --approver is required
    for option, value, message in (
        ("--approver", "  ", "--approver: blank (expected the name of the person who approved)"),
        ("--approver", "待定", "--approver: placeholder text '待定' (expected the name of the person who approved)"),
        ("--approval", "xxx", "--approval: placeholder text 'xxx' (expected the 审批 reference, e.g. "
                              "撤出审批〔2026〕2号)"),
        ("--reason", "TODO", "--reason: placeholder text 'TODO' (expected why the filing was an error)"),
    ):
        given = dict(zip(WITHDRAW[::2], WITHDRAW[1::2], strict=True)) | {option: value}
        result = filed.archive("withdraw", A, *[x for pair in given.items() for x in pair])
        assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (
            2, f"archive: {message}{more('E-option-placeholder')}"), result
    assert len(log_entries(filed)) == 4  # nothing written
    filed.record("AAA/2025/e.md", **paged(date="2025-08-01"))
    result = filed.archive("withdraw", "docs/archive/AAA/2025/e.md", *WITHDRAW)
    assert result.returncode == 1
    assert result.stdout == ("docs/archive/AAA/2025/e.md: is not filed (no entry in filing-log.jsonl): only a "
                             "filed record is withdrawn; a draft or published record can simply be deleted"
                             f"{more('E-withdraw-not-filed')}\n")
    assert (filed.root / "docs/archive/AAA/2025/e.md").exists()


def test_withdraw_refuses_a_plan_that_records_belong_to(project):
    project.record("AAA/2025/p.md", **paged(type="plan", form=None, date="2025-01-10", title="方案"))
    project.record("AAA/2025/s.md", **paged(plan="p", stage="宣传动员"))
    assert file_(project, "docs/archive/AAA/2025/p.md").returncode == 0
    result = project.archive("withdraw", "docs/archive/AAA/2025/p.md", *WITHDRAW)
    assert result.returncode == 1
    assert result.stdout == ("docs/archive/AAA/2025/p.md: records belong to this plan (docs/archive/AAA/2025/s.md): "
                             f"withdraw or re-assign them first{more('E-withdraw-plan-in-use')}\n")
    assert (project.root / "docs/archive/AAA/2025/p.md").exists()


# --- tampering: every case detected by verify and by the build --------------------------------
def assert_detected(project: Project, expected: list[str], build: list[str] | None = None) -> None:
    result = project.archive("verify")
    assert result.returncode == 1
    assert findings(result) == expected
    assert result.stdout.splitlines()[-1] == f"result: {len(expected)} findings"
    assert build_findings(project) == (expected if build is None else build)


def test_verify_passes_on_an_untouched_archive(filed):
    result = filed.archive("verify")
    assert result.returncode == 0
    head = hashlib.sha256(log_lines(filed)[-1].rstrip("\n").encode()).hexdigest()
    assert result.stdout.splitlines() == [
        "archive verify: Z001 测试全宗",
        "  records: 4; filed: 4; withdrawn: 0",
        "  manifest manifest-sha256.txt: 4 lines",
        f"  log filing-log.jsonl: 4 entries, chain intact; head sha256 {head}",
        "  git: not committed in git",
        "  件号 by class:",
        "    Z001-WS·2025-D10-BBB  0001 (1 records)",
        "    Z001-WS·2025-Y-AAA    0001–0003 (3 records)",
        "result: OK — every filed record is present and unchanged, the log chain is intact, "
        "档号 are unique and 件号 run without gaps",
    ]
    assert build_findings(filed) == []


def test_edited_filed_record(filed):
    path = filed.root / A
    old = sha(path)
    path.write_text(path.read_text("utf-8").replace("正文。", "正文（改）。"), encoding="utf-8")
    assert_detected(filed, [
        f"{A}:6: status: changed after filing: use archive amend (filed {short(old)}, file now {short(sha(path))})",
    ])


def test_filed_record_edited_into_an_invalid_one(filed):
    path = filed.root / A
    old = sha(path)
    path.write_text(path.read_text("utf-8").replace("date: 2025-03-12", "date: 2025-02-30"), encoding="utf-8")
    assert_detected(filed, [
        f"{A}:6: status: changed after filing: use archive amend (filed {short(old)}, file now {short(sha(path))})",
    ])


def test_filed_record_set_back_to_published(filed):
    path = filed.root / A
    old = sha(path)
    path.write_text(path.read_text("utf-8").replace("status: filed", "status: published"), encoding="utf-8")
    assert_detected(filed, [
        f"{A}:6: status: changed after filing: use archive amend (filed as Z001-WS·2025-Y-AAA-0002, but the record "
        f"no longer says status: filed; filed {short(old)}, file now {short(sha(path))})",
    ])


def test_deleted_record(filed):
    (filed.root / A).unlink()
    assert_detected(filed, [
        f"{A}: missing: filed as Z001-WS·2025-Y-AAA-0002 (filing-log.jsonl line 2) but the file is gone: restore it "
        "from git, or withdraw it with approval (archive withdraw)",
    ])


def test_edited_log_line(filed):
    lines = log_lines(filed)
    lines[1] = lines[1].replace('"retention": "永久"', '"retention": "10年"')
    write_log_lines(filed, lines)
    assert_detected(filed, [
        "filing-log.jsonl:3: prev: chain broken: prev does not match the SHA-256 of line 2 (line 2 was edited, or "
        f"lines were deleted or moved); expected {short(hashlib.sha256(lines[1].rstrip().encode()).hexdigest())}, "
        f"got {short(json.loads(lines[2])['prev'])}",
    ])


def test_deleted_log_line(filed):
    lines = log_lines(filed)
    write_log_lines(filed, lines[:1] + lines[2:])
    got = short(json.loads(lines[2])["prev"])
    expected = short(hashlib.sha256(lines[0].rstrip().encode()).hexdigest())
    assert_detected(filed, [
        f"filing-log.jsonl:2: prev: chain broken: prev does not match the SHA-256 of line 1 (line 1 was edited, or "
        f"lines were deleted or moved); expected {expected}, got {got}",
        "filing-log.jsonl:2: seq: sequence number 3 follows 1 (expected 2: lines were deleted, added or moved)",
        f"manifest-sha256.txt:1: {A} has no file entry in filing-log.jsonl (the filing-log.jsonl chain is broken: "
        "was its entry deleted?)",
    ])


def test_swapped_log_lines(filed):
    lines = log_lines(filed)
    write_log_lines(filed, [lines[1], lines[0], *lines[2:]])
    result = filed.archive("verify")
    assert result.returncode == 1
    assert findings(result)[:2] == [
        f"filing-log.jsonl:1: prev: chain broken: the first line's prev must be {short(ZERO)} (all zeros); "
        f"expected {short(ZERO)}, got {short(json.loads(lines[1])['prev'])}",
        "filing-log.jsonl:1: seq: sequence number 2 follows 0 (expected 1: lines were deleted, added or moved)",
    ]
    assert "filing-log.jsonl:3: prev: chain broken" in result.stdout
    assert build_findings(filed) == findings(result)


def test_edited_last_log_line_digest(filed):
    lines = log_lines(filed)
    entry = json.loads(lines[-1])
    entry["digest"] = "f" * 64
    lines[-1] = json.dumps(entry, ensure_ascii=False, separators=(", ", ": ")) + "\n"
    write_log_lines(filed, lines)
    real = sha(filed.root / D)
    assert_detected(filed, [
        f"{D}:6: status: changed after filing: use archive amend (filed {short('f' * 64)}, file now {short(real)})",
        f"manifest-sha256.txt:4: digest of {D} differs from filing-log.jsonl line 4 (manifest {short(real)}, "
        f"log {short('f' * 64)}): the manifest line was edited, or an amend was interrupted",
    ])


def test_edited_last_log_line_is_caught_by_the_committed_log(filed):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=filed.root, check=True, capture_output=True,
                       env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, **AUTHOR,
                            "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@example.org"})

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "filed")
    filed.record("AAA/2025/e.md", **paged(date="2025-09-01"))
    assert file_(filed, "docs/archive/AAA/2025/e.md").returncode == 0  # appending is what a log is for
    verify = filed.archive("verify")
    assert verify.returncode == 0, verify.stdout
    assert "  git: the 4 lines committed in git are unchanged" in verify.stdout.splitlines()
    lines = log_lines(filed)
    entry = json.loads(lines[3])
    entry["title"] = "改过的题名"  # no later prev covers line 4 once line 5 is gone, but git does
    write_log_lines(filed, [*lines[:3], json.dumps(entry, ensure_ascii=False, separators=(", ", ": ")) + "\n"])
    assert_detected(filed, [
        "filing-log.jsonl:4: line 4 differs from the version committed in git (HEAD): the log is append-only; "
        "restore it with git checkout -- filing-log.jsonl",
        "manifest-sha256.txt:4: docs/archive/AAA/2025/e.md has no file entry in filing-log.jsonl (an interrupted "
        "archive file? re-run archive file docs/archive/AAA/2025/e.md --retention 永久)",
    ])


def test_edited_manifest_line(filed):
    manifest = filed.root / "manifest-sha256.txt"
    lines = manifest.read_text("utf-8").splitlines(keepends=True)
    assert lines[0].endswith(f"  {A}\n")
    real = lines[0][:64]
    lines[0] = "0" + lines[0][1:]
    manifest.write_text("".join(lines), encoding="utf-8")
    assert_detected(filed, [
        f"manifest-sha256.txt:1: digest of {A} differs from filing-log.jsonl line 2 (manifest {short(lines[0][:64])}, "
        f"log {short(real)}): the manifest line was edited, or an amend was interrupted",
    ])


def test_deleted_manifest_line_and_garbage(filed):
    manifest = filed.root / "manifest-sha256.txt"
    lines = manifest.read_text("utf-8").splitlines(keepends=True)
    manifest.write_text("not a digest  x.md\n" + "".join(lines[1:]), encoding="utf-8")
    assert_detected(filed, [
        f"manifest-sha256.txt: {A} is filed as Z001-WS·2025-Y-AAA-0002 (filing-log.jsonl line 2) but missing from "
        "the manifest (a deleted manifest line?)",
        "manifest-sha256.txt:1: not a manifest line (expected <64 hex digits of SHA-256>  <path>, got not a digest  x.md)",
    ])


def test_duplicated_archive_no(filed):
    filed.record("AAA/2025/e.md", **paged(date="2025-09-01", status="filed", retention="永久",
                                            archive_no="Z001-WS·2025-Y-AAA-0002"))
    e = "docs/archive/AAA/2025/e.md"
    only_verify = f"{e}:9: archive_no: duplicate 档号 Z001-WS·2025-Y-AAA-0002 (already given to {A})"
    expected = [
        f"{e}:6: status: status is filed but the record is not in manifest-sha256.txt (half-filed, or filed by "
        f"hand): re-run archive file {e} --retention 永久 to finish filing it",
        only_verify,
        f"{e}:9: archive_no: duplicate 档号 Z001-WS·2025-Y-AAA-0002 (the filing log gave it to {A}; 件号 are never "
        "reused)",
    ]
    # The build reports the duplicate among records through validation already; fixity adds the rest.
    assert_detected(filed, expected, build=[p for p in expected if p != only_verify])
    rerun = file_(filed, e)
    assert rerun.returncode == 1
    assert f"{e}:9: archive_no: duplicate 档号 Z001-WS·2025-Y-AAA-0002 (already given to {A})" in rerun.stdout


def test_gap_in_numbers(filed):
    filed.record("AAA/2025/e.md", **paged(date="2025-09-01", status="filed", retention="永久",
                                            archive_no="Z001-WS·2025-Y-AAA-0005"))
    e = "docs/archive/AAA/2025/e.md"
    assert_detected(filed, [
        f"{e}:6: status: status is filed but the record is not in manifest-sha256.txt (half-filed, or filed by "
        f"hand): re-run archive file {e} --retention 永久 to finish filing it",
        f"{e}:9: archive_no: gap: 件号 0004 of Z001-WS·2025-Y-AAA was never given (件号 run without gaps: "
        "0001, 0002, 0003, 0005)",
    ])


def test_verify_json(filed):
    (filed.root / A).unlink()
    result = filed.archive("verify", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert (data["ok"], data["filed"], data["log_entries"], data["log_intact"]) == (False, 4, 4, True)
    assert data["classes"] == {"Z001-WS·2025-D10-BBB": [1], "Z001-WS·2025-Y-AAA": [1, 2, 3]}
    assert [(f["path"], f["field"]) for f in data["findings"]] == [(A, "")]
    assert data["findings"][0]["message"].startswith("missing: filed as Z001-WS·2025-Y-AAA-0002")


# --- nothing lost: concurrency and interrupted runs -----------------------------------------------
def test_two_file_runs_at_the_same_time_get_distinct_consecutive_numbers(project):
    small_archive(project)
    env = {**os.environ, **AUTHOR, "ARCHIVE_BUILD_DATE": BUILD_DATE}
    command = [sys.executable, "-m", "filing_archive", "file", "--retention", "永久", *CHECKER]
    lock = os.open(project.root / ".archive.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)  # hold the numbers while both runs start
    try:
        runs = [subprocess.Popen([*command, path], cwd=project.root, env=env, stdout=subprocess.PIPE, text=True, encoding="utf-8")
                for path in (A, B)]
        time.sleep(1.0)
        assert [run.poll() for run in runs] == [None, None]  # both wait for the lock
        assert "status: published" in (project.root / A).read_text("utf-8")
    finally:
        os.close(lock)  # both runs now race for it
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    numbers = sorted(line.split(" filed as ")[1].split(" ")[0] for out in outputs for line in out.splitlines()
                     if " filed as " in line)
    assert numbers == ["Z001-WS·2025-Y-AAA-0001", "Z001-WS·2025-Y-AAA-0002"]
    assert [e["seq"] for e in log_entries(project)] == [1, 2]
    assert project.archive("verify").returncode == 0


@pytest.mark.parametrize("step", ["record", "manifest"])
def test_interrupted_file_is_explained_by_verify_and_finished_by_a_rerun(project, step):
    small_archive(project)
    crashed = project.run(sys.executable, str(CRASH_CLI), step, "file", A, B, "--retention", "永久", *CHECKER, env=AUTHOR)
    assert crashed.returncode == 75  # the process died part-way, as with kill -9 or a power cut
    text = (project.root / A).read_text("utf-8")
    assert "status: filed\nretention: 永久\narchive_no: Z001-WS·2025-Y-AAA-0001\n" in text  # whole, never half
    assert not (project.root / "filing-log.jsonl").exists()
    if step == "record":
        assert "status: published" in (project.root / B).read_text("utf-8")
        assert not (project.root / "manifest-sha256.txt").exists()
        expected = [
            f"{A}:6: status: status is filed but the record is not in manifest-sha256.txt (half-filed, or filed by "
            f"hand): re-run archive file {A} --retention 永久 to finish filing it",
        ]
    else:
        expected = [
            f"manifest-sha256.txt:1: {A} has no file entry in filing-log.jsonl (an interrupted archive file? re-run "
            f"archive file {A} --retention 永久)",
            f"manifest-sha256.txt:2: {B} has no file entry in filing-log.jsonl (an interrupted archive file? re-run "
            f"archive file {B} --retention 永久)",
        ]
    assert_detected(project, expected)
    # Another record of the class filed meanwhile does not take the half-filed record's number.
    rerun = file_(project, A, B, C)
    assert rerun.returncode == 0, rerun.stdout
    out = rerun.stdout.splitlines()
    assert out[0].startswith(f"{C}: filed as Z001-WS·2025-Y-AAA-000{2 if step == 'record' else 3} ")
    assert out[1].startswith(f"{A}: finished an interrupted filing as Z001-WS·2025-Y-AAA-0001 ")
    verify = project.archive("verify")
    assert verify.returncode == 0, verify.stdout
    assert [e["path"] for e in log_entries(project)] == [C, A, B]


def test_killed_inside_a_record_write_leaves_the_record_as_it_was(project):
    """A kill between writing the new bytes and replacing the record: the record is the old one,
    whole; the new bytes wait in a temporary file that the next run removes before filing."""
    small_archive(project)
    before = (project.root / A).read_bytes()
    crashed = project.run(sys.executable, str(CRASH_CLI), "mid-record", "file", A, B, "--retention", "永久",
                          *CHECKER, env=AUTHOR)
    assert crashed.returncode == 75, crashed.stdout + crashed.stderr
    assert (project.root / A).read_bytes() == before
    [temp] = (project.root / A).parent.glob(".a.md.*.tmp")
    assert "archive_no: Z001-WS·2025-Y-AAA-0001\n" in temp.read_text("utf-8")  # the new bytes, whole
    assert not (project.root / "manifest-sha256.txt").exists()
    assert not (project.root / "filing-log.jsonl").exists()
    os.utime(temp, (time.time() - 3600, time.time() - 3600))  # as found after the restart
    rel = temp.relative_to(project.root).as_posix()
    verify = project.archive("verify")
    assert findings(verify) == [
        f"{rel}: leftover temporary file of an interrupted write (the file it was replacing is intact): delete "
        "it, or run archive file, amend or withdraw, which remove it"
    ]
    rerun = file_(project, A, B)
    assert rerun.returncode == 0, rerun.stdout
    assert rerun.stdout.splitlines()[:2] == [
        f"{rel}: removed a temporary file an interrupted write left",
        f"{A}: filed as Z001-WS·2025-Y-AAA-0001 (sha256 {short(sha(project.root / A))})",
    ]
    assert not temp.exists()
    assert project.archive("verify").returncode == 0


def test_the_command_reads_no_crash_switch(project):
    """Fault injection lives in tests/crash_cli.py: the old switch in the environment does nothing."""
    small_archive(project)
    result = file_(project, A, env={"ARCHIVE_CRASH_AFTER": "record"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert [e["path"] for e in log_entries(project)] == [A]


def test_file_refuses_to_write_on_a_broken_log(filed):
    lines = log_lines(filed)
    write_log_lines(filed, lines[:1] + lines[2:])
    filed.record("AAA/2025/e.md", **paged(date="2025-09-01"))
    result = file_(filed, "docs/archive/AAA/2025/e.md")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("filing-log.jsonl:2: prev: chain broken")
    assert result.stdout.splitlines()[0].endswith(
        f"— filing refused: run archive verify and repair it first{more('E-write-refused-damage')}")
    assert "status: published" in (filed.root / "docs/archive/AAA/2025/e.md").read_text("utf-8")


# --- archive new ----------------------------------------------------------------------------
def test_new_writes_a_draft_with_every_field_its_type_needs(project):
    result = project.archive("new", "study", "--unit", "AAA", "--date", "2025-03-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "docs/archive/AAA/2025/2025-03-01-aaa-study.md\n"
    assert (project.root / "docs/archive/AAA/2025/2025-03-01-aaa-study.md").read_text("utf-8") == (
        "---\ntitle: 甲镇党委学习记录\ntype: study\nunit: AAA\ndate: 2025-03-01\n"
        "status: draft  # draft 草稿 | published 已发布（待归档） | filed 已归档\n"
        "form: 集中学习  # 集中学习 | 个人自学 | 专题研讨 | 专题讲座 | 主题党日 | 网络学习\n---\n\n在此填写正文。\n"
    )
    project.record("BBB/2025/brief.md", **paged(type="briefing", unit="BBB", issue=1, form=None))
    briefing = project.archive("new", "简报", "--unit", "乙中学党支部", "--title", "Briefing No. 2", "--date", "2025-04-01")
    assert briefing.stdout == "docs/archive/BBB/2025/2025-04-01-briefing-no-2.md\n"
    text = (project.root / briefing.stdout.strip()).read_text("utf-8")
    assert "type: briefing\n" in text and "issue: 2  # 期号" in text
    project.record("AAA/2025/p.md", **paged(type="plan", form=None, date="2025-01-10"))
    staged = project.archive("new", "minutes", "--unit", "AAA", "--plan", "p", "--stage", "学习讨论", "--date", "2025-04-02")
    text = (project.root / staged.stdout.strip()).read_text("utf-8")
    assert "plan: p\nstage: 学习讨论\n" in text
    check = project.archive("check")
    assert check.returncode == 0, check.stdout


def test_new_never_overwrites(project):
    taken = project.write("docs/archive/AAA/2025/2025-03-01-aaa-study.md", "已有内容\n")
    first = project.archive("new", "study", "--unit", "AAA", "--date", "2025-03-01")
    second = project.archive("new", "study", "--unit", "AAA", "--date", "2025-03-01")
    assert first.stdout == "docs/archive/AAA/2025/2025-03-01-aaa-study-2.md\n"
    assert second.stdout == "docs/archive/AAA/2025/2025-03-01-aaa-study-3.md\n"
    assert taken.read_text("utf-8") == "已有内容\n"


def test_new_slug_is_safe_for_any_title(project):
    hostile = project.archive("new", "notice", "--unit", "AAA", "--title", "../../etc/passwd 通报", "--date", "2025-03-01")
    assert hostile.stdout == "docs/archive/AAA/2025/2025-03-01-etc-passwd.md\n"
    chinese = project.archive("new", "notice", "--unit", "AAA", "--title", "关于“清朗”行动的通报", "--date", "2025-03-01")
    assert chinese.stdout == "docs/archive/AAA/2025/2025-03-01-aaa-notice.md\n"
    assert "title: 关于“清朗”行动的通报\n" in (project.root / chinese.stdout.strip()).read_text("utf-8")
    numbered = project.archive("new", "notice", "--unit", "AAA", "--title", "2025年第3期通报", "--date", "2025-03-02")
    assert numbered.stdout == "docs/archive/AAA/2025/2025-03-02-aaa-notice.md\n"  # not "...-20253.md"
    assert project.archive("check").returncode == 0


@pytest.mark.parametrize("args, message", [
    (["memo", "--unit", "AAA"], "archive: unknown type memo (expected plan 方案 | study 学习记录 | briefing 简报 | "
                                "summary 总结 | report 专题汇报 | analysis 分析研判 | opinion 舆情信息 | minutes 纪要 | "
                                "duty 述职报告 | notice 通报 | disposal 销毁清册)"),
    (["study", "--unit", "ZZZ"], "archive: unknown unit ZZZ (expected one of AAA, BBB)"),
    (["study", "--unit", "AAA", "--date", "2026-12-01"],
     "archive: --date 2026-12-01 is after today 2026-11-30 (a record is dated when it was written)"),
    (["study", "--unit", "AAA", "--date", "2025-02-30"], "archive: --date: expected a real date YYYY-MM-DD, got 2025-02-30"),
    (["study", "--unit", "AAA", "--plan", "p"], "archive: --plan and --stage go together: the plan's id and one of its stages"),
    (["study", "--unit", "AAA", "--plan", "p", "--stage", "总结"], "archive: p is not a plan of AAA (expected none: create the plan first)"),
])
def test_new_usage_errors_exit_2(project, args, message):
    result = project.archive("new", *args)
    assert result.returncode == 2
    shown, trailer = result.stderr.rsplit(" (see the handbook: ", 1)
    assert shown == message
    assert re.fullmatch(r"en/handbook/errors/#e-(new|option)-[a-z-]+\)\n", trailer)
    assert list((project.root / "docs/archive").rglob("*.md")) == []


def test_every_subcommand_has_help(project):
    for command in ("new", "check", "file", "amend", "withdraw", "verify"):
        result = project.archive(command, "--help")
        assert result.returncode == 0 and result.stdout.startswith("usage: archive "), command


def test_broken_record_reusing_a_filed_archive_no_is_caught(filed):
    """A record with other errors still says which 档号 it claims: check and verify both see the reuse."""
    e = "docs/archive/AAA/2025/e.md"
    filed.record("AAA/2025/e.md", **paged(date="2025-09-01", status="filed", retention="永久",
                                            archive_no="Z001-WS·2025-Y-AAA-0002", form="不存在的形式"))
    check = filed.archive("check")
    assert f"{e}:9: archive_no: duplicate 档号 Z001-WS·2025-Y-AAA-0002 (already given to {A})" in check.stdout
    verify = filed.archive("verify")
    assert verify.returncode == 1
    assert (f"{e}:9: archive_no: duplicate 档号 Z001-WS·2025-Y-AAA-0002 (the filing log gave it to {A}; 件号 are "
            "never reused)") in verify.stdout


def test_leftover_temporary_files_are_reported_by_verify_and_removed_by_the_next_write(filed):
    """A kill between writing a temporary file and renaming it leaves .<name>.<random>.tmp behind."""
    leftovers = [filed.root / ".manifest-sha256.txt.ab12cd_9.tmp", filed.root / "docs/archive/AAA/2025/.a.md.x7y8z9w0.tmp"]
    for path in leftovers:
        path.write_text("half", encoding="utf-8")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    fresh = filed.root / "docs/archive/AAA/2025/.b.md.q1w2e3r4.tmp"  # a write under way right now: left alone
    fresh.write_text("half", encoding="utf-8")
    verify = filed.archive("verify")
    assert verify.returncode == 1
    message = ("leftover temporary file of an interrupted write (the file it was replacing is intact): delete it, or "
               "run archive file, amend or withdraw, which remove it")
    assert findings(verify) == [f"docs/archive/AAA/2025/.a.md.x7y8z9w0.tmp: {message}"]
    assert f".manifest-sha256.txt.ab12cd_9.tmp: {message}" in verify.stdout
    (filed.root / A).write_text((filed.root / A).read_text("utf-8") + "补充。\n", encoding="utf-8")
    amend = filed.archive("amend", A, "--reason", "补充", env=AUTHOR)
    assert amend.returncode == 0, amend.stdout
    assert "docs/archive/AAA/2025/.a.md.x7y8z9w0.tmp: removed a temporary file an interrupted write left" in amend.stdout
    assert [p.exists() for p in leftovers] == [False, False] and fresh.exists()
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", "docs/archive/AAA/2025/.a.md.x7y8z9w0.tmp"],
                             cwd=REPO_ROOT)
    assert ignored.returncode == 0  # .gitignore keeps them out of commits
