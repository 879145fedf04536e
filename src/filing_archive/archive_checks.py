"""Rules that span records: unique ids, 档号, 文号 (per unit) and briefing numbers; a record's plan
and stage."""

from __future__ import annotations

from .fields import did_you_mean, doc_no_parts
from .messages import message
from .problems import Problems
from .records import Record
from .registry import Registry


def validate_archive(records: list[Record], registry: Registry, problems: Problems) -> None:
    """Rules that span records, over every record whose fields could be read, broken or not: a
    broken record still holds its id, its 档号, its 文号 and its 期号. May correct near-miss stage names
    (with a warning). A reference to a broken plan is not reported a second time."""
    by_id: dict[str, Record] = {}
    for record in records:
        if not record.id:
            continue
        first = by_id.get(record.id)
        if first is not None:
            problems.error(record.path, record.line("id"), "id", "E-id-duplicate", id=record.id, first=first.path)
            continue
        by_id[record.id] = record

    issues: dict[tuple[str, int, int], Record] = {}
    archive_nos: dict[str, Record] = {}
    doc_nos: dict[tuple[str, tuple[str, int, int]], Record] = {}
    for record in records:
        plan = by_id.get(record.plan or "")
        if record.plan and {"plan", "unit"} <= record.read and not (plan and plan.broken):
            check_plan_and_stage(record, by_id, problems)
        if record.type == "briefing" and record.issue is not None and "date" in record.read and record.unit:
            key = (record.unit, record.year, record.issue)
            first = issues.get(key)
            if first:
                problems.error(record.path, record.line("issue"), "issue", "E-issue-duplicate", issue=record.issue,
                               unit=record.unit, year=record.year, first=first.path)
            else:
                issues[key] = record
        parts = doc_no_parts(record.doc_no) if record.doc_no and record.unit else None
        if parts:
            first = doc_nos.setdefault((record.unit, parts), record)
            if first is not record:
                problems.error(record.path, record.line("doc_no"), "doc_no", "E-doc-no-duplicate",
                               doc_no=record.doc_no, unit=record.unit, first=first.path)
        if record.archive_no:
            first = archive_nos.get(record.archive_no)
            if first:
                problems.error(record.path, record.line("archive_no"), "archive_no", "E-archive-no-duplicate",
                               archive_no=record.archive_no, first=first.path)
            else:
                archive_nos[record.archive_no] = record


def check_plan_and_stage(record: Record, by_id: dict[str, Record], problems: Problems) -> None:
    plan = by_id.get(record.plan)
    if plan is None or plan.type != "plan":
        plans = sorted(r.id for r in by_id.values() if r.type == "plan" and r.unit == record.unit)
        what = message("part.plan.not-a-plan" if plan else "part.plan.no-such-record")
        if plans:
            shown = plans[:5] + (["…"] if len(plans) > 5 else [])
            expected = message("part.plan.of-unit", unit=record.unit, plans=shown)
        else:
            expected = message("part.plan.none-yet", unit=record.unit)
        problems.error(record.path, record.line("plan"), "plan", "E-plan-unknown", plan=record.plan, what=what,
                       expected=expected)
        return
    if plan.is_draft and not record.is_draft:
        problems.error(record.path, record.line("plan"), "plan", "E-plan-draft", plan=plan.id, plan_path=plan.path)
        return
    if plan.unit != record.unit:
        problems.error(record.path, record.line("plan"), "plan", "E-plan-other-unit", plan=plan.id, plan_unit=plan.unit,
                       unit=record.unit)
        return
    if record.stage is None:  # a broken record whose stage could not be read: reported already
        return
    names = [s.name for s in plan.stages]
    if record.stage not in names:
        hint = did_you_mean(record.stage or "", names)
        if hint:
            problems.warning(record.path, record.line("stage"), "stage", "W-stage-near-miss", stage=record.stage,
                             plan=plan.id, hint=hint, stages=names)
            record.stage = hint
        else:
            problems.error(record.path, record.line("stage"), "stage", "E-stage-unknown", stage=record.stage,
                           plan=plan.id, stages=names)
            return
    stage = plan.stage_of(record.stage)
    if stage and not stage.contains(record.date):
        problems.warning(record.path, record.line("date"), "date", "W-date-outside-stage", date=str(record.date),
                         stage=stage.name, plan=plan.id, start=str(stage.start or "…"), end=str(stage.end or "…"))



def older_contract_warnings(records: list[Record], problems: Problems) -> None:
    """What records filed under an older contract lack, for ``archive check`` only: the build of
    an archive that was valid yesterday must not start failing under ``--strict`` today.

    A record filed before 页数 was required has no ``pages``; adding it changes the filed file,
    which is what ``archive amend`` records."""
    for record in records:
        if record.is_filed and not record.broken and record.pages is None:
            problems.warning(record.path, record.line("status"), "pages", "W-pages-missing-filed", record=record.path)
