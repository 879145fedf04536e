"""Reading a Markdown file's YAML front-matter with the line of every key.

Files must be UTF-8 (a BOM and CRLF line ends are accepted). A file in another encoding is
refused with the encoding it most likely is, so staff know what to re-save it as.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

try:  # libyaml is ten times faster; PyYAML's wheels ship it
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

BOM = "\ufeff"
_STR = "tag:yaml.org,2002:str"
FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


class SourceError(Exception):
    """A file that cannot be read as a record at all; ``line`` is 1-based (0: whole file)."""

    def __init__(self, line: int, message: str, field: str = ""):
        super().__init__(message)
        self.line = line
        self.message = message
        self.field = field


@dataclass
class FrontMatter:
    values: dict[str, object]
    lines: dict[str, int]  # key -> 1-based line in the file
    body: str
    body_line: int  # 1-based line where the body starts
    end_line: int  # line of the closing fence
    duplicates: list[tuple[int, str, str]] = field(default_factory=list)  # (line, key, message): keys set twice


def guess_encoding(data: bytes) -> str | None:
    """The legacy Chinese encoding ``data`` decodes in, if any (GBK first: it is the common one)."""
    for name in ("gbk", "gb18030", "big5"):
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        return name.upper()
    return None


def decode_source(data: bytes) -> str:
    """UTF-8 text with BOM stripped and line ends normalised, or a SourceError naming the encoding."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        likely = guess_encoding(data)
        hint = f"it looks like {likely}; " if likely else ""
        raise SourceError(
            line, f"file is not UTF-8 ({hint}save it as UTF-8, expected UTF-8 text)"
        ) from None
    if text.startswith(BOM):
        text = text[1:]
    if "\r" not in text:  # the common case: nothing to replace, no copy
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


# the closing fence: searched for in one call (a loop over the lines cost 0.5 s at 50,000 records)
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def split(text: str) -> tuple[str, int, str, int]:
    """Split into (yaml text, closing line, body, body line). Raises SourceError without a block."""
    if not text.startswith("---"):
        raise SourceError(1, "no front-matter (expected a '---' line at the top of the file)")
    first_nl = text.find("\n")
    if first_nl == -1 or not FENCE.match(text[:first_nl]):
        raise SourceError(1, "no front-matter (expected a '---' line at the top of the file)")
    closing = _CLOSING_FENCE.search(text, first_nl + 1)
    if closing is None:
        raise SourceError(1, "front-matter is not closed (expected a '---' line after it)")
    line = 2 + text.count("\n", first_nl + 1, closing.start())
    body = text[closing.end() + 1 :]  # the fence line ends at a line break or at the end of the text
    return text[first_nl + 1 : closing.start()], line, body, line + 1


