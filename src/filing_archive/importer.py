"""Importing Word, text and Markdown documents as draft records (``archive import``).

A source file is read into blocks (one per line of text, Word paragraph, heading, list item or
table), cut into parts with ``--split``, cleaned of page chrome, and converted to Markdown:
Chinese outline numbering becomes structure (一、 → ``##``, （一） → ``###``, 1. → a numbered
list, or ``####`` where it heads a section). Each part is written as a ``draft`` record at the
conventional path with the front-matter that could be inferred; a required field that could not
be is written as a ``待填写：…`` placeholder, which ``archive check`` rejects.

A record remembers what it was imported from in ``import_digest`` (the SHA-256 of its title and
body as first written), so importing the same text again, in any encoding, writes nothing.

Every write goes through ``storage`` (exclusive create: an existing file is never replaced).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from .archive import Archive, load_archive
from .frontmatter import SourceError, parse_yaml_mapping
from .frontmatter import split as split_front_matter
from .problems import Problem, UsageError
from .registry import Registry
from .sanitise import link_allowed
from .schema import FIELDS, PLACEHOLDER, TYPES, required_fields
from .secrecy import marking_in_title, markings_in_lines
from .storage import create_new_record, front_matter_text, new_record_path, record_stem, slugify

SUFFIXES = (".docx", ".txt", ".md")
# Front-matter of a Markdown source that is not carried over: the import sets these itself.
NOT_CARRIED = ("unit", "status", "id", "retention", "archive_no", "import_digest")
UNSAFE_LINK = "链接未保留 link not kept (only http, https, mailto and relative links are; its text is)"
IMPORT_DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}\Z")
ENTITY_RE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")  # & that a browser would read as an entity
URL_SAFE = "/:?#@!$&+,;=%*"  # kept as they are in a link target; spaces, quotes, brackets, <> … are %-encoded
PROGRESS_MIN_FILES = 5  # more files than this: a progress bar even when stderr is not a terminal

# Words in a title that name a type, beyond the Chinese labels of ``schema.TYPES`` (matched too).
# The word nearest the end of the title wins (关于……方案的会议纪要 is minutes); on a tie the longest.
TYPE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "plan": ("工作方案", "实施方案", "计划", "工作计划", "工作要点", "工作安排", "预案"),
    "study": ("学习笔记", "学习情况记录"),
    "briefing": ("工作简报", "快报"),
    "summary": ("工作总结", "小结"),
    "report": ("汇报", "情况报告", "报告"),
    "analysis": ("研判", "分析报告", "形势分析"),
    "opinion": ("舆情", "舆情报告"),
    "minutes": ("纪要", "会议记录"),
    "duty": ("述职", "述责述廉"),
    "notice": (),
}

# Page chrome of Chinese web pages: whole lines, labelled lines, and blocks that run to the end.
CHROME_MAX = 40  # a longer line is content, whatever it starts with
CHROME_LINES = {
    "搜索", "首页", "登录", "注册", "登录注册", "返回", "返回顶部", "返回首页", "打印", "打印本页",
    "关闭", "关闭窗口", "分享", "分享到", "收藏", "点赞", "扫一扫", "字号", "大中小", "【大中小】",
}
CHROME_LABEL_RE = re.compile(
    r"^(发布时间|发布日期|更新时间|来源|作者|浏览次数|阅读次数|点击数|浏览量|责任编辑|编辑|当前位置|上一篇|下一篇)\s*[:：]"
)
CHROME_TAIL_RE = re.compile(r"延伸阅读|相关阅读|推荐阅读|相关文章|猜你喜欢|热门推荐|相关推荐")
BEFORE_SPLIT = "首个分篇标题之前 before the first --split heading"
PUBLISHED_LABEL_RE = re.compile(r"^(发布时间|发布日期|更新时间)\s*[:：]")

CN_DIGITS = "一二三四五六七八九十百零〇"
H2_RE = re.compile(rf"^[{CN_DIGITS}]+[、.．]")  # 一、
H3_RE = re.compile(rf"^[（(][{CN_DIGITS}]+[）)][、.．]?")  # （一） (一) (一)、
NUM_RE = re.compile(r"^(\d{1,3})[.．、](?!\d)\s*")  # 1. 1、 (not 1.5)
BULLET_RE = re.compile(r"^(?:[•●▪◆■·]\s*|[-*+]\s+)")
SENTENCE_END = "。！？；;!?"
HEADING_MAX = 50
RUN_IN_MAX = 30  # （一）加强领导。深入贯彻…: a lead sentence this short is bolded, the rest follows

DATE_LABEL_RE = re.compile(r"^(?:(发布时间|发布日期|更新时间|发文日期|印发日期|成文日期|日期|时间)\s*[:：]\s*)?")
ARABIC_DATE_RE = re.compile(
    r"(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-./](\d{1,2})[-./](\d{1,2})(?!\d))"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
CN_DATE_RE = re.compile(
    r"([〇○零Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
CN_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0}


class ImportProblem(Exception):
    """A source file that cannot be imported (unreadable, nothing matched --split)."""


# --- blocks ------------------------------------------------------------------------------
@dataclass
class Block:
    """One unit of a source: a line of text, a Word paragraph line, a heading, a list item, a table."""

    kind: str  # line | heading | item | table | raw
    text: str  # plain text, for classification, chrome and dates
    md: str  # inline Markdown
    where: str  # "line 5" or "paragraph 5", for the report
    level: int = 0  # heading level; list nesting
    ordered: bool = False
    number: int | None = None
    rows: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class Dropped:
    where: str
    text: str
    reason: str


@dataclass
class Draft:
    """One record planned from one source part."""

    title: str
    fields: dict[str, object]
    inferred: list[str]
    placeholders: list[str]
    body: str
    digest: str
    source_where: str
    date_note: str = ""
    path: Path | None = None
    taken_name: str = ""  # the conventional name, taken before this run
    skipped_as: str = ""  # path of the record it was already imported as
    duplicate: bool = False  # the same text as another part of this run

    @property
    def shown(self) -> str:
        """The title for the report: the inferred one, else where the text started."""
        return self.title if "title" in self.inferred else f"(无题名 untitled, {self.source_where})"


@dataclass
class FileReport:
    name: str
    encoding: str = ""
    drafts: list[Draft] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    problem: str = ""

    @property
    def written(self) -> list[Draft]:
        return [d for d in self.drafts if d.path and not d.skipped_as]

    @property
    def skipped(self) -> list[Draft]:
        return [d for d in self.drafts if d.skipped_as]


@dataclass
class ImportResult:
    root: Path
    files: list[FileReport]
    dry_run: bool

    @property
    def ok(self) -> bool:
        return not any(f.problem for f in self.files)


# --- reading -------------------------------------------------------------------------------
def decode_text(data: bytes) -> tuple[str, str]:
    """Text and the name of the encoding it was in: UTF-8 (with or without BOM), UTF-16, GBK, GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", "UTF-16")]
    elif data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", "UTF-8 with BOM")]
    else:
        candidates = [("utf-8", "UTF-8"), ("gbk", "GBK"), ("gb18030", "GB18030")]
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text.replace("\r\n", "\n").replace("\r", "\n"), label
    raise ImportProblem("无法识别编码 cannot read the text: it is not UTF-8, GBK or GB18030 (save it as UTF-8)")


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


