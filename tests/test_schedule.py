"""保管期限表 (retention schedule) and 归档时限 (filing deadlines): the rules on the package, the
commands as subprocesses."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from conftest import REGISTRY, Project, minimal
from sitecheck import page, resolve, section_titles

from filing_archive.archive import load_archive
from filing_archive.deadlines import evaluate_deadlines
from filing_archive.problems import Problems
from filing_archive.registry import Unit, load_registry
from filing_archive.schedule import entry_for, load_schedule

SCHEDULE = """\
retention_schedule:
  - {item: 1, type: summary, retention: 永久, wording: 本机关年度工作总结}
  - {item: '2.1', type: notice, kind: school, retention: 30年, wording: 学校的情况通报}
  - {item: '2.2', type: notice, retention: 10年, wording: 其他情况通报}
  - {item: '2.3', type: notice, unit: AAA, retention: 永久, wording: 甲镇党委的通报}
  - {item: 3, type: study, retention: 10年, wording: 理论学习记录}
  - {item: 4, type: study, keywords: [意识形态], retention: 30年, wording: 意识形态专题学习记录}
"""
FILERS = ("--by", "王整理", "--checked-by", "李检查")
SUMMARY = "docs/archive/BBB/2025/s.md"


def schedule_of(text: str):
    """The entries and the problems of a registry ending in ``text``."""
    problems = Problems()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "archive.yml").write_text(REGISTRY + text, encoding="utf-8")
        registry = load_registry(Path(folder), problems)
        entries = load_schedule(registry, problems) if registry else []
    return entries, [str(p) for p in problems]


def test_most_specific_entry_wins():
    entries, problems = schedule_of(SCHEDULE)
    assert problems == []
    town, school = Unit("AAA", "甲", "", "town"), Unit("BBB", "乙", "", "school")
    ccc_town = Unit("CCC", "丙", "", "town")
    assert entry_for(entries, "notice", [], town).item == "2.3"  # a unit beats a kind and a plain entry
    assert entry_for(entries, "notice", [], school).item == "2.1"  # a kind beats a plain entry
    assert entry_for(entries, "notice", [], ccc_town).item == "2.2"
    assert entry_for(entries, "study", ["理论", "意识形态"], school).item == "4"  # keywords beat none
    assert entry_for(entries, "study", ["理论"], school).item == "3"
    assert entry_for(entries, "plan", [], school) is None


def test_equally_specific_entries_keep_the_longer_retention():
    entries, problems = schedule_of("""\
retention_schedule:
  - {item: 1, type: study, keywords: [甲], retention: 10年, wording: 甲类}
  - {item: 2, type: study, keywords: [乙], retention: 30年, wording: 乙类}
""")
    assert problems == []
    assert entry_for(entries, "study", ["甲", "乙"], None).item == "2"


@pytest.mark.parametrize(("entry", "message"), [
    ("{item: 2.1, type: study, retention: 10年, wording: 学习}",
     "archive.yml:15: retention_schedule[0].item: expected the entry's number such as 3 or '3.2' (letters, digits, "
     ". and -, at most 20; quote a dotted number: '3.2'), got 2.1"),
    ("{item: 1, type: studdy, retention: 10年, wording: 学习}",
     "archive.yml:15: retention_schedule[0].type: expected plan 方案 | study 学习记录 | briefing 简报 | summary 总结 | "
     "report 专题汇报 | analysis 分析研判 | opinion 舆情信息 | minutes 纪要 | duty 述职报告 | notice 通报 | disposal 销毁清册, got studdy; "
     "did you mean study?"),
    ("{item: 1, type: study, retention: 5年, wording: 学习}",
     "archive.yml:15: retention_schedule[0].retention: expected 永久 | 30年 | 10年, got 5年"),
    ("{item: 1, type: study, retention: 10年}",
     "archive.yml:15: retention_schedule[0].wording: required: expected the entry's wording as text such as "
     "本机关年度工作总结, got nothing"),
    ("{item: 1, type: study, kind: town, unit: AAA, retention: 10年, wording: 学习}",
     "archive.yml:15: retention_schedule[0].unit: an entry names a unit or a unit kind, not both (expected one of "
     "kind: and unit:)"),
    ("{item: 1, type: study, unit: ZZZ, retention: 10年, wording: 学习}",
     "archive.yml:15: retention_schedule[0].unit: not a unit of archive.yml (expected a unit code or its exact "
     "Chinese name, got ZZZ)"),
    ("{item: 1, type: study, retention: 10年, wording: 学习, years: 10}",
     "archive.yml:15: retention_schedule[0].years: unknown key (expected item, type, keywords, kind, unit, "
     "retention, wording, wording_en)"),
])
def test_a_wrong_entry_names_its_line_and_key(entry, message):
    _, problems = schedule_of(f"retention_schedule:\n  - {entry}\n")
    assert problems == [message]


def test_two_entries_for_the_same_records_are_an_error():
    _, problems = schedule_of("""\
