"""No input crashes or hangs a command: hostile and careless records and registries.

Each finding of issue 12 ("Inputs that crash or hang") has a test here asserting the exact
``file:line: field: message`` staff read; the commands run as subprocesses and print no traceback.
The loaders are also fed random YAML in ``test_loaders_property.py``.
"""

from __future__ import annotations

import os
import sys
from datetime import date

import pytest
from conftest import REGISTRY, Project, minimal, q, record_text

from filing_archive.archive import load_archive

TODAY = date(2026, 11, 30)
PATH = "docs/archive/AAA/2025/rec.md"
CHAR_HELP = "is not allowed (expected printable text, tab and newline only; delete it)"


def messages(project: Project) -> list[str]:
    return [str(p) for p in load_archive(project.root, TODAY).problems.sorted()]


def front(**fields) -> str:
    return record_text(**minimal(**fields))


def registry_project(tmp_path, registry: str) -> Project:
    return Project(tmp_path / "p", registry=registry, with_site_files=False)


def no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr


# --- anchors and aliases: the billion laughs ---------------------------------------------------
def laughs(levels: int = 9) -> str:
    """Nine lines that stand for 9**levels values if anything follows the aliases."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_in_the_registry_is_refused_at_once(tmp_path):
    project = registry_project(tmp_path, REGISTRY + laughs())
    first = REGISTRY.count("\n") + 1
    result = project.run(sys.executable, "-m", "filing_archive", "check", timeout=60)  # it used to hang
    no_traceback(result)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"archive.yml:{first}: l0: YAML anchors and aliases are not allowed (expected every value written out "
        f"where it is used, got &l0) (see the handbook: en/handbook/errors/#e-yaml-anchor)"
    )


def test_alias_in_front_matter_is_refused_naming_its_field(project):
    project.write(PATH, front(keywords="*kw"))
    assert messages(project) == [
        f"{PATH}:8: keywords: YAML anchors and aliases are not allowed (expected every value written out where "
        f"it is used, got *kw)"
    ]


def test_alias_bomb_in_front_matter_is_refused(project):
    project.write(PATH, "---\n" + laughs() + "title: 记录\n---\n")
    assert messages(project) == [
        f"{PATH}:2: l0: YAML anchors and aliases are not allowed (expected every value written out where it is "
        f"used, got &l0)"
    ]


def test_an_anchor_alone_is_refused_too(project):
    project.write(PATH, front(title="&t 记录"))
    assert messages(project) == [
        f"{PATH}:2: title: YAML anchors and aliases are not allowed (expected every value written out where it "
        f"is used, got &t)"
    ]


def test_ampersand_and_star_in_text_are_not_anchors(project):
    project.write(PATH, front(title="'甲 & 乙 *通知*'", keywords="[R&D, '*']"))
    assert messages(project) == []


# --- control characters ------------------------------------------------------------------------
CONTROLS = [
    ("\x00", "control character U+0000 (NUL)"),
    ("\x07", "control character U+0007 (bell)"),
    ("\x08", "control character U+0008 (backspace)"),
    ("\x0b", "control character U+000B (vertical tab)"),
    ("\x0c", "control character U+000C (form feed)"),
    ("\x1b", "control character U+001B (escape)"),
    ("\x1f", "control character U+001F"),
    ("\x7f", "control character U+007F (delete)"),
    ("\x80", "control character U+0080"),
    ("\x85", "line break U+0085 (next line)"),
    ("\x9f", "control character U+009F"),
    ("\u2028", "line break U+2028 (line separator)"),
    ("\u2029", "line break U+2029 (paragraph separator)"),
    ("\ufffe", "noncharacter U+FFFE"),
]


@pytest.mark.parametrize("char, name", CONTROLS, ids=[f"U+{ord(c):04X}" for c, _ in CONTROLS])
def test_control_character_in_front_matter_names_file_line_and_field(project, char, name):
    project.write(PATH, front(responsible=f"张{char}三"))
    assert messages(project) == [f"{PATH}:8: responsible: {name} {CHAR_HELP}"]


@pytest.mark.parametrize("escape, name", [
    (r"\v", "control character U+000B (vertical tab)"),
    (r"\x07", "control character U+0007 (bell)"),
    (r"\e[2J", "control character U+001B (escape)"),
    (r"\0", "control character U+0000 (NUL)"),
    (r"\L", "line break U+2028 (line separator)"),
    (r"\N", "line break U+0085 (next line)"),
    (r"\r", "control character U+000D (carriage return)"),
])
def test_control_character_written_as_an_escape_is_refused_too(project, escape, name):
    project.write(PATH, front(title=f'"记录{escape}"'))
    assert messages(project) == [f"{PATH}:2: title: {name} {CHAR_HELP}"]


def test_control_character_deep_in_a_plan_names_the_key(project):
    stages = '\n  - {name: 宣传动员, start: 2025-03-01}\n  - {name: "学习\\a讨论"}'
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, stages=stages))
    assert messages(project) == [
        f"docs/archive/AAA/2025/plan.md:9: stages[1].name: control character U+0007 (bell) {CHAR_HELP}"
    ]


def test_tab_and_ordinary_unicode_are_not_control_characters(project):
    project.write(PATH, front(title='"集中\t学习 — ①　记录 \u200f"'))
    assert messages(project) == []


@pytest.mark.parametrize("written, name", [
    ("\x0c", "control character U+000C (form feed)"),
    ("\\e", "control character U+001B (escape)"),
    ("\u2029", "line break U+2029 (paragraph separator)"),
])
def test_control_character_in_the_registry_names_line_and_key(tmp_path, written, name):
    project = registry_project(tmp_path, REGISTRY.replace("name: 乙中学党支部", f'name: "乙中学{written}党支部"'))
    assert messages(project) == [f"archive.yml:10: units[1].name: {name} {CHAR_HELP}"]


@pytest.fixture
def broken_filed(tmp_path):
    """A project with a filed record into which a clerk pasted a vertical tab (Word's line break)."""
    project = Project(tmp_path / "proj")
    project.record("AAA/2025/a.md", **minimal())
    filed = project.archive("file", "docs/archive/AAA/2025/a.md", "--retention", "10年", "--pages", "1",
                            "--by", "王整理", "--checked-by", "李检查")
    assert filed.returncode == 0, filed.stdout
    path = project.root / "docs/archive/AAA/2025/a.md"
    path.write_text(path.read_text("utf-8").replace("title: 集中学习记录", "title: 集中学习\x0b记录"), encoding="utf-8")
    project.record("AAA/2025/b.md", **minimal(title="另一记录"))
    return project


def test_every_command_reports_a_control_character_without_a_traceback(broken_filed):
    project = broken_filed
    message = f"docs/archive/AAA/2025/a.md:2: title: control character U+000B (vertical tab) {CHAR_HELP}"

    check = project.archive("check")
    shown = f"{message} (see the handbook: en/handbook/errors/#e-char-not-allowed)"
    assert (check.returncode, check.stdout.splitlines()[0]) == (1, shown)
    verify = project.archive("verify")
    assert verify.returncode == 1 and shown in verify.stdout.splitlines()
    file_ = project.archive("file", "docs/archive/AAA/2025/a.md", "docs/archive/AAA/2025/b.md", "--retention", "10年",
                            "--by", "王整理", "--checked-by", "李检查")
    assert file_.returncode == 1 and shown in file_.stdout.splitlines()
    amend = project.archive("amend", "docs/archive/AAA/2025/a.md", "--reason", "补录")
    assert amend.returncode == 1 and amend.stdout.splitlines()[0] == shown
    new = project.archive("new", "study", "--unit", "AAA", "--date", "2025-04-01")
    assert (new.returncode, new.stdout) == (0, "docs/archive/AAA/2025/2025-04-01-aaa-study.md\n")
    project.write("paste.md", "---\ntitle: 粘贴\x0b的标题\n---\n正文\n")
    imported = project.archive("import", "paste.md", "--unit", "AAA")
    assert imported.returncode == 1
    assert (f"  error: paste.md:2: title: control character U+000B (vertical tab) {CHAR_HELP}; "
            "nothing imported (see the handbook: en/handbook/errors/#e-import-front-matter-bad)"
            ) in imported.stdout.splitlines()
    build = project.build()
    assert build.returncode == 1 and f"ERROR   -  {shown}" in build.stderr.splitlines()
    withdraw = project.archive("withdraw", "docs/archive/AAA/2025/a.md", "--reason", "重复归档", "--approval", "审批1号",
                               "--approver", "赵批准")
    assert withdraw.returncode == 0 and "withdrawn Z001-WS·2025-D10-AAA-0001" in withdraw.stdout
    for result in (check, verify, file_, amend, new, imported, build, withdraw):
        no_traceback(result)


# --- nesting and duplicate keys ------------------------------------------------------------------
def test_registry_nested_900_deep_is_refused(tmp_path):
    deep = "extra:\n" + "".join("  " * (i + 1) + "x:\n" for i in range(900))
    project = registry_project(tmp_path, REGISTRY + deep)
    first = REGISTRY.count("\n") + 1
    dotted = "extra" + ".x" * 15
    assert messages(project) == [
        f"archive.yml:{first + 16}: {dotted}: nested too deeply (expected at most 16 levels of lists and mappings)"
    ]


@pytest.mark.parametrize("depth", [20, 300, 5000])
def test_front_matter_nested_deep_is_refused(project, depth):
    project.write(PATH, front(keywords="[" * depth + "]" * depth))
    assert messages(project) == [
        f"{PATH}:8: keywords{'[0]' * 15}: nested too deeply (expected at most 16 levels of lists and mappings)"
        if depth < 1000 else
        f"{PATH}:8: keywords: nested too deeply (expected at most 16 levels of lists and mappings)"
    ]


def test_duplicate_keys_in_the_registry_name_both_lines(tmp_path):
    registry = REGISTRY.replace("    kind: school\n", "    kind: school\n    code: CCC\n") + "fonds: Z002\n"
    project = registry_project(tmp_path, registry)
    assert messages(project) == [
        "archive.yml:13: units[1].code: key appears twice (first on line 9; expected each key once)",
        "archive.yml:15: fonds: key appears twice (first on line 1; expected each key once)",
    ]


def test_duplicate_key_deep_in_the_registry(tmp_path):
    cadence = "cadence:\n  - {id: a, name: 学习, type: study, per: year, where: {form: 集中学习, form: 个人自学}}\n"
    project = registry_project(tmp_path, REGISTRY + cadence)
    assert messages(project) == [
        "archive.yml:15: cadence[0].where.form: key appears twice (first on line 15; expected each key once)"
    ]


def test_duplicate_key_inside_a_record_field(project):
    stages = "\n  - name: 宣传动员\n    start: 2025-03-01\n    start: 2025-03-02"
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, stages=stages))
    assert messages(project) == [
        "docs/archive/AAA/2025/plan.md:10: stages[0].start: key appears twice (first on line 9)"
    ]