def text_blocks(text: str, where: str = "line", first: int = 1) -> list[Block]:
    """One block per non-empty line of plain text."""
    blocks = []
    for n, raw in enumerate(text.split("\n"), first):
        line = raw.strip()
        if line:
            blocks.append(Block("line", line, escape_md(line), f"{where} {n}"))
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
        where = f"line {first + start}"
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


def docx_blocks(data: bytes) -> tuple[list[Block], list[Dropped]]:
    """Blocks of a Word document, in order: headings by style, list paragraphs, tables, lines;
    and the hyperlinks left out (their text is kept)."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zipfile, KeyError, ValueError … on a bad file
        raise ImportProblem(f"无法读取 Word 文件 cannot read the Word file ({type(exc).__name__}: {exc})") from None
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        numbering = None
    blocks: list[Block] = []
    dropped: list[Dropped] = []
    for n, item in enumerate(document.iter_inner_content(), 1):
        where = f"paragraph {n}"
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


# --- parts, chrome, dates -------------------------------------------------------------------
def is_chrome(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    return len(text) <= CHROME_MAX and (compact in CHROME_LINES or bool(CHROME_LABEL_RE.match(text)))


def remove_chrome(blocks: list[Block]) -> tuple[list[Block], list[Dropped]]:
    """Blocks without page chrome, and what was dropped: chrome lines, and everything from a
    延伸阅读-style line to the end."""
    kept: list[Block] = []
    dropped: list[Dropped] = []
    head = before_tail(blocks)
    for block in head:
        if block.kind == "line" and is_chrome(block.text):
            dropped.append(Dropped(block.where, block.text, "页面杂项 page chrome"))
            continue
        kept.append(block)
    for rest in blocks[len(head) :]:
        dropped.append(Dropped(rest.where, _shown(rest), "页面附加内容 trailing page chrome"))
    return kept, dropped


def _shown(block: Block) -> str:
    if block.kind == "table":
        return "(table: " + " | ".join(block.rows[0]) + ")"
    return block.text


def parse_date(text: str) -> date | None:
    """The date a line consists of (发布时间: 2023.08.06, 2023年8月6日, 二〇二三年八月六日), or None."""
    text = unicodedata.normalize("NFKC", text).strip().strip("()（）[]【】")
    rest = DATE_LABEL_RE.sub("", text, count=1).strip()
    m = ARABIC_DATE_RE.fullmatch(rest)
    if m:
        year, month, day = int(m[1]), int(m[2] or m[4]), int(m[3] or m[5])
    else:
        m = CN_DATE_RE.fullmatch(rest)
        if not m:
            return None
        year = int("".join(str(CN_VALUE[c]) for c in m[1]))
        month, day = _cn_number(m[2]), _cn_number(m[3])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _cn_number(text: str) -> int:
    if "十" not in text:
        return CN_VALUE.get(text, 0)
    tens, _, ones = text.partition("十")
    return (CN_VALUE.get(tens, 0) if tens else 1) * 10 + (CN_VALUE.get(ones, 0) if ones else 0)


def published_date(text: str) -> date | None:
    """The date of a 发布时间-style chrome line, which may carry more (来源: …) after the date."""
    if not PUBLISHED_LABEL_RE.match(text):
        return None
    m = ARABIC_DATE_RE.search(unicodedata.normalize("NFKC", text))
    return parse_date(m.group(0)) if m else None


def date_candidates(blocks: list[Block]) -> tuple[list[tuple[date, Block]], list[tuple[date, Block]]]:
    """(dates on lines of their own, e.g. a 成文日期 under a signature; 发布时间 dates)."""
    own, published = [], []
    for block in blocks:
        if block.kind != "line" or len(block.text) > CHROME_MAX:
            continue
        day = published_date(block.text)
        if day:
            published.append((day, block))
            continue
        day = parse_date(block.text)
        if day:
            own.append((day, block))
    return own, published


def before_tail(blocks: list[Block]) -> list[Block]:
    """The blocks before a trailing 延伸阅读-style block (whose dates belong to other pages)."""
    for k, block in enumerate(blocks):
        if block.kind in ("line", "heading") and len(block.text) <= CHROME_MAX and CHROME_TAIL_RE.search(block.text):
            return blocks[:k]
    return blocks


def choose_date(*groups: list[Block]) -> tuple[date, Block] | None:
    """The record's date: its own last date line, else its 发布时间, else the same in the groups after."""
    for blocks in groups:
        own, published = date_candidates(before_tail(blocks))
        if own:
            return own[-1]
        if published:
            return published[0]
    return None


