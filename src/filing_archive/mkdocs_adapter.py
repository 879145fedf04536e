"""The one module that knows MkDocs: it feeds MkDocs' events to the archive's core.

``hooks/archive.py`` creates one ``ArchiveSite`` per loaded configuration and forwards each
event here. With mkdocs-static-i18n every language is a separate MkDocs build run inside the
first one; the archive is read and validated once, in the first (Chinese) build.
"""

from __future__ import annotations

import logging
from pathlib import Path

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .archive import DEFAULT_LANGUAGE, Archive, load_archive
from .labels import UI
from .problems import ArchiveError
from .records import Record
from .views import RecordView, panel_rows

log = logging.getLogger("mkdocs.archive")


class ArchiveSite:
    def __init__(self) -> None:
        self.serving = False
        self.archive: Archive | None = None
        self.lang = DEFAULT_LANGUAGE
        self.by_src: dict[str, Record] = {}
        self.translations: dict[str, tuple[Record, str]] = {}

    # --- events -------------------------------------------------------------------------
    def start(self, command: str) -> None:
        self.serving = command == "serve"

    def configure(self, config: MkDocsConfig) -> MkDocsConfig:
        i18n = config.plugins.get("i18n")
        self.lang = getattr(i18n, "current_language", None) or DEFAULT_LANGUAGE
        if self.archive is None:
            self.archive = self.load(config)
        return config

    def load(self, config: MkDocsConfig) -> Archive:
        root = Path(config.config_file_path).parent
        archive = load_archive(root)
        for problem in archive.problems.sorted():
            (log.error if problem.is_error else log.warning)(str(problem))
        try:
            archive.raise_for_errors()
        except ArchiveError as exc:
            raise PluginError(
                f"{len(archive.problems.errors)} error(s) in the archive: nothing was published "
                f"(run 'archive check' to see them again)"
            ) from exc
        self.by_src = {r.src_uri: r for r in archive.records}
        self.translations = {
            t.src_uri: (r, lang) for r in archive.records for lang, t in r.translations.items()
        }
        return archive

    def files(self, files: Files, config: MkDocsConfig) -> Files:
        """Keep drafts out of a build (MkDocs' DRAFT level: shown by serve, never built)."""
        for file in files:
            record = self.record_of(file)
            if record is None:
                continue
            file.inclusion = InclusionLevel.DRAFT if record.is_draft else InclusionLevel.NOT_IN_NAV
        return files

    def page_source(self, page: Page) -> str | None:
        """Record bodies were read and validated already; hand MkDocs the body, not the file."""
        record, translation = self.record_and_translation(page.file)
        if record is None:
            return None
        body = translation.body if translation else record.body
        return "\n" + body if body.startswith("---") else body

    def page_markdown(self, markdown: str, page: Page) -> str:
        record, translation = self.record_and_translation(page.file)
        if record is not None:
            # Material prints meta titles unescaped: escape hostile titles here, once.
            page.meta["title"] = Markup(escape(translation.title if translation else record.title))
            page.meta["template"] = "archive/record.html"
        return markdown

    def page_context(self, context: dict, page: Page) -> dict:
        context["archive_ui"] = UI[self.lang]
        context["archive_lang"] = self.lang
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

    def record_view(self, record: Record) -> RecordView:
        assert self.archive is not None
        plan = self.archive.by_id.get(record.plan) if record.plan else None
        return RecordView(record=record, rows=panel_rows(record, self.archive.registry, self.lang, plan))
