"""Cadence rules: parsing and errors, the compliance matrix, rates, gaps, CSV rows, `archive check --cadence`.

The fixture below is small enough that its whole expected matrix is written out by hand.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from conftest import REGISTRY, REPO, Project, minimal

from filing_archive.archive import load_archive
from filing_archive.catalogue import excel_csv
from filing_archive.compliance import Rate, evaluate, unit_summary
from filing_archive.compliance_report import compliance_csv_rows
from filing_archive.labels import term_label
from filing_archive.periods import parse_period, periods_between

TODAY = date(2024, 7, 15)  # the injected build date: 2024-07 (month), 2024-Q3, 2024-H2, 2024 are in progress

RULES = """\
cadence:
  - id: monthly-study
    name: 每月集中学习不少于2次
    name_en: Group study at least twice a month
    applies_to: [town]
    type: study
    where: {form: 集中学习}
    per: month
    min: 2
    from: 2024-01-01
    source: 篇2
  - {id: quarterly-notice, name: 每季度通报1次, applies_to: [AAA], type: 通报, per: quarter, min: 1, from: 2024-01-01}
  - {id: half-report, name: 每半年专题汇报1次, applies_to: [学校], type: report, per: half, from: 2023-07-01}
  - {id: yearly-summary, name: 每年总结1次, applies_to: [town, school], type: summary, per: year}
  - {id: june-december, name: 每年6月和12月各开会1次, applies_to: [BBB], type: minutes, per: month, months: [6, 12],
     from: 2023-01-01, source: 篇9}
exemptions:
  - {unit: AAA, rule: monthly-study, period: 2024-05, reason: 换届选举}
