"""`archive build --audience intranet|public`: one archive, two sites; the public one holds no
trace of a 内部 record (its text is marked with a token found nowhere else)."""

from __future__ import annotations

import gzip
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import FILERS, Project, add_pages, minimal
from sitecheck import page as site_page

from filing_archive.filing import file_records, withdraw_record
from filing_archive.settings import Settings

TOKEN = "ZQX7"  # in every part of the 内部 records (and the id of the 内部 plan a 公开 record names)
R = "docs/archive/AAA/2025"

ZH = {"ARCHIVE_LANG": ""}  # archive build prints its steps in the default language, Chinese


def seeded(root: Path) -> Project:
    """Two 公开 records of AAA filed around a 内部 one (件号 0001, 0002 内部, 0003), a 内部 plan with a
    cadence rule, an unfiled 内部 record, each 内部 one marked with TOKEN in every field it has."""
    project = Project(root)
    project.record("AAA/2025/open-1.md", **minimal(title="公开学习记录一", date="2025-03-01"))
    project.record("AAA/2025/inner.md", f"## {TOKEN}正文\n\n内部正文{TOKEN}。\n",
                   **minimal(title=f"内部学习记录{TOKEN}", date="2025-03-02", secrecy="内部",
                             keywords=f"[{TOKEN}主题]", responsible=f"张{TOKEN}", host=f"主持{TOKEN}"))
    project.record("AAA/2025/inner.en.md", f"Internal text {TOKEN}.\n", title=f"Internal study {TOKEN}")
    project.write(f"{R}/inner.files/{TOKEN}记录.txt", f"附件{TOKEN}\n")
    project.record("AAA/2025/open-3.md", **minimal(title="公开学习记录三", date="2025-03-03", plan="zqx7-plan",
                                                  stage="动员"))
    project.record("AAA/2025/zqx7-plan.md", f"方案{TOKEN}\n",
                   title=f"内部方案{TOKEN}", type="plan", unit="AAA", date="2025-01-05", status="published",
                   secrecy="内部", stages="[{name: 动员, start: 2025-01-01, end: 2025-12-31}]", cadence=f"[{{id: inner-rule, name: 规则{TOKEN}, type: study, per: month}}]")
    project.record("AAA/2025/inner-draftless.md", **minimal(title=f"未归档内部{TOKEN}", date="2025-04-01",
                                                            secrecy="内部", unit="BBB"))
    project.record("AAA/2025/inner-gone.md", **minimal(title=f"撤出内部{TOKEN}", date="2025-03-04", secrecy="内部"))
    filed = ("open-1", "inner", "open-3", "inner-gone")
    for name in filed:
        add_pages(root / R / f"{name}.md")
    result = file_records(root, [str(root / R / f"{n}.md") for n in filed], "10年", **FILERS)
    assert not result.problems.errors, result.problems
    result = withdraw_record(root, str(root / R / "inner-gone.md"), f"撤出{TOKEN}", f"批准{TOKEN}〔2026〕1号", "张批准")
    assert not result.problems.errors, result.problems
    return project


def texts(site: Path) -> dict[str, str]:
    """Every file of a site as text: gzip, XLSX and every other zip opened, entry by entry."""
    found = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(path) as z:
                data = b"\n".join(z.read(name) for name in z.namelist())
        found[rel] = data.decode("utf-8", errors="replace")
    return found


@pytest.fixture(scope="session")
def two_sites(tmp_path_factory) -> tuple[Project, dict[str, str], dict[str, str], str, str]:
    project = seeded(tmp_path_factory.mktemp("audience") / "p")
    intranet = project.archive("build", "--site-dir", "intranet", env=ZH)
    public = project.archive("build", "--audience", "public", "--site-dir", "public", env=ZH)
    assert intranet.returncode == 0, intranet.stdout + intranet.stderr
    assert public.returncode == 0, public.stdout + public.stderr
    return (project, texts(project.root / "intranet"), texts(project.root / "public"), intranet.stdout,
            public.stdout)


def holding(files: dict[str, str]) -> list[str]:
    return [rel for rel, text in files.items() if TOKEN.lower() in text.lower()]


def test_the_public_site_holds_no_trace_of_an_internal_record(two_sites):
    _, _, public, _, _ = two_sites
    assert holding(public) == []
    # no page, translation or attachment folder (nor the id of the 内部 plan a 公开 record is in: zqx7-plan)
    assert not [rel for rel in public if "inner" in rel or TOKEN.lower() in rel.lower()]


