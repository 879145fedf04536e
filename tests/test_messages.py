"""The message catalogue: every problem kind in Chinese and English with its fix, Chinese by
default, English with ``--lang en`` or ``ARCHIVE_LANG=en``."""

from __future__ import annotations

import string

import pytest
from conftest import minimal

from filing_archive.messages import CODE_RE, catalogue, entries, message


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("entry", list(catalogue().values()), ids=lambda e: e.code)
def test_every_entry_has_both_languages_with_the_same_fields(entry):
    assert entry.zh.strip() and entry.en.strip()
    assert fields_of(entry.zh) == fields_of(entry.en), entry.code


def test_every_problem_code_has_its_fix_in_both_languages():
    assert entries(), "the catalogue holds problem codes"
    for entry in entries():
        assert CODE_RE.match(entry.code)
        assert entry.fix_zh.strip() and entry.fix_en.strip(), entry.code


def test_a_missing_field_reads_as_the_handbook_example():
    shown = message("E-field-missing", expected=message("part.one-of", terms=["集中学习", "网络学习"]))
    assert shown.render("zh") == "缺少必填字段，应填 集中学习 或 网络学习"
    assert shown.render("en") == "required field is missing (expected 集中学习 | 网络学习)"


STUDY_WITHOUT_FORM = "docs/archive/AAA/2025/a.md:1: "


@pytest.fixture
def study_without_form(project):
    project.record("AAA/2025/a.md", **minimal(form=None))
    return project


def test_chinese_is_the_default(study_without_form):
    result = study_without_form.archive("check", env={"ARCHIVE_LANG": ""})
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"{STUDY_WITHOUT_FORM}学习形式 (form)：缺少必填字段，应填 集中学习、个人自学、专题研讨、专题讲座、主题党日 或 "
        "网络学习（详见使用手册 handbook/errors/#e-field-missing）"
    )


@pytest.mark.parametrize("how", [("--lang", "en", "check"), ("check", "--lang", "en"), ("check",)])
def test_english_by_option_or_environment(study_without_form, how):
    env = {"ARCHIVE_LANG": "en" if how == ("check",) else ""}
    result = study_without_form.archive(*how, env=env)
    assert result.stdout.splitlines()[0] == (
        f"{STUDY_WITHOUT_FORM}form: required field is missing (expected 集中学习 | 个人自学 | 专题研讨 | 专题讲座 | "
        "主题党日 | 网络学习) (see the handbook: en/handbook/errors/#e-field-missing)"
    )


def test_a_command_s_help_is_in_the_reader_s_language(project):
    chinese = project.archive("check", "--help", env={"ARCHIVE_LANG": ""})
    assert "逐件检查记录的元数据，规则与构建相同" in chinese.stdout
    assert "Validate every record" not in chinese.stdout
    english = project.archive("check", "--help", env={"ARCHIVE_LANG": "en"})
    assert "Validate every record's front-matter (the same rules as the build)." in english.stdout
