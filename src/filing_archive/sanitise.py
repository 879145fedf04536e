"""Record text as published: nothing a record brings runs, loads or restyles anything on a page.

Record bodies (and their translations) are untrusted: MkDocs renders them to HTML, then
``clean_html`` keeps only what the archive's Markdown features write (``mkdocs.yml``:
tables, attr_list, md_in_html, admonition, toc permalinks, details, superfences; and plain
Python-Markdown) on an allow-list of tags, attributes, classes and URLs, with nh3. Only the
pages of the archive's own templates are trusted.

``body_findings`` reads a record's Markdown the way the check does: raw HTML outside code, and
links and images the published page will not keep, each with its line, so staff hear of it
before publishing instead of finding text silently gone.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import nh3

from .fields import in_turn
from .messages import Message, message

try:  # code highlighting classes (pymdownx.superfences uses Pygments when it is there)
    from pygments.token import STANDARD_TYPES
except ImportError:  # pragma: no cover - Material installs Pygments
    STANDARD_TYPES = {}

# What Python-Markdown and the extensions of mkdocs.yml write, and nothing else.
TAGS = frozenset({
    "a", "blockquote", "br", "code", "details", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "span", "strong", "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
# Removed with everything inside them: their content is code, styles or another document, never text.
CLEAN_CONTENT_TAGS = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "template",
    "noscript", "noembed", "noframes", "textarea", "select", "title", "xmp", "plaintext",
})
ATTRIBUTES = {
    "*": {"id", "class"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "details": {"open"},
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start"},
}
VOID_TAGS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source",
    "track", "wbr",
})  # no content, no end tag
URL_SCHEMES = frozenset({"http", "https", "mailto"})  # links; what a page loads must be relative
# Admonition and details kinds (Python-Markdown's and Material's), code highlighting, permalinks.
CLASSES = frozenset({
    "admonition", "admonition-title", "inline", "end",
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check",
    "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing",
    "danger", "error", "bug", "example", "quote", "cite",
    "headerlink", "highlight", "highlighttable", "linenos", "linenodiv", "normal", "code", "filename", "hll",
    "grid", "cards",
    *(c for c in STANDARD_TYPES.values() if c),
})  # never "mermaid" (Material then loads mermaid from a CDN) nor Material's own md-* classes
CLASS_PREFIXES = ("language-",)
# Ids the page's own scripts and templates use (Material's __config, the search's archive-*): a
# record must not shadow them. Ids must also stand in a URL and a CSS selector as they are.
RESERVED_ID_PREFIXES = ("__", "archive-")
RESERVED_IDS = frozenset({"record-title", "amendments"})
SAFE_ID_RE = re.compile(r"[\w.:-]{1,200}")
TEXT_ALIGN_RE = re.compile(r"text-align:\s*(?:left|right|center);?")  # what tables write for :--, --:
NUMBER_RE = re.compile(r"\d{1,5}")
SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
URL_IGNORED_RE = re.compile(r"[\t\n\r]")  # browsers delete these anywhere in a URL
C0_AND_SPACE = "".join(chr(c) for c in range(0x21))  # and strip these from both ends


def url_scheme(url: str) -> str:
    """The scheme a browser reads in ``url`` (lower case), or "" for a relative URL.

    ``url`` is an attribute value as the browser sees it (entities decoded); the clean-ups a
    browser does first (spaces and controls around it, tabs and newlines inside) are done here,
    so ``" Java\\tScript:"`` is ``javascript``."""
    m = SCHEME_RE.match(URL_IGNORED_RE.sub("", url.strip(C0_AND_SPACE)))
    return m.group(1).lower() if m else ""


def link_allowed(url: str) -> bool:
    """A link may go to http, https, mailto or anywhere within the site."""
    return url_scheme(url) in URL_SCHEMES or url_scheme(url) == ""


def is_local(url: str) -> bool:
    """True when loading ``url`` stays on the site: relative, not ``//host/…`` (nor ``/\\host``)."""
    text = URL_IGNORED_RE.sub("", url.strip(C0_AND_SPACE)).replace("\\", "/")
    return url_scheme(text) == "" and not text.startswith("//")


def class_allowed(name: str) -> bool:
    return name in CLASSES or (name.startswith(CLASS_PREFIXES) and re.fullmatch(r"[\w+#.-]+", name) is not None)


def id_allowed(value: str) -> bool:
    return (SAFE_ID_RE.fullmatch(value) is not None and not value.startswith(RESERVED_ID_PREFIXES)
            and value not in RESERVED_IDS)


