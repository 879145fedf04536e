"""The one module that knows MkDocs: it feeds MkDocs' events to the archive's core.

``hooks/archive.py`` creates one ``ArchiveSite`` per loaded configuration and forwards each
event here. With mkdocs-static-i18n every language is a separate MkDocs build run inside the
first one; the archive is read and validated once, in the first (Chinese) build. What that
plugin needs from us is in one place, ``StaticI18n``.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, date, datetime, time
from pathlib import Path

from markupsafe import Markup, escape
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .archive import Archive, load_archive
from .audience import Withheld, withhold_internal
from .compliance import evaluate
from .console import ARCHIVE_LOGGER, quiet_preview_log
from .fixity import withdrawn_entries
from .git import commit_dates
from .handbook_pages import HandbookPage, generated_pages, search_pages
from .home_page import HomePage
from .indexes import ArchiveIndex
from .labels import SEARCH_STRINGS, UI
from .messages import say
from .pages import GeneratedFile, GeneratedPage, archive_pages
from .presenter import Presenter, presenters
from .problems import ArchiveError
from .progress import Report, child_report
from .records import Record
from .sanitise import clean_html, page_id, text_only
from .schedule_pages import schedule_pages
from .schema import DEFAULT_LANGUAGE
from .search import BackgroundIndex
from .settings import AUDIENCES, PREVIEW_ENV, Settings
from .urls import Urls, lang_prefix
from .verify import fixity_problems
from .views import RecordView, attachment_rows, filed_view, panel_rows, record_link, stage_rows

log = logging.getLogger(ARCHIVE_LOGGER)


class ArchiveOptions(Config):
    """The archive's keys under ``extra:`` in mkdocs.yml, typed and checked by MkDocs."""

    archive_search = config_options.Type(bool, default=True)
    archive_build_date = config_options.Optional(config_options.Type(date))
    archive_audience = config_options.Choice(AUDIENCES, default="intranet")


def read_settings(config: MkDocsConfig) -> Settings:
    """The build's settings from mkdocs.yml, then the environment's overrides (see ``settings``)."""
    options = ArchiveOptions(config_file_path=config.config_file_path)
    options.load_dict({key: config.extra[key] for key, _ in ArchiveOptions._schema if key in config.extra})
    failed, _ = options.validate()
    if failed:
        key, error = failed[0]
        raise PluginError(say("out.build-setting-bad", file=config.config_file_path, setting=key, error=error))
    settings = Settings(search=options.archive_search, build_date=options.archive_build_date,
                        urls=Urls(directory_urls=config.use_directory_urls), audience=options.archive_audience)
    return settings.with_environment()


class StaticI18n:
    """Every accommodation of mkdocs-static-i18n, and why.

    - Priorities (used by hooks/archive.py): the plugin runs its config and files events at
      ``PLUGIN``; the archive runs after it (``AFTER``) so it sees the files each language build
      really uses, and ends after the plugin has built the other languages (``LAST``).
    - Nesting: the plugin runs each further language as a whole MkDocs build inside the first
      one's post-build; ``depth`` counts the builds open so the archive is read once, in the
      outermost, and the end of the outermost is the end of the site.
    - Language: a language build says which it is only through the plugin's ``current_language``.
    - Generated pages: the plugin only moves the pages it read from docs/ under ``en/``; the
      archive's generated pages are put there by hand (``place``).
    - Alternate links: the plugin only knows the pages it read from docs/, so the language switch
      of a generated page is set here (``link_alternates``), as attribute and as mapping.
    - Sitemaps: Material's language switch fetches the sitemap of every language on every page;
      overrides/main.html leaves out the <link rel="alternate"> that makes it do so.
    """

    PLUGIN, AFTER, LAST = -100, -110, -120

    def __init__(self) -> None:
        self.depth = 0

    def enter(self) -> bool:
        """A build starts; True for the outermost (the first language)."""
        self.depth += 1
        return self.depth == 1

    def leave(self) -> bool:
        """A build ends; True when it was the outermost (every language is built)."""
        self.depth -= 1
        return self.depth == 0

    @staticmethod
    def language(config: MkDocsConfig) -> str:
        i18n = config.plugins.get("i18n")
        return getattr(i18n, "current_language", None) or DEFAULT_LANGUAGE

    @staticmethod
    def place(file: File, lang: str) -> File:
        prefix = lang_prefix(lang)
        if prefix:
            file.dest_uri = prefix + file.dest_uri
        return file

    @staticmethod
    def link_alternates(config: MkDocsConfig, urls: Urls, src_uri: str) -> None:
        alternates = config.extra.get("alternate")
        if alternates:
            links = [{**alt, "link": urls.page(src_uri, alt["lang"])} for alt in alternates]
            # mkdocs-static-i18n sets it as an attribute, which shadows the mapping: set both
            config.extra["alternate"] = links
            config.extra.alternate = links