def test_keys_that_are_not_text_are_refused(project, tmp_path):
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, stages="[{name: 宣传动员, 1: x, b: y}]"))
    assert messages(project) == [
        "docs/archive/AAA/2025/plan.md:7: stages[0]: a key must be text (expected key: value, got 1 as a key; "
        "quote it)"
    ]
    registry = registry_project(tmp_path / "s", "true: x\n" + REGISTRY)
    assert messages(registry) == ["archive.yml:1: a key must be text (expected key: value, got true as a key; quote it)"]


def test_long_keys_are_refused(project):
    project.write(PATH, front(**{"k" * 70: 1}))
    assert messages(project) == [f"{PATH}:8: key too long (expected at most 64 characters, got 70)"]


# --- ids and names that become paths, URLs and anchors ------------------------------------------
def test_a_300_character_plan_id_is_refused(project):
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, id="p" * 300))
    project.record("AAA/2025/rec.md", **minimal(plan="p" * 300, stage="宣传动员"))
    assert messages(project) == [
        "docs/archive/AAA/2025/plan.md:7: id: too long (expected at most 64 characters, got 300)",
        "docs/archive/AAA/2025/rec.md:8: plan: too long (expected at most 64 characters, got 300)",
    ]


def test_a_long_file_name_is_not_a_usable_id(project):
    project.record(f"AAA/2025/{'a' * 70}.md", **minimal())
    assert messages(project) == [
        f"docs/archive/AAA/2025/{'a' * 70}.md:1: id: the file name {'a' * 70} is not a usable id: rename the "
        f"file or set id (expected at most 64 characters, got 70)"
    ]