"""

PLAN_CADENCE = "\n  - {id: monthly-analysis, name: 方案期间每月分析研判1次, type: analysis, per: month, min: 1}"
PLAN_STAGES = (
    "\n  - {name: 宣传动员, start: 2024-03-10, end: 2024-03-31}"
    "\n  - {name: 学习讨论, start: 2024-04-01, end: 2024-05-20}"
)


def study(day: str, **fields) -> dict:
    return minimal(date=day, **fields)


def other(type_code: str, day: str, unit: str = "AAA", **fields) -> dict:
    return minimal(type=type_code, date=day, unit=unit, form=None, **fields)


def write_fixture(project: Project) -> None:
    project.write("archive.yml", REGISTRY + RULES)
    rec = project.record
    # AAA, monthly study (集中学习, at least 2 a month from 2024-01):
    rec("AAA/2024/s0110.md", **study("2024-01-10"))
    rec("AAA/2024/s0131.md", **study("2024-01-31"))  # last day of January
    rec("AAA/2024/s0201.md", **study("2024-02-01"))  # first day of February
    rec("AAA/2024/s0229.md", **study("2024-02-29"))  # 29 February 2024
    rec("AAA/2024/s0305.md", **study("2024-03-05"))
    rec("AAA/2024/s0320.md", **study("2024-03-20", status="draft"))  # drafts never count
    rec("AAA/2024/s0409.md", **study("2024-04-09", form="个人自学"))  # not 集中学习: where excludes it
    rec("AAA/2024/s0603.md", **study("2024-06-03"))
    rec("AAA/2024/s0617.md", **study("2024-06-17", status="filed", retention="10年",
                                     archive_no="Z001-WS·2024-D10-AAA-0001", pages=2))
    rec("AAA/2024/s0702.md", **study("2024-07-02"))
    # AAA, quarterly notice: the last day of Q1 and the first day of Q2.
    rec("AAA/2024/n0331.md", **other("notice", "2024-03-31"))
    rec("AAA/2024/n0401.md", **other("notice", "2024-04-01"))
    # AAA, yearly summary; its first record (2023-12-29) starts the rule in 2023.
    rec("AAA/2023/y1229.md", **other("summary", "2023-12-29"))
    # AAA's plan: a monthly analysis from 2024-03-10 to 2024-05-20 only.
    rec("AAA/2024/plan.md", **other("plan", "2024-02-20", id="aaa-plan", stages=PLAN_STAGES, cadence=PLAN_CADENCE))
    rec("AAA/2024/a0305.md", **other("analysis", "2024-03-05"))  # before the first stage starts
    rec("AAA/2024/a0315.md", **other("analysis", "2024-03-15"))
    rec("AAA/2024/a0525.md", **other("analysis", "2024-05-25"))  # after the last stage ends
    # BBB, half-yearly report: the last day of 2023-H2, then the first day of 2024-H2.
    rec("BBB/2023/r1231.md", **other("report", "2023-12-31", unit="BBB"))
    rec("BBB/2024/r0701.md", **other("report", "2024-07-01", unit="BBB"))
    # BBB, minutes in June and December only.
    rec("BBB/2023/m0615.md", **other("minutes", "2023-06-15", unit="BBB"))
    rec("BBB/2024/m0520.md", **other("minutes", "2024-05-20", unit="BBB"))  # May does not count
    rec("BBB/2024/m0630.md", **other("minutes", "2024-06-30", unit="BBB"))


# rule -> unit -> [(period, status, count)], every cell of the matrix.
EXPECTED = {
    "monthly-study": {
        "AAA": [
            ("2024-01", "met", 2),
            ("2024-02", "met", 2),
            ("2024-03", "missing", 1),
            ("2024-04", "missing", 0),
            ("2024-05", "exempt", 0),
            ("2024-06", "met", 2),
            ("2024-07", "in_progress", 1),
        ],
    },
    "quarterly-notice": {
        "AAA": [("2024-Q1", "met", 1), ("2024-Q2", "met", 1), ("2024-Q3", "in_progress", 0)],
    },
    "half-report": {
        "BBB": [("2023-H2", "met", 1), ("2024-H1", "missing", 0), ("2024-H2", "in_progress", 1)],
    },
    "yearly-summary": {
        "AAA": [("2023", "met", 1), ("2024", "in_progress", 0)],
        "BBB": [("2023", "missing", 0), ("2024", "in_progress", 0)],
    },
    "june-december": {
        "BBB": [("2023-06", "met", 1), ("2023-12", "missing", 0), ("2024-06", "met", 1)],
    },
    "aaa-plan.monthly-analysis": {
        "AAA": [("2024-03", "met", 1), ("2024-04", "missing", 0), ("2024-05", "missing", 0)],
    },
}


@pytest.fixture
def compliance(project):
    write_fixture(project)
    archive = load_archive(project.root, TODAY)
    assert [str(p) for p in archive.problems] == []
    return evaluate(archive, TODAY)


def matrix_as_written(compliance) -> dict:
    return {
        m.rule.key: {
            unit: [(p.key, c.status, c.count) for p, c in zip(m.periods, m.row(unit), strict=True) if c is not None]
            for unit in m.units
        }
        for m in compliance.matrices
    }


def test_matrix_equals_the_expected_one(compliance):
    assert matrix_as_written(compliance) == EXPECTED


def test_cells_name_the_records_counted_by_date(compliance):
    monthly = compliance.matrix("monthly-study")
    assert monthly.cell("AAA", "2024-01").records == ("s0110", "s0131")
    assert monthly.cell("AAA", "2024-02").records == ("s0201", "s0229")
    assert monthly.cell("AAA", "2024-03").records == ("s0305",)  # not the draft s0320
    assert monthly.cell("AAA", "2024-06").records == ("s0603", "s0617")  # filed records count too
    assert compliance.matrix("quarterly-notice").cell("AAA", "2024-Q1").records == ("n0331",)
    assert compliance.matrix("quarterly-notice").cell("AAA", "2024-Q2").records == ("n0401",)
    assert compliance.matrix("half-report").cell("BBB", "2023-H2").records == ("r1231",)
    assert compliance.records["s0229"].date == date(2024, 2, 29)
    assert "s0320" not in compliance.records


def test_exempt_cell_carries_its_reason_and_min(compliance):
    cell = compliance.matrix("monthly-study").cell("AAA", "2024-05")
    assert (cell.status, cell.count, cell.min, cell.reason) == ("exempt", 0, 2, "换届选举")
    assert cell.text("zh") == "豁免：换届选举"
    assert cell.text("en") == "Exempt: 换届选举"


def test_in_progress_is_never_a_gap_even_when_met(compliance):
    cell = compliance.matrix("half-report").cell("BBB", "2024-H2")
    assert (cell.status, cell.count, cell.min) == ("in_progress", 1, 1)
    assert not [g for g in compliance.gaps if g.period.key in ("2024-07", "2024-Q3", "2024-H2", "2024")]


def test_rule_applies_to_kinds_and_codes(compliance):
    assert compliance.matrix("monthly-study").units == ["AAA"]
    assert compliance.matrix("half-report").units == ["BBB"]
    assert compliance.matrix("yearly-summary").units == ["AAA", "BBB"]


def test_plan_rule_runs_between_its_stages(compliance):
    matrix = compliance.matrix("aaa-plan.monthly-analysis")
    assert (matrix.rule.plan, matrix.rule.unit, matrix.rule.start, matrix.rule.end) == (
        "aaa-plan", "AAA", date(2024, 3, 10), date(2024, 5, 20)
    )
    march, may = matrix.cell("AAA", "2024-03"), matrix.cell("AAA", "2024-05")
    assert (march.start, march.end, march.records) == (date(2024, 3, 10), date(2024, 3, 31), ("a0315",))
    assert (may.start, may.end, may.records) == (date(2024, 5, 1), date(2024, 5, 20), ())


def test_rates_count_met_over_due(compliance):
    monthly = compliance.matrix("monthly-study")
    assert monthly.rates["AAA"] == Rate(met=3, missing=2, exempt=1, in_progress=1)
    assert (monthly.rates["AAA"].due, monthly.rates["AAA"].percent, monthly.rates["AAA"].text()) == (5, 60, "3/5 (60%)")
    # AAA over every rule: monthly 3/5, quarterly 2/2, yearly 1/1, plan 1/3.
    assert compliance.rate("AAA") == Rate(met=7, missing=4, exempt=1, in_progress=3)
    assert compliance.rate("BBB") == Rate(met=3, missing=3, exempt=0, in_progress=2)
    assert Rate().text() == "—" and Rate().value is None


def test_gaps_worst_first(compliance):
    assert [(g.rule.key, g.unit, g.period.key, g.cell.count, g.cell.min) for g in compliance.gaps] == [
        ("yearly-summary", "BBB", "2023", 0, 1),
        ("june-december", "BBB", "2023-12", 0, 1),
        ("half-report", "BBB", "2024-H1", 0, 1),
        ("monthly-study", "AAA", "2024-04", 0, 2),
        ("aaa-plan.monthly-analysis", "AAA", "2024-04", 0, 1),
        ("aaa-plan.monthly-analysis", "AAA", "2024-05", 0, 1),
        ("monthly-study", "AAA", "2024-03", 1, 2),
    ]


def test_unit_summary(compliance):
    summary = unit_summary(compliance, "BBB")
    assert summary.unit.name == "乙中学党支部"
    assert [(r.matrix.rule.key, r.rate.text()) for r in summary.rules] == [
        ("half-report", "1/2 (50%)"),
        ("yearly-summary", "0/1 (0%)"),
        ("june-december", "2/3 (67%)"),
    ]
    assert [(p.key, c.status) for p, c in summary.rules[0].cells] == [
        ("2023-H2", "met"), ("2024-H1", "missing"), ("2024-H2", "in_progress"),
    ]
    assert [g.period.key for g in summary.gaps] == ["2023", "2023-12", "2024-H1"]
    assert summary.rate.text() == "3/6 (50%)"


def test_csv_rows_equal_the_matrix(compliance):
    rows = compliance_csv_rows(compliance)
    assert rows[0] == ["单位代码", "单位", "规则", "规则名称", "周期", "起", "止", "状态", "件数", "最低要求", "说明", "记录"]
    labels = {"met": "达标", "missing": "缺失", "exempt": "豁免", "in_progress": "进行中"}
    expected = sorted(
        (unit, rule, period, labels[status], str(count))
        for rule, units in EXPECTED.items() for unit, cells in units.items() for period, status, count in cells
    )
    assert sorted((r[0], r[2], r[4], r[7], r[8]) for r in rows[1:]) == expected
    assert len(rows) == 1 + len(expected)
    by_key = {(r[0], r[2], r[4]): r for r in rows[1:]}
    assert by_key[("AAA", "monthly-study", "2024-02")] == [
        "AAA", "甲镇党委", "monthly-study", "每月集中学习不少于2次", "2024-02", "2024-02-01", "2024-02-29", "达标",
        "2", "2", "", "s0201; s0229",
    ]
    assert by_key[("AAA", "monthly-study", "2024-05")][7:11] == ["豁免", "0", "2", "换届选举"]
    assert by_key[("AAA", "monthly-study", "2024-03")][7:11] == ["缺失", "1", "2", "差 1 件"]
    assert by_key[("AAA", "monthly-study", "2024-07")][7:11] == ["进行中", "1", "2", "截至 2024-07-15"]
    assert by_key[("AAA", "aaa-plan.monthly-analysis", "2024-05")][5:7] == ["2024-05-01", "2024-05-20"]
    # Rows run unit by unit, in registry order.
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])


def test_csv_in_english_and_as_text(compliance):
    rows = compliance_csv_rows(compliance, lang="en")
    assert rows[0][:5] == ["Unit code", "Unit", "Rule", "Rule name", "Period"]
    first = next(r for r in rows if r[2] == "monthly-study" and r[4] == "2024-03")
    assert first[1:4] == ["Jia Town Party Committee", "monthly-study", "Group study at least twice a month"]
    assert first[7:11] == ["Missing", "1", "2", "1 short"]
    text = excel_csv(rows).decode("utf-8")
    assert text.startswith("\ufeffUnit code,Unit,")
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == rows


def test_status_labels_in_both_languages():
    assert [term_label("compliance", s, "zh") for s in ("met", "missing", "exempt", "in_progress")] == [
        "达标", "缺失", "豁免", "进行中"
    ]
    assert [term_label("compliance", s, "en") for s in ("met", "missing", "exempt", "in_progress")] == [
        "Met", "Missing", "Exempt", "In progress"
    ]


def test_today_decides_what_is_in_progress(project):
    write_fixture(project)
    later = date(2024, 8, 1)
    compliance = evaluate(load_archive(project.root, later), later)
    row = compliance.matrix("monthly-study").row("AAA")
    assert [(c.status, c.count) for c in row[-2:]] == [("missing", 1), ("in_progress", 0)]
    earlier = date(2024, 2, 29)  # records after the build date do not count
    compliance = evaluate(load_archive(project.root, TODAY), earlier)
    assert matrix_as_written(compliance)["monthly-study"]["AAA"] == [("2024-01", "met", 2), ("2024-02", "in_progress", 2)]


def test_keywords_filter_matches_a_list_that_contains_it(project):
    project.write("archive.yml", REGISTRY + """\
