"""``archive new``: a draft record with every field its type needs, at a path no file holds.

Not filing: a new record is a draft, with no 档号 and nothing in the manifest or the log.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from . import storage
from .archive import build_date, load_archive
from .problems import UsageError
from .schema import STATUSES, STUDY_FORMS, TYPES


def new_record(
    root: Path, type_value: str, unit_value: str, title: str | None = None, day: date | None = None,
    plan: str | None = None, stage: str | None = None,
) -> Path:
    """Create a draft with every field its type needs; never replaces a file. Returns its path."""
    root = Path(root).resolve()
    today = build_date()
    archive = load_archive(root, today)
    registry = archive.registry
    if not registry.fonds:
        raise UsageError("; ".join(str(p) for p in archive.problems.errors) or "archive.yml is unusable")
    term = TYPES.get(type_value)
    if term is None:
        raise UsageError(f"unknown type {type_value} (expected {TYPES.describe()})")
    unit = registry.unit(unit_value)
    if unit is None:
        raise UsageError(f"unknown unit {unit_value} (expected one of {', '.join(registry.units)})")
    day = day or today
    if day > today:
        raise UsageError(f"--date {day} is after today {today} (a record is dated when it was written)")
    if (plan is None) != (stage is None):
        raise UsageError("--plan and --stage go together: the plan's id and one of its stages")
    fields: dict[str, object] = {
        "title": (title or "").strip() or f"{unit.name}{term.zh}",
        "type": term.code,
        "unit": unit.code,
        "date": day,
        "status": "draft",
    }
    comments = {"status": STATUSES.describe()}
    if plan is not None:
        plan_record = archive.by_id.get(plan)
        if plan_record is None or plan_record.type != "plan" or plan_record.unit != unit.code:
            plans = sorted(r.id for r in archive.records if r.type == "plan" and r.unit == unit.code)
            raise UsageError(
                f"{plan} is not a plan of {unit.code} (expected {' | '.join(plans) or 'none: create the plan first'})"
            )
        names = [s.name for s in plan_record.stages]
        if stage not in names:
            raise UsageError(f"{stage} is not a stage of plan {plan} (expected {' | '.join(names)})")
        fields["plan"], fields["stage"] = plan, stage
    if term.code == "study":
        fields["form"] = STUDY_FORMS.terms[0].code
        comments["form"] = STUDY_FORMS.describe()
    if term.code == "briefing":
        issues = [r.issue or 0 for r in archive.records
                  if r.type == "briefing" and r.unit == unit.code and r.year == day.year]
        fields["issue"] = max(issues, default=0) + 1
        comments["issue"] = "期号: the next free number of this unit and year"
    text = storage.front_matter_text(fields, comments) + "\n在此填写正文。\n"
    docs_root = root / registry.docs_dir
    taken = {name for source in archive.sources for name in (source.stem, source.id)}
    slug = storage.slugify(title, f"{unit.code.lower()}-{term.code}")
    return storage.create_new_record(docs_root, registry.records_dir, unit.code, day, slug, taken, text)
