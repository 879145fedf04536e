"""Problems found in records or the registry, reported as ``path:line: field: message``.

A problem's message is a ``messages.Message`` (a catalogue code and its arguments), shown in the
reader's language: ``docs/x.md:3: 学习形式 (form)：缺少必填字段，应填 …`` or
``docs/x.md:3: form: required field is missing (expected …)``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .messages import CODE_RE, CatalogueError, Message, catalogue, language, message
from .schema import FIELDS  # (here, not in messages: schema words its problems with messages)

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


def field_label(field: str, lang: str) -> str:
    """A field as a message names it: in Chinese its label with the name (``学习形式 (form)``),
    in English its name. A nested name (``stages[2].date``) takes the label of its first part."""
    if lang == "en" or not field:
        return field
    base = re.match(r"[A-Za-z_]+", field)
    name = base.group(0) if base else field
    spec = FIELDS.get(name)
    if spec is not None:
        return f"{spec.zh} ({field})"
    label = catalogue().get(f"label.{name}")
    return f"{label.zh} ({field})" if label else field


def clip(text: str, limit: int = 100) -> str:
    """A long value cut for a message: it may be five megabytes."""
    return text if len(text) <= limit else f"{text[:limit - 20]}… ({len(text):,} characters)"


def _as_message(code: Message | str, args: dict) -> Message:
    """A catalogue message from a problem code and its arguments (or a message made already).
    A text that is not a code is refused: every message a user reads comes from the catalogue."""
    if isinstance(code, Message):
        return code
    if not CODE_RE.match(code):
        raise CatalogueError(f"expected a problem code E-…/W-…, got {code[:80]!r}")
    return message(code, **args)


class UsageError(Exception):
    """A request that cannot be carried out as asked: wrong arguments, an unknown unit, a missing
    file or project (the command line prints the message and exits 2)."""

    def __init__(self, code: Message | str, **args: object):
        self.message = _as_message(code, args)
        super().__init__(code)

    def __str__(self) -> str:
        return printable(self.message.render() + self.message.more())


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    message: Message
    severity: str = ERROR

    def __post_init__(self) -> None:
        if not isinstance(self.message, Message):
            object.__setattr__(self, "message", _as_message(self.message, {}))

    @property
    def code(self) -> str:
        return self.message.code

    def text(self, lang: str | None = None, more: bool = False) -> str:
        """The problem on one line in ``lang`` (the reader's language by default); with ``more``,
        followed by where the handbook explains it."""
        lang = lang or language()
        where = f"{self.path}:{self.line}" if self.line else self.path
        body = self.message.render(lang) + (self.message.more(lang) if more else "")
        if lang == "en":
            prefix = f"{self.field}: " if self.field else ""
            tag = "" if self.severity == ERROR else "warning: "
            return printable(f"{where}: {tag}{prefix}{body}")
        prefix = f"{field_label(self.field, lang)}：" if self.field else ""
        tag = "" if self.severity == ERROR else "警告："
        return printable(f"{where}: {tag}{prefix}{body}")

    def shown(self) -> str:
        """The line a reader sees: the problem in their language, with where to read more."""
        return self.text(more=True)

    def __str__(self) -> str:
        return self.text()

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.field, self.message.render("en"), self.severity)

    def __lt__(self, other: Problem) -> bool:
        return self.sort_key() < other.sort_key()

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "field": self.field, "code": self.code,
                "message": self.message.render(), "severity": self.severity}


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

    def error(self, path: str, line: int, field: str, code: Message | str, **args: object) -> None:
        self.append(Problem(path, line, field, _as_message(code, args), ERROR))

    def warning(self, path: str, line: int, field: str, code: Message | str, **args: object) -> None:
        self.append(Problem(path, line, field, _as_message(code, args), WARNING))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.is_error]

    def sorted(self) -> list[Problem]:
        return sorted(self, key=Problem.sort_key)  # by path, line, field, message


class ArchiveError(Exception):
    """Raised when the archive cannot be built; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        super().__init__(f"{len(errors)} error(s) in the archive")
