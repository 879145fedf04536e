"""Writing files safely: atomic replacement, appended lines, new record paths, front-matter text.

Every command that writes (new, file, amend, withdraw, import) goes through here, so nothing is
ever half-written: a file is either the old one or the new one.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from datetime import date
from pathlib import Path

import yaml

from .schema import FIELDS


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data``: temporary file in the same folder, fsync, rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def create_exclusive(path: Path, data: bytes | str) -> bool:
    """Write a new file, never replacing one that exists. False when ``path`` is taken."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic, and fails if the name exists
        except FileExistsError:
            return False
    finally:
        os.unlink(tmp)
    fsync_dir(path.parent)
    return True


def append_line(path: Path, line: str) -> None:
    """Append one line and fsync it (the filing log is append-only)."""
    with open(path, "ab") as fh:
        fh.write(line.rstrip("\n").encode("utf-8") + b"\n")
        fh.flush()
        os.fsync(fh.fileno())


def slugify(title: str | None, fallback: str) -> str:
    """A file-name-safe slug: ASCII words of the title, else ``fallback`` (Chinese titles)."""
    text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = "-".join(words)[:40].strip("-")
    return slug or fallback


def new_record_path(
    docs_root: Path, records_dir: str, unit: str, day: date, slug: str, taken_ids: set[str]
) -> Path:
    """``docs/<records_dir>/<unit>/<year>/<date>-<slug>.md``, numbered -2, -3 … until the name
    is free on disk and as an id across the archive."""
    folder = docs_root / records_dir / unit / str(day.year)
    stem = f"{day.isoformat()}-{slug}"
    candidate, n = stem, 1
    while candidate in taken_ids or (folder / f"{candidate}.md").exists():
        n += 1
        candidate = f"{stem}-{n}"
    return folder / f"{candidate}.md"


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def yaml_value(value: object) -> str:
    """One front-matter value as YAML on one line (flow style for lists and mappings)."""
    text = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, default_flow_style=True, sort_keys=False, width=10_000)
    return text.removesuffix("\n...\n").strip()


def front_matter_text(fields: dict[str, object]) -> str:
    """A front-matter block, fields in contract order then any others, one per line."""
    order = [name for name in FIELDS if name in fields] + [name for name in fields if name not in FIELDS]
    lines = ["---"]
    for name in order:
        value = fields[name]
        if name == "stages" and isinstance(value, list):
            lines.append("stages:")
            lines.extend(f"  - {yaml_value(item)}" for item in value)
        else:
            lines.append(f"{name}: {yaml_value(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"
