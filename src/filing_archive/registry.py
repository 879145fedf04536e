"""The registry, ``archive.yml``: the fonds, its units, the default plan stages, cadence rules.

Errors in it are reported like record errors: ``archive.yml:LINE: field: message``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .frontmatter import Loader, compose, construct_value
from .messages import Bilingual, Message, message
from .problems import Problems, UsageError, clip
from .schema import (
    LIST_MAX,
    NAME_MAX,
    PATH_NAME_MAX,
    REGISTRY_MAX_BYTES,
    UNIT_KINDS,
    in_language,
    stage_name_problem,
    too_long,
)
from .textfile import SourceError, decode_source, read_limited

REGISTRY_FILE = "archive.yml"
# \Z, not $: "$" also matches before a trailing newline, and "AAA\n" would become a folder name.
FONDS_RE = re.compile(r"^[A-Z0-9]{4}\Z")
UNIT_CODE_RE = re.compile(r"^[A-Z0-9]{3}\Z")
FOLDER_RE = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\Z")  # docs_dir, records_dir: inside the project
KNOWN_KEYS = {
    "fonds", "fonds_name", "fonds_name_en", "records_dir", "docs_dir", "units", "stages",
    "cadence", "exemptions", "stage_names_en", "filing", "attachment_max_mb",
    "retention_schedule", "filing_deadline",  # read by schedule.py and deadlines.py
}
ATTACHMENT_MAX_MB = 50  # default: an attachment above it is a warning
ATTACHMENT_MAX_MB_LIMIT = 100_000
FILING_KEYS = {"by", "checked_by", "same_person_may_check"}
UNIT_KEYS = {"code", "name", "name_en", "kind", "fonds", "fonds_name", "fonds_name_en", "org_code"}


@dataclass(frozen=True)
class Fonds:
    """A 全宗: its 全宗号 and name (the registry's, or a unit's own)."""

    code: str
    name: str
    name_en: str = ""

    def label(self, lang: str) -> str:
        return in_language(lang, self.name, self.name_en)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    name_en: str
    kind: str
    fonds: str = ""  # its 全宗号: its own, or the registry's (set when the registry is read)
    org_code: str = ""  # 机构（问题）code in its 档号: its own, or its unit code

    def label(self, lang: str) -> str:
        return in_language(lang, self.name, self.name_en)


@dataclass(frozen=True)
class FilingDefaults:
    """``filing:`` of ``archive.yml``: who sorts (整理人) and who checks (检查人) when
    ``archive file`` is not told, and whether one person may do both."""

    by: str | None = None
    checked_by: str | None = None
    same_person_may_check: bool = False


@dataclass
class Registry:
    fonds: str
    fonds_name: str
    fonds_name_en: str
    records_dir: str
    docs_dir: str
    units: dict[str, Unit]
    stages: list[str]
    path: str = REGISTRY_FILE
    stage_names_en: dict[str, str] = field(default_factory=dict)  # English names of stages, optional
    raw: dict = field(default_factory=dict)  # the parsed YAML, for later sections (cadence)
    lines: dict = field(default_factory=dict)  # dotted key -> line, for error messages
    filing: FilingDefaults = field(default_factory=FilingDefaults)
    fonds_by_code: dict[str, Fonds] = field(default_factory=dict)  # every 全宗 of the archive, the registry's first

    def fonds_of(self, unit_code: str) -> Fonds:
        """The 全宗 a unit's records are filed in (the registry's for an unknown code)."""
        unit = self.units.get(unit_code)
        code = unit.fonds if unit and unit.fonds else self.fonds
        return self.fonds_by_code.get(code) or Fonds(code, self.fonds_name, self.fonds_name_en)

    def org_code_of(self, unit_code: str) -> str:
        """The 机构（问题）code a unit's 档号 carry: its own ``org_code``, or the unit code."""
        unit = self.units.get(unit_code)
        return unit.org_code if unit and unit.org_code else unit_code
    attachment_max_mb: int = ATTACHMENT_MAX_MB

    def unit(self, value: object) -> Unit | None:
        """A unit by code or by its exact Chinese name."""
        if not isinstance(value, str):
            return None
        if value in self.units:
            return self.units[value]
        for unit in self.units.values():
            if unit.name == value:
                return unit
        return None

    def stage_label(self, name: str, lang: str) -> str:
        return in_language(lang, name, self.stage_names_en.get(name))

    def line_of(self, key: str) -> int:
        """The line of a dotted key (``cadence[0].from``), or of its nearest parent that has one."""
        while key:
            if key in self.lines:
                return self.lines[key]
            cut = max(key.rfind("."), key.rfind("["))
            key = key[:cut] if cut > 0 else ""
        return 1


def shown(value: object) -> str:
    """A value in a message, as Python writes it (control characters escaped), cut when long."""
    return clip(repr(value))


