"""Appraisal (鉴定): which filed 定期 records' terms have run out, by the real command line."""

from __future__ import annotations

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
    assert (last.returncode, last.stdout) == (0, "档案鉴定 / appraisal as of 2025-12-31: 0 件保管期满 records whose "
                                                 "term has run out\n")
    first = appraised.archive("appraise", "--as-of", "2026-01-01", "--xlsx", "鉴定表.xlsx")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "档案鉴定 / appraisal as of 2026-01-01: 1 件保管期满 records whose term has run out",
        "Z001-WS·2015-D10-AAA (10年, 期满 term ended 2025-12-31): 1 件",
        f"  Z001-WS·2015-D10-AAA-0001  二〇一五年集中学习  ({OLD})",
        "鉴定表 written: 鉴定表.xlsx",
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
    assert "Z001-WS·2016-D10-AAA (10年, 期满 term ended 2026-12-31): 1 件" in later.stdout
    assert "forever" not in later.stdout and "long.md" not in later.stdout


def test_appraise_refuses_a_date_that_is_not_one(appraised):
    result = appraised.archive("appraise", "--as-of", "2026-02-30")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == "archive: --as-of: expected a real date YYYY-MM-DD, got 2026-02-30"
