"""The 归档文件目录 (DA/T 22 catalogue) of filed records, one per class, and its CSV, XLSX and JSON exports."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from .fixity import RecordHistory, WithdrawnEntry
from .indexes import ArchiveIndex, archive_no_key
from .labels import term_label
from .presenter import Presenter
from .records import RETENTION_ORDER, Record, parse_archive_no
from .registry import Fonds, Registry
from .schema import DEFAULT_LANGUAGE, RETENTION_CODES, SECRECY

# The columns DA/T 22 prescribes, in its order (the exports' header), and the pages' header per language.
CATALOGUE_COLUMNS = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
CATALOGUE_COLUMN_LABELS = {
    "zh": CATALOGUE_COLUMNS,
    "en": ["No.", "Archival no.", "Document no.", "Unit", "Title", "Date", "Classification", "Pages", "Remarks"],
}
# A catalogue's cover: the class it lists (全宗, 年度, 保管期限, 机构).
COVER_LABELS = {
    "zh": ["全宗号", "全宗名称", "年度", "保管期限", "机构"],
    "en": ["Fonds no.", "Fonds", "Year", "Retention", "Unit"],
}
CLASS_COLUMNS = ["全宗号", "年度", "保管期限", "机构"]  # on every CSV row, so Excel can filter by class
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
RETENTION_TERMS = {code: term for term, code in RETENTION_CODES.items()}  # Y -> 永久


@dataclass
class CatalogueRow:
    number: int  # 序号, running within its catalogue (class)
    archive_no: str
    doc_no: str
    unit_name: str
    title: str
    date: str  # YYYYMMDD
    secrecy: str  # 密级: empty for 公开 and 内部, which are not 密级 grades
    pages: int | None  # 页数
    remark: str
    record: Record | None  # None for a withdrawn record: no page to link to

    def cells(self) -> list[str]:
        """The row as text, in the columns' order (the page and the CSV)."""
        return [str(self.number), self.archive_no, self.doc_no, self.unit_name, self.title, self.date,
                self.secrecy, "" if self.pages is None else str(self.pages), self.remark]


@dataclass(frozen=True)
class MaskedLine:
    """A line that shows only its 档号 and one word in 备注 (the public build's 内部 records)."""

    archive_no: str
    unit: str
    remark: str