@pytest.mark.parametrize("field, value, shown", [
    ("id", r'"plan\n"', r"plan\n"),
    ("plan", r'"plan\n"', r"plan\n"),
    ("archive_no", '"Z001-WS·2025-D10-AAA-0001\\n"', r"Z001-WS·2025-D10-AAA-0001\n"),
])
def test_an_id_with_a_newline_is_refused(project, field, value, shown):
    extra = {"stage": "宣传动员"} if field == "plan" else {"retention": "10年"} if field == "archive_no" else {}
    project.write(PATH, front(**{field: value}, **extra))
    expected = {
        "id": "lower-case letters, digits and - such as 2023-plan",
        "plan": "lower-case letters, digits and - such as 2023-plan",
        "archive_no": "a 档号 such as Z001-WS·2023-Y-LCZ-0001",
    }[field]
    assert f"{PATH}:8: {field}: expected {expected}, got {shown}" in messages(project)


def test_registry_codes_and_folders_with_a_newline_are_refused(tmp_path):
    registry = REGISTRY.replace("code: AAA", 'code: "AAA\\n"').replace("fonds: Z001", 'fonds: "Z001\\n"')
    registry = registry.replace("records_dir: archive", 'records_dir: "archive\\n"')
    project = registry_project(tmp_path, registry)
    assert messages(project) == [
        r"archive.yml:1: fonds: 全宗号 must be 4 of A-Z and 0-9 (expected e.g. Z001, got 'Z001\n')",
        r"archive.yml:3: records_dir: expected a folder name under docs/ such as archive, got 'archive\n'",
        r"archive.yml:5: units[0].code: 机构代码 must be 3 of A-Z and 0-9 (expected e.g. LCZ, got 'AAA\n')",
    ]


