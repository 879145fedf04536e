"""Progress of long work (import of many files, checking and verifying a large archive, the build):
a bar redrawn in place on a terminal, plain lines otherwise (a log, CI): one at each tenth.

A build runs MkDocs in a child process; the child reports with ``child_report`` (a line
``@progress <label> <done> <total>`` on stderr, when ``PROGRESS_ENV`` asks for it) and the parent
turns those lines into its own ``Progress`` (``relay``).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

from .messages import CatalogueError, say
from .problems import printable

PROGRESS_ENV = "ARCHIVE_PROGRESS"  # set by `archive build` for the MkDocs it starts
CHILD_PREFIX = "@progress "
PLAIN_STEPS = 10  # plain lines: one at each tenth (and the last)
REDRAW_EVERY = 0.1  # seconds between redraws of a terminal's bar
PLAIN_FROM = 1000  # fewer items than this finish fast: no plain lines (a terminal always has its bar)

Report = Callable[[int, int, str], None]  # (done, total, what is being done now)


class Progress:
    """``progress(done, total, name)`` as work goes; ``key`` names the work (``out.progress-…``)."""

    def __init__(self, key: str, stream: TextIO | None = None, width: int = 24, plain_from: int = PLAIN_FROM):
        self.label = say(key)
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self.plain_from = plain_from
        self.shown = -1  # the last tenth shown as a plain line
        self.drawn = 0.0  # when the bar was last redrawn

    def __call__(self, done: int, total: int, name: str = "") -> None:
        if total <= 0 or not (self.tty or total >= self.plain_from):
            return
        done = min(done, total)
        filled = self.width * done // total
        line = f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        if self.tty:
            now = time.monotonic()
            if done < total and now - self.drawn < REDRAW_EVERY:
                return  # 50,000 files: a redraw per file would cost more than the bar tells
            self.drawn = now
            shown = name if len(name) <= 30 else "…" + name[-29:]
            self.stream.write("\r" + line + (f" {printable(shown)}" if name else "") + "\033[K"
                              + ("\n" if done == total else ""))
        else:
            tenth = PLAIN_STEPS * done // total
            if tenth == self.shown:
                return
            self.shown = tenth
            self.stream.write(line + "\n")
        self.stream.flush()


def child_report(label_key: str) -> Report | None:
    """In MkDocs under ``archive build``: a report the parent reads from stderr, else None."""
    if not os.environ.get(PROGRESS_ENV):
        return None
    last = [-1]

    def report(done: int, total: int, name: str = "") -> None:
        step = 100 * done // max(total, 1)
        if step != last[0]:  # at most a hundred lines: the parent redraws or thins them
            last[0] = step
            sys.stderr.write(f"{CHILD_PREFIX}{label_key} {done} {total}\n")
            sys.stderr.flush()

    return report


def relay(line: str, bars: dict[str, Progress], stream: TextIO | None = None) -> bool:
    """Show a child's ``@progress`` line on this side's bar for its label; False: not one."""
    if not line.startswith(CHILD_PREFIX):
        return False
    try:
        key, done, total = line[len(CHILD_PREFIX):].split()
        if key not in bars:
            bars[key] = Progress(key, stream)
        bars[key](int(done), int(total))
    except (ValueError, CatalogueError):
        return False  # not ours after all: shown as it is
    return True
