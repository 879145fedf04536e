"""One view of a record per language: what every page, listing, export and search result shows.

Record pages (``views``), index rows (``pages``), the catalogue and ``records.json``
(``catalogue``) and the search header (``search``) take a record's labels, URL, 档号 and status
words from a ``Presenter``, and the links to the indexes too, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from .labels import term_label
from .records import Record
from .registry import Registry
from .schema import DEFAULT_LANGUAGE, LANGUAGES
from .urls import DIRECTORY_URLS, Urls


@dataclass(frozen=True)
class RecordFace:
    """A record as a reader of one language sees it in a listing (templates read these names)."""

    title: str
    href: str  # its page in this language: the translation, else the original
    date: str
    unit: str  # labels in this language
    type: str
    status: str
    doc_no: str
    archive_no: str
    stage: str
    draft: bool
    original_language: bool  # True when this reader is sent to the Chinese page


class Presenter:
    """How records read and where they and the indexes are, in one language."""

    def __init__(self, registry: Registry, lang: str, urls: Urls = DIRECTORY_URLS):
        self.registry = registry
        self.lang = lang
        self.urls = urls

    def record(self, record: Record) -> RecordFace:
        lang = self.lang
        return RecordFace(
            title=record.title_in(lang),
            href=self.url(record),
            date=record.date.isoformat(),
            unit=self.unit(record.unit),
            type=term_label("type", record.type, lang),
            status=term_label("status", record.status, lang),
            doc_no=record.doc_no or "",
            archive_no=record.archive_no or "",
            stage=self.registry.stage_label(record.stage, lang) if record.stage else "",
            draft=record.is_draft,
            original_language=record.shown_in_chinese(lang),
        )

    def url(self, record: Record) -> str:
        """The page that shows ``record`` to this reader: its translation or the original."""
        return self.urls.page(record.src_uri, self.lang if self.lang in record.translations else DEFAULT_LANGUAGE)

    def file(self, src_uri: str) -> str:
        """A file of the site that is not a page (an attachment), for this reader."""
        return self.urls.file(src_uri)

    def page(self, src_uri: str) -> str:
        """A page of the site (``archive/by-type/study.md``) in this language."""
        return self.urls.page(src_uri, self.lang)

    def unit(self, code: str) -> str:
        return self.registry.units[code].label(self.lang)

    # --- the indexes a record links to ------------------------------------------------------
    def type_href(self, code: str) -> str:
        return self.page(f"archive/by-type/{code}.md")

    def unit_href(self, code: str) -> str:
        return self.page(f"archive/by-unit/{code}.md")

    def year_href(self, year: int) -> str:
        return self.page(f"archive/by-date/{year}.md")

    def plan_href(self, plan_id: str) -> str:
        return self.page(f"archive/by-stage/{plan_id}.md")


def presenters(registry: Registry, urls: Urls = DIRECTORY_URLS) -> dict[str, Presenter]:
    """A presenter for every language of the site."""
    return {lang: Presenter(registry, lang, urls) for lang in LANGUAGES}
