"""The 四性检测 report (DA/T 70): 真实性, 完整性, 可用性 and 安全性 of the filed records, for the
whole archive or one class, as data (JSON) and as a page an auditor reads (HTML).

It is made from what ``verify`` and ``check`` already find (one reading of the archive through
``verify.verify``), sorted into the four properties; it adds only what neither looks at: that
every filed file opens (Markdown renders, PDFs open with pypdf, images decode), that 页数 is
present, and that no link in a record leaves the site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import markdown
from jinja2 import Environment, PackageLoader, select_autoescape

from . import attachment_content, storage
from .archive import Archive
from .attachments import ALLOWED, FIELD, FORMATS, extension, record_of
from .fixity import LOG_FILE, RecordHistory
from .messages import message
from .numbering import class_of
from .problems import Problem, UsageError
from .records import Record
from .sanitise import is_local
from .verify import VerifyReport, verify

REPORT_JSON, REPORT_HTML = "four-properties.json", "four-properties.html"
# The extensions of mkdocs.yml that change what a body's links are (the rest only lay it out).
MARKDOWN_EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "pymdownx.details",
                       "pymdownx.superfences"]
LINK_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "data", "cite", "background"})
# The findings each check takes, by code (the records' codes are in records.yml).
SECRET_CODES = frozenset({"E-secret-grade", "E-secret-marked-value", "E-secret-marked-text",
                          "E-attachment-secret-marked"})
REQUIRED_CODES = frozenset({"E-field-missing", "E-field-required-filed"})
FORMAT_CODES = frozenset({"E-attachment-macro-file", "E-attachment-program-file", "E-attachment-markup-file",
                          "E-attachment-kind-not-kept", "E-attachment-signature", "E-attachment-empty",
                          "E-attachment-not-text", "E-attachment-unreadable"})
MISSING_CODES = frozenset({"E-filed-file-missing", "E-attachment-missing"})


@dataclass(frozen=True)
class Property:
    code: str
    zh: str
    en: str


PROPERTIES = (
    Property("authenticity", "真实性", "Authenticity"),
    Property("integrity", "完整性", "Integrity"),
    Property("usability", "可用性", "Usability"),
    Property("security", "安全性", "Security"),
)


@dataclass
class Check:
    """One check: what was checked, how many items, which failed (each a finding naming its file)."""

    property: str
    code: str
    zh: str
    en: str
    items: list[str]  # what was checked (paths, classes, log lines)
    failures: list[Problem] = field(default_factory=list)
    failed_items: set[str] = field(default_factory=set)

    def fail(self, item: str, problem: Problem) -> None:
        self.failures.append(problem)
        self.failed_items.add(item)

    @property
    def passed(self) -> int:
        return len(self.items) - len(self.failed_items & set(self.items))

    def as_dict(self) -> dict:
        return {"code": self.code, "zh": self.zh, "en": self.en, "checked": len(self.items), "passed": self.passed,
                "failed": [p.as_dict() for p in sorted(set(self.failures))]}


@dataclass
class Report:
    fonds: str
    scope: str  # "" for the whole archive, else the class
    date: str
    log_head: str
    checks: list[Check]
    # what it was made from (``transfer`` packs the same reading): not part of the report
    archive: Archive | None = field(default=None, repr=False)
    states: dict[str, RecordHistory] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not any(c.failures for c in self.checks)

    def as_dict(self) -> dict:
        return {
            "title": "四性检测报告", "title_en": "Four-properties check (DA/T 70)", "fonds": self.fonds,
            "scope": self.scope or "全部 all", "date": self.date, "log_head": self.log_head,
            "result": "通过 passed" if self.ok else "不通过 failed",
            "properties": [{"code": p.code, "zh": p.zh, "en": p.en,
                            "checks": [c.as_dict() for c in self.checks if c.property == p.code]}
                           for p in PROPERTIES],
        }


class _Links(HTMLParser):
    """Every URL a rendered body points at (links, images, embeds, forms)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls.extend(v for k, v in attrs if k in LINK_ATTRIBUTES and v)
        self.urls.extend(u.split()[0] for k, v in attrs if k == "srcset" and v for u in v.split(",") if u.strip())


def _line_of(record: Record, needle: str) -> int:
    for offset, text in enumerate(record.body.split("\n")):
        if needle in text:
            return record.body_line + offset
    return record.body_line


