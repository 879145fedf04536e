"""销毁: ``archive dispose 清册.yml`` destroys the records a 销毁清册 lists, and files the 清册.

The 清册 is a YAML file an archive room writes after appraisal (see README, *Appraisal and
destruction*). Every part is checked before anything is written; then, in this order:

1. the 清册 becomes a record of its own (文种 ``disposal`` 销毁清册, under the unit it names) and is
   filed 永久 through ``archive file``, so its digest is in the manifest and the log;
2. one ``destroy`` entry per record goes into the log, naming the 清册's number, path and 档号;
3. each record, its translations and attachments are deleted and their manifest lines removed.

A run cut short after 1 leaves a filed 清册 and nothing destroyed (run it again with a new number,
or withdraw the 清册); after 2, ``verify`` says to re-run ``archive dispose``, which finishes step 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import storage
from .appraisal import term_end
from .archive import load_archive, translation_lang
from .attachments import folder_of
from .filing import Outcome, Result, _open_for_writing, archive_lock, file_records, project_path
from .filing_details import placeholder_problem, same_person
from .fixity import append_log
from .frontmatter import parse_yaml_mapping
from .git import git_author
from .messages import Message, message
from .problems import Problems, UsageError
from .records import parse_archive_no
from .registry import person_problem
from .textfile import SourceError, decode_source, read_limited

LIST_MAX_BYTES = 1_048_576
# Each part of a 清册; what is expected of it is the catalogue's part.disposal-<part> (the message
# when it is missing or wrong).
PARTS = ("number", "date", "unit", "opinion", "approved_by", "approval", "supervisors", "records")


def expected(part: str) -> Message:
    return message(f"part.disposal-{part.replace('_', '-')}")


@dataclass
class ListedRecord:
    archive_no: str
    title: str
    line: int


@dataclass
class DisposalList:
    path: str
    number: str
    day: date
    unit: str
    opinion: str
    approved_by: str
    approval: str
    supervisors: list[str]
    records: list[ListedRecord] = field(default_factory=list)


def read_list(root: Path, rel: str, problems: Problems) -> DisposalList | None:
    """The 清册 at ``rel``, every part checked; None (with each problem named) when any is wrong."""
    try:
        text = decode_source(read_limited(root / rel, LIST_MAX_BYTES), LIST_MAX_BYTES)
        values, lines, _ = parse_yaml_mapping(text, 1)
    except SourceError as exc:
        problems.error(rel, exc.line, exc.field, exc.message)
        return None
    except OSError as exc:
        raise UsageError("E-file-unreadable", file=rel, reason=exc.strerror) from None
    before = len(problems.errors)

    def err(key: str, problem: Message | str) -> None:
        problems.error(rel, lines.get(key, 1), key, "E-disposal-part-bad", problem=problem, expected=expected(key))

    def got(value: object) -> Message:
        return message("part.disposal-got", got=value)

    for key in values:
        if key not in PARTS:
            problems.error(rel, lines[key], key, "E-disposal-part-unknown", allowed=list(PARTS))
    texts: dict[str, str] = {}
    for key in ("number", "unit", "opinion", "approved_by", "approval"):
        value = values.get(key)
        if key not in values:
            err(key, message("part.disposal-missing"))
        elif not isinstance(value, str) or (key != "unit" and placeholder_problem(value)) or not value.strip():
            err(key, got(placeholder_problem(value) if isinstance(value, str) else repr(value)))
        elif key == "approved_by" and person_problem(value):
            err(key, person_problem(value))
        else:
            texts[key] = value.strip()
    day = values.get("date")
    if "date" not in values:
        err("date", message("part.disposal-missing"))
    elif not isinstance(day, date):
        err("date", got(repr(day)))
    supervisors = values.get("supervisors")
    if "supervisors" not in values:
        err("supervisors", message("part.disposal-missing"))
    elif (not isinstance(supervisors, list) or len(supervisors) != 2
          or any(not isinstance(s, str) or person_problem(s) or placeholder_problem(s) for s in supervisors)):
        err("supervisors", got(repr(supervisors)))
    elif same_person(supervisors[0], supervisors[1]):
        err("supervisors", message("part.disposal-one-person-twice", name=supervisors[0]))
    listed: list[ListedRecord] = []
    items = values.get("records")
    if "records" not in values:
        err("records", message("part.disposal-missing"))
    elif not isinstance(items, list) or not items:
        err("records", got(repr(items)))
    else:
        for i, item in enumerate(items):
            line = lines.get(f"records[{i}]", lines["records"])
            if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item[k].strip()
                                                     for k in ("archive_no", "title")):
                problems.error(rel, line, "records", "E-disposal-item-bad", n=i + 1, got=repr(item))
                continue
            listed.append(ListedRecord(item["archive_no"].strip(), item["title"].strip(), line))
    if len(problems.errors) > before:
        return None
    return DisposalList(rel, texts["number"], day, texts["unit"], texts["opinion"], texts["approved_by"],
                        texts["approval"], [s.strip() for s in supervisors], listed)


def list_markdown(dl: DisposalList, titles: dict[str, tuple[str, str, str]]) -> str:
    """The 清册 as a record: its front-matter and a table of what was destroyed."""
    fields = {"title": f"档案销毁清册（{dl.number}）", "type": "disposal", "unit": dl.unit,
              "date": dl.day.isoformat(), "status": "published", "pages": 1}
    rows = "\n".join(f"| {n} | {r.archive_no} | {r.title} | {titles[r.archive_no][1]} | {titles[r.archive_no][2]} |"
                     for n, r in enumerate(dl.records, 1))
    body = (f"\n清册编号：{dl.number}\n\n销毁日期：{dl.day.isoformat()}\n\n鉴定意见：{dl.opinion}\n\n"
            f"批准人：{dl.approved_by}\n\n批准文号：{dl.approval}\n\n监销人：{'、'.join(dl.supervisors)}\n\n"
            f"| 序号 | 档号 | 题名 | 日期 | 保管期限 |\n| --- | --- | --- | --- | --- |\n{rows}\n")
    return storage.front_matter_text(fields) + body


def dispose(root: Path, list_file: str, today: date | None = None, *, by: str | None = None,
            checked_by: str | None = None) -> Result:
    """Check the 清册 and every record it lists; then file the 清册, log and delete (see the module)."""
    root = Path(root).resolve()
    rel = project_path(root, list_file)
    if not (root / rel).is_file():
        raise UsageError("E-no-such-file", files=[rel])
    result = Result()
    dl = read_list(root, rel, result.problems)
    if dl is None:
        return result
    with archive_lock(root):
        opened = _open_for_writing(root, "destruction", result)
        if opened is None:
            return result
        _, _, states = opened
        archive = load_archive(root, today, bodies=False)
        if dl.unit not in archive.registry.units:
            result.problems.error(rel, 0, "unit", "E-disposal-unit-unknown", unit=dl.unit, expected=expected("unit"))
        if dl.day > archive.today:
            result.problems.error(rel, 0, "date", "E-disposal-date-future", day=dl.day, today=archive.today,
                                  expected=expected("date"))
        live = {s.archive_no: s for s in states.values() if not s.withdrawn}
        by_path = {r.path: r for r in archive.records}
        targets = []
        for item in dl.records:
            state = live.get(item.archive_no)
            record = by_path.get(state.path) if state else None
            where = (rel, item.line, "records")
            if state is None or record is None:
                result.problems.error(*where, "E-disposal-not-filed", number=item.archive_no)
            elif record.title != item.title:
                result.problems.error(*where, "E-disposal-title-differs", number=item.archive_no, title=item.title,
                                      expected=record.title)
            elif state.retention == "永久" or record.retention == "永久":
                result.problems.error(*where, "E-disposal-permanent", number=item.archive_no)
            elif (end := term_end(parse_archive_no(item.archive_no).year, record.retention)) and dl.day <= end:
                result.problems.error(*where, "E-disposal-before-term", number=item.archive_no,
                                      retention=record.retention, end=end)
            else:
                targets.append((item, state, record))
        if len({t[0].archive_no for t in targets}) != len(targets):
            result.problems.error(rel, 0, "records", "E-disposal-listed-twice")
        if result.problems.errors:
            return result
        titles = {i.archive_no: (r.path, r.date.strftime("%Y%m%d"), r.retention or "") for i, _, r in targets}
        taken = {r.id for r in archive.records}
        docs_root = root / archive.registry.docs_dir
        record_path = storage.create_new_record(docs_root, archive.registry.records_dir, dl.unit, dl.day, "xhqc",
                                                taken, list_markdown(dl, titles))
    filed = file_records(root, [str(record_path)], "永久", today, by=by,
                         checked_by=checked_by or dl.supervisors[0])
    result.outcomes.extend(filed.outcomes)
    if filed.problems.errors:
        result.problems.extend(filed.problems.errors)
        return result
    list_rel = record_path.relative_to(root).as_posix()
    list_no = next(o.archive_no for o in filed.outcomes if o.path == list_rel)
    with archive_lock(root):
        opened = _open_for_writing(root, "destruction", result)
        if opened is None:
            return result
        manifest, log, _ = opened
        entries = [{
            "action": "destroy", "path": state.path, "archive_no": state.archive_no, "digest": state.digest,
            "list": dl.number, "list_path": list_rel, "list_archive_no": list_no, "title": record.title,
            "unit": record.unit, "date": record.date.isoformat(), "doc_no": record.doc_no,
            "retention": state.retention, "author": git_author(root),
        } for _, state, record in targets]
        append_log(root, log, *entries)
        for _, state, _ in targets:
            removed = remove_record_files(root, state.path)
            manifest.replace(state.path, {})
            result.outcomes.append(Outcome(state.path, "destroyed", state.archive_no, state.digest, removed,
                                           note=f"{dl.number} ({list_no})"))
        manifest.write(root)
    return result


def remove_record_files(root: Path, rel: str) -> list[str]:
    """Delete a record, its translations and its attachments (the record last); what was removed."""
    file = root / rel
    folder = root / folder_of(rel)
    removed: list[str] = []
    if folder.is_dir() and not folder.is_symlink():
        removed += [p.relative_to(root).as_posix() for p in sorted(folder.iterdir()) if p.is_file()]
    if file.exists():
        stem = file.name[: -len(".md")]
        removed += [p.relative_to(root).as_posix() for p in sorted(file.parent.glob(f"{stem}.*.md"))
                    if translation_lang(p.name)]
        removed.append(rel)
    for item in removed:
        (root / item).unlink()
    if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
        folder.rmdir()
    if removed:
        storage.fsync_dir(file.parent)
    return removed