def one_of(vocabulary) -> Message:
    """"a | b | c" of a vocabulary's terms (zh as staff write them, en with their codes) for a message."""
    return message("part.one-of", terms=[Bilingual(t.zh, f"{t.code} {t.zh}" if t.code != t.zh else t.zh)
                                         for t in vocabulary.terms])


def folder_too_long(folder: str) -> Message | None:
    """A folder path whose parts are each at most ``PATH_NAME_MAX`` characters."""
    for part in folder.split("/"):
        if len(part) > PATH_NAME_MAX:
            return message("E-registry-folder-name-long", limit=PATH_NAME_MAX, length=len(part))
    return None


def _load_with_lines(text: str) -> tuple[object, dict[str, int], list[tuple[int, str, int, bool]]]:
    """The registry's data, the line of every dotted key and the keys written twice; checked by
    ``frontmatter.compose`` (no anchors, bounded depth), so the line walk is linear."""
    loader = Loader(text)
    try:
        composed = compose(text, 1, loader, dotted=True)
        if composed.node is None:
            return {}, composed.lines, composed.duplicates
        return construct_value(loader, composed.node, 1), composed.lines, composed.duplicates
    finally:
        loader.dispose()


def load_registry(root: Path, problems: Problems) -> Registry | None:
    """Read and check ``archive.yml`` under ``root``; None when it is unusable."""
    path = root / REGISTRY_FILE
    rel = REGISTRY_FILE
    if not path.exists():
        problems.error(rel, 0, "", "E-registry-missing", file=str(path))
        return None
    try:
        data, lines, duplicates = _load_with_lines(decode_source(read_limited(path, REGISTRY_MAX_BYTES),
                                                                 REGISTRY_MAX_BYTES))
    except SourceError as exc:
        problems.error(rel, exc.line, exc.field, exc.message)
        return None
    for line, key, first, _nested in duplicates:
        problems.error(rel, line, key, "E-registry-key-twice", first=first)
    if duplicates:
        return None
    if not isinstance(data, dict):
        problems.error(rel, 1, "", "E-registry-not-mapping")
        return None
    registry = check_registry(data, lines, rel, problems)
    if registry is not None:
        # The folders may be links: the records must still be inside the project.
        inside = root.resolve()
        records = (root / registry.docs_dir / registry.records_dir).resolve()
        if not records.is_relative_to(inside):
            key = "records_dir" if (root / registry.docs_dir).resolve().is_relative_to(inside) else "docs_dir"
            problems.error(rel, lines.get(key, 1), key, "E-registry-folder-outside",
                           folder=f"{registry.docs_dir}/{registry.records_dir}", project=root.name, target=str(records))
            return None
    return registry


