"""The generated pages: one small class per kind of page, each giving its data per language.

A page knows its source path (where MkDocs pretends it lives), its template in
``overrides/archive/`` and its title; ``context(lang)`` returns what the template lays out.
URLs are relative to the site root; templates pass them through MkDocs' ``url`` filter. Every
record and every link reads as the page's ``presenter.Presenter`` of that language says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .catalogue import CATALOGUE_COLUMN_LABELS, Catalogue, MaskedLine, catalogue_rows, catalogue_years, excel_csv
from .charts import records_per_month_by_type, records_per_unit_per_year
from .compliance import Compliance, unit_summary
from .compliance_report import compliance_csv_rows
from .deadlines import Deadlines, deadline_counts
from .fixity import RecordHistory, WithdrawnEntry
from .indexes import ArchiveIndex, PlanIndex, group_by_month, group_by_type, group_by_year
from .labels import field_label, month_label, term_label, ui
from .presenter import Presenter, RecordFace, presenters
from .records import Record
from .schema import TYPES, UNIT_KINDS
from .urls import DIRECTORY_URLS, Urls
from .views import stage_anchor, stage_range, stage_rows


@dataclass
class Section:
    title: str
    anchor: str
    rows: list[RecordFace] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)  # one level of nesting (unit: year > type)
    note: str = ""


@dataclass
class Count:
    label: str
    count: int
    href: str


class GeneratedPage:
    """Base: subclasses set ``src_uri`` and ``template`` and implement title() and context()."""

    src_uri: str = ""
    template: str = ""
    deadlines: Deadlines | None = None  # 归档时限, for the counts (schedule_pages.attach_deadlines)

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter]):
        self.index = index
        self.registry = index.registry
        self.present = present  # language -> its presenter

    def title(self, lang: str) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def context(self, lang: str) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    # --- shared helpers -------------------------------------------------------------
    def row(self, record: Record, lang: str) -> RecordFace:
        return self.present[lang].record(record)

    def rows(self, records: list[Record], lang: str) -> list[RecordFace]:
        present = self.present[lang]
        return [present.record(r) for r in records]

    def href(self, lang: str, src_uri: str) -> str:
        """The URL of the page of ``src_uri`` (``archive/by-type/study.md``) in ``lang``."""
        return self.present[lang].page(src_uri)


# --- overview ----------------------------------------------------------------------------
class OverviewPage(GeneratedPage):
    src_uri = "archive/index.md"
    template = "archive/overview.html"

    def title(self, lang: str) -> str:
        return ui(lang, "overview")

    def context(self, lang: str) -> dict:
        idx = self.index
        return {
            "total": len(idx.records),
            "by_type": [Count(term_label("type", t, lang), len(idx.by_type[t]),
                              self.href(lang, f"archive/by-type/{t}.md")) for t in idx.types],
            "by_unit": [Count(self.registry.units[u].label(lang), len(idx.by_unit[u]),
                              self.href(lang, f"archive/by-unit/{u}.md")) for u in idx.units],
            "by_year": [Count(str(y), len(idx.by_year[y]), self.href(lang, f"archive/by-date/{y}.md"))
                        for y in idx.years],
            "newest": self.rows(idx.newest(20), lang),
            "links": index_links(self.present[lang]),
        }


def index_links(present: Presenter) -> list[Count]:
    """Every index, for the overview and the navigation."""
    paths = [
        ("by_date", "archive/by-date/index.md"), ("by_stage", "archive/by-stage/index.md"),
        ("by_type", "archive/by-type/index.md"), ("by_unit", "archive/by-unit/index.md"),
        ("catalogue", "archive/catalogue/index.md"),
    ]
    return [Count(ui(present.lang, key), 0, present.page(path)) for key, path in paths]


# --- by date -------------------------------------------------------------------------------
class DateIndexPage(GeneratedPage):
    src_uri = "archive/by-date/index.md"
    template = "archive/counts.html"

    def title(self, lang: str) -> str:
        return ui(lang, "by_date")

    def context(self, lang: str) -> dict:
        return {
            "heading": ui(lang, "year"),
            "counts": [Count(str(y), len(self.index.by_year[y]), self.href(lang, f"archive/by-date/{y}.md"))
                       for y in self.index.years],
        }


class YearPage(GeneratedPage):
    template = "archive/sections.html"

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter], year: int):
        super().__init__(index, present)
        self.year = year
        self.src_uri = f"archive/by-date/{year}.md"

    def title(self, lang: str) -> str:
        return ui(lang, "year_title").format(year=self.year)

    def context(self, lang: str) -> dict:
        sections = [
            Section(month_label(m, lang), f"m{m:02d}", self.rows(records, lang))
            for m, records in group_by_month(self.index.by_year[self.year])
        ]
        return {"sections": sections, "count": len(self.index.by_year[self.year])}


# --- by stage ------------------------------------------------------------------------------
class StageIndexPage(GeneratedPage):
    src_uri = "archive/by-stage/index.md"
    template = "archive/plans.html"

    def title(self, lang: str) -> str:
        return ui(lang, "by_stage")

    def context(self, lang: str) -> dict:
        return {"plans": [plan_summary(self, p, lang) for p in sorted_plans(self.index.plans)]}


def sorted_plans(plans: list[PlanIndex]) -> list[PlanIndex]:
    return sorted(plans, key=lambda p: (p.plan.date, p.plan.id), reverse=True)


def plan_summary(page: GeneratedPage, plan: PlanIndex, lang: str) -> dict:
    present = page.present[lang]
    face = present.record(plan.plan)
    return {
        "title": face.title,
        "href": present.plan_href(plan.plan.id),
        "record_href": face.href,
        "unit": face.unit,
        "date": face.date,
        "count": plan.count,
        "stages": stage_rows(plan, present),
    }


class PlanPage(GeneratedPage):
    template = "archive/plan.html"

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter], plan: PlanIndex):
        super().__init__(index, present)
        self.plan = plan
        self.src_uri = f"archive/by-stage/{plan.plan.id}.md"

    def title(self, lang: str) -> str:
        return ui(lang, "plan_title").format(plan=self.plan.plan.title_in(lang))

    def context(self, lang: str) -> dict:
        stages = [
            Section(
                self.registry.stage_label(g.stage.name, lang),
                stage_anchor(g.stage.name),
                self.rows(g.records, lang),
                note=stage_range(g.stage.start, g.stage.end),
            )
            for g in self.plan.stages
        ]
        return {"plan": self.row(self.plan.plan, lang), "stages": stages}


# --- by type ---------------------------------------------------------------------------------
class TypeIndexPage(GeneratedPage):
    src_uri = "archive/by-type/index.md"
    template = "archive/counts.html"

    def title(self, lang: str) -> str:
        return ui(lang, "by_type")

    def context(self, lang: str) -> dict:
        return {
            "heading": ui(lang, "type"),
            "counts": [Count(term_label("type", t, lang), len(self.index.by_type[t]),
                             self.href(lang, f"archive/by-type/{t}.md")) for t in self.index.types],
        }


class TypePage(GeneratedPage):
    template = "archive/sections.html"

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter], type_code: str):
        super().__init__(index, present)
        self.type_code = type_code
        self.src_uri = f"archive/by-type/{type_code}.md"

    def title(self, lang: str) -> str:
        return TYPES[self.type_code].label(lang)

    def context(self, lang: str) -> dict:
        records = self.index.by_type[self.type_code]
        sections = [Section(str(y), f"y{y}", self.rows(rs, lang)) for y, rs in group_by_year(records)]
        return {"sections": sections, "count": len(records)}


# --- by unit ---------------------------------------------------------------------------------
class UnitIndexPage(GeneratedPage):
    src_uri = "archive/by-unit/index.md"
    template = "archive/counts.html"

    def title(self, lang: str) -> str:
        return ui(lang, "by_unit")

    def context(self, lang: str) -> dict:
        units = self.registry.units
        return {
            "heading": ui(lang, "unit"),
            "counts": [
                Count(ui(lang, "unit_with_kind").format(unit=units[u].label(lang),
                                                        kind=UNIT_KINDS[units[u].kind].label(lang)),
                      len(self.index.by_unit[u]), self.href(lang, f"archive/by-unit/{u}.md"))
                for u in self.index.units
            ],
        }


class UnitPage(GeneratedPage):
    template = "archive/unit.html"

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter], unit_code: str,
                 compliance: Compliance | None = None):
        super().__init__(index, present)
        self.unit_code = unit_code
        self.src_uri = f"archive/by-unit/{unit_code}.md"
        self.compliance = compliance

    def title(self, lang: str) -> str:
        return self.registry.units[self.unit_code].label(lang)

    def context(self, lang: str) -> dict:
        records = self.index.by_unit[self.unit_code]
        years = []
        for year, in_year in group_by_year(records):
            types = [Section(term_label("type", t, lang), f"y{year}-{t}", self.rows(rs, lang))
                     for t, rs in group_by_type(in_year)]
            years.append(Section(str(year), f"y{year}", sections=types))
        return {
            "unit": self.registry.units[self.unit_code],
            "kind": UNIT_KINDS[self.registry.units[self.unit_code].kind].label(lang),
            "plans": [plan_summary(self, p, lang) for p in sorted_plans(self.index.plans_of(self.unit_code))],
            "years": years,
            "count": len(records),
            "compliance": (unit_compliance(self.compliance, self.unit_code, self.present[lang])
                           if self.compliance else None),
            "deadlines": deadline_counts(self.deadlines, self.present[lang], self.unit_code),
        }


# --- catalogue -------------------------------------------------------------------------------
class CatalogueIndexPage(GeneratedPage):
    src_uri = "archive/catalogue/index.md"
    template = "archive/catalogue-index.html"

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter], years: list[int], counts: dict[int, int]):
        super().__init__(index, present)
        self.years = years
        self.counts = counts

    def title(self, lang: str) -> str:
        return ui(lang, "catalogue")

    def context(self, lang: str) -> dict:
        return {
            "years": [
                {"year": y, "count": self.counts[y], "href": self.href(lang, f"archive/catalogue/{y}.md"),
                 "csv": f"archive/catalogue/{y}.csv", "xlsx": f"archive/catalogue/{y}.xlsx"}
                for y in self.years
            ]
        }


class CataloguePage(GeneratedPage):
    """A year's 归档文件目录: one catalogue per class, each with its cover lines, one after another."""

    template = "archive/catalogue.html"

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter], year: int, catalogues: list[Catalogue]):
        super().__init__(index, present)
        self.year = year
        self.catalogues = catalogues
        self.src_uri = f"archive/catalogue/{year}.md"

    def title(self, lang: str) -> str:
        return ui(lang, "catalogue_title").format(year=self.year)

    def context(self, lang: str) -> dict:
        present = self.present[lang]
        catalogues = []
        for catalogue in self.catalogues:
            cover = catalogue.cover(self.registry, lang)
            catalogues.append({
                "title": " · ".join(value for _, value in cover[1:]),  # 全宗名称 · 年度 · 保管期限 · 机构
                "anchor": f"class-{catalogue.key}",
                "cover": cover,
                "rows": [
                    {"cells": row.cells(), "href": present.url(row.record) if row.record else None}
                    for row in catalogue.rows
                ],
            })
        return {
            "columns": CATALOGUE_COLUMN_LABELS[lang],
            "catalogues": catalogues,
            "csv": f"archive/catalogue/{self.year}.csv",
            "xlsx": f"archive/catalogue/{self.year}.xlsx",
        }


