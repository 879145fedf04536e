"""A record's attachments: the files of its 件 kept beside it (the original it was imported from,
a scan, photos, spreadsheets), their kinds, digests and the rules they must keep.

Convention: every file in the flat folder ``<stem>.files/`` next to the record ``<stem>.md`` is an
attachment of that record; its translations (``<stem>.en.md``) show the same attachments.

Everything in such a folder is untrusted input. Only an allow-list of formats is kept, and a
file's bytes must be what its name says: macros (whatever the file is called), programs,
scripts, HTML/SVG/XML a browser would run in the site's origin, and PDFs with actions are
errors (``attachment_content`` looks at the bytes). Names follow the record file-name rules and
carry no 密级 marking; text attachments are scanned for markings like a record's body.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from . import attachment_content as content
from .messages import Message, message
from .problems import Problems
from .record_paths import check_record_path
from .schema import in_language
from .secrecy import marking_in_title, markings_in_lines
from .storage import file_digests
from .textfile import detect_encoding

pdf_page_count = content.pdf_page_count  # the pages of a PDF original (``archive file``'s default for `pages`)
FOLDER_SUFFIX = ".files"  # <stem>.files/ beside <stem>.md
TEXT_SCAN_MAX = 16 * 2**20  # bytes of a text attachment read for 密级 markings (the whole file must fit)
FIELD = "attachment"


@dataclass(frozen=True)
class Kind:
    code: str
    zh: str
    en: str


KINDS = {k.code: k for k in (
    Kind("fixed", "版式文件", "Fixed-layout document"),
    Kind("document", "文档", "Document"),
    Kind("spreadsheet", "表格", "Spreadsheet"),
    Kind("presentation", "演示文稿", "Presentation"),
    Kind("image", "图片", "Image"),
    Kind("text", "文本", "Text"),
    Kind("audio", "音频", "Audio"),
    Kind("video", "视频", "Video"),
)}


@dataclass(frozen=True)
class Format:
    """A kept format: its kind, the signature its bytes must start with, what else is checked."""

    kind: str
    signature: str | None  # a key of attachment_content.SIGNATURES; None for text
    deep: str = ""  # "pdf", "office" (OLE or OOXML/ODF: macros), "zip" (a zip container: readable)


def _formats() -> dict[str, Format]:
    table: dict[str, Format] = {"pdf": Format("fixed", "pdf", "pdf"), "ofd": Format("fixed", "zip", "zip")}
    for kind, old, new in (
        ("document", ("doc", "dot"), ("docx", "dotx", "odt")),
        ("spreadsheet", ("xls", "xlt"), ("xlsx", "xltx", "ods")),
        ("presentation", ("ppt", "pps", "pot"), ("pptx", "ppsx", "potx", "odp")),
    ):
        table.update({ext: Format(kind, "ole", "office") for ext in old})
        table.update({ext: Format(kind, "zip", "office") for ext in new})
    # WPS Office: the old forms are OLE, newer ones zip
    for kind, names in (("document", ("wps", "wpt")), ("spreadsheet", ("et", "ett")), ("presentation", ("dps",))):
        table.update({ext: Format(kind, "ole_or_zip", "office") for ext in names})
    table.update({"jpg": Format("image", "jpeg"), "jpeg": Format("image", "jpeg"), "png": Format("image", "png"),
                  "gif": Format("image", "gif"), "bmp": Format("image", "bmp"), "tif": Format("image", "tiff"),
                  "tiff": Format("image", "tiff"), "webp": Format("image", "webp")})
    table.update({"txt": Format("text", None), "csv": Format("spreadsheet", None)})
    table.update({"mp3": Format("audio", "mp3"), "wav": Format("audio", "wav"), "m4a": Format("audio", "mp4"),
                  "aac": Format("audio", "aac"), "flac": Format("audio", "flac"), "ogg": Format("audio", "ogg"),
                  "wma": Format("audio", "asf")})
    table.update({"mp4": Format("video", "mp4"), "m4v": Format("video", "mp4"), "mov": Format("video", "mp4"),
                  "avi": Format("video", "avi"), "wmv": Format("video", "asf"), "mkv": Format("video", "matroska"),
                  "webm": Format("video", "matroska"), "mpg": Format("video", "mpeg"), "mpeg": Format("video", "mpeg")})
    return table


FORMATS = _formats()
ALLOWED = ("PDF, OFD, Word (.doc .docx), Excel (.xls .xlsx), WPS (.wps .et .dps), PowerPoint (.ppt .pptx), "
           "OpenDocument (.odt .ods .odp), images (.jpg .png .gif .bmp .tif .webp), text (.txt .csv), "
           "audio (.mp3 .wav .m4a .aac .flac .ogg .wma), video (.mp4 .mov .avi .wmv .mkv .webm .mpg)")
MACRO_EXTENSIONS = frozenset("docm dotm xlsm xltm xlam xlsb pptm potm ppsm ppam sldm".split())
PROGRAM_EXTENSIONS = frozenset(
    "exe dll com scr msi msp cpl sys drv ocx bat cmd ps1 psm1 vbs vbe js jse mjs wsf wsh hta jar class py pyc pyw "
    "pl rb php sh bash zsh csh ksh lnk reg inf apk app dmg pkg deb rpm run bin elf so dylib msc gadget scf url".split()
)
MARKUP_EXTENSIONS = frozenset("html htm xhtml shtml svg svgz xml xsl xslt mht mhtml".split())


@dataclass(frozen=True)
class Attachment:
    """One file of a record's ``<stem>.files/`` folder, as ``inspect`` read it."""

    path: str  # from the project root, with /
    src_uri: str  # from docs/, as MkDocs names it (and publishes it)
    name: str  # the file's name in the folder: the key in the log's ``attachments``
    record_path: str  # the record it belongs to
    kind: str  # a code of KINDS ("" when refused)
    size: int
    sha256: str | None  # None when it could not be read
    sm3: str | None

    def kind_label(self, lang: str) -> str:
        kind = KINDS.get(self.kind)
        return in_language(lang, kind.zh, kind.en) if kind else ""