cadence:
  - {id: ideology, name: 每年意识形态学习1次, applies_to: [AAA], type: study, where: {keywords: 意识形态}, per: year}
""")
    project.record("AAA/2024/a.md", **study("2024-03-01", keywords="[理论学习, 意识形态]"))
    project.record("AAA/2024/b.md", **study("2024-04-01", keywords="[理论学习]"))
    project.record("AAA/2023/c.md", **study("2023-04-01"))
    compliance = evaluate(load_archive(project.root, TODAY), TODAY)
    assert matrix_as_written(compliance) == {"ideology": {"AAA": [("2023", "missing", 0), ("2024", "in_progress", 1)]}}


def test_unit_without_records_and_without_from_has_nothing_due(project):
    project.write("archive.yml", REGISTRY + "cadence:\n  - {id: r, name: 每月学习, applies_to: [AAA, BBB], type: study, "
                  "per: month}\n")
    project.record("AAA/2024/a.md", **study("2024-06-20"))
    compliance = evaluate(load_archive(project.root, TODAY), TODAY)
    assert matrix_as_written(compliance) == {"r": {"AAA": [("2024-06", "met", 1), ("2024-07", "in_progress", 0)],
                                                   "BBB": []}}
    assert compliance.matrix("r").row("BBB") == [None, None]


def test_draft_plan_binds_nobody(project):
    project.record("AAA/2024/plan.md", **other("plan", "2024-02-20", status="draft", stages=PLAN_STAGES,
                                              cadence=PLAN_CADENCE))
    archive = load_archive(project.root, TODAY)
    assert archive.problems == []
    assert evaluate(archive, TODAY).matrices == []


# --- periods ------------------------------------------------------------------------------
def test_periods_and_labels():
    keys = [p.key for p in periods_between("quarter", date(2023, 11, 5), date(2024, 4, 1))]
    assert keys == ["2023-Q4", "2024-Q1", "2024-Q2"]
    assert [p.key for p in periods_between("month", date(2023, 5, 31), date(2024, 6, 1), (6, 12))] == [
        "2023-06", "2023-12", "2024-06"
    ]
    half = parse_period("half", "2024-H1")
    assert (half.start, half.end, half.label("zh"), half.label("en")) == (
        date(2024, 1, 1), date(2024, 6, 30), "2024年上半年", "H1 2024"
    )
    feb = parse_period("month", "2024-02")
    assert (feb.end, feb.label("zh"), feb.label("en")) == (date(2024, 2, 29), "2024年2月", "Feb 2024")
    assert parse_period("quarter", "2024-Q4").label("zh") == "2024年第4季度"
    assert parse_period("year", 2024).label("zh") == "2024年"
    assert [parse_period("month", v) for v in ("2023-13", "2023-00", "2023-7", "2023-Q1")] == [None] * 4
    assert [parse_period("quarter", "2023-Q5"), parse_period("half", "2023-H3")] == [None, None]


# --- rule errors ---------------------------------------------------------------------------
def registry_messages(project: Project, rules: str) -> list[str]:
    project.write("archive.yml", REGISTRY + rules)
    return [str(p) for p in load_archive(project.root, TODAY).problems.sorted()]


def test_rule_field_errors_name_their_line(project):
    assert registry_messages(project, """\