def test_the_intranet_site_holds_the_internal_record_everywhere_the_public_one_leaves_it_out(two_sites):
    _, intranet, _, _, _ = two_sites
    found = holding(intranet)
    for expected in ("archive/AAA/2025/inner/index.html", "en/archive/AAA/2025/inner/index.html",
                     f"archive/AAA/2025/inner.files/{TOKEN}记录.txt", "archive/records.json",
                     "archive/catalogue/2025.csv", "archive/catalogue/2025.xlsx",
                     "archive/catalogue/2025/index.html", "archive/compliance.csv"):
        assert expected in found
    assert any(rel.startswith("search/") for rel in found)


def test_the_public_catalogue_keeps_the_internal_line_with_only_its_archive_number(two_sites):
    project, _, public, _, _ = two_sites
    book = openpyxl.load_workbook(project.root / "public/archive/catalogue/2025.xlsx")
    rows = [[c for c in row] for row in book.worksheets[0].iter_rows(min_row=9, values_only=True)]
    assert [row[1] for row in rows] == [f"Z001-WS·2025-D10-AAA-000{n}" for n in (1, 2, 3, 4)]
    assert rows[1] == [2, "Z001-WS·2025-D10-AAA-0002", None, None, None, None, None, None, "内部"]
    assert rows[2][4] == "公开学习记录三"
    assert rows[3] == [4, "Z001-WS·2025-D10-AAA-0004", None, None, None, None, None, None, "已撤出"]
    csv_lines = public["archive/catalogue/2025.csv"].splitlines()
    assert "2,Z001-WS·2025-D10-AAA-0002,,,,,,,内部" in csv_lines[2]


def test_the_public_counts_and_records_json_leave_the_internal_records_out(two_sites):
    _, intranet, public, _, _ = two_sites
    assert re.search(r'"count": (\d+)', intranet["archive/records.json"]).group(1) == "5"
    assert re.search(r'"count": (\d+)', public["archive/records.json"]).group(1) == "2"
    for page in ("archive/by-unit/BBB/index.html", "archive/by-stage/zqx7-plan/index.html"):  # unit, plan stages
        assert page in intranet and page not in public


def test_the_public_home_page_leaves_the_internal_records_out_of_latest_counts_and_due(two_sites):
    project, _, _, _, _ = two_sites
    seen = {}
    for site in ("intranet", "public"):
        home = site_page(project.root / site, "")
        seen[site] = {
            "latest": [a.text_content() for a in home.xpath('//ol[@class="archive-home__latest"]/li/a')],
            "units": [" ".join(td.text_content().strip() for td in tr) for tr in
                      home.xpath('//*[@id="home-by-unit"]/..//tbody/tr')],
            "due": [a.text_content() for a in home.xpath('//ul[@class="archive-home__due"]/li/a')],
        }
    assert seen["intranet"] == {
        "latest": [f"未归档内部{TOKEN}", "公开学习记录三", f"内部学习记录{TOKEN}", "公开学习记录一", f"内部方案{TOKEN}"],
        "units": ["甲镇党委 4", "乙中学党支部 1"],  # the withdrawn record is on neither site
        "due": [f"内部方案{TOKEN}", f"未归档内部{TOKEN}"],
    }
    assert seen["public"] == {"latest": ["公开学习记录三", "公开学习记录一"], "units": ["甲镇党委 2"], "due": []}


def test_archive_build_prints_one_line_a_step_in_chinese(two_sites):
    project, _, _, intranet_out, public_out = two_sites
    lines = public_out.splitlines()
    assert lines[0] == "检查：通过（6 件记录，0 个错误，0 个警告）"  # the withdrawn record keeps its file
    assert lines[1] == "核验：通过（3 件已归档，日志链完整，0 个问题）"
    assert re.fullmatch(rf"构建（公开版）：通过，写入 {re.escape(str(project.root / 'public'))}（\d+ 个文件）", lines[2])
    assert intranet_out.splitlines()[2].startswith("构建（内网版）：通过")


def test_mkdocs_build_is_still_the_intranet_site(two_sites):
    project, intranet, _, _, _ = two_sites
    result = project.build()
    assert result.returncode == 0, result.stderr
    assert "archive/AAA/2025/inner/index.html" in holding(texts(project.site))


def test_archive_build_stops_before_building_when_check_fails(tmp_path):
    project = Project(tmp_path / "p")
    project.record("AAA/2025/bad.md", **minimal(date="2025-13-01"))
    result = project.archive("build", "--audience", "public")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "check: failed (1 records, 1 errors, 0 warnings)"
    assert lines[2] == "build (public): not run (it runs when check and verify pass)"
    assert lines[3].startswith("docs/archive/AAA/2025/bad.md:5: date: ")
    assert not project.site.exists()


def test_an_unknown_audience_names_the_variable():
    with pytest.raises(SystemExit, match=r"^ARCHIVE_AUDIENCE=outside: expected intranet or public$"):
        Settings().with_environment({"ARCHIVE_AUDIENCE": "outside"})
    assert Settings().with_environment({"ARCHIVE_AUDIENCE": "public"}).public


