"""Rules that span records: unique ids, 档号, 文号 (per unit) and briefing numbers; a record's plan
and stage."""

from __future__ import annotations

from .fields import did_you_mean, doc_no_parts
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
            problems.error(
                record.path, record.line("id"), "id",
                f"duplicate id {record.id} (also used by {first.path}; ids must be unique)",
            )
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
                problems.error(
                    record.path, record.line("issue"), "issue",
                    f"期号 {record.issue} of {record.unit} in {record.year} is already used by "
                    f"{first.path} (expected a number unique per unit and year)",
                )
            else:
                issues[key] = record
        parts = doc_no_parts(record.doc_no) if record.doc_no and record.unit else None
        if parts:
            first = doc_nos.setdefault((record.unit, parts), record)
            if first is not record:
                problems.error(
                    record.path, record.line("doc_no"), "doc_no",
                    f"duplicate 文号 {record.doc_no} of {record.unit} (already used by {first.path}; "
                    f"expected each 文号 once per unit)",
                )
        if record.archive_no:
            first = archive_nos.get(record.archive_no)
            if first:
                problems.error(
                    record.path, record.line("archive_no"), "archive_no",
                    f"duplicate 档号 {record.archive_no} (already given to {first.path})",
                )
            else:
                archive_nos[record.archive_no] = record


def check_plan_and_stage(record: Record, by_id: dict[str, Record], problems: Problems) -> None:
    plan = by_id.get(record.plan)
    if plan is None or plan.type != "plan":
        plans = sorted(r.id for r in by_id.values() if r.type == "plan" and r.unit == record.unit)
        what = "is not a plan record" if plan else "is not the id of any record"
        if plans:
            shown = " | ".join(plans[:5]) + (" | …" if len(plans) > 5 else "")
            expected = f"the id of a plan of {record.unit}: {shown}"
        else:
            expected = f"the id of a plan record; {record.unit} has none yet"
        problems.error(record.path, record.line("plan"), "plan", f"{record.plan} {what} (expected {expected})")
        return
    if plan.is_draft and not record.is_draft:
        problems.error(
            record.path, record.line("plan"), "plan",
            f"plan {plan.id} is a draft ({plan.path}): a published record cannot belong to a draft plan "
            f"(publish the plan first, or keep this record a draft)",
        )
        return
    if plan.unit != record.unit:
        problems.error(
            record.path, record.line("plan"), "plan",
            f"plan {plan.id} belongs to {plan.unit}, not to {record.unit} (expected a plan of the same unit)",
        )
        return
    if record.stage is None:  # a broken record whose stage could not be read: reported already
        return
    names = [s.name for s in plan.stages]
    if record.stage not in names:
        hint = did_you_mean(record.stage or "", names)
        if hint:
            problems.warning(
                record.path, record.line("stage"), "stage",
                f"{record.stage} is not a stage of plan {plan.id}; did you mean {hint}? "
                f"(read as {hint}; expected {' | '.join(names)})",
            )
            record.stage = hint
        else:
            problems.error(
                record.path, record.line("stage"), "stage",
                f"{record.stage} is not a stage of plan {plan.id} (expected {' | '.join(names)})",
            )
            return
    stage = plan.stage_of(record.stage)
    if stage and not stage.contains(record.date):
        span = f"{stage.start or '…'} – {stage.end or '…'}"
        problems.warning(
            record.path, record.line("date"), "date",
            f"{record.date} is outside stage {stage.name} of plan {plan.id} ({span})",
        )



def older_contract_warnings(records: list[Record], problems: Problems) -> None:
    """What records filed under an older contract lack, for ``archive check`` only: the build of
    an archive that was valid yesterday must not start failing under ``--strict`` today.

    A record filed before 页数 was required has no ``pages``; adding it changes the filed file,
    which is what ``archive amend`` records."""
    for record in records:
        if record.is_filed and not record.broken and record.pages is None:
            problems.warning(
                record.path, record.line("status"), "pages",
                f"filed before 页数 was required: add pages: N (the pages of the 件) to the front-matter, then "
                f"run archive amend {record.path} --reason 补录页数 (expected a whole number of pages ≥ 1)",
            )
