"""The handbook (使用手册): its examples are valid records, its generated pages cover the whole
contract and the whole message catalogue, and its words are found by the site's search."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import markdown
import pytest
from conftest import BUILD_DATE, REPO, Project

from filing_archive import messages
from filing_archive.archive import load_archive
from filing_archive.handbook_pages import (
    ERRORS_PAGE,
    FIELDS_PAGE,
    code_span,
    errors_markdown,
    fields_markdown,
    generated_pages,
    search_pages,
)
from filing_archive.messages import Entry
from filing_archive.problems import Problems
from filing_archive.registry import Unit, load_registry
from filing_archive.schema import FIELDS, TYPES
from filing_archive.search import build_index, normalize, search_documents, shard_of

HANDBOOK = REPO / "docs" / "handbook"
EXAMPLE = re.compile(r"^## [^\n]*\{ #(\w+) \}\n.*?^```markdown\n(.*?)^```$", re.M | re.S)


def examples(page: str) -> dict[str, str]:
    """The example record after each heading naming a type code: {code: record text}."""
    return {code: text for code, text in EXAMPLE.findall((HANDBOOK / page).read_text(encoding="utf-8"))}


def sample_registry():
    registry = load_registry(REPO, Problems())
    assert registry is not None
    return registry


# --- 文种: an example of every type, each a valid record ------------------------------------------
def test_every_type_of_the_schema_has_one_example_in_both_languages():
    codes = [t.code for t in TYPES]
    assert list(examples("types.md")) == codes
    assert examples("types.en.md") == examples("types.md")  # the English page shows the same records


def test_every_example_is_a_valid_record_for_the_real_checker(tmp_path):
    project = Project(tmp_path / "proj", registry=(REPO / "archive.yml").read_text(encoding="utf-8"),
                      with_site_files=False)
    written = {}
    for code, text in examples("types.md").items():
        unit = re.search(r"^unit: (\w+)$", text, re.M).group(1)
        year = re.search(r"^date: (\d{4})-", text, re.M).group(1)
        written[code] = project.write(f"docs/archive/{unit}/{year}/example-{code}.md", text)
    result = project.archive("check")
    assert result.returncode == 0, result.stdout + result.stderr
    for code, path in written.items():  # not an error, not even a warning
        assert path.name not in result.stdout + result.stderr, (code, result.stdout)
    archive = load_archive(project.root, date.fromisoformat(BUILD_DATE))
    assert sorted(r.type for r in archive.records) == sorted(t.code for t in TYPES)
    assert archive.problems.sorted() == []


# --- 字段: generated from schema.FIELDS ------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fields_page_names_every_field_with_its_labels_and_choices(lang):
    registry = sample_registry()
    page = fields_markdown(lang, registry)
    for name, spec in FIELDS.items():
        heading = re.search(rf"^## (.+) `{name}` \{{ #{name} \}}$", page, re.M)
        assert heading, name
        assert heading.group(1) == spec.label(lang)
        assert spec.zh in page and spec.en in page
        section = page[heading.end():].split("\n## ", 1)[0]
        for term in spec.vocabulary or ():
            assert f"`{term.code}`" in section and term.zh in section, (name, term.code)
        assert "```yaml\n" + name + ":" in section, name  # an example of the field
    for unit in registry.units.values():  # the unit field lists the registry's units
        assert f"`{unit.code}` {unit.label(lang)}" in page


def test_fields_page_shows_a_hostile_unit_name_as_text():
    registry = sample_registry()
    registry.units = {"EVL": Unit("EVL", "<script>alert(1)</script>*镇*[x](javascript:alert(1))", "", "town")}
    html = markdown.markdown(fields_markdown("zh", registry), extensions=["tables", "attr_list"])
    assert "<script>" not in html and "<em>" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;*镇*[x](javascript:alert(1))" in html


def test_fields_page_is_built_in_both_languages(sample_site):
    for path, label in (("handbook/fields/index.html", "学习形式"), ("en/handbook/fields/index.html", "Group study")):
        page = (sample_site / path).read_text(encoding="utf-8")
        assert all(f'id="{name}"' in page for name in FIELDS), path
        assert label in page


# --- 错误信息: generated from the message catalogue --------------------------------------------------
def test_every_code_of_the_catalogue_has_its_section_in_both_languages_of_the_site(sample_site):
    entries = messages.entries()
    assert entries
    for lang, path in (("zh", "handbook/errors/index.html"), ("en", "en/handbook/errors/index.html")):
        page = (sample_site / path).read_text(encoding="utf-8")
        for entry in entries:
            section = re.search(rf'<h2 id="{re.escape(entry.code.lower())}">(.*?)(?=<h2 |</article>)', page, re.S)
            assert section, (lang, entry.code)
            assert entry.code in section.group(1)
            first_line = entry.fix(lang).splitlines()[0]
            assert first_line.split("`")[0][:12] in section.group(1), (lang, entry.code)
        # where a message's trailer sends the reader
        assert messages.HANDBOOK_ERRORS[lang] == path.removesuffix("index.html")


def test_errors_page_of_a_stand_in_catalogue():
    entries = [Entry("W-b-thing", "第二条 {value}", "second {value}", "改正 `b`", "fix `b`"),
               Entry("E-a-thing", "有 `反引号` 的 {field}", "with `backticks` {field}", "改 a", "fix a")]
    page = errors_markdown(entries, "en")
    assert page.index("{ #e-a-thing }") < page.index("{ #w-b-thing }")  # sorted by code
    html = markdown.markdown(page, extensions=["attr_list"])
    assert '<h2 id="e-a-thing">' in html and '<h2 id="w-b-thing">' in html
    assert "<code>with `backticks` {field}</code>" in html  # the template shown whole, as code
    assert "<code>b</code>" in html  # the fix is Markdown
    assert "改 a" in errors_markdown(entries, "zh") and "fix a" not in errors_markdown(entries, "zh")
    assert code_span("a ``b`` c") == "``` a ``b`` c ```"


# --- search: a word only the handbook holds is found --------------------------------------------------
def postings(site_search: Path, token: str) -> set[int]:
    meta = json.loads((site_search / "meta.json").read_text())
    shard = json.loads((site_search / "p" / f"{shard_of(token, meta['shards'])}.json").read_text())
    flat, docs, doc, i = shard.get(token, []), set(), 0, 0
    while i < len(flat):
        doc += flat[i]
        docs.add(doc)
        i += 3 + flat[i + 2]
    return docs


@pytest.mark.parametrize(("lang", "word", "url"), [("zh", "有序列表", "handbook/markdown/"),
                                                   ("en", "bulleted", "en/handbook/markdown/"),
                                                   ("zh", "六角括号", "handbook/fields/")])
def test_a_word_only_in_the_handbook_is_found_by_the_site_search(sample_site, lang, word, url):
    search = sample_site / "search"
    table = json.loads((search / f"docs.{lang}.json").read_text())
    typed = normalize(word)
    found = set.intersection(*(postings(search, typed[i:i + 2]) for i in range(len(typed) - 1)))
    # as search.js does: the postings give candidates, each confirmed against its text
    texts = {doc: (search / "t" / "0" / f"{doc}.txt").read_text(encoding="utf-8") for doc in found}
    holding = {doc for doc, text in texts.items() if typed in normalize(text)}
    assert holding and holding <= set(table["pages"])  # no record holds it: only the handbook
    assert url in {json.loads(texts[doc].split("\n", 1)[0])["url"] for doc in holding}


def test_handbook_documents_are_apart_from_the_records_of_each_language(tmp_path):
    pages = search_pages(REPO / "docs", generated_pages(sample_registry(), []))
    assert {(lang, doc.url) for lang, doc in pages} >= {("zh", "handbook/"), ("en", "en/handbook/"),
                                                         ("zh", "handbook/fields/"), ("en", "en/handbook/errors/")}
    docs, tables = search_documents([], sample_registry(), pages=pages)
    figures = build_index(docs, tables, tmp_path)
    assert figures["documents"] == len(pages)
    for table in tables:
        assert table.doc == [] and len(table.pages) == sum(1 for lang, _ in pages if lang == table.lang)
    assert FIELDS_PAGE != ERRORS_PAGE
