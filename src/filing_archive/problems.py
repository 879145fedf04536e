"""Problems found in records or the registry, reported as ``path:line: field: message``."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


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
        return f"{where}: {tag}{prefix}{self.message}"

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
