"""Real `mkdocs build` runs: the sample archive, bad input, drafts and secrets."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from browsing import free_port
from conftest import Project, minimal


def site_text(site: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in site.rglob("*")
        if p.is_file() and p.suffix in {".html", ".json", ".xml", ".csv", ".js", ".txt"}
    )


def test_sample_archive_builds_strict_in_both_languages(sample_site):
    zh = (sample_site / "archive/QSZ/2025/2025-06-26-qsz-analysis/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in zh
    assert '<th scope="row">档号</th>' in zh and "Z001-WS·2025-D30-QSZ-0001" in zh
    assert '<th scope="row">保管期限</th>' in zh
    en = (sample_site / "en/archive/QSZ/2025/2025-02-20-qsz-plan/index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in en
    assert "Qingshi Town Party Committee 2025 Ideological Work Plan" in en
    assert '<th scope="row">Type</th>' in en and "Work plan" in en
    assert '<th scope="row">Unit</th>' in en and "Qingshi Town Party Committee" in en
    assert (sample_site / "en/index.html").exists()


def test_untranslated_records_are_not_built_twice(sample_site):
    assert (sample_site / "archive/QSZ/2025/2025-03-12-qsz-study/index.html").exists()
    assert not (sample_site / "en/archive/QSZ/2025/2025-03-12-qsz-study/index.html").exists()


def test_drafts_never_reach_the_built_site(sample_site):
    assert not (sample_site / "archive/YMY/2026/2026-11-20-ymy-study").exists()
    assert "雨苗草稿专用测试句" not in site_text(sample_site)


def test_no_request_leaves_the_site(sample_site):
    external = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
    css_import = re.compile(r"""url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//""", re.I)
    offenders = []
    for page in sample_site.rglob("*"):
        if page.suffix in {".html", ".css"}:
            text = page.read_text(encoding="utf-8", errors="replace")
            # <a href> to another site is a link, not a request: only loading tags count
            for tag in re.findall(r"<(?:link|script|img|iframe|source|video|audio)\b[^>]*>", text, re.I):
                if external.search(tag):
                    offenders.append((page, tag))
            if css_import.search(text if page.suffix == ".css" else "".join(re.findall(r"<style.*?</style>", text, re.S))):
                offenders.append((page, "css url"))
    assert offenders == []


def test_bad_input_fails_the_build_naming_file_line_and_field(site_project):
    site_project.record("AAA/2025/a.md", **minimal(date="2025-02-30"))
    site_project.record("AAA/2025/b.md", **minimal(doc_no="甲党发[2025]第05号", titel="x"))
    site_project.write("docs/archive/AAA/2025/c.md", "---\ntitle: 记录\ntype: study\n".encode("gbk"))
    site_project.write("docs/archive/AAA/2025/d.md", "---\ntitle: [记录\n---\n")
    result = site_project.build()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for line in [
        "docs/archive/AAA/2025/a.md:5: date: not a real calendar date (expected YYYY-MM-DD, got 2025-02-30)",
        "docs/archive/AAA/2025/b.md:8: doc_no: 文号 is not in GB/T 9704 form: write 甲党发〔2025〕5号",
        "docs/archive/AAA/2025/b.md:9: warning: titel: unknown field (not in the front-matter contract; did you mean title?)",
        "docs/archive/AAA/2025/c.md:2: file is not UTF-8 (it looks like GBK",
        "docs/archive/AAA/2025/d.md:3: YAML syntax error",
        "4 error(s) in the archive: nothing was published",
    ]:
        assert line in result.stderr
    assert not (site_project.site / "archive").exists()


def test_warnings_fail_only_under_strict(site_project):
    site_project.record("AAA/2025/a.md", **minimal(titel="x"))
    site_project.record("AAA/2025/b.md", "正文。\n\n<img src=x onerror=alert(1)>\n", **minimal())
    strict = site_project.build(strict=True)
    assert strict.returncode == 1
    assert "docs/archive/AAA/2025/a.md:8: warning: titel: unknown field" in strict.stderr
    assert ("docs/archive/AAA/2025/b.md:11: warning: body: raw HTML <img> is cleaned when published: onerror is "
            "removed (write Markdown instead)") in strict.stderr
    relaxed = site_project.build(strict=False)
    assert relaxed.returncode == 0, relaxed.stderr
    assert (site_project.site / "archive/AAA/2025/a/index.html").exists()
    published = (site_project.site / "archive/AAA/2025/b/index.html").read_text(encoding="utf-8")
    assert '<img src="x">' in published and "onerror" not in published


