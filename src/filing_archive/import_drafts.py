"""One part of a source made a draft record (``archive import``, conversion).

Page chrome of Chinese web pages is dropped (navigation lines, labelled lines such as 来源：, and a
trailing 延伸阅读 block), the record's date is chosen among the dates the part holds, its title
and type are inferred, and a required field that could not be is written as a ``待填写：…``
placeholder, which ``archive check`` rejects. A draft remembers its text by ``digest_of``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .import_markdown import classify, heading_like, join_broken_lines, outline_marker, render
from .import_sources import Block, Dropped
from .messages import Message, message
from .schema import FIELDS, PLACEHOLDER, TYPES, required_fields

# Words in a title that name a type, beyond the Chinese labels and aliases of ``schema.TYPES``
# (matched too).
# The word nearest the end of the title wins (关于……方案的会议纪要 is minutes); on a tie the longest.
TYPE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "plan": ("工作方案", "实施方案", "计划", "工作计划", "工作要点", "工作安排", "预案"),
    "study": ("学习笔记", "学习情况记录"),
    "briefing": ("工作简报", "快报"),
    "summary": ("工作总结", "小结"),
    "report": ("汇报", "情况报告", "报告"),
    "analysis": ("研判", "分析报告", "形势分析"),
    "opinion": ("舆情", "舆情报告"),
    "minutes": ("会议记录",),
    "duty": ("述职", "述责述廉"),
    "notice": (),
    "disposal": (),
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
PUBLISHED_LABEL_RE = re.compile(r"^(发布时间|发布日期|更新时间)\s*[:：]")

DATE_LABEL_RE = re.compile(r"^(?:(发布时间|发布日期|更新时间|发文日期|印发日期|成文日期|日期|时间)\s*[:：]\s*)?")
ARABIC_DATE_RE = re.compile(
    r"(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-./](\d{1,2})[-./](\d{1,2})(?!\d))"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
CN_DATE_RE = re.compile(
    r"([〇○零Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
CN_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0}


@dataclass
class Draft:
    """One record planned from one source part."""

    title: str
    fields: dict[str, object]
    inferred: list[str]
    placeholders: list[str]
    body: str
    digest: str
    source_where: Message
    date_note: Message | None = None
    path: Path | None = None
    taken_name: str = ""  # the conventional name, taken before this run
    skipped_as: str = ""  # path of the record it was already imported as
    duplicate: bool = False  # the same text as another part of this run
    original: Path | None = None  # the source kept as the record's attachment (Word, PDF)
    title_guessed: bool = False  # the split heading without its number: the report asks to review it

    @property
    def shown(self) -> Message | str:
        """The title for the report: the inferred one, else where the text started."""
        return self.title if "title" in self.inferred else message("part.import-untitled", where=self.source_where)


# --- page chrome and dates ----------------------------------------------------------------
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
            dropped.append(Dropped(block.where, block.text, message("part.reason-page-chrome")))
            continue
        kept.append(block)
    for rest in blocks[len(head) :]:
        dropped.append(Dropped(rest.where, block_summary(rest), message("part.reason-trailing-chrome")))
    return kept, dropped


def block_summary(block: Block) -> str:
    if block.kind == "table":
        return message("part.table-summary", cells=" | ".join(block.rows[0])).render()
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


# --- title, type, placeholders: the draft ---------------------------------------------------
def infer_type(title: str) -> str | None:
    """The type a title names: the type word nearest its end (a trailing （篇1） is ignored)."""
    core = re.sub(r"\s*[（(【\[][^（(【\[]*[)）】\]]\s*$", "", title)
    best: tuple[int, int, str] | None = None
    for term in TYPES:
        for word in (term.zh, *term.aliases, *TYPE_SYNONYMS.get(term.code, ())):
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


# A compilation's split heading (意识形态工作方案(篇1)) labels the compilation, not the document: its
# number goes, and the line after it is the document's title when it reads as one.
COMPILATION_NUMBER_RE = re.compile(
    r"\s*(?:[（(【\[［]\s*(?:第?\s*[0-9０-９一二三四五六七八九十百]+\s*篇|篇\s*[0-9０-９一二三四五六七八九十百]+"
    r"|[0-9０-９]+)\s*[)）】\]］]|[（(]?\s*之\s*[0-9０-９一二三四五六七八九十]+\s*[)）]?"
    r"|\s篇\s*[0-9０-９一二三四五六七八九十百]+)\s*$"
)
TITLE_LINE_MAX = 40
TITLE_LINE_PUNCTUATION = set("。，、；：！？,;:!?.")
# Words that name a unit in a title: 青禾镇…, …中学, …卫生院, …党委.
UNIT_WORD_RE = re.compile(
    r"(?:[镇乡县区市村]|街道|社区|学校|中学|小学|幼儿园|卫生院|医院|党委|党组|党支部|委员会|局|中心)"
)


def type_words() -> tuple[str, ...]:
    return tuple(w for t in TYPES for w in (t.zh, *t.aliases, *TYPE_SYNONYMS.get(t.code, ())))


def reads_as_title(text: str) -> bool:
    """A line that is a document's title: short, without sentence punctuation, ending in a 文种
    word or naming a unit; never a date, an outline item or a labelled line."""
    text = text.strip()
    if not text or len(text) > TITLE_LINE_MAX or TITLE_LINE_PUNCTUATION & set(text):
        return False
    if outline_marker(text) is not None or parse_date(text) is not None:
        return False
    return text.endswith(type_words()) or bool(UNIT_WORD_RE.search(text))


def part_title(heading: str, blocks: list[Block]) -> tuple[str, list[Block], bool]:
    """The title of a part cut at ``heading``, the part's body, and whether the title is a guess:
    the line after the heading when it reads as a title (it leaves the body), else the heading
    without its compilation number, a guess the report asks to review."""
    first = blocks[0] if blocks else None
    if first is not None and first.kind in ("line", "heading") and reads_as_title(first.text):
        return first.text.strip(), blocks[1:], False
    return COMPILATION_NUMBER_RE.sub("", heading).strip() or heading.strip(), blocks, True


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
    title_where: Message,
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
    date_note: Message | None = None
    if isinstance(meta.get("date"), date) and not isinstance(meta.get("date"), datetime):
        fields["date"] = meta["date"]
        inferred.append("date")
        date_note = message("part.where-front-matter")
    elif day:
        fields["date"] = day[0]
        inferred.append("date")
        date_note = message("part.import-date-note", where=day[1].where, text=day[1].text)
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