# --- search ------------------------------------------------------------------------------------
class SearchPage(GeneratedPage):
    """The advanced search form; its filter choices come from the archive, results from search.js."""

    src_uri = "archive/search.md"
    template = "archive/search.html"

    def title(self, lang: str) -> str:
        return ui(lang, "search_title")

    def context(self, lang: str) -> dict:
        idx = self.index
        units = self.registry.units
        order = {name: i for i, name in enumerate(self.registry.stages)}  # the registry's stages first
        stages = sorted({r.stage for r in idx.records if r.stage}, key=lambda s: (order.get(s, len(order)), s))
        statuses = sorted({r.status for r in idx.records}, key=["published", "filed", "draft"].index)
        return {
            "filters": [
                ("unit", ui(lang, "unit"), [(u, units[u].label(lang)) for u in idx.units]),
                ("type", ui(lang, "type"), [(t, term_label("type", t, lang)) for t in idx.types]),
                ("plan", ui(lang, "plan"), [(p.plan.id, p.plan.title_in(lang)) for p in sorted_plans(idx.plans)]),
                ("stage", ui(lang, "stage"), [(s, self.registry.stage_label(s, lang)) for s in stages]),
                ("year", ui(lang, "year"), [(str(y), str(y)) for y in idx.years]),
                ("status", field_label("status", lang), [(s, term_label("status", s, lang)) for s in statuses]),
                ("sort", ui(lang, "sort"), [("", ui(lang, "sort_relevance")), ("newest", ui(lang, "sort_newest")),
                                            ("oldest", ui(lang, "sort_oldest"))]),
            ]
        }