cadence:
  - id: Monthly Study
    name: ""
    applies_to: [town, XYZ, 乙中学党支部]
    type: stduy
    where: {form: 开会, hours: many, titel: x}
    per: week
    min: 0
    months: [13]
    from: 2024-02-30
    every: 2
""") == [
        "archive.yml:15: cadence[0].id: expected lower-case letters, digits and - such as monthly-study, got Monthly Study",
        "archive.yml:16: cadence[0].name: required (expected the duty in words such as 每月集中学习不少于2次, got an empty string)",
        "archive.yml:17: cadence[0].applies_to[1]: not a unit or unit kind of archive.yml (expected a unit code or name, "
        "or a kind: town 乡镇 | school 学校 | kindergarten 幼儿园 | bureau 局 | community 社区 | clinic 卫生院; got XYZ)",
        "archive.yml:18: cadence[0].type: expected plan 方案 | study 学习记录 | briefing 简报 | summary 总结 | report 专题汇报 | "
        "analysis 分析研判 | opinion 舆情信息 | minutes 纪要 | duty 述职报告 | notice 通报 | disposal 销毁清册, got stduy; did you mean study?",
        "archive.yml:19: cadence[0].where.form: expected 集中学习 | 个人自学 | 专题研讨 | 专题讲座 | 主题党日 | 网络学习, got 开会",
        "archive.yml:19: cadence[0].where.hours: expected a number, got many",
        "archive.yml:19: cadence[0].where.titel: not a field a rule can filter on (expected one of status, secrecy, "
        "retention, responsible, keywords, plan, stage, form, host, attendees, hours, issue, got titel)",
        "archive.yml:20: cadence[0].per: expected month 月 | quarter 季度 | half 半年 | year 年, got week",
        "archive.yml:21: cadence[0].min: expected a whole number ≥ 1, got 0",
        "archive.yml:22: cadence[0].months: expected a list of months 1–12 such as [6, 12], got [13]",
        "archive.yml:23: cadence[0].from: not a real calendar date (expected YYYY-MM-DD, got 2024-02-30)",
        "archive.yml:24: cadence[0].every: unknown key (expected id, name, name_en, applies_to, type, where, per, min, "
        "months, from, source)",
    ]


def test_rule_structure_errors(project):
    assert registry_messages(project, """\
