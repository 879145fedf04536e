"""Reading a Markdown file's YAML front-matter with the line of every key.

The file's bytes are read as text by ``textfile`` (UTF-8 only, with the size limit).

Every YAML the archive reads (front-matter here, ``archive.yml`` in registry.py) goes through
``compose``: it is untrusted input, so a file too large, a control character, an anchor or
alias (a billion-laughs bomb), nesting too deep, a key written twice or a value no constructor
can build is a ``SourceError`` with its line, never a traceback or a hang.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .messages import Bilingual, Message, message
from .problems import clip
from .schema import FRONT_MATTER_MAX, YAML_DEPTH_MAX, YAML_KEY_MAX
from .textfile import SourceError, decode_source

try:  # libyaml is ten times faster; PyYAML's wheels ship it
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

_STR = "tag:yaml.org,2002:str"
FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
# What YAML refuses to read (C0 and C1 controls but tab and newline, lone surrogates, U+FFFE/F),
# and the line breaks it counts but a file's lines do not (NEL, LS, PS): a line number after one
# of those would be wrong. Refused in the text and in what an escape ("\x0b") makes of it.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_CHAR_NAMES = {
    0x00: Bilingual("空字符", "NUL"), 0x07: Bilingual("响铃", "bell"), 0x08: Bilingual("退格", "backspace"),
    0x0B: Bilingual("垂直制表符", "vertical tab"), 0x0C: Bilingual("换页符", "form feed"),
    0x0D: Bilingual("回车符", "carriage return"), 0x1B: Bilingual("转义符", "escape"),
    0x7F: Bilingual("删除符", "delete"),
    0x85: Bilingual("下一行", "next line"), 0x2028: Bilingual("行分隔符", "line separator"),
    0x2029: Bilingual("段分隔符", "paragraph separator"),
}
# A top-level key at the start of a line, to name the field of a character that stops the reader.
_KEY_LINE = re.compile(r"([^\s#'\"\-?:\[\]{},&*!|>%@`][^:#]*?)[ \t]*:(?:[ \t]|$)")


@dataclass
class FrontMatter:
    values: dict[str, object]
    lines: dict[str, int]  # key -> 1-based line in the file
    body: str
    body_line: int  # 1-based line where the body starts
    end_line: int  # line of the closing fence
    duplicates: list[tuple[int, str, Message]] = field(default_factory=list)  # (line, key, message): keys set twice


def char_named(ch: str) -> Message:
    """``control character U+000B (vertical tab)``: how a refused character is named in messages."""
    code = ord(ch)
    if code in (0x85, 0x2028, 0x2029):
        kind = "line-break"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "lone-surrogate"
    elif code in (0xFFFE, 0xFFFF):
        kind = "noncharacter"
    else:
        kind = "control"
    name = _CHAR_NAMES.get(code)
    what = message(f"part.char-kind.{kind}")
    if name:
        return message("part.char-named", kind=what, point=f"{code:04X}", name=name)
    return message("part.char", kind=what, point=f"{code:04X}")


def describe_char(ch: str) -> str:
    """``char_named`` as text in the reader's language."""
    return char_named(ch).render()


def char_message(ch: str) -> Message:
    return message("E-char-not-allowed", char=char_named(ch))


# the closing fence: searched for in one call (a loop over the lines cost 0.5 s at 50,000 records)
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def split(text: str) -> tuple[str, int, str, int]:
    """Split into (yaml text, closing line, body, body line). Raises SourceError without a block."""
    if not text.startswith("---"):
        raise SourceError(1, message("E-front-matter-missing"))
    first_nl = text.find("\n")
    if first_nl == -1 or not FENCE.match(text[:first_nl]):
        raise SourceError(1, message("E-front-matter-missing"))
    closing = _CLOSING_FENCE.search(text, first_nl + 1)
    if closing is None:
        raise SourceError(1, message("E-front-matter-unclosed"))
    line = 2 + text.count("\n", first_nl + 1, closing.start())
    body = text[closing.end() + 1 :]  # the fence line ends at a line break or at the end of the text
    return text[first_nl + 1 : closing.start()], line, body, line + 1


