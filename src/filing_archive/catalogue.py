"""The 归档文件目录 (DA/T 22 catalogue) of filed records, and its CSV, XLSX and JSON exports."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from .fixity import RecordHistory, WithdrawnEntry
from .indexes import ArchiveIndex, archive_no_key
from .presenter import Presenter
from .records import Record, parse_archive_no
from .schema import DEFAULT_LANGUAGE

CATALOGUE_COLUMNS = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "备注"]  # the exports' header
CATALOGUE_COLUMN_LABELS = {  # the catalogue pages' header, per language
    "zh": CATALOGUE_COLUMNS,
    "en": ["No.", "Archival no.", "Document no.", "Unit", "Title", "Date", "Classification", "Remarks"],
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class CatalogueRow:
    number: int  # 序号, running within the unit's section
    archive_no: str
    doc_no: str
    unit_name: str
    title: str
    date: str  # YYYYMMDD
    secrecy: str
    remark: str
    record: Record | None  # None for a withdrawn record: no page to link to

    def cells(self) -> list[str]:
        return [str(self.number), self.archive_no, self.doc_no, self.unit_name, self.title, self.date,
                self.secrecy, self.remark]


def remark(history: RecordHistory | None) -> str:
    """备注: amendments after filing, or the withdrawal with its approval."""
    if history is None:
        return ""
    if history.withdrawal:
        w = history.withdrawal
        return f"已撤出 {w.date.isoformat()}：{w.reason}（批准：{w.approval}）"
    if history.amendments:
        return f"归档后修改 {len(history.amendments)} 次（见备考表）"
    return ""


def archive_no_year(archive_no: str) -> int | None:
    parsed = parse_archive_no(archive_no)
    return parsed.year if parsed else None


def catalogue_rows(
    index: ArchiveIndex,
    year: int,
    history: dict[str, RecordHistory] | None = None,
    withdrawn: list[WithdrawnEntry] = (),
) -> dict[str, list[CatalogueRow]]:
    """The catalogue of one year: unit code -> rows ordered by 档号, 序号 from 1 in each unit.

    ``history`` (from the filing log) gives the 备注; withdrawn records keep their line, unlinked.
    The catalogue is kept in the archive's language: its rows read as that language's presenter says.
    """
    registry = index.registry
    present = Presenter(registry, DEFAULT_LANGUAGE)
    history = history or {}
    entries: list[tuple[tuple, str, CatalogueRow]] = []
    for record in index.filed_by_year.get(year, []):
        face = present.record(record)
        row = CatalogueRow(
            0, face.archive_no, face.doc_no, face.unit, face.title,
            record.date.strftime("%Y%m%d"), record.secrecy, remark(history.get(record.path)), record,
        )
        entries.append((archive_no_key(row.archive_no), record.unit, row))
    for item in withdrawn:
        if archive_no_year(item.archive_no) == year:
            unit = registry.units.get(item.unit)
            day = item.record_date.strftime("%Y%m%d") if item.record_date else ""
            row = CatalogueRow(0, item.archive_no, item.doc_no or "", unit.name if unit else item.unit, item.title,
                               day, "", remark(history.get(item.path)) or f"已撤出：{item.reason}", None)
            entries.append((archive_no_key(item.archive_no), item.unit, row))
    by_unit: dict[str, list[CatalogueRow]] = {}
    for _, unit, row in sorted(entries, key=lambda e: e[0]):
        by_unit.setdefault(unit, []).append(row)
    ordered = {code: by_unit[code] for code in registry.units if code in by_unit}
    for rows in ordered.values():
        for i, row in enumerate(rows, 1):
            row.number = i
    return ordered


def catalogue_years(index: ArchiveIndex, withdrawn: list[WithdrawnEntry] = ()) -> list[int]:
    years = set(index.filed_by_year) | {archive_no_year(w.archive_no) for w in withdrawn}
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


def catalogue_csv(rows_by_unit: dict[str, list[CatalogueRow]]) -> bytes:
    return excel_csv([CATALOGUE_COLUMNS] + [row.cells() for rows in rows_by_unit.values() for row in rows])


def catalogue_xlsx(rows_by_unit: dict[str, list[CatalogueRow]], year: int, fonds_name: str, built_on: date) -> bytes:
    """The same rows as an Excel workbook, every cell stored as text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{year}年归档文件目录"
    put_text(sheet, 1, 1, f"{fonds_name} {year}年 归档文件目录").font = Font(bold=True)
    for column, name in enumerate(CATALOGUE_COLUMNS, 1):
        put_text(sheet, 2, column, name).font = Font(bold=True)
    row_number = 2
    for rows in rows_by_unit.values():
        for row in rows:
            row_number += 1
            for column, value in enumerate(row.cells(), 1):
                put_text(sheet, row_number, column, value)
    for column, width in zip("ABCDEFGH", (6, 28, 22, 20, 50, 10, 8, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
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