cadence:
  - {id: a, name: 甲, type: report, per: half, months: [6, 12], applies_to: [AAA], where: {form: 集中学习}}
  - {id: a, name: 乙, type: study, per: month, applies_to: [AAA], where: {type: study, status: draft}}
  - {name: 丙, type: study, per: month}
  - 每月学习
""") == [
        "archive.yml:15: cadence[0].months: months only go with per: month; a rule with months has one period per "
        "listed month (expected per: month, got per: half)",
        "archive.yml:15: cadence[0].where.form: only 学习记录 records carry 学习形式, so no 专题汇报 record could match "
        "(expected a field of 专题汇报 records, got form)",
        "archive.yml:16: cadence[1].where.status: drafts never count (expected published 已发布（待归档） | filed 已归档, got draft)",
        "archive.yml:16: cadence[1].where.type: not a field a rule can filter on (the rule's own type:, applies_to: and "
        "periods fix it; expected one of status, secrecy, retention, responsible, keywords, plan, stage, form, host, "
        "attendees, hours, issue, got type)",
        "archive.yml:17: cadence[2].applies_to: required; expected unit codes and/or unit kinds such as [AAA, BBB] or "
        "[town, school]; kinds: town 乡镇 | school 学校 | kindergarten 幼儿园 | bureau 局 | community 社区 | clinic 卫生院, "
        "got nothing",
        "archive.yml:17: cadence[2].id: required (expected an id of lower-case letters, digits and - such as "
        "monthly-study)",
        "archive.yml:18: cadence[3]: expected a rule {id, name, type, per, min}, got 每月学习",
    ]


def test_duplicate_rule_id(project):
    assert registry_messages(project, """\