def test_stage_names_are_one_short_line(tmp_path):
    registry = REGISTRY.replace("stages: [宣传动员, 学习讨论, 调查研究, 总结]",
                                f'stages: [宣传动员, "学习\\n讨论", {"长" * 51}]')
    project = registry_project(tmp_path, registry)
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, stages=f"[{{name: {'段' * 60}}}]"))
    assert messages(project) == [
        r"archive.yml:13: stages[1]: a stage name is one line (expected no line breaks or tabs, got '学习\n讨论')",
        "archive.yml:13: stages[2]: stage name too long (expected at most 50 characters, got 51)",
    ]
    project = registry_project(tmp_path / "again", REGISTRY)
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, stages=f"[{{name: {'段' * 60}}}]"))
    assert messages(project) == [
        "docs/archive/AAA/2025/plan.md:7: stages[0]: stage name too long (expected at most 50 characters, got 60)"
    ]


def test_cadence_rule_id_has_a_length_limit(tmp_path):
    cadence = f"cadence:\n  - {{id: {'r' * 65}, name: 学习, applies_to: [AAA], type: study, per: year}}\n"
    project = registry_project(tmp_path, REGISTRY + cadence)
    assert messages(project) == [
        "archive.yml:15: cadence[0].id: too long (expected at most 64 characters, got 65)"
    ]


def test_a_value_yaml_could_not_construct_is_shown_in_a_message_not_a_traceback(tmp_path):
    """A number too large or an impossible date inside a list is written back as its text (found by
    the property test below: the message's own formatting once raised)."""
    cadence = f"cadence:\n  - [{'1' * 500}, 2023-02-30]\n"
    project = registry_project(tmp_path, REGISTRY + cadence)
    assert messages(project) == [
        "archive.yml:15: cadence[0]: expected a rule {id, name, type, per, min}, got "
        f"['{'1' * 78}… (518 characters)"
    ]


# --- file and folder names under the records folder ----------------------------------------------
RULE = "(expected letters, digits, -, _ and . only)"