def page_id(value: str) -> str:
    """The id an element of a record keeps: its own, or for one that is reserved or unsafe a
    stand-in made from it, the same for the heading, its permalink and the table of contents."""
    if id_allowed(value):
        return value
    return "id-" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def keep_attribute(tag: str, name: str, value: str) -> str | None:
    """The value an allowed attribute keeps (classes: the allowed ones), or None to remove it.

    nh3 calls this for every attribute it kept; the check asks it about raw HTML."""
    if name not in ATTRIBUTES["*"] and name not in ATTRIBUTES.get(tag, ()):
        return None
    if name == "class":
        kept = [c for c in value.split() if class_allowed(c)]
        return " ".join(kept) or None
    if name == "id":
        return page_id(value)
    if name == "href":
        if value.startswith("#") and len(value) > 1:  # a link within the page follows its heading's id
            return "#" + page_id(value[1:])
        return value if link_allowed(value) else None
    if name == "src":
        return value if is_local(value) else None
    if name == "style":
        return value if TEXT_ALIGN_RE.fullmatch(value.strip()) else None
    if name in ("width", "height", "start", "colspan", "rowspan"):
        return value if NUMBER_RE.fullmatch(value.strip()) else None
    if name == "loading":
        return value if value in ("lazy", "eager") else None
    if name == "open":
        return value if value in ("", "open") else None
    return value  # alt, title: text


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    attribute_filter=keep_attribute,
    strip_comments=True,
    link_rel=None,  # no target attribute is allowed, so no rel is needed; links stay as written
    url_schemes=set(URL_SCHEMES),
)
_TEXT_ONLY = nh3.Cleaner(tags=set(), clean_content_tags=set(CLEAN_CONTENT_TAGS), attributes={})


def clean_html(fragment: str) -> str:
    """A record body's rendered HTML, with everything outside the allow-list removed."""
    return _CLEANER.clean(fragment)


def text_only(fragment: str) -> str:
    """An HTML fragment reduced to its text, escaped: for places such as the table of contents."""
    return _TEXT_ONLY.clean(fragment)


# --- what the check says about a body -------------------------------------------------------------
FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
LIST_OR_BLOCK_RE = re.compile(r"^[ \t]{0,3}(?:[-*+]|\d+[.)])[ \t]|^[ \t]*(?:!!!|\?\?\?\+?)[ \t]")
CODE_SPAN_RE = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)", re.S)
# Python-Markdown's raw HTML: a tag, a comment, <!…> or <?…?>; autolinks and e-mail autolinks are not.
# Every pattern stops at the next "<" or keeps to a bounded length: a hostile body of thousands
# of unclosed "<!--" or "{" must not make the check quadratic.
RAW_HTML_RE = re.compile(
    r"(?<!\\)<(?:(?P<tag>[A-Za-z][^<>@\s/]*)(?:[\s/][^<>]*)?>|!--(?:(?!<!--|-->).)*-->|[!?][^<>]*>)", re.S
)
AUTOLINK_RE = re.compile(r"<(?:https?|ftp)://", re.I)
LINK_RE = re.compile(r"(?<!\\)(?P<image>!?)\[[^\[\]]{0,300}(?<!\\)\]\(\s*<?(?P<url>(?:[^\s()<>]|\([^\s()]*\))*)")
REFERENCE_RE = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*<?(?P<url>[^\s>]+)", re.M)
# attr_list's attribute lists ({: #id .class key=value }): on a line of their own (for the block
# above), ending a heading, or right after an inline element (link, image, emphasis, code).
ATTR_LIST_RE = re.compile(
    r"(?:^[ \t]*|^#{1,6}[ \t][^{\n]*[ \t])\{:?[ ]*(?P<block>[^}\n ][^}\n]{0,300}?)[ ]*\}(?=[ \t]*$)"
    r"|(?<=[)*_`\]])\{:?[ ]*(?P<inline>[^}\n ][^}\n]{0,300}?)[ ]*\}",
    re.M,
)
ATTR_TOKEN_RE = re.compile(r"([^\s=]+)=(\"[^\"]*\"|'[^']*'|\S+)|(\S+)")
SHOWN = 60  # characters of a hostile URL quoted in a message
MAX_FINDINGS = 20  # per file: a body of ten thousand tags gets twenty lines and a last one, in bounded time


def _shorten(text: str) -> str:
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