cadence:
  - {id: a, name: 甲, type: study, per: month, applies_to: [AAA]}
  - {id: a, name: 乙, type: study, per: year, applies_to: [AAA]}
""") == ["archive.yml:16: cadence[1].id: duplicate rule id a (first on line 15; expected ids unique in archive.yml)"]


def test_exemption_errors(project):
    assert registry_messages(project, """\
cadence:
  - {id: monthly, name: 每月学习, type: study, per: month, applies_to: [AAA]}
  - {id: june, name: 六月汇报, type: report, per: month, months: [6, 12], applies_to: [AAA]}
  - {id: yearly, name: 每年总结, type: summary, per: year, applies_to: [AAA]}
exemptions:
  - {unit: XYZ, rule: monthly, period: 2023-07, reason: 暑假}
  - {unit: AAA, rule: montly, period: 2023-07, reason: 暑假}
  - {unit: AAA, rule: monthly, period: 2023-13, reason: 暑假}
  - {unit: BBB, rule: monthly, period: 2023-07, reason: 暑假}
  - {unit: AAA, rule: june, period: 2023-07, reason: 暑假}
  - {unit: AAA, rule: yearly, period: 2023-Q1}
  - {unit: AAA, rule: yearly, period: 2023, reason: 换届, note: x}
  - {unit: 甲镇党委, rule: monthly, period: 2023-08, reason: 暑假}
  - {unit: AAA, rule: monthly, period: 2023-08, reason: 暑假}
""") == [
        "archive.yml:19: exemptions[0].unit: not a unit of archive.yml (expected a unit code or its exact Chinese "
        "name, got XYZ)",
        "archive.yml:20: exemptions[1].rule: not the id of a cadence rule (expected monthly | june | yearly, got "
        "montly; did you mean monthly?)",
        "archive.yml:21: exemptions[2].period: not a period of monthly rule monthly (expected YYYY-MM such as "
        "2026-07, got 2023-13)",
        "archive.yml:22: exemptions[3].unit: rule monthly does not apply to BBB (expected one of AAA, got BBB)",
        "archive.yml:23: exemptions[4].period: rule june counts only months 6, 12 (expected one of 2023-06 | "
        "2023-12, got 2023-07)",
        "archive.yml:24: exemptions[5].period: not a period of yearly rule yearly (expected YYYY such as 2026, got "
        "2023-Q1)",
        "archive.yml:24: exemptions[5].reason: required: why the period is exempt (expected text such as 暑假, got "
        "nothing)",
        "archive.yml:25: exemptions[6].note: unknown key (expected unit, rule, period, reason)",
        "archive.yml:27: exemptions[8]: duplicate exemption of AAA from monthly in 2023-08 (first on line 26; "
        "expected one exemption per unit, rule and period)",
    ]


def test_exemption_of_a_plan_rule(project):
    project.write("archive.yml", REGISTRY + """\
