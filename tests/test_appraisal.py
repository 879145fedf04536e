"""Appraisal (鉴定): which filed 定期 records' terms have run out, by the real command line."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import FILERS, Project, minimal

from filing_archive.appraisal import term_end, term_has_run_out

OLD, LATER, FOREVER, LONG = ("docs/archive/AAA/2015/old.md", "docs/archive/AAA/2016/later.md",
                             "docs/archive/AAA/2015/forever.md", "docs/archive/AAA/2015/long.md")


def test_the_term_counts_whole_years_from_the_end_of_the_record_year():
    assert term_end(2015, "10年") == date(2025, 12, 31)
    assert term_end(2015, "30年") == date(2045, 12, 31)
    assert term_end(2015, "永久") is None
    assert not term_has_run_out(2015, "10年", date(2025, 12, 31))  # the last day of the term
    assert term_has_run_out(2015, "10年", date(2026, 1, 1))  # the first day after it
    assert not term_has_run_out(1900, "永久", date(2026, 1, 1))


@pytest.fixture(scope="session")
def appraisal_template(tmp_path_factory) -> Path:
    from filing_archive.filing import file_records

    project = Project(tmp_path_factory.mktemp("appraisal") / "proj", with_site_files=False)
    project.record("AAA/2015/old.md", **minimal(title="二〇一五年集中学习", date="2015-05-06", pages=3))
    project.record("AAA/2016/later.md", **minimal(title="二〇一六年集中学习", date="2016-05-06", pages=2))
    project.record("AAA/2015/forever.md", **minimal(title="二〇一五年永久", date="2015-07-01", pages=1))
    project.record("AAA/2015/long.md", **minimal(title="二〇一五年三十年", date="2015-08-01", pages=1))
    for retention, paths in (("10年", [OLD, LATER]), ("永久", [FOREVER]), ("30年", [LONG])):
        assert not file_records(project.root, [str(project.root / p) for p in paths], retention, **FILERS).problems
    return project.root


@pytest.fixture
def appraised(appraisal_template, tmp_path) -> Project:
    shutil.copytree(appraisal_template, tmp_path / "proj")
    return Project.existing(tmp_path / "proj")


def test_appraise_on_the_last_and_the_first_day_of_a_term(appraised):
    last = appraised.archive("appraise", "--as-of", "2025-12-31")
    assert (last.returncode, last.stdout) == (0, "appraisal as of 2025-12-31: 0 records whose "
                                                 "term has run out\n")
    first = appraised.archive("appraise", "--as-of", "2026-01-01", "--xlsx", "鉴定表.xlsx")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "appraisal as of 2026-01-01: 1 records whose term has run out",
        "Z001-WS·2015-D10-AAA (10年, term ended 2025-12-31): 1 records",
        f"  Z001-WS·2015-D10-AAA-0001  二〇一五年集中学习  ({OLD})",
        "appraisal sheet written: 鉴定表.xlsx",
    ]
    from openpyxl import load_workbook

    sheet = load_workbook(appraised.root / "鉴定表.xlsx").active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert rows == [
        ["序号", "档号", "题名", "责任者", "日期", "保管期限", "期满日期", "页数", "鉴定意见", "延长至"],
        [1, "Z001-WS·2015-D10-AAA-0001", "二〇一五年集中学习", "甲镇党委", "20150506", "10年", "2025-12-31", 3, None,
         None],
    ]
    # A year on, the 2016 record joins; 永久 and 30年 records never appear before their time.
    later = appraised.archive("appraise", "--as-of", "2027-01-01")
    assert "Z001-WS·2016-D10-AAA (10年, term ended 2026-12-31): 1 records" in later.stdout
    assert "forever" not in later.stdout and "long.md" not in later.stdout


def test_appraise_refuses_a_date_that_is_not_one(appraised):
    result = appraised.archive("appraise", "--as-of", "2026-02-30")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "archive: --as-of: expected a real date YYYY-MM-DD, got 2026-02-30"
        " (see the handbook: en/handbook/errors/#e-option-date-bad)")


# --- archive dispose -------------------------------------------------------------------------
AUTHOR = {"GIT_AUTHOR_NAME": "王整理"}
LIST = """number: 销毁清册〔2026〕1号
date: 2026-03-02
unit: AAA
opinion: 保管期满，经鉴定已无保存价值，同意销毁
approved_by: 赵局长
approval: 销毁审批〔2026〕2号
supervisors: [钱监销, 孙监销]
records:
  - {archive_no: Z001-WS·2015-D10-AAA-0001, title: 二〇一五年集中学习}
