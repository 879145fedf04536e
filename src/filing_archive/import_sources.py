"""Reading an import's source files into blocks (``archive import``, first step).

A source is a Word document, a PDF with a text layer (``import_pdf``), a text file or a Markdown
file. Text is decoded with the archive's one encoding detector (UTF-8 with or without BOM, UTF-16
with a BOM, GBK, GB18030 are accepted); then each line of text, Word paragraph line, heading, list
item or table becomes a ``Block`` whose Markdown is escaped so that whatever the source holds stays text on the page.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .frontmatter import parse_yaml_mapping
from .frontmatter import split as split_front_matter
from .messages import Message, message
from .problems import Problem
from .sanitise import link_allowed
from .textfile import SourceError, detect_encoding, read_limited

UNSAFE_LINK = message("part.reason-unsafe-link")
ENTITY_RE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")  # & that a browser would read as an entity
URL_SAFE = "/:?#@!$&+,;=%*"  # kept as they are in a link target; spaces, quotes, brackets, <> … are %-encoded
# The encodings an import reads, by the codec ``detect_encoding`` names, with the report's word for each.
IMPORT_ENCODINGS: dict[str, Message | str] = {
    "utf-8": "UTF-8", "utf-8-sig": message("part.encoding-utf8-bom"), "utf-16": "UTF-16", "gbk": "GBK",
    "gb18030": "GB18030",
}


# A source is untrusted and read whole: these bound what one file may cost (a PDF: import_pdf).
SOURCE_MAX_BYTES = {".docx": 100 * 2**20, ".txt": 20 * 2**20, ".md": 20 * 2**20}
DOCX_MAX_UNPACKED = 400 * 2**20  # a Word file's parts unpacked: a zip bomb is refused before python-docx opens it
DOCX_MAX_PARTS = 10_000


class ImportProblem(Exception):
    """A source file that cannot be imported (unreadable, nothing matched --split): its message."""

    def __init__(self, code: str, **args: object):
        self.message = message(code, **args)
        super().__init__(code)

    def __str__(self) -> str:
        return self.message.render()


# --- blocks ------------------------------------------------------------------------------
@dataclass
class Block:
    """One unit of a source: a line of text, a Word paragraph line, a heading, a list item, a table."""

    kind: str  # line | heading | item | table | raw
    text: str  # plain text, for classification, chrome and dates
    md: str  # inline Markdown
    where: Message  # "line 5" or "paragraph 5", for the report
    level: int = 0  # heading level; list nesting
    ordered: bool = False
    number: int | None = None
    rows: list[list[str]] = field(default_factory=list)
    page: int = 0  # the PDF page it is on (0: not from a PDF)


@dataclass(frozen=True)
class Dropped:
    """What the import left out of a source, where and why (shown in the report)."""

    where: Message
    text: str
    reason: Message


# --- reading -------------------------------------------------------------------------------
def decode_text(data: bytes) -> tuple[str, Message | str]:
    """Text and the name of the encoding it was in, as ``textfile.detect_encoding`` tells it: UTF-8
    (with or without BOM), UTF-16 with a BOM, GBK, GB18030. Other encodings, bytes the detected one
    cannot decode and NUL characters (binary, not text) are refused."""
    found = detect_encoding(data)
    label = IMPORT_ENCODINGS.get(found.codec) if found else None
    try:
        text = data.decode(found.codec) if found and label else None
    except UnicodeDecodeError:  # a BOM over bytes that do not follow it
        text = None
    if text is None or "\x00" in text:
        raise ImportProblem("E-import-encoding")
    return text.replace("\r\n", "\n").replace("\r", "\n"), label


def escape_md(text: str) -> str:
    """Plain text made safe for Markdown: it stays text, whatever it holds. Emphasis and code
    characters, link brackets, attribute lists ``{…}``, HTML-looking ``<`` and entity-looking ``&``."""
    text = re.sub(r"([\\`*_\[\]{}])", r"\\\1", text)
    text = ENTITY_RE.sub("&amp;", text)
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)


def link_target(url: str) -> str | None:
    """A hyperlink's target as a Markdown link destination that cannot leave the link syntax,
    or None when it is not a link the site keeps (javascript:, data:, file: …)."""
    url = url.strip()
    if not url or not link_allowed(html.unescape(url)):
        return None
    return quote(ENTITY_RE.sub("%26", url), safe=URL_SAFE)


def text_blocks(text: str, page: int = 0, first: int = 1) -> list[Block]:
    """One block per non-empty line of plain text (of a PDF's ``page``, when given)."""
    blocks = []
    for n, raw in enumerate(text.split("\n"), first):
        line = raw.strip()
        if line:
            where = message("part.where-page-line", page=page, n=n) if page else message("part.where-line", n=n)
            blocks.append(Block("line", line, escape_md(line), where))
    return blocks


MD_STRUCTURE_RE = re.compile(r"^(#{1,6}\s|>|[-*+]\s|\d+[.)]\s|\||\s|<|```|~~~|!\[|\[)")


def markdown_blocks(text: str) -> tuple[list[Block], dict[str, object]]:
    """Blocks of a Markdown file and the fields of its front-matter, if it has one.

    A paragraph that is one plain line is a ``line`` block (outline numbering applies to it); a
    heading is a heading; everything else (lists, tables, code, quotes) is kept as written.
    """
    meta: dict[str, object] = {}
    first = 1
    if text.startswith("---"):
        try:
            yaml_text, _end, body, body_line = split_front_matter(text)
        except SourceError:  # a rule (---) opening the text, not a front-matter
            pass
        else:  # a front-matter it cannot read is an error (SourceError), not text to import
            meta = parse_yaml_mapping(yaml_text, 2)[0]
            text, first = body, body_line
    blocks: list[Block] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start = i
        fence = re.match(r"^(```|~~~)", lines[i])
        if fence:
            i += 1
            while i < len(lines) and not lines[i].startswith(fence.group(1)):
                i += 1
            i += 1
        else:
            while i < len(lines) and lines[i].strip():
                i += 1
        chunk = lines[start:i]
        where = message("part.where-line", n=first + start)
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", chunk[0])
        if len(chunk) == 1 and heading:
            blocks.append(Block("heading", heading.group(2), heading.group(2), where, level=len(heading.group(1))))
        elif len(chunk) == 1 and not MD_STRUCTURE_RE.match(chunk[0]):
            line = chunk[0].strip()
            blocks.append(Block("line", line, line, where))
        else:
            raw = "\n".join(chunk).rstrip()
            blocks.append(Block("raw", raw, raw, where))
    return blocks, meta


# --- Word ----------------------------------------------------------------------------------
def _wrap(text: str, marker: str, before: str, after: str) -> str:
    """``marker``-wrapped escaped text, with edge spaces and edge punctuation moved outside the
    markers where CommonMark would otherwise not see them as emphasis (**重点：**后 → **重点**：后)."""
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    core = text.strip()
    if not core:
        return text
    head = tail = ""
    while core and _is_punct(core[-1]) and after and not (after[0].isspace() or _is_punct(after[0])):
        tail = core[-1] + tail
        core = core[:-1]
    while core and _is_punct(core[0]) and before and not (before[-1].isspace() or _is_punct(before[-1])):
        head += core[0]
        core = core[1:]
    if not core:
        return escape_md(text)
    return f"{lead}{escape_md(head)}{marker}{escape_md(core)}{marker}{escape_md(tail)}{trail}"


def _is_punct(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _run_bold(run) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    style = run.style
    return bool(style is not None and style.font.bold)


def _run_italic(run) -> bool:
    if run.italic is not None:
        return bool(run.italic)
    style = run.style
    return bool(style is not None and style.font.italic)


def _paragraph_lines(paragraph) -> tuple[list[tuple[str, str]], list[str]]:
    """(plain, Markdown) for each line of a Word paragraph (soft line breaks start a new line),
    and the hyperlink targets left out (schemes the site does not keep: their text stays)."""
    from docx.text.hyperlink import Hyperlink

    pieces: list[tuple[str, bool, bool, str]] = []  # text, bold, italic, url
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            url = item.url or ""
            for run in item.runs:
                pieces.append((run.text, _run_bold(run), _run_italic(run), url))
        else:
            pieces.append((item.text, _run_bold(item), _run_italic(item), ""))
    # cut at line breaks, then merge neighbours of the same format
    lines: list[list[list]] = [[]]
    for text, bold, italic, url in pieces:
        for k, part in enumerate(text.replace("\t", " ").split("\n")):
            if k:
                lines.append([])
            if not part:
                continue
            current = lines[-1]
            if current and current[-1][1:] == [bold, italic, url]:
                current[-1][0] += part
            else:
                current.append([part, bold, italic, url])
    result, unsafe = [], []
    for segments in lines:
        plain = "".join(s[0] for s in segments)
        if not plain.strip():
            continue
        md = []
        for k, (text, bold, italic, url) in enumerate(segments):
            before = segments[k - 1][0] if k else ""
            after = segments[k + 1][0] if k + 1 < len(segments) else ""
            if k == 0:
                text = text.lstrip()
            if k == len(segments) - 1:
                text = text.rstrip()
            piece = escape_md(text)
            if bold and italic:
                piece = _wrap(text, "***", before, after)
            elif bold:
                piece = _wrap(text, "**", before, after)
            elif italic:
                piece = _wrap(text, "*", before, after)
            target = link_target(url) if url else None
            if target:
                piece = f"[{piece}]({target})"
            elif url:
                unsafe.append(url)
            md.append(piece)
        result.append((plain.strip(), "".join(md)))
    return result, unsafe


def _list_format(paragraph, numbering) -> tuple[bool, int] | None:
    """(ordered, nesting level) of a Word list paragraph, from its own numbering or its style's."""
    style = paragraph.style
    name = style.name if style is not None else ""
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    while num_pr is None and style is not None:
        ppr = style.element.pPr
        num_pr = ppr.numPr if ppr is not None else None
        style = style.base_style
    if num_pr is None or num_pr.numId is None or num_pr.numId.val == 0:
        if name.startswith("List Bullet"):
            return False, 0
        if name.startswith("List Number"):
            return True, 0
        return None
    ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
    fmt = []
    if numbering is not None:
        abstract = numbering.xpath(f'./w:num[@w:numId="{num_pr.numId.val}"]/w:abstractNumId/@w:val')
        if abstract:
            fmt = numbering.xpath(
                f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{ilvl}"]/w:numFmt/@w:val'
            )
    return (fmt[0] if fmt else "decimal") != "bullet", ilvl


HEADING_STYLE_RE = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.IGNORECASE)


def check_docx_size(data: bytes) -> None:
    """Refuse a Word file whose parts would unpack to more than ``DOCX_MAX_UNPACKED`` (as the zip's
    directory declares them; python-docx reads every part into memory)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip at all: docx_blocks says it cannot read the Word file
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > DOCX_MAX_PARTS or unpacked > DOCX_MAX_UNPACKED:
        raise ImportProblem("E-import-docx-too-large", limit=DOCX_MAX_UNPACKED // 2**20, parts=DOCX_MAX_PARTS,
                            got_mb=unpacked / 2**20, got_parts=len(parts))


def docx_blocks(data: bytes) -> tuple[list[Block], list[Dropped]]:
    """Blocks of a Word document, in order: headings by style, list paragraphs, tables, lines;
    and the hyperlinks left out (their text is kept)."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zipfile, KeyError, ValueError … on a bad file
        raise ImportProblem("E-import-docx-unreadable", error=f"{type(exc).__name__}: {exc}") from None
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        numbering = None
    blocks: list[Block] = []
    dropped: list[Dropped] = []
    for n, item in enumerate(document.iter_inner_content(), 1):
        where = message("part.where-paragraph", n=n)
        if isinstance(item, Table):
            rows = []
            for row in item.rows:
                rows.append([" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()) for cell in row.cells])
            if any(any(c for c in row) for row in rows):
                blocks.append(Block("table", "", "", where, rows=rows))
            continue
        lines, unsafe = _paragraph_lines(item)
        dropped.extend(Dropped(where, url, UNSAFE_LINK) for url in unsafe)
        if not lines:
            continue
        name = item.style.name if item.style is not None else ""
        heading = HEADING_STYLE_RE.match(name)
        listed = _list_format(item, numbering)
        if name in ("Title", "标题") or heading:
            text = " ".join(plain for plain, _ in lines)
            level = 0 if not heading else int(heading.group(1))
            blocks.append(Block("heading", text, text, where, level=level))
        elif listed is not None:
            ordered, level = listed
            md = "  \n".join(md for _, md in lines)
            blocks.append(Block("item", " ".join(p for p, _ in lines), md, where, level=level, ordered=ordered))
        else:
            blocks.extend(Block("line", plain, md, where) for plain, md in lines)
    return blocks, dropped


# --- a source file -------------------------------------------------------------------------
def read_source(path: Path) -> tuple[Message | str, list[Block], dict[str, object], list[Dropped]]:
    """(encoding label, blocks, front-matter fields, what was left out) of a source file (a PDF:
    ``import_pdf.read_pdf``)."""
    suffix = path.suffix.lower()
    try:
        data = read_limited(path, SOURCE_MAX_BYTES.get(suffix, SOURCE_MAX_BYTES[".txt"]))
    except SourceError as exc:
        raise ImportProblem("E-import-source-unreadable", problem=exc.message) from None
    if suffix == ".docx":
        check_docx_size(data)
        blocks, dropped = docx_blocks(data)
        return message("part.encoding-word"), blocks, {}, dropped
    text, encoding = decode_text(data)
    if suffix == ".md":
        try:
            blocks, meta = markdown_blocks(text)
        except SourceError as exc:
            raise ImportProblem("E-import-front-matter-bad",
                                problem=Problem(str(path), exc.line, exc.field, exc.message)) from None
        return encoding, blocks, meta, []
    return encoding, text_blocks(text), {}, []

