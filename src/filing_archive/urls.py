"""Where a page is published: the one URL function behind every link the archive makes.

URLs are relative to the site root (``archive/by-unit/QSZ/``); templates make them relative to
the page with MkDocs' ``url`` filter. MkDocs' ``use_directory_urls`` decides their form: a
folder (``a/b/``, served as ``a/b/index.html``) or a file (``a/b.html``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from .schema import DEFAULT_LANGUAGE


def lang_prefix(lang: str) -> str:
    """The URL prefix of a language's pages: '' for Chinese, 'en/' for English."""
    return "" if lang == DEFAULT_LANGUAGE else f"{lang}/"


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a Markdown file: ``a/b.md`` -> ``a/b/`` (or ``a/b.html``);
    ``a/index.md`` -> ``a/`` (or ``a/index.html``)."""
    parent, filename = posixpath.split(src_uri)
    stem = filename.rsplit(".", 1)[0]
    if stem in ("index", "README"):
        if not directory_urls:
            return f"{parent}/index.html" if parent else "index.html"
        return f"{parent}/" if parent else ""
    if not directory_urls:
        return f"{parent}/{stem}.html" if parent else f"{stem}.html"
    return f"{parent}/{stem}/" if parent else f"{stem}/"


@dataclass(frozen=True)
class Urls:
    """The site's URL style, read once from the configuration."""

    directory_urls: bool = True

    def page(self, src_uri: str, lang: str = DEFAULT_LANGUAGE) -> str:
        """The page of ``src_uri`` (a source file of the default language, as MkDocs names it)
        as a reader of ``lang`` finds it."""
        return lang_prefix(lang) + page_url(src_uri, self.directory_urls)

    @staticmethod
    def file(src_uri: str) -> str:
        """A file MkDocs copies as it is (a record's attachment): published at its own path, in every
        URL style and for every language (the English pages link the one copy)."""
        return src_uri


DIRECTORY_URLS = Urls()  # MkDocs' default (use_directory_urls: true)