def timestamp_or_invalid(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    """A date YAML recognised but cannot build (``2023-02-30``), at any depth, is kept as an
    ``InvalidScalar`` to be reported with its key instead of failing the whole file."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        return InvalidScalar(node.value, str(exc))


class _Loader(_SafeLoader):
    pass


_Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp_or_invalid)


# --- the common case without YAML's scanner ------------------------------------------------------
# Front-matter as staff and `archive new` write it is one `field: value` line per field, each value
# plain text, a number, a date or a one-line list of such. Reading those lines directly gives what
# YAML gives (the same resolver decides each value's type, the same constructors build it) in a
# fifth of the time: at 50,000 records YAML's scanner and its Python callbacks were 3.5 s of
# `archive check`. Anything else (quotes, blocks, comments after values, anchors, tags, repeated
# or odd keys, control characters, long text) goes to YAML itself, with all its checks.
_SIMPLE_MAX = 4096  # characters of front-matter read this way (longer goes to YAML and its limits)
# A plain scalar that means the same in block and in flow context: no indicator first, none of
# the characters that end or quote a scalar (: # , [ ] { } ' "), no control or line-break character.
_FIRST = r"[^-?:,\[\]{}#&*!|>'\"%@`\s\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]"
_REST = r"[^:,\[\]{}#'\"\t\n\r\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]"
_SIMPLE_SCALAR = re.compile(f"{_FIRST}{_REST}*")
# Every line empty or `key: value` (a plain scalar, or [ … ] on the line): checked in one call.
_SIMPLE_TEXT = re.compile(rf"(?:(?:[a-z_][a-z0-9_]*: +(?:{_FIRST}{_REST}*?|\[[^\[\]\n]*\]) *)?\n)*")
_SIMPLE_TAGS = {f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float", "bool", "null", "timestamp")}
_simple_keys: dict[str, bool] = {}  # key -> YAML reads it as text (not `on`, `null`, …)
_typed: dict[str, object] = {}  # typed scalar -> its value (dates, numbers: immutable, and repeated)


class _NoScanner(yaml.constructor.SafeConstructor):
    """The loader's constructors, called on scalars read without a parser."""


_SCALARS = _NoScanner()


def _simple_scalar(text: str) -> object:
    """The value of a plain scalar ``text`` (checked by the caller), as YAML would build it."""
    resolvers = _Loader.yaml_implicit_resolvers.get(text[0])  # Resolver.resolve's lookup
    if resolvers is None:
        return text
    value = _typed.get(text, _typed)
    if value is not _typed:
        return value
    tag = _STR
    for candidate, pattern in resolvers:
        if pattern.match(text):
            tag = candidate
            break
    if tag == _STR:
        return text
    if tag not in _SIMPLE_TAGS:
        raise ValueError(tag)  # `=`, `<<`: YAML says what it makes of them
    value = _Loader.yaml_constructors[tag](_SCALARS, yaml.ScalarNode(tag, text))
    if len(_typed) < 4096:
        _typed[text] = value
    return value


def _simple_mapping(yaml_text: str, first_line: int) -> tuple[dict, dict, list] | None:
    """The mapping of simple front-matter, exactly as YAML reads it; None for anything else."""
    if len(yaml_text) > _SIMPLE_MAX or None in _Loader.yaml_implicit_resolvers or _Loader.yaml_path_resolvers:
        return None
    if not yaml_text.endswith("\n"):
        yaml_text += "\n"
    if _SIMPLE_TEXT.fullmatch(yaml_text) is None:
        return None
    values: dict[str, object] = {}
    lines: dict[str, int] = {}
    try:
        for offset, text in enumerate(yaml_text.split("\n")):
            if not text:
                continue
            key, _, raw = text.partition(":")
            plain_key = _simple_keys.get(key)
            if plain_key is None:
                plain_key = type(_simple_scalar(key)) is str  # not `on`, `null`, `yes` …
                if len(_simple_keys) < 1000:  # the contract's fields and a few more, not every key ever seen
                    _simple_keys[key] = plain_key
            if not plain_key or key in values:
                return None
            raw = raw.strip(" ")
            line = first_line + offset
            if raw[0] != "[":
                values[key] = _simple_scalar(raw)
                lines[key] = line
                continue
            inner = raw[1:-1].strip(" ")
            items = [item.strip(" ") for item in inner.split(",")] if inner else []
            if not all(_SIMPLE_SCALAR.fullmatch(item) for item in items):
                return None
            values[key] = [_simple_scalar(item) for item in items]
            lines[key] = line
            for i in range(len(items)):
                lines[f"{key}[{i}]"] = line
    except Exception:  # a value YAML builds otherwise, or refuses: YAML says what and where
        return None
    return values, lines, []


def parse_yaml_mapping(yaml_text: str, first_line: int) -> tuple[dict, dict, list]:
    """Parse a YAML mapping, returning (values, key lines, duplicate-key warnings).

    ``first_line`` is the file line of the first YAML line, so marks map back to the file.
    """
    simple = _simple_mapping(yaml_text, first_line)
    return simple if simple is not None else yaml_mapping(yaml_text, first_line)


def yaml_mapping(yaml_text: str, first_line: int) -> tuple[dict, dict, list]:
    """``parse_yaml_mapping`` by YAML's own parser, whatever the text."""
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        if not isinstance(node, yaml.MappingNode):
            raise SourceError(first_line, "front-matter must be a mapping of field: value lines")
        values: dict[str, object] = {}
        lines: dict[str, int] = {}
        duplicates = []
        construct = loader.construct_object
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR else construct(key_node, deep=True)
            line = first_line + key_node.start_mark.line
            if not isinstance(key, str):
                raise SourceError(line, f"field names must be text, got {key!r}")
            value = construct(value_node, deep=True)
            if key in values:
                duplicates.append((line, key, f"field appears twice (first on line {lines[key]})"))
            values[key] = value
            lines[key] = line
            if isinstance(value_node, yaml.SequenceNode):  # list items keep their own lines
                for i, item in enumerate(value_node.value):
                    lines[f"{key}[{i}]"] = first_line + item.start_mark.line
        return values, lines, duplicates
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or str(exc)
        raise SourceError(line, f"YAML syntax error: {problem}") from None
    finally:
        loader.dispose()


@dataclass(frozen=True)
class InvalidScalar:
    """A scalar YAML recognised but could not construct, such as the date 2023-02-30."""

    text: str
    reason: str

    def __str__(self) -> str:
        return self.text


def parse(data: bytes) -> FrontMatter:
    text = decode_source(data)
    yaml_text, end_line, body, body_line = split(text)
    values, lines, duplicates = parse_yaml_mapping(yaml_text, 2)
    return FrontMatter(values, lines, body, body_line, end_line, duplicates)

