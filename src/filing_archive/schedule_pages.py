"""The pages of the retention schedule (保管期限表), of the filing deadlines (归档时限) and of the
appraisal (鉴定: the records whose term has run out), and the deadline counts the unit and
compliance pages show."""

from __future__ import annotations

from .appraisal import DueRecord, due_records
from .archive import Archive
from .deadlines import DEADLINES_PAGE, Deadlines, evaluate_deadlines
from .fixity import RecordHistory
from .home_page import HomePage
from .indexes import ArchiveIndex
from .labels import term_label, ui
from .pages import CompliancePage, GeneratedPage, UnitPage
from .presenter import Presenter
from .schedule import Entry

SCHEDULE_PAGE = "archive/schedule.md"
APPRAISAL_PAGE = "archive/appraisal.md"


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


class AppraisalPage(GeneratedPage):
    """What ``archive appraise --as-of <build date>`` lists, per class, each record linked."""

    src_uri = APPRAISAL_PAGE
    template = "archive/appraisal.html"

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter], archive: Archive,
                 due: dict[str, list[DueRecord]]):
        super().__init__(index, present)
        self.today = archive.today
        self.due = due
        self.by_path = {r.path: r for r in archive.records}

    def title(self, lang: str) -> str:
        return ui(lang, "appraisal_title")

    def context(self, lang: str) -> dict:
        classes = []
        for cls, rows in self.due.items():
            classes.append({
                "name": cls, "anchor": "class-" + cls.replace("·", "-"),
                "rows": [{"face": self.row(self.by_path[r.path], lang), "term_end": r.term_end.isoformat(),
                          "retention": term_label("retention", r.retention, lang)} for r in rows],
            })
        return {"today": self.today.isoformat(), "classes": classes, "count": sum(len(c["rows"]) for c in classes)}


def attach_deadlines(pages: list[GeneratedPage], deadlines: Deadlines) -> None:
    """The unit pages and the compliance page show the due and late counts (``deadline_counts``), the
    home page the records."""
    for page in pages:
        if isinstance(page, UnitPage | CompliancePage | HomePage):
            page.deadlines = deadlines


def schedule_pages(index: ArchiveIndex, present: dict[str, Presenter], archive: Archive,
                   pages: list[GeneratedPage], history: dict[str, RecordHistory]) -> list[GeneratedPage]:
    """The schedule, deadlines and appraisal pages of ``archive`` (the appraisal as of its build
    date, from the filing log's ``history``); the unit and compliance pages among ``pages`` get
    the deadline counts."""
    deadlines = evaluate_deadlines(archive.records, archive.registry, archive.deadline, archive.today)
    attach_deadlines(pages, deadlines)
    due = due_records(archive, history, archive.today)
    return [SchedulePage(index, present, archive.schedule), DeadlinesPage(index, present, deadlines),
            AppraisalPage(index, present, archive, due)]
