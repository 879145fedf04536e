"""The message catalogue: every problem the archive reports, and every line its commands print,
in Chinese (the default) and English.

A problem kind has a stable code, ``E-…`` for an error and ``W-…`` for a warning
(``E-field-missing``); a plain output line has a key ``out.…``. The texts live as data in
``message_catalogue/*.yml`` (one file per area, one entry per code)::

    E-field-missing:
      zh: 缺少必填字段，应填 {expected:or}
      en: required field is missing (expected {expected:or})
      fix:
        zh: 在 front-matter 中加上这个字段 …
        en: Add the field to the front-matter …

Code writes ``problems.error(path, line, field, "E-field-missing", expected=[...])`` or
``message("E-…", **args)``; the text is chosen when it is shown, in ``language()``
(``ARCHIVE_LANG``, set by ``--lang``). Each E-/W- code has an entry in the handbook's error page,
made from this catalogue, and a shown problem ends with where to read it.

Template fields are ``str.format`` fields over the arguments (a value is never re-read as a
template). A format spec names how a list is joined: ``{x:or}`` (zh ``甲、乙 或 丙``, en ``a | b | c``),
``{x:and}`` (zh ``甲、乙、丙``, en ``a, b, c``), ``{x:lines}`` (one per line); ``{n:,}`` and other
number specs work as in Python. An argument may be a ``Message`` (shown in the same language) or a
``Bilingual`` pair.
"""

from __future__ import annotations

import functools
import os
import re
import string
from dataclasses import dataclass
from importlib import resources

import yaml

DEFAULT_LANGUAGE = "zh"
LANGUAGES = ("zh", "en")
LANG_ENV = "ARCHIVE_LANG"
CODE_RE = re.compile(r"^[EW]-[a-z0-9]+(?:-[a-z0-9]+)*\Z")
KEY_RE = re.compile(r"^(?:out|label|part)\.[a-z0-9_.-]+\Z")
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HANDBOOK_ERRORS = {"zh": "handbook/errors/", "en": "en/handbook/errors/"}


def language() -> str:
    """The language messages are shown in: ``ARCHIVE_LANG`` (``zh`` or ``en``), Chinese by default."""
    lang = os.environ.get(LANG_ENV, "").strip().lower()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Use ``lang`` for this process and the processes it starts (mkdocs under ``archive build``)."""
    os.environ[LANG_ENV] = lang


@dataclass(frozen=True)
class Entry:
    """One entry of the catalogue: a code (or key), its templates, and for a problem the fix."""

    code: str
    zh: str
    en: str
    fix_zh: str = ""
    fix_en: str = ""

    def template(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def fix(self, lang: str) -> str:
        return self.fix_en if lang == "en" else self.fix_zh

    @property
    def is_problem(self) -> bool:
        return bool(CODE_RE.match(self.code))

    @property
    def anchor(self) -> str:
        """The id of this code's section on the handbook's error page."""
        return self.code.lower()


class CatalogueError(Exception):
    """The catalogue itself is malformed (a developer's mistake, caught by the tests)."""


def _entry(file: str, code: object, body: object) -> Entry:
    if not isinstance(code, str) or not (CODE_RE.match(code) or KEY_RE.match(code)):
        raise CatalogueError(f"{file}: {code!r}: expected a code E-…/W-… or a key out.…/label.…")
    if not isinstance(body, dict) or not isinstance(body.get("zh"), str) or not isinstance(body.get("en"), str):
        raise CatalogueError(f"{file}: {code}: expected zh: and en: texts")
    fix = body.get("fix") or {}
    if CODE_RE.match(code) and not (isinstance(fix, dict) and fix.get("zh") and fix.get("en")):
        raise CatalogueError(f"{file}: {code}: a problem code needs fix: with zh: and en:")
    extra = set(body) - {"zh", "en", "fix"}
    if extra:
        raise CatalogueError(f"{file}: {code}: unknown keys {sorted(extra)}")
    return Entry(code, body["zh"], body["en"], str(fix.get("zh", "")), str(fix.get("en", "")))


@functools.cache
def catalogue() -> dict[str, Entry]:
    """Every entry of ``message_catalogue/*.yml``, by code; a code defined twice is refused."""
    found: dict[str, Entry] = {}
    folder = resources.files(__package__) / "message_catalogue"
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if not item.name.endswith(".yml"):
            continue
        # the catalogue is the package's own data: libyaml's loader reads it in a tenth of the time
        data = yaml.load(item.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        if not isinstance(data, dict):
            raise CatalogueError(f"{item.name}: expected a mapping of codes")
        for code, body in data.items():
            if code in found:
                raise CatalogueError(f"{item.name}: {code}: defined twice")
            found[code] = _entry(item.name, code, body)
    return found


def entries() -> list[Entry]:
    """The problem kinds (E-/W- codes), sorted by code: the handbook's error page lists these."""
    return sorted((e for e in catalogue().values() if e.is_problem), key=lambda e: e.code)


@dataclass(frozen=True)
class Bilingual:
    """An argument written in both languages (a label, a term)."""

    zh: str
    en: str

    def render(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


_JOINS = {
    "or": {"zh": ("、", " 或 "), "en": (" | ", " | ")},
    "and": {"zh": ("、", "、"), "en": (", ", ", ")},
    "lines": {"zh": ("\n", "\n"), "en": ("\n", "\n")},
}


def _shown(value: object, lang: str) -> object:
    if isinstance(value, (Message, Bilingual)):
        return value.render(lang)
    return value


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec in _JOINS:
            items = [str(_shown(v, self.lang)) for v in (value if isinstance(value, (list, tuple)) else [value])]
            sep, last = _JOINS[format_spec][self.lang]
            if len(items) < 2:
                return "".join(items)
            return sep.join(items[:-1]) + last + items[-1]
        return super().format_field(_shown(value, self.lang), format_spec)


def _frozen(value: object) -> object:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


@dataclass(frozen=True)
class Message:
    """A problem's (or a line's) code and arguments; its text is chosen when it is shown."""

    code: str
    args: tuple[tuple[str, object], ...] = ()

    def render(self, lang: str | None = None) -> str:
        lang = lang or language()
        entry = catalogue().get(self.code)
        if entry is None:
            raise CatalogueError(f"no catalogue entry {self.code}")
        return _Formatter(lang).vformat(entry.template(lang), (), dict(self.args))

    def more(self, lang: str | None = None) -> str:
        """Where to read about this problem: the handbook's section for its code."""
        if not CODE_RE.match(self.code):
            return ""
        lang = lang or language()
        where = f"{HANDBOOK_ERRORS[lang]}#{self.code.lower()}"
        return f"（详见使用手册 {where}）" if lang == "zh" else f" (see the handbook: {where})"

    def __str__(self) -> str:
        return self.render()


def message(code: str, **args: object) -> Message:
    """The message ``code`` with its arguments (a list is kept as a tuple, so problems stay hashable)."""
    if code not in catalogue():
        raise CatalogueError(f"no catalogue entry {code}")
    return Message(code, tuple(sorted((k, _frozen(v)) for k, v in args.items())))


def say(key: str, **args: object) -> str:
    """A plain output line ``out.…`` in the current language."""
    return message(key, **args).render()

