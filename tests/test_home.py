"""The home page's data (home_page.py), on the package: which records are the latest, the counts,
what is due (published records not yet filed, the current period's duties short of their minimum)
and the entry points. The page itself is built and driven in test_front.py."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import FILERS, REGISTRY, Project, add_pages, minimal

from filing_archive.archive import load_archive
from filing_archive.compliance import evaluate
from filing_archive.deadlines import evaluate_deadlines
from filing_archive.home_page import HomePage, current_shortfalls, latest_records
from filing_archive.indexes import ArchiveIndex
from filing_archive.presenter import presenters
from filing_archive.schedule_pages import attach_deadlines
from filing_archive.urls import DIRECTORY_URLS, Urls

TODAY = date(2026, 5, 20)
CADENCE = """cadence:
  - {id: monthly-study, name: 每月学习, name_en: Monthly study, applies_to: [AAA, BBB], type: study, per: month,
     min: 2, from: 2026-01-01}
  - {id: yearly-summary, name: 年度总结, name_en: Yearly summary, applies_to: [AAA], type: summary, per: year, min: 1,
     from: 2025-01-01}
"""


def home_of(root: Path, today: date = TODAY, urls: Urls = DIRECTORY_URLS) -> HomePage:
    archive = load_archive(root, today)
    assert not archive.problems.errors, archive.problems.errors
    index = ArchiveIndex(archive.published(), archive.registry)
    home = HomePage(index, presenters(archive.registry, urls), evaluate(archive, today), "handbook/index.md")
    attach_deadlines([home], evaluate_deadlines(archive.records, archive.registry, archive.deadline, today))
    return home


@pytest.fixture(scope="module")
def home_project(tmp_path_factory) -> Project:
    """Fifteen records of two units: fourteen published or filed (three on one day, one of them
    filed), a draft; studies in the current month of each unit."""
    project = Project(tmp_path_factory.mktemp("home") / "p", registry=REGISTRY + CADENCE, with_site_files=False)
    for n in range(1, 10):  # AAA studies of January to September 2025: published, due by 2026-06-30
        project.record(f"AAA/2025/s{n}.md", **minimal(title=f"学习{n}", date=f"2025-{n:02d}-10"))
    project.record("AAA/2024/old.md", **minimal(title="旧学习", date="2024-03-10"))  # late since 2025-06-30
    project.record("AAA/2026/z.md", **minimal(title="乙篇", date="2026-05-06"))
    project.record("AAA/2026/a.md", **minimal(title="甲篇", date="2026-05-06"))
    project.record("AAA/2026/filed.md", **minimal(title="已归档篇", date="2026-05-06"))
    project.record("BBB/2026/b.md", **minimal(title="乙校学习", unit="BBB", date="2026-05-08"))
    project.record("AAA/2026/draft.md", **minimal(title="草稿篇", date="2026-05-19", status="draft"))
    add_pages(project.root / "docs/archive/AAA/2026/filed.md")
    from filing_archive.filing import file_records

    result = file_records(project.root, [str(project.root / "docs/archive/AAA/2026/filed.md")], "10年", **FILERS)
    assert not result.problems, result.problems
    return project


def test_latest_are_ten_published_or_filed_newest_first_filed_first_on_one_day(home_project):
    home = home_of(home_project.root)
    assert [r.title for r in home.latest] == ["乙校学习", "已归档篇", "乙篇", "甲篇", "学习9", "学习8", "学习7", "学习6",
                                              "学习5", "学习4"]
    assert "草稿篇" not in [r.title for r in latest_records(home.index.records + [draft(home_project)])]
    zh = home.context("zh")["latest"]
    assert [(f.date, f.title, f.unit, f.archive_no) for f in zh[:2]] == [
        ("2026-05-08", "乙校学习", "乙中学党支部", ""), ("2026-05-06", "已归档篇", "甲镇党委", "Z001-WS·2026-D10-AAA-0001")]
    assert zh[0].href == "archive/BBB/2026/b/"
    en = home.context("en")["latest"]
    assert (en[0].unit, en[0].original_language) == ("Yi Middle School Party Branch", True)


def draft(project: Project):
    archive = load_archive(project.root, TODAY)
    return next(r for r in archive.records if r.title == "草稿篇")


def test_counts_per_unit_and_type_link_their_pages(home_project):
    context = home_of(home_project.root).context("zh")
    assert [(c.label, c.count, c.href) for c in context["by_unit"]] == [
        ("甲镇党委", 13, "archive/by-unit/AAA/"), ("乙中学党支部", 1, "archive/by-unit/BBB/")]
    assert [(c.label, c.count, c.href) for c in context["by_type"]] == [("学习记录", 14, "archive/by-type/study/")]
    assert context["total"] == 14
    en = home_of(home_project.root, urls=Urls(directory_urls=False)).context("en")
    assert [(c.label, c.href) for c in en["by_unit"]] == [
        ("Jia Town Party Committee", "en/archive/by-unit/AAA.html"), ("Yi Middle School Party Branch",
                                                                     "en/archive/by-unit/BBB.html")]


def test_due_lists_the_late_first_then_the_due_ten_at_most_with_the_counts(home_project):
    context = home_of(home_project.root).context("zh")
    due = [(d["state"], d["face"].title, d["deadline"]) for d in context["due"]]
    assert due[0] == ("late", "旧学习", "2025-06-30")
    assert due[1:] == [("due", f"学习{n}", "2026-06-30") for n in range(1, 10)]
    assert len(due) == 10  # 旧学习, 学习1-9 shown; 乙篇, 甲篇 and 乙校学习 only counted
    assert context["due_total"] == 13
    assert context["due_counts"] == "待归档 12 件，应归未归 1 件"
    assert context["deadlines"] == "archive/deadlines/"
    assert "已归档篇" not in [d["face"].title for d in context["due"]] and "草稿篇" not in due


def test_shortfalls_are_the_current_periods_duties_below_their_minimum(home_project):
    home = home_of(home_project.root)
    # May 2026: AAA has 乙篇, 甲篇, 已归档篇 (3 of 2: met), BBB 乙校学习 (1 of 2); the year 2026 has no
    # summary of AAA yet (0 of 1). Past months are gaps, not shortfalls.
    assert [(s.unit, s.rule.key, s.period.key, s.count, s.min) for s in home.shortfalls] == [
        ("BBB", "monthly-study", "2026-05", 1, 2), ("AAA", "yearly-summary", "2026", 0, 1)]
    zh = home.context("zh")
    assert zh["shortfalls"] == [
        {"unit": "乙中学党支部", "rule": "每月学习", "period": "2026年5月", "href": "archive/compliance/#rule-monthly-study",
         "count": "1/2"},
        {"unit": "甲镇党委", "rule": "年度总结", "period": "2026年", "href": "archive/compliance/#rule-yearly-summary",
         "count": "0/1"}]
    assert zh["gaps"] == len(home.compliance.gaps) > 0 and zh["compliance"] == "archive/compliance/"
    en = home.context("en")["shortfalls"][0]
    assert (en["unit"], en["rule"], en["period"], en["href"]) == (
        "Yi Middle School Party Branch", "Monthly study", "May 2026", "en/archive/compliance/#rule-monthly-study")


def test_an_exempt_current_period_is_no_shortfall(home_project, tmp_path):
    exempt = Project.existing(tmp_path / "p")
    shutil.copytree(home_project.root, exempt.root)
    registry = exempt.root / "archive.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + "exemptions:\n  - {unit: BBB, rule: monthly-study, "
                        "period: 2026-05, reason: 停课}\n", encoding="utf-8")
    home = home_of(exempt.root)
    assert [(s.unit, s.rule.key, s.period.key) for s in home.shortfalls] == [("AAA", "yearly-summary", "2026")]
    assert current_shortfalls(None) == []


def test_entry_points_lead_to_every_index_and_page_and_the_manual(home_project):
    links = home_of(home_project.root).context("zh")["links"]
    assert [(c.label, c.href) for c in links] == [
        ("档案总览", "archive/"), ("按日期", "archive/by-date/"), ("按阶段", "archive/by-stage/"),
        ("按文种", "archive/by-type/"), ("按单位", "archive/by-unit/"), ("归档文件目录", "archive/catalogue/"),
        ("档案鉴定", "archive/appraisal/"), ("保管期限表", "archive/schedule/"), ("归档时限", "archive/deadlines/"),
        ("合规检查", "archive/compliance/"), ("统计", "archive/stats/"), ("高级检索", "archive/search/"),
        ("使用手册", "handbook/")]
    en = home_of(home_project.root).context("en")["links"]
    assert (en[0].label, en[0].href, en[-1].label, en[-1].href) == ("Archive overview", "en/archive/", "Handbook",
                                                                    "en/handbook/")


def test_the_manual_is_the_handbook_where_there_is_one(tmp_path):
    docs = tmp_path / "docs"
    assert HomePage.find_manual(docs) is None
    (docs / "handbook").mkdir(parents=True)
    (docs / "handbook/index.md").write_text("# 使用手册\n", encoding="utf-8")
    assert HomePage.find_manual(docs) == "handbook/index.md"


@pytest.mark.parametrize("src_uri, shown", [("index.md", True), ("index.en.md", True), ("archive/index.md", False),
                                            ("guide.md", False), ("index.fr.md", False)])
def test_the_home_page_is_docs_index_in_each_language(src_uri, shown):
    assert HomePage.shows(src_uri) is shown
