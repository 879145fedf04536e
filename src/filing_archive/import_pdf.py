"""Reading a PDF source into blocks (``archive import`` of a .pdf).

The PDF's text layer, as pypdf extracts it, page by page, becomes the same line blocks as a text
file (``import_sources.text_blocks``), each naming its page and line. A PDF is untrusted input:
the importer first refuses one the archive would refuse as an attachment (not a PDF, actions that
run something); here an encrypted, damaged, huge or textless one (a scan) is refused with a
sentence saying why and what to do. The size, the pages and the
characters read and the time spent are bounded, so a hostile file costs seconds, not minutes.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

from .attachment_content import pdf_page_count, quiet_pypdf
from .attachments import size_text
from .frontmatter import FORBIDDEN, describe_char
from .import_sources import Block, Dropped, ImportProblem, text_blocks

PDF_IMPORT_MAX_BYTES = 100 * 2**20  # a PDF larger than this is kept as an attachment, not read
PDF_IMPORT_MAX_PAGES = 1000  # pages of text read from one PDF
PDF_IMPORT_MAX_CHARS = 2_000_000  # characters of text read from one PDF
PDF_IMPORT_SECONDS = 60  # time spent extracting text (checked after each page)
NOT_IMPORTED = "nothing imported from this file"
CONTROL = "控制字符 control characters of the text layer, not text"
AS_ATTACHMENT = ("type the record by hand (archive new) and keep the PDF in its <stem>.files/ folder "
                 "as an attachment")


def read_pdf(path: Path) -> tuple[str, list[Block], dict[str, object], list[Dropped]]:
    """What ``import_sources.read_source`` gives for a PDF: its label, blocks, fields (``pages``)."""
    blocks, pages, dropped = pdf_blocks(path)
    return f"PDF, {pages} 页 pages", blocks, {"pages": pages}, dropped


def pdf_blocks(path: Path) -> tuple[list[Block], int, list[Dropped]]:
    """The line blocks of a PDF's text layer (``where`` is "page P line L"), its page count and
    the control characters left out, or an ``ImportProblem`` saying why it cannot be imported."""
    size = path.stat().st_size
    if size > PDF_IMPORT_MAX_BYTES:
        raise ImportProblem(f"PDF 文件过大 PDF too large to import (expected at most "
                            f"{size_text(PDF_IMPORT_MAX_BYTES)}, got {size_text(size)}): {AS_ATTACHMENT}; "
                            f"{NOT_IMPORTED}")
    data = path.read_bytes()
    from pypdf import PdfReader  # imported here: only import and filing need it

    with quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            encrypted = reader.is_encrypted
        except Exception as exc:  # pypdf raises many kinds (and RecursionError) on a damaged or hostile file
            raise _unreadable(exc) from None
        if encrypted:
            raise ImportProblem("PDF 已加密 the PDF is encrypted (a password or restrictions): an archive keeps "
                                "files anyone can open in years to come (expected a PDF without encryption: "
                                f"save an unprotected copy and import that); {NOT_IMPORTED}")
        count = pdf_page_count(data)
        if count is None:
            raise _unreadable(None)
        if count > PDF_IMPORT_MAX_PAGES:
            raise ImportProblem(f"PDF 页数过多 too many pages to import (expected at most {PDF_IMPORT_MAX_PAGES}, "
                                f"got {count}): split it into smaller PDFs, or {AS_ATTACHMENT}; {NOT_IMPORTED}")
        blocks: list[Block] = []
        dropped: list[Dropped] = []
        chars = number = 0
        start = time.monotonic()
        try:
            for number, page in enumerate(reader.pages, 1):
                if number > count:
                    raise _miscounted(count, f"more than {count}")
                text = page.extract_text() or ""
                chars += len(text)
                if chars > PDF_IMPORT_MAX_CHARS:
                    raise ImportProblem(
                        f"PDF 文字过多 too much text to import (expected at most {PDF_IMPORT_MAX_CHARS:,} "
                        f"characters, got more by page {number}): split it into smaller PDFs; {NOT_IMPORTED}")
                if time.monotonic() - start > PDF_IMPORT_SECONDS:
                    raise ImportProblem(
                        f"PDF 读取超时 reading the text took too long (expected at most {PDF_IMPORT_SECONDS} s, "
                        f"stopped at page {number} of {count}): print it to a new PDF and import that; "
                        f"{NOT_IMPORTED}")
                text = text.replace("\r\n", "\n").replace("\r", "\n")
                dropped.extend(_control_characters(text, number))
                text = FORBIDDEN.sub("", text)
                blocks.extend(_on_page(text_blocks(text, f"page {number} line"), number))
        except ImportProblem:
            raise
        except Exception as exc:
            raise _unreadable(exc) from None
        if number != count:  # `pages` is the /Count that `archive file` reads: they must agree
            raise _miscounted(count, str(number))
    if not blocks:
        raise ImportProblem(f"PDF 没有文字层 the PDF has no text layer (a scan?): there is no text to import; "
                            f"{AS_ATTACHMENT}; {NOT_IMPORTED}")
    return blocks, count, dropped


def _control_characters(text: str, page: int) -> list[Dropped]:
    """The control characters a text layer holds (font encodings leave them; a record refuses them)."""
    found = []
    if FORBIDDEN.search(text):
        for n, line in enumerate(text.split("\n"), 1):
            bad = dict.fromkeys(FORBIDDEN.findall(line))
            if bad:
                found.append(Dropped(f"page {page} line {n}", ", ".join(describe_char(c) for c in bad), CONTROL))
    return found


def _on_page(blocks: list[Block], number: int) -> list[Block]:
    for block in blocks:
        block.page = number
    return blocks


def _miscounted(count: int, found: str) -> ImportProblem:
    return ImportProblem(f"PDF 页数不一致 the PDF is damaged: its page tree says {count} pages and holds {found} "
                         f"(expected the same number): print it to a new PDF and import that; {NOT_IMPORTED}")


def _unreadable(exc: Exception | None) -> ImportProblem:
    from pypdf.errors import LimitReachedError

    if isinstance(exc, LimitReachedError):  # pypdf's own bounds: a decompression bomb, a flood of operators
        return ImportProblem(f"PDF 内容过大 a part of the PDF is too large to read ({str(exc)[:200]}): print it to "
                             f"a new PDF and import that, or {AS_ATTACHMENT}; {NOT_IMPORTED}")
    why = f" ({type(exc).__name__}: {str(exc)[:200]})" if exc is not None else ""
    return ImportProblem(f"无法读取 PDF 文件 cannot read the PDF file (damaged, or not a PDF){why}; {NOT_IMPORTED}")
