"""The build's settings: sites built with `use_directory_urls: false` (pages as a/b.html, as on a
file share), where every link the archive makes leads to a file of the build, in pages, in
records.json and in search; and the archive's own settings, from mkdocs.yml and the environment."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from conftest import Project, copy_sample
from sitecheck import resolve

from filing_archive.urls import Urls, page_url


def test_page_url_in_both_styles():
    assert page_url("archive/by-unit/QSZ.md") == "archive/by-unit/QSZ/"
    assert page_url("archive/by-unit/QSZ.md", directory_urls=False) == "archive/by-unit/QSZ.html"
    assert page_url("archive/by-unit/index.md", directory_urls=False) == "archive/by-unit/index.html"
    assert page_url("index.md", directory_urls=False) == "index.html"
    assert page_url("index.md") == ""
    assert Urls(directory_urls=False).page("archive/search.md", "en") == "en/archive/search.html"


@pytest.fixture(scope="module")
def file_site(tmp_path_factory) -> Path:
    """The sample archive built once with `use_directory_urls: false`."""
    root = copy_sample(tmp_path_factory.mktemp("file-urls") / "proj")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "use_directory_urls: true" in text
    config.write_text(text.replace("use_directory_urls: true", "use_directory_urls: false"), encoding="utf-8")
    result = Project.existing(root).build()
    assert result.returncode == 0, result.stderr
    return root / "site"


def missing_targets(site: Path, rel: str) -> list[str]:
    """The same-site links of the page at ``rel`` that do not name a file of the build."""
    doc = lxml.html.fromstring((site / rel).read_bytes())
    missing = []
    for element, attribute, link, _ in doc.iterlinks():
        if attribute != "href" or element.tag != "a":
            continue
        target = resolve(rel, link)
        if target is not None and not (site / target).is_file():
            missing.append(link)
    return missing


def a_record_page(site: Path, lang: str = "") -> str:
    """A record page of the sample: in Chinese one in a plan (its panel links to plan and stage), in
    English a translated plan (its own English page, with its stage table)."""
    data = json.loads((site / "archive" / "records.json").read_text(encoding="utf-8"))
    record = next(r for r in data["records"] if (r["title_en"] if lang else r["plan"]))
    return record["url_en" if lang == "en" else "url"]


@pytest.mark.parametrize("lang", ["", "en"])
def test_record_and_index_pages_link_to_files(file_site, lang):
    record = a_record_page(file_site, lang)
    assert record.endswith(".html")
    prefix = "en/" if lang else ""
    for rel in (record, f"{prefix}archive/index.html", f"{prefix}archive/by-unit/index.html",
                f"{prefix}archive/by-date/index.html", f"{prefix}archive/catalogue/index.html"):
        assert (file_site / rel).is_file(), rel
        assert missing_targets(file_site, rel) == [], rel


def test_records_json_and_search_results_name_files(file_site):
    data = json.loads((file_site / "archive" / "records.json").read_text(encoding="utf-8"))
    urls = [r["url"] for r in data["records"]] + [r["url_en"] for r in data["records"]]
    headers = [h for chunk in sorted((file_site / "search" / "h").glob("*.json"))
               for h in json.loads(chunk.read_text(encoding="utf-8"))]
    assert len(headers) > len(data["records"])  # the English documents too
    urls += [h["url"] for h in headers]
    assert [u for u in urls if not (file_site / u).is_file()] == []
    page = lxml.html.fromstring((file_site / "index.html").read_bytes())
    assert page.xpath('//form[@data-archive-quick]/@action') == ["archive/search.html"]


def test_a_mistyped_setting_in_mkdocs_yml_stops_the_build_naming_it(site_project):
    config = site_project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "extra:\n  archive_search: 'yes'\n", encoding="utf-8")
    result = site_project.build()
    assert result.returncode == 1
    assert "mkdocs.yml: extra.archive_search: Expected type: <class 'bool'> but received: <class 'str'>" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_environment_overrides_the_settings_of_mkdocs_yml():
    from datetime import date

    from filing_archive.settings import Settings

    settings = Settings(build_date=date(2025, 1, 1))
    assert settings.with_environment({}) == settings
    overridden = settings.with_environment({"ARCHIVE_BUILD_DATE": "2026-11-30", "ARCHIVE_PREVIEW": "1"})
    assert (overridden.build_date, overridden.preview, overridden.search) == (date(2026, 11, 30), True, True)
    with pytest.raises(SystemExit, match=r"ARCHIVE_BUILD_DATE=2026-13-01: expected a date YYYY-MM-DD"):
        settings.with_environment({"ARCHIVE_BUILD_DATE": "2026-13-01"})
