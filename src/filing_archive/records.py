"""Records: one Markdown file with validated front-matter, as typed data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .schema import DEFAULT_LANGUAGE, RETENTION_CODES
from .urls import page_url

# 档号 (DA/T 22): {fonds}-WS·{year}-{retention code}-{unit}-{件号}, such as Z001-WS·2023-Y-LCZ-0001.
ARCHIVE_NO_RE = re.compile(
    rf"^(?P<fonds>[A-Z0-9]{{4}})-WS·(?P<year>\d{{4}})-(?P<ret>{'|'.join(RETENTION_CODES.values())})"
    r"-(?P<unit>[A-Z0-9]{3})-(?P<num>\d{4})\Z"  # \Z: "$" would accept a trailing newline
)
RETENTION_ORDER = {code: i for i, code in enumerate(RETENTION_CODES.values())}  # Y, D30, D10


@dataclass(frozen=True)
class ArchiveNo:
    """A 档号 taken apart."""

    fonds: str
    year: int
    retention: str  # the code: Y, D30 or D10
    unit: str
    number: int  # 件号

    @property
    def archive_class(self) -> str:
        """The class its 件号 counts within: ``Z001-WS·2023-Y-LCZ``."""
        return f"{self.fonds}-WS·{self.year}-{self.retention}-{self.unit}"

    @property
    def catalogue_key(self) -> tuple:
        """Catalogue order: year, retention (永久 first), unit, 件号."""
        return (self.fonds, self.year, RETENTION_ORDER[self.retention], self.unit, self.number)


def parse_archive_no(text: object) -> ArchiveNo | None:
    m = ARCHIVE_NO_RE.match(text) if isinstance(text, str) else None
    if not m:
        return None
    return ArchiveNo(m["fonds"], int(m["year"]), m["ret"], m["unit"], int(m["num"]))


@dataclass(frozen=True)
class Stage:
    name: str
    start: date | None = None
    end: date | None = None

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class Translation:
    """An English version of a record (``x.en.md``): its own title and body, same metadata."""

    lang: str
    src_uri: str
    path: str
    title: str
    body: str
    body_line: int
    keywords: list[str] = field(default_factory=list)
    responsible: str | None = None
    host: str | None = None


@dataclass
class Record:
    path: str  # relative to the project root, for messages
    src_uri: str  # relative to docs_dir, as MkDocs names it
    id: str
    title: str
    type: str
    unit: str  # unit code
    date: date
    status: str = "draft"
    secrecy: str = "公开"
    doc_no: str | None = None
    retention: str | None = None
    archive_no: str | None = None
    pages: int | None = None  # 页数; None on records filed before it was required
    responsible: str | None = None
    keywords: list[str] = field(default_factory=list)
    plan: str | None = None
    stage: str | None = None
    stages: list[Stage] = field(default_factory=list)
    cadence: list = field(default_factory=list)  # a plan's own cadence rules (cadence.Rule)
    form: str | None = None
    host: str | None = None
    attendees: int | None = None
    hours: float | None = None
    issue: int | None = None
    pages: int | None = None
    body: str = ""
    body_line: int = 1
    lines: dict[str, int] = field(default_factory=dict)
    translations: dict[str, Translation] = field(default_factory=dict)
    attachments: list = field(default_factory=list)  # attachments.Attachment: the files of <stem>.files/
    broken: bool = False  # the file has errors: only the fields in ``read`` hold what it says
    read: frozenset[str] = frozenset()  # the fields whose values passed their checks

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_filed(self) -> bool:
        return self.status == "filed"

    @property
    def url(self) -> str:
        """Its page with directory URLs (pages and exports use ``presenter.Presenter.url``)."""
        return page_url(self.src_uri)

    def line(self, name: str) -> int:
        return self.lines.get(name, 1)

    def title_in(self, lang: str) -> str:
        translation = self.translations.get(lang)
        return translation.title if translation else self.title

    def shown_in_chinese(self, lang: str) -> bool:
        """True when a reader of ``lang`` is shown the Chinese original (no translation into it)."""
        return lang != DEFAULT_LANGUAGE and lang not in self.translations

    def url_in(self, lang: str) -> str:
        """The page that shows this record to a reader of ``lang``: its translation or the original."""
        if lang in self.translations:
            return f"{lang}/{self.url}"
        return self.url

    def stage_of(self, name: str) -> Stage | None:
        for stage in self.stages:
            if stage.name == name:
                return stage
        return None


def archive_class(fonds: str, record_year: int, retention: str, unit: str) -> str:
    """The class a 件号 counts within: ``Z001-WS·2023-Y-LCZ``."""
    return f"{fonds}-WS·{record_year}-{RETENTION_CODES[retention]}-{unit}"


def expected_archive_no(fonds: str, record_year: int, retention: str, unit: str, number: int) -> str:
    """The 档号 DA/T 22 gives a 件: ``Z001-WS·2023-Y-LCZ-0001``."""
    return f"{archive_class(fonds, record_year, retention, unit)}-{number:04d}"
