"""鉴定: the filed 定期 records whose term has run out, per class, printed and as an XLSX 鉴定表.

The rule: a record's term is counted in whole years from the end of its year (the 年度 in its
档号, the year of its 成文日期). A 10年 record of 2015 reaches its term at the end of 2025
(``term_end`` 2025-12-31) and is due for appraisal from 2026-01-01; a 30年 record of 2015 from
2046-01-01. 永久 records are never appraised. A withdrawn record (it was never a proper filing)
is not appraised either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .archive import Archive
from .catalogue import put_text, text_width, xlsx_bytes
from .fixity import RecordHistory
from .records import parse_archive_no

TERM_YEARS = {"30年": 30, "10年": 10}  # 永久 has no term
APPRAISAL_COLUMNS = ["序号", "档号", "题名", "责任者", "日期", "保管期限", "期满日期", "页数", "鉴定意见", "延长至"]
DECISION_HELP = "鉴定意见：填“销毁”或“延长”；延长的，在“延长至”填 30年 或 永久"


def term_end(year: int, retention: str | None) -> date | None:
    """The last day of a 定期 record's term (None for 永久 or an unknown retention)."""
    years = TERM_YEARS.get(retention or "")
    return date(year + years, 12, 31) if years else None


def term_has_run_out(year: int, retention: str | None, as_of: date) -> bool:
    end = term_end(year, retention)
    return end is not None and as_of > end


@dataclass
class DueRecord:
    archive_no: str
    archive_class: str
    path: str
    title: str
    unit_name: str
    date: date
    retention: str
    term_end: date
    pages: int | None


def due_records(archive: Archive, history: dict[str, RecordHistory], as_of: date) -> dict[str, list[DueRecord]]:
    """Class -> the filed records of that class whose term has run out on ``as_of``, in 件号 order.
    Filed means: the log says filed and not withdrawn (what ``verify`` checks)."""
    found: dict[str, list[DueRecord]] = {}
    for record in archive.records:
        state = history.get(record.path)
        parsed = parse_archive_no(record.archive_no)
        if state is None or state.withdrawn or not record.is_filed or parsed is None:
            continue
        if not term_has_run_out(parsed.year, record.retention, as_of):
            continue
        unit = archive.registry.units.get(record.unit)
        found.setdefault(parsed.archive_class, []).append(DueRecord(
            record.archive_no or "", parsed.archive_class, record.path, record.title,
            unit.name if unit else record.unit, record.date, record.retention or "",
            term_end(parsed.year, record.retention) or as_of, record.pages,
        ))
    for rows in found.values():
        rows.sort(key=lambda r: r.archive_no)
    return dict(sorted(found.items()))


def appraisal_xlsx(classes: dict[str, list[DueRecord]], as_of: date) -> bytes:
    """The 鉴定表: one worksheet per class, a title, the date, the rule, then the table with empty
    鉴定意见 and 延长至 columns for the appraisal group to fill in. Every cell but 序号 and 页数 is text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for cls, rows in classes.items():
        sheet = workbook.create_sheet(cls.replace("·", "-")[:31])
        put_text(sheet, 1, 1, "档案鉴定表").font = Font(bold=True, size=14)
        put_text(sheet, 2, 1, f"类别 {cls}；鉴定日期 {as_of.isoformat()}；保管期限自年度终了之日起算")
        put_text(sheet, 3, 1, DECISION_HELP)
        widths = [text_width(name) for name in APPRAISAL_COLUMNS]
        for column, name in enumerate(APPRAISAL_COLUMNS, 1):
            put_text(sheet, 5, column, name).font = Font(bold=True)
        for line, (number, row) in enumerate(enumerate(rows, 1), 6):
            values = [number, row.archive_no, row.title, row.unit_name, row.date.strftime("%Y%m%d"), row.retention,
                      row.term_end.isoformat(), row.pages, "", ""]
            for column, value in enumerate(values, 1):
                if isinstance(value, int) or value is None:
                    sheet.cell(row=line, column=column, value=value)
                else:
                    put_text(sheet, line, column, value)
                widths[column - 1] = max(widths[column - 1], text_width(str(value or "")))
        for column, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, 50)
        sheet.print_title_rows = "5:5"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    if not classes:
        sheet = workbook.create_sheet("鉴定表")
        put_text(sheet, 1, 1, f"{as_of.isoformat()}：没有保管期满的定期档案")
    return xlsx_bytes(workbook, as_of)
