"""What a record page shows, as data: the metadata panel and its links, in one language.

Labels and links come from the record's ``presenter.Presenter`` of that language.
URLs here are relative to the site root (``archive/by-unit/QSZ/``); templates make them
relative to the page with MkDocs' ``url`` filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .attachments import size_text
from .labels import field_label, term_label, ui
from .presenter import Presenter
from .records import Record, parse_archive_no

if TYPE_CHECKING:
    from .fixity import RecordHistory
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


@dataclass(frozen=True)
class AttachmentRow:
    """One attachment as the record page lists it."""

    name: str
    kind: str
    size: str
    sha256: str
    href: str


def attachment_rows(record: Record, present: Presenter) -> list[AttachmentRow]:
    return [AttachmentRow(a.name, a.kind_label(present.lang), size_text(a.size), a.sha256 or "",
                          present.file(a.src_uri)) for a in record.attachments]


@dataclass
class RecordView:
    record: Record
    rows: list[PanelRow]
    previous: RecordLink | None = None
    next: RecordLink | None = None
    stages: list[StageRow] = field(default_factory=list)  # a plan's stages with their record counts
    fixity: dict | None = None
    stamp: list[list[StampCell]] = field(default_factory=list)  # 归档章: 2 rows of 3 cells
    sheet: RecordSheet | None = None  # 备考表
    git_dates: tuple[str, str] | None = None  # first and last commit of the file, if in git
    attachments: list[AttachmentRow] = field(default_factory=list)


@dataclass(frozen=True)
class StampCell:
    """One cell of the 归档章: what it holds (its label) and the value."""

    name: str
    label: str
    value: str
    recorded: bool = True  # False: "not recorded" (records filed before 页数 was required)


@dataclass(frozen=True)
class SheetLine:
    """One line of a 备考表: a label and its value."""

    name: str
    label: str
    value: str
    recorded: bool = True


@dataclass(frozen=True)
class RecordSheet:
    """备考表 (DA/T 22): 本件情况说明, then 整理人 / 整理日期 and 检查人 / 检查日期."""

    notes: list[str]
    people: list[tuple[SheetLine, SheetLine]]  # (整理人, 整理日期), (检查人, 检查日期)


def filing_stamp(record: Record, lang: str) -> list[list[StampCell]]:
    """The 归档章 from the 档号 and ``pages``: 全宗号, 年度, 保管期限 / 件号, 机构（问题）, 页数."""
    parsed = parse_archive_no(record.archive_no)
    if parsed is None or record.retention is None:
        return []
    missing = ui(lang, "not_recorded")

    def cell(name: str, value: object) -> StampCell:
        return StampCell(name, ui(lang, f"stamp_{name}"), missing if value is None else str(value), value is not None)

    return [
        [cell("fonds", parsed.fonds), cell("year", parsed.year),
         cell("retention", term_label("retention", record.retention, lang))],
        [cell("number", parsed.number), cell("unit", parsed.unit), cell("pages", record.pages)],
    ]


def record_sheet(filed: RecordHistory, lang: str) -> RecordSheet:
    """The 备考表 of a filed record from its log history; what an older entry lacks is "not recorded"."""
    notes = [filed.note] if filed.note else []
    earlier = filed.earlier_withdrawal
    if earlier is not None:
        notes.append(ui(lang, "sheet_withdrawn").format(date=earlier.date.isoformat(), reason=earlier.reason,
                                                        approval=earlier.approval))
    notes += [ui(lang, "sheet_amended").format(date=a.date.isoformat(), reason=a.reason) for a in filed.amendments]
    missing = ui(lang, "not_recorded")
    filed_on = filed.filed_on.isoformat() if filed.filed_on else None
    checked_on = filed.checked_on.isoformat() if filed.checked_on else (filed_on if filed.checked_by else None)

    def line(name: str, value: str | None) -> SheetLine:
        return SheetLine(name, ui(lang, f"sheet_{name}"), value or missing, bool(value))

    return RecordSheet(
        notes=notes or [ui(lang, "sheet_nothing")],
        people=[(line("by", filed.by), line("filed_on", filed_on)),
                (line("checked_by", filed.checked_by), line("checked_on", checked_on))],
    )


def filed_view(view: RecordView, filed: RecordHistory, lang: str) -> None:
    """A filed record's 归档章, 备考表 and fixity (digest, changes after filing) on its view."""
    record = view.record
    view.fixity = {
        "digest": filed.digest,
        "filed_on": filed.filed_on.isoformat() if filed.filed_on else "",
        "amendments": [(a.date.isoformat(), a.reason) for a in filed.amendments],
    }
    view.stamp = filing_stamp(record, lang)
    view.sheet = record_sheet(filed, lang)


def record_link(record: Record, present: Presenter) -> RecordLink:
    face = present.record(record)
    return RecordLink(title=face.title, href=face.href, date=face.date, original_language=face.original_language)


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


def stage_rows(plan: PlanIndex, present: Presenter) -> list[StageRow]:
    base = present.plan_href(plan.plan.id)
    return [
        StageRow(present.registry.stage_label(g.stage.name, present.lang), stage_range(g.stage.start, g.stage.end),
                 len(g.records), f"{base}#{stage_anchor(g.stage.name)}")
        for g in plan.stages
    ]


def panel_rows(record: Record, present: Presenter, plan: Record | None) -> list[PanelRow]:
    """Label/value rows in contract order; empty optional fields are left out."""
    lang = present.lang
    face = present.record(record)
    rows = [
        PanelRow("title", field_label("title", lang), face.title),
        PanelRow("type", field_label("type", lang), face.type, present.type_href(record.type)),
        PanelRow("unit", field_label("unit", lang), face.unit, present.unit_href(record.unit)),
        PanelRow("date", field_label("date", lang), face.date, present.year_href(record.year)),
        PanelRow("status", field_label("status", lang), face.status),
        PanelRow("secrecy", field_label("secrecy", lang), term_label("secrecy", record.secrecy, lang)),
    ]
    optional = [
        ("doc_no", face.doc_no),
        ("archive_no", face.archive_no),
        ("pages", record.pages),
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
        rows.append(PanelRow("plan", field_label("plan", lang), plan.title_in(lang), present.url(plan)))
        rows.append(PanelRow("stage", field_label("stage", lang), record.stage or "",
                             f"{present.plan_href(plan.id)}#{stage_anchor(record.stage or '')}"))
    return rows


def stage_anchor(name: str) -> str:
    """A stable anchor for a stage heading (stage names are Chinese; keep them readable)."""
    return "stage-" + "".join(ch if ch.isalnum() else "-" for ch in name)

