"""页数, 整理人 and 检查人: `archive file --pages/--by/--checked-by/--note` run as real processes, the
registry's `filing:` defaults, old filed records without `pages`, and the 归档章 and 备考表 a filed
record's page is built from. (The pages in a real browser: test_browser.py.)"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from conftest import REGISTRY, Project, minimal

from filing_archive.archive import load_archive
from filing_archive.fixity import record_history
from filing_archive.storage import sha256_hex
from filing_archive.views import filing_stamp, record_sheet

A, B = "docs/archive/AAA/2025/a.md", "docs/archive/AAA/2025/b.md"
NO_GIT_USER = {"GIT_AUTHOR_NAME": "", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
PEOPLE = ("--by", "王敏", "--checked-by", "李强")


def two_records(project: Project, **fields) -> Project:
    project.record("AAA/2025/a.md", **minimal(title="三月集中学习", date="2025-03-12", **fields))
    project.record("AAA/2025/b.md", **minimal(title="四月集中学习", date="2025-04-02", **fields))
    return project


def log_entries(project: Project) -> list[dict]:
    path = project.root / "filing-log.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []


def file_(project: Project, *args: str, env: dict | None = None):
    return project.archive("file", *args, "--retention", "永久", env={**NO_GIT_USER, **(env or {})})


# --- 整理人 and 检查人 ----------------------------------------------------------------------------
@pytest.mark.parametrize("checker", ["王敏", " 王 敏 ", "王　敏"])  # spaces, a full-width space: one person
def test_the_same_person_as_sorter_and_checker_is_refused_and_nothing_is_written(project, checker):
    two_records(project)
    before = (project.root / A).read_bytes()
    result = file_(project, A, "--pages", "2", "--by", "王敏", "--checked-by", checker)
    assert result.returncode == 2
    assert result.stderr == (
        "archive: 整理人 and 检查人 are the same person (王敏): one person sorts the records and another checks "
        "them (give --checked-by another person; where one person must do both, set filing: "
        "{same_person_may_check: true} in archive.yml) (see the handbook: en/handbook/errors/#e-filer-checks-self)\n"
    )
    assert (project.root / A).read_bytes() == before
    assert not (project.root / "filing-log.jsonl").exists() and not (project.root / "manifest-sha256.txt").exists()


def test_the_registry_may_allow_one_person_to_sort_and_check(tmp_path):
    project = two_records(Project(tmp_path / "proj", registry=REGISTRY + "filing: {same_person_may_check: true}\n",
                                  with_site_files=False))
    result = file_(project, A, "--pages", "2", "--by", "王敏", "--checked-by", "王敏")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [(e["by"], e["checked_by"]) for e in log_entries(project)] == [("王敏", "王敏")]


def test_people_default_from_the_registry_then_git_and_a_missing_checker_is_refused(tmp_path):
    registry = REGISTRY + "filing:\n  by: 赵整理\n  checked_by: 钱检查\n"
    project = two_records(Project(tmp_path / "reg", registry=registry, with_site_files=False), pages=3)
    assert file_(project, A).returncode == 0
    assert file_(project, B, "--checked-by", "孙复核").returncode == 0  # the command line wins
    assert [(e["by"], e["checked_by"], e["pages"]) for e in log_entries(project)] == [
        ("赵整理", "钱检查", 3), ("赵整理", "孙复核", 3)]

    plain = two_records(Project(tmp_path / "git", with_site_files=False), pages=3)
    missing = file_(plain, A, env={"GIT_AUTHOR_NAME": "周档案"})
    assert (missing.returncode, missing.stderr) == (2, (
        "archive: 检查人 --checked-by: who checked these records? give --checked-by NAME, or set filing: "
        "{checked_by: NAME} in archive.yml (see the handbook: en/handbook/errors/#e-checker-unknown)\n"))
    assert file_(plain, A, "--by", "", "--checked-by", "吴检查").returncode == 2  # an empty name is no name
    nobody = file_(plain, A, "--checked-by", "吴检查")
    assert (nobody.returncode, nobody.stderr) == (2, (
        "archive: 整理人 --by: who sorted these records? give --by NAME, or set filing: {by: NAME} in archive.yml "
        "(else git config user.name is used) (see the handbook: en/handbook/errors/#e-filer-unknown)\n"))
    assert file_(plain, A, "--checked-by", "吴检查", env={"GIT_AUTHOR_NAME": "周档案"}).returncode == 0
    assert [(e["by"], e["checked_by"]) for e in log_entries(plain)] == [("周档案", "吴检查")]


@pytest.mark.parametrize("section, line, key, message", [
    ("filing: [王敏]\n", 14, "filing", "expected a mapping such as {by: 王敏, checked_by: 李强}, got ['王敏']"),
    ("filing: {checker: 王敏}\n", 14, "filing.checker",
     "unknown key (expected by, checked_by, same_person_may_check)"),
    ("filing: {by: 12}\n", 14, "filing.by", "expected a person's name, got 12"),
    ("filing:\n  checked_by: \"李\\n强\"\n", 15, "filing.checked_by",
     "expected a name on one line without control characters, got '李\\n强'"),
    ("filing:\n  same_person_may_check: 是\n", 15, "filing.same_person_may_check", "expected true or false, got '是'"),
])
def test_the_registry_filing_section_is_checked(tmp_path, section, line, key, message):
    project = Project(tmp_path / "proj", registry=REGISTRY + section, with_site_files=False)
    check = project.archive("check")
    assert check.returncode == 1
    shown, trailer = check.stdout.splitlines()[0].rsplit(" (see the handbook: ", 1)
    assert shown == f"archive.yml:{line}: {key}: {message}"
    assert re.fullmatch(r"en/handbook/errors/#e-registry-[a-z-]+\)", trailer)


@pytest.mark.parametrize("args, message", [
    (("--note", "会议记录（秘密）"), "--note: the text is marked (秘密): secret material must never be stored in this archive"),
    (("--note", "x" * 501), "--note: expected 本件情况说明 on one line of at most 500 characters, got "),
    (("--checked-on", "2025-02-30"), "--checked-on: expected a real date YYYY-MM-DD, got 2025-02-30"),
    (("--checked-on", "2026-12-01"), "--checked-on: the check cannot be after today 2026-11-30 (got 2026-12-01)"),
])
def test_note_and_check_date_are_checked(project, args, message):
    two_records(project)
    result = file_(project, A, "--pages", "2", *PEOPLE, *args)
    assert result.returncode == 2
    assert result.stderr.startswith(f"archive: {message}")
    assert not (project.root / "filing-log.jsonl").exists()


# --- 页数 -------------------------------------------------------------------------------------
def test_pages_given_on_the_command_line_go_into_the_front_matter_and_the_log(project):
    two_records(project)
    result = file_(project, A, "--pages", "12", *PEOPLE, "--note", "原件为纸质，扫描件另存", "--checked-on", "2026-11-29")
    assert result.returncode == 0, result.stdout + result.stderr
    text = (project.root / A).read_text("utf-8")
    assert "archive_no: Z001-WS·2025-Y-AAA-0001\npages: 12\nform: 集中学习\n" in text
    [entry] = log_entries(project)
    assert {k: entry[k] for k in ("pages", "by", "checked_by", "checked_on", "note")} == {
        "pages": 12, "by": "王敏", "checked_by": "李强", "checked_on": "2026-11-29", "note": "原件为纸质，扫描件另存"}
    assert entry["digest"] == sha256_hex((project.root / A).read_bytes())  # the 页数 is part of what is filed
    assert project.archive("verify").returncode == 0


def test_pages_from_the_front_matter_file_several_records_at_once(project):
    two_records(project, pages=4)
    assert file_(project, A, B, *PEOPLE).returncode == 0
    assert [e["pages"] for e in log_entries(project)] == [4, 4]
    assert "note" not in log_entries(project)[0] and "checked_on" not in log_entries(project)[0]


def test_a_filing_without_pages_is_refused_naming_how_to_give_them(project):
    two_records(project)
    result = file_(project, A, B, *PEOPLE)
    assert result.returncode == 1
    how = ("页数 is required to file a record: give archive file --pages N (one record at a time) or set pages: N "
           "in its front-matter (expected a whole number of pages ≥ 1) "
           "(see the handbook: en/handbook/errors/#e-pages-required)")
    assert result.stdout.splitlines() == [f"{A}:1: pages: {how}", f"{B}:1: pages: {how}",
                                          "filed 0 records: 2 errors"]
    assert "status: published" in (project.root / A).read_text("utf-8")
    assert not (project.root / "filing-log.jsonl").exists()


@pytest.mark.parametrize("pages, message", [
    ("0", "--pages: expected a whole number ≥ 1, got 0"),
    ("100001", "--pages: expected a whole number ≤ 100,000, got 100,001"),
    ("3.5", "--pages: expected a whole number, got 3.5"),
    ("三", "--pages: expected a whole number, got 三"),
])
def test_pages_must_be_a_whole_number_from_1_to_100000(project, pages, message):
    two_records(project)
    result = file_(project, A, "--pages", pages, *PEOPLE)
    assert (result.returncode, result.stderr) == (
        2, f"archive: {message} (see the handbook: en/handbook/errors/#e-pages-option-bad)\n")


def test_pages_for_several_records_and_pages_that_disagree_are_refused(project):
    two_records(project)
    several = file_(project, A, B, "--pages", "3", *PEOPLE)
    assert (several.returncode, several.stderr) == (2, (
        "archive: --pages gives the 页数 of one record, but 2 records were named: file them one at a time with "
        "--pages, or set pages: N in each record's front-matter "
        "(see the handbook: en/handbook/errors/#e-pages-many-records)\n"))
    project.record("AAA/2025/a.md", **minimal(title="三月集中学习", date="2025-03-12", pages=3))
    disagree = file_(project, A, "--pages", "5", *PEOPLE)
    assert disagree.returncode == 1
    assert disagree.stdout.splitlines()[0] == (
        f"{A}:8: pages: the front-matter says pages: 3 but --pages says 5 (expected one 页数: correct the "
        "front-matter or leave out --pages) (see the handbook: en/handbook/errors/#e-pages-disagree)")
    assert file_(project, A, "--pages", "3", *PEOPLE).returncode == 0  # the same 页数 twice is no conflict


def test_pages_in_the_front_matter_are_checked_like_every_field(project):
    project.record("AAA/2025/a.md", **minimal(pages=0))
    project.record("AAA/2025/b.md", **minimal(pages="'12页'"))
    check = project.archive("check")
    assert check.stdout.splitlines()[:2] == [
        f"{A}:8: pages: expected a whole number ≥ 1, got 0 (see the handbook: en/handbook/errors/#e-number-out-of-range)",
        f"{B}:8: pages: expected a whole number, got 12页 (see the handbook: en/handbook/errors/#e-value-invalid)",
    ]


# --- records filed before this contract --------------------------------------------------------
def old_filed_archive(project: Project) -> Project:
    """A record filed under the old contract: no pages in it, no by/checked_by in its log entry."""
    text = ("---\ntitle: 旧档案\ntype: study\nunit: AAA\ndate: 2025-03-12\nstatus: filed\nretention: 永久\n"
            "archive_no: Z001-WS·2025-Y-AAA-0001\nform: 集中学习\n---\n正文。\n")
    digest = sha256_hex(project.write(A, text).read_bytes())
    project.write("manifest-sha256.txt", f"{digest}  {A}\n")
    entry = {"seq": 1, "time": "2026-01-05T02:00:00Z", "action": "file", "path": A,
             "archive_no": "Z001-WS·2025-Y-AAA-0001", "digest": digest, "retention": "永久", "title": "旧档案",
             "author": "档案员 <clerk@example.org>", "prev": "0" * 64}
    project.write("filing-log.jsonl", json.dumps(entry, ensure_ascii=False, separators=(", ", ": ")) + "\n")
    return project


def test_an_old_filed_record_without_pages_still_validates_and_check_says_what_to_add(project):
    old_filed_archive(project)
    check = project.archive("check")
    assert check.returncode == 0, check.stdout
    assert check.stdout.splitlines() == [
        f"{A}:6: warning: pages: filed before 页数 was required: add pages: N (the pages of the 件) to the "
        f"front-matter, then run archive amend {A} --reason 补录页数 (expected a whole number of pages ≥ 1)"
        " (see the handbook: en/handbook/errors/#w-pages-missing-filed)",
        "checked 1 records: 0 errors, 1 warnings",
    ]
    assert project.archive("verify").returncode == 0
    # The build is not told: an archive that built under --strict yesterday still does.
    assert not load_archive(project.root, date(2026, 11, 30)).problems
    # Adding the 页数 is a change to a filed record: archive amend records it.
    path = project.root / A
    path.write_text(path.read_text("utf-8").replace("form: 集中学习\n", "form: 集中学习\npages: 2\n"), "utf-8")
    assert project.archive("amend", A, "--reason", "补录页数").returncode == 0
    check = project.archive("check")
    assert check.stdout.splitlines() == ["checked 1 records: 0 errors, 0 warnings"]


def test_the_stamp_and_sheet_of_an_old_record_say_not_recorded(project):
    old_filed_archive(project)
    record = load_archive(project.root, date(2026, 11, 30)).records[0]
    history = record_history(project.root)[A]
    stamp = [[(c.label, c.value, c.recorded) for c in row] for row in filing_stamp(record, "zh")]
    assert stamp == [
        [("全宗号", "Z001", True), ("年度", "2025", True), ("保管期限", "永久", True)],
        [("件号", "1", True), ("机构（问题）", "AAA", True), ("页数", "未记录", False)],
    ]
    sheet = record_sheet(history, "en")
    assert sheet.notes == ["None."]
    assert [(p.label, p.value, d.label, d.value) for p, d in sheet.people] == [
        ("Arranged by", "not recorded", "Arranged on", "2026-01-05"),
        ("Checked by", "not recorded", "Checked on", "not recorded"),
    ]


def pdf_of(pages: int) -> bytes:
    """A minimal valid PDF of ``pages`` blank pages, with a correct cross-reference table."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pages_default_to_the_page_count_of_the_one_pdf_original(project):
    """Hook point: where the attachments part's ``attachments.pdf_page_count`` exists (issue 14), a
    record with exactly one PDF original in ``<stem>.files/`` is filed with its page count."""
    pytest.importorskip("filing_archive.attachments", reason="attachments.pdf_page_count is not merged yet")
    two_records(project)
    project.write("docs/archive/AAA/2025/a.files/原件.pdf", pdf_of(3))
    project.write("docs/archive/AAA/2025/b.files/扫描一.pdf", pdf_of(3))
    project.write("docs/archive/AAA/2025/b.files/扫描二.pdf", pdf_of(5))  # two PDFs: no default
    assert file_(project, A, *PEOPLE).returncode == 0
    assert "pages: 3\n" in (project.root / A).read_text("utf-8")
    assert file_(project, B, *PEOPLE).returncode == 1  # which PDF? the 页数 must be given
    assert file_(project, B, "--pages", "8", *PEOPLE).returncode == 0
    assert [e["pages"] for e in log_entries(project)] == [3, 8]