# --- conversion -----------------------------------------------------------------------------
def heading_like(text: str) -> bool:
    return (
        len(text) <= HEADING_MAX
        and not any(c in text for c in SENTENCE_END)
        and not text.endswith(("，", ",", "、"))
    )


def outline_marker(text: str) -> str | None:
    if H2_RE.match(text):
        return "h2"
    if H3_RE.match(text):
        return "h3"
    if NUM_RE.match(text):
        return "num"
    if BULLET_RE.match(text):
        return "bullet"
    return None


def _running_text(block: Block) -> bool:
    """A line that stops mid-sentence: long, with commas, not ending in punctuation."""
    text = block.text
    return (
        block.kind == "line"
        and len(text) >= 20
        and any(c in text for c in "，,。、；;")
        and unicodedata.category(text[-1])[0] in "LN"
        and outline_marker(text) is None
    )


def join_broken_lines(blocks: list[Block]) -> list[Block]:
    """Join a line broken mid-sentence (…根据上级会议部署,近期 / 该镇对全镇…) with the next."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and _running_text(prev)
            and block.kind == "line"
            and outline_marker(block.text) is None
            and not re.match(rf"^[{CN_DIGITS}]+是", block.text)
            and unicodedata.category(block.text[0])[0] in "LN"
        ):
            sep = " " if prev.text[-1].isascii() and block.text[0].isascii() else ""
            out[-1] = Block("line", prev.text + sep + block.text, prev.md + sep + block.md, prev.where)
            continue
        out.append(block)
    return out


def _balanced(text: str) -> bool:
    pairs = ["“”", "（）", "()", "《》", "「」", "【】"]
    return all(text.count(a) == text.count(b) for a, b in pairs) and text.count('"') % 2 == 0


def classify(blocks: list[Block]) -> list[Block]:
    """Apply outline numbering to plain lines: headings, list items, run-in leads, paragraphs.

    A numbered run that does not start at 1 stays text as written: Markdown (as MkDocs reads
    it) would renumber it from 1.
    """
    out: list[Block] = []
    last_number: int | None = None  # the number of the numbered list in progress (paragraphs may follow it)
    for k, block in enumerate(blocks):
        text = block.text
        marker = outline_marker(text) if block.kind == "line" else None
        if marker != "num" and (block.kind != "line" or marker is not None):
            last_number = None  # a heading, table, bullet … ends the numbered list
        if block.kind != "line":
            out.append(block)
            continue
        plain_md = block.md == escape_md(text)
        if marker in ("h2", "h3"):
            level = 2 if marker == "h2" else 3
            if heading_like(text):
                out.append(Block("heading", text, text, block.where, level=level))
                continue
            lead = re.match(r"^(.+?)。", text)
            if plain_md and lead and len(lead.group(1)) <= RUN_IN_MAX and _balanced(lead.group(1)):
                rest = text[len(lead.group(1)) :]
                md = f"**{escape_md(lead.group(1))}**{escape_md(rest)}"
                out.append(Block("para", text, md, block.where))
                continue
            out.append(Block("para", text, block.md, block.where))
        elif marker == "num":
            m = NUM_RE.match(text)
            nxt = blocks[k + 1] if k + 1 < len(blocks) else None
            heads_section = nxt is not None and nxt.kind == "line" and outline_marker(nxt.text) is None
            number = int(m.group(1))
            if heading_like(text) and heads_section:
                out.append(Block("heading", text, text, block.where, level=4))
                last_number = None
                continue
            if number != 1 and last_number != number - 1:
                out.append(Block("para", text, block.md, block.where))
                last_number = None
                continue
            md = _strip_marker_md(block.md, text, m.end())
            out.append(Block("item", text, md, block.where, ordered=True, number=number))
            last_number = number
        elif marker == "bullet":
            m = BULLET_RE.match(text)
            out.append(Block("item", text, _strip_marker_md(block.md, text, m.end()), block.where))
        else:
            out.append(Block("para", text, block.md, block.where))
    return out


def _strip_marker_md(md: str, text: str, length: int) -> str:
    """The Markdown of a line without its leading list marker (its first ``length`` plain characters)."""
    marker = escape_md(text[:length])
    if md.startswith(marker):
        return md[len(marker) :].lstrip()
    return escape_md(text[length:].lstrip())


def _indent(text: str, by: str) -> str:
    return "\n".join(by + line if line else line for line in text.split("\n"))


def _table(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]

    def cell(text: str) -> str:
        return escape_md(text).replace("|", "\\|") or " "

    lines = ["| " + " | ".join(cell(c) for c in rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _paragraph_md(md: str) -> str:
    """A paragraph's Markdown, with line starts that Markdown would read as syntax escaped."""
    md = re.sub(r"^(\d+)\.(\s)", r"\1\\.\2", md)
    if re.fullmatch(r"[-=_]{3,}", md):
        return "\\" + md
    return re.sub(r"^([#>+\-])", r"\\\1", md)