def test_extra_archive_audience_in_mkdocs_yml_sets_the_audience_of_mkdocs_build(tmp_path):
    project = Project(tmp_path / "p")
    project.record("AAA/2025/open.md", **minimal(title="公开记录"))
    project.record("AAA/2025/inner.md", **minimal(title=f"内部记录{TOKEN}", secrecy="内部", date="2025-03-13"))
    config = project.root / "mkdocs.yml"
    plain = config.read_text(encoding="utf-8")
    config.write_text(plain + "extra:\n  archive_audience: outside\n", encoding="utf-8")
    result = project.build()
    assert result.returncode == 1
    assert "mkdocs.yml: extra.archive_audience: Expected one of: ('intranet', 'public') but received: 'outside'" \
        in result.stderr
    assert "Traceback" not in result.stderr
    config.write_text(plain + "extra:\n  archive_audience: public\n", encoding="utf-8")
    result = project.build()
    assert result.returncode == 0, result.stderr
    assert holding(texts(project.site)) == []
    assert (project.site / "archive/AAA/2025/open/index.html").is_file()


def test_the_public_build_refuses_a_public_record_that_links_to_an_internal_one(tmp_path):
    project = Project(tmp_path / "p")
    project.record("AAA/2025/open.md", "见[内部记录](inner.md)。\n", **minimal(title="公开记录"))
    project.record("AAA/2025/inner.md", **minimal(title=f"内部记录{TOKEN}", secrecy="内部", date="2025-03-13"))
    assert project.archive("build").returncode == 0  # the intranet site, with both
    result = project.archive("build", "--audience", "public", env=ZH)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[2] == "构建（公开版）：未通过，未发布（mkdocs build --strict 的输出见下）"
    assert any("archive/AAA/2025/open.md" in line and "inner.md" in line for line in lines[3:]), lines
    # the site folder is still the last finished build, and nothing of the aborted one is left beside it
    assert (project.site / "archive/AAA/2025/inner/index.html").is_file()
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".site")] == []


@pytest.mark.parametrize("site_dir", [".", "..", "docs/site"])
def test_archive_build_refuses_a_site_folder_that_holds_the_project_or_is_in_docs(tmp_path, site_dir):
    project = Project(tmp_path / "p")
    project.record("AAA/2025/open.md", **minimal(title="公开记录"))
    result = project.archive("build", "--site-dir", site_dir)
    assert result.returncode == 2
    assert result.stderr == (f"archive: --site-dir {site_dir}: the site folder is replaced by each build (expected a "
                             f"folder outside docs/ that does not hold the project, such as site/)"
                             " (see the handbook: en/handbook/errors/#e-build-site-dir-bad)\n")
    assert (project.root / "docs/archive/AAA/2025/open.md").is_file()
    assert not (project.root / "docs/site").exists()


def test_a_warning_passes_check_and_stops_the_strict_build(tmp_path):
    project = Project(tmp_path / "p")
    project.record("AAA/2025/open.md", **minimal(title="公开记录", doc_no="甲党发〔2024〕3号"))
    result = project.archive("build")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "check: passed (1 records, 0 errors, 1 warnings)"
    assert lines[2] == "build (intranet): failed, nothing published (the output of mkdocs build --strict follows)"
    warning = ("docs/archive/AAA/2025/open.md:8: warning: doc_no: the year 2024 inside 〔〕 of 文号 甲党发〔2024〕3号 "
               "is not the year 2025 of 成文日期 2025-03-12 (expected 〔2025〕, got 〔2024〕)")
    assert lines[3] == warning + " (see the handbook: en/handbook/errors/#w-doc-no-year)"
    assert any(line.startswith("WARNING") and warning in line for line in lines[4:]), lines
    assert not project.site.exists()


def test_the_build_s_check_step_counts_what_archive_check_counts(tmp_path):
    """A check-only warning (a retention the schedule differs from) is counted by both, and it
    does not stop the strict build: the build leaves it to check, as it did yesterday."""
    project = Project(tmp_path / "p")
    registry = (project.root / "archive.yml").read_text(encoding="utf-8")
    project.write("archive.yml", registry + "retention_schedule:\n  - item: '1'\n    wording: 学习记录\n    type: study\n    retention: 30年\n")
    project.record("AAA/2025/open.md", **minimal(title="公开记录", retention="10年"))
    check = project.archive("check")
    assert check.stdout.splitlines()[-1] == "checked 1 records: 0 errors, 1 warnings"
    result = project.archive("build")
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "check: passed (1 records, 0 errors, 1 warnings)"
    assert lines[2].startswith("build (intranet): passed")
    assert lines[3].startswith("docs/archive/AAA/2025/open.md:") and "retention" in lines[3]