def folder_of(record_path: str) -> str:
    """``a/x.md`` -> ``a/x.files``."""
    return record_path[: -len(".md")] + FOLDER_SUFFIX


def record_of(folder: str) -> str:
    """``a/x.files`` -> ``a/x.md``."""
    return folder[: -len(FOLDER_SUFFIX)] + ".md"


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""


def size_text(size: int) -> str:
    """A size as a reader takes it in: ``812 B``, ``35.2 KB``, ``4.1 MB``."""
    if size < 1024:
        return f"{size} B"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:,.1f} {unit}"
    return ""  # pragma: no cover


def _refused_kind(ext: str) -> Message | None:
    """Why an extension is never kept, or None when it is on the allow-list."""
    shown: Message | str = f".{ext}" if ext else message("part.no-extension")
    if ext in FORMATS:
        return None
    if ext in MACRO_EXTENSIONS:
        return message("E-attachment-macro-file", shown=shown, allowed=ALLOWED)
    if ext in PROGRAM_EXTENSIONS:
        return message("E-attachment-program-file", shown=shown, allowed=ALLOWED)
    if ext in MARKUP_EXTENSIONS:
        return message("E-attachment-markup-file", shown=shown, allowed=ALLOWED)
    return message("E-attachment-kind-not-kept", shown=shown, allowed=ALLOWED)


def _content_problem(path: str, ext: str, fmt: Format) -> Message | None:
    """What the bytes say, checked against what the name says."""
    with open(path, "rb") as handle:
        head = handle.read(content.HEAD_BYTES)
    if not head:
        return message("E-attachment-empty")
    found = content.executable(head)
    if found:
        return found
    if fmt.signature is None:  # text: a browser must not take it for a page (all of it is read: see TEXT_SCAN_MAX)
        with open(path, "rb") as handle:
            return content.markup(handle.read(TEXT_SCAN_MAX + 1))
    signature = fmt.signature
    if not content.SIGNATURES[signature](head):
        found = content.markup(head)
        if found:
            return found
        return message("E-attachment-signature", ext=ext)
    if fmt.deep == "pdf":
        return content.pdf_problem(path)
    if fmt.deep == "zip":
        return content.zip_problem(path, office=False)
    if fmt.deep == "office":
        if head.startswith(b"PK"):
            return content.zip_problem(path, office=True)
        return content.ole_macros(path)
    return None


