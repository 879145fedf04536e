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

from .urls import DIRECTORY_URLS, Urls

BUILD_DATE_ENV = "ARCHIVE_BUILD_DATE"  # tests and reproducible builds set it; every command honours it
PREVIEW_ENV = "ARCHIVE_PREVIEW"  # set by `archive preview`: the build keeps its first search index
AUDIENCE_ENV = "ARCHIVE_AUDIENCE"  # set by `archive build --audience`: over extra.archive_audience
AUDIENCES = ("intranet", "public")  # intranet: every published record; public: no 内部 record


def date_from_environment(environ: Mapping[str, str] = os.environ) -> date | None:
    """The date in $ARCHIVE_BUILD_DATE, if set; a malformed one stops the command, naming it."""
    value = environ.get(BUILD_DATE_ENV)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"{BUILD_DATE_ENV}={value}: expected a date YYYY-MM-DD") from None


@dataclass(frozen=True)
class Settings:
    search: bool = True  # build the search index (benchmarks turn it off)
    build_date: date | None = None  # the day the archive is built as of; None: today
    preview: bool = False  # `archive preview`: keep the search index of its first build
    urls: Urls = DIRECTORY_URLS
    audience: str = "intranet"  # one of AUDIENCES

    @property
    def public(self) -> bool:
        return self.audience == "public"

    def with_environment(self, environ: Mapping[str, str] = os.environ) -> Settings:
        """These settings with $ARCHIVE_BUILD_DATE, $ARCHIVE_PREVIEW and $ARCHIVE_AUDIENCE applied
        over them. A malformed date or an unknown audience is a SystemExit naming the variable."""
        settings = self
        day = date_from_environment(environ)
        if day:
            settings = replace(settings, build_date=day)
        if environ.get(PREVIEW_ENV):
            settings = replace(settings, preview=True)
        audience = environ.get(AUDIENCE_ENV)
        if audience:
            if audience not in AUDIENCES:
                raise SystemExit(f"{AUDIENCE_ENV}={audience}: expected {' or '.join(AUDIENCES)}")
            settings = replace(settings, audience=audience)
        return settings
