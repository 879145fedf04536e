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
from .messages import Message, message

PDF_IMPORT_MAX_BYTES = 100 * 2**20  # a PDF larger than this is kept as an attachment, not read
PDF_IMPORT_MAX_PAGES = 1000  # pages of text read from one PDF
PDF_IMPORT_MAX_CHARS = 2_000_000  # characters of text read from one PDF
PDF_IMPORT_SECONDS = 60  # time spent extracting text (checked after each page)
CONTROL = message("part.reason-control")


def read_pdf(path: Path) -> tuple[Message, list[Block], dict[str, object], list[Dropped]]:
    """What ``import_sources.read_source`` gives for a PDF: its label, blocks, fields (``pages``)."""
    blocks, pages, dropped = pdf_blocks(path)
    return message("part.encoding-pdf", pages=pages), blocks, {"pages": pages}, dropped


def pdf_blocks(path: Path) -> tuple[list[Block], int, list[Dropped]]:
    """The line blocks of a PDF's text layer (``where`` is "page P line L"), its page count and
    the control characters left out, or an ``ImportProblem`` saying why it cannot be imported."""
    size = path.stat().st_size
    if size > PDF_IMPORT_MAX_BYTES:
        raise ImportProblem("E-import-pdf-too-large", limit=size_text(PDF_IMPORT_MAX_BYTES), size=size_text(size))
    data = path.read_bytes()
    from pypdf import PdfReader  # imported here: only import and filing need it

    with quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            encrypted = reader.is_encrypted
        except Exception as exc:  # pypdf raises many kinds (and RecursionError) on a damaged or hostile file
            raise _unreadable(exc) from None
        if encrypted:
            raise ImportProblem("E-import-pdf-encrypted")
        count = pdf_page_count(data)
        if count is None:
            raise _unreadable(None)
        if count > PDF_IMPORT_MAX_PAGES:
            raise ImportProblem("E-import-pdf-too-many-pages", limit=PDF_IMPORT_MAX_PAGES, count=count)
        blocks: list[Block] = []
        dropped: list[Dropped] = []
        chars = number = 0
        start = time.monotonic()
        try:
            for number, page in enumerate(reader.pages, 1):
                if number > count:
                    raise _miscounted(count, message("part.more-than", count=count))
                text = page.extract_text() or ""
                chars += len(text)
                if chars > PDF_IMPORT_MAX_CHARS:
                    raise ImportProblem("E-import-pdf-too-much-text", limit=PDF_IMPORT_MAX_CHARS, page=number)
                if time.monotonic() - start > PDF_IMPORT_SECONDS:
                    raise ImportProblem("E-import-pdf-too-slow", limit=PDF_IMPORT_SECONDS, page=number, count=count)
                text = text.replace("\r\n", "\n").replace("\r", "\n")
                dropped.extend(_control_characters(text, number))
                text = FORBIDDEN.sub("", text)
                blocks.extend(_on_page(text_blocks(text, page=number), number))
        except ImportProblem:
            raise
        except Exception as exc:
            raise _unreadable(exc) from None
        if number != count:  # `pages` is the /Count that `archive file` reads: they must agree
            raise _miscounted(count, number)
    if not blocks:
        raise ImportProblem("E-import-pdf-no-text")
    return blocks, count, dropped


def _control_characters(text: str, page: int) -> list[Dropped]:
    """The control characters a text layer holds (font encodings leave them; a record refuses them)."""
    found = []
    if FORBIDDEN.search(text):
        for n, line in enumerate(text.split("\n"), 1):
            bad = dict.fromkeys(FORBIDDEN.findall(line))
            if bad:
                where = message("part.where-page-line", page=page, n=n)
                found.append(Dropped(where, ", ".join(describe_char(c) for c in bad), CONTROL))
    return found


def _on_page(blocks: list[Block], number: int) -> list[Block]:
    for block in blocks:
        block.page = number
    return blocks


def _miscounted(count: int, found: Message | int) -> ImportProblem:
    return ImportProblem("E-import-pdf-miscounted", count=count, found=found)


def _unreadable(exc: Exception | None) -> ImportProblem:
    from pypdf.errors import LimitReachedError

    if isinstance(exc, LimitReachedError):  # pypdf's own bounds: a decompression bomb, a flood of operators
        return ImportProblem("E-import-pdf-part-too-large", error=str(exc)[:200])
    why = message("part.error-detail", error=f"{type(exc).__name__}: {str(exc)[:200]}") if exc is not None else ""
    return ImportProblem("E-import-pdf-unreadable", why=why)
