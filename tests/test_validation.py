"""One test per rule of the front-matter contract, on the package directly.

Each asserts the exact ``file:line: field: message`` a member of staff would read.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import Project, minimal

from filing_archive.archive import load_archive

TODAY = date(2026, 11, 30)
PATH = "docs/archive/AAA/2025/rec.md"


def messages(project: Project) -> list[str]:
    return [str(p) for p in load_archive(project.root, TODAY).problems.sorted()]


def check_one(project: Project, body: str = "正文。\n", **fields) -> list[str]:
    project.record("AAA/2025/rec.md", body, **minimal(**fields))
    return messages(project)


def test_valid_record_has_no_problems(project):
    assert check_one(project) == []
    record = load_archive(project.root, TODAY).records[0]
    assert (record.id, record.type, record.unit, record.date, record.status, record.secrecy) == (
        "rec", "study", "AAA", date(2025, 3, 12), "published", "公开",
    )


def test_status_defaults_to_draft(project):
    assert check_one(project, status=None) == []
    assert load_archive(project.root, TODAY).records[0].status == "draft"


# --- required fields -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field, expected",
    [
        ("title", "required field is missing (expected text)"),
        ("type", "required field is missing (expected plan 方案 | study 学习记录 | briefing 简报 | summary 总结 | report 专题汇报 | analysis 分析研判 | opinion 舆情信息 | minutes 纪要 | duty 述职报告 | notice 通报 | disposal 销毁清册)"),
        ("unit", "required field is missing (expected a unit code from archive.yml such as AAA, BBB)"),
        ("date", "required field is missing (expected a date YYYY-MM-DD)"),
    ],
)
def test_missing_required_field(project, field, expected):
    assert check_one(project, **{field: None}) == [f"{PATH}:1: {field}: {expected}"]


def test_empty_title_names_its_line(project):
    assert check_one(project, title='""') == [f"{PATH}:2: title: required field is missing (expected text)"]


def test_title_must_be_text(project):
    assert check_one(project, title="[a, b]") == [f"{PATH}:2: title: expected text, got [a, b]"]


# --- type, unit, status ----------------------------------------------------------------------
def test_chinese_labels_are_aliases(project):
    assert check_one(project, type="学习记录", unit="甲镇党委", status="发布") == []
    record = load_archive(project.root, TODAY).records[0]
    assert (record.type, record.unit, record.status) == ("study", "AAA", "published")


def test_unknown_type(project):
    assert check_one(project, type="memo") == [
        f"{PATH}:3: type: expected plan 方案 | study 学习记录 | briefing 简报 | summary 总结 | report 专题汇报 | "
        "analysis 分析研判 | opinion 舆情信息 | minutes 纪要 | duty 述职报告 | notice 通报 | disposal 销毁清册, got memo"
    ]


def test_near_miss_type_is_a_warning_with_did_you_mean(project):
    assert check_one(project, type="stduy") == [
        f"{PATH}:3: warning: type: unknown value stduy; did you mean study? (read as study; expected plan 方案 | "
        "study 学习记录 | briefing 简报 | summary 总结 | report 专题汇报 | analysis 分析研判 | opinion 舆情信息 | "
        "minutes 纪要 | duty 述职报告 | notice 通报 | disposal 销毁清册)"
    ]


def test_unknown_unit(project):
    assert check_one(project, unit="XYZ") == [
        f"{PATH}:4: unit: not a unit of archive.yml (expected a unit code or its exact Chinese name, got XYZ)"
    ]


def test_unit_name_near_miss_suggests(project):
    assert check_one(project, unit="甲镇党支部") == [
        f"{PATH}:4: unit: not a unit of archive.yml (expected a unit code or its exact Chinese name, "
        "got 甲镇党支部; did you mean 甲镇党委?)"
    ]


def test_unknown_status(project):
    assert check_one(project, status="done") == [
        f"{PATH}:6: status: expected draft 草稿 | published 已发布（待归档） | filed 已归档, got done"
    ]


# --- dates -----------------------------------------------------------------------------------
def test_impossible_date(project):
    assert check_one(project, date="2023-02-30") == [
        f"{PATH}:5: date: not a real calendar date (expected YYYY-MM-DD, got 2023-02-30)"
    ]


def test_impossible_quoted_date(project):
    assert check_one(project, date="'2023-13-01'") == [
        f"{PATH}:5: date: not a real calendar date (expected YYYY-MM-DD, got 2023-13-01)"
    ]


def test_date_in_words_is_refused(project):
    assert check_one(project, date="2023年3月1日") == [f"{PATH}:5: date: expected a date YYYY-MM-DD, got 2023年3月1日"]


def test_date_after_build_date(project):
    assert check_one(project, date="2026-12-01") == [
        f"{PATH}:5: date: date is after the build date 2026-11-30 (expected a date that has passed, got 2026-12-01)"
    ]


def test_datetime_is_refused(project):
    assert check_one(project, date="2025-03-12 10:00:00") == [
        f"{PATH}:5: date: expected a date YYYY-MM-DD without a time, got 2025-03-12 10:00:00"
    ]


def test_leap_day(project):
    assert check_one(project, date="2024-02-29") == []
    assert check_one(project, date="2025-02-29") == [
        f"{PATH}:5: date: not a real calendar date (expected YYYY-MM-DD, got 2025-02-29)"
    ]


# --- id ----------------------------------------------------------------------------------------
def test_id_format(project):
    assert check_one(project, id="Plan_2023") == [
        f"{PATH}:8: id: expected lower-case letters, digits and - such as 2023-plan, got Plan_2023"
    ]


def test_file_name_that_is_not_an_id(project):
    project.record("AAA/2025/学习记录.md", **minimal())
    assert messages(project) == [
        "docs/archive/AAA/2025/学习记录.md:1: id: the file name 学习记录 is not a usable id: rename the file "
        "or set id (expected lower-case letters, digits and -)"
    ]


def test_duplicate_id(project):
    project.record("AAA/2025/a.md", **minimal(id="same"))
    project.record("BBB/2025/b.md", **minimal(id="same", unit="BBB"))
    assert messages(project) == [
        "docs/archive/BBB/2025/b.md:8: id: duplicate id same (also used by docs/archive/AAA/2025/a.md; ids must be unique)"
    ]


# --- 文号 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "given, corrected",
    [
        ("甲党发[2023]5号", "甲党发〔2023〕5号"),
        ("甲党发(2023)5号", "甲党发〔2023〕5号"),
        ("甲党发（2023）5号", "甲党发〔2023〕5号"),
        ("甲党发〔2023〕第5号", "甲党发〔2023〕5号"),
        ("甲党发〔2023〕05号", "甲党发〔2023〕5号"),
    ],
)
def test_doc_no_shows_corrected_form(project, given, corrected):
    assert check_one(project, doc_no=given) == [
        f"{PATH}:8: doc_no: 文号 is not in GB/T 9704 form: write {corrected} (year in full inside 〔〕, "
        f"no 第, no leading zero; got {given})"
    ]


def test_doc_no_valid_and_unrecognisable(project):
    assert check_one(project, doc_no="甲党发〔2025〕12号") == []
    assert check_one(project, doc_no="第五号文件") == [
        f"{PATH}:8: doc_no: expected <机关代字>〔YYYY〕N号 such as 老城党发〔2023〕5号, got 第五号文件"
    ]


# --- secrecy ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("grade", ["秘密", "机密", "绝密", "秘密★1年", "机密★10年", "绝密★长期"])
def test_secret_grades_stop(project, grade):
    main = grade[:2]
    assert check_one(project, secrecy=grade) == [
        f"{PATH}:8: secrecy: secret material ({main}) must never be stored in or published from this "
        f"archive: remove the file (expected 公开 | 内部, got {grade})"
    ]


def test_internal_is_allowed(project):
    assert check_one(project, secrecy="内部") == []


@pytest.mark.parametrize("marking", ["秘密★1年", "机密", "密级：绝密", "**机密★5年**"])
def test_secret_marking_in_first_lines_of_body(project, marking):
    body = f"\n{marking}\n\n正文第一段。\n"
    assert check_one(project, body=body) == [
        f"{PATH}:10: secrecy: the text is marked {marking}: secret material must never be stored in or "
        "published from this archive (remove the file)"
    ]


def test_the_word_secret_inside_a_sentence_is_not_a_marking(project):
    assert check_one(project, body="教育党员保守秘密，不传播机密信息。\n") == []


# --- retention and 档号 --------------------------------------------------------------------------
def test_filed_needs_retention_and_archive_no(project):
    assert check_one(project, status="filed") == [
        f"{PATH}:6: archive_no: required when status is filed (expected a 档号 such as Z001-WS·2023-Y-LCZ-0001)",
        f"{PATH}:6: retention: required when status is filed (expected 永久 | 30年 | 10年)",
    ]


def test_filed_record_with_matching_archive_no(project):
    assert check_one(project, status="filed", retention="永久", archive_no="Z001-WS·2025-Y-AAA-0001") == []


def test_bad_retention(project):
    assert check_one(project, retention="20年") == [f"{PATH}:8: retention: expected 永久 | 30年 | 10年, got 20年"]


def test_archive_no_format(project):
    assert check_one(project, archive_no="Z001-WS-2025-Y-AAA-1") == [
        f"{PATH}:8: archive_no: expected a 档号 such as Z001-WS·2023-Y-LCZ-0001, got Z001-WS-2025-Y-AAA-1"
    ]


def test_archive_no_must_agree_with_fields(project):
    assert check_one(project, retention="30年", archive_no="Z009-WS·2024-Y-BBB-0003") == [
        f"{PATH}:9: archive_no: 档号 disagrees with the record: 全宗号 Z009 is not the registry's Z001; "
        "year 2024 is not the year of date 2025-03-12; Y does not match retention 30年 (D30); "
        "机构代码 BBB is not the record's unit AAA (expected Z001-WS·2025-D30-AAA-0003, got Z009-WS·2024-Y-BBB-0003)"
    ]


def test_duplicate_archive_no(project):
    project.record("AAA/2025/a.md", **minimal(status="filed", retention="永久", archive_no="Z001-WS·2025-Y-AAA-0001"))
    project.record("AAA/2025/b.md", **minimal(status="filed", retention="永久", archive_no="Z001-WS·2025-Y-AAA-0001"))
    assert messages(project) == [
        "docs/archive/AAA/2025/b.md:9: archive_no: duplicate 档号 Z001-WS·2025-Y-AAA-0001 "
        "(already given to docs/archive/AAA/2025/a.md)"
    ]


# --- lists and numbers -------------------------------------------------------------------------
def test_keywords_must_be_a_list(project):
    assert check_one(project, keywords="意识形态") == [
        f"{PATH}:8: keywords: expected a list such as [意识形态, 理论学习], got 意识形态"
    ]


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("attendees", "-1", "expected a whole number ≥ 0, got -1"),
        ("attendees", "十二", "expected a whole number, got 十二"),
        ("hours", "0", "expected a number greater than 0, got 0"),
        ("hours", "two", "expected a number, got two"),
        ("host", "123", "expected text, got 123"),
    ],
)
def test_study_fields(project, field, value, expected):
    assert check_one(project, **{field: value}) == [f"{PATH}:8: {field}: {expected}"]


def test_study_needs_a_form(project):
    assert check_one(project, form=None) == [
        f"{PATH}:1: form: required field is missing (expected 集中学习 | 个人自学 | 专题研讨 | 专题讲座 | 主题党日 | 网络学习)"
    ]


def test_bad_form(project):
    assert check_one(project, form="开会") == [
        f"{PATH}:7: form: expected 集中学习 | 个人自学 | 专题研讨 | 专题讲座 | 主题党日 | 网络学习, got 开会"
    ]


def test_field_of_another_type_is_a_warning(project):
    assert check_one(project, issue="3") == [
        f"{PATH}:8: warning: issue: only 简报 records carry 期号; this is a 学习记录 (remove it)"
    ]


def test_briefing_issue_rules(project):
    briefing = dict(type="briefing", form=None)
    project.record("AAA/2025/b1.md", **minimal(**briefing, issue="1"))
    project.record("AAA/2025/b2.md", **minimal(**briefing, issue="1", date="2025-04-01"))
    project.record("AAA/2024/b3.md", **minimal(**briefing, issue="1", date="2024-04-01"))
    project.record("BBB/2025/b4.md", **minimal(**briefing, issue="1", unit="BBB"))
    project.record("AAA/2025/b5.md", **minimal(**briefing, issue="0"))
    project.record("AAA/2025/b6.md", **minimal(**briefing))
    assert messages(project) == [
        "docs/archive/AAA/2025/b2.md:7: issue: 期号 1 of AAA in 2025 is already used by docs/archive/AAA/2025/b1.md "
        "(expected a number unique per unit and year)",
        "docs/archive/AAA/2025/b5.md:7: issue: expected a whole number ≥ 1, got 0",
        "docs/archive/AAA/2025/b6.md:1: issue: required field is missing (expected a whole number)",
    ]


# --- unknown fields ----------------------------------------------------------------------------
def test_unknown_field_did_you_mean(project):
    assert check_one(project, title=None, titel="记录") == [
        f"{PATH}:1: title: required field is missing (expected text)",
        f"{PATH}:7: warning: titel: unknown field (not in the front-matter contract; did you mean title?)",
    ]


def test_field_written_twice(project):
    project.write(f"{PATH}", "---\ntitle: 一\ntitle: 二\ntype: study\nunit: AAA\ndate: 2025-03-12\nform: 集中学习\n---\n")
    assert messages(project) == [f"{PATH}:3: title: field appears twice (first on line 2)"]


# --- plans and stages ----------------------------------------------------------------------------
PLAN_STAGES = """
  - {name: 宣传动员, start: 2025-03-01, end: 2025-03-31}
  - {name: 学习讨论, start: 2025-04-01, end: 2025-06-30}"""


def with_plan(project: Project, stages: str = PLAN_STAGES) -> None:
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, id="p1", title="方案", stages=stages))


def test_record_in_a_plan_stage(project):
    with_plan(project)
    assert check_one(project, plan="p1", stage="学习讨论", date="2025-04-02") == []


def test_stage_needs_plan_and_plan_needs_stage(project):
    with_plan(project)
    assert check_one(project, stage="学习讨论") == [
        f"{PATH}:8: stage: a stage belongs to a plan: set plan (the id of the plan record) too"
    ]
    assert check_one(project, plan="p1") == [
        f"{PATH}:8: stage: required when plan is set (expected one of the plan's stages)"
    ]


def test_unknown_plan(project):
    with_plan(project)
    assert check_one(project, plan="p2", stage="学习讨论") == [
        f"{PATH}:8: plan: p2 is not the id of any record (expected the id of a plan of AAA: p1)"
    ]


def test_plan_must_be_a_plan_of_the_same_unit(project):
    with_plan(project)
    project.record("BBB/2025/other.md", **minimal(unit="BBB", id="not-plan"))
    assert check_one(project, plan="not-plan", stage="学习讨论") == [
        f"{PATH}:8: plan: not-plan is not a plan record (expected the id of a plan of AAA: p1)"
    ]
    assert check_one(project, unit="BBB", plan="p1", stage="学习讨论") == [
        f"{PATH}:8: plan: plan p1 belongs to AAA, not to BBB (expected a plan of the same unit)"
    ]


def test_stage_not_in_plan(project):
    with_plan(project)
    assert check_one(project, plan="p1", stage="总结") == [
        f"{PATH}:9: stage: 总结 is not a stage of plan p1 (expected 宣传动员 | 学习讨论)"
    ]


def test_near_miss_stage_is_a_warning_read_as_the_stage(project):
    with_plan(project)
    assert check_one(project, plan="p1", stage="学习讨伦", date="2025-04-02") == [
        f"{PATH}:9: warning: stage: 学习讨伦 is not a stage of plan p1; did you mean 学习讨论? "
        "(read as 学习讨论; expected 宣传动员 | 学习讨论)"
    ]
    record = load_archive(project.root, TODAY).by_id["rec"]
    assert record.stage == "学习讨论"


def test_record_outside_its_stage_range_is_a_warning(project):
    with_plan(project)
    assert check_one(project, plan="p1", stage="宣传动员", date="2025-04-02") == [
        f"{PATH}:5: warning: date: 2025-04-02 is outside stage 宣传动员 of plan p1 (2025-03-01 – 2025-03-31)"
    ]


def test_plan_without_stages_takes_the_registry_stages(project):
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, id="p1"))
    assert check_one(project, plan="p1", stage="调查研究") == []
    plan = load_archive(project.root, TODAY).by_id["p1"]
    assert [s.name for s in plan.stages] == ["宣传动员", "学习讨论", "调查研究", "总结"]


@pytest.mark.parametrize(
    "stages, expected",
    [
        ("\n  - {name: A, start: 2025-03-01, end: 2025-04-10}\n  - {name: B, start: 2025-04-01, end: 2025-05-01}",
         "9: stages[1]: stage B starts 2025-04-01, before A ends 2025-04-10 (stages must be in order and must not overlap)"),
        ("\n  - {name: A, start: 2025-03-01, end: 2025-02-01}",
         "8: stages[0]: stage A ends before it starts (2025-03-01 > 2025-02-01)"),
        ("\n  - {name: A}\n  - {name: A}", "9: stages[1]: stage name A appears more than once (names must be unique)"),
        ("\n  - {start: 2025-03-01}", "8: stages[0]: expected {name, start, end} with a stage name, got {start: 2025-03-01}"),
        ("\n  - {name: A, start: 三月}", "8: stages[0]: start: expected a date YYYY-MM-DD, got 三月"),
        ("\n  - {name: A, end: 2025-02-30}",
         "8: stages[0]: end: not a real calendar date (expected YYYY-MM-DD, got 2025-02-30)"),
        ("\n  - {name: A, start: '20250301'}", "8: stages[0]: start: expected a date YYYY-MM-DD, got 20250301"),
    ],
)
def test_bad_stages(project, stages, expected):
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, stages=stages))
    assert messages(project) == [f"docs/archive/AAA/2025/plan.md:{expected}"]


# --- reading files -------------------------------------------------------------------------------
def test_yaml_syntax_error_names_its_line(project):
    project.write(PATH, "---\ntitle: 记录\ntype: study\nunit: [AAA\ndate: 2025-03-12\n---\n")
    problems = messages(project)
    assert len(problems) == 1
    assert problems[0].startswith(f"{PATH}:5: YAML syntax error:")


def test_gbk_file_is_named_with_its_encoding(project):
    text = "---\ntitle: 集中学习记录\ntype: study\nunit: AAA\ndate: 2025-03-12\nform: 集中学习\n---\n正文。\n"
    project.write(PATH, text.encode("gbk"))
    assert messages(project) == [
        f"{PATH}:2: file is not UTF-8 (it looks like GBK; save it as UTF-8, expected UTF-8 text)"
    ]


def test_bom_and_crlf_are_accepted(project):
    text = "---\ntitle: 集中学习记录\ntype: study\nunit: AAA\ndate: 2025-03-12\nform: 集中学习\n---\n正文。\n"
    project.write(PATH, ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    assert messages(project) == []
    assert load_archive(project.root, TODAY).records[0].title == "集中学习记录"


def test_file_without_front_matter(project):
    project.write(PATH, "# 只是正文\n")
    assert messages(project) == [f"{PATH}:1: no front-matter (expected a '---' line at the top of the file)"]


def test_front_matter_not_closed(project):
    project.write(PATH, "---\ntitle: 记录\n")
    assert messages(project) == [f"{PATH}:1: front-matter is not closed (expected a '---' line after it)"]


def test_every_problem_in_every_record_in_one_run(project):
    project.record("AAA/2025/a.md", **minimal(date="2025-02-30", doc_no="甲[2025]1号"))
    project.record("AAA/2025/b.md", **minimal(unit="ZZZ", secrecy="秘密"))
    assert messages(project) == [
        "docs/archive/AAA/2025/a.md:5: date: not a real calendar date (expected YYYY-MM-DD, got 2025-02-30)",
        "docs/archive/AAA/2025/a.md:8: doc_no: 文号 is not in GB/T 9704 form: write 甲〔2025〕1号 (year in full "
        "inside 〔〕, no 第, no leading zero; got 甲[2025]1号)",
        "docs/archive/AAA/2025/b.md:4: unit: not a unit of archive.yml (expected a unit code or its exact Chinese "
        "name, got ZZZ)",
        "docs/archive/AAA/2025/b.md:8: secrecy: secret material (秘密) must never be stored in or published from "
        "this archive: remove the file (expected 公开 | 内部, got 秘密)",
    ]


# --- translations --------------------------------------------------------------------------------
def test_translation_carries_title_only(project):
    project.record("AAA/2025/rec.md", **minimal())
    project.write("docs/archive/AAA/2025/rec.en.md", "---\ntitle: Group study\ndate: 2025-03-12\n---\nText.\n")
    assert messages(project) == [
        "docs/archive/AAA/2025/rec.en.md:3: warning: date: set date in the Chinese record; a translation "
        "carries only title, keywords, responsible, host"
    ]
    record = load_archive(project.root, TODAY).records[0]
    assert record.title_in("en") == "Group study"
    assert record.url_in("en") == "en/archive/AAA/2025/rec/"


def test_translation_fields_follow_the_record_rules(project):
    project.record("AAA/2025/rec.md", **minimal())
    project.write(
        "docs/archive/AAA/2025/rec.en.md",
        "---\ntitle: '  '\nkeywords: [ideology, '']\nresponsible: 3\nhost: '<待填写: host>'\nhost: Li\n---\nText.\n",
    )
    assert messages(project) == [
        "docs/archive/AAA/2025/rec.en.md:2: title: expected text, got only spaces",
        "docs/archive/AAA/2025/rec.en.md:3: keywords: expected a list such as [意识形态, 理论学习], got [ideology, '']",
        "docs/archive/AAA/2025/rec.en.md:4: responsible: expected text, got 3",
        "docs/archive/AAA/2025/rec.en.md:6: host: field appears twice (first on line 5)",
    ]


def test_translation_without_original(project):
    project.write("docs/archive/AAA/2025/lost.en.md", "---\ntitle: Lost\n---\n")
    assert messages(project) == [
        "docs/archive/AAA/2025/lost.en.md:1: translation without its Chinese record "
        "(expected archive/AAA/2025/lost.md next to it)"
    ]


# --- the registry ------------------------------------------------------------------------------------
def test_registry_errors_are_reported_like_record_errors(tmp_path):
    registry = """\