def render(blocks: list[Block]) -> str:
    """Markdown of classified blocks: blank lines between blocks, list items of one list together;
    paragraphs between numbered items that continue the numbering stay inside the list."""
    chunks: list[str] = []
    i, n = 0, len(blocks)
    while i < n:
        block = blocks[i]
        if block.kind == "heading":
            chunks.append("#" * min(max(block.level, 2), 6) + " " + escape_md(block.text))
            i += 1
        elif block.kind == "item":
            lines: list[str] = []
            ordered = block.ordered
            counters: dict[int, int] = {}  # Word-numbered items carry no number: count them per level
            while i < n and blocks[i].kind == "item" and blocks[i].ordered == ordered:
                item = blocks[i]
                counters = {lvl: c for lvl, c in counters.items() if lvl <= item.level}
                counters[item.level] = counters.get(item.level, 0) + 1
                bullet = f"{item.number if item.number is not None else counters[item.level]}." if ordered else "-"
                indent = "    " * item.level
                lines.append(indent + bullet + " " + _indent(item.md, indent + "    ").lstrip())
                i += 1
                if ordered and item.number is not None:
                    j = i
                    while j < n and blocks[j].kind == "para":
                        j += 1
                    nxt = blocks[j] if j < n else None
                    if j > i and nxt is not None and nxt.kind == "item" and nxt.number == item.number + 1:
                        for para in blocks[i:j]:
                            lines += ["", _indent(_paragraph_md(para.md), "    ")]
                        lines.append("")
                        i = j
            chunks.append("\n".join(lines))
        elif block.kind == "table":
            chunks.append(_table(block.rows))
            i += 1
        elif block.kind == "raw":
            chunks.append(block.md)
            i += 1
        else:
            chunks.append(_paragraph_md(block.md))
            i += 1
    return "\n\n".join(chunks) + "\n" if chunks else ""