def check_registry(data: dict, lines: dict[str, int], rel: str, problems: Problems) -> Registry | None:
    errors_before = problems.error_count

    def err(key: str, code: Message | str, **args: object) -> None:
        problems.error(rel, lines.get(key, 1), key, code, **args)

    for key in data:
        if key not in KNOWN_KEYS:
            err(key, "E-registry-key-unknown", allowed=sorted(KNOWN_KEYS))

    fonds = data.get("fonds")
    if not isinstance(fonds, str) or not FONDS_RE.match(fonds):
        err("fonds", "E-registry-code-bad", what=message("part.registry-fonds-code"), n=4, example="Z001",
            got=shown(fonds))
    fonds_name = data.get("fonds_name")
    if not isinstance(fonds_name, str) or not fonds_name.strip():
        err("fonds_name", "E-registry-fonds-name-missing")
    for key in ("fonds_name", "fonds_name_en"):
        if too_long(data.get(key), NAME_MAX):
            err(key, too_long(data.get(key), NAME_MAX))
    records_dir = data.get("records_dir", "archive")
    if not isinstance(records_dir, str) or not FOLDER_RE.match(records_dir):
        err("records_dir", "E-registry-records-dir-bad", got=shown(records_dir))
    elif folder_too_long(records_dir):
        err("records_dir", folder_too_long(records_dir))
    docs_dir = data.get("docs_dir", "docs")
    if not isinstance(docs_dir, str) or not FOLDER_RE.match(docs_dir):
        # not .., not absolute: `archive new` writes there, and check must not read another folder
        err("docs_dir", "E-registry-docs-dir-bad", got=shown(docs_dir))
    elif folder_too_long(docs_dir):
        err("docs_dir", folder_too_long(docs_dir))

    units: dict[str, Unit] = {}
    own_fonds: dict[str, tuple[int, dict]] = {}  # unit code -> (its index, its keys), for check_unit_fonds
    raw_units = data.get("units")
    if not isinstance(raw_units, list) or not raw_units:
        err("units", "E-registry-units-missing")
        raw_units = []
    names: dict[str, str] = {}
    for i, raw in enumerate(raw_units):
        key = f"units[{i}]"
        if not isinstance(raw, dict):
            err(key, "E-registry-unit-bad")
            continue
        for k in raw:
            if k not in UNIT_KEYS:
                err(f"{key}.{k}", "E-registry-unit-key-unknown", allowed=sorted(UNIT_KEYS))
        code = raw.get("code")
        if not isinstance(code, str) or not UNIT_CODE_RE.match(code):
            err(f"{key}.code", "E-registry-code-bad", what=message("part.registry-unit-code"), n=3, example="LCZ",
                got=shown(code))
            continue
        if code in units:
            err(f"{key}.code", "E-registry-unit-code-twice", unit=code, other=units[code].name)
            continue
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            err(f"{key}.name", "E-registry-unit-name-missing")
            continue
        long = [k for k in ("name", "name_en") if too_long(raw.get(k), NAME_MAX)]
        for k in long:
            err(f"{key}.{k}", too_long(raw[k], NAME_MAX))
        if long:
            continue
        if name in names:
            err(f"{key}.name", "E-registry-unit-name-twice", name=name, other=names[name])
            continue
        name_en = raw.get("name_en", "")
        if not isinstance(name_en, str):
            err(f"{key}.name_en", "E-registry-text-bad", got=shown(name_en))
            name_en = ""
        kind = raw.get("kind")
        if UNIT_KINDS.get(kind) is None:
            err(f"{key}.kind", "E-registry-unit-kind-bad", expected=one_of(UNIT_KINDS), got=shown(kind))
            continue
        names[name] = code
        units[code] = Unit(code, name.strip(), name_en.strip(), UNIT_KINDS.get(kind).code)
        own_fonds[code] = (i, raw)

    stages = data.get("stages", [])
    if not isinstance(stages, list) or not all(isinstance(s, str) and s.strip() for s in stages):
        err("stages", "E-registry-stages-bad", got=shown(stages))
        stages = []
    elif len(set(stages)) != len(stages):
        err("stages", "E-registry-stages-twice")
    elif len(stages) > LIST_MAX:
        err("stages", "E-registry-stages-many", limit=LIST_MAX, count=len(stages))
    for i, name in enumerate(stages):
        if stage_name_problem(name):
            err(f"stages[{i}]", stage_name_problem(name))

    stage_names_en = data.get("stage_names_en", {})
    if not isinstance(stage_names_en, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in stage_names_en.items()
    ):
        err("stage_names_en", "E-registry-stage-names-en-bad", got=shown(stage_names_en))
        stage_names_en = {}
    for name, english in stage_names_en.items():
        if too_long(english, NAME_MAX):
            err(f"stage_names_en.{name}", too_long(english, NAME_MAX))

    fonds_by_code: dict[str, Fonds] = {}
    if isinstance(fonds, str) and FONDS_RE.match(fonds) and isinstance(fonds_name, str):
        fonds_by_code[fonds] = Fonds(fonds, fonds_name.strip(), str(data.get("fonds_name_en") or "").strip())
        units = check_unit_fonds(units, own_fonds, fonds_by_code, err)
    filing = check_filing(data.get("filing"), err)
    attachment_max_mb = data.get("attachment_max_mb", ATTACHMENT_MAX_MB)
    if (not isinstance(attachment_max_mb, int) or isinstance(attachment_max_mb, bool)
            or not 1 <= attachment_max_mb <= ATTACHMENT_MAX_MB_LIMIT):
        err("attachment_max_mb", "E-registry-attachment-max-bad", limit=ATTACHMENT_MAX_MB_LIMIT,
            got=shown(attachment_max_mb))

    if problems.error_count > errors_before:
        return None
    return Registry(
        fonds=fonds,
        fonds_name=fonds_name.strip(),
        fonds_name_en=str(data.get("fonds_name_en") or "").strip(),
        records_dir=records_dir,
        docs_dir=docs_dir,
        units=units,
        stages=list(stages),
        path=rel,
        stage_names_en=dict(stage_names_en),
        raw=data,
        lines=lines,
        fonds_by_code=fonds_by_code,
        filing=filing,
        attachment_max_mb=attachment_max_mb,
    )