def timestamp_or_invalid(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    """A date YAML recognised but cannot build (``2023-02-30``), at any depth, is kept as an
    ``InvalidScalar`` to be reported with its key instead of failing the whole file."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, AttributeError) as exc:  # AttributeError: !!timestamp on text that is no date
        reason = str(exc) if isinstance(exc, ValueError) else message("part.reason.not-date")  # Python's words
        return InvalidScalar(str(node.value), reason)


def _lenient(construct, what: str):
    """A scalar constructor that keeps what it cannot build (``!!int x``, an integer of 5,000
    digits, ``!!bool maybe``) as an ``InvalidScalar`` instead of raising out of the loader."""

    def build(loader: yaml.SafeLoader, node: yaml.Node) -> object:
        if len(str(node.value)) > 100:  # no date, flag or number of the archive is this long
            reason = "too-large" if what == "not-whole-number" else what
            return InvalidScalar(str(node.value), message(f"part.reason.{reason}"))
        try:
            value = construct(loader, node)
        except (ValueError, KeyError, TypeError, OverflowError):
            return InvalidScalar(str(node.value), message(f"part.reason.{what}"))
        if isinstance(value, int) and value.bit_length() > 64:  # Python cannot even print 0x followed by 4,000 f
            return InvalidScalar(str(node.value), message("part.reason.too-large"))
        return value

    return build


class Loader(_SafeLoader):
    """The one YAML loader of the archive: libyaml, safe, lenient constructors (see ``compose``)."""


Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp_or_invalid)
# (the reason of each: a part.reason.… key of the catalogue)
Loader.add_constructor("tag:yaml.org,2002:int", _lenient(yaml.SafeLoader.construct_yaml_int, "not-whole-number"))
Loader.add_constructor("tag:yaml.org,2002:float", _lenient(yaml.SafeLoader.construct_yaml_float, "not-number"))
Loader.add_constructor("tag:yaml.org,2002:bool", _lenient(yaml.SafeLoader.construct_yaml_bool, "not-bool"))


def _field_at(yaml_text: str, index: int) -> str:
    """The top-level key whose block holds line ``index`` (0-based) of ``yaml_text``, if any."""
    lines = yaml_text.split("\n")
    for i in range(min(index, len(lines) - 1), -1, -1):
        m = _KEY_LINE.match(lines[i])
        if m:
            return "" if FORBIDDEN.search(m.group(1)) else m.group(1)
    return ""


def _key_at(yaml_text: str, offset: int) -> str:
    """The dotted key (``units[1].name``) of the value holding character ``offset``, read with
    the refused characters blanked out; the top-level key of its line if that does not parse."""
    loader = Loader(FORBIDDEN.sub(" ", yaml_text))
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        node = None
    finally:
        loader.dispose()
    best, best_depth = None, -1
    stack = [(node, "", 0)] if node is not None else []
    seen: set[int] = set()  # aliases share nodes: visit each once
    while stack:
        n, path, depth = stack.pop()
        if id(n) in seen or not n.start_mark.index <= offset <= n.end_mark.index:
            continue
        seen.add(id(n))
        if depth > best_depth:
            best, best_depth = path, depth
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                stack.append((k, path, depth + 1))
                if isinstance(k, yaml.ScalarNode):
                    stack.append((v, f"{path}.{k.value}" if path else k.value, depth + 1))
        elif isinstance(n, yaml.SequenceNode):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(n.value))
    if best is None:
        return _field_at(yaml_text, yaml_text.count("\n", 0, offset))
    return best


def _depth_message() -> Message:
    return message("E-yaml-too-deep", limit=YAML_DEPTH_MAX)


def _refuse_anchors(loader: yaml.SafeLoader, yaml_text: str, first_line: int) -> None:
    """Anchors and aliases (``&x`` / ``*x``) let a few lines stand for billions of values: no
    record or registry needs one, so the first is an error (checked on the parser's events)."""
    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise SourceError(
                first_line + event.start_mark.line,
                message("E-yaml-anchor", got=f"{sign}{event.anchor}"),
                _field_at(yaml_text, event.start_mark.line),
            )


@dataclass
class Composed:
    """A checked YAML document: its root node, the line of every dotted key (when asked for) and
    the keys written twice (line, dotted key, line of the first, whether below the top level)."""

    node: yaml.Node | None
    lines: dict[str, int]
    duplicates: list[tuple[int, str, int, bool]]


def _walk(node: yaml.Node, first_line: int, dotted: bool, check_scalars: bool) -> tuple[dict, list]:
    """One pass over the nodes, without recursion: depth, keys that are not text (``1:``,
    ``true:``, ``[a]:``; the callers word the top-level ones of a record), keys written twice,
    escaped control characters; with ``dotted`` the line of every key (``units[1].code``).
    Scalars are checked where they are met, not stacked: every record goes through here."""
    lines: dict[str, int] = {}
    duplicates: list[tuple[int, str, int, bool]] = []
    stack: list[tuple[yaml.Node, str, int]] = [(node, "", 1)]

    def check(scalar: yaml.Node, path: str) -> None:
        bad = FORBIDDEN.search(scalar.value)
        if bad:
            raise SourceError(first_line + scalar.start_mark.line, char_message(bad.group()), path)

    while stack:
        n, path, depth = stack.pop()
        if isinstance(n, yaml.ScalarNode):  # only the root
            if check_scalars:
                check(n, path)
            continue
        if depth > YAML_DEPTH_MAX:
            raise SourceError(first_line + n.start_mark.line, _depth_message(), path)
        if isinstance(n, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in n.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise SourceError(first_line + key_node.start_mark.line,
                                      message("E-yaml-key-not-text", got=message("part.key.collection")), path)
                name = key_node.value
                if key_node.tag != _STR and (dotted or depth > 1):  # 1: x would sort against text keys
                    raise SourceError(first_line + key_node.start_mark.line,
                                      message("E-yaml-key-not-text", got=message("part.key.scalar", key=clip(name))),
                                      path)
                if check_scalars:
                    check(key_node, path)
                if len(name) > YAML_KEY_MAX:
                    raise SourceError(first_line + key_node.start_mark.line,
                                      message("E-yaml-key-too-long", limit=YAML_KEY_MAX, got=len(name)), path)
                key = f"{path}.{name}" if path else name
                if name in seen:
                    duplicates.append((first_line + key_node.start_mark.line, key, seen[name], depth > 1))
                else:
                    seen[name] = first_line + key_node.start_mark.line
                if dotted:
                    lines.setdefault(key, first_line + key_node.start_mark.line)
                if isinstance(value_node, yaml.ScalarNode):
                    if check_scalars:
                        check(value_node, key)
                else:
                    stack.append((value_node, key, depth + 1))
        else:  # a sequence
            for i, item in enumerate(n.value):
                if dotted:
                    lines.setdefault(f"{path}[{i}]", first_line + item.start_mark.line)
                if isinstance(item, yaml.ScalarNode):
                    if check_scalars:
                        check(item, f"{path}[{i}]")
                else:
                    stack.append((item, f"{path}[{i}]", depth + 1))
    return lines, duplicates


def compose(yaml_text: str, first_line: int, loader: yaml.SafeLoader, dotted: bool = False) -> Composed:
    """Check and compose ``yaml_text`` (whose first line is line ``first_line`` of its file) with
    ``loader``; every refusal is a SourceError with the file line and, where known, the key.

    Keys written twice are left to the caller to report (records word top-level ones their own
    way); ``lines`` holds the first line of each."""
    bad = FORBIDDEN.search(yaml_text)
    if bad:
        index = yaml_text.count("\n", 0, bad.start())
        raise SourceError(first_line + index, char_message(bad.group()), _key_at(yaml_text, bad.start()))
    try:
        if "&" in yaml_text or "*" in yaml_text:  # only then can there be one: skip the second parse
            scan = Loader(yaml_text)
            try:
                _refuse_anchors(scan, yaml_text, first_line)
            finally:
                scan.dispose()
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or str(exc)
        if "maximum nesting depth" in problem:  # libyaml's own bound (1,000 levels)
            raise SourceError(line, _depth_message(), _field_at(yaml_text, line - first_line)) from None
        raise SourceError(line, message("E-yaml-syntax", problem=problem)) from None
    except yaml.YAMLError as exc:  # a reader error the character check did not foresee
        raise SourceError(first_line, message("E-yaml-syntax", problem=str(exc))) from None
    except RecursionError:  # pure-Python PyYAML (without libyaml) recurses per level
        raise SourceError(first_line, _depth_message()) from None
    if node is None:
        return Composed(None, {}, [])
    lines, duplicates = _walk(node, first_line, dotted, "\\" in yaml_text)
    return Composed(node, lines, duplicates)


def construct_value(loader: yaml.SafeLoader, node: yaml.Node, first_line: int) -> object:
    """A checked node's value; a constructor's refusal is a SourceError on its line."""
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark or node.start_mark
        raise SourceError(first_line + mark.line, message("E-yaml-syntax", problem=str(exc.problem or exc))) from None


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
# (FORBIDDEN's characters are among them: ``compose`` names those.)
_FIRST = r"[^-?:,\[\]{}#&*!|>'\"%@`\s\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
_REST = r"[^:,\[\]{}#'\"\t\n\r\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
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
    resolvers = Loader.yaml_implicit_resolvers.get(text[0])  # Resolver.resolve's lookup
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
    value = Loader.yaml_constructors[tag](_SCALARS, yaml.ScalarNode(tag, text))
    if len(_typed) < 4096:
        _typed[text] = value
    return value


def _simple_mapping(yaml_text: str, first_line: int) -> tuple[dict, dict, list] | None:
    """The mapping of simple front-matter, exactly as YAML reads it; None for anything else."""
    if len(yaml_text) > _SIMPLE_MAX or None in Loader.yaml_implicit_resolvers or Loader.yaml_path_resolvers:
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
            if not plain_key or key in values or len(key) > YAML_KEY_MAX:
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
    """Parse a YAML mapping, returning (values, key lines, duplicate keys: (line, key, message)).

    ``first_line`` is the file line of the first YAML line, so marks map back to the file.
    """
    if len(yaml_text) > FRONT_MATTER_MAX:
        raise SourceError(first_line, message("E-front-matter-too-long", limit=FRONT_MATTER_MAX, got=len(yaml_text)))
    simple = _simple_mapping(yaml_text, first_line)
    return simple if simple is not None else yaml_mapping(yaml_text, first_line)


def yaml_mapping(yaml_text: str, first_line: int) -> tuple[dict, dict, list]:
    """``parse_yaml_mapping`` by YAML's own reader, whatever the text (checked by ``compose``)."""
    loader = Loader(yaml_text)
    try:
        composed = compose(yaml_text, first_line, loader)
        node = composed.node
        if node is None:
            return {}, {}, []
        if not isinstance(node, yaml.MappingNode):
            raise SourceError(first_line, message("E-front-matter-not-mapping"))
        values: dict[str, object] = {}
        lines: dict[str, int] = {}
        duplicates = []
        for key_node, value_node in node.value:
            line = first_line + key_node.start_mark.line
            key = key_node.value if key_node.tag == _STR else construct_value(loader, key_node, first_line)
            if not isinstance(key, str):
                raise SourceError(line, message("E-field-name-not-text", got=repr(key)))
            value = construct_value(loader, value_node, first_line)
            if key in values:
                duplicates.append((line, key, message("E-field-twice", first=lines[key])))
            values[key] = value
            lines[key] = line
            if isinstance(value_node, yaml.SequenceNode):  # list items keep their own lines
                for i, item in enumerate(value_node.value):
                    lines[f"{key}[{i}]"] = first_line + item.start_mark.line
        duplicates += [(line, key, message("E-key-twice", first=first))
                       for line, key, first, nested in composed.duplicates if nested]
        return values, lines, duplicates
    finally:
        loader.dispose()


@dataclass(frozen=True)
class InvalidScalar:
    """A scalar YAML recognised but could not construct, such as the date 2023-02-30."""

    text: str
    reason: Message | str  # why (a part.reason.… message; a date's reason is Python's words)

    def __str__(self) -> str:
        return self.text


def parse(data: bytes) -> FrontMatter:
    """A record file's front-matter and body; a SourceError (with its line) when it cannot be read."""
    text = decode_source(data)
    yaml_text, end_line, body, body_line = split(text)
    values, lines, duplicates = parse_yaml_mapping(yaml_text, 2)
    return FrontMatter(values, lines, body, body_line, end_line, duplicates)

