"""The home page (首页, ``docs/index.md`` and ``index.en.md``) as the archive's front door.

Staff keep the home page's intro in Markdown; the build lays out beneath it, in
``overrides/archive/home.html``, what this module computes from the same data as every other
page (so the public build's withholding covers it): a search box, the latest published and filed
records, the counts per unit and 文种, what is due (published records not yet filed, and the
current period's duties still short of their minimum) and the entry points to every index.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cadence_rules import Rule
from .compliance import Compliance
from .deadlines import DEADLINES_PAGE
from .indexes import ArchiveIndex
from .labels import term_label, ui
from .pages import CompliancePage, Count, GeneratedPage, OverviewPage, SearchPage, StatsPage, index_links
from .periods import Period
from .presenter import Presenter
from .records import Record
from .schema import COUNTED_STATUSES, LANGUAGES

HOME_SOURCES = frozenset({"index.md"} | {f"index.{lang}.md" for lang in LANGUAGES})  # as MkDocs names them
LATEST = 10  # records in the latest block
DUE_SHOWN = 10  # published records not yet filed listed (all of them on the deadlines page)
MANUAL = "handbook/index.md"  # the staff's handbook (an archive may have removed it: then no link)
COMPLIANCE_PAGE = CompliancePage.src_uri


@dataclass(frozen=True)
class Shortfall:
    """A duty of the current period not yet met: ``count`` of ``min`` records so far."""

    unit: str  # unit code
    rule: Rule
    period: Period
    count: int
    min: int


def latest_records(records: list[Record], n: int = LATEST) -> list[Record]:
    """The ``n`` newest published or filed records: by date, newest first; on one day the filed
    ones in 档号 order, then the rest by title."""
    shown = [r for r in records if r.status in COUNTED_STATUSES]
    shown.sort(key=lambda r: (-r.date.toordinal(), r.archive_no is None, r.archive_no or "", r.title, r.id))
    return shown[:n]


def current_shortfalls(compliance: Compliance | None) -> list[Shortfall]:
    """Every cell of the period holding the build date (in progress, not exempt) still below its
    minimum, in the registry's order of rules and units."""
    if compliance is None:
        return []
    found = []
    for matrix in compliance.matrices:
        for code in matrix.units:
            for period, cell in zip(matrix.periods, matrix.row(code), strict=True):
                if cell is not None and cell.status == "in_progress" and cell.count < cell.min:
                    found.append(Shortfall(code, matrix.rule, period, cell.count, cell.min))
    return found


class HomePage(GeneratedPage):
    """Not a generated file: the data and template of ``docs/index.md`` (and its translations).

    ``deadlines`` is set with the unit pages' (``schedule_pages.attach_deadlines``)."""

    src_uri = "index.md"
    template = "archive/home.html"

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter], compliance: Compliance | None,
                 manual: str | None = None):
        super().__init__(index, present)
        self.compliance = compliance
        self.manual = manual  # src_uri of the handbook, None when docs/ has none
        self.latest = latest_records(index.records)
        self.shortfalls = current_shortfalls(compliance)

    @staticmethod
    def shows(src_uri: str) -> bool:
        return src_uri in HOME_SOURCES

    @staticmethod
    def find_manual(docs_dir: Path) -> str | None:
        return MANUAL if (docs_dir / MANUAL).is_file() else None

    def title(self, lang: str) -> str:
        return ui(lang, "home")

    def due_records(self) -> list[tuple[str, Record]]:
        """(late | due, record): every published record not yet filed, the late (应归未归) first."""
        if self.deadlines is None:
            return []
        return [("late", r) for r in self.deadlines.late] + [("due", r) for r in self.deadlines.due]

    def context(self, lang: str) -> dict:
        idx, present = self.index, self.present[lang]
        due = self.due_records()
        units = self.registry.units
        return {
            "search": present.page(SearchPage.src_uri),
            "total": len(idx.records),
            "latest": self.rows(self.latest, lang),
            "by_unit": [Count(units[u].label(lang), len(idx.by_unit[u]), present.unit_href(u)) for u in idx.units],
            "by_type": [Count(term_label("type", t, lang), len(idx.by_type[t]), present.type_href(t))
                        for t in idx.types],
            "due": [{"state": state, "face": self.row(r, lang), "deadline": self.deadlines.deadline(r).isoformat()}
                    for state, r in due[:DUE_SHOWN]],
            "due_total": len(due),
            "due_counts": ui(lang, "deadlines_counts").format(
                due=sum(s == "due" for s, _ in due), late=sum(s == "late" for s, _ in due)),
            "deadlines": present.page(DEADLINES_PAGE),
            "shortfalls": [
                {"unit": units[s.unit].label(lang), "rule": s.rule.label(lang), "period": s.period.label(lang),
                 "href": present.page(COMPLIANCE_PAGE) + f"#rule-{s.rule.key}", "count": f"{s.count}/{s.min}"}
                for s in self.shortfalls
            ],
            "gaps": len(self.compliance.gaps) if self.compliance else 0,
            "compliance": present.page(COMPLIANCE_PAGE) if self.compliance else None,
            "links": self.entry_points(present),
        }

    def entry_points(self, present: Presenter) -> list[Count]:
        """The overview, every index and the catalogue, the other pages of the archive, the manual."""
        lang = present.lang
        pages = [("overview", OverviewPage.src_uri)]
        # (the schedule's and appraisal's pages are named in schedule_pages, which imports this module)
        after = [("nav_appraisal", "archive/appraisal.md"), ("schedule_title", "archive/schedule.md"),
                 ("nav_deadlines", DEADLINES_PAGE), ("nav_compliance", COMPLIANCE_PAGE),
                 ("nav_stats", StatsPage.src_uri), ("nav_search", SearchPage.src_uri), ("manual", self.manual)]
        links = [Count(ui(lang, key), 0, present.page(src)) for key, src in pages] + index_links(present)
        return links + [Count(ui(lang, key), 0, present.page(src)) for key, src in after
                        if src and (src != COMPLIANCE_PAGE or self.compliance is not None)]
