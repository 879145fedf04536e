"""Every file MkDocs would publish under the records folder is a record the archive checked, or
the build refuses it; nothing outside the project is published through a link."""

from __future__ import annotations

import os

import pytest
from conftest import Project, minimal, q, record_text
from test_build import site_text

HOSTILE = minimal(title=q("<script>alert(1)</script>机密文件"), secrecy="绝密", status="draft")


@pytest.mark.parametrize("name", ["x.markdown", "x.mdown", "x.mkdn", "x.mkd", "x.MD", "x.Md"])
def test_other_markdown_extensions_are_refused(project, name):
    project.write(f"docs/archive/AAA/2025/{name}", record_text("正文。\n", **HOSTILE))
    result = project.archive("check")
    assert result.returncode == 1
    assert (f"docs/archive/AAA/2025/{name}: not a record: MkDocs would publish {name} as a page, but records "
            f"must be named *.md (rename it to x.md so it is checked)") in result.stdout


@pytest.mark.parametrize("name", ["x.html", "x.svg", "x.js", "notes.txt"])
def test_other_files_under_the_records_folder_are_refused(project, name):
    project.write(f"docs/archive/AAA/2025/{name}", record_text("正文。\n", **HOSTILE))
    result = project.archive("check")
    assert result.returncode == 1
    assert (f"docs/archive/AAA/2025/{name}: not a record: only Markdown records (*.md) may be under docs/archive/, "
            f"and MkDocs would publish {name} unchecked (move it out of the docs folder)") in result.stdout


def test_dot_files_are_not_published_and_not_refused(project):
    project.record("AAA/2025/ok.md", **minimal())
    project.write("docs/archive/AAA/2025/.notes.markdown", "私人笔记\n")
    result = project.archive("check")
    assert result.returncode == 0, result.stdout


def test_symlinked_folder_is_refused(project):
    project.record("AAA/2025/draft.md", "草稿正文。\n", **minimal(status="draft"))
    os.symlink(project.root / "docs/archive/AAA/2025", project.root / "docs/archive/AAA/copy")
    result = project.archive("check")
    assert result.returncode == 1
    assert ("docs/archive/AAA/copy: symbolic link under the records folder: records must be real files "
            "(replace the link with the file it points to, or remove it)") in result.stdout


def test_symlink_to_a_record_outside_the_project_is_refused(project, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(record_text("外部正文。\n", **minimal()), encoding="utf-8")
    (project.root / "docs/archive/AAA").mkdir()
    os.symlink(outside, project.root / "docs/archive/AAA/linked.md")
    result = project.archive("check")
    assert result.returncode == 1
    assert ("docs/archive/AAA/linked.md: symbolic link under the records folder: records must be real files "
            "(replace the link with the file it points to, or remove it)") in result.stdout


def test_symlink_leaving_the_project_elsewhere_in_docs_is_refused(project, tmp_path):
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "page.md").write_text("# 外部\n", encoding="utf-8")
    os.symlink(tmp_path / "secret", project.root / "docs/extra")
    result = project.archive("check")
    assert result.returncode == 1
    target = os.path.realpath(tmp_path / "secret")
    assert (f"docs/extra: symbolic link to {target}, outside the project: nothing outside the project may be "
            f"published (remove the link)") in result.stdout


@pytest.fixture
def hostile_files(site_project: Project, tmp_path) -> Project:
    """Every way a file reached the site unchecked on the old main."""
    p = site_project
    p.record("AAA/2025/ok.md", **minimal(title="正常记录"))
    p.record("AAA/2025/draft.md", "草稿专用句子丁。\n", **minimal(status="draft"))
    p.write("docs/archive/AAA/2025/x.markdown", record_text("隐藏句子甲。\n", **HOSTILE))
    p.write("docs/archive/AAA/2025/y.MD", record_text("隐藏句子乙。\n", **HOSTILE))
    os.symlink(p.root / "docs/archive/AAA/2025", p.root / "docs/archive/AAA/copy")
    outside = tmp_path / "outside.md"
    outside.write_text(record_text("外部句子丙。\n", **minimal(id="outside")), encoding="utf-8")
    os.symlink(outside, p.root / "docs/archive/BBB.md")
    return p


def test_build_refuses_and_publishes_none_of_them(hostile_files):
    result = hostile_files.build()
    assert result.returncode == 1
    for path in ["docs/archive/AAA/2025/x.markdown", "docs/archive/AAA/2025/y.MD", "docs/archive/AAA/copy",
                 "docs/archive/BBB.md"]:
        assert f"{path}: " in result.stderr
    assert "nothing was published" in result.stderr
    text = site_text(hostile_files.site) if hostile_files.site.exists() else ""
    for sentence in ["隐藏句子甲", "隐藏句子乙", "外部句子丙", "草稿专用句子丁"]:
        assert sentence not in text
