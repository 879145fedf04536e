"""Field kinds (``fields.py``): declared once, read the same way in a record and in a cadence
rule's ``where:`` filter, and saying "expected …" in the words the messages have always used."""

from __future__ import annotations

from datetime import date

from conftest import REGISTRY, Project, minimal

from filing_archive.archive import load_archive
from filing_archive.cadence_rules import WHERE_FIELDS
from filing_archive.fields import KINDS, kind_of
from filing_archive.schema import FIELDS

TODAY = date(2026, 11, 30)


def test_every_field_names_a_declared_kind_and_says_what_it_expects(project: Project):
    project.write("archive.yml", REGISTRY)
    registry = load_archive(project.root, TODAY).registry
    assert {name: str(kind_of(spec).expected(spec, registry)) for name, spec in FIELDS.items()} == {
        "title": "text",
        "type": "plan 方案 | study 学习记录 | briefing 简报 | summary 总结 | report 专题汇报 | analysis 分析研判 | "
                "opinion 舆情信息 | minutes 纪要 | duty 述职报告 | notice 通报 | disposal 销毁清册",
        "unit": "a unit code from archive.yml such as AAA, BBB",
        "date": "a date YYYY-MM-DD",
        "status": "draft 草稿 | published 已发布（待归档） | filed 已归档",
        "id": "lower-case letters, digits and - such as 2023-plan",
        "doc_no": "<机关代字>〔YYYY〕N号 such as 老城党发〔2023〕5号",
        "secrecy": "公开 | 内部",
        "retention": "永久 | 30年 | 10年",
        "archive_no": "a 档号 such as Z001-WS·2023-Y-LCZ-0001",
        "pages": "a whole number",
        "responsible": "text",
        "keywords": "a list such as [意识形态, 理论学习]",
        "plan": "lower-case letters, digits and - such as 2023-plan",
        "stage": "text",
        "stages": "a list of {name, start, end}",
        "cadence": "a list of rules {id, name, type, per, min}",
        "form": "集中学习 | 个人自学 | 专题研讨 | 专题讲座 | 主题党日 | 网络学习",
        "host": "text",
        "attendees": "a whole number",
        "hours": "a number",
        "issue": "a whole number",
        "import_digest": "text",
    }
    assert {spec.kind for spec in FIELDS.values()} == set(KINDS)  # no kind declared for nothing


# (field, value as YAML writes it, the one message a record and a filter both give)
SAME_READING = [
    ("form", "开会", "expected 集中学习 | 个人自学 | 专题研讨 | 专题讲座 | 主题党日 | 网络学习, got 开会"),
    ("retention", "5年", "expected 永久 | 30年 | 10年, got 5年"),
    ("secrecy", "保密", "expected 公开 | 内部, got 保密"),
    ("hours", "many", "expected a number, got many"),
    ("attendees", "2.5", "expected a whole number, got 2.5"),
    ("attendees", "true", "expected a whole number, got True"),
    ("issue", "一", "expected a whole number, got 一"),
    ("host", "5", "expected text, got 5"),
    ("responsible", '" "', "expected text, got only spaces"),
]


def test_a_where_filter_reads_a_value_as_the_record_field_does(project: Project):
    """One archive: rule i filters on the field that record i carries, with the same wrong value."""
    rules, expected = ["cadence:"], []
    for i, (name, value, message) in enumerate(SAME_READING):
        type_code = "briefing" if name == "issue" else "study"
        rules.append(f"  - {{id: r{i}, name: 甲, applies_to: [AAA], type: {type_code}, per: month, "
                     f"where: {{{name}: {value}}}}}")
        fields = minimal(**{name: value}) if type_code == "study" else minimal(type="briefing", form=None, issue=value)
        project.record(f"AAA/2025/r{i}.md", **fields)
        expected += [(f"docs/archive/AAA/2025/r{i}.md", name, message), ("archive.yml", f"cadence[{i}].where.{name}",
                                                                          message)]
    project.write("archive.yml", REGISTRY + "\n".join(rules) + "\n")
    problems = load_archive(project.root, TODAY).problems
    assert sorted((p.path, p.field, str(p.message)) for p in problems if p.is_error) == sorted(expected)
    assert {name for name, _, _ in SAME_READING} <= set(WHERE_FIELDS)