@pytest.mark.parametrize("name, bad, better", [
    ("a#1.md", "#", "a-1.md"),
    ("a?.md", "?", "a.md"),
    ("100%.md", "%", "100.md"),
    ("a b.md", "space", "a-b.md"),
    ("a\tb.md", "U+0009", "a-b.md"),
    ("a\x0bb.md", "U+000B", "a-b.md"),
    ("a\u202eb.md", "U+202E", "a-b.md"),
    ('a"b\'c.md', "\", '", "a-b-c.md"),
    ("a\\b.md", "\\", "a-b.md"),
    ("<a>.md", "<, >", "a.md"),
    ("会议　纪要.md", "U+3000", "会议-纪要.md"),
])
def test_file_names_that_break_links_are_refused(project, name, bad, better):
    project.record(f"AAA/2025/{name}", **minimal(id="rec"))
    shown = name.replace("\t", "\\t").replace("\x0b", "\\x0b").replace("\u202e", "\\u202e")
    assert messages(project) == [
        f"docs/archive/AAA/2025/{shown}:1: the file name {shown} breaks every link to it ({bad}): rename it to "
        f"{better} {RULE}"
    ]


LINKS_HELP = " (see the handbook: en/handbook/errors/#e-name-breaks-links)"  # what the command line adds


def test_folder_names_that_break_links_are_refused_and_check_strict_fails(project):
    project.record("AAA/2025 上半年/rec.md", **minimal())
    project.record("AAA/2025/#2.md", **minimal(id="two"))
    result = project.archive("check", "--strict")
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        f"docs/archive/AAA/2025 上半年/rec.md:1: the folder name 2025 上半年 breaks every link to it (space): rename "
        f"it to 2025-上半年 {RULE}{LINKS_HELP}",
        f"docs/archive/AAA/2025/#2.md:1: the file name #2.md breaks every link to it (#): rename it to 2.md {RULE}"
        f"{LINKS_HELP}",
    ]


def test_letters_of_any_script_make_good_file_names(project):
    project.record("AAA/2025/学习记录_第1期.v2.md", **minimal(id="study-1"))
    assert messages(project) == []


def test_long_file_folder_and_path_names_are_refused(project):
    project.record(f"AAA/{'f' * 81}/rec.md", **minimal())
    project.record(f"AAA/2025/{'b' * 78}.md", **minimal(id="two"))
    deep = "/".join(["d" * 40] * 5)
    project.record(f"AAA/{deep}/rec.md", **minimal(id="three"))
    assert messages(project) == [
        f"docs/archive/AAA/2025/{'b' * 78}.md:1: the file name {'b' * 78}.md is too long: shorten it "
        f"(expected at most 80 characters, got 81)",
        f"docs/archive/AAA/{deep}/rec.md:1: path too long under archive/: move the file up or shorten its "
        f"folders (expected at most 200 characters, got 215)",
        f"docs/archive/AAA/{'f' * 81}/rec.md:1: the folder name {'f' * 81} is too long: shorten it "
        f"(expected at most 80 characters, got 81)",
    ]


# --- docs_dir and records_dir stay inside the project ----------------------------------------------
@pytest.mark.parametrize("key, value", [
    ("docs_dir", "../../../tmp"), ("docs_dir", "/tmp"), ("docs_dir", "docs/../.."), ("records_dir", "../x"),
])
def test_folders_outside_the_project_are_refused(tmp_path, key, value):
    registry = REGISTRY + f"{key}: {value}\n" if key == "docs_dir" else REGISTRY.replace("archive\n", f"{value}\n")
    project = registry_project(tmp_path, registry)
    expected = {
        "docs_dir": "expected a folder inside the project such as docs (letters, digits, _ and - separated by /; "
                    "no .. and no leading /)",
        "records_dir": "expected a folder name under docs/ such as archive",
    }[key]
    assert messages(project) == [f"archive.yml:{14 if key == 'docs_dir' else 3}: {key}: {expected}, got '{value}'"]
    result = project.archive("new", "study", "--unit", "AAA", "--date", "2025-04-01")
    assert result.returncode == 2 and f"{key}: {expected}" in result.stderr
    assert not (tmp_path / "x").exists()