def build_report(root: Path, archive_class: str | None = None) -> Report:
    """Verify the archive (keeping the bodies) and sort every finding into the four properties."""
    found: VerifyReport = verify(root, bodies=True)
    archive = found.archive
    states = {rel: s for rel, s in found.states.items() if not s.withdrawn}
    if archive_class:
        if archive_class not in found.classes:
            raise UsageError("E-class-unknown", archive_class=archive_class,
                             known=list(found.classes) or [message("part.none")])
        states = {rel: s for rel, s in states.items() if (class_of(s.archive_no) or ("",))[0] == archive_class}
    records = {r.path: r for r in archive.broken + archive.records}
    record_paths = sorted(states)
    files = sorted(p for s in states.values() for p in s.files())
    present = {a.path: a for items in archive.attachments.values() for a in items}
    # the attachments filed, and any file now in a filed record's folder (added since: is it safe?)
    attachments = sorted({p for p in files if p not in states}
                         | {a.path for rel in states for a in archive.attachments.get(rel, [])})
    classes = {c: n for c, n in found.classes.items() if not archive_class or c == archive_class}

    # an attachment check refuses (a program named .pdf) is reported there, not again as "does not open"
    refused = {p.path for p in archive.problems.errors if p.field == FIELD}
    openable = [p for p in attachments if p not in refused]

    def check(prop: str, code: str, zh: str, en: str, items: list[str]) -> Check:
        return Check(prop, code, zh, en, items)

    digests = check("authenticity", "digests",
                    "每份已归档文件（记录与附件）的 SHA-256 与 SM3 摘要同两份清单和归档日志一致",
                    "each filed file's SHA-256 and SM3 digests agree with both manifests and the filing log", files)
    chain = check("authenticity", "log_chain", "归档日志的哈希链完整，已提交到 git 的各行未被改动",
                  "the filing log's hash chain is intact and its lines committed in git unchanged",
                  [f"{LOG_FILE}:{n}" for n in range(1, found.log_entries + 1)])
    numbering = check("integrity", "numbering", "每个类别的件号连续无漏号", "件号 run without gaps in each class",
                      list(classes))
    metadata = check("integrity", "metadata", "已归档记录的必备元数据齐全",
                     "filed records have every required metadata field", record_paths)
    present_check = check("integrity", "files_present", "已归档的记录与附件都在",
                          "every filed record and attachment is there", files)
    pages = check("integrity", "pages", "已归档记录都有页数", "filed records have their 页数", record_paths)
    opens = check("usability", "markdown", "记录文件可读，Markdown 可以解析",
                  "record files read and their Markdown renders", record_paths)
    pdfs = check("usability", "pdf", "PDF 附件可以打开（pypdf）", "PDF attachments open (pypdf)",
                 [p for p in openable if extension(p) == "pdf"])
    images = check("usability", "images", "图片附件可以解码（结构完整）",
                   "image attachments decode (their structure is whole)",
                   [p for p in openable if FORMATS.get(extension(p)) and FORMATS[extension(p)].kind == "image"])
    formats = check("usability", "formats", "附件格式在允许清单内，内容与格式相符",
                    f"attachments are of a kept format ({ALLOWED}) and their bytes are that format", attachments)
    secrecy = check("security", "secrecy", "记录与附件中没有密级标志",
                    "no 密级 marking in records and attachments", files)
    active = check("security", "active_content", "附件中没有活动内容（宏、程序、脚本、PDF 动作）",
                   "no active content in attachments (macros, programs, scripts, PDF actions)", attachments)
    links = check("security", "links", "记录中没有指向站外的链接", "no link in a record leaves the site", record_paths)
    checks = [digests, chain, numbering, metadata, present_check, pages, opens, pdfs, images, formats, secrecy, active,
              links]

    in_scope = set(files) | set(attachments)
    readable = {r.path for r in archive.records + archive.broken}

    def concerns(problem: Problem) -> str | None:
        """The filed file a finding is about: itself, the record of an attachment added since (its
        set of files no longer agrees), else the filed file its message names."""
        if problem.path in files:
            return problem.path
        if "/" in problem.path and record_of(problem.path.rsplit("/", 1)[0]) in states:
            return record_of(problem.path.rsplit("/", 1)[0])
        named = {str(value) for _, value in problem.message.args}
        return next((f for f in files if f in named), None)

    check_errors = set(archive.problems.errors)
    # verify's findings
    for problem in found.findings:
        if problem.path == LOG_FILE:
            chain.fail(f"{LOG_FILE}:{problem.line}", problem)
            continue
        if problem.code == "E-number-gap":
            cls = dict(problem.message.args).get("archive_class")
            if cls in classes:
                numbering.fail(str(cls), problem)
            continue
        item = concerns(problem)
        if item is None and archive_class:
            continue  # about a file of another class
        if problem.code in MISSING_CODES:
            present_check.fail(item or problem.path, problem)
        elif problem in check_errors:
            continue  # check's words on a file that cannot be read: under "markdown" below
        else:
            digests.fail(item or problem.path, problem)
    # check's findings on the filed files
    for problem in archive.problems.errors:
        item = problem.path
        if item not in in_scope:
            continue
        code = problem.code
        if code in SECRET_CODES:
            secrecy.fail(item, problem)
        elif code in REQUIRED_CODES:
            metadata.fail(item, problem)
        elif problem.field == FIELD and code in FORMAT_CODES:
            formats.fail(item, problem)
        elif problem.field == FIELD:
            active.fail(item, problem)
        elif item in states and item not in readable:
            opens.fail(item, problem)
    # what neither looks at
    gone = {p.path for p in present_check.failures}
    for cls, numbers in classes.items():
        if not numbers or numbers == list(range(1, numbers[-1] + 1)):
            continue
        if cls not in numbering.failed_items:  # a gap verify reported against a file outside the records
            numbering.fail(cls, Problem(cls, 0, "archive_no", message("E-number-gap-class", archive_class=cls)))
    for rel in record_paths:
        record = records.get(rel)
        if record is None or rel in gone:
            continue
        if record.pages is None:
            pages.fail(rel, Problem(rel, record.line("status") or 1, "pages", message("E-pages-missing-4p", path=rel)))
        try:
            html = markdown.markdown(record.body, extensions=MARKDOWN_EXTENSIONS)
        except Exception as exc:  # a body Python-Markdown cannot render, whatever it raises
            opens.fail(rel, Problem(rel, record.body_line, "", message(
                "E-markdown-fails", error=f"{type(exc).__name__}: {exc}")))
            continue
        parser = _Links()
        parser.feed(html)
        for url in dict.fromkeys(parser.urls):
            if not is_local(url):
                links.fail(rel, Problem(rel, _line_of(record, url), "body", message("E-link-external", url=url)))
    for rel in pdfs.items:
        if rel in gone or rel not in present:
            continue
        try:
            data = (archive.root / rel).read_bytes()
        except OSError as exc:
            pdfs.fail(rel, Problem(rel, 0, FIELD, message("E-attachment-unreadable", reason=str(exc.strerror or exc))))
            continue
        if attachment_content.pdf_page_count(data) is None:
            pdfs.fail(rel, Problem(rel, 0, FIELD, message("E-pdf-does-not-open")))
    for rel in images.items:
        if rel in gone or rel not in present:
            continue
        try:
            why = attachment_content.image_problem(str(archive.root / rel), FORMATS[extension(rel)].signature)
        except OSError as exc:
            why = message("part.cannot-read", reason=str(exc.strerror or exc))
        if why:
            images.fail(rel, Problem(rel, 0, FIELD, message("E-image-does-not-decode", why=why)))
    return Report(fonds=found.fonds, scope=archive_class or "", date=archive.today.isoformat(),
                  log_head=found.log_head, checks=checks, archive=archive, states=found.states)


def report_files(report: Report) -> dict[str, bytes]:
    """The report as its two files: JSON (the data) and HTML (the same, laid out by a template)."""
    data = report.as_dict()
    env = Environment(loader=PackageLoader("filing_archive", "templates"), autoescape=select_autoescape(["html"]))
    html = env.get_template("four_properties.html").render(report=data)
    return {REPORT_JSON: (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode(),
            REPORT_HTML: html.encode()}


def write_report(report: Report, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in report_files(report).items():
        storage.atomic_write(folder / name, data)
        written.append(folder / name)
    return written
