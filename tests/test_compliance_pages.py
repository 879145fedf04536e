"""The compliance page, its CSV and the statistics page, built for real from the cadence fixture.

The expected matrix is the one written out by hand in test_cadence.py; the page and the CSV
must say the same, cell by cell.
"""

from __future__ import annotations

import csv
import io

import pytest
from conftest import FILERS, Project
from sitecheck import page
from test_cadence import EXPECTED, TODAY, write_fixture

from filing_archive.compliance import CELL_STATUSES
from filing_archive.filing import file_records

MIN = {"monthly-study": 2}


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    proj = Project(tmp_path_factory.mktemp("cadence-site") / "proj")
    write_fixture(proj)
    filed = file_records(proj.root, [str(proj.root / "docs/archive/AAA/2024/s0617.md")], "10年", TODAY, **FILERS)
    assert not filed.problems, filed.problems
    result = proj.build(env={"ARCHIVE_BUILD_DATE": TODAY.isoformat()})
    assert result.returncode == 0, result.stderr
    return proj.site


def expected_text(rule: str, status: str, count: int) -> str:
    if status == "exempt":
        return "豁免：换届选举"  # the fixture's only exemption, with its reason
    return f"{CELL_STATUSES[status].zh} {count}/{MIN.get(rule, 1)}"


def test_compliance_page_matrices_equal_the_expected_matrix(site):
    doc = page(site, "archive/compliance/")
    for rule, by_unit in EXPECTED.items():
        section = doc.xpath(f'//section[h2[@id="rule-{rule}"]]')[0]
        table = section.xpath('.//div[@class="archive-matrix"]//table')[0]
        periods = [th.text_content() for th in table.xpath("thead/tr/th")][1:-1]
        rows = {}
        for tr in table.xpath("tbody/tr"):
            unit = tr.xpath("th")[0].text_content()
            cells = [td.xpath("string(text())").strip() for td in tr.xpath("td")][:-1]
            rows[unit] = [(p, c) for p, c in zip(periods, cells, strict=True) if c != "—"]
        names = {"AAA": "甲镇党委", "BBB": "乙中学党支部"}
        for unit, cells in by_unit.items():
            got = [c for _, c in rows[names[unit]]]
            assert got == [expected_text(rule, status, count) for _, status, count in cells], rule
        classes = {td.get("class") for td in table.xpath("tbody/tr/td[contains(@class,'archive-cell--')]")}
        assert classes <= {f"archive-cell archive-cell--{s}" for s in ("met", "missing", "exempt", "in_progress", "none")}


def test_exempt_cell_gives_its_reason_and_cells_link_their_records(site):
    doc = page(site, "archive/compliance/")
    table = doc.xpath('//section[h2[@id="rule-monthly-study"]]//table')[0]
    exempt = table.xpath('.//td[contains(@class,"archive-cell--exempt")]')[0]
    assert exempt.text_content().strip() == "豁免：换届选举"
    january = table.xpath("tbody/tr/td")[0]
    assert [a.get("href") for a in january.xpath(".//a")] == ["../AAA/2024/s0110/", "../AAA/2024/s0131/"]


def test_gaps_are_listed_worst_first(site):
    doc = page(site, "archive/compliance/")
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in doc.xpath('//div[@class="archive-gaps"]//tbody/tr')]
    assert [r[3] for r in rows] == sorted((r[3] for r in rows), key=lambda c: int(c.split("/")[0]) / int(c.split("/")[1]))
    assert ["甲镇党委", "每月集中学习不少于2次", "2024年4月", "0/2"] in rows
    assert ["甲镇党委", "每月集中学习不少于2次", "2024年3月", "1/2"] == rows[-1]


def test_compliance_csv_agrees_with_the_matrix(site):
    data = (site / "archive/compliance.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["单位代码", "单位", "规则", "规则名称", "周期", "起", "止", "状态", "件数", "最低要求", "说明", "记录"]
    got = {}
    for row in rows[1:]:
        got.setdefault(row[2], {}).setdefault(row[0], []).append((row[4], row[7], int(row[8])))
    expected = {rule: {unit: [(p, CELL_STATUSES[s].zh, n) for p, s, n in cells] for unit, cells in by_unit.items()}
                for rule, by_unit in EXPECTED.items()}
    assert got == expected


def test_unit_page_carries_its_compliance_summary(site):
    doc = page(site, "archive/by-unit/AAA/")
    heading = doc.xpath('//h2[@id="compliance"]')[0].text_content()
    assert heading.startswith("频次要求落实情况: 落实率 ")
    titles = [h.xpath("string(a)") for h in doc.xpath('//section[h2[@id="compliance"]]/h3')]
    assert titles == ["每月集中学习不少于2次", "每季度通报1次", "每年总结1次", "方案期间每月分析研判1次"]
    english = page(site, "en/archive/compliance/")
    assert english.xpath("//h1")[0].text_content() == "Compliance with recurring duties"


def test_statistics_page_has_charts_with_text_and_data(site):
    doc = page(site, "archive/stats/")
    charts = doc.xpath('//section[@class="archive-chart"]')
    assert len(charts) == 2
    for chart in charts:
        assert chart.xpath("h2")[0].text_content() and chart.xpath("p")[0].text_content()
        svg = chart.xpath(".//svg")[0]
        assert svg.get("role") == "img" and svg.xpath("./title")
        assert chart.xpath(".//details//table")
    per_unit = {tr.xpath("th")[0].text_content(): tr.xpath("td")[-1].text_content()
                for tr in charts[1].xpath(".//details//tbody/tr")}
    # AAA: 9 study records (one draft left out), 2 notices, a summary, the plan, 3 analyses; BBB: 2 reports, 3 minutes
    assert per_unit == {"甲镇党委": "16", "乙中学党支部": "5"}
    assert not doc.xpath("//script[contains(@src,'http')]")