def test_a_link_out_of_the_project_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    (outside / "archive").mkdir(parents=True)
    project = registry_project(tmp_path, REGISTRY + "docs_dir: content\n")
    os.symlink(outside, project.root / "content")
    assert messages(project) == [
        f"archive.yml:14: docs_dir: the records folder content/archive leads outside the project (expected a "
        f"folder inside p, not a link to {outside / 'archive'})"
    ]


# --- sizes ------------------------------------------------------------------------------------------
def test_a_long_title_is_refused_with_the_limit(project):
    project.write(PATH, front(title="题" * 5000))
    assert messages(project) == [f"{PATH}:2: title: too long (expected at most 200 characters, got 5,000)"]


def test_a_5_mb_title_is_a_file_too_large(project):
    size = project.write(PATH, front(title="t" * 5_242_880)).stat().st_size
    assert messages(project) == [f"{PATH}:1: file is too large (expected at most 2,097,152 bytes, 2 MB; got {size:,})"]


def test_a_long_front_matter_is_refused(project):
    text = front(title="t" * 1_000_000)
    project.write(PATH, text)
    got = len(text.split("---\n")[1])
    assert messages(project) == [
        f"{PATH}:2: front-matter is too long (expected at most 65,536 characters, got {got:,})"
    ]


def test_a_huge_registry_is_refused(tmp_path):
    project = registry_project(tmp_path, REGISTRY + "# " + "x" * 1_100_000 + "\n")
    size = (project.root / "archive.yml").stat().st_size
    assert messages(project) == [f"archive.yml:1: file is too large (expected at most 1,048,576 bytes, 1 MB; got {size:,})"]


@pytest.mark.parametrize("fields, expected", [
    ({"keywords": "[" + ", ".join(f"k{i}" for i in range(21)) + "]"}, "8: keywords: too many items (expected at most 20, got 21)"),
    ({"keywords": f"\n  - 党建\n  - {'词' * 31}"}, "10: keywords[1]: too long (expected at most 30 characters, got 31)"),
    ({"responsible": "名" * 101}, "8: responsible: too long (expected at most 100 characters, got 101)"),
    ({"host": "名" * 101}, "8: host: too long (expected at most 100 characters, got 101)"),
    ({"unit": "单" * 101}, "4: unit: too long (expected at most 100 characters, got 101)"),
    ({"doc_no": q(" " * 3000 + "〔")}, "8: doc_no: too long (expected at most 50 characters, got 3,001)"),
    ({"attendees": 100_001}, "8: attendees: expected a whole number ≤ 100,000, got 100,001"),
    ({"hours": ".inf"}, "8: hours: expected a number, got inf"),
    ({"hours": ".nan"}, "8: hours: expected a number, got nan"),
    ({"attendees": "1" * 5000}, f"8: attendees: cannot read {'1' * 80}… (5,000 characters) (too large a number)"),
    ({"attendees": "0x" + "f" * 5000}, f"8: attendees: cannot read 0x{'f' * 78}… (5,002 characters) (too large a number)"),
    ({"attendees": "!!int many"}, "8: attendees: cannot read many (not a whole number)"),
    ({"hours": "!!float x"}, "8: hours: cannot read x (not a number)"),
    ({"date": "!!timestamp soon"}, "5: date: not a real calendar date (expected YYYY-MM-DD, got soon)"),
])
def test_size_and_value_limits(project, fields, expected):
    project.write(PATH, front(**fields))
    assert messages(project) == [f"{PATH}:{expected}"]


def test_a_plan_with_too_many_stages(project):
    stages = "[" + ", ".join(f"{{name: 阶段{i}}}" for i in range(21)) + "]"
    project.record("AAA/2025/plan.md", **minimal(type="plan", form=None, stages=stages))
    assert messages(project) == [
        "docs/archive/AAA/2025/plan.md:7: stages: too many items (expected at most 20, got 21)"
    ]


def test_registry_names_have_a_limit(tmp_path):
    project = registry_project(tmp_path, REGISTRY.replace("name: 甲镇党委", f"name: {'甲' * 101}"))
    assert messages(project) == [
        "archive.yml:6: units[0].name: too long (expected at most 100 characters, got 101)"
    ]


