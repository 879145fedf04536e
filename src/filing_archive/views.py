"""What a record page shows, as data: the metadata panel and its links, in one language.

URLs here are relative to the site root (``archive/by-unit/QSZ/``); templates make them
relative to the page with MkDocs' ``url`` filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .labels import field_label, lang_prefix, term_label, ui
from .records import Record
from .registry import Registry

if TYPE_CHECKING:
    from .indexes import PlanIndex


@dataclass
class PanelRow:
    name: str  # the front-matter field shown
    label: str
    text: str
    href: str | None = None


@dataclass
class RecordLink:
    title: str
    href: str
    date: str
    original_language: bool = False  # True when the English reader is sent to the Chinese page


@dataclass
class RecordView:
    record: Record
    rows: list[PanelRow]
    previous: RecordLink | None = None
    next: RecordLink | None = None
    stages: list[StageRow] = field(default_factory=list)  # a plan's stages with their record counts
    fixity: dict | None = None
    git_dates: tuple[str, str] | None = None  # first and last commit of the file, if in git


def record_link(record: Record, lang: str) -> RecordLink:
    return RecordLink(
        title=record.title_in(lang),
        href=record.url_in(lang),
        date=record.date.isoformat(),
        original_language=record.shown_in_chinese(lang),
    )


def stage_range(start, end) -> str:
    if not start and not end:
        return ""
    return f"{start or '…'} – {end or '…'}"


@dataclass(frozen=True)
class StageRow:
    """One stage of a plan as the stage tables show it (plan pages, unit pages, the plan's record)."""

    label: str
    range: str
    count: int
    href: str


def stage_rows(plan: PlanIndex, registry: Registry, lang: str) -> list[StageRow]:
    base = f"{lang_prefix(lang)}archive/by-stage/{plan.plan.id}/"
    return [
        StageRow(registry.stage_label(g.stage.name, lang), stage_range(g.stage.start, g.stage.end), len(g.records),
                 f"{base}#{stage_anchor(g.stage.name)}")
        for g in plan.stages
    ]


def panel_rows(record: Record, registry: Registry, lang: str, plan: Record | None) -> list[PanelRow]:
    """Label/value rows in contract order; empty optional fields are left out."""
    unit = registry.units[record.unit]
    prefix = lang_prefix(lang)
    rows = [
        PanelRow("title", field_label("title", lang), record.title_in(lang)),
        PanelRow("type", field_label("type", lang), term_label("type", record.type, lang),
                 f"{prefix}archive/by-type/{record.type}/"),
        PanelRow("unit", field_label("unit", lang), unit.label(lang), f"{prefix}archive/by-unit/{unit.code}/"),
        PanelRow("date", field_label("date", lang), record.date.isoformat(), f"{prefix}archive/by-date/{record.year}/"),
        PanelRow("status", field_label("status", lang), term_label("status", record.status, lang)),
        PanelRow("secrecy", field_label("secrecy", lang), term_label("secrecy", record.secrecy, lang)),
    ]
    optional = [
        ("doc_no", record.doc_no),
        ("archive_no", record.archive_no),
        ("retention", record.retention and term_label("retention", record.retention, lang)),
        ("responsible", record.responsible),
        ("keywords", ui(lang, "list_sep").join(record.keywords)),
        ("form", record.form and term_label("form", record.form, lang)),
        ("host", record.host),
        ("attendees", record.attendees),
        ("hours", record.hours),
        ("issue", record.issue),
    ]
    for name, value in optional:
        if value not in (None, "", []):
            rows.append(PanelRow(name, field_label(name, lang), str(value)))
    if plan is not None:
        rows.append(PanelRow("plan", field_label("plan", lang), plan.title_in(lang), plan.url_in(lang)))
        rows.append(PanelRow("stage", field_label("stage", lang), record.stage or "",
                             f"{prefix}archive/by-stage/{plan.id}/#{stage_anchor(record.stage or '')}"))
    return rows


def stage_anchor(name: str) -> str:
    """A stable anchor for a stage heading (stage names are Chinese; keep them readable)."""
    return "stage-" + "".join(ch if ch.isalnum() else "-" for ch in name)

