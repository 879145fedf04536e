"""``archive transfer``: a year's filed records of one 全宗 handed to the archives (移交) as a
BagIt bag (RFC 8493, written and validated by the ``bagit`` library): the records and their
attachments, one metadata file per record, the catalogue XLSX, the 四性检测 report and the 移交清单.

The records stay in the archive, filed and unchanged; the log gains one ``transfer`` line each,
and their catalogue lines say 已移交 and when. Nothing is transferred while the 四性检测 report
finds a problem, and no record is transferred twice.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .archive import build_date
from .catalogue import catalogue_rows, catalogue_xlsx
from .filing import archive_lock
from .fixity import LOG_FILE, RecordHistory, append_log, read_log
from .four_properties import Report, build_report, report_files
from .indexes import ArchiveIndex
from .messages import message
from .problems import Problem, UsageError
from .records import parse_archive_no
from .schema import RETENTION_CODES

LIST_FILE = "移交清单.json"
CATALOGUE_FILE = "归档文件目录.xlsx"
RETENTION_BY_CODE = {code: term for term, code in RETENTION_CODES.items()}


@dataclass
class TransferResult:
    problems: list[Problem] = field(default_factory=list)
    listing: dict = field(default_factory=dict)  # the 移交清单
    bag: Path | None = None
    report: Report | None = None


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n").encode()


def _listing(selected: list, registry, fonds: str, year: int, retention: str | None, by: str, today: date) -> dict:
    """The 移交清单: how many records and pages, by retention and by unit, who prepared it and when."""
    count: Counter = Counter()
    pages: Counter = Counter()
    for record, state in selected:
        term = RETENTION_BY_CODE[parse_archive_no(state.archive_no).retention]
        for key in ((term, record.unit), (term, ""), ("", record.unit), ("", "")):
            count[key] += 1
            pages[key] += record.pages or 0

    def unit_name(code: str) -> str:
        unit = registry.units.get(code)
        return unit.name if unit else code

    order = {term: i for i, term in enumerate(RETENTION_CODES)}
    units = list(registry.units)
    terms = sorted({k[0] for k in count if k[0]}, key=order.get)
    codes = sorted({k[1] for k in count if k[1]}, key=lambda c: (units.index(c) if c in units else len(units), c))
    fonds_name = registry.fonds_by_code[fonds].name if fonds in registry.fonds_by_code else ""
    return {
        "title": "移交清单", "fonds": fonds, "fonds_name": fonds_name, "year": year,
        "retention": retention or "全部", "prepared_by": by, "date": today.isoformat(),
        "records": count[("", "")], "pages": pages[("", "")],
        "by_retention": [{"retention": t, "records": count[(t, "")], "pages": pages[(t, "")]} for t in terms],
        "by_unit": [{"unit": c, "name": unit_name(c), "records": count[("", c)], "pages": pages[("", c)]}
                    for c in codes],
        "by_retention_and_unit": [{"retention": t, "unit": c, "records": count[(t, c)], "pages": pages[(t, c)]}
                                  for t in terms for c in codes if count[(t, c)]],
        "items": [{"archive_no": s.archive_no, "title": r.title, "unit": r.unit, "date": r.date.isoformat(),
                   "retention": RETENTION_BY_CODE[parse_archive_no(s.archive_no).retention], "pages": r.pages,
                   "path": r.path} for r, s in selected],
    }


def transfer(root: Path, fonds: str, year: int, out: Path, by: str, retention: str | None = None,
             today: date | None = None) -> TransferResult:
    """Write the bag of ``fonds``'s filed records of ``year`` (of one retention, if given) to ``out``,
    validate it, then log the transfer. Problems (the report's, a record transferred before) stop
    it before anything is written."""
    import bagit  # imported here: only transfer needs it

    root, out = Path(root).resolve(), Path(out).resolve()
    today = today or build_date()
    by = (by or "").strip()
    if not by:
        raise UsageError("E-transfer-by-missing")
    if retention is not None and retention not in RETENTION_CODES:
        raise UsageError("E-option-retention-bad", option=f"--retention {retention}", expected=list(RETENTION_CODES),
                         suggestion="")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError("E-transfer-out-not-empty", out=str(out))
    if out == root or out.is_relative_to(root / "docs"):
        raise UsageError("E-transfer-out-inside", out=str(out))

    report = build_report(root)
    result = TransferResult(report=report)
    if not report.ok:
        result.problems = sorted({p for c in report.checks for p in c.failures})
        return result
    archive = report.archive
    states: dict[str, RecordHistory] = {rel: s for rel, s in report.states.items() if not s.withdrawn}
    code = RETENTION_CODES.get(retention or "")
    records = {r.path: r for r in archive.records}
    selected = []
    for rel, state in sorted(states.items(), key=lambda item: item[1].archive_no):
        parsed = parse_archive_no(state.archive_no)
        if parsed and parsed.fonds == fonds and parsed.year == year and (code is None or parsed.retention == code):
            selected.append((records[rel], state))
    if not selected:
        what = message("part.transfer-retention", retention=retention) if retention else ""
        raise UsageError("E-transfer-nothing", fonds=fonds, year=year, what=what)
    for record, state in selected:
        if state.transferred_on is not None:
            result.problems.append(Problem(record.path, record.line("archive_no"), "archive_no", message(
                "E-transfer-already", number=state.archive_no, day=state.transferred_on.isoformat(), log=LOG_FILE,
                line=state.transfer_line)))
    if result.problems:
        return result

    for _, state in selected:  # the catalogue in the bag already says what the log will
        state.transferred_on = today
    history = dict(states)
    index = ArchiveIndex([r for r, _ in selected], archive.registry)
    catalogues = [c for c in catalogue_rows(index, year, history) if c.fonds.code == fonds]
    listing = _listing(selected, archive.registry, fonds, year, retention, by, today)
    out.mkdir(parents=True, exist_ok=True)
    try:
        records_dir = f"{archive.registry.docs_dir}/{archive.registry.records_dir}/"
        sources = {s.path: s for s in archive.sources}
        entries: dict[str, list[dict]] = {}
        for entry in read_log(root).entries:
            entries.setdefault(entry.path, []).append(entry.data)
        for record, state in selected:
            for rel in state.files():
                target = out / "records" / rel.removeprefix(records_dir)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / rel, target)
            for translation in record.translations.values():  # not filed, but part of what readers had
                target = out / "records" / translation.path.removeprefix(records_dir)
                shutil.copyfile(root / translation.path, target)
            source = sources[record.path]
            (out / "metadata").mkdir(exist_ok=True)
            (out / "metadata" / f"{state.archive_no}.json").write_bytes(_json({
                "archive_no": state.archive_no, "path": record.path, "front_matter": source.front_matter,
                "digests": {rel: {"sha256": sha256, "sm3": sm3} for rel, (sha256, sm3) in state.files().items()},
                "log": entries.get(record.path, []),
                "translations": {lang: {"path": tr.path, "sha256": sources[tr.path].digest}
                                 for lang, tr in sorted(record.translations.items())},
            }))
        (out / CATALOGUE_FILE).write_bytes(catalogue_xlsx(catalogues, archive.registry, today))
        (out / "四性检测").mkdir()
        for name, data in report_files(report).items():
            (out / "四性检测" / name).write_bytes(data)
        (out / LIST_FILE).write_bytes(_json(listing))
        fonds_name = listing["fonds_name"] or fonds
        bag = bagit.make_bag(str(out), {
            "Source-Organization": fonds_name, "External-Identifier": f"{fonds}-{year}",
            "External-Description": f"{fonds_name} {year} 年度档案移交（{listing['retention']}）",
            "Bagging-Date": today.isoformat(), "Contact-Name": by,
        }, checksums=["sha256", "sha512"])
        bag.validate()  # the library's own validator: every payload file against both manifests
    except (OSError, bagit.BagError) as exc:
        shutil.rmtree(out, ignore_errors=True)  # never half a bag
        raise UsageError("E-transfer-bag-failed", out=str(out), reason=str(exc)) from None
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    with archive_lock(root):
        log = read_log(root)
        append_log(root, log, *({"action": "transfer", "path": r.path, "archive_no": s.archive_no,
                                 "date": today.isoformat(), "by": by, "bag": out.name} for r, s in selected))
    result.listing, result.bag = listing, out
    return result