# --- front-matter ---------------------------------------------------------------------------
def infer_type(title: str) -> str | None:
    """The type a title names: the type word nearest its end (a trailing （篇1） is ignored)."""
    core = re.sub(r"\s*[（(【\[][^（(【\[]*[)）】\]]\s*$", "", title)
    best: tuple[int, int, str] | None = None
    for term in TYPES:
        for word in (term.zh, *TYPE_SYNONYMS.get(term.code, ())):
            end = core.rfind(word)
            if end >= 0:
                key = (end + len(word), len(word), term.code)
                if best is None or key[:2] > best[:2]:
                    best = key
    return best[2] if best else None


def placeholder(name: str) -> str:
    """The visible marker for a field the import could not infer: 待填写：成文日期 YYYY-MM-DD."""
    hint = " YYYY-MM-DD" if FIELDS[name].kind == "date" else ""
    return f"{PLACEHOLDER}：{FIELDS[name].zh}{hint}"


def digest_of(title: str, body: str) -> str:
    return "sha256:" + hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def take_title(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """The document's title and the blocks after it: a Word title or heading that opens the
    document, a Markdown ``#`` heading, else a first line short enough to be a title."""
    if not blocks:
        return None, blocks
    first = blocks[0]
    if first.kind == "heading" and (first.level <= 1 or not any(b.kind == "heading" for b in blocks[1:])):
        return first.text, blocks[1:]
    if first.kind == "line" and heading_like(first.text) and outline_marker(first.text) is None \
            and not first.text.endswith((":", "：")) and parse_date(first.text) is None:
        return first.text, blocks[1:]
    return None, blocks


def shift_headings(blocks: list[Block]) -> list[Block]:
    """Word and Markdown headings left after the title: the top level present becomes ``##``."""
    levels = [b.level for b in blocks if b.kind == "heading"]
    if not levels:
        return blocks
    top = min(levels)
    return [
        Block("heading", b.text, b.md, b.where, level=min(2 + b.level - top, 6)) if b.kind == "heading" else b
        for b in blocks
    ]


def make_draft(
    title: str | None,
    title_where: str,
    blocks: list[Block],
    unit: str,
    type_code: str | None,
    day: tuple[date, Block] | None,
    meta: dict[str, object],
) -> Draft:
    """The record for one part. ``meta`` is a Markdown source's own front-matter, carried over."""
    body = render(classify(join_broken_lines(blocks)))
    inferred: list[str] = []
    fields: dict[str, object] = {k: v for k, v in meta.items() if k not in ("title", "type", "date")}
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        title = meta["title"].strip()
    if title:
        fields["title"] = title
        inferred.append("title")
    if type_code is None and TYPES.get(meta.get("type")):
        type_code = TYPES.get(meta["type"]).code
        inferred.append("type")
    if type_code is None and title:
        type_code = infer_type(title)
        if type_code:
            inferred.append("type")
    if type_code:
        fields["type"] = type_code
    fields["unit"] = unit
    date_note = ""
    if isinstance(meta.get("date"), date) and not isinstance(meta.get("date"), datetime):
        fields["date"] = meta["date"]
        inferred.append("date")
        date_note = "front-matter"
    elif day:
        fields["date"] = day[0]
        inferred.append("date")
        date_note = f"{day[1].where}: {day[1].text}"
    fields["status"] = "draft"
    placeholders = []
    for name in required_fields(type_code):
        if name not in fields:
            fields[name] = placeholder(name)
            placeholders.append(name)
    shown_title = str(fields["title"])
    digest = digest_of(shown_title, body)
    fields["import_digest"] = digest
    return Draft(shown_title, fields, inferred, placeholders, body, digest, title_where, date_note)


# --- the import -----------------------------------------------------------------------------
def check_arguments(
    registry: Registry, unit: str, type_value: str | None, split: str | None, files: list[str]
) -> tuple[str, str | None, re.Pattern | None, list[Path]]:
    """The unit code, type code, split pattern and files, or a UsageError saying what is wrong."""
    found = registry.unit(unit)
    if found is None:
        codes = ", ".join(f"{u.code} {u.name}" for u in registry.units.values())
        raise UsageError(f"未知单位 unknown unit {unit} (expected a unit code of archive.yml: {codes})")
    type_code = None
    if type_value is not None:
        term = TYPES.get(type_value)
        if term is None:
            raise UsageError(f"未知材料类型 unknown type {type_value} (expected {TYPES.describe()})")
        type_code = term.code
    pattern = None
    if split is not None:
        try:
            pattern = re.compile(split)
        except re.error as exc:
            raise UsageError(f"--split 不是有效的正则表达式 is not a valid regular expression: {exc}") from None
    paths = []
    for name in files:
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"找不到文件 no such file: {name}")
        if path.suffix.lower() not in SUFFIXES:
            hint = " (save .doc files as .docx in Word: 另存为 → Word 文档)" if path.suffix.lower() == ".doc" else ""
            raise UsageError(
                f"不支持的文件类型 unsupported file type: {name} (expected .docx, .txt or .md){hint}"
            )
        paths.append(path)
    return found.code, type_code, pattern, paths