fonds: z1
fonds_name: 测试
units:
  - {code: AAA, name: 甲, kind: town}
  - {code: AAA, name: 乙, kind: school}
  - {code: AB, name: 丙, kind: school}
  - {code: CCC, name: 丁, kind: farm}
"""
    proj = Project(tmp_path / "p", registry=registry, with_site_files=False)
    assert messages(proj) == [
        "archive.yml:1: fonds: 全宗号 must be 4 of A-Z and 0-9 (expected e.g. Z001, got 'z1')",
        "archive.yml:5: units[1].code: duplicate unit code AAA (already used by 甲)",
        "archive.yml:6: units[2].code: 机构代码 must be 3 of A-Z and 0-9 (expected e.g. LCZ, got 'AB')",
        "archive.yml:7: units[3].kind: expected one of town 乡镇 | school 学校 | kindergarten 幼儿园 | "
        "bureau 局 | community 社区 | clinic 卫生院, got 'farm'",
    ]


def test_registry_yaml_error(tmp_path):
    proj = Project(tmp_path / "p", registry="fonds: Z001\nunits: [\n", with_site_files=False)
    problems = messages(proj)
    assert len(problems) == 1 and problems[0].startswith("archive.yml:3: YAML syntax error")


# --- drafts never published through the records that point at them --------------------------------
def test_published_record_may_not_belong_to_a_draft_plan(project):
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, id="p1", title="方案草稿",
                                                stages=PLAN_STAGES, status="draft"))
    assert check_one(project, plan="p1", stage="学习讨论", date="2025-04-02") == [
        f"{PATH}:8: plan: plan p1 is a draft (docs/archive/AAA/2025/plan.md): a published record cannot belong to a "
        "draft plan (publish the plan first, or keep this record a draft)"
    ]


def test_draft_record_may_belong_to_a_draft_plan(project):
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, id="p1", title="方案草稿",
                                                stages=PLAN_STAGES, status="draft"))
    assert check_one(project, plan="p1", stage="学习讨论", date="2025-04-02", status="draft") == []


# --- rules across records see broken records too ---------------------------------------------------
def test_duplicate_id_is_reported_even_when_the_record_has_other_errors(project):
    project.record("AAA/2025/one.md", **minimal(id="same"))
    project.record("AAA/2025/two.md", **minimal(id="same", form=None))
    assert messages(project) == [
        "docs/archive/AAA/2025/two.md:1: form: required field is missing (expected 集中学习 | 个人自学 | 专题研讨 | "
        "专题讲座 | 主题党日 | 网络学习)",
        "docs/archive/AAA/2025/two.md:7: id: duplicate id same (also used by docs/archive/AAA/2025/one.md; ids must "
        "be unique)",
    ]


def test_broken_records_reusing_an_archive_no_or_issue_are_reported(project):
    project.record("AAA/2025/a.md", **minimal(status="filed", retention="永久", archive_no="Z001-WS·2025-Y-AAA-0001"))
    project.record("AAA/2025/b.md", **minimal(status="filed", retention="永久", archive_no="Z001-WS·2025-Y-AAA-0001",
                                              hours="-1"))
    project.record("AAA/2025/c.md", **minimal(type="briefing", form=None, issue=3))
    project.record("AAA/2025/d.md", **minimal(type="briefing", form=None, issue=3, doc_no="乱写"))
    assert messages(project) == [
        "docs/archive/AAA/2025/b.md:9: archive_no: duplicate 档号 Z001-WS·2025-Y-AAA-0001 (already given to "
        "docs/archive/AAA/2025/a.md)",
        "docs/archive/AAA/2025/b.md:10: hours: expected a number greater than 0, got -1",
        "docs/archive/AAA/2025/d.md:7: issue: 期号 3 of AAA in 2025 is already used by docs/archive/AAA/2025/c.md "
        "(expected a number unique per unit and year)",
        "docs/archive/AAA/2025/d.md:8: doc_no: expected <机关代字>〔YYYY〕N号 such as 老城党发〔2023〕5号, got 乱写",
    ]


def test_check_counts_every_record_file(project):
    project.record("AAA/2025/a.md", **minimal())
    project.record("AAA/2025/b.md", **minimal(form=None))
    project.write("docs/archive/AAA/2025/c.md", "no front-matter\n")
    project.write("docs/archive/AAA/2025/a.en.md", "---\ntitle: A\n---\n")
    result = project.archive("check")
    assert result.stdout.splitlines()[-1] == "checked 3 records: 2 errors, 0 warnings"
