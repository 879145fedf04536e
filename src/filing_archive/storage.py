"""Writing files safely: atomic replacement, appended lines, new record paths, front-matter text.

Every command that writes (new, file, amend, withdraw, import, build) goes through here, so nothing
is ever half-written: a file (or the built site) is either the old one or the new one.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
import unicodedata
from datetime import date
from pathlib import Path

import yaml

from . import frontmatter
from .messages import message
from .schema import FIELDS


def sha256_hex(data: bytes) -> str:
    """The digest the manifest, the log and verify use for a file's bytes."""
    return hashlib.sha256(data).hexdigest()


class HashUnavailable(RuntimeError):
    """This Python's hashlib has no SM3 (its OpenSSL was built without it); the exception's
    argument is the catalogue message saying so."""


def _sm3():  # -> a hashlib object
    try:
        return hashlib.new("sm3")
    except ValueError:
        raise HashUnavailable(message("E-sm3-unavailable")) from None


def sm3_hex(data: bytes) -> str:
    """SM3 (GB/T 32905), the national hash algorithm: recorded beside SHA-256 for every filed file."""
    digest = _sm3()
    digest.update(data)
    return digest.hexdigest()


HASH_CHUNK = 2**20


def file_digests(path: str | Path) -> tuple[int, str, str]:
    """(size, SHA-256, SM3) of a file, read in pieces: an attachment may be larger than memory."""
    sha, sm3, size = hashlib.sha256(), _sm3(), 0
    with open(path, "rb") as handle:
        while piece := handle.read(HASH_CHUNK):
            sha.update(piece)
            sm3.update(piece)
            size += len(piece)
    return size, sha.hexdigest(), sm3.hexdigest()


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_copy(path: Path, data: bytes | str) -> str:
    """``data`` in a fsynced temporary file next to ``path``; returns its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


# ``_temp_copy`` names: ``.<file name>.<8 random characters>.tmp`` (tempfile.mkstemp).
TEMP_NAME_RE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
STALE_AFTER_S = 60  # a younger one may belong to a write still under way (new and import run unlocked)


def leftover_temp_files(root: Path, docs_dir: str) -> list[str]:
    """Temporary files a killed write left behind (the file it was replacing is intact): at the
    project root (manifest, log) and anywhere under ``docs/``; paths relative to ``root``."""
    root = Path(root)
    now = time.time()
    found = []
    folders = [(str(root), [], [e.name for e in os.scandir(root) if e.is_file()])]
    folders += list(os.walk(root / docs_dir))
    for dirpath, _, filenames in folders:
        for name in filenames:
            if TEMP_NAME_RE.match(name):
                full = os.path.join(dirpath, name)
                try:
                    if now - os.stat(full).st_mtime >= STALE_AFTER_S:
                        found.append(Path(full).relative_to(root).as_posix())
                except OSError:
                    continue  # removed meanwhile
    return sorted(found)


def remove_leftover_temp_files(root: Path, docs_dir: str) -> list[str]:
    """Delete the leftovers ``leftover_temp_files`` finds (writers call it under the lock)."""
    removed = []
    for rel in leftover_temp_files(root, docs_dir):
        try:
            os.unlink(Path(root) / rel)
            removed.append(rel)
        except FileNotFoundError:
            continue
    return removed


def atomic_write(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data``: temporary file in the same folder, fsync, rename."""
    path = Path(path)
    tmp = _temp_copy(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def replace_folder(new: Path, target: Path) -> None:
    """Put the finished folder ``new`` (beside ``target``) in ``target``'s place: two renames, so a
    reader sees the old folder or the new one, and the old one is removed only then."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    fsync_dir(target.parent)
    if old.exists():
        shutil.rmtree(old)


def create_exclusive(path: Path, data: bytes | str) -> bool:
    """Write a new file, never replacing one that exists. False when ``path`` is taken."""
    path = Path(path)
    tmp = _temp_copy(path, data)
    try:
        os.link(tmp, path)  # atomic, and fails if the name exists
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)
    fsync_dir(path.parent)
    return True


def append_lines(path: Path, lines: list[str]) -> None:
    """Append several lines in one write and one fsync (a batch of filing-log entries)."""
    data = b"".join(line.rstrip("\n").encode("utf-8") + b"\n" for line in lines)
    with open(path, "ab") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def slugify(title: str | None, fallback: str) -> str:
    """A file-name-safe slug: ASCII words of the title, else ``fallback`` (Chinese titles, and
    titles whose only ASCII is digits: 2026年第3期简报 would give "20263")."""
    text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = "-".join(words)[:40].strip("-")
    return slug if re.search("[a-z]", slug) else fallback


UNDATED = "undated"  # the year folder of a record whose date is not known yet (an import)


def record_stem(day: date | None, slug: str) -> str:
    """The conventional file name without ``.md``: ``<date>-<slug>``, or ``<slug>`` without a date."""
    return f"{day.isoformat()}-{slug}" if day else slug


def new_record_path(
    docs_root: Path, records_dir: str, unit: str, day: date | None, slug: str, taken_ids: set[str]
) -> Path:
    """``docs/<records_dir>/<unit>/<year>/<date>-<slug>.md``, numbered -2, -3 … until the name
    is free on disk and as an id across the archive. Without a date: ``<unit>/undated/<slug>.md``."""
    folder = docs_root / records_dir / unit / (str(day.year) if day else UNDATED)
    stem = record_stem(day, slug)
    candidate, n = stem, 1
    while candidate in taken_ids or (folder / f"{candidate}.md").exists():
        n += 1
        candidate = f"{stem}-{n}"
    return folder / f"{candidate}.md"


def create_new_record(
    docs_root: Path, records_dir: str, unit: str, day: date | None, slug: str, taken_ids: set[str], text: str
) -> Path:
    """Write ``text`` under the first free conventional name (``new_record_path``), never over a file
    someone else created meanwhile; the name is added to ``taken_ids``."""
    while True:
        target = new_record_path(docs_root, records_dir, unit, day, slug, taken_ids)
        taken_ids.add(target.stem)
        if create_exclusive(target, text):
            return target


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def yaml_value(value: object) -> str:
    """One front-matter value as YAML on one line (flow style for lists and mappings)."""
    text = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, default_flow_style=True, sort_keys=False, width=10_000)
    return text.removesuffix("\n...\n").strip()


def front_matter_text(fields: dict[str, object], comments: dict[str, str] | None = None) -> str:
    """A front-matter block, fields in contract order then any others, one per line.

    ``comments`` adds a YAML comment after a field's value (``form: 集中学习  # 集中学习 | 个人自学``)."""
    comments = comments or {}
    order = [name for name in FIELDS if name in fields] + [name for name in fields if name not in FIELDS]
    lines = ["---"]
    for name in order:
        value = fields[name]
        comment = f"  # {comments[name]}" if comments.get(name) else ""
        if name == "stages" and isinstance(value, list):
            lines.append(f"stages:{comment}")
            lines.extend(f"  - {yaml_value(item)}" for item in value)
        else:
            lines.append(f"{name}: {yaml_value(value)}{comment}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def edit_front_matter(data: bytes, updates: dict[str, object]) -> bytes:
    """``data`` with the front-matter fields in ``updates`` set, every other byte unchanged.

    A field that exists has its line (and any indented continuation lines) replaced; a new
    field is inserted after the nearest field that precedes it in contract order (before the
    closing ``---`` when there is none). The BOM, line ends (LF, CRLF or CR), the other
    lines and the body stay byte-identical. Raises ``frontmatter.SourceError`` for a file
    without readable front-matter.
    """
    fm = frontmatter.parse(data)  # the same reader validation uses: the same key lines
    lines = data.splitlines(keepends=True)  # splits on LF, CRLF and CR, as decode_source does
    first = lines[0]
    eol = first[len(first.rstrip(b"\r\n")):] or b"\n"
    top = {key: line for key, line in fm.lines.items() if "[" not in key}
    starts = set(top.values())

    def extent(key: str) -> tuple[int, int]:
        """0-based [start, stop) of a field's lines: its key line and continuation lines."""
        start = top[key] - 1
        stop = start + 1
        while stop < fm.end_line - 1 and stop + 1 not in starts and lines[stop][:1] in (b" ", b"\t", b"-"):
            stop += 1
        return start, stop

    replaced: dict[int, tuple[int, bytes]] = {}
    inserted: dict[int, list[bytes]] = {}
    contract = list(FIELDS)
    ordered = sorted(updates, key=lambda k: contract.index(k) if k in contract else len(contract))
    for key in ordered:
        text = f"{key}: {yaml_value(updates[key])}".encode() + eol
        if key in top:
            start, stop = extent(key)
            replaced[start] = (stop, text)
            continue
        before = contract[: contract.index(key)] if key in contract else contract
        anchors = [name for name in before if name in top]
        position = extent(anchors[-1])[1] if anchors else fm.end_line - 1
        inserted.setdefault(position, []).append(text)

    out: list[bytes] = []
    i = 0
    while i < len(lines):
        out.extend(inserted.pop(i, []))
        if i in replaced:
            stop, text = replaced[i]
            out.append(text)
            i = stop
            continue
        out.append(lines[i])
        i += 1
    for rest in inserted.values():  # pragma: no cover - positions are always inside the file
        out.extend(rest)
    return b"".join(out)
