"""Chinese outline numbering turned into Markdown (``archive import``, conversion).

一、 becomes ``##``, （一） ``###``, 1. a numbered list item (or ``####`` where it heads a section),
a short lead sentence after a marker is bolded, lines broken mid-sentence are joined, and the
blocks are rendered as Markdown in which the source's text stays text.
"""

from __future__ import annotations

import re
import unicodedata

from .import_sources import Block, escape_md

CN_DIGITS = "一二三四五六七八九十百零〇"
H2_RE = re.compile(rf"^[{CN_DIGITS}]+[、.．]")  # 一、
H3_RE = re.compile(rf"^[（(][{CN_DIGITS}]+[）)][、.．]?")  # （一） (一) (一)、
NUM_RE = re.compile(r"^(\d{1,3})[.．、](?!\d)\s*")  # 1. 1、 (not 1.5)
BULLET_RE = re.compile(r"^(?:[•●▪◆■·]\s*|[-*+]\s+)")
SENTENCE_END = "。！？；;!?"
HEADING_MAX = 50
RUN_IN_MAX = 30  # （一）加强领导。深入贯彻…: a lead sentence this short is bolded, the rest follows


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