class ArchiveSite:
    """The archive's side of one MkDocs build (and of the language builds nested in it).

    MkDocs loads a hook file once per process (it caches it), so the same object serves every
    rebuild of `mkdocs serve`: ``reset`` starts each top-level build afresh.
    """

    def __init__(self) -> None:
        self.i18n = StaticI18n()
        self.serving = False  # on_startup says so once per process, for every later rebuild
        self.reset()

    def reset(self) -> None:
        self.archive: Archive | None = None
        self.lang = DEFAULT_LANGUAGE
        self.by_src: dict[str, Record] = {}
        self.translations: dict[str, tuple[Record, str]] = {}
        self.attachment_owners: dict[str, Record] = {}  # an attachment's src_uri -> its record
        self.index: ArchiveIndex | None = None
        self.pages: dict[str, GeneratedPage] = {}  # src_uri -> page, the same for every language
        self.home: HomePage | None = None  # the data beneath docs/index.md's intro
        self.site_files: list[GeneratedFile] = []
        self.handbook: list[HandbookPage] = []  # the handbook's generated pages, every language
        self.git_dates: dict = {}
        self.history: dict = {}  # record path -> RecordHistory, from the filing log
        self.unpublished: set[str] = set()  # records withdrawn with their file kept
        self.settings = Settings()
        self.present: dict[str, Presenter] = {}
        self.search_job: BackgroundIndex | None = None
        self.withheld = Withheld()  # the public build's 内部 records: never handed to MkDocs
        self.rendering: tuple[Report | None, int, int] = (None, 0, 0)  # (report, pages written, pages)

    # --- events -------------------------------------------------------------------------
    def start(self, command: str) -> None:
        self.serving = command == "serve"
        if self.serving and os.environ.get(PREVIEW_ENV):
            quiet_preview_log()  # archive preview: one line per step and the problems

    def configure(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.i18n.depth == 0:
            self.reset()
        self.lang = self.i18n.language(config)
        self.i18n.enter()
        if self.archive is None:
            self.settings = read_settings(config)
            self.archive = self.load(config)
        return config

    def load(self, config: MkDocsConfig) -> Archive:
        root = Path(config.config_file_path).parent
        archive = load_archive(root, self.settings.build_date, progress=child_report("out.progress-build-read"))
        if self.settings.build_date and not os.environ.get("SOURCE_DATE_EPOCH"):
            # MkDocs dates pages and sitemap.xml(.gz) by SOURCE_DATE_EPOCH: the archive's build date,
            # so two builds of one commit as of one day are byte-identical.
            midnight = datetime.combine(archive.today, time(), tzinfo=UTC)
            os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
        if archive.registry.fonds:  # fixity needs a readable registry (without one the build stops below)
            findings, self.history = fixity_problems(archive)
            archive.problems.extend(findings)
        for problem in archive.problems.sorted():
            (log.error if problem.is_error else log.warning)(problem.shown())
        try:
            archive.raise_for_errors()
        except ArchiveError as exc:
            raise PluginError(say("out.build-errors", count=len(archive.problems.errors))) from exc
        withdrawn = withdrawn_entries(root, self.history)
        if self.settings.public:  # the one place the public build leaves 内部 records out
            self.withheld = withhold_internal(archive, withdrawn)
            withdrawn = []
        self.by_src = {r.src_uri: r for r in archive.records}
        self.translations = {
            t.src_uri: (r, lang) for r in archive.records for lang, t in r.translations.items()
        }
        self.attachment_owners = {a.src_uri: r for r in archive.records for a in r.attachments}
        # A record withdrawn with its file kept stays in the working tree as evidence, never on the
        # site: not its page, translations, attachments, listings, search or compliance counts.
        self.unpublished = {path for path, state in self.history.items() if state.withdrawn}
        archive.records = [r for r in archive.records if r.path not in self.unpublished]
        # Drafts reach the indexes only in a preview (mkdocs serve), marked as drafts.
        self.index = ArchiveIndex(archive.published(include_drafts=self.serving), archive.registry)
        compliance = evaluate(archive, archive.today)
        urls = self.settings.urls
        pages, self.site_files = archive_pages(self.index, archive.today, self.history, withdrawn, compliance, urls,
                                               self.withheld.masked)
        self.present = presenters(archive.registry, urls)
        self.home = HomePage(self.index, self.present, compliance, HomePage.find_manual(Path(config.docs_dir)))
        pages += schedule_pages(self.index, self.present, archive, [*pages, self.home], self.history)
        self.pages = {page.src_uri: page for page in pages}
        self.handbook = generated_pages(archive.registry)
        self.git_dates = commit_dates(root, f"{archive.registry.docs_dir}/{archive.registry.records_dir}")
        return archive

    def files(self, files: Files, config: MkDocsConfig) -> Files:
        """Keep drafts and their attachments out of a build (MkDocs' DRAFT level: shown by serve,
        never built) and add the generated pages of this language, and once the generated data files.
        The public build's 内部 records, their translations and attachments are not even copied."""
        records_folder = f"{self.archive.registry.records_dir}/"
        unchecked = []
        for file in [f for f in files if f.src_uri in self.withheld.src_uris]:
            files.remove(file)
        for file in files:
            record = self.record_of(file) or self.attachment_owners.get(file.src_uri)
            if record is None:
                if file.src_uri.startswith(records_folder) and not file.generated_by:
                    unchecked.append(file.src_uri)
                continue
            if record.path in self.unpublished:
                file.inclusion = InclusionLevel.EXCLUDED
                continue
            file.inclusion = InclusionLevel.DRAFT if record.is_draft else InclusionLevel.NOT_IN_NAV
        if unchecked:  # load_archive refuses these already: this only guards against the two disagreeing
            raise PluginError(say("out.build-unchecked", count=len(unchecked), files=unchecked[:5]))
        for src_uri in self.pages:
            file = File.generated(config, src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
            files.append(self.i18n.place(file, self.lang))
        for page in self.handbook:  # Markdown of this language, laid out like the handbook's written pages
            if page.lang == self.lang:
                files.append(self.i18n.place(File.generated(config, page.src_uri, content=page.markdown), self.lang))
        if self.lang == DEFAULT_LANGUAGE:
            for item in self.site_files:
                files.append(File.generated(config, item.src_uri, content=item.content))
            if self.settings.search and self.search_job is None and not self.keep_search_index(config):
                self.start_search_index(config)
        # archive build shows the pages written (each language's in turn)
        self.rendering = (child_report("out.progress-build-pages"), 0,
                          sum(1 for f in files.documentation_pages() if f.inclusion.is_included()))
        return files

    def keep_search_index(self, config: MkDocsConfig) -> bool:
        """`archive preview` rebuilds on every save: it keeps the index of its first build."""
        return self.settings.preview and (Path(config.site_dir) / "search" / "meta.json").exists()

    def abort(self) -> None:
        """A failed build: stop the search worker too, and be ready for the next build."""
        self.i18n.depth = 0
        if self.search_job is not None:
            self.search_job.cancel()
            self.search_job = None

    def start_search_index(self, config: MkDocsConfig) -> None:
        """Build the search index in a second process while MkDocs renders pages in this one."""
        assert self.index is not None
        out = os.path.join(config.site_dir, "search")
        handbook = search_pages(Path(config.docs_dir), self.handbook, self.settings.urls)
        self.search_job = BackgroundIndex(self.index.records, self.index.registry, out, self.settings.urls, handbook)

    def finish(self, config: MkDocsConfig) -> None:
        """After the last language (the outermost build ends last): wait for the search index."""
        if not self.i18n.leave():
            return
        if self.search_job is None:
            return
        try:
            figures = self.search_job.result()
        except RuntimeError as exc:
            raise PluginError(say("out.build-search-failed", reason=str(exc))) from None
        finally:
            self.search_job = None
        log.info(say("out.build-search-index", documents=figures["documents"], shards=figures["shards"],
                     megabytes=figures["posting_bytes"] / 2**20, rss=figures["peak_rss_mb"]))

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
        elif self.home is not None and self.home.shows(page.file.src_uri):
            page.meta["template"] = self.home.template  # its intro stays Markdown; the rest is laid out
            page.meta.setdefault("hide", ["navigation", "toc"])  # the blocks need the width
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
        report, done, total = self.rendering
        if report:
            self.rendering = (report, done + 1, total)
            report(done + 1, total, page.file.src_uri)
        return output

    def page_context(self, context: dict, page: Page, config: MkDocsConfig) -> dict:
        context["archive_ui"] = UI[self.lang]
        context["archive_lang"] = self.lang
        if self.settings.search:
            context["archive_search"] = {"page": self.present[self.lang].page("archive/search.md"),
                                         "strings": SEARCH_STRINGS[self.lang]}
        generated = self.generated_page(page.file)
        if generated is not None:
            context["archive_page"] = generated.context(self.lang)
            self.i18n.link_alternates(config, self.settings.urls, generated.src_uri)
            return context
        if page.file.generated_by and any(p.src_uri == page.file.src_uri for p in self.handbook):
            self.i18n.link_alternates(config, self.settings.urls, page.file.src_uri)
        record, _ = self.record_and_translation(page.file)
        if record is not None:
            context["archive_record"] = self.record_view(record)
        elif self.home is not None and self.home.shows(page.file.src_uri):
            context["archive_page"] = self.home.context(self.lang)
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

    def generated_page(self, file: File) -> GeneratedPage | None:
        return self.pages.get(file.src_uri) if file.generated_by else None

    def record_view(self, record: Record) -> RecordView:
        assert self.archive is not None and self.index is not None
        plan = self.archive.by_id.get(record.plan) if record.plan else None
        present = self.present[self.lang]
        view = RecordView(record=record, rows=panel_rows(record, present, plan),
                          attachments=attachment_rows(record, present))
        before, after = self.index.neighbours(record)
        filed = self.history.get(record.path)
        if filed is not None and record.is_filed:
            filed_view(view, filed, self.lang)
        dates = self.git_dates.get(record.path)
        if dates:
            view.git_dates = (dates[0].date().isoformat(), dates[1].date().isoformat())
        view.previous = record_link(before, present) if before else None
        view.next = record_link(after, present) if after else None
        plan_index = self.index.plan_by_id.get(record.id)
        if plan_index is not None:
            view.stages = stage_rows(plan_index, present)
        return view
