"""The records' messages in Chinese, the default: what `archive check` says of a record's fields,
its file, its YAML, its text and the rules across records (fields.py, record_checker.py,
validation.py, frontmatter.py, textfile.py, record_paths.py, sanitise.py, archive_checks.py,
archive.py), each with where the handbook explains it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import REGISTRY, REPO, Project, minimal

from filing_archive import frontmatter
from filing_archive.archive import load_archive
from filing_archive.fields import fmt
from filing_archive.messages import catalogue
from filing_archive.problems import Problem
from filing_archive.textfile import SourceError, decode_source

TODAY = date(2026, 11, 30)
A = "docs/archive/AAA/2025/"


def chinese(problems) -> list[str]:
    return [p.text("zh") for p in problems.sorted()]


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> list[str]:
    """One archive with a problem of each kind below, checked once by the real command line."""
    project = Project(tmp_path_factory.mktemp("zh") / "p")
    project.record("AAA/2025/a.md", **minimal(form="集中学", attendees=200000))
    project.record("AAA/2025/b.md", **minimal(unit="CCC", hours='" "'))
    project.record("AAA/2025/c.md", body="正文\n\n<script>alert(1)</script>\n", **minimal(id="a"))
    project.record("AAA/2025/d.md", **minimal(date="2025-02-30", doc_no="甲党发[2025]第05号"))
    project.record("AAA/2025/e#1.md", **minimal(stage="总结"))
    result = project.archive("check", env={"ARCHIVE_LANG": ""})
    assert result.returncode == 1
    return result.stdout.splitlines()


@pytest.mark.parametrize("line", [
    f"{A}a.md:7: 警告：学习形式 (form)：不认识的值 集中学，是不是 集中学习？（已按 集中学习 读取；应填 集中学习、个人自学、"
    "专题研讨、专题讲座、主题党日 或 网络学习）（详见使用手册 handbook/errors/#w-value-near-miss）",
    f"{A}a.md:8: 参加人数 (attendees)：应填 整数，且不大于 100,000，实际为 200,000"
    "（详见使用手册 handbook/errors/#e-number-out-of-range）",
    f"{A}b.md:4: 责任者 (unit)：不是 archive.yml 中的单位（应填单位代码或单位的中文全称，实际为 CCC）"
    "（详见使用手册 handbook/errors/#e-unit-unknown）",
    f"{A}b.md:8: 学时 (hours)：应填 数字，实际为 只有空格（详见使用手册 handbook/errors/#e-value-invalid）",
    f"{A}a.md:1: 标识 (id)：a 重复（{A}c.md 也在用；标识必须唯一）（详见使用手册 handbook/errors/#e-id-duplicate）",
    f"{A}c.md:12: 警告：body：原始 HTML <script> 在发布时会被删除，连同其中的内容（请改用 Markdown）"
    "（详见使用手册 handbook/errors/#w-html-removed-block）",
    f"{A}d.md:5: 成文日期 (date)：不是真实存在的日期（应为 YYYY-MM-DD，实际为 2025-02-30）"
    "（详见使用手册 handbook/errors/#e-date-not-real）",
    f"{A}d.md:8: 文号 (doc_no)：不符合 GB/T 9704 格式：应写成 甲党发〔2025〕5号（〔〕内写四位年份，不加“第”，"
    "序号不补零；实际为 甲党发[2025]第05号）（详见使用手册 handbook/errors/#e-doc-no-form）",
    f"{A}e#1.md:1: 文件名 e#1.md 会让所有指向它的链接失效（#）：请改名为 e-1.md（只能用字母、数字、-、_ 和 .）"
    "（详见使用手册 handbook/errors/#e-name-breaks-links）",
    f"{A}e#1.md:1: 标识 (id)：文件名 e#1 不能用作标识：请给文件改名或填写 id（只能用小写字母、数字和 -）"
    "（详见使用手册 handbook/errors/#e-file-name-not-id）",
    f"{A}e#1.md:8: 阶段 (stage)：阶段属于某个方案：请同时填写 plan（方案记录的标识）"
    "（详见使用手册 handbook/errors/#e-stage-without-plan）",
])
def test_check_says_it_in_chinese_by_default(checked, line):
    assert line in checked, "\n".join(checked)


def test_every_problem_check_shows_points_to_the_handbook(checked):
    problems = checked[:-1]  # (the last line counts them)
    assert len(problems) == 11
    assert all("（详见使用手册 handbook/errors/#" in line for line in problems), "\n".join(problems)


def test_the_yaml_reader_refuses_in_chinese():
    with pytest.raises(SourceError) as exc:
        frontmatter.parse("---\ntitle: 粘贴\x0b的标题\n---\n".encode())
    problem = Problem("x.md", exc.value.line, exc.value.field, exc.value.message)
    assert problem.text("zh") == "x.md:2: 题名 (title)：不允许出现控制字符 U+000B（垂直制表符）（只能有可打印的文字、制表符和换行；请删除它）"
    assert problem.text("en") == ("x.md:2: title: control character U+000B (vertical tab) is not allowed (expected "
                                  "printable text, tab and newline only; delete it)")
    with pytest.raises(SourceError) as exc:
        frontmatter.parse(b"---\ntitle: a\ntitle: b\nx: &a 1\n---\n")
    assert exc.value.message.render("zh") == "不允许使用 YAML 锚点和别名（每个值都要在用到的地方写出来，实际为 &a）"


def test_a_file_in_another_encoding_is_named_in_chinese():
    with pytest.raises(SourceError) as exc:
        decode_source("---\ntitle: 学习记录\n---\n".encode("gbk"))
    assert exc.value.message.render("zh") == "文件不是 UTF-8 编码（看起来是 GBK；请另存为 UTF-8，应为 UTF-8 文本）"
    assert exc.value.message.render("en") == "file is not UTF-8 (it looks like GBK; save it as UTF-8, expected UTF-8 text)"


def test_values_with_nothing_to_show_are_named_in_the_readers_language():
    assert [str(fmt(v)) for v in (None, "", "  ")] == ["nothing", "an empty string", "only spaces"]
    assert [fmt(v).render("zh") for v in (None, "", "  ")] == ["空值", "空文字", "只有空格"]


def test_a_disagreeing_archive_number_lists_each_disagreement_in_turn(project: Project):
    project.write("archive.yml", REGISTRY)
    project.record("AAA/2025/a.md", **minimal(status="filed", retention="10年", pages=1,
                                             archive_no="Z009-WS·2024-Y-AAA-0001"))
    found = [p for p in load_archive(project.root, TODAY).problems if p.field == "archive_no"]
    assert [p.text("zh") for p in found] == [
        f"{A}a.md:10: 档号 (archive_no)：与记录不符：全宗号 Z009 不是登记表的 Z001；年度 2024 不是成文日期 2025-03-12 "
        "的年份；Y 与保管期限 10年（D10）不符（应为 Z001-WS·2025-D10-AAA-0001，实际为 Z009-WS·2024-Y-AAA-0001）"
    ]
    assert [p.text("en") for p in found] == [
        f"{A}a.md:10: archive_no: 档号 disagrees with the record: 全宗号 Z009 is not the registry's Z001; year 2024 is "
        "not the year of date 2025-03-12; Y does not match retention 10年 (D10) (expected "
        "Z001-WS·2025-D10-AAA-0001, got Z009-WS·2024-Y-AAA-0001)"
    ]


def test_a_secret_grade_is_refused_in_chinese(project: Project):
    project.write("archive.yml", REGISTRY)
    project.record("AAA/2025/a.md", **minimal(secrecy="机密"))
    found = [p.text("zh") for p in load_archive(project.root, TODAY).problems if p.field == "secrecy"]
    assert found == [f"{A}a.md:8: 开放范围 (secrecy)：涉密材料（机密）绝不能存入或经本档案发布：请删除这个文件"
                     "（应填 公开 或 内部，实际为 机密）"]


MODULES = ("fields", "record_checker", "validation", "frontmatter", "textfile", "schema", "record_paths", "sanitise",
           "archive_checks", "archive", "storage", "search")  # (periods.py builds its parts on import)


@pytest.mark.parametrize("module", MODULES)
def test_every_code_these_modules_name_is_in_the_catalogue(module):
    """A code a module names but the catalogue lacks fails here, not in front of a clerk."""
    source = (REPO / "src" / "filing_archive" / f"{module}.py").read_text(encoding="utf-8")
    named = set(re.findall(r'"((?:[EW]-|part\.|out\.)[a-z0-9.-]+)"', source))
    assert named
    assert named - set(catalogue()) == set()
