"""Messages of the registry, the lifecycle commands and the command line in Chinese, the default
language (ARCHIVE_LANG taken out of the command's environment)."""

from __future__ import annotations

from conftest import REGISTRY, Project, minimal

from filing_archive.messages import message

ZH = {"ARCHIVE_LANG": ""}


def test_a_registry_problem_and_the_summary_in_chinese(tmp_path):
    project = Project(tmp_path / "proj", registry=REGISTRY.replace("fonds: Z001", "fonds: Z1"), with_site_files=False)
    result = project.archive("check", env=ZH)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "archive.yml:1: 全宗号 (fonds)：全宗号应为 4 位大写字母 A-Z 或数字 0-9（例如 Z001），实际为 'Z1'"
        "（详见使用手册 handbook/errors/#e-registry-code-bad）",
        "检查了 0 件记录：1 个错误，0 个警告",
    ]


def test_check_summary_and_a_usage_error_in_chinese(project):
    project.record("AAA/2025/a.md", **minimal())
    assert project.archive("check", env=ZH).stdout.splitlines() == ["检查了 1 件记录：0 个错误，0 个警告"]
    new = project.archive("new", "study", "--unit", "ZZZ", env=ZH)
    assert new.returncode == 2
    assert new.stderr == ("archive: 不认识的单位 ZZZ（应为 AAA、BBB 之一）"
                          "（详见使用手册 handbook/errors/#e-new-unit-unknown）\n")


def test_the_filing_deadline_lines_in_chinese(project):
    project.record("AAA/2025/a.md", **minimal())
    result = project.archive("check", "--deadlines", env={**ZH, "ARCHIVE_BUILD_DATE": "2026-07-01"})
    assert result.stdout.splitlines()[-3:] == [
        "docs/archive/AAA/2025/a.md: 应归未归：AAA 2025 集中学习记录（应于 2026-06-30 前归档）",
        "AAA: 0 件待归档，1 件应归未归",
        "归档时限（截至 2026-07-01）：0 件待归档，1 件应归未归",
    ]


def test_an_exemption_problem_reads_in_both_languages():
    shown = message("E-exemption-month-bad", rule="r", months=[6, 12], periods=["2026-06", "2026-12"], got="2026-07")
    assert shown.render("zh") == "规则 r 只统计 6、12 月（应为 2026-06 或 2026-12 之一，实际为 2026-07）"
    assert shown.render("en") == "rule r counts only months 6, 12 (expected one of 2026-06 | 2026-12, got 2026-07)"