def check_unit_fonds(units: dict[str, Unit], raw_units: dict[str, tuple[int, dict]],
                     fonds_by_code: dict[str, Fonds], err) -> dict[str, Unit]:
    """Each unit's 全宗 (``fonds``, ``fonds_name``, ``fonds_name_en``; default the registry's) and
    机构（问题）code (``org_code``; default its unit code). One 全宗号 has one name, and within a
    全宗 no two units share a 机构 code (their 件号 would run in one series)."""
    registry_fonds = next(iter(fonds_by_code))
    where: dict[str, str] = {registry_fonds: "fonds_name"}  # 全宗号 -> the key that named it
    resolved: dict[str, Unit] = {}
    for code, unit in units.items():
        i, raw = raw_units[code]
        key = f"units[{i}]"
        fonds, org_code = raw.get("fonds", registry_fonds), raw.get("org_code", code)
        if not isinstance(fonds, str) or not FONDS_RE.match(fonds):
            err(f"{key}.fonds", "E-registry-code-bad", what=message("part.registry-fonds-code"), n=4, example="Z002",
                got=shown(fonds))
            continue
        if not isinstance(org_code, str) or not UNIT_CODE_RE.match(org_code):
            err(f"{key}.org_code", "E-registry-code-bad", what=message("part.registry-org-code"), n=3, example="BGS",
                got=shown(org_code))
            continue
        names = {k: raw.get(k) for k in ("fonds_name", "fonds_name_en") if k in raw}
        bad = [k for k, v in names.items() if not isinstance(v, str) or not v.strip() or too_long(v, NAME_MAX)]
        for k in bad:
            err(f"{key}.{k}", too_long(names[k], NAME_MAX) or message("E-registry-fonds-name-bad", got=shown(names[k])))
        if bad:
            continue
        if names and "fonds" not in raw:
            err(f"{key}.{next(iter(names))}", "E-registry-unit-fonds-missing")
            continue
        known = fonds_by_code.get(fonds)
        if known is None:
            if "fonds_name" not in names:
                err(f"{key}.fonds", "E-registry-fonds-name-needed", fonds=fonds)
                continue
            known = fonds_by_code[fonds] = Fonds(fonds, names["fonds_name"].strip(),
                                                 names.get("fonds_name_en", "").strip())
            where[fonds] = f"{key}.fonds_name"
        else:
            given = {k.removeprefix("fonds_"): v.strip() for k, v in names.items()}
            clash = [k for k, v in given.items() if getattr(known, k) and v != getattr(known, k)]
            for k in clash:
                err(f"{key}.fonds_{k}", "E-registry-fonds-name-clash", fonds=fonds, name=getattr(known, k),
                    where=where[fonds], got=shown(given[k]))
            if clash:
                continue
            if given.get("name_en") and not known.name_en:  # the first English name given
                known = fonds_by_code[fonds] = Fonds(fonds, known.name, given["name_en"])
        taken = next((u for u in resolved.values() if u.fonds == fonds and u.org_code == org_code), None)
        if taken:
            err(f"{key}.org_code" if "org_code" in raw else f"{key}.code", "E-registry-org-code-taken",
                org=org_code, fonds=fonds, other=taken.name)
            continue
        resolved[code] = Unit(unit.code, unit.name, unit.name_en, unit.kind, fonds, org_code)
    return resolved


def person_problem(value: object) -> Message | str | None:
    """What is wrong with a person's name (整理人, 检查人): one line of text, at most ``NAME_MAX``."""
    if not isinstance(value, str) or not value.strip():
        return message("part.person-name-bad", got=shown(value))
    if too_long(value, NAME_MAX):
        return too_long(value, NAME_MAX)
    if not one_line(value):
        return message("part.person-name-one-line", got=shown(value))
    return None


def one_line(text: str) -> bool:
    """Text on one line with nothing invisible in it (spaces, full-width ones included, are fine)."""
    return text.isprintable() or not any(unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp")
                                         for ch in text)


def check_filing(raw: object, err) -> FilingDefaults:
    """``filing: {by, checked_by, same_person_may_check}``; each mistake reported with its key."""
    if raw is None:
        return FilingDefaults()
    if not isinstance(raw, dict):
        err("filing", "E-registry-filing-bad", got=shown(raw))
        return FilingDefaults()
    for key in raw:
        if key not in FILING_KEYS:
            err(f"filing.{key}", "E-registry-filing-key-unknown", allowed=sorted(FILING_KEYS))
    names: dict[str, str | None] = {}
    for key in ("by", "checked_by"):
        value = raw.get(key)
        problem = person_problem(value) if value is not None else None
        if problem:
            err(f"filing.{key}", "E-registry-person-bad", problem=problem)
        names[key] = value.strip() if value is not None and not problem else None
    allowed = raw.get("same_person_may_check", False)
    if not isinstance(allowed, bool):
        err("filing.same_person_may_check", "E-registry-boolean-bad", got=shown(allowed))
        allowed = False
    return FilingDefaults(names["by"], names["checked_by"], allowed)


def find_root(start: Path) -> Path:
    """The project folder: the nearest folder upwards holding archive.yml."""
    for folder in [start, *start.parents]:
        if (folder / REGISTRY_FILE).exists():
            return folder
    raise UsageError("E-project-not-found", file=REGISTRY_FILE)