exemptions:
  - {unit: AAA, rule: aaa-plan.monthly-analysis, period: 2024-04, reason: 防汛}
  - {unit: AAA, rule: monthly-analysis, period: 2024-04, reason: 防汛}
""")
    project.record("AAA/2024/plan.md", **other("plan", "2024-02-20", id="aaa-plan", stages=PLAN_STAGES,
                                              cadence=PLAN_CADENCE))
    archive = load_archive(project.root, TODAY)
    assert [str(p) for p in archive.problems] == [
        "archive.yml:16: exemptions[1].rule: not the id of a cadence rule (expected aaa-plan.monthly-analysis, got "
        "monthly-analysis; did you mean aaa-plan.monthly-analysis?)"
    ]
    matrix = evaluate(archive, TODAY).matrix("aaa-plan.monthly-analysis")
    assert [(c.status, c.reason) for c in matrix.row("AAA")] == [("missing", ""), ("exempt", "防汛"), ("missing", "")]


def test_cadence_must_be_a_list(project):
    assert registry_messages(project, "cadence: {id: a}\nexemptions: 暑假\n") == [
        "archive.yml:14: cadence: expected a list of rules {id, name, applies_to, type, per, min}, got {id: a}",
        "archive.yml:15: exemptions: expected a list of {unit, rule, period, reason}, got 暑假",
    ]


PLAN_PATH = "docs/archive/AAA/2024/plan.md"


def plan_messages(project: Project, cadence: str, stages: str = PLAN_STAGES, type_code: str = "plan") -> list[str]:
    project.record("AAA/2024/plan.md", **other(type_code, "2024-02-20", stages=stages, cadence=cadence))
    return [str(p) for p in load_archive(project.root, TODAY).problems.sorted()]


def test_plan_rule_errors(project):
    assert plan_messages(project, """
  - {id: a, name: 甲, type: analysis, per: month, applies_to: [AAA]}
  - {id: b, name: 乙, type: analysis, per: fortnight, min: 1.5}
  - {id: b, name: 丙, type: analysis, per: month}
  - {id: b, name: 丁, type: analysis, per: year}""") == [
        f"{PLAN_PATH}:11: cadence[0].applies_to: a plan's rule applies to the plan's own unit (expected no "
        "applies_to; remove it)",
        f"{PLAN_PATH}:12: cadence[1].min: expected a whole number ≥ 1, got 1.5",
        f"{PLAN_PATH}:12: cadence[1].per: expected month 月 | quarter 季度 | half 半年 | year 年, got fortnight",
        f"{PLAN_PATH}:14: cadence[3].id: duplicate rule id b (first in cadence[2]; expected ids unique within the plan)",
    ]


def test_plan_cadence_must_be_a_list(project):
    assert plan_messages(project, "monthly") == [
        f"{PLAN_PATH}:10: cadence: expected a list of rules such as - {{id: monthly-study, name: 每月集中学习不少于2次, "
        "type: study, per: month, min: 2}, got monthly"
    ]


def test_plan_rules_need_dated_stages(project):
    assert plan_messages(project, PLAN_CADENCE, stages="\n  - {name: 宣传动员, end: 2024-03-31}\n  - {name: 总结}") == [
        f"{PLAN_PATH}:10: cadence: a plan's rules run from its first stage's start to its last stage's end (expected "
        "dated stages - {name: …, start: YYYY-MM-DD, end: YYYY-MM-DD}, got no start for 宣传动员 and no end for 总结)"
    ]


def test_cadence_on_another_type_is_a_warning(project):
    project.record("AAA/2024/s.md", **study("2024-03-01", cadence=PLAN_CADENCE))
    archive = load_archive(project.root, TODAY)
    assert [str(p) for p in archive.problems] == [
        "docs/archive/AAA/2024/s.md:8: warning: cadence: only 方案 records carry 频次要求; this is a 学习记录 (remove it)"
    ]
    assert evaluate(archive, TODAY).matrices == []


# --- archive check --cadence ---------------------------------------------------------------
def test_check_cadence_prints_gaps(project):
    write_fixture(project)
    env = {"ARCHIVE_BUILD_DATE": TODAY.isoformat()}
    result = project.archive("check", "--cadence", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "checked 22 records: 0 errors, 0 warnings",
        "BBB 乙中学党支部 | yearly-summary 每年总结1次 | 2023 | 0/1",
        "BBB 乙中学党支部 | june-december 每年6月和12月各开会1次 | 2023-12 | 0/1",
        "BBB 乙中学党支部 | half-report 每半年专题汇报1次 | 2024-H1 | 0/1",
        "AAA 甲镇党委 | monthly-study 每月集中学习不少于2次 | 2024-04 | 0/2",
        "AAA 甲镇党委 | aaa-plan.monthly-analysis 方案期间每月分析研判1次 | 2024-04 | 0/1",
        "AAA 甲镇党委 | aaa-plan.monthly-analysis 方案期间每月分析研判1次 | 2024-05 | 0/1",
        "AAA 甲镇党委 | monthly-study 每月集中学习不少于2次 | 2024-03 | 1/2",
        "cadence as of 2024-07-15: 7 gaps",
    ]
    assert project.archive("check", "--cadence", "--fail-on-gaps", env=env).returncode == 1
    assert project.archive("check", env=env).stdout.count("|") == 0  # gaps only when asked
    data = json.loads(project.archive("check", "--cadence", "--format", "json", env=env).stdout)
    assert data["gaps"][0] == {"unit": "BBB", "rule": "yearly-summary", "period": "2023", "count": 0, "min": 1}
    assert len(data["gaps"]) == 7


def test_fail_on_gaps_passes_without_gaps_and_record_errors_still_fail(project):
    project.write("archive.yml", REGISTRY + "cadence:\n  - {id: r, name: 每月学习, applies_to: [AAA], type: study, "
                  "per: month}\n")
    project.record("AAA/2024/a.md", **study("2024-07-01"))
    env = {"ARCHIVE_BUILD_DATE": TODAY.isoformat()}
    result = project.archive("check", "--fail-on-gaps", env=env)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "cadence as of 2024-07-15: 0 gaps"
    project.record("AAA/2024/b.md", **study("2024-02-30"))
    result = project.archive("check", "--cadence", env=env)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "docs/archive/AAA/2024/b.md:5: date: not a real calendar date (expected YYYY-MM-DD, got 2024-02-30)"
    )


def test_rule_errors_fail_check(project):
    project.write("archive.yml", REGISTRY + "cadence:\n  - {id: r, name: 每月学习, applies_to: [AAA], type: study, "
                  "per: week}\n")
    result = project.archive("check", env={"ARCHIVE_BUILD_DATE": TODAY.isoformat()})
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "archive.yml:15: cadence[0].per: expected month 月 | quarter 季度 | half 半年 | year 年, got week"
        " (see the handbook: en/handbook/errors/#e-registry-term-bad)"
    )


def test_sample_archive_shows_every_status():
    archive = load_archive(REPO, date(2026, 11, 30))
    assert archive.problems.errors == []
    compliance = evaluate(archive, date(2026, 11, 30))
    statuses = {cell.status for m in compliance.matrices for cell in m.cells.values()}
    assert statuses == {"met", "missing", "exempt", "in_progress"}
    assert any(m.rule.plan for m in compliance.matrices)  # a plan's own rule too
    assert {m.rule.source for m in compliance.matrices if not m.rule.plan} == {"篇1", "篇2", "篇8", "篇9"}