def existing_records(archive: Archive) -> tuple[dict[str, str], set[str]]:
    """Digests of records imported before (digest -> path) and every id and file name in use, from
    the files as ``load_archive`` read them (valid or not)."""
    digests: dict[str, str] = {}
    ids: set[str] = set()
    for source in archive.sources:
        ids.update((source.stem, source.id))
        digest = source.front_matter.get("import_digest")
        if isinstance(digest, str) and IMPORT_DIGEST_RE.match(digest):
            digests.setdefault(digest, source.path)
    return digests, ids


def read_source(path: Path) -> tuple[str, list[Block], dict[str, object], list[Dropped]]:
    """(encoding label, blocks, front-matter fields, what was left out) of a source file."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".docx":
        blocks, dropped = docx_blocks(data)
        return "Word .docx", blocks, {}, dropped
    text, encoding = decode_text(data)
    if suffix == ".md":
        try:
            blocks, meta = markdown_blocks(text)
        except SourceError as exc:
            raise ImportProblem(f"{Problem(str(path), exc.line, exc.field, exc.message)}; nothing imported") from None
        return encoding, blocks, meta, []
    return encoding, text_blocks(text), {}, []


def plan_file(path: Path, name: str, unit: str, type_code: str | None, pattern: re.Pattern | None) -> FileReport:
    """Read one source and plan its records (nothing is written here). A source that carries a 密级
    marking is refused whole: secret material is never stored in the archive, not even as a draft."""
    report = plan_parts(path, name, unit, type_code, pattern)
    for draft in report.drafts:
        found = marking_in_title(draft.title) or next((m for _, m in markings_in_lines(draft.body)), None)
        if found:
            report.problem = (f"标有密级 marked {found} ({draft.source_where}): secret material must never be stored "
                              f"in this archive; nothing imported from this file")
            report.drafts = []
            break
    return report


def plan_parts(path: Path, name: str, unit: str, type_code: str | None, pattern: re.Pattern | None) -> FileReport:
    """The records one source holds, whole or cut by ``pattern``."""
    report = FileReport(name)
    try:
        report.encoding, blocks, meta, report.dropped = read_source(path)
    except (ImportProblem, OSError) as exc:
        report.problem = str(exc)
        return report
    for key in list(meta):
        if key not in FIELDS or key in NOT_CARRIED:
            reason = "由导入设定 set by the import" if key in FIELDS else "未知字段 not a front-matter field"
            report.dropped.append(Dropped("front-matter", f"{key}: {meta.pop(key)}", reason))
    if pattern is None:
        kept, dropped = remove_chrome(blocks)
        report.dropped.extend(dropped)
        title, rest = take_title(kept)
        if title and isinstance(meta.get("title"), str) and title != meta["title"].strip():
            title, rest = None, kept  # the front-matter names the title; the first line stays text
        if not kept:
            report.problem = "没有正文 no text left to import (empty, or page chrome only); nothing imported"
            return report
        title_where = kept[0].where
        day = choose_date(blocks)
        report.drafts.append(make_draft(title, title_where, shift_headings(rest), unit, type_code, day, meta))
        return report
    starts = [k for k, b in enumerate(blocks) if b.kind in ("line", "heading") and pattern.fullmatch(b.text)]
    if not starts:
        report.problem = (
            f"--split 没有匹配任何一行 no line matches --split {pattern.pattern} "
            f"(the pattern must match a whole line); nothing imported from this file"
        )
        return report
    preamble = blocks[: starts[0]]
    for block in preamble:
        reason = "页面杂项 page chrome" if is_chrome(block.text) else BEFORE_SPLIT
        report.dropped.append(Dropped(block.where, _shown(block), reason))
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(blocks)
        heading = blocks[start]
        part = blocks[start + 1 : end]
        kept, dropped = remove_chrome(part)
        report.dropped.extend(dropped)
        day = choose_date(part, preamble)
        report.drafts.append(make_draft(heading.text, heading.where, shift_headings(kept), unit, type_code, day, {}))
    return report


def import_files(
    root: Path,
    registry: Registry,
    files: list[Path],
    unit: str,
    type_code: str | None = None,
    pattern: re.Pattern | None = None,
    dry_run: bool = False,
    progress=None,
) -> ImportResult:
    """Import ``files`` as draft records of ``unit``; with ``dry_run`` plan them and write nothing."""
    docs_root = root / registry.docs_dir
    digests, taken = existing_records(load_archive(root, bodies=False))
    this_run: set[str] = set()
    taken_before = set(taken)
    result = ImportResult(root, [], dry_run)
    for count, path in enumerate(files, 1):
        if progress:
            progress(count, len(files), path.name)
        report = plan_file(path, str(path), unit, type_code, pattern)
        result.files.append(report)
        for draft in report.drafts:
            if draft.digest in digests:
                draft.skipped_as = digests[draft.digest]
                draft.duplicate = draft.digest in this_run
                continue
            day = draft.fields["date"] if isinstance(draft.fields.get("date"), date) else None
            kind = draft.fields["type"] if "type" not in draft.placeholders else "import"
            slug = slugify(draft.title if "title" in draft.inferred else None, f"{unit.lower()}-{kind}")
            text = front_matter_text(draft.fields) + draft.body
            if dry_run:
                target = new_record_path(docs_root, registry.records_dir, unit, day, slug, taken)
            else:
                target = create_new_record(docs_root, registry.records_dir, unit, day, slug, taken, text)
            base = record_stem(day, slug)
            if target.stem != base and base in taken_before:  # not when an earlier part of this run took it
                draft.taken_name = base + ".md"
            taken.add(target.stem)
            digests[draft.digest] = _relative(target, root)
            this_run.add(draft.digest)
            draft.path = target
    return result


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# --- the report -----------------------------------------------------------------------------
def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _counted(names: list[str]) -> str:
    counts = Counter(names)
    order = [n for n in FIELDS if n in counts]
    return ", ".join(n if counts[n] == 1 else f"{n}×{counts[n]}" for n in order) or "—"


def format_report(result: ImportResult) -> str:
    """What was read, dropped, written and skipped, and a summary table."""
    out: list[str] = []
    verb = "将写入 would write" if result.dry_run else "写入 wrote"
    for report in result.files:
        out.append(f"{report.name}: " + (f"编码 encoding {report.encoding}" if report.encoding else "未读取 not read"))
        if report.problem:
            out.append(f"  错误 error: {report.problem}")
        for d in report.dropped:
            out.append(f"  删除 dropped {d.where}: {_short(d.text)} — {d.reason}")
        for draft in report.drafts:
            if draft.skipped_as:
                why = "与本次导入的另一篇相同 same text as" if draft.duplicate else "已导入 already imported as"
                out.append(f"  跳过 skipped {draft.shown}: {why} {draft.skipped_as}")
                continue
            path = _relative(draft.path, result.root)
            notes = [f"推断 inferred {', '.join(draft.inferred) or '—'}"]
            if draft.date_note:
                notes.append(f"date from {_short(draft.date_note)}")
            if draft.placeholders:
                notes.append(f"待填写 placeholders {', '.join(draft.placeholders)}")
            if draft.taken_name:
                notes.append(f"{draft.taken_name} exists: new name")
            out.append(f"  {verb} {path} ← {draft.shown} ({'; '.join(notes)})")
    out.append("")
    header = ["文件 file", "编码 encoding", "写入 written", "跳过 skipped", "推断 inferred", "待填写 placeholders",
              "删除 dropped"]
    rows = []
    for r in result.files:
        written = r.written
        rows.append([
            r.name, r.encoding or "—", str(len(written)), str(len(r.skipped)),
            _counted([n for d in written for n in d.inferred]),
            _counted([n for d in written for n in d.placeholders]),
            str(len(r.dropped)),
        ])
    widths = [max(display_width(row[c]) for row in [header, *rows]) for c in range(len(header))]
    for row in [header, *rows]:
        out.append("  ".join(_pad(cell, widths[c]) for c, cell in enumerate(row)).rstrip())
    written = sum(len(r.written) for r in result.files)
    skipped = sum(len(r.skipped) for r in result.files)
    left = sum(len(d.placeholders) for r in result.files for d in r.written)
    failed = sum(1 for r in result.files if r.problem)
    total = (
        f"合计 total: {len(result.files)} 个文件 files, {written} 件记录{'将' if result.dry_run else '已'}写入 "
        f"records {'to write' if result.dry_run else 'written'}, {skipped} 件已导入 already imported, "
        f"{left} 处待填写 placeholders, {failed} 个文件出错 files with errors"
    )
    out.append(total)
    if result.dry_run:
        out.append("试运行，未写入任何文件 dry run: nothing was written")
    elif left:
        out.append(
            f"请填写所有“{PLACEHOLDER}”字段，否则 archive check 和构建会报错 / "
            f"fill in every {PLACEHOLDER} field: archive check and the build fail until you do"
        )
    return "\n".join(out)


class Progress:
    """A small text progress bar on stderr: redrawn in place on a terminal, one line per file otherwise."""

    def __init__(self, stream=None, width: int = 24):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()

    def __call__(self, done: int, total: int, name: str) -> None:
        filled = self.width * done // total
        bar = "#" * filled + "." * (self.width - filled)
        line = f"导入 importing [{bar}] {done}/{total} {_short(name, 30)}"
        if self.tty:
            self.stream.write("\r" + line + "\033[K" + ("\n" if done == total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
