"""The handbook's generated pages (使用手册): 字段 from the front-matter contract (``schema.py``,
the registry's units) and 错误信息 from the message catalogue, in both languages; and the
handbook's search documents.

The two pages are Markdown handed to MkDocs as generated files, so they take the handbook's
layout, navigation and table of contents like its written pages, and can never go stale: a field
or a message code added to the contract or the catalogue is on the page at the next build.
Values from ``archive.yml`` are untrusted: they are escaped before they become Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import messages
from .import_sources import escape_md
from .messages import Entry
from .registry import Registry
from .schema import FIELDS, LANGUAGES, REQUIRED_BY_TYPE, TYPES, FieldSpec
from .search import SearchDoc, plain_text
from .urls import DIRECTORY_URLS, Urls

HANDBOOK_DIR = "handbook"
FIELDS_PAGE = "handbook/fields.md"
ERRORS_PAGE = "handbook/errors.md"

# What each kind of value (schema.FieldSpec.kind) is, in words for clerks: (zh, en).
KIND_WORDS: dict[str, tuple[str, str]] = {
    "text": ("文字", "text"),
    "date": ("日期，写成 年-月-日，如 2026-03-05；须是真实的日子，不晚于构建当天",
             "a date written YYYY-MM-DD, such as 2026-03-05: a real day, not after the build date"),
    "int": ("整数", "a whole number"),
    "number": ("数字，可带小数，如 1.5", "a number, decimals allowed, such as 1.5"),
    "text_list": ("一组词，写在方括号里，用逗号隔开，如 [意识形态, 理论学习]",
                  "a list of words in square brackets, such as [意识形态, 理论学习]"),
    "vocab": ("从下面的可选值中选一个（写代码或中文都可以）", "one of the values below (code or Chinese word)"),
    "secrecy": ("公开 或 内部；秘密、机密、绝密 一律拒收", "公开 or 内部; 秘密, 机密 and 绝密 are always refused"),
    "unit": ("单位代码或单位的中文全称（见 archive.yml）",
             "a unit code or the unit's exact Chinese name (archive.yml)"),
    "stages": ("阶段列表，每行一个：- {name: 宣传动员, start: 2026-03-01, end: 2026-03-31}",
               "a list of stages, one a line: - {name: 宣传动员, start: 2026-03-01, end: 2026-03-31}"),
    "cadence": ("方案自己的频次要求，方案须同时写明带起止日期的阶段（stages）；一般不用填",
                "the plan's own recurring duties; the plan then needs dated stages (stages); usually left out"),
    "id": ("小写英文字母、数字和 -", "lower-case letters, digits and -"),
    "doc_no": ("<机关代字>〔年份〕序号号，括号用六角括号〔〕",
               "<issuing code>〔year〕N号, with the hexagonal brackets 〔〕"),
    "archive_no": ("全宗号-文书·年度-保管期限代码-机构代码-件号，由 archive file 写入，不要手填",
                   "fonds-WS·year-retention code-unit code-item number; written by archive file, never by hand"),
}

# One example line per field, as it is written in a record.
EXAMPLES: dict[str, str] = {
    "title": "title: 新学期教职工集中学习记录",
    "type": "type: study",
    "unit": "unit: {unit}",
    "date": "date: 2026-03-05",
    "status": "status: published",
    "id": "id: 2026-spring-study",
    "doc_no": "doc_no: 青石党发〔2026〕3号",
    "secrecy": "secrecy: 内部",
    "retention": "retention: 10年",
    "archive_no": "archive_no: Z001-WS·2026-D10-{unit}-0001",
    "pages": "pages: 3",
    "responsible": "responsible: 林晓燕",
    "keywords": "keywords: [理论学习, 师德师风]",
    "plan": "plan: 2026-02-25-hxz-plan",
    "stage": "stage: 学习讨论",
    "stages": "stages:\n  - {name: 宣传动员, start: 2026-03-01, end: 2026-03-31}",
    "cadence": "cadence:\n  - {id: monthly-study, name: 每月集中学习1次, type: study, per: month, min: 1}",
    "form": "form: 集中学习",
    "host": "host: 周文静",
    "attendees": "attendees: 42",
    "hours": "hours: 1.5",
    "issue": "issue: 3",
    "import_digest": "import_digest: （archive import 写入 / written by archive import）",
}

WORDS = {
    "zh": {
        "fields_title": "字段",
        "fields_intro": "每件记录开头两行 `---` 之间的部分叫“元数据”，一行写一个字段：`字段名: 值`。"
                        "本页由程序根据档案的字段定义自动生成，与 `archive check` 用的是同一份规则。",
        "field": "字段", "name": "名称", "required": "必填", "applies": "适用文种",
        "yes": "是", "no": "否", "when_filed": "归档时必填", "by_type": "{types} 必填", "all_types": "全部",
        "kind": "写法", "choices": "可选值", "limit": "限制", "example": "示例",
        "max_length": "最多 {n} 个字", "max_items": "最多 {n} 项", "range": "{lo} 到 {hi}",
        "above": "大于 {lo}，不超过 {hi}", "aliases": "（也认：{aliases}）",
        "errors_title": "错误信息",
        "errors_intro": "`archive` 命令和构建报告的每一类问题都有一个代码，如 `E-field-missing`。"
                        "每条信息末尾都写着本页的地址；下面按代码排列，写明信息的样子和怎么改。"
                        "信息里花括号中的词（如 {field}）会换成具体的文件、字段和值。本页由程序根据信息目录自动生成。",
        "errors_empty": "信息目录还没有条目。",
        "message": "信息", "fix": "怎么改",
    },
    "en": {
        "fields_title": "Fields",
        "fields_intro": "The part of a record between the two `---` lines at its top is its front-matter: one "
                        "field a line, `name: value`. This page is generated from the archive's declaration of "
                        "its fields, the one `archive check` reads, so it always says what the check expects.",
        "field": "Field", "name": "Name", "required": "Required", "applies": "Types",
        "yes": "yes", "no": "no", "when_filed": "to file", "by_type": "for {types}", "all_types": "all",
        "kind": "Value", "choices": "Choices", "limit": "Limits", "example": "Example",
        "max_length": "at most {n} characters", "max_items": "at most {n} items", "range": "{lo} to {hi}",
        "above": "more than {lo}, at most {hi}", "aliases": " (also read: {aliases})",
        "errors_title": "Error messages",
        "errors_intro": "Every kind of problem the `archive` commands and the build report has a code, such as "
                        "`E-field-missing`. Each message ends with the address of its entry here; the entries "
                        "below, by code, show the message and how to fix it. Words in braces (such as {field}) "
                        "stand for the file, field and value of the case. Generated from the message catalogue.",
        "errors_empty": "The message catalogue has no entries yet.",
        "message": "Message", "fix": "How to fix it",
    },
}

# Fields needed to file a record (archive file writes them).
FILED_FIELDS = ("retention", "archive_no", "pages")

def md_text(value: object) -> str:
    """Untrusted text (a unit's name from archive.yml) on one line, as Markdown that shows it."""
    return escape_md(" ".join(str(value).split()))


def code_span(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it holds (Markdown's own rule)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"


# --- 字段 --------------------------------------------------------------------------------------
def _number(value: float | None) -> str:
    return f"{value:,g}" if value is not None else ""


def _required(spec: FieldSpec, words: dict, lang: str) -> str:
    if spec.required:
        return words["yes"]
    types = [t for t, names in REQUIRED_BY_TYPE.items() if spec.name in names]
    if types:
        return words["by_type"].format(types="、".join(TYPES[t].label(lang) for t in types))
    return words["when_filed"] if spec.name in FILED_FIELDS else words["no"]


def _limit(spec: FieldSpec, words: dict, lang: str) -> str:
    parts = []
    if spec.max_length:
        parts.append(words["max_length"].format(n=f"{spec.max_length:,}"))
    if spec.max_items:
        parts.append(words["max_items"].format(n=spec.max_items))
    if spec.above is not None:
        parts.append(words["above"].format(lo=_number(spec.above), hi=_number(spec.maximum)))
    elif spec.minimum is not None or spec.maximum is not None:
        parts.append(words["range"].format(lo=_number(spec.minimum), hi=_number(spec.maximum)))
    return ("；" if lang == "zh" else "; ").join(parts)


def _choices(spec: FieldSpec, registry: Registry | None, words: dict, lang: str) -> list[str]:
    """Every allowed value, one Markdown list item each: the code, its Chinese word, its English."""
    if spec.vocabulary is not None:
        items = []
        for term in spec.vocabulary:
            shown = f"`{term.code}` {term.zh}" if term.code != term.zh else f"`{term.zh}`"
            if lang != "zh":
                shown += f" ({term.en})"
            if term.aliases:
                shown += words["aliases"].format(aliases="、".join(term.aliases))
            items.append(shown)
        return items
    if spec.kind == "unit" and registry is not None:
        return [f"`{md_text(u.code)}` {md_text(u.label(lang))}" for u in registry.units.values()]
    return []


def fields_markdown(lang: str, registry: Registry | None) -> str:
    """The 字段 page in ``lang``: a table of every field, then one section per field."""
    words = WORDS[lang]
    unit = next(iter(registry.units), "HXZ") if registry else "HXZ"
    lines = [f"# {words['fields_title']}", "", words["fields_intro"], "",
             f"| {words['field']} | {words['name']} | {words['required']} | {words['applies']} |",
             "| --- | --- | --- | --- |"]
    for spec in FIELDS.values():
        applies = "、".join(TYPES[t].label(lang) for t in spec.only_types) or words["all_types"]
        lines.append(f"| [`{spec.name}`](#{spec.name}) | {spec.label(lang)} | {_required(spec, words, lang)} | "
                     f"{applies} |")
    for spec in FIELDS.values():
        other = spec.en if lang == "zh" else spec.zh
        sep = "：" if lang == "zh" else ": "
        lines += ["", f"## {spec.label(lang)} `{spec.name}` {{ #{spec.name} }}", "",
                  f"英文：{other}。" if lang == "zh" else f"Chinese: {other}.", "",
                  f"- {words['required']}{sep}{_required(spec, words, lang)}"]
        lines.append(f"- {words['kind']}{sep}{md_text(KIND_WORDS[spec.kind][0 if lang == 'zh' else 1])}")
        limit = _limit(spec, words, lang)
        if limit:
            lines.append(f"- {words['limit']}{sep}{limit}")
        choices = _choices(spec, registry, words, lang)
        if choices:
            lines.append(f"- {words['choices']}{sep}")
            lines += [f"    - {choice}" for choice in choices]
        example = EXAMPLES[spec.name].replace("{unit}", unit)
        lines += ["", f"{words['example']}{sep}", "", "```yaml", example, "```"]
    return "\n".join(lines) + "\n"


# --- 错误信息 ------------------------------------------------------------------------------------
def errors_markdown(entries: Iterable[Entry], lang: str) -> str:
    """The 错误信息 page in ``lang``: one section per code (its id the one the messages' trailer
    links), with the message's template and its fix. The fixes are the catalogue's own Markdown."""
    words = WORDS[lang]
    sep = "：" if lang == "zh" else ": "
    lines = [f"# {words['errors_title']}", "", words["errors_intro"]]
    entries = sorted(entries, key=lambda e: e.code)
    if not entries:
        lines += ["", words["errors_empty"]]
    for entry in entries:
        lines += ["", f"## {md_text(entry.code)} {{ #{entry.anchor} }}", "",
                  f"**{words['message']}**{sep}{code_span(entry.template(lang))}", "",
                  f"**{words['fix']}**{sep}{entry.fix(lang)}"]
    return "\n".join(lines) + "\n"


# --- the pages and their search documents ---------------------------------------------------------
@dataclass
class HandbookPage:
    """A page of the handbook: its source path (of the Chinese page), language, title and Markdown."""

    src_uri: str
    lang: str
    markdown: str

    @property
    def title(self) -> str:
        for line in self.markdown.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
        return self.src_uri

    def search_doc(self, urls: Urls = DIRECTORY_URLS) -> SearchDoc:
        url = urls.page(self.src_uri, self.lang)
        # the text's lines are what search.js expects of every document: title, metadata, body
        header = {"url": url, "title": self.title, "archive_no": "", "doc_no": "", "date": "", "draft": False}
        return SearchDoc(url, self.title, f"{self.title}\n\n{plain_text(_FRONT_MATTER.sub('', self.markdown))}",
                         header)


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def generated_pages(registry: Registry | None, entries: Sequence[Entry] | None = None) -> list[HandbookPage]:
    """The 字段 and 错误信息 pages, in every language (the errors of the catalogue, unless ``entries``)."""
    entries = messages.entries() if entries is None else entries
    return [page for lang in LANGUAGES for page in (
        HandbookPage(FIELDS_PAGE, lang, fields_markdown(lang, registry)),
        HandbookPage(ERRORS_PAGE, lang, errors_markdown(entries, lang)),
    )]


def written_pages(docs_root: Path) -> list[HandbookPage]:
    """The handbook's written pages under ``docs/handbook/`` (``x.md`` Chinese, ``x.en.md`` English)."""
    folder = docs_root / HANDBOOK_DIR
    pages = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        stem, _, lang = path.name[:-3].partition(".")
        if lang and lang not in LANGUAGES:
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:  # a page the build cannot read fails there, with MkDocs' own words
            continue
        pages.append(HandbookPage(f"{HANDBOOK_DIR}/{stem}.md", lang or "zh", text))
    return pages


def search_pages(docs_root: Path, generated: list[HandbookPage],
                 urls: Urls = DIRECTORY_URLS) -> list[tuple[str, SearchDoc]]:
    """Every handbook page as a search document of its language."""
    return [(page.lang, page.search_doc(urls)) for page in written_pages(docs_root) + generated]
