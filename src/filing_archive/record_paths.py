"""Names under the records folder: each file and folder name becomes part of a URL."""

from __future__ import annotations

import re

from .messages import Bilingual, message
from .problems import Problems, clip
from .schema import PATH_NAME_MAX, RECORD_PATH_MAX

NAME_BAD_CHAR = re.compile(r"[^\w.-]")  # \w: letters and digits of any script, and _


def _char_shown(ch: str) -> Bilingual | str:
    return Bilingual("空格", "space") if ch == " " else ch if ch.isprintable() else f"U+{ord(ch):04X}"


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
        problems.error(path, 1, "", "E-path-too-long", folder=records_dir, limit=RECORD_PATH_MAX, got=len(rel))
        return
    parts = rel.split("/")
    for n, part in enumerate(parts, 1):
        is_file = n == len(parts)
        what = message("part.name-of.file" if is_file else "part.name-of.folder")
        bad = dict.fromkeys(NAME_BAD_CHAR.findall(part))
        if bad:
            better = renamed(part, is_file)
            problems.error(path, 1, "", "E-name-breaks-links", what=what, name=clip(part),
                           chars=[_char_shown(ch) for ch in bad],
                           better=clip(better) if better else message("part.name-of.letters"))
        elif len(part) > PATH_NAME_MAX:
            problems.error(path, 1, "", "E-name-too-long", what=what, name=clip(part), limit=PATH_NAME_MAX,
                           got=len(part))

