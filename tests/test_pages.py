"""The generated archive pages, built for real from a small archive whose answers are known."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import FILERS, REGISTRY, Project, add_pages, minimal, q
from sitecheck import broken_links, listed_titles, page, section_titles

REGISTRY_3 = REGISTRY.replace("stages:", """  - code: CCC
    name: 丙幼儿园党支部
    name_en: Bing Kindergarten Party Branch
    kind: kindergarten
stages:""")
PLAN_STAGES = """
  - {name: 宣传动员, start: 2025-03-01, end: 2025-03-31}
  - {name: 学习讨论, start: 2025-04-01, end: 2025-06-30}
  - {name: 调查研究, start: 2025-07-01, end: 2025-09-30}
  - {name: 总结, start: 2025-10-01, end: 2025-12-31}"""
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = '"><img src=x onerror=alert(1)>'
HOSTILE_FORMULA = '=HYPERLINK("http://x","点我")'
WITHDRAWN = (f"已撤出 {datetime.now(UTC).date().isoformat()}：重复归档（批准：赵批准，撤出审批〔2025〕1号；"
             "文件保留，不发布）")


def stage(name: str) -> dict:
    return {"plan": "p-aaa-2025", "stage": name}


def filed(retention: str, number: str, year: str = "2025", unit: str = "AAA") -> dict:
    """Written as published; ``file_fixture`` files them for real, which gives these numbers."""
    return {"status": "published", "keywords": f"[归档{retention}{number}]"}


TO_FILE = {  # retention -> records, filed in this order (件号 follow dates within each class)
    "永久": ["AAA/2025/a4.md", "AAA/2025/a5.md"],
    "30年": ["AAA/2024/a6.md", "BBB/2025/b2.md", "AAA/2025/a11.md"],
    "10年": ["AAA/2025/a8.md"],
}


def file_fixture(proj: Project) -> None:
    """File, amend and withdraw with the real filing commands, as staff would."""
    from filing_archive.filing import amend_record, file_records, withdraw_record

    for retention, paths in TO_FILE.items():
        for path in paths:
            add_pages(proj.root / "docs/archive" / path)
        result = file_records(proj.root, [str(proj.root / "docs/archive" / p) for p in paths], retention, **FILERS)
        assert not result.problems, result.problems
    a5 = proj.root / "docs/archive/AAA/2025/a5.md"
    a5.write_text(a5.read_text(encoding="utf-8") + "\n（补充落款）甲镇党委\n", encoding="utf-8")
    assert not amend_record(proj.root, str(a5), "补充落款").problems
    a11 = str(proj.root / "docs/archive/AAA/2025/a11.md")
    assert not withdraw_record(proj.root, a11, "重复归档", "撤出审批〔2025〕1号", "赵批准").problems


def write_fixture(proj: Project) -> None:
    study, no_form = {}, {"form": None}
    proj.record("AAA/2025/plan.md", **minimal(title="甲镇2025年方案", type="plan", id="p-aaa-2025", date="2025-02-01",
                                              stages=PLAN_STAGES, **no_form))
    proj.record("AAA/2025/a1.md", **minimal(title="动员学习一", date="2025-03-10", **stage("宣传动员"), **study))
    proj.record("AAA/2025/a2.md", **minimal(title="简报第一期", type="briefing", issue="1", date="2025-03-20",
                                            **stage("宣传动员"), **no_form))
    proj.record("AAA/2025/a3.md", **minimal(title="讨论学习二", date="2025-04-15", **stage("学习讨论")))
    proj.record("AAA/2025/a4.md", **minimal(title="上半年专题汇报", type="report", date="2025-06-28", doc_no="甲党发〔2025〕7号",
                                            **stage("学习讨论"), **filed("永久", "0001"), **no_form))
    proj.record("AAA/2025/a5.md", **minimal(title="年度总结", type="summary", date="2025-12-20", **stage("总结"),
                                            **filed("永久", "0002"), **no_form))
    proj.record("AAA/2024/a6.md", **minimal(title=q(HOSTILE_SCRIPT), type="notice", date="2024-05-01",
                                            **filed("30年", "0001", "2024"), **no_form))
    proj.record("AAA/2024/a7.md", **minimal(title=q(HOSTILE_IMG), type="minutes", date="2024-11-11", **no_form))
    proj.record("AAA/2025/a8.md", **minimal(title=q(HOSTILE_FORMULA), type="opinion", date="2025-01-05",
                                            **filed("10年", "0001"), **no_form))
    proj.record("AAA/2025/a9.md", **minimal(title="草稿不应出现", date="2025-05-05", status="draft"))
    proj.record("BBB/2025/b1.md", **minimal(title="乙校集中学习", unit="BBB", date="2025-09-10"))
    proj.write("docs/archive/BBB/2025/b1.en.md", "---\ntitle: Yi school group study\n---\nText.\n")
    proj.record("BBB/2025/b2.md", **minimal(title="乙校风险研判", type="analysis", unit="BBB", date="2025-03-27",
                                            **filed("30年", "0001", unit="BBB"), **no_form))
    proj.record("AAA/2025/a11.md", **minimal(title="已销毁的通报", type="notice", date="2025-07-07",
                                             **filed("30年", "0001"), **no_form))
    file_fixture(proj)


@pytest.fixture(scope="session")
def pages_project(tmp_path_factory) -> Project:
    proj = Project(tmp_path_factory.mktemp("pages") / "proj", registry=REGISTRY_3)
    write_fixture(proj)
    result = proj.build()
    assert result.returncode == 0, result.stderr
    return proj


@pytest.fixture(scope="session")
def site(pages_project) -> Path:
    return pages_project.site


ALL_2025 = ["年度总结", "乙校集中学习", "上半年专题汇报", "讨论学习二", "乙校风险研判", "简报第一期", "动员学习一",
            "甲镇2025年方案", HOSTILE_FORMULA]


def test_overview_counts_and_newest(site):
    doc = page(site, "archive/")
    assert listed_titles(doc) == ALL_2025 + [HOSTILE_IMG, HOSTILE_SCRIPT]
    counts = {tuple(td.text_content().strip() for td in tr.xpath("td")) for tr in doc.xpath('//div[@class="archive-counts"]//tbody/tr')}
    assert {("方案", "1"), ("学习记录", "3"), ("简报", "1"), ("总结", "1"), ("专题汇报", "1"), ("分析研判", "1"),
            ("舆情信息", "1"), ("纪要", "1"), ("通报", "1")} <= counts
    assert {("甲镇党委", "9"), ("乙中学党支部", "2"), ("2025", "9"), ("2024", "2")} <= counts
    links = [a.get("href") for a in doc.xpath('//nav[@class="archive-indexes"]//a')]
    assert links == ["by-date/", "by-stage/", "by-type/", "by-unit/", "catalogue/"]


def test_year_page_groups_by_month_newest_first(site):
    doc = page(site, "archive/by-date/2025/")
    assert section_titles(doc) == ["12月 (1)", "9月 (1)", "6月 (1)", "4月 (1)", "3月 (3)", "2月 (1)", "1月 (1)"]
    assert listed_titles(doc) == ALL_2025
    assert [a.get("href") for a in doc.xpath('//nav[@class="archive-jump"]/a')][:2] == ["#m12", "#m09"]
    assert listed_titles(page(site, "archive/by-date/2024/")) == [HOSTILE_IMG, HOSTILE_SCRIPT]
    years = page(site, "archive/by-date/")
    assert [a.text_content() for a in years.xpath("//article//tbody//a")] == ["2025", "2024"]


def test_plan_page_shows_every_stage_and_empty_ones_plainly(site):
    doc = page(site, "archive/by-stage/p-aaa-2025/")
    assert section_titles(doc) == [
        "宣传动员 2025-03-01 – 2025-03-31", "学习讨论 2025-04-01 – 2025-06-30",
        "调查研究 2025-07-01 – 2025-09-30", "总结 2025-10-01 – 2025-12-31",
    ]
    stages = doc.xpath('//section[@class="archive-stage"]')
    assert [listed_titles(s) for s in stages] == [["动员学习一", "简报第一期"], ["讨论学习二", "上半年专题汇报"], [], ["年度总结"]]
    assert stages[2].xpath('.//p[@class="archive-empty"]')[0].text == "本阶段暂无记录。"
    index = page(site, "archive/by-stage/")
    rows = [[td.text_content().strip() for td in tr.xpath("td")] for tr in index.xpath("//tbody/tr")]
    assert rows == [["宣传动员", "2025-03-01 – 2025-03-31", "2"], ["学习讨论", "2025-04-01 – 2025-06-30", "2"],
                    ["调查研究", "2025-07-01 – 2025-09-30", "0"], ["总结", "2025-10-01 – 2025-12-31", "1"]]


def test_type_page_by_year(site):
    doc = page(site, "archive/by-type/study/")
    assert section_titles(doc) == ["2025 (3)"]
    assert listed_titles(doc) == ["乙校集中学习", "讨论学习二", "动员学习一"]
    assert not (site / "archive/by-type/duty").exists()  # no duty records: no page


def test_unit_page_plans_then_years_and_types(site):
    doc = page(site, "archive/by-unit/AAA/")
    assert [a.text_content() for a in doc.xpath('//section[@class="archive-plan"]/h2/a')] == ["甲镇2025年方案"]
    assert section_titles(doc, "h4") == ["方案 (1)", "学习记录 (2)", "简报 (1)", "总结 (1)", "专题汇报 (1)", "舆情信息 (1)",
                                         "纪要 (1)", "通报 (1)"]
    assert listed_titles(doc) == ["甲镇2025年方案", "讨论学习二", "动员学习一", "简报第一期", "年度总结", "上半年专题汇报",
                                  HOSTILE_FORMULA, HOSTILE_IMG, HOSTILE_SCRIPT]
    assert not (site / "archive/by-unit/CCC").exists()  # a unit without records has no page


CATALOGUE_2025 = [  # one catalogue per class (全宗, 年度, 保管期限, 机构), 序号 from 1 in each; 密级 empty for 公开;
    # 页数 as filed (empty for the withdrawn record)
    [["1", "Z001-WS·2025-Y-AAA-0001", "甲党发〔2025〕7号", "甲镇党委", "上半年专题汇报", "20250628", "", "2", ""],
     ["2", "Z001-WS·2025-Y-AAA-0002", "", "甲镇党委", "年度总结", "20251220", "", "2", "归档后修改 1 次（见备考表）"]],
    [["1", "Z001-WS·2025-D30-AAA-0001", "", "甲镇党委", "已销毁的通报", "20250707", "", "", WITHDRAWN]],
    [["1", "Z001-WS·2025-D30-BBB-0001", "", "乙中学党支部", "乙校风险研判", "20250327", "", "2", ""]],
    [["1", "Z001-WS·2025-D10-AAA-0001", "", "甲镇党委", HOSTILE_FORMULA, "20250105", "", "2", ""]],
]


def test_catalogue_per_class_ordered_by_archive_no(site):
    doc = page(site, "archive/catalogue/2025/")
    tables = doc.xpath('//div[@class="archive-catalogue"]//table')
    header = [th.text_content() for th in tables[0].xpath(".//th")]
    assert header == ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
    rows = [[[td.text_content() for td in tr.xpath("td")] for tr in t.xpath(".//tbody/tr")] for t in tables]
    assert rows == CATALOGUE_2025
    assert section_titles(doc) == ["测试全宗 · 2025 · 永久 · 甲镇党委", "测试全宗 · 2025 · 30年 · 甲镇党委",
                                   "测试全宗 · 2025 · 30年 · 乙中学党支部", "测试全宗 · 2025 · 10年 · 甲镇党委"]
    links = [tr.xpath("td[5]/a/@href") for t in tables[:2] for tr in t.xpath(".//tbody/tr")]
    assert links == [["../../AAA/2025/a4/"], ["../../AAA/2025/a5/"], []]  # withdrawn: no page
    assert not (site / "archive/AAA/2025/a11").exists()


def test_catalogue_csv_round_trips_with_bom_and_neutralised_formulas(site):
    data = (site / "archive/catalogue/2025.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["全宗号", "年度", "保管期限", "机构", "序号", "档号", "文号", "责任者", "题名", "日期", "密级",
                       "页数", "备注"]
    assert rows[1] == ["Z001", "2025", "永久", "甲镇党委"] + CATALOGUE_2025[0][0]
    assert rows[5] == ["Z001", "2025", "10年", "甲镇党委", "1", "Z001-WS·2025-D10-AAA-0001", "", "甲镇党委",
                       "'" + HOSTILE_FORMULA, "20250105", "", "2", ""]
    assert len(rows) == 6


def test_catalogue_xlsx_holds_the_same_rows_as_text(site):
    sheet = openpyxl.load_workbook(site / "archive/catalogue/2025.xlsx").worksheets[3]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=8)]
    assert rows[0] == ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
    assert rows[1] == [1, "Z001-WS·2025-D10-AAA-0001", None, "甲镇党委", HOSTILE_FORMULA, "20250105", None, 2, None]
    assert sheet.cell(row=9, column=5).data_type == "s"  # stored as text, never a formula


def test_records_json_is_the_machine_readable_catalogue(site):
    data = json.loads((site / "archive/records.json").read_text(encoding="utf-8"))
    assert data["count"] == 11 and len(data["records"]) == 11
    by_id = {r["id"]: r for r in data["records"]}
    assert "a9" not in by_id  # drafts are not published
    assert by_id["a6"]["title"] == HOSTILE_SCRIPT
    assert by_id["b1"] == {
        "id": "b1", "title": "乙校集中学习", "title_en": "Yi school group study", "type": "study", "type_label": "学习记录",
        "unit": "BBB", "unit_name": "乙中学党支部", "unit_name_en": "Yi Middle School Party Branch", "date": "2025-09-10",
        "status": "published", "secrecy": "公开", "doc_no": None, "archive_no": None, "retention": None,
        "responsible": None, "keywords": [], "plan": None, "stage": None, "url": "archive/BBB/2025/b1/",
        "url_en": "en/archive/BBB/2025/b1/",
    }
    for record in data["records"]:
        assert (site / record["url"] / "index.html").is_file()
        assert (site / record["url_en"] / "index.html").is_file() or record["url_en"] == record["url"]


def test_hostile_titles_show_as_text_everywhere(site):
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert HOSTILE_SCRIPT not in text, html
        assert "<img src=x" not in text, html
    doc = page(site, "archive/AAA/2024/a6/")
    assert doc.xpath("//h1")[0].text_content() == HOSTILE_SCRIPT
    assert doc.xpath("//title")[0].text_content().startswith(HOSTILE_SCRIPT)
    assert not doc.xpath("//article//script")


def test_english_pages_carry_english_labels(site):
    doc = page(site, "en/archive/")
    assert doc.xpath("//h1")[0].text_content() == "Archive overview"
    assert [h.text_content() for h in doc.xpath("//article//h2")] == ["Indexes", "Records by type", "Records by unit",
                                                                      "Records by year", "Newest records"]
    assert "Jia Town Party Committee" in doc.text_content()
    plan = page(site, "en/archive/by-stage/p-aaa-2025/")
    assert section_titles(plan)[0] == "宣传动员 2025-03-01 – 2025-03-31"  # no English stage names in this registry
    year = page(site, "en/archive/by-date/2025/")
    assert section_titles(year)[:2] == ["December (1)", "September (1)"]
    # translated records are linked in English, the rest in Chinese, marked as such
    rows = year.xpath('//div[@class="archive-list"]//tbody/tr')
    links = {r.xpath("td[2]/a")[0].text_content(): r.xpath("td[2]/a")[0].get("href") for r in rows}
    assert links["Yi school group study"] == "../../BBB/2025/b1/"
    assert links["年度总结"] == "../../../../archive/AAA/2025/a5/"
    catalogue = page(site, "en/archive/catalogue/2025/")
    assert [th.text_content() for th in catalogue.xpath("//thead//th")][:5] == [
        "No.", "Archival no.", "Document no.", "Unit", "Title"]


def test_record_page_links_into_the_archive(site):
    doc = page(site, "archive/AAA/2025/a3/")
    meta = {tr.get("data-field"): tr.xpath("td")[0] for tr in doc.xpath('//table//tr[@data-field]')}
    assert meta["type"].xpath("a/@href") == ["../../../by-type/study/"]
    assert meta["unit"].xpath("a/@href") == ["../../../by-unit/AAA/"]
    assert meta["date"].xpath("a/@href") == ["../../../by-date/2025/"]
    assert meta["plan"].xpath("a/@href") == ["../plan/"]
    assert meta["stage"].xpath("a/@href") == ["../../../by-stage/p-aaa-2025/#stage-学习讨论"]
    assert doc.xpath('//a[@rel="next"]')[0].text_content().strip() == "下一件: 上半年专题汇报 (2025-06-28) →"
    assert not doc.xpath('//a[@rel="prev"]')
    plan = page(site, "archive/AAA/2025/plan/")
    stages = [[td.text_content() for td in tr.xpath("td")] for tr in plan.xpath('//div[@class="archive-stages"]//tbody/tr')]
    assert stages == [["宣传动员", "2025-03-01 – 2025-03-31", "2"], ["学习讨论", "2025-04-01 – 2025-06-30", "2"],
                      ["调查研究", "2025-07-01 – 2025-09-30", "0"], ["总结", "2025-10-01 – 2025-12-31", "1"]]


def test_no_broken_links_in_either_language(site):
    assert broken_links(site) == []


def test_adding_a_record_to_a_stage_changes_exactly_the_pages_that_list_it(pages_project, tmp_path):
    copy = copy_of(pages_project, tmp_path / "copy")
    copy.record("AAA/2025/a10.md", **minimal(title="新增调研记录", date="2025-08-08", **stage("调查研究")))
    result = copy.build()
    assert result.returncode == 0, result.stderr
    containing = sorted(
        p.relative_to(copy.site).as_posix() for p in copy.site.rglob("index.html")
        if "新增调研记录" in p.read_text(encoding="utf-8")
    )
    assert containing == [
        "archive/AAA/2025/a10/index.html",
        "archive/by-date/2025/index.html",
        "archive/by-stage/p-aaa-2025/index.html",
        "archive/by-type/study/index.html",
        "archive/by-unit/AAA/index.html",
        "archive/deadlines/index.html",  # published, not filed: late for filing (归档时限)
        "archive/index.html",
        "en/archive/by-date/2025/index.html",
        "en/archive/by-stage/p-aaa-2025/index.html",
        "en/archive/by-type/study/index.html",
        "en/archive/by-unit/AAA/index.html",
        "en/archive/deadlines/index.html",
        "en/archive/index.html",
        "en/index.html",  # the home page: among the latest, and due for filing
        "index.html",
    ]
    stages = page(copy.site, "archive/by-stage/p-aaa-2025/").xpath('//section[@class="archive-stage"]')
    assert listed_titles(stages[2]) == ["新增调研记录"]
    assert "新增调研记录" in json.dumps(json.loads((copy.site / "archive/records.json").read_text()), ensure_ascii=False)


def test_filed_record_page_shows_digest_filing_date_and_amendments(pages_project, site):
    from filing_archive.fixity import read_manifest

    digest = read_manifest(pages_project.root).digests["docs/archive/AAA/2025/a5.md"]
    doc = page(site, "archive/AAA/2025/a5/")
    rows = {tr.get("data-field"): tr.xpath("td")[0].text_content() for tr in doc.xpath("//tr[@data-field]")}
    today = datetime.now(UTC).date().isoformat()
    assert rows["digest"] == digest and rows["filed_on"] == today
    amendments = [[td.text_content() for td in tr.xpath("td")] for tr in doc.xpath('//div[@class="archive-amendments"]//tbody/tr')]
    assert amendments == [[today, "补充落款"]]
    assert "归档后未作修改。" in page(site, "archive/AAA/2025/a4/").text_content()


def copy_of(pages_project: Project, dest: Path) -> Project:
    shutil.copytree(pages_project.root, dest, ignore=shutil.ignore_patterns("site"))
    return Project.existing(dest)


def test_build_refuses_a_filed_record_changed_after_filing(pages_project, tmp_path):
    copy = copy_of(pages_project, tmp_path / "copy")
    a4 = copy.root / "docs/archive/AAA/2025/a4.md"
    a4.write_text(a4.read_text(encoding="utf-8").replace("正文。", "正文（改）。"), encoding="utf-8")
    result = copy.build()
    assert result.returncode == 1
    assert "docs/archive/AAA/2025/a4.md:6: status: changed after filing: use archive amend" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_refuses_a_filed_record_missing_from_the_manifest(pages_project, tmp_path):
    copy = copy_of(pages_project, tmp_path / "copy")
    manifest = copy.root / "manifest-sha256.txt"
    lines = [line for line in manifest.read_text().splitlines() if "BBB/2025/b2.md" not in line]
    manifest.write_text("\n".join(lines) + "\n")
    result = copy.build()
    assert result.returncode == 1
    assert ("manifest-sha256.txt: docs/archive/BBB/2025/b2.md is filed as Z001-WS·2025-D30-BBB-0001 "
            "(filing-log.jsonl line 4) but missing from the manifest (a deleted manifest line?)") in result.stderr


def test_every_xlsx_cell_is_text_even_the_fonds_name(tmp_path):
    """A fonds name starting with = was a live formula in the workbook's title cell."""
    import zipfile

    proj = Project(tmp_path / "proj", registry=REGISTRY.replace("fonds_name: 测试全宗", "fonds_name: '=1+2'"))
    proj.record("AAA/2025/a.md", **minimal(title=q('=HYPERLINK("http://x","y")')))
    assert proj.archive("file", "docs/archive/AAA/2025/a.md", "--retention", "永久", "--pages", "1",
                        "--by", "王整理", "--checked-by", "李检查").returncode == 0
    assert proj.build().returncode == 0
    path = proj.site / "archive/catalogue/2025.xlsx"
    sheet = openpyxl.load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None and c.coordinate not in ("A9", "H9")]
    assert (sheet["A3"].value, sheet["B3"].value) == ("全宗名称", "=1+2")
    assert {c.data_type for c in cells} == {"s"}  # all but 序号 and 页数 (A9, H9: numbers)
    with zipfile.ZipFile(path) as xlsx:
        sheet_xml = xlsx.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
