"""Issue 14, wording: the 文号 rules, 纪要 beside 会议纪要, and the words an archivist reads on the
built site (文种, 开放范围, 哈希值 (SHA-256), 草稿 / 已发布（待归档） / 已归档), in both languages."""

from __future__ import annotations

import sys
from datetime import date

import pytest
from conftest import REGISTRY, Project, minimal
from sitecheck import page

from filing_archive.archive import load_archive
from filing_archive.cadence_rules import registry_rules
from filing_archive.import_drafts import infer_type
from filing_archive.problems import Problems

TODAY = date(2026, 11, 30)


def messages(project: Project) -> list[str]:
    return [str(p) for p in load_archive(project.root, TODAY).problems.sorted()]


# --- 文号: the year inside 〔〕 and the 成文日期 ----------------------------------------------------
def test_doc_no_year_differing_from_the_date_is_a_warning_naming_both_years(project):
    project.record("AAA/2025/rec.md", **minimal(doc_no="甲党发〔2024〕3号"))
    assert messages(project) == [
        "docs/archive/AAA/2025/rec.md:8: warning: doc_no: the year 2024 inside 〔〕 of 文号 甲党发〔2024〕3号 is not "
        "the year 2025 of 成文日期 2025-03-12 (expected 〔2025〕, got 〔2024〕)"
    ]


def test_doc_no_year_written_in_full_width_digits_is_read_as_its_number(project):
    project.record("AAA/2025/same.md", **minimal(doc_no="甲党发〔２０２５〕3号"))
    project.record("AAA/2025/other.md", **minimal(doc_no="甲党发〔２０２６〕4号"))
    assert messages(project) == [
        "docs/archive/AAA/2025/other.md:8: warning: doc_no: the year 2026 inside 〔〕 of 文号 甲党发〔２０２６〕4号 is "
        "not the year 2025 of 成文日期 2025-03-12 (expected 〔2025〕, got 〔２０２６〕)"
    ]


def test_doc_no_year_is_not_compared_when_the_date_is_broken(project):
    project.record("AAA/2025/rec.md", **minimal(date="2025-02-30", doc_no="甲党发〔2024〕3号"))
    assert messages(project) == [
        "docs/archive/AAA/2025/rec.md:5: date: not a real calendar date (expected YYYY-MM-DD, got 2025-02-30)"
    ]


# --- 文号: once per unit --------------------------------------------------------------------------
def test_the_same_doc_no_on_two_records_of_a_unit_is_an_error_naming_both_files(project):
    project.record("AAA/2025/first.md", **minimal(doc_no="甲党发〔2025〕3号"))
    project.record("AAA/2025/second.md", **minimal(title="另一件", doc_no="甲党发〔2025〕3号"))
    project.record("BBB/2025/other-unit.md", **minimal(unit="BBB", doc_no="甲党发〔2025〕3号"))
    assert messages(project) == [
        "docs/archive/AAA/2025/second.md:8: doc_no: duplicate 文号 甲党发〔2025〕3号 of AAA (already used by "
        "docs/archive/AAA/2025/first.md; expected each 文号 once per unit)"
    ]


def test_a_broken_record_reusing_a_doc_no_is_reported_too(project):
    project.record("AAA/2025/first.md", **minimal(doc_no="甲党发〔2025〕3号"))
    project.record("AAA/2026/second.md", **minimal(doc_no="甲党发〔2025〕3号", date="2026-01-05", hours="-1"))
    assert messages(project) == [
        "docs/archive/AAA/2026/second.md:8: doc_no: duplicate 文号 甲党发〔2025〕3号 of AAA (already used by "
        "docs/archive/AAA/2025/first.md; expected each 文号 once per unit)",
        "docs/archive/AAA/2026/second.md:8: warning: doc_no: the year 2025 inside 〔〕 of 文号 甲党发〔2025〕3号 is "
        "not the year 2026 of 成文日期 2026-01-05 (expected 〔2026〕, got 〔2025〕)",
        "docs/archive/AAA/2026/second.md:9: hours: expected a number greater than 0, got -1",
    ]


def test_a_doc_no_written_to_look_different_is_the_same_doc_no(project):
    """Full-width digits, an invisible character or a compatibility ideograph (U+F900, drawn as
    豈) do not make a second 文号 of the same number."""
    project.record("AAA/2025/a-first.md", **minimal(doc_no="豈党发〔2025〕3号"))
    project.record("AAA/2025/b-compat.md", **minimal(doc_no="\uf900党发〔2025〕3号"))
    project.record("AAA/2025/c-hidden.md", **minimal(doc_no='"豈\\u200b党发〔2025〕3号"'))
    project.record("AAA/2025/d-wide.md", **minimal(doc_no="豈党发〔２０２５〕3号"))
    project.record("AAA/2025/e-other.md", **minimal(doc_no="豈党发〔2025〕30号"))
    assert messages(project) == [
        f"docs/archive/AAA/2025/{name}.md:8: doc_no: duplicate 文号 {shown} of AAA (already used by "
        "docs/archive/AAA/2025/a-first.md; expected each 文号 once per unit)"
        for name, shown in [("b-compat", "\uf900党发〔2025〕3号"), ("c-hidden", "豈\\u200b党发〔2025〕3号"),
                            ("d-wide", "豈党发〔２０２５〕3号")]
    ]


