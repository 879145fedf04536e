"""Names under the records folder: each file and folder name becomes part of a URL."""

from __future__ import annotations

import re

from .problems import Problems, clip
from .schema import PATH_NAME_MAX, RECORD_PATH_MAX

NAME_BAD_CHAR = re.compile(r"[^\w.-]")  # \w: letters and digits of any script, and _


def _char_shown(ch: str) -> str:
    return "space" if ch == " " else ch if ch.isprintable() else f"U+{ord(ch):04X}"


def renamed(name: str, is_file: bool = True) -> str:
    """``name`` with every character a URL cannot carry made ``-`` (``会议#3.md`` -> ``会议-3.md``);
    "" when nothing but the suffix is left."""
    stem, dot, suffix = name.rpartition(".") if is_file and "." in name else (name, "", "")
    better = re.sub(r"-{2,}", "-", NAME_BAD_CHAR.sub("-", stem)).strip("-")
    return f"{better}{dot}{NAME_BAD_CHAR.sub('-', suffix)}" if better else ""


def check_record_path(path: str, src_uri: str, records_dir: str, problems: Problems) -> None:
    """Each file and folder name under the records folder becomes part of a URL: ``#``, ``?``,
    ``%``, spaces, quotes, ``\\``, ``<>`` and control characters break every link to it, and a
    long name breaks the build. Letters and digits of any script, ``-``, ``_`` and ``.`` only."""
    rel = src_uri[len(records_dir) + 1:] if src_uri.startswith(records_dir + "/") else src_uri
    if len(rel) > RECORD_PATH_MAX:
        problems.error(path, 1, "", f"path too long under {records_dir}/: move the file up or shorten its folders "
                                    f"(expected at most {RECORD_PATH_MAX} characters, got {len(rel):,})")
        return
    parts = rel.split("/")
    for n, part in enumerate(parts, 1):
        what = "file" if n == len(parts) else "folder"
        bad = dict.fromkeys(NAME_BAD_CHAR.findall(part))
        if bad:
            better = renamed(part, what == "file") or "a name of letters and digits"
            problems.error(
                path, 1, "",
                f"the {what} name {clip(part)} breaks every link to it ({', '.join(map(_char_shown, bad))}): "
                f"rename it to {clip(better)} (expected letters, digits, -, _ and . only)",
            )
        elif len(part) > PATH_NAME_MAX:
            problems.error(path, 1, "", f"the {what} name {clip(part)} is too long: shorten it "
                                        f"(expected at most {PATH_NAME_MAX} characters, got {len(part):,})")