def test_secret_record_stops_the_build_and_never_reaches_the_site(site_project):
    site_project.record("AAA/2025/ok.md", **minimal())
    site_project.record("AAA/2025/s1.md", body="这份文件含有绝不可发布的句子甲。\n", **minimal(secrecy="机密★10年"))
    site_project.record("AAA/2025/s2.md", body="秘密★1年\n\n绝不可发布的句子乙。\n", **minimal())
    result = site_project.build(strict=False)
    assert result.returncode == 1
    assert "docs/archive/AAA/2025/s1.md:8: secrecy: secret material (机密)" in result.stderr
    assert "docs/archive/AAA/2025/s2.md:9: secrecy: the text is marked 秘密★1年" in result.stderr
    if site_project.site.exists():
        text = site_text(site_project.site)
        assert "绝不可发布的句子" not in text


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() + str(p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_never_writes_into_docs(tmp_path):
    from conftest import copy_sample

    root = copy_sample(tmp_path / "proj")
    before = tree_digest(root / "docs")
    assert Project.existing(root).build().returncode == 0
    assert tree_digest(root / "docs") == before


def fetch(url: str, deadline: float, until=lambda html: True) -> str:
    """GET ``url`` until it answers and ``until(html)`` holds, or fail at ``deadline``."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                html = response.read().decode("utf-8")
            if until(html):
                return html
        except OSError:
            pass
        assert time.time() < deadline, f"{url} did not answer as expected in time"
        time.sleep(0.3)


def test_preview_shows_drafts_and_rebuilds_a_saved_record(site_project):
    site_project.record("AAA/2025/pub.md", **minimal())
    site_project.record("AAA/2025/dr.md", body="草稿正文。\n", **minimal(status="draft", title="草稿记录"))
    port = free_port()
    import os

    proc = subprocess.Popen(
        [sys.executable, "-m", "filing_archive", "preview", "-a", f"127.0.0.1:{port}"],
        # no NO_MKDOCS_2_WARNING of ours and the default language: archive preview quiets MkDocs itself
        cwd=site_project.root, env={**os.environ, "ARCHIVE_BUILD_DATE": "2026-11-30", "NO_MKDOCS_2_WARNING": "",
                                    "ARCHIVE_LANG": ""},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        html = fetch(base + "archive/AAA/2025/dr/", time.time() + 60)
        assert '<div class="archive-draft" role="alert">草稿：此记录尚未发布' in html
        assert "草稿正文。" in html
        record = site_project.root / "docs/archive/AAA/2025/pub.md"
        record.write_text(record.read_text(encoding="utf-8").replace("title: 集中学习记录", "title: 改过的标题"),
                          encoding="utf-8")
        html = fetch(base + "archive/AAA/2025/pub/", time.time() + 30, until=lambda h: "改过的标题" in h)
        assert '<h1 id="record-title">改过的标题</h1>' in html
        year = fetch(base + "archive/by-date/2025/", time.time() + 30, until=lambda h: "改过的标题" in h)
        assert "草稿记录" in year and "archive-badge--draft" in year  # drafts stay listed after a rebuild
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # what staff read: one line per step, in Chinese; nothing they cannot act on
    lines = [line for line in proc.stdout.read().splitlines() if line.strip()]
    assert lines[:4] == [
        "正在构建预览……",
        "以下草稿只在预览中显示，构建发布时不会出现：",
        f"  - {base}archive/AAA/2025/dr/",
        lines[3],
    ] and re.fullmatch(r"预览已构建，用时 [\d.]+ 秒", lines[3])
    assert lines[4] == f"预览地址：{base}（保存记录后页面自动刷新；按 Ctrl+C 结束预览）"
    assert "检测到修改，重新构建……" in lines
    shown = "\n".join(lines)
    for noise in ("end of life", "Zensical", "dirty", "INFO", "WARNING", "mkdocs_static_i18n", "stale", "Watching"):
        assert noise not in shown


def test_sample_site_has_no_broken_links(sample_site):
    from sitecheck import broken_links

    assert broken_links(sample_site) == []


def test_record_page_shows_git_dates_when_in_git(site_project):
    site_project.record("AAA/2025/a.md", **minimal())
    site_project.record("AAA/2025/学习记录.md", **minimal(id="xuexi"))  # git quotes such names unless told not to
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x",
                                                  "--date=2025-03-15T10:00:00Z"]):
        subprocess.run(["git", *args], cwd=site_project.root, check=True,
                       env={"GIT_COMMITTER_DATE": "2025-03-16T10:00:00Z", "PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert site_project.build().returncode == 0
    for page in ("a", "学习记录"):
        html = (site_project.site / f"archive/AAA/2025/{page}/index.html").read_text(encoding="utf-8")
        assert "版本库记录：首次提交 2025-03-16，最后修改 2025-03-16" in html, page


def test_two_builds_of_one_commit_are_byte_identical(tmp_path):
    """Built twice as of one build date, seconds apart: every file of the site is the same, the
    catalogue workbooks (zip entry times, document properties) and sitemap.xml.gz included."""
    from conftest import copy_sample

    project = Project.existing(copy_sample(tmp_path / "proj"))
    sites = []
    for n in range(2):
        assert project.build().returncode == 0
        sites.append(tmp_path / f"site{n}")
        project.site.rename(sites[-1])
        time.sleep(2.1)  # zip times have two-second steps
    files = [sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) for site in sites]
    assert files[0] == files[1]
    assert any(name.endswith(".xlsx") for name in files[0])
    differing = [name for name in files[0] if (sites[0] / name).read_bytes() != (sites[1] / name).read_bytes()]
    assert differing == []