retention_schedule:
  - {item: 1, type: study, retention: 10年, wording: 学习}
  - {item: 2, type: 学习记录, retention: 30年, wording: 学习二}
  - {item: 1, type: notice, retention: 30年, wording: 通报}
""")
    assert problems == [
        "archive.yml:16: retention_schedule[1]: covers the same records as item 1 (line 15; expected one entry per "
        "文种, keywords, kind and unit)",
        "archive.yml:17: retention_schedule[2].item: duplicate item 1 (first on line 15; expected each item number "
        "once)",
    ]


def test_a_huge_schedule_is_refused_whole():
    entries, problems = schedule_of("retention_schedule:\n" + "  - {item: 1, type: study}\n" * 201)
    assert entries == []
    assert problems == ["archive.yml:14: retention_schedule: too many entries (expected at most 200, got 201)"]


# --- archive file and archive check -----------------------------------------------------------
@pytest.fixture
def scheduled(tmp_path) -> Project:
    project = Project(tmp_path / "proj", REGISTRY + SCHEDULE, with_site_files=False)
    project.record("BBB/2025/s.md", **minimal(title="乙中学2025年工作总结", type="summary", unit="BBB",
                                              date="2025-12-20", form=None, pages=3))
    return project


def test_file_without_retention_takes_the_schedules(scheduled):
    result = scheduled.archive("file", SUMMARY, *FILERS)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[0].startswith(f"{SUMMARY}: filed as Z001-WS·2025-Y-BBB-0001 ")
    entry = json.loads((scheduled.root / "filing-log.jsonl").read_text("utf-8").splitlines()[-1])
    assert entry["retention"] == "永久"
    assert "retention: 永久" in (scheduled.root / SUMMARY).read_text("utf-8")


def test_file_with_a_departing_retention_warns_naming_the_entry(scheduled):
    result = scheduled.archive("file", SUMMARY, "--retention", "10年", *FILERS)
    assert result.returncode == 0, result.stdout
    warning = (f"{SUMMARY}:3: warning: retention: 保管期限 10年 departs from the retention schedule, item 1 "
               f"本机关年度工作总结 (总结) → 永久 (expected 永久, got 10年) (see the handbook: en/handbook/errors/#w-retention-departs)")
    assert warning in result.stdout.splitlines()
    check = scheduled.archive("check")
    assert f"{SUMMARY}:7: warning: retention: 保管期限 10年 departs from the retention schedule, item 1 " \
           f"本机关年度工作总结 (总结) → 永久 (expected 永久, got 10年) (see the handbook: " \
           f"en/handbook/errors/#w-retention-departs)" in check.stdout.splitlines()
    assert check.returncode == 0
    assert scheduled.archive("check", "--strict").returncode == 1


def test_file_with_no_entry_and_no_retention_is_refused_with_the_list(scheduled):
    scheduled.record("BBB/2025/p.md", **minimal(title="方案", type="plan", unit="BBB", date="2025-03-01",
                                                form=None, pages=2))
    before = (scheduled.root / "docs/archive/BBB/2025/p.md").read_bytes()
    result = scheduled.archive("file", "docs/archive/BBB/2025/p.md", *FILERS)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "docs/archive/BBB/2025/p.md:3: retention: no entry of the retention schedule (保管期限表) covers a 方案 of "
        "BBB: give --retention 永久 | 30年 | 10年, or add an entry to archive.yml (expected one of: item 1 "
        "本机关年度工作总结 (总结) → 永久; item 2.1 学校的情况通报 (通报, 学校) → 30年; item 2.2 其他情况通报 (通报) → 10年; "
        "item 2.3 甲镇党委的通报 (通报, AAA) → 永久; item 3 理论学习记录 (学习记录) → 10年; item 4 意识形态专题学习记录 "
        "(学习记录, 主题词 意识形态) → 30年) (see the handbook: en/handbook/errors/#e-no-schedule-entry)",
        "filed 0 records: 1 errors",
    ]
    assert (scheduled.root / "docs/archive/BBB/2025/p.md").read_bytes() == before
    assert not (scheduled.root / "filing-log.jsonl").exists() or \
        (scheduled.root / "filing-log.jsonl").read_text("utf-8") == ""


# --- 归档时限 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("today", "due", "late", "code"), [
    ("2026-06-30", 1, 0, 0),  # the last day: still due
    ("2026-07-01", 0, 1, 1),  # the day after: 应归未归
])
def test_deadline_on_both_sides_of_30_june(scheduled, today, due, late, code):
    env = {"ARCHIVE_BUILD_DATE": today}
    result = scheduled.archive("check", "--deadlines", "--fail-on-late", env=env)
    word = "late" if late else "due"
    assert result.stdout.splitlines()[-3:] == [
        f"{SUMMARY}: {word}: BBB 2025 乙中学2025年工作总结 (due by 2026-06-30)",
        f"BBB: {due} due, {late} late",
        f"filing deadlines as of {today}: {due} due, {late} late",
    ]
    assert result.returncode == code
    assert scheduled.archive("check", env=env).returncode == 0  # late counts only when asked


def test_a_filed_record_and_a_draft_are_not_due(scheduled):
    scheduled.record("BBB/2025/draft.md", **minimal(unit="BBB", status="draft"))
    assert scheduled.archive("file", SUMMARY, *FILERS).returncode == 0
    archive = load_archive(scheduled.root)
    deadlines = evaluate_deadlines(archive.records, archive.registry, archive.deadline, archive.today)
    assert deadlines.due == [] and deadlines.late == []


def test_the_deadline_is_configurable_and_checked(tmp_path):
    project = Project(tmp_path / "proj", REGISTRY + "filing_deadline: 03-31\n", with_site_files=False)
    project.record("AAA/2025/a.md", **minimal())
    result = project.archive("check", "--deadlines", "--format", "json", env={"ARCHIVE_BUILD_DATE": "2026-04-01"})
    assert json.loads(result.stdout)["deadlines"] == [
        {"path": "docs/archive/AAA/2025/a.md", "unit": "AAA", "year": 2025, "title": "集中学习记录", "state": "late",
         "deadline": "2026-03-31"}]
    for wrong in ("02-29", "6-30", "'2026-06-30'", "13-01"):
        (project.root / "archive.yml").write_text(REGISTRY + f"filing_deadline: {wrong}\n", encoding="utf-8")
        result = project.archive("check")
        assert result.returncode == 1
        shown = wrong.strip("'")
        assert result.stdout.splitlines()[0] == (
            "archive.yml:14: filing_deadline: expected the month and day of the next year by which a year's records "
            f"are filed, as MM-DD such as 06-30 (a day every year has), got {shown}"
            " (see the handbook: en/handbook/errors/#e-deadline-bad)")


# --- the pages, in the sample site (built once, BUILD_DATE 2026-11-30) ---------------------------
def text(element) -> str:
    return " ".join(element.text_content().split())


def test_the_schedule_is_a_page_in_both_languages(sample_site):
    zh = page(sample_site, "archive/schedule/")
    rows = [[text(td) for td in tr.xpath("td")] for tr in zh.xpath("//article//tbody/tr")]
    assert rows[1] == ["2", "本机关年度工作总结", "总结", "各单位", "", "永久"]
    assert rows[4] == ["5.1", "镇党委向上级的专题汇报", "专题汇报", "乡镇", "", "永久"]
    assert len(rows) == 13
    en = page(sample_site, "en/archive/schedule/")
    assert [text(td) for td in en.xpath("//article//tbody/tr")[1].xpath("td")] == [
        "2", "Annual work summaries", "Summary", "Any unit", "", "Permanent"]
    assert text(en.xpath("//article//h1")[0]) == "Retention schedule"


def test_the_deadlines_page_lists_late_and_due_records_per_unit_linked(sample_site):
    doc = page(sample_site, "archive/deadlines/")
    assert text(doc.xpath('//*[@id="deadline-counts"]')[0]) == "待归档 22 件，应归未归 10 件"
    assert section_titles(doc) == ["青石镇党委 (待归档 5 件，应归未归 6 件)", "红星中学党支部 (待归档 12 件，应归未归 0 件)",
                                   "雨苗幼儿园党支部 (待归档 5 件，应归未归 3 件)", "示范区教育局 (待归档 0 件，应归未归 1 件)"]
    late = doc.xpath('//table[@class="archive-deadlines--late"]')[0]
    first = late.xpath(".//tbody/tr")[0]
    assert [text(td) for td in first.xpath("td")] == ["2025-03-12", "意识形态工作宣传动员大会暨集中学习记录", "学习记录",
                                                     "2026-06-30"]
    href = first.xpath(".//a/@href")[0]
    target = resolve("archive/deadlines/", href)
    assert (sample_site / target / "index.html").is_file() or (sample_site / target).is_file()
    en = page(sample_site, "en/archive/deadlines/")
    assert text(en.xpath('//*[@id="deadline-counts"]')[0]) == "22 due for filing, 10 late"


def test_unit_and_compliance_pages_show_the_counts(sample_site):
    unit = page(sample_site, "archive/by-unit/YMY/")
    counts = unit.xpath('//*[@id="deadline-counts"]/a')[0]
    assert text(counts) == "待归档 5 件，应归未归 3 件"
    assert resolve("archive/by-unit/YMY/", counts.get("href").split("#")[0]) == "archive/deadlines"
    assert counts.get("href").endswith("#unit-YMY")
    compliance = page(sample_site, "en/archive/compliance/")
    assert text(compliance.xpath('//*[@id="deadline-counts"]')[0]) == (
        "Filing deadlines: records late for filing: 22 due for filing, 10 late")
