"""Statistics charts: the table holds the counts, the SVG is well-formed, self-contained and escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from conftest import Project, minimal

from filing_archive.archive import load_archive
from filing_archive.charts import nice_step, records_per_month_by_type, records_per_unit_per_year
from filing_archive.records import Record
from filing_archive.schema import TYPES

TODAY = date(2026, 11, 30)
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & 丙社区'

REGISTRY = f"""\
fonds: Z001
fonds_name: 测试全宗
units:
  - {{code: AAA, name: 甲镇党委, name_en: Jia Town, kind: town}}
  - {{code: BBB, name: 乙中学党支部, name_en: Yi School, kind: school}}
  - {{code: CCC, name: '{HOSTILE}', name_en: '{HOSTILE}', kind: community}}
  - {{code: DDD, name: 丁局, name_en: Ding Bureau, kind: bureau}}
"""

# (unit, date, type): what the fixture writes; the tests count it again their own way.
RECORDS = [
    ("AAA", "2025-01-05", "study"),
    ("AAA", "2025-01-20", "study"),
    ("AAA", "2025-01-31", "notice"),
    ("BBB", "2025-03-01", "report"),
    ("CCC", "2025-03-15", "study"),
    ("CCC", "2025-12-31", "minutes"),
    ("AAA", "2026-01-01", "minutes"),
    ("BBB", "2026-02-28", "study"),
    ("BBB", "2026-02-28", "report"),
]


def write(project: Project) -> list[Record]:
    project.write("archive.yml", REGISTRY)
    for i, (unit, day, type_code) in enumerate(RECORDS):
        fields = minimal(unit=unit, date=day, type=type_code, form="集中学习" if type_code == "study" else None)
        project.record(f"{unit}/{day[:4]}/r{i}.md", **fields)
    project.record("AAA/2026/draft.md", **minimal(date="2026-03-01", status="draft"))
    archive = load_archive(project.root, TODAY)
    assert archive.problems == []
    return archive.published()


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    assert ids[title_id].tag == f"{SVG}title" and ids[desc_id].tag == f"{SVG}desc"
    return root


def texts(root: ET.Element) -> list[str]:
    return [el.text for el in root.iter() if el.text]


def test_month_chart_table_holds_the_counts(project):
    records = write(project)
    chart = records_per_month_by_type(records, "zh")
    types = [t for t in TYPES if any(r[2] == t.code for r in RECORDS)]
    assert chart.table[0] == ["月份", *(t.zh for t in types), "合计"]
    expected = []
    year, month = 2025, 1
    while (year, month) <= (2026, 2):
        in_month = [r for r in RECORDS if r[1].startswith(f"{year}-{month:02d}-")]
        counts = [sum(1 for r in in_month if r[2] == t.code) for t in types]
        expected.append([f"{year}年{month}月", *map(str, counts), str(len(in_month))])
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    assert chart.table[1:] == expected
    assert len(chart.table) == 1 + 14  # every month from January 2025 to February 2026, empty ones too
    assert chart.title == "每月记录件数（按文种）"
    assert chart.description == (
        "2025年1月至2026年2月每月的记录件数，按文种分段堆叠。共 9 件；最多的月份是 2025年1月（3 件）。"
    )


def test_month_chart_svg(project):
    chart = records_per_month_by_type(write(project), "en")
    root = parse(chart.svg)
    assert root.find(f"{SVG}title").text == "Records per month, by type"
    assert root.find(f"{SVG}desc").text == chart.description
    labels = texts(root)
    for type_label in ("Study record", "Notice", "Report", "Minutes"):  # a text legend, not colour alone
        assert type_label in labels
    assert "Jan 2025 · Study record: 2" in labels  # each segment's tooltip
    # One pattern per type; every segment is filled with one of them.
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert len(patterns) == 4
    fills = {r.get("fill")[5:-1] for r in root.iter(f"{SVG}rect") if (r.get("fill") or "").startswith("url(")}
    assert fills == patterns


def test_unit_chart_table_and_escaping(project):
    records = write(project)
    chart = records_per_unit_per_year(records, load_archive(project.root, TODAY).registry, "zh")
    assert chart.table[0] == ["单位", "2025年", "2026年", "合计"]
    names = {"AAA": "甲镇党委", "BBB": "乙中学党支部", "CCC": HOSTILE, "DDD": "丁局"}
    expected = []
    for code, name in names.items():
        per_year = [sum(1 for r in RECORDS if r[0] == code and r[1].startswith(str(y))) for y in (2025, 2026)]
        expected.append([name, *map(str, per_year), str(sum(per_year))])
    assert chart.table[1:] == expected
    assert "<script>" not in chart.svg and "&lt;script&gt;" in chart.svg
    root = parse(chart.svg)
    assert HOSTILE in texts(root)  # the name survives escaping intact
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}foreignObject"))


def test_svg_is_self_contained(project):
    records = write(project)
    registry = load_archive(project.root, TODAY).registry
    for chart in (records_per_month_by_type(records, "zh"), records_per_unit_per_year(records, registry, "en")):
        root = parse(chart.svg)
        refs = [v for el in root.iter() for k, v in el.attrib.items() if k.endswith("href") or "url(" in v]
        assert all(v.startswith("url(#") for v in refs)
        assert "http" not in chart.svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "@import" not in chart.svg and "@font-face" not in chart.svg


def test_empty_archive(project):
    chart = records_per_month_by_type([], "zh")
    assert (chart.table, chart.description) == ([["月份"]], "暂无记录。")
    parse(chart.svg)
    registry = load_archive(project.root, TODAY).registry
    chart = records_per_unit_per_year([], registry, "en")
    assert (chart.table, chart.description) == ([["Unit"]], "No records yet.")
    parse(chart.svg)


def test_thousands_of_records_draw_one_bar_segment_per_month_and_type(project):
    registry = load_archive(project.root, TODAY).registry
    start = date(2017, 1, 1)
    types = ["study", "briefing", "report"]
    records = [
        Record(path="", src_uri="", id=f"r{i}", title="t", type=types[i % 3], unit=("AAA", "BBB")[i % 2],
               date=start + timedelta(days=i % 3500), status="published")
        for i in range(6000)
    ]
    chart = records_per_month_by_type(records, "zh")
    months = len(chart.table) - 1
    assert months == 116  # January 2017 to August 2026 (3499 days on)
    assert sum(int(row[-1]) for row in chart.table[1:]) == 6000
    root = parse(chart.svg)
    segments = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(segments) == sum(1 for row in chart.table[1:] for n in row[1:-1] if n != "0")
    assert len(chart.svg) < 200_000
    by_unit = records_per_unit_per_year(records, registry, "zh")
    assert by_unit.table[1] == ["甲镇党委", *(str(sum(1 for r in records if r.unit == "AAA" and r.year == y))
                                             for y in range(2017, 2027)), "3000"]


def test_nice_step():
    assert [nice_step(n) for n in (1, 4, 5, 6, 9, 10, 11, 24, 26, 49, 51, 260)] == [1, 1, 1, 2, 2, 2, 5, 5, 10, 10, 20, 100]