@dataclass
class Catalogue:
    """One 归档文件目录: the filed records of one class (全宗, 年度, 保管期限, 机构), 序号 from 1."""

    fonds: Fonds
    year: int
    retention: str  # 永久, 30年 or 10年
    unit: str  # the unit code (its name is the cover's 机构)
    org_code: str  # the 机构（问题）code of its 档号
    rows: list[CatalogueRow] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The class as the 档号 writes it, without 门类 (a worksheet's name: ``Z001-2025-Y-QSZ``)."""
        return f"{self.fonds.code}-{self.year}-{RETENTION_CODES[self.retention]}-{self.org_code}"

    def cover(self, registry: Registry, lang: str) -> list[tuple[str, str]]:
        """The cover lines (全宗号, 全宗名称, 年度, 保管期限, 机构) in ``lang``."""
        unit = registry.units.get(self.unit)
        values = [self.fonds.code, self.fonds.label(lang), str(self.year),
                  term_label("retention", self.retention, lang), unit.label(lang) if unit else self.unit]
        return list(zip(COVER_LABELS[lang], values, strict=True))

    def class_cells(self, registry: Registry) -> list[str]:
        """The CSV's class columns (全宗号, 年度, 保管期限, 机构), in the archive's language."""
        return [value for label, value in self.cover(registry, DEFAULT_LANGUAGE) if label in CLASS_COLUMNS]


def secrecy_grade(secrecy: str) -> str:
    """The 密级 column: 公开 and 内部 say who may read a record (开放范围); they are not 密级 grades."""
    return "" if SECRECY.get(secrecy) else secrecy


def remark(history: RecordHistory | None) -> str:
    """备注: amendments after filing and the transfer to the archives, or the withdrawal with its approval."""
    if history is None:
        return ""
    if history.withdrawal:
        w = history.withdrawal
        if w.destroyed_by:
            return f"已销毁 {w.date.isoformat()}（{w.destroyed_by}，{w.list_archive_no}）"
        if w.kept:  # withdrawn since issue 15: the file stays in the archive, off the site
            return f"已撤出 {w.date.isoformat()}：{w.reason}（批准：{w.approver}，{w.approval}；文件保留，不发布）"
        return f"已撤出 {w.date.isoformat()}：{w.reason}（批准：{w.approval}）"
    parts = []
    if history.amendments:
        parts.append(f"归档后修改 {len(history.amendments)} 次（见备考表）")
    if history.transferred_on:
        parts.append(f"已移交 {history.transferred_on.isoformat()}")
    return "；".join(parts)


def archive_no_year(archive_no: str) -> int | None:
    parsed = parse_archive_no(archive_no)
    return parsed.year if parsed else None


def catalogue_rows(
    index: ArchiveIndex,
    year: int,
    history: dict[str, RecordHistory] | None = None,
    withdrawn: list[WithdrawnEntry] = (),
    masked: list[MaskedLine] = (),
) -> list[Catalogue]:
    """The catalogues of one year, one per class (全宗, 保管期限, 机构), each ordered by 件号 with its
    own 序号 from 1; the classes in 全宗号 order, then 永久, 30年, 10年, then the registry's units.

    ``history`` (from the filing log) gives the 备注; withdrawn records keep their line, unlinked;
    ``masked`` lines show their 档号 and 备注 only.
    The catalogue is kept in the archive's language: its rows read as that language's presenter says.
    """
    registry = index.registry
    present = Presenter(registry, DEFAULT_LANGUAGE)
    history = history or {}
    entries: list[tuple[str, str, CatalogueRow]] = []  # (档号, unit code, row)
    for record in index.filed_by_year.get(year, []):
        face = present.record(record)
        row = CatalogueRow(
            0, face.archive_no, face.doc_no, face.unit, face.title, record.date.strftime("%Y%m%d"),
            secrecy_grade(record.secrecy), record.pages, remark(history.get(record.path)), record,
        )
        entries.append((row.archive_no, record.unit, row))
    for item in withdrawn:
        if archive_no_year(item.archive_no) == year:
            unit = registry.units.get(item.unit)
            day = item.record_date.strftime("%Y%m%d") if item.record_date else ""
            row = CatalogueRow(0, item.archive_no, item.doc_no or "", unit.name if unit else item.unit, item.title,
                               day, "", None, remark(history.get(item.path)) or f"已撤出：{item.reason}", None)
            entries.append((item.archive_no, item.unit, row))
    for line in masked:
        if archive_no_year(line.archive_no) == year:
            row = CatalogueRow(0, line.archive_no, "", "", "", "", "", None, line.remark, None)
            entries.append((line.archive_no, line.unit, row))
    units = {code: i for i, code in enumerate(registry.units)}
    catalogues: dict[str, Catalogue] = {}
    for archive_no, unit, row in sorted(entries, key=lambda e: archive_no_key(e[0])):
        parsed = parse_archive_no(archive_no)  # filed records' and log entries' 档号 are valid
        cls = parsed.archive_class
        if cls not in catalogues:
            fonds = registry.fonds_by_code.get(parsed.fonds) or Fonds(parsed.fonds, "")
            catalogues[cls] = Catalogue(fonds, year, RETENTION_TERMS[parsed.retention], unit, parsed.unit)
        catalogues[cls].rows.append(row)
    ordered = sorted(catalogues.values(), key=lambda c: (c.fonds.code, RETENTION_ORDER[RETENTION_CODES[c.retention]],
                                                          units.get(c.unit, len(units)), c.org_code))
    for catalogue in ordered:
        for i, row in enumerate(catalogue.rows, 1):
            row.number = i
    return ordered


def catalogue_years(index: ArchiveIndex, withdrawn: list[WithdrawnEntry] = (),
                    masked: list[MaskedLine] = ()) -> list[int]:
    years = set(index.filed_by_year) | {archive_no_year(w.archive_no) for w in [*withdrawn, *masked]}
    return sorted((y for y in years if y), reverse=True)


def neutralise(cell: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (=, +, -, @ at the start)."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def excel_csv(rows: list[list[str]]) -> bytes:
    """CSV as Excel opens it: UTF-8 with BOM (Chinese intact), CRLF, formula-looking cells neutralised.

    Every CSV file of the site is written by this function."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(str(cell)) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def catalogue_csv(catalogues: list[Catalogue], registry: Registry) -> bytes:
    """A year's catalogues in one CSV: the class columns on every row, then the catalogue's columns."""
    rows = [CLASS_COLUMNS + CATALOGUE_COLUMNS]
    for catalogue in catalogues:
        cls = catalogue.class_cells(registry)
        rows += [cls + row.cells() for row in catalogue.rows]
    return excel_csv(rows)


XLSX_HEADER_ROW = 8  # the title, five cover lines and a blank row above it
NUMBER_COLUMNS = {CATALOGUE_COLUMNS.index("序号"), CATALOGUE_COLUMNS.index("页数")}  # stored as numbers
WRAPPED_COLUMNS = {CATALOGUE_COLUMNS.index("题名"), CATALOGUE_COLUMNS.index("备注")}  # long text wraps
MAX_WIDTH = 50  # characters; a longer title wraps


def text_width(text: str) -> int:
    """How wide ``text`` is in a spreadsheet column: Han characters and full-width forms count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def catalogue_xlsx(catalogues: list[Catalogue], registry: Registry, built_on: date) -> bytes:
    """A year's catalogues as a workbook, one worksheet each: title, cover lines, then the table, whose
    header row repeats on every printed page (A4 landscape, one page wide). 序号 and 页数 are numbers;
    every other cell is text, never a formula (``put_text``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook()
    workbook.remove(workbook.active)
    last = len(CATALOGUE_COLUMNS)
    for catalogue in catalogues:
        sheet = workbook.create_sheet(catalogue.key)
        put_text(sheet, 1, 1, "归档文件目录").font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
        for line, (label, value) in enumerate(catalogue.cover(registry, DEFAULT_LANGUAGE), 2):
            put_text(sheet, line, 1, label).font = Font(bold=True)
            put_text(sheet, line, 2, value)
            sheet.merge_cells(start_row=line, start_column=2, end_row=line, end_column=last)
        widths = [text_width(name) for name in CATALOGUE_COLUMNS]
        for column, name in enumerate(CATALOGUE_COLUMNS, 1):
            put_text(sheet, XLSX_HEADER_ROW, column, name).font = Font(bold=True)
        for line, row in enumerate(catalogue.rows, XLSX_HEADER_ROW + 1):
            values: list[str | int | None] = row.cells()
            values[0], values[7] = row.number, row.pages
            for column, value in enumerate(values):
                if column in NUMBER_COLUMNS:
                    if value is not None:
                        sheet.cell(row=line, column=column + 1, value=value)
                    widths[column] = max(widths[column], text_width(str(value or "")))
                    continue
                cell = put_text(sheet, line, column + 1, value)
                if column in WRAPPED_COLUMNS:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                widths[column] = max(widths[column], text_width(value))
        for column, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_WIDTH)
        sheet.freeze_panes = sheet.cell(row=XLSX_HEADER_ROW + 1, column=1)
        sheet.print_title_rows = f"{XLSX_HEADER_ROW}:{XLSX_HEADER_ROW}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return xlsx_bytes(workbook, built_on)


def put_text(sheet, row: int, column: int, value: str):
    """Write ``value`` as a text cell: a title or a name starting with = stays text in Excel."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"
    return cell


def xlsx_bytes(workbook, built_on: date) -> bytes:
    """The workbook as .xlsx bytes that depend only on its content and the build date: the
    document properties and every zip entry carry ``built_on``, so two builds are identical."""
    from openpyxl.writer.excel import ExcelWriter

    stamp = datetime(built_on.year, built_on.month, built_on.day)
    workbook.properties.created = workbook.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def record_json(record: Record, present: dict[str, Presenter]) -> dict:
    """A record in ``records.json``: its codes, its Chinese labels, and its title and page in English."""
    zh, en = present["zh"].record(record), present["en"].record(record)
    unit = present["zh"].registry.units[record.unit]
    stage = record.stage
    return {
        "id": record.id,
        "title": zh.title,
        "title_en": None if en.original_language else en.title,
        "type": record.type,
        "type_label": zh.type,
        "unit": unit.code,
        "unit_name": zh.unit,
        "unit_name_en": unit.name_en or None,
        "date": record.date.isoformat(),
        "status": record.status,
        "secrecy": record.secrecy,
        "doc_no": record.doc_no,
        "archive_no": record.archive_no,
        "retention": record.retention,
        "responsible": record.responsible,
        "keywords": record.keywords,
        "plan": record.plan,
        "stage": stage,
        "url": zh.href,  # relative to the site root
        "url_en": en.href,
    }


def records_json(index: ArchiveIndex, present: dict[str, Presenter]) -> bytes:
    """The machine-readable catalogue: every published record's metadata and URL."""
    data = {
        "fonds": index.registry.fonds,
        "fonds_name": index.registry.fonds_name,
        "count": len(index.records),
        "records": [record_json(r, present) for r in index.records],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