# --- compliance and statistics ---------------------------------------------------------------------
def cell_view(cell, compliance: Compliance, present: Presenter) -> dict:
    """A matrix cell for the template: words, a status class for the colour, links to its records."""
    links = [
        {"href": present.url(compliance.records[rid]), "title": compliance.records[rid].title_in(present.lang)}
        for rid in cell.records
        if rid in compliance.records
    ]
    return {"status": cell.status, "text": cell.text(present.lang), "records": links}


class CompliancePage(GeneratedPage):
    src_uri = "archive/compliance.md"
    template = "archive/compliance.html"

    def __init__(self, index: ArchiveIndex, present: dict[str, Presenter], compliance: Compliance):
        super().__init__(index, present)
        self.compliance = compliance

    def title(self, lang: str) -> str:
        return ui(lang, "compliance_title")

    def context(self, lang: str) -> dict:
        c = self.compliance
        units = self.registry.units
        matrices = []
        for m in c.matrices:
            rows = []
            for code in m.units:
                cells = [cell_view(cell, c, self.present[lang]) if cell else None for cell in m.row(code)]
                rows.append({"unit": units[code].label(lang), "href": self.present[lang].unit_href(code)
                             if code in self.index.by_unit else None, "cells": cells, "rate": m.rates[code].text()})
            matrices.append({
                "key": m.rule.key, "title": m.rule.label(lang), "requirement": m.rule.requirement(lang),
                "source": m.rule.source or "", "anchor": f"rule-{m.rule.key}",
                "periods": [p.label(lang) for p in m.periods], "rows": rows,
            })
        gaps = [
            {"unit": units[g.unit].label(lang), "rule": g.rule.label(lang), "anchor": f"rule-{g.rule.key}",
             "period": g.period.label(lang), "count": f"{g.cell.count}/{g.cell.min}"}
            for g in c.gaps
        ]
        statuses = [(code, term_label("compliance", code, lang))
                    for code in ("met", "missing", "exempt", "in_progress")]
        return {"today": c.today.isoformat(), "matrices": matrices, "gaps": gaps, "statuses": statuses,
                "csv": "archive/compliance.csv", "deadlines": deadline_counts(self.deadlines, self.present[lang])}