def file_problem(path: str, name: str) -> Message | None:
    """Why a file called ``name`` would be refused as an attachment by its kind and bytes, or None:
    ``archive import`` asks before it keeps a source as the record's original."""
    ext = extension(name)
    refused = _refused_kind(ext)
    if refused:
        return refused
    fmt = FORMATS[ext]
    return _content_problem(path, ext, fmt)


def _text_markings(path: str, rel: str, size: int, problems: Problems) -> None:
    """A text attachment is scanned for 密级 markings like a record's body."""
    if size > TEXT_SCAN_MAX:
        problems.error(rel, 0, "secrecy", "E-attachment-text-too-large", limit=TEXT_SCAN_MAX // 2**20,
                       size=size_text(size))
        return
    with open(path, "rb") as handle:
        data = handle.read(TEXT_SCAN_MAX + 1)
    encoding = detect_encoding(data)
    if encoding is None:
        problems.error(rel, 0, FIELD, "E-attachment-not-text")
        return
    text = data.decode(encoding.codec, errors="replace")
    for line, shown in markings_in_lines(text.replace("\r\n", "\n").replace("\r", "\n")):
        problems.error(rel, line, "secrecy", "E-attachment-secret-marked", what=message("part.attachment-text"),
                       marking=shown)
        return


def inspect(path: str, rel: str, src_uri: str, records_dir: str, max_mb: int, problems: Problems,
            digests: Callable[[str], tuple[int, str, str]] = file_digests) -> Attachment:
    """One attachment read and checked: its kind, size and digests, every rule it breaks as a
    problem naming the file. An attachment with an error is still returned (fixity needs its
    digest); the problems keep it off the site."""
    name = rel.rsplit("/", 1)[-1]
    record_path = record_of(rel.rsplit("/", 1)[0])
    before = problems.error_count
    check_record_path(rel, src_uri, records_dir, problems)
    marked = marking_in_title(name.rsplit(".", 1)[0])
    if marked:
        problems.error(rel, 0, "secrecy", "E-attachment-secret-marked", what=message("part.attachment-name"),
                       marking=marked)
    ext = extension(name)
    refused = _refused_kind(ext)
    fmt = FORMATS.get(ext)
    try:
        size, sha256, sm3 = digests(path)
    except OSError as exc:
        problems.error(rel, 0, FIELD, "E-attachment-unreadable", reason=str(exc.strerror or exc))
        return Attachment(rel, src_uri, name, record_path, "", 0, None, None)
    if refused:
        problems.error(rel, 0, FIELD, refused)
    elif fmt is not None:
        try:
            found = _content_problem(path, ext, fmt)
        except OSError as exc:
            found = message("E-attachment-unreadable", reason=str(exc.strerror or exc))
        if found:
            problems.error(rel, 0, FIELD, found)
        elif fmt.signature is None:
            _text_markings(path, rel, size, problems)
    if size > max_mb * 2**20:
        problems.warning(rel, 0, FIELD, "W-attachment-large", limit=max_mb, size=size_text(size))
    kind = fmt.kind if fmt is not None and problems.error_count == before else ""
    return Attachment(rel, src_uri, name, record_path, kind, size, sha256, sm3)


def inspect_all(paths: list[str], root_len: int, docs_len: int, records_dir: str, max_mb: int,
                problems: Problems) -> dict[str, list[Attachment]]:
    """Every attachment ``docs_files`` found, by the path of its record, in name order."""
    found: dict[str, list[Attachment]] = {}
    for path in sorted(paths):
        rel = path[root_len:].replace(os.sep, "/")
        src_uri = path[docs_len:].replace(os.sep, "/")
        attachment = inspect(path, rel, src_uri, records_dir, max_mb, problems)
        found.setdefault(attachment.record_path, []).append(attachment)
    return found