# --- 纪要, the 文种 of minutes since the 2012 条例, beside 会议纪要 --------------------------------------
def test_minutes_may_be_written_纪要_or_会议纪要(project):
    project.record("AAA/2025/new.md", **minimal(type="纪要", form=None))
    project.record("AAA/2025/old.md", **minimal(type="会议纪要", form=None))
    project.record("AAA/2025/code.md", **minimal(type="minutes", form=None))
    archive = load_archive(project.root, TODAY)
    assert [str(p) for p in archive.problems.sorted()] == []
    assert sorted(r.type for r in archive.records) == ["minutes"] * 3


def test_old_status_word_发布_still_reads_as_published(project):
    project.record("AAA/2025/rec.md", **minimal(status="发布"))
    project.record("AAA/2025/new.md", **minimal(status="已发布（待归档）"))
    archive = load_archive(project.root, TODAY)
    assert [str(p) for p in archive.problems.sorted()] == []
    assert [r.status for r in archive.records] == ["published", "published"]


def test_unknown_type_names_纪要(project):
    project.record("AAA/2025/rec.md", **minimal(type="memo"))
    assert messages(project) == [
        "docs/archive/AAA/2025/rec.md:3: type: expected plan 方案 | study 学习记录 | briefing 简报 | summary 总结 | "
        "report 专题汇报 | analysis 分析研判 | opinion 舆情信息 | minutes 纪要 | duty 述职报告 | notice 通报 | disposal 销毁清册, got memo"
    ]


def test_archive_new_takes_纪要(project):
    result = project.run(sys.executable, "-m", "filing_archive", "new", "纪要", "--unit", "AAA",
                         "--title", "支部委员会会议纪要", "--date", "2025-03-12")
    assert result.returncode == 0, result.stderr
    path = project.root / result.stdout.strip().splitlines()[-1].split()[-1]
    assert "type: minutes" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("title", ["党支部委员会纪要", "支部委员会会议纪要", "关于落实工作方案的会议纪要（篇3）"])
def test_import_reads_纪要_and_会议纪要_as_minutes(title):
    assert infer_type(title) == "minutes"


def test_a_cadence_rule_may_count_纪要(tmp_path):
    registry = REGISTRY + ("cadence:\n  - {id: minutes, name: 每季度支部委员会会议, type: 纪要, per: quarter, min: 1,"
                           " applies_to: [AAA]}\n")
    proj = Project(tmp_path / "p", registry=registry, with_site_files=False)
    proj.record("AAA/2025/rec.md", **minimal(type="会议纪要", form=None))
    archive = load_archive(proj.root, TODAY)
    assert [str(p) for p in archive.problems.sorted()] == []
    rules = registry_rules(archive.registry, Problems())
    assert rules[0].type == "minutes" and rules[0].matches(archive.records[0])


# --- the words on the built sample site ------------------------------------------------------------
def panel(site, url: str) -> dict[str, tuple[str, str]]:
    doc = page(site, url)
    return {tr.get("data-field"): (tr.xpath("th")[0].text_content(), " ".join(tr.xpath("td")[0].text_content().split()))
            for tr in doc.xpath("//table//tr[@data-field]")}


def test_record_panel_words_in_chinese(sample_site):
    published = panel(sample_site, "archive/QSZ/2025/2025-08-14-qsz-minutes/")
    assert published["type"] == ("文种", "纪要")
    assert published["status"] == ("状态", "已发布（待归档）")
    assert published["secrecy"] == ("开放范围", "公开")
    filed = panel(sample_site, "archive/QSZ/2025/2025-02-20-qsz-plan/")
    assert filed["status"] == ("状态", "已归档")
    assert filed["digest"][0] == "哈希值 (SHA-256)"


def test_record_panel_words_in_english(sample_site):
    filed = panel(sample_site, "en/archive/QSZ/2025/2025-02-20-qsz-plan/")
    assert filed["status"] == ("Status", "Filed")
    assert filed["secrecy"] == ("Access", "Public")
    assert filed["digest"][0] == "Hash (SHA-256)"
    published = panel(sample_site, "en/archive/HXZ/2026/2026-02-25-hxz-plan/")
    assert published["status"] == ("Status", "Published (not yet filed)")


def test_listings_and_filters_say_文种(sample_site):
    year = page(sample_site, "archive/by-date/2025/")
    assert [th.text_content() for th in year.xpath('//div[@class="archive-list"]//thead//th')][:4] == [
        "日期", "题名", "单位", "文种"]
    overview = page(sample_site, "archive/")
    assert "按文种统计" in [h.text_content() for h in overview.xpath("//article//h2")]
    minutes = page(sample_site, "archive/by-type/minutes/")
    assert minutes.xpath("//h1")[0].text_content() == "纪要"
    search = page(sample_site, "archive/search/")
    filters = {s.get("name"): (s.getparent().text.strip(), [o.text_content() for o in s.xpath("option")])
               for s in search.xpath("//form//select")}
    assert filters["type"][0] == "文种" and "纪要" in filters["type"][1]
    assert filters["status"] == ("状态", ["全部", "已发布（待归档）", "已归档"])
    en = page(sample_site, "en/archive/search/")
    status = [s for s in en.xpath("//form//select") if s.get("name") == "status"][0]
    assert [o.text_content() for o in status.xpath("option")] == ["Any", "Published (not yet filed)", "Filed"]
