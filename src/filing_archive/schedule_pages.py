"""The pages of the retention schedule (保管期限表) and of the filing deadlines (归档时限), and the
deadline counts the unit and compliance pages show."""

from __future__ import annotations

from .archive import Archive
from .deadlines import DEADLINES_PAGE, Deadlines, evaluate_deadlines
from .indexes import ArchiveIndex
from .labels import term_label, ui
from .pages import CompliancePage, GeneratedPage, UnitPage
from .presenter import Presenter
from .schedule import Entry

SCHEDULE_PAGE = "archive/schedule.md"


class SchedulePage(GeneratedPage):
    src_uri = SCHEDULE_PAGE
    template = "archive/schedule.html"

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter], schedule: list[Entry]):
        super().__init__(index, present)
        self.schedule = schedule

    def title(self, lang: str) -> str:
        return ui(lang, "schedule_title")

    def context(self, lang: str) -> dict:
        units = self.registry.units
        rows = []
        for e in self.schedule:
            scope = (units[e.unit].label(lang) if e.unit else term_label("unit_kind", e.kind, lang) if e.kind
                     else ui(lang, "schedule_any_unit"))
            rows.append({"item": e.item, "anchor": f"item-{e.item}", "wording": e.label(lang),
                         "type": term_label("type", e.type, lang), "scope": scope,
                         "keywords": "、".join(e.keywords), "retention": term_label("retention", e.retention, lang)})
        return {"rows": rows}


class DeadlinesPage(GeneratedPage):
    src_uri = DEADLINES_PAGE
    template = "archive/deadlines.html"

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter], deadlines: Deadlines):
        super().__init__(index, present)
        self.deadlines = deadlines

    def title(self, lang: str) -> str:
        return ui(lang, "deadlines_title")

    def context(self, lang: str) -> dict:
        d = self.deadlines
        units = []
        for code, unit in d.units.items():
            if not unit.due and not unit.late:
                continue
            units.append({
                "code": code, "anchor": f"unit-{code}", "name": self.registry.units[code].label(lang),
                "late": [self._row(r, lang) for r in unit.late], "due": [self._row(r, lang) for r in unit.due],
            })
        month, day = d.month_day
        return {"today": d.today.isoformat(), "rule": f"{month:02d}-{day:02d}", "units": units,
                "due": len(d.due), "late": len(d.late)}

    def _row(self, record, lang: str) -> dict:
        face = self.row(record, lang)
        return {"face": face, "deadline": self.deadlines.deadline(record).isoformat()}


def attach_deadlines(pages: list[GeneratedPage], deadlines: Deadlines) -> None:
    """The unit pages and the compliance page show the due and late counts (``deadline_counts``)."""
    for page in pages:
        if isinstance(page, UnitPage | CompliancePage):
            page.deadlines = deadlines


def schedule_pages(index: ArchiveIndex, present: dict[str, Presenter], archive: Archive,
                   pages: list[GeneratedPage]) -> list[GeneratedPage]:
    """The schedule and deadlines pages of ``archive``; the unit and compliance pages among
    ``pages`` get the deadline counts."""
    deadlines = evaluate_deadlines(archive.records, archive.registry, archive.deadline, archive.today)
    attach_deadlines(pages, deadlines)
    return [SchedulePage(index, present, archive.schedule), DeadlinesPage(index, present, deadlines)]
