"""`archive check`: the build's validation without building, same messages, exit codes 0/1/2."""

from __future__ import annotations

import json
import sys

from conftest import minimal


def test_check_passes_on_a_valid_archive(project):
    project.record("AAA/2025/a.md", **minimal())
    result = project.archive("check")
    assert result.returncode == 0
    assert result.stdout.strip().endswith("checked 1 records: 0 errors, 0 warnings")


def test_check_reports_every_problem_and_exits_1(project):
    project.record("AAA/2025/a.md", **minimal(date="2025-02-30"))
    project.record("AAA/2025/b.md", **minimal(secrecy="绝密"))
    result = project.archive("check")
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        "docs/archive/AAA/2025/a.md:5: date: not a real calendar date (expected YYYY-MM-DD, got 2025-02-30)"
        " (see the handbook: en/handbook/errors/#e-date-not-real)",
        "docs/archive/AAA/2025/b.md:8: secrecy: secret material (绝密) must never be stored in or published "
        "from this archive: remove the file (expected 公开 | 内部, got 绝密)"
        " (see the handbook: en/handbook/errors/#e-secret-grade)",
    ]
    assert "Traceback" not in result.stderr


def test_check_json(project):
    project.record("AAA/2025/a.md", **minimal(titel="x"))
    result = project.archive("check", "--format", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["records"] == 1 and data["errors"] == []
    assert data["warnings"] == [
        {
            "path": "docs/archive/AAA/2025/a.md",
            "line": 8,
            "field": "titel",
            "code": "W-field-unknown",
            "message": "unknown field (not in the front-matter contract; did you mean title?)",
            "severity": "warning",
        }
    ]


def test_warnings_fail_check_only_with_strict(project):
    project.record("AAA/2025/a.md", **minimal(titel="x"))
    assert project.archive("check").returncode == 0
    assert project.archive("check", "--strict").returncode == 1


def test_check_limited_to_paths(project):
    project.record("AAA/2025/a.md", **minimal(date="2025-02-30"))
    project.record("BBB/2025/b.md", **minimal(unit="BBB", form="开会"))
    result = project.archive("check", "docs/archive/BBB")
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("docs/")]
    assert problems == [
        "docs/archive/BBB/2025/b.md:7: form: expected 集中学习 | 个人自学 | 专题研讨 | 专题讲座 | 主题党日 | 网络学习, got 开会"
        " (see the handbook: en/handbook/errors/#e-value-invalid)"
    ]


def test_usage_errors_exit_2(project, tmp_path):
    assert project.archive("check", "--format", "xml").returncode == 2
    assert project.archive("check", "no/such/file.md").returncode == 2
    elsewhere = project.archive("check", str(tmp_path))
    assert (elsewhere.returncode, elsewhere.stderr.strip()) == (
        2, f"archive: {tmp_path} is not inside the project {project.root} "
        "(see the handbook: en/handbook/errors/#e-path-outside-project)"
    )
    outside = project.run(sys.executable, "-m", "filing_archive", "--root", str(tmp_path), "check")
    assert outside.returncode == 2
    assert "找不到 archive.yml" in outside.stderr
