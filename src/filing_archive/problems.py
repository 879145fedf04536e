"""Problems found in records or the registry, reported as ``path:line: field: message``."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


def printable(text: str) -> str:
    """``text`` on one line as a terminal shows it: line breaks, control characters and invisible
    format characters (a bidi override, a zero-width space) from a file name or a value are
    written as escapes (``\\n``, ``\\u202e``), so no input can fake a line or hide a character."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or unicodedata.category(ch) == "Zs" else
                   ch.encode("unicode_escape").decode("ascii") for ch in text)


def clip(text: str, limit: int = 100) -> str:
    """A long value cut for a message: it may be five megabytes."""
    return text if len(text) <= limit else f"{text[:limit - 20]}… ({len(text):,} characters)"


class UsageError(Exception):
    """A request that cannot be carried out as asked: wrong arguments, an unknown unit, a missing
    file or project (the command line prints the message and exits 2)."""


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = f"{self.field}: " if self.field else ""
        tag = "" if self.severity == ERROR else "warning: "
        return printable(f"{where}: {tag}{prefix}{self.message}")

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict:
        return asdict(self)


class Problems(list):
    """A list of problems with helpers to add them and to read them back in order.

    ``error_count`` is kept as problems are added: checking it after each record stays cheap
    however many warnings 10,000 records carry."""

    def __init__(self, problems=()):
        super().__init__()
        self.error_count = 0
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        super().append(problem)
        self.error_count += problem.is_error

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)

    def error(self, path: str, line: int, field: str, message: str) -> None:
        self.append(Problem(path, line, field, message, ERROR))

    def warning(self, path: str, line: int, field: str, message: str) -> None:
        self.append(Problem(path, line, field, message, WARNING))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.is_error]

    def sorted(self) -> list[Problem]:
        return sorted(self)  # by path, line, field, message (the dataclass order)


class ArchiveError(Exception):
    """Raised when the archive cannot be built; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        super().__init__(f"{len(errors)} error(s) in the archive")
