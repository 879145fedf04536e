"""What ``archive preview`` shows while MkDocs serves: one line per step, in the reader's language,
and the problems; not the lines staff cannot act on.

MkDocs, mkdocs-static-i18n and Material speak to developers: a warning that ``--dirty`` builds may
have stale links (the preview uses it on purpose: rebuilds stay fast), "stale files", each
language's build folder, Material's end-of-life banner (``archive`` starts MkDocs with
``NO_MKDOCS_2_WARNING`` set: ``QUIET_ENV``). ``PreviewLog`` is a logging filter on MkDocs' console
handler that drops those, says the steps in the catalogue's words and prints the rest (the
archive's own problems, MkDocs' warnings) as they are, without MkDocs' ``INFO    -`` prefix.
No MkDocs import: it reads log records by their text.
"""

from __future__ import annotations

import logging
import re

from .messages import say

ARCHIVE_LOGGER = "mkdocs.archive"  # the adapter's logger: its lines are the archive's problems
QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1"}  # Material's end-of-life banner (printed on import)

# Lines staff cannot act on (the start of the message as MkDocs and its plugins write it).
DROPPED = (
    "A 'dirty' build is being performed",
    "The directory contains stale files",
    "mkdocs_static_i18n:",
    "Watching paths for changes",
    "Reloading browsers",
    "Reloading page",
    "Browser connected",
)
TIME_RE = re.compile(r"^\[\d\d:\d\d:\d\d\] ")
# MkDocs' steps, said in the catalogue's words: (pattern, catalogue key, argument names).
STEPS = (
    (re.compile(r"^Building documentation\.\.\.$"), "out.preview-building"),
    (re.compile(r"^Documentation built in (?P<seconds>[\d.]+) seconds$"), "out.preview-built"),
    (re.compile(r"^Serving on (?P<url>\S+)$"), "out.preview-serving"),
    (re.compile(r"^Detected file changes$"), "out.preview-changed"),
    (re.compile(r"^The following pages are being built only for the preview but will be excluded from "
                r"`mkdocs build` per `draft_docs` config:(?P<pages>[\s\S]*)$"), "out.preview-drafts"),
)


class PreviewLog(logging.Filter):
    """Rewrites or drops MkDocs' console lines for staff (installed on its console handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = TIME_RE.sub("", record.getMessage())  # the server's lines start with [12:00:00]
        if text.startswith(DROPPED[0]) or (record.levelno < logging.WARNING and text.startswith(DROPPED)):
            return False
        if record.name == ARCHIVE_LOGGER and record.levelno < logging.WARNING:
            return False  # the search index's figures: for whoever measures builds
        for pattern, key in STEPS:
            found = pattern.match(text)
            if found:
                record.msg, record.args = say(key, **found.groupdict()), ()
                break
        return True


class PlainFormat(logging.Formatter):
    """A line as staff read it: the message; MkDocs' own warnings and errors named as such in their
    language (the archive's problems already say what they are)."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.name == ARCHIVE_LOGGER:
            return text
        if record.levelno >= logging.ERROR:
            return say("out.log-error", text=text)
        if record.levelno >= logging.WARNING:
            return say("out.log-warning", text=text)
        return text


def quiet_preview_log(logger_name: str = "mkdocs") -> None:
    """Make MkDocs' console output the preview's: our filter and format on its handlers."""
    for handler in logging.getLogger(logger_name).handlers:
        if not any(isinstance(f, PreviewLog) for f in handler.filters):
            handler.addFilter(PreviewLog())
            handler.setFormatter(PlainFormat())