class _Tag(HTMLParser):
    """The attributes of one start tag, entities decoded as a browser decodes them."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str]] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        if not self.attrs:
            self.attrs = [(name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag


def _changes(attributes: list[tuple[str, str, str]]) -> Message | None:
    """What publishing does to (tag, name, value) attributes, in words; None when nothing."""
    removed, renamed = [], []
    for tag, name, value in attributes:
        kept = keep_attribute(tag, name, value)
        if name == "class" and kept != value:
            removed.append(f"class {' '.join(c for c in value.split() if not class_allowed(c))}")
        elif kept is None:
            removed.append(name)
        elif kept != value:  # an id (or a link to one) the page reserves
            renamed.append(f"{name} {_shorten(value)}")
    parts = [message(f"part.html.{what}-{'one' if len(names) == 1 else 'many'}", names=names)
             for names, what in ((removed, "removed"), (renamed, "renamed")) if names]
    return in_turn(parts) if parts else None


def tag_finding(name: str, markup: str) -> Message | None:
    """What publishing does to one raw start tag, in words; None for a Markdown-in-HTML block
    (``markdown="1"``) that loses nothing."""
    tag = name.lower()
    shown = f"<{tag}>"
    if tag not in TAGS:
        if tag in VOID_TAGS:
            return message("W-html-removed", html=shown)
        what = "with-content" if tag in CLEAN_CONTENT_TAGS else "text-kept"
        return message("W-html-removed-block", html=shown, what=message(f"part.html.{what}"))
    attrs = _Tag(markup).attrs
    # markdown="1" is md_in_html's switch: Markdown reads it, the page never sees it
    changes = _changes([(tag, attr, value) for attr, value in attrs if attr != "markdown"])
    if changes:
        return message("W-html-cleaned", html=shown, changes=changes)
    if any(attr == "markdown" for attr, _ in attrs):
        return None
    return message("W-html-in-text", html=shown)


def attr_list_finding(content: str) -> Message | None:
    """What publishing does to one attribute list ``{: #id .class key=value }``, in words."""
    attributes = []
    for m in ATTR_TOKEN_RE.finditer(content):
        name, value, word = m.group(1), (m.group(2) or "").strip("\"'"), m.group(3)
        if word is not None:
            name, value = {"#": ("id", word[1:]), ".": ("class", word[1:])}.get(word[:1], (word, word))
        if name == "data-toc-label":  # the table of contents reads it (as text); the page never sees it
            continue
        # the element it lands on is not known here: judge it on one that may carry it
        tag = next((t for t in ATTRIBUTES if t != "*" and name in ATTRIBUTES[t]), "p")
        attributes.append((tag, name, value))
    changes = _changes(attributes)
    if changes is None:
        return None
    return message("W-attr-list-cleaned", content=_shorten(content), changes=changes)


def _code_free_blocks(body: str) -> list[tuple[int, str]]:
    """The body's paragraphs outside fenced and indented code, each with its first line (0-based),
    code spans blanked out (newlines kept, so offsets still count lines)."""
    blocks: list[tuple[int, list[str]]] = []
    fence: str | None = None
    in_container = False  # after a list item or an admonition, indented lines are Markdown, not code
    previous_blank = True
    for n, line in enumerate(body.split("\n")):
        if fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = None
            previous_blank = False
            continue
        m = FENCE_RE.match(line)
        if m:
            fence = m.group(1)
            in_container = in_container and line.startswith((" ", "\t"))
            previous_blank = False
            continue
        if not line.strip():
            previous_blank = True
            continue
        indented = line.startswith(("    ", "\t"))
        if indented and previous_blank and not in_container:
            continue  # an indented code block
        if not indented:
            in_container = LIST_OR_BLOCK_RE.match(line) is not None
        elif LIST_OR_BLOCK_RE.match(line.lstrip()):
            in_container = True
        if previous_blank or not blocks:
            blocks.append((n, [line]))
        else:
            blocks[-1][1].append(line)
        previous_blank = False
    out = []
    for first, lines in blocks:
        text = CODE_SPAN_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), "\n".join(lines))
        out.append((first, text))
    return out


def _block_findings(first: int, text: str) -> Iterator[tuple[int, Message]]:
    """The findings of one paragraph (``first``: its first line), lazily: the caller stops early."""
    def line_of(pos: int) -> int:
        return first + text.count("\n", 0, pos)

    for m in RAW_HTML_RE.finditer(text):
        if AUTOLINK_RE.match(m.group(0)):
            continue
        if m.group("tag"):
            said = tag_finding(m.group("tag"), m.group(0))
        else:
            said = message("W-html-removed", html=_shorten(m.group(0)))
        if said:
            yield line_of(m.start()), said
    for m in ATTR_LIST_RE.finditer(text):
        said = attr_list_finding(m.group("block") or m.group("inline"))
        if said:
            yield line_of(m.start()), said
    links = [(m.start(), m.group("image"), m.group("url")) for m in LINK_RE.finditer(text)]
    links += [(m.start(), "", m.group("url")) for m in REFERENCE_RE.finditer(text)]
    for pos, image, raw_url in links:
        url = html.unescape(raw_url)  # Markdown leaves entities for the browser to decode
        if image and not is_local(url):
            yield line_of(pos), message("W-image-not-in-archive", url=_shorten(raw_url))
        elif not image and not link_allowed(url):
            yield line_of(pos), message("W-link-removed", url=_shorten(raw_url))


def body_findings(body: str) -> list[tuple[int, Message]]:
    """(line offset in the body, message) for each thing in a record's Markdown that publishing
    removes or changes: raw HTML outside code, attribute lists, links to other schemes, images
    from other sites. At most ``MAX_FINDINGS``, then one line saying there are more."""
    if "<" not in body and "]" not in body and "{" not in body:
        return []  # the common case; single characters are the quickest test (~1 µs a record)
    found: list[tuple[int, Message]] = []
    for first, text in _code_free_blocks(body):
        found += itertools.islice(_block_findings(first, text), MAX_FINDINGS + 1 - len(found))
        if len(found) > MAX_FINDINGS:
            break
    found.sort(key=lambda f: (f[0], f[1].render("en")))  # (the order it always had)
    if len(found) > MAX_FINDINGS:
        line = found[MAX_FINDINGS][0]
        found = found[:MAX_FINDINGS] + [(line, message("W-html-more", limit=MAX_FINDINGS))]
    return found