def test_long_values_are_cut_in_messages(project):
    project.write(PATH, front(type="t" * 3000))
    assert messages(project) == [
        f"{PATH}:3: type: expected plan 方案 | study 学习记录 | briefing 简报 | summary 总结 | report 专题汇报 | "
        f"analysis 分析研判 | opinion 舆情信息 | minutes 纪要 | duty 述职报告 | notice 通报 | disposal 销毁清册, got {'t' * 80}… "
        f"(3,000 characters)"
    ]


def test_a_link_to_nothing_and_a_named_pipe_are_errors_not_a_traceback_or_a_hang(project):
    folder = project.root / "docs/archive/AAA/2025"
    folder.mkdir(parents=True)
    os.symlink("nowhere.md", folder / "gone.md")
    os.mkfifo(folder / "pipe.md")
    result = project.run(sys.executable, "-m", "filing_archive", "check", timeout=60)  # opening the pipe waited
    no_traceback(result)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        "docs/archive/AAA/2025/gone.md: symbolic link under the records folder: records must be real files "
        "(replace the link with the file it points to, or remove it) (see the handbook: "
        "en/handbook/errors/#e-symlink-in-records)",
        "docs/archive/AAA/2025/pipe.md:1: not a regular file (expected a text file, got a named pipe, a device or "
        "a socket) (see the handbook: en/handbook/errors/#e-file-not-regular)",
    ]
    project.write("in.txt", "学习心得\n\n2024-05-06\n")
    imported = project.run(sys.executable, "-m", "filing_archive", "import", "in.txt", "--unit", "AAA", timeout=60)
    no_traceback(imported)
    assert imported.returncode == 0 and "wrote docs/archive/AAA/2024/2024-05-06-aaa-import.md" in imported.stdout


# --- encodings ---------------------------------------------------------------------------------------
TEXT = record_text(**minimal())


@pytest.mark.parametrize("data, name", [
    (TEXT.encode("utf-16-le"), "UTF-16 LE without BOM"),
    (TEXT.encode("utf-16-be"), "UTF-16 BE without BOM"),
    (TEXT.encode("utf-16"), "UTF-16 LE with BOM"),
    (b"\xfe\xff" + TEXT.encode("utf-16-be"), "UTF-16 BE with BOM"),
    (TEXT.encode("utf-32-le"), "UTF-32 LE without BOM"),
    (TEXT.encode("utf-32-be"), "UTF-32 BE without BOM"),
    (TEXT.encode("utf-32"), "UTF-32 LE with BOM"),
    (b"\x00\x00\xfe\xff" + TEXT.encode("utf-32-be"), "UTF-32 BE with BOM"),
    (("---\ntitle: ascii\n---\n").encode("utf-16-le"), "UTF-16 LE without BOM"),  # valid UTF-8 bytes
])
def test_utf16_and_utf32_are_named(project, data, name):
    project.write(PATH, data)
    assert messages(project) == [
        f"{PATH}:1: file is not UTF-8 (it looks like {name}; save it as UTF-8, expected UTF-8 text)"
    ]


def test_utf16_registry_is_named(tmp_path):
    project = registry_project(tmp_path, "")
    (project.root / "archive.yml").write_bytes(REGISTRY.encode("utf-16-le"))
    assert messages(project) == [
        "archive.yml:1: file is not UTF-8 (it looks like UTF-16 LE without BOM; save it as UTF-8, expected UTF-8 text)"
    ]


def test_a_utf8_bom_over_other_bytes_is_broken_utf8_not_a_legacy_encoding(tmp_path):
    # the BOM's own bytes with the next read as GBK are no reason to name GBK: the file says UTF-8
    project = registry_project(tmp_path, "")
    (project.root / "archive.yml").write_bytes(b"\xef\xbb\xbf" + REGISTRY.encode("gbk"))
    assert messages(project) == ["archive.yml:2: file is not UTF-8 (save it as UTF-8, expected UTF-8 text)"]


def test_a_nul_in_utf8_is_a_control_character_not_utf16(project):
    project.write(PATH, front(title="a\x00b"))
    assert messages(project) == [f"{PATH}:2: title: control character U+0000 (NUL) {CHAR_HELP}"]
