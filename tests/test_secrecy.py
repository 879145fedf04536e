"""密级 markings: the table of how people write them, and where in a record they are found.

A marking anywhere in any of a record's files (title, front-matter, body, translation), in the
registry or in a page of the site stops ``archive check`` and the build, naming file and line.
A grade word in running prose is not a marking.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import REGISTRY, Project, minimal, q, record_text

from filing_archive.archive import load_archive
from filing_archive.secrecy import marking_in, marking_in_title

TODAY = date(2026, 11, 30)
PATH = "docs/archive/AAA/2025/rec.md"
STOP = "secret material must never be stored in or published from this archive (remove the file)"

# (as written, what the message quotes)
MARKINGS = [
    ("秘密★1年", "秘密★1年"),
    ("★秘密", "秘密"),
    ("机密★10年", "机密★10年"),
    ("绝密★长期", "绝密★长期"),
    ("秘密 ★ 6个月", "秘密 ★ 6个月"),
    ("（秘密）", "(秘密)"),
    ("(机密)", "(机密)"),
    ("【秘密】", "【秘密】"),
    ("〔绝密★长期〕", "〔绝密★长期〕"),
    ("[机密]", "[机密]"),
    ("秘密级", "秘密级"),
    ("机密级文件", "机密级"),
    ("秘　密", "秘 密"),  # a full-width space between the characters
    ("机 密", "机 密"),
    ("绝 密 ★", "绝 密 ★"),
    ("密级：绝密", "密级:绝密"),
    ("密级: 机密", "密级: 机密"),
    ("SECRET", "SECRET"),
    ("TOP SECRET", "TOP SECRET"),
    ("CONFIDENTIAL", "CONFIDENTIAL"),
    ("ＳＥＣＲＥＴ", "SECRET"),  # full-width letters
    ("Secret", "Secret"),  # an English marking on a line of its own
    ("[Top Secret]", "[Top Secret]"),
    ("绝密 会议纪要", "绝密"),  # a word set off by spaces
    ("絕密★長期", "絕密★長期"),  # traditional characters
    ("機密", "機密"),
    ("秘\u200b密★1年", "秘密★1年"),  # a zero-width space inside
    ("秘\u00ad密级", "秘密级"),  # a soft hyphen inside
    ("&#31192;&#23494;★1年", "秘密★1年"),  # HTML entities render as 秘密
    ("秘<span></span>密★", "秘密★"),  # an empty tag between the characters
    ("秘**密**★1年", "秘密★1年"),  # Markdown emphasis on one character
    ("**机密★5年**", "机密★5年"),
]

PROSE = [
    "教育党员保守秘密，不传播机密信息。",
    "保守国家秘密",
    "严守工作秘密,不得泄露相关信息",
    "密级分为绝密、机密、秘密三级。",
    "No classified material (绝密, 机密, 秘密) is held here.",
    "本站不收录涉密材料（绝密、机密、秘密）。",
    "危机密切相关",
    "机密信息要专人管理",
    "Staff keep state secrets and confidential data safe.",
    "The secretary read the section on secret ballots.",
]


@pytest.mark.parametrize("written, quoted", MARKINGS)
def test_markings_as_people_write_them(written, quoted):
    assert marking_in(written) == quoted


@pytest.mark.parametrize("text", PROSE)
def test_grade_words_in_running_prose_are_not_markings(text):
    assert marking_in(text) is None


@pytest.mark.parametrize("title, found", [
    ("绝密会议纪要", "绝密"), ("【机密】支部会议纪要", "【机密】"), ("支部会议纪要（秘密★1年）", "(秘密★1年)"),
    ("保守国家秘密宣传周活动方案", None), ("关于加强机密载体管理的通知", None),
])
def test_a_title_that_opens_with_a_grade_is_marked(title, found):
    assert marking_in_title(title) == found


def messages(project: Project) -> list[str]:
    return [str(p) for p in load_archive(project.root, TODAY).problems.sorted()]


@pytest.mark.parametrize("line", ["★秘密", "（秘密）", "【秘密】", "秘密级", "秘　密", "SECRET"])
def test_marking_on_the_first_line_of_the_body_stops(project, line):
    project.record("AAA/2025/rec.md", f"{line}\n\n正文。\n", **minimal())
    shown = line if line != "秘　密" else "秘　密"
    assert messages(project) == [f"{PATH}:9: secrecy: the text is marked {shown}: {STOP}"]


def test_marking_deep_in_the_body_stops(project):
    body = "".join(f"第{i}段正文。\n\n" for i in range(1, 40)) + "附件：会议记录（机密）\n"
    project.record("AAA/2025/rec.md", body, **minimal())
    assert messages(project) == [f"{PATH}:87: secrecy: the text is marked 附件：会议记录（机密）: {STOP}"]


def test_marking_inside_a_code_block_stops_too(project):
    project.record("AAA/2025/rec.md", "正文。\n\n```\n机密★10年\n```\n", **minimal())
    assert messages(project) == [f"{PATH}:12: secrecy: the text is marked 机密★10年: {STOP}"]


def test_grade_in_the_title_stops(project):
    project.record("AAA/2025/rec.md", **minimal(title="绝密 支部会议纪要"))
    assert messages(project) == [f"{PATH}:2: title: the value is marked 绝密: {STOP}"]


def test_marking_in_any_front_matter_value_stops(project):
    project.record("AAA/2025/rec.md", **minimal(keywords="[意识形态, 秘密★1年]", responsible="王某（机密）"))
    assert messages(project) == [
        f"{PATH}:8: keywords: the value is marked 秘密★1年: {STOP}",
        f"{PATH}:9: responsible: the value is marked (机密): {STOP}",
    ]


@pytest.mark.parametrize("value", ["（秘密）", "秘　密", "SECRET"])
def test_secrecy_field_written_as_a_marking_stops(project, value):
    project.record("AAA/2025/rec.md", **minimal(secrecy=q(value)))
    problems = messages(project)
    assert len(problems) == 1 and problems[0].startswith(f"{PATH}:8: secrecy: secret material (")


def test_translation_body_marking_stops(project):
    project.record("AAA/2025/rec.md", **minimal())
    project.write("docs/archive/AAA/2025/rec.en.md", "---\ntitle: Study record\n---\n\nIntro.\n\n秘密★1年\n")
    assert messages(project) == [f"docs/archive/AAA/2025/rec.en.md:7: secrecy: the text is marked 秘密★1年: {STOP}"]


def test_translation_title_marking_stops(project):
    project.record("AAA/2025/rec.md", **minimal())
    project.write("docs/archive/AAA/2025/rec.en.md", "---\ntitle: TOP SECRET minutes\n---\n\nText.\n")
    assert messages(project) == [f"docs/archive/AAA/2025/rec.en.md:2: title: the value is marked TOP SECRET: {STOP}"]


def test_secrecy_in_a_translation_is_an_error_not_a_warning(project):
    project.record("AAA/2025/rec.md", **minimal())
    project.write("docs/archive/AAA/2025/rec.en.md", "---\ntitle: Study record\nsecrecy: 秘密\n---\n\nText.\n")
    assert messages(project) == [
        "docs/archive/AAA/2025/rec.en.md:3: secrecy: secret material (秘密) must never be stored in or published "
        "from this archive: remove the file (expected 公开 | 内部, got 秘密)",
        "docs/archive/AAA/2025/rec.en.md:3: warning: secrecy: set secrecy in the Chinese record; a translation "
        "carries only title, keywords, responsible, host",
    ]


def test_prose_about_secrecy_passes(project):
    project.record("AAA/2025/rec.md", "\n\n".join(PROSE) + "\n", **minimal(title="保守国家秘密宣传周活动方案"))
    assert messages(project) == []


def test_marking_in_the_registry_stops(tmp_path):
    registry = REGISTRY.replace("name: 乙中学党支部", "name: 乙中学党支部（机密）")
    project = Project(tmp_path / "p", registry=registry, with_site_files=False)
    assert messages(project) == [
        "archive.yml:10: units[1].name: the value is marked (机密): secret material must never be stored in or "
        "published from this archive (remove it)"
    ]


def test_marking_in_a_page_of_the_site_stops(project):
    project.write("docs/about.md", "# 关于\n\n本页（绝密★长期）。\n")
    assert messages(project) == [
        "docs/about.md:3: secrecy: the text is marked 本页（绝密★长期）。: secret material must never be stored in "
        "or published from this archive (remove it)"
    ]


def test_secret_record_never_reaches_the_site(site_project):
    site_project.record("AAA/2025/ok.md", **minimal(title="正常记录"))
    site_project.write("docs/archive/AAA/2025/x.md", record_text("正文甲乙丙。\n\n会议记录（秘密）\n", **minimal()))
    result = site_project.build()
    assert result.returncode == 1
    assert f"docs/archive/AAA/2025/x.md:11: secrecy: the text is marked 会议记录（秘密）: {STOP}" in result.stderr
    assert not (site_project.site / "archive/AAA/2025/x/index.html").exists()
