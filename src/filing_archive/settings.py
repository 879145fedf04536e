"""The build's settings, read once: what `mkdocs.yml` says, with the environment's overrides.

The MkDocs adapter fills this from ``mkdocs.yml`` (``extra.archive_search``,
``extra.archive_build_date``, ``use_directory_urls``); the environment variables below override
the file (tests and `archive preview` set them). The core reads only this object.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from .archive import BUILD_DATE_ENV, PREVIEW_ENV
from .urls import DIRECTORY_URLS, Urls


@dataclass(frozen=True)
class Settings:
    search: bool = True  # build the search index (benchmarks turn it off)
    build_date: date | None = None  # the day the archive is built as of; None: today
    preview: bool = False  # `archive preview`: keep the search index of its first build
    urls: Urls = DIRECTORY_URLS

    def with_environment(self, environ: Mapping[str, str] = os.environ) -> Settings:
        """These settings with $ARCHIVE_BUILD_DATE and $ARCHIVE_PREVIEW applied over them.

        A malformed date is a SystemExit naming the variable, as ``archive.build_date`` says it."""
        settings = self
        value = environ.get(BUILD_DATE_ENV)
        if value:
            try:
                settings = replace(settings, build_date=date.fromisoformat(value))
            except ValueError:
                raise SystemExit(f"{BUILD_DATE_ENV}={value}: expected a date YYYY-MM-DD") from None
        if environ.get(PREVIEW_ENV):
            settings = replace(settings, preview=True)
        return settings