def unit_compliance(compliance: Compliance, unit_code: str, present: Presenter) -> dict | None:
    """The compliance summary on a unit's page."""
    if not any(unit_code in m.units for m in compliance.matrices):
        return None
    summary = unit_summary(compliance, unit_code)
    lang = present.lang
    return {
        "href": present.page("archive/compliance.md"),
        "rate": summary.rate.text(),
        "rules": [
            {"title": r.matrix.rule.label(lang), "requirement": r.matrix.rule.requirement(lang),
             "anchor": f"rule-{r.matrix.rule.key}", "rate": r.rate.text(),
             "cells": [{"period": p.label(lang), **cell_view(cell, compliance, present)} for p, cell in r.cells]}
            for r in summary.rules
        ],
        "gaps": len(summary.gaps),
    }


class StatsPage(GeneratedPage):
    src_uri = "archive/stats.md"
    template = "archive/stats.html"

    def title(self, lang: str) -> str:
        return ui(lang, "stats_title")

    def context(self, lang: str) -> dict:
        records = self.index.records
        return {"charts": [records_per_month_by_type(records, lang),
                           records_per_unit_per_year(records, self.registry, lang)]}


@dataclass
class GeneratedFile:
    """A file of the site that is not a page (CSV, XLSX, JSON): written once, not per language."""

    src_uri: str
    content: bytes


def archive_pages(
    index: ArchiveIndex,
    built_on: date,
    history: dict[str, RecordHistory] | None = None,
    withdrawn: list[WithdrawnEntry] = (),
    compliance: Compliance | None = None,
    urls: Urls = DIRECTORY_URLS,
    masked: list[MaskedLine] = (),
) -> tuple[list[GeneratedPage], list[GeneratedFile]]:
    """Every generated page and file of the archive. Empty years, types and units get none;
    ``masked`` catalogue lines show only their 档号 and 备注 (the public build's 内部 records).
    ``built_on`` (the build date) is the only date the files carry, so two builds are identical."""
    from .catalogue import catalogue_csv, catalogue_xlsx, records_json

    present = presenters(index.registry, urls)
    pages: list[GeneratedPage] = [
        OverviewPage(index, present), DateIndexPage(index, present), StageIndexPage(index, present),
        TypeIndexPage(index, present), UnitIndexPage(index, present), SearchPage(index, present),
        StatsPage(index, present),
    ]
    pages += [YearPage(index, present, y) for y in index.years]
    pages += [PlanPage(index, present, p) for p in index.plans]
    pages += [TypePage(index, present, t) for t in index.types]
    pages += [UnitPage(index, present, u, compliance) for u in index.units]
    files = [GeneratedFile("archive/records.json", records_json(index, present))]
    if compliance is not None:
        pages.append(CompliancePage(index, present, compliance))
        files.append(GeneratedFile("archive/compliance.csv", excel_csv(compliance_csv_rows(compliance, "zh"))))
    years = catalogue_years(index, withdrawn, masked)
    counts = {}
    for year in years:
        catalogues = catalogue_rows(index, year, history, withdrawn, masked)
        counts[year] = sum(len(c.rows) for c in catalogues)
        pages.append(CataloguePage(index, present, year, catalogues))
        files.append(GeneratedFile(f"archive/catalogue/{year}.csv", catalogue_csv(catalogues, index.registry)))
        files.append(GeneratedFile(f"archive/catalogue/{year}.xlsx",
                                   catalogue_xlsx(catalogues, index.registry, built_on)))
    pages.append(CatalogueIndexPage(index, present, years, counts))
    return pages, files
