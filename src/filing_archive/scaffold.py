"""``archive new``: a draft record with every field its type needs, at a path no file holds.

Not filing: a new record is a draft, with no 档号 and nothing in the manifest or the log.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from . import storage
from .archive import build_date, load_archive
from .messages import message, say
from .problems import UsageError
from .registry import one_of
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
        raise UsageError("E-new-registry-unusable", problems="; ".join(str(p) for p in archive.problems.errors)
                         or message("part.new-registry-unusable"))
    term = TYPES.get(type_value)
    if term is None:
        raise UsageError("E-new-type-unknown", type=type_value, expected=one_of(TYPES))
    unit = registry.unit(unit_value)
    if unit is None:
        raise UsageError("E-new-unit-unknown", unit=unit_value, units=list(registry.units))
    day = day or today
    if day > today:
        raise UsageError("E-new-date-future", day=day, today=today)
    if (plan is None) != (stage is None):
        raise UsageError("E-new-plan-stage")
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
            raise UsageError("E-new-plan-unknown", plan=plan, unit=unit.code,
                             plans=message("part.one-of", terms=plans) if plans else message("part.new-no-plans"))
        names = [s.name for s in plan_record.stages]
        if stage not in names:
            raise UsageError("E-new-stage-unknown", stage=stage, plan=plan, stages=names)
        fields["plan"], fields["stage"] = plan, stage
    if term.code == "study":
        fields["form"] = STUDY_FORMS.terms[0].code
        comments["form"] = STUDY_FORMS.describe()
    if term.code == "briefing":
        issues = [r.issue or 0 for r in archive.records
                  if r.type == "briefing" and r.unit == unit.code and r.year == day.year]
        fields["issue"] = max(issues, default=0) + 1
        comments["issue"] = say("out.new-issue-comment")
    text = storage.front_matter_text(fields, comments) + "\n在此填写正文。\n"
    docs_root = root / registry.docs_dir
    taken = {name for source in archive.sources for name in (source.stem, source.id)}
    slug = storage.slugify(title, f"{unit.code.lower()}-{term.code}")
    return storage.create_new_record(docs_root, registry.records_dir, unit.code, day, slug, taken, text)
