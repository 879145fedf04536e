"""The one module that knows MkDocs: it feeds MkDocs' events to the archive's core.

``hooks/archive.py`` creates one ``ArchiveSite`` per loaded configuration and forwards each
event here. With mkdocs-static-i18n every language is a separate MkDocs build run inside the
first one; the archive is read and validated once, in the first (Chinese) build.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, time
from pathlib import Path

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .archive import BUILD_DATE_ENV, PREVIEW_ENV, Archive, load_archive
from .compliance import evaluate
from .fixity import withdrawn_entries
from .git import commit_dates
from .indexes import ArchiveIndex
from .labels import SEARCH_STRINGS, UI, lang_prefix
from .pages import GeneratedFile, GeneratedPage, archive_pages
from .problems import ArchiveError
from .records import Record
from .sanitise import clean_html, page_id, text_only
from .schema import DEFAULT_LANGUAGE
from .search import BackgroundIndex
from .verify import fixity_problems
from .views import RecordView, panel_rows, record_link, stage_rows

log = logging.getLogger("mkdocs.archive")


class ArchiveSite:
    """The archive's side of one MkDocs build (and of the language builds nested in it).

    MkDocs loads a hook file once per process (it caches it), so the same object serves every
    rebuild of `mkdocs serve`: ``reset`` starts each top-level build afresh.
    """

    def __init__(self) -> None:
        self.depth = 0  # nesting of MkDocs builds: mkdocs-static-i18n runs each language inside the first
        self.serving = False  # on_startup says so once per process, for every later rebuild
        self.reset()

    def reset(self) -> None:
        self.archive: Archive | None = None
        self.lang = DEFAULT_LANGUAGE
        self.by_src: dict[str, Record] = {}
        self.translations: dict[str, tuple[Record, str]] = {}
        self.index: ArchiveIndex | None = None
        self.pages: dict[str, GeneratedPage] = {}  # src_uri -> page, the same for every language
        self.site_files: list[GeneratedFile] = []
        self.git_dates: dict = {}
        self.history: dict = {}  # record path -> RecordHistory, from the filing log
        self.search_enabled = True
        self.search_job: BackgroundIndex | None = None

    # --- events -------------------------------------------------------------------------
    def start(self, command: str) -> None:
        self.serving = command == "serve"

    def configure(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.depth == 0:
            self.reset()
        i18n = config.plugins.get("i18n")
        self.lang = getattr(i18n, "current_language", None) or DEFAULT_LANGUAGE
        self.depth += 1
        if self.archive is None:
            self.search_enabled = bool(config.extra.get("archive_search", True))
            self.archive = self.load(config)
        return config

    def load(self, config: MkDocsConfig) -> Archive:
        root = Path(config.config_file_path).parent
        archive = load_archive(root)
        if os.environ.get(BUILD_DATE_ENV) and not os.environ.get("SOURCE_DATE_EPOCH"):
            # MkDocs dates pages and sitemap.xml(.gz) by SOURCE_DATE_EPOCH: the archive's build date,
            # so two builds of one commit as of one day are byte-identical.
            midnight = datetime.combine(archive.today, time(), tzinfo=UTC)
            os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
        if archive.registry.fonds:  # fixity needs a readable registry (without one the build stops below)
            findings, self.history = fixity_problems(archive)
            archive.problems.extend(findings)
        for problem in archive.problems.sorted():
            (log.error if problem.is_error else log.warning)(str(problem))
        try:
            archive.raise_for_errors()
        except ArchiveError as exc:
            raise PluginError(
                f"{len(archive.problems.errors)} error(s) in the archive: nothing was published "
                f"(run 'archive check' and 'archive verify' to see them again)"
            ) from exc
        self.by_src = {r.src_uri: r for r in archive.records}
        self.translations = {
            t.src_uri: (r, lang) for r in archive.records for lang, t in r.translations.items()
        }
        # Drafts reach the indexes only in a preview (mkdocs serve), marked as drafts.
        self.index = ArchiveIndex(archive.published(include_drafts=self.serving), archive.registry)
        compliance = evaluate(archive, archive.today)
        withdrawn = withdrawn_entries(root, self.history)
        pages, self.site_files = archive_pages(self.index, archive.today, self.history, withdrawn, compliance)
        self.pages = {page.src_uri: page for page in pages}
        self.git_dates = commit_dates(root, f"{archive.registry.docs_dir}/{archive.registry.records_dir}")
        return archive

    def files(self, files: Files, config: MkDocsConfig) -> Files:
        """Keep drafts out of a build (MkDocs' DRAFT level: shown by serve, never built) and add
        the generated pages of this language, and once the generated data files."""
        records_folder = f"{self.archive.registry.records_dir}/"
        unchecked = []
        for file in files:
            record = self.record_of(file)
            if record is None:
                if file.src_uri.startswith(records_folder) and not file.generated_by:
                    unchecked.append(file.src_uri)
                continue
            file.inclusion = InclusionLevel.DRAFT if record.is_draft else InclusionLevel.NOT_IN_NAV
        if unchecked:  # load_archive refuses these already: this only guards against the two disagreeing
            raise PluginError(
                f"{len(unchecked)} file(s) under the records folder are not records the archive checked: "
                f"{', '.join(unchecked[:5])} (nothing was published; run 'archive check')"
            )
        prefix = lang_prefix(self.lang)
        for src_uri in self.pages:
            file = File.generated(config, src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
            if prefix:
                file.dest_uri = prefix + file.dest_uri
            files.append(file)
        if self.lang == DEFAULT_LANGUAGE:
            for item in self.site_files:
                files.append(File.generated(config, item.src_uri, content=item.content))
            if self.search_enabled and self.search_job is None and not self.keep_search_index(config):
                self.start_search_index(config)
        return files

    @staticmethod
    def keep_search_index(config: MkDocsConfig) -> bool:
        """`archive preview` rebuilds on every save: it keeps the index of its first build."""
        return bool(os.environ.get(PREVIEW_ENV)) and (Path(config.site_dir) / "search" / "meta.json").exists()

    def abort(self) -> None:
        """A failed build: stop the search worker too, and be ready for the next build."""
        self.depth = 0
        if self.search_job is not None:
            self.search_job.cancel()
            self.search_job = None

    def start_search_index(self, config: MkDocsConfig) -> None:
        """Build the search index in a second process while MkDocs renders pages in this one."""
        assert self.index is not None
        out = os.path.join(config.site_dir, "search")
        self.search_job = BackgroundIndex(self.index.records, self.index.registry, out)

    def finish(self, config: MkDocsConfig) -> None:
        """After the last language (the outermost build ends last): wait for the search index."""
        self.depth -= 1
        if self.depth > 0:
            return
        if self.search_job is None:
            return
        try:
            figures = self.search_job.result()
        except RuntimeError as exc:
            raise PluginError(f"the search index could not be built: {exc}") from None
        finally:
            self.search_job = None
        log.info(
            f"search index: {figures['documents']} documents, {figures['shards']} shards, "
            f"{figures['posting_bytes'] / 2**20:.1f} MB of postings, peak RSS {figures['peak_rss_mb']} MB"
        )

    def page_source(self, page: Page) -> str | None:
        """Record bodies were read and validated already; hand MkDocs the body, not the file.

        Handed over, not shared: nothing in this build reads a body again (the search index has
        its own copy, in its own process, from before the pages are read), and at 50,000 records
        the bodies are 350 MB that would stay to the end of the build."""
        record, translation = self.record_and_translation(page.file)
        if record is None:
            return None
        holder = translation or record
        body, holder.body = holder.body, ""
        return "\n" + body if body.startswith("---") else body

    def page_markdown(self, markdown: str, page: Page) -> str:
        # Material prints meta titles unescaped: escape hostile titles here, once.
        generated = self.generated_page(page.file)
        if generated is not None:
            page.meta["title"] = Markup(escape(generated.title(self.lang)))
            page.meta["template"] = generated.template
            page.meta["hide"] = ["navigation", "toc"]  # wide tables need the width
            return markdown
        record, translation = self.record_and_translation(page.file)
        if record is not None:
            page.meta["title"] = Markup(escape(translation.title if translation else record.title))
            page.meta["template"] = "archive/record.html"
        return markdown

    def page_content(self, html: str, page: Page) -> str:
        """A record's text is untrusted: clean its HTML, and the table of contents Material prints
        from its headings unescaped (titles as text, ids as the cleaned headings carry them).

        Its Markdown is not needed once it is HTML: MkDocs keeps every page's Markdown
        (mkdocs-static-i18n a copy of it) until the build ends, 350 MB at 50,000 records."""
        record, _ = self.record_and_translation(page.file)
        if record is None:
            return html
        stack = list(page.toc)
        while stack:
            item = stack.pop()
            item.title = text_only(item.title)
            item.id = page_id(item.id)
            stack.extend(item.children)
        page.markdown = ""  # (not None: MkDocs reads None as a page not read yet)
        return clean_html(html)

    def post_page(self, output: str, page: Page) -> str:
        """A record page is written: its HTML is not needed again (MkDocs would keep it, and the
        English build runs inside the Chinese one, on top of it: 400 MB at 50,000 records)."""
        if self.record_of(page.file) is not None:
            page.content = ""
        return output

    def page_context(self, context: dict, page: Page, config: MkDocsConfig) -> dict:
        context["archive_ui"] = UI[self.lang]
        context["archive_lang"] = self.lang
        if self.search_enabled:
            context["archive_search"] = {"page": f"{lang_prefix(self.lang)}archive/search/",
                                         "strings": SEARCH_STRINGS[self.lang]}
        generated = self.generated_page(page.file)
        if generated is not None:
            context["archive_page"] = generated.context(self.lang)
            self.link_alternates(config, generated)
            return context
        record, _ = self.record_and_translation(page.file)
        if record is not None:
            context["archive_record"] = self.record_view(record)
        return context

    # --- helpers ------------------------------------------------------------------------
    def record_of(self, file: File) -> Record | None:
        record, _ = self.record_and_translation(file)
        return record

    def record_and_translation(self, file: File):
        record = self.by_src.get(file.src_uri)
        if record is not None:
            return record, None
        pair = self.translations.get(file.src_uri)
        if pair is not None:
            record, lang = pair
            return record, record.translations[lang]
        return None, None

    @staticmethod
    def link_alternates(config: MkDocsConfig, generated: GeneratedPage) -> None:
        """The language switch of a generated page leads to the same page in the other language
        (mkdocs-static-i18n only knows the pages it read from docs/)."""
        alternates = config.extra.get("alternate")
        if alternates:
            links = [{**alt, "link": lang_prefix(alt["lang"]) + generated.url} for alt in alternates]
            # mkdocs-static-i18n sets it as an attribute, which shadows the mapping: set both
            config.extra["alternate"] = links
            config.extra.alternate = links

    def generated_page(self, file: File) -> GeneratedPage | None:
        return self.pages.get(file.src_uri) if file.generated_by else None

    def record_view(self, record: Record) -> RecordView:
        assert self.archive is not None and self.index is not None
        registry = self.archive.registry
        plan = self.archive.by_id.get(record.plan) if record.plan else None
        view = RecordView(record=record, rows=panel_rows(record, registry, self.lang, plan))
        before, after = self.index.neighbours(record)
        filed = self.history.get(record.path)
        if filed is not None and record.is_filed:
            view.fixity = {
                "digest": filed.digest,
                "filed_on": filed.filed_on.isoformat() if filed.filed_on else "",
                "amendments": [(a.date.isoformat(), a.reason) for a in filed.amendments],
            }
        dates = self.git_dates.get(record.path)
        if dates:
            view.git_dates = (dates[0].date().isoformat(), dates[1].date().isoformat())
        view.previous = record_link(before, self.lang) if before else None
        view.next = record_link(after, self.lang) if after else None
        plan_index = self.index.plan_by_id.get(record.id)
        if plan_index is not None:
            view.stages = stage_rows(plan_index, registry, self.lang)
        return view