"""


def test_a_destruction_then_verify_passes_and_a_tampered_list_fails(appraised):
    appraised.write("清册.yml", LIST)
    result = appraised.archive("dispose", "清册.yml", env=AUTHOR)
    assert result.returncode == 0, result.stdout + result.stderr
    list_rel = "docs/archive/AAA/2026/2026-03-02-xhqc.md"
    assert result.stdout.splitlines() == [
        f"{list_rel}: filed as Z001-WS·2026-Y-AAA-0001 (sha256 {result.stdout.split('sha256 ')[1][:13]})",
        f"{OLD}: destroyed Z001-WS·2015-D10-AAA-0001 by 销毁清册〔2026〕1号 (Z001-WS·2026-Y-AAA-0001)",
        f"  removed {OLD}",
    ]
    assert not (appraised.root / OLD).exists()
    assert OLD not in (appraised.root / "manifest-sha256.txt").read_text("utf-8")
    listed = (appraised.root / list_rel).read_text("utf-8")
    assert "type: disposal" in listed and "| 1 | Z001-WS·2015-D10-AAA-0001 | 二〇一五年集中学习 | 20150506 | 10年 |" in listed
    assert "监销人：钱监销、孙监销" in listed
    verify = appraised.archive("verify")
    assert verify.returncode == 0, verify.stdout
    from filing_archive.catalogue import remark
    from filing_archive.fixity import record_history

    assert remark(record_history(appraised.root)[OLD]) == (
        f"已销毁 {date.today().isoformat()}（销毁清册〔2026〕1号，Z001-WS·2026-Y-AAA-0001）")
    # The 清册 is evidence: changed, the destruction no longer verifies.
    (appraised.root / list_rel).write_text(listed.replace("Z001-WS·2015-D10-AAA-0001", "（略）"), "utf-8")
    tampered = appraised.archive("verify")
    assert tampered.returncode == 1
    assert f"{list_rel}:6: status: changed after filing: use archive amend" in tampered.stdout
    assert ("filing-log.jsonl:6: list_path: Z001-WS·2015-D10-AAA-0001 was destroyed by 销毁清册〔2026〕1号, but the 清册 "
            f"{list_rel} does not list it (expected its 档号 in the 清册)") in tampered.stdout


def refused(project: Project, text: str) -> list[str]:
    project.write("清册.yml", text)
    result = project.archive("dispose", "清册.yml", env=AUTHOR)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (project.root / OLD).exists() and len((project.root / "filing-log.jsonl").read_text().splitlines()) == 4
    lines = result.stdout.splitlines()
    # each problem ends with where the handbook explains its code; the lines are compared without it
    assert all(re.search(r" \(see the handbook: en/handbook/errors/#e-disposal-[a-z-]+\)$", line) for line in lines), lines
    return [re.sub(r" \(see the handbook: [^)]*\)$", "", line) for line in lines]


def test_dispose_refuses_each_wrong_record_and_writes_nothing(appraised):
    records = """  - {archive_no: Z001-WS·2015-Y-AAA-0001, title: 二〇一五年永久}
  - {archive_no: Z001-WS·2016-D10-AAA-0001, title: 二〇一六年集中学习}
  - {archive_no: Z001-WS·2015-D10-AAA-0009, title: 不存在}
  - {archive_no: Z001-WS·2015-D10-AAA-0001, title: 别的题名}
"""
    assert refused(appraised, LIST.split("records:")[0] + "records:\n" + records) == [
        "清册.yml:9: records: Z001-WS·2015-Y-AAA-0001 is kept 永久: permanent records are never destroyed "
        "(expected a 30年 or 10年 record)",
        "清册.yml:10: records: Z001-WS·2016-D10-AAA-0001: its 10年 term runs to 2026-12-31: nothing is destroyed "
        "before its term (expected a date after 2026-12-31)",
        "清册.yml:11: records: Z001-WS·2015-D10-AAA-0009 is not a filed record of this archive (expected the 档号 "
        "of a filed record)",
        "清册.yml:12: records: Z001-WS·2015-D10-AAA-0001: title 别的题名 is not the record's (expected 二〇一五年集中学习)",
    ]


@pytest.mark.parametrize("part", ["number", "date", "unit", "opinion", "approved_by", "approval", "supervisors",
                                  "records"])
def test_dispose_refuses_a_list_missing_a_part(appraised, part):
    from filing_archive.disposal import expected

    text = "".join(line for line in LIST.splitlines(keepends=True)
                   if not line.startswith(part + ":") and not (part == "records" and line.startswith("  - ")))
    assert refused(appraised, text) == [f"清册.yml:1: {part}: missing (expected {expected(part).render('en')})"]


def test_dispose_refuses_placeholders_one_supervisor_and_the_same_one_twice(appraised):
    text = LIST.replace("approved_by: 赵局长", "approved_by: 待定").replace("[钱监销, 孙监销]", "[钱监销, 钱监销]")
    assert refused(appraised, text) == [
        "清册.yml:5: approved_by: got placeholder text '待定' (expected who approved the destruction)",
        "清册.yml:7: supervisors: one person twice (钱监销) (expected two 监销人: a list of two different names)",
    ]
    assert refused(appraised, LIST.replace("[钱监销, 孙监销]", "[钱监销]")) == [
        "清册.yml:7: supervisors: got ['钱监销'] (expected two 监销人: a list of two different names)",
    ]
