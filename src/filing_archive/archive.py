"""Loading the whole archive: the registry, every record, every problem, in one pass."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .cadence import Exemption, Rule, collect
from .frontmatter import SourceError, read_limited
from .problems import ArchiveError, Problems
from .records import Record
from .registry import Registry, load_registry
from .schema import DEFAULT_LANGUAGE, LANGUAGES
from .validation import validate_archive, validate_record, validate_translation

BUILD_DATE_ENV = "ARCHIVE_BUILD_DATE"
PREVIEW_ENV = "ARCHIVE_PREVIEW"  # set by `archive preview`: the build keeps its first search index


def build_date() -> date:
    """Today, or the date in $ARCHIVE_BUILD_DATE (tests and reproducible builds set it)."""
    value = os.environ.get(BUILD_DATE_ENV)
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise SystemExit(f"{BUILD_DATE_ENV}={value}: expected a date YYYY-MM-DD") from None
    return date.today()


def translation_lang(filename: str) -> str | None:
    """``x.en.md`` -> ``en``; None for an untranslated original."""
    parts = filename.split(".")
    if len(parts) >= 3 and parts[-2] in LANGUAGES and parts[-2] != DEFAULT_LANGUAGE:
        return parts[-2]
    return None


@dataclass
class Archive:
    root: Path
    registry: Registry
    records: list[Record]
    problems: Problems
    today: date
    by_id: dict[str, Record] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)  # cadence rules, checked once here, evaluated later
    exemptions: list[Exemption] = field(default_factory=list)

    @property
    def records_root(self) -> Path:
        return self.root / self.registry.docs_dir / self.registry.records_dir

    def published(self, include_drafts: bool = False) -> list[Record]:
        """Records that reach the site: published and filed, plus drafts in a preview."""
        return [r for r in self.records if include_drafts or not r.is_draft]

    def raise_for_errors(self) -> None:
        if self.problems.errors:
            raise ArchiveError(self.problems.sorted())


def record_files(records_root: Path) -> list[Path]:
    """Every Markdown file under the records folder, in a stable order."""
    found = []
    for dirpath, dirnames, filenames in os.walk(records_root):
        dirnames.sort()
        found.extend(Path(dirpath) / name for name in sorted(filenames) if name.endswith(".md"))
    return found


def declared_id(stem: str, data: bytes) -> str:
    m = re.search(rb"^id:[ \t]*['\"]?([a-z0-9-]+)", data, re.MULTILINE)
    return m.group(1).decode() if m else stem


def load_archive(root: Path | str, today: date | None = None) -> Archive:
    """Read and validate every record under ``docs/<records_dir>/``; never raises on bad input."""
    root = Path(root).resolve()
    today = today or build_date()
    problems = Problems()
    registry = load_registry(root, problems)
    if registry is None:
        empty = Registry("", "", "", "archive", "docs", {}, [])
        return Archive(root, empty, [], problems, today)

    docs_root = root / registry.docs_dir
    records: list[Record] = []
    translations = []
    broken_ids: set[str] = set()  # records with errors: not reported again as missing plans
    # plain string slicing: pathlib's relative_to costs more than the YAML at 10,000 records
    root_len, docs_len = len(str(root)) + 1, len(str(docs_root)) + 1
    for file in record_files(docs_root / registry.records_dir):
        name = str(file)
        path = name[root_len:].replace(os.sep, "/")
        src_uri = name[docs_len:].replace(os.sep, "/")
        try:
            data = read_limited(name)
        except SourceError as exc:  # too large to read
            problems.error(path, exc.line, exc.field, exc.message)
            broken_ids.add(file.stem)
            continue
        lang = translation_lang(file.name)
        if lang:
            translation = validate_translation(path, src_uri, lang, data, registry, today, problems)
            if translation:
                translations.append(translation)
            continue
        record = validate_record(path, src_uri, data, registry, today, problems)
        if record:
            records.append(record)
        else:
            broken_ids.add(declared_id(file.stem, data))

    validate_archive(records, registry, problems, broken_ids)
    rules, exemptions = collect(registry, records, problems)
    by_src = {r.src_uri: r for r in records}
    for translation in translations:
        original_uri = translation.src_uri.replace(f".{translation.lang}.md", ".md")
        original = by_src.get(original_uri)
        if original is None:
            problems.error(
                translation.path, 1, "",
                f"translation without its Chinese record (expected {original_uri} next to it)",
            )
            continue
        original.translations[translation.lang] = translation
    records.sort(key=lambda r: (r.date, r.id))
    by_id = {}
    for record in records:
        by_id.setdefault(record.id, record)
    return Archive(root, registry, records, problems, today, by_id, rules, exemptions)
