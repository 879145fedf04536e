"""The 归档文件目录 as DA/T 22 prescribes it: one catalogue per class (全宗, 年度, 保管期限, 机构) with its
cover lines and its own 序号 from 1, the standard's columns, and the same catalogues in the HTML page,
the CSV and every XLSX worksheet, compared cell by cell with a catalogue written out by hand."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from browsing import serve
from conftest import FILERS, REGISTRY_TWO_FONDS, Project, minimal, q
from sitecheck import page

from filing_archive.catalogue import Catalogue, CatalogueRow, catalogue_xlsx, secrecy_grade
from filing_archive.registry import Fonds, Registry, Unit

FORMULA = '=HYPERLINK("http://x","点我")'
TO_FILE = {  # retention -> records, filed in this order
    "永久": ["AAA/2025/a1.md", "AAA/2025/a2.md", "AAA/2025/a3.md", "BBB/2025/b1.md", "AAA/2024/c1.md"],
    "10年": ["AAA/2025/a4.md", "AAA/2025/a5.md", "AAA/2025/a6.md", "BBB/2025/b2.md"],
}


def write_and_file(proj: Project) -> None:
    """Two fonds, two retentions, a series of three, an amended and a withdrawn record, with the real
    filing commands."""
    from filing_archive.filing import amend_record, file_records, withdraw_record

    no_form = {"form": None}
    proj.record("AAA/2025/a1.md", **minimal(pages=3, title="上半年专题汇报", type="report", date="2025-02-10",
                                            doc_no="甲党发〔2025〕3号", **no_form))
    proj.record("AAA/2025/a2.md", **minimal(pages=2, title="年中总结", type="summary", date="2025-05-20", **no_form))
    proj.record("AAA/2025/a3.md", **minimal(pages=1, title="意识形态工作通报", type="notice", date="2025-08-01", **no_form))
    proj.record("AAA/2025/a4.md", **minimal(pages=4, title="三月集中学习", date="2025-03-03"))
    proj.record("AAA/2025/a5.md", **minimal(pages=2, title="九月集中学习", date="2025-09-09"))
    proj.record("AAA/2025/a6.md", **minimal(pages=5, title="十一月集中学习", date="2025-11-11", secrecy="内部"))
    proj.record("AAA/2024/c1.md", **minimal(pages=6, title="上年度总结", type="summary", date="2024-12-20", **no_form))
    proj.record("BBB/2025/b1.md", **minimal(pages=7, title="乙校工作方案", type="plan", unit="BBB", date="2025-04-04",
                                            doc_no="乙校党〔2025〕1号", secrecy="内部", **no_form))
    proj.record("BBB/2025/b2.md", **minimal(pages=1, title=q(FORMULA), type="analysis", unit="BBB", date="2025-06-06",
                                            **no_form))
    proj.record("BBB/2025/b3.md", **minimal(title="未归档的学习", unit="BBB", date="2025-07-07"))
    for retention, paths in TO_FILE.items():
        result = file_records(proj.root, [str(proj.root / "docs/archive" / p) for p in paths], retention, **FILERS)
        assert not result.problems, result.problems
    a2 = proj.root / "docs/archive/AAA/2025/a2.md"
    a2.write_text(a2.read_text(encoding="utf-8") + "\n（补充落款）甲镇党委\n", encoding="utf-8")
    assert not amend_record(proj.root, str(a2), "补充落款").problems
    assert not withdraw_record(proj.root, str(proj.root / "docs/archive/AAA/2025/a5.md"), "重复归档",
                               "撤出审批〔2026〕1号", "赵批准").problems


@pytest.fixture(scope="session")
def catalogue_site(tmp_path_factory) -> Path:
    proj = Project(tmp_path_factory.mktemp("catalogue") / "proj", registry=REGISTRY_TWO_FONDS)
    write_and_file(proj)
    result = proj.build()
    assert result.returncode == 0, result.stderr
    return proj.site


WITHDRAWN = (f"已撤出 {datetime.now(UTC).date().isoformat()}：重复归档（批准：赵批准，撤出审批〔2026〕1号；"
             "文件保留，不发布）")
AMENDED = "归档后修改 1 次（见备考表）"
JIA, YI = "甲镇党委", "乙中学党支部"
# The 2025 catalogues, written out by hand: (cover lines, rows); the columns are DA/T 22's, 页数 from
# each record's pages (empty for the withdrawn one: it has no file left) and 密级 empty for 公开 and 内部.
COVER = ["全宗号", "全宗名称", "年度", "保管期限", "机构"]
HEADER = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
EXPECTED = [
    (["Z001", "测试全宗", "2025", "永久", JIA], [
        ["1", "Z001-WS·2025-Y-AAA-0001", "甲党发〔2025〕3号", JIA, "上半年专题汇报", "20250210", "", "3", ""],
        ["2", "Z001-WS·2025-Y-AAA-0002", "", JIA, "年中总结", "20250520", "", "2", AMENDED],
        ["3", "Z001-WS·2025-Y-AAA-0003", "", JIA, "意识形态工作通报", "20250801", "", "1", ""],
    ]),
    (["Z001", "测试全宗", "2025", "10年", JIA], [
        ["1", "Z001-WS·2025-D10-AAA-0001", "", JIA, "三月集中学习", "20250303", "", "4", ""],
        ["2", "Z001-WS·2025-D10-AAA-0002", "", JIA, "九月集中学习", "20250909", "", "", WITHDRAWN],
        ["3", "Z001-WS·2025-D10-AAA-0003", "", JIA, "十一月集中学习", "20251111", "", "5", ""],
    ]),
    (["Z002", "乙中学", "2025", "永久", YI], [
        ["1", "Z002-WS·2025-Y-DZB-0001", "乙校党〔2025〕1号", YI, "乙校工作方案", "20250404", "", "7", ""],
    ]),
    (["Z002", "乙中学", "2025", "10年", YI], [
        ["1", "Z002-WS·2025-D10-DZB-0001", "", YI, FORMULA, "20250606", "", "1", ""],
    ]),
]


def test_the_year_page_shows_each_catalogue_with_its_cover(catalogue_site):
    doc = page(catalogue_site, "archive/catalogue/2025/")
    sections = doc.xpath('//section[contains(@class, "archive-catalogue-class")]')
    assert [" ".join(s.xpath("h2")[0].text_content().split()) for s in sections] == [
        "测试全宗 · 2025 · 永久 · 甲镇党委", "测试全宗 · 2025 · 10年 · 甲镇党委",
        "乙中学 · 2025 · 永久 · 乙中学党支部", "乙中学 · 2025 · 10年 · 乙中学党支部"]
    found = []
    for section in sections:
        cover = [(tr.xpath("th")[0].text_content(), tr.xpath("td")[0].text_content())
                 for tr in section.xpath('.//table[@class="archive-catalogue-cover"]//tr')]
        table = section.xpath('.//div[@class="archive-catalogue"]/table')[0]
        assert [th.text_content() for th in table.xpath("thead//th")] == HEADER
        assert [label for label, _ in cover] == COVER
        found.append(([value for _, value in cover],
                      [[td.text_content() for td in tr.xpath("td")] for tr in table.xpath("tbody/tr")]))
    assert found == EXPECTED
    links = [tr.xpath("td[5]/a/@href") for tr in sections[1].xpath(".//tbody/tr")]
    assert links == [["../../AAA/2025/a4/"], [], ["../../AAA/2025/a6/"]]  # the withdrawn record has no page
    other_year = page(catalogue_site, "archive/catalogue/2024/")
    assert [td.text_content() for td in other_year.xpath("//tbody/tr/td")][:2] == ["1", "Z001-WS·2024-Y-AAA-0001"]


def test_the_english_page_labels_cover_and_columns_in_english(catalogue_site):
    doc = page(catalogue_site, "en/archive/catalogue/2025/")
    section = doc.xpath('//section[contains(@class, "archive-catalogue-class")]')[2]
    cover = [[c.text_content() for c in tr.xpath("th|td")]
             for tr in section.xpath('.//table[@class="archive-catalogue-cover"]//tr')]
    assert cover == [["Fonds no.", "Z002"], ["Fonds", "Yi Middle School"], ["Year", "2025"],
                     ["Retention", "Permanent"], ["Unit", "Yi Middle School Party Branch"]]
    assert [th.text_content() for th in section.xpath(".//thead//th")] == [
        "No.", "Archival no.", "Document no.", "Unit", "Title", "Date", "Classification", "Pages", "Remarks"]


def test_the_csv_has_the_class_columns_on_every_row(catalogue_site):
    data = (catalogue_site / "archive/catalogue/2025.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    expected = [["全宗号", "年度", "保管期限", "机构"] + HEADER]
    for cover, catalogue_rows in EXPECTED:
        cls = [cover[0], cover[2], cover[3], cover[4]]
        expected += [cls + [("'" + c if c == FORMULA else c) for c in row] for row in catalogue_rows]
    assert rows == expected


def xlsx_rows(sheet, first: int) -> list[list[str]]:
    return [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows(min_row=first)]


def test_every_worksheet_is_one_catalogue_with_cover_header_numbers_and_print_settings(catalogue_site):
    workbook = openpyxl.load_workbook(catalogue_site / "archive/catalogue/2025.xlsx")
    assert workbook.sheetnames == ["Z001-2025-Y-AAA", "Z001-2025-D10-AAA", "Z002-2025-Y-DZB", "Z002-2025-D10-DZB"]
    for sheet, (cover, rows) in zip(workbook.worksheets, EXPECTED, strict=True):
        assert sheet["A1"].value == "归档文件目录"
        assert [[sheet.cell(row=r, column=c).value for c in (1, 2)] for r in range(2, 7)] == [
            list(pair) for pair in zip(COVER, cover, strict=True)]
        assert [c.value for c in sheet[8]] == HEADER
        assert xlsx_rows(sheet, 9) == rows
        numbers = [sheet.cell(row=r, column=1) for r in range(9, 9 + len(rows))]
        assert [(c.value, c.data_type) for c in numbers] == [(i, "n") for i in range(1, len(rows) + 1)]
        pages = [sheet.cell(row=r, column=8) for r in range(9, 9 + len(rows))]
        assert [(c.value, c.data_type) for c in pages if c.value is not None] == [
            (int(row[7]), "n") for row in rows if row[7]]
        texts = [c for row in sheet.iter_rows() for c in row
                 if c.value is not None and (c.row < 9 or c.column not in (1, 8))]
        assert {c.data_type for c in texts} == {"s"}  # never a formula
        assert sheet.print_title_rows == "$8:$8"
        assert (sheet.page_setup.orientation, int(sheet.page_setup.paperSize)) == ("landscape", 9)  # 9: A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        widths = {c: sheet.column_dimensions[c].width for c in "ABCDEFGHI"}
        assert widths["B"] >= len("Z001-WS·2025-D10-AAA-0001") and 10 <= widths["F"] < 14
        longest = max(sum(2 if ord(c) > 0x2E7F else 1 for c in r[4]) for r in rows)  # Han characters: two
        assert min(longest, 48) <= widths["E"] <= 50
    assert workbook.worksheets[3]["E9"].value == FORMULA and workbook.worksheets[3]["E9"].data_type == "s"


def test_pages_are_numbers_in_the_workbook_and_text_on_the_page():
    """页数 from the record's pages field: a number cell in the workbook, empty where unknown."""
    rows = [CatalogueRow(1, "Z001-WS·2025-Y-AAA-0001", "", "甲", "题名", "20250101", "", 12, "", None),
            CatalogueRow(2, "Z001-WS·2025-Y-AAA-0002", "", "甲", "题名", "20250102", "", None, "", None)]
    assert rows[0].cells()[7] == "12" and rows[1].cells()[7] == ""
    catalogue = Catalogue(Fonds("Z001", "测试全宗"), 2025, "永久", "AAA", "AAA", rows)
    unit = Unit("AAA", "甲", "", "town", "Z001", "AAA")
    registry = Registry("Z001", "测试全宗", "", "archive", "docs", {"AAA": unit}, [])
    sheet = openpyxl.load_workbook(io.BytesIO(catalogue_xlsx([catalogue], registry, date(2026, 11, 30)))).active
    assert [(sheet["H9"].value, sheet["H9"].data_type), sheet["H10"].value] == [(12, "n"), None]


def test_open_access_scopes_are_not_secrecy_grades():
    assert [secrecy_grade(s) for s in ("公开", "内部")] == ["", ""]


def test_printing_a_catalogue_gives_a4_landscape_without_navigation(browser, catalogue_site):
    with serve(catalogue_site) as origin:
        context = browser.new_context()
        tab = context.new_page()
        try:
            tab.goto(f"{origin}/archive/catalogue/2025/")
            shown = "el => getComputedStyle(el).display"
            assert tab.locator(".md-header").evaluate(shown) != "none"  # on screen, the site is there
            tab.emulate_media(media="print")
            for selector in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer",
                             ".archive-catalogue-downloads"):
                assert tab.locator(selector).first.evaluate(shown) == "none", selector
            assert {tab.locator(".archive-catalogue thead").nth(i).evaluate(shown) for i in range(4)} == {
                "table-header-group"}
            assert tab.locator("body").evaluate("el => getComputedStyle(el).page") == (
                "archive-catalogue")
            pdf = tab.pdf(prefer_css_page_size=True)
        finally:
            context.close()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) >= 4  # a page per catalogue at least
    assert all(abs(float(w) - 841.9) < 2 and abs(float(h) - 595.3) < 2 for w, h in boxes)  # A4 landscape, in points
