"""What an attachment's bytes are, whatever its name says: the checks that keep active content
(macros, programs, scripts, PDF actions) out of the archive, and a PDF's page count.

Every check reads a bounded part of the file or walks it through ``mmap`` (the page cache, not
the process's memory), so a 2 GB file costs time, never 2 GB of RAM. Each check returns a
sentence saying what is wrong, or None.
"""

from __future__ import annotations

import io
import logging
import mmap
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

HEAD_BYTES = 4096  # what the signature checks read
ZIP_MAX_ENTRIES = 10_000  # an Office file has dozens of parts; more is a zip bomb or not Office
ZIP_MAX_DIRECTORY = 16 * 2**20  # bytes of a zip's central directory
CONTENT_TYPES_MAX = 2**20  # bytes of [Content_Types].xml read
OBJECT_STREAM_MAX = 64 * 2**20  # bytes one PDF object stream may inflate to
OBJECT_STREAMS_TOTAL_MAX = 256 * 2**20  # and all of them together
PAGES_MAX = 100_000  # the `pages` field's limit: a larger /Count is not believed


# --- executable and markup headers (any kind of file) ----------------------------------------
def _pe(head: bytes) -> bool:
    """A Windows program: ``MZ`` and, where the header says, the ``PE`` signature (or a DOS program)."""
    if not head.startswith(b"MZ") or len(head) < 64:
        return False
    offset = struct.unpack_from("<I", head, 0x3C)[0]
    return offset + 4 > len(head) or head[offset:offset + 4] in (b"PE\0\0", b"NE", b"LE")


EXECUTABLE_HEADERS: tuple[tuple[str, Callable[[bytes], bool]], ...] = (
    ("a Windows program (MZ/PE header)", _pe),
    ("a Linux program (ELF header)", lambda h: h.startswith(b"\x7fELF")),
    ("a macOS program (Mach-O header)", lambda h: h[:4] in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                                                            b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")),
    ("a script (#! line)", lambda h: h.lstrip(b"\xef\xbb\xbf").startswith(b"#!")),
)

# What a browser takes for HTML or XML when it sniffs a file (WHATWG MIME Sniffing §7.1), and
# script anywhere: opened from the site, it would run in the site's own origin.
_MARKUP_START_RE = re.compile(
    rb"^(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?[\t\n\x0c\r ]*<(?:!doctype\s+html|html|head|body|script|iframe|svg|"
    rb"\?xml|!--|title|style|table|div|font|a|br|b|p|h1|img|object|embed)[\s>/]",
    re.IGNORECASE,
)
_SCRIPT_RE = re.compile(rb"<\s*(?:script|svg|iframe|object|embed)[\s>/]|javascript\s*:", re.IGNORECASE)


def executable(head: bytes) -> str | None:
    for what, test in EXECUTABLE_HEADERS:
        if test(head):
            return f"holds {what}: programs and scripts are never kept"
    return None


def markup(data: bytes) -> str | None:
    """HTML, SVG or XML (or script in text): a browser would render it and run its script."""
    probe = data.replace(b"\0", b"")  # UTF-16 text: the ASCII of the markup without its zero bytes
    if _MARKUP_START_RE.match(probe):
        return ("holds HTML, SVG or XML markup, which a browser would open as a page of this site and run its "
                "scripts")
    if _SCRIPT_RE.search(probe):
        return "holds script (<script>, <svg>, javascript:), which a browser could run in this site's pages"
    return None


# --- the signature each kept format must start with --------------------------------------------
def _ftyp(h: bytes) -> bool:
    return h[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")


SIGNATURES: dict[str, Callable[[bytes], bool]] = {
    "pdf": lambda h: b"%PDF-" in h[:1024],
    "zip": lambda h: h.startswith(b"PK\x03\x04"),
    "ole": lambda h: h.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    "ole_or_zip": lambda h: h.startswith((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04")),
    "png": lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpeg": lambda h: h.startswith(b"\xff\xd8\xff"),
    "gif": lambda h: h.startswith((b"GIF87a", b"GIF89a")),
    "bmp": lambda h: h.startswith(b"BM"),
    "tiff": lambda h: h.startswith((b"II*\0", b"MM\0*")),
    "webp": lambda h: h.startswith(b"RIFF") and h[8:12] == b"WEBP",
    "mp3": lambda h: h.startswith(b"ID3") or (len(h) > 1 and h[0] == 0xFF and h[1] & 0xE0 == 0xE0),
    "wav": lambda h: h.startswith(b"RIFF") and h[8:12] == b"WAVE",
    "avi": lambda h: h.startswith(b"RIFF") and h[8:12] == b"AVI ",
    "mp4": _ftyp,
    "aac": lambda h: h.startswith(b"ADIF") or (len(h) > 1 and h[0] == 0xFF and h[1] & 0xF6 == 0xF0),
    "flac": lambda h: h.startswith(b"fLaC"),
    "ogg": lambda h: h.startswith(b"OggS"),
    "asf": lambda h: h.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"),
    "matroska": lambda h: h.startswith(b"\x1a\x45\xdf\xa3"),
    "mpeg": lambda h: h[:4] in (b"\0\0\1\xba", b"\0\0\1\xb3"),
}


# --- Office files: macros ---------------------------------------------------------------------
_OLE_VBA_RE = re.compile(b"".join(re.escape(c.encode()) + b"\x00" if not c.isalpha() else
                                  b"[" + c.upper().encode() + c.lower().encode() + b"]\x00"
                                  for c in "_VBA_PROJECT"))
_MACRO_PART_RE = re.compile(r"(?:^|/)(?:vba[^/]*|activeX[^/]*)$|(?:^|/)activeX/", re.IGNORECASE)


@contextmanager
def mapped(path: str) -> Iterator[bytes | mmap.mmap]:
    """The file's bytes without reading them into memory (an empty file is b'')."""
    with open(path, "rb") as handle:
        try:
            view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # empty
            yield b""
            return
        try:
            yield view
        finally:
            view.close()


def ole_macros(path: str) -> str | None:
    """A Word, Excel or WPS file in the old binary form holds its macros in a ``_VBA_PROJECT``
    stream; its name is in the file's directory (UTF-16), whatever the file is called."""
    with mapped(path) as data:
        if _OLE_VBA_RE.search(data):
            return "holds macros (a _VBA_PROJECT stream): save it as .docx or .xlsx without macros"
    return None


def _zip_directory_size(path: str) -> tuple[int, int] | None:
    """(entries, directory bytes) from the end-of-directory record; None when there is none."""
    with open(path, "rb") as handle:
        handle.seek(0, io.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 65_557))
        tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    entries, directory = struct.unpack_from("<HI", tail, at + 10)
    return entries, directory


def zip_problem(path: str, office: bool) -> str | None:
    """A zip container (OOXML, OpenDocument, OFD): readable, not a zip bomb of parts, and, for
    Office, without a VBA project or ActiveX part whatever the file's name (a .docm renamed .docx)."""
    found = _zip_directory_size(path)
    if found is None:
        return "is not a readable zip container (damaged, or not the format its name says)"
    entries, directory = found
    if entries >= 0xFFFF or entries > ZIP_MAX_ENTRIES or directory > ZIP_MAX_DIRECTORY:
        return f"has too many parts to check (expected at most {ZIP_MAX_ENTRIES:,})"
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if office:
                for name in names:
                    if _MACRO_PART_RE.search(name):
                        return (f"holds macros or ActiveX controls ({name}): save it as .docx, .xlsx or .pptx "
                                "without macros")
                info = next((i for i in archive.infolist() if i.filename == "[Content_Types].xml"), None)
                if info is not None and info.file_size <= CONTENT_TYPES_MAX:
                    types = archive.read(info)
                    if b"macroenabled" in types.lower() or b"vbaproject" in types.lower():
                        return "is a macro-enabled Office file inside: save it as .docx, .xlsx or .pptx without macros"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, NotImplementedError, RuntimeError, ValueError,
            EOFError, zlib.error):
        return "is not a readable zip container (damaged, or not the format its name says)"
    return None


# --- PDF: actions that run something -----------------------------------------------------------
PDF_ACTIONS = {b"JavaScript": "JavaScript", b"JS": "JavaScript", b"Launch": "a Launch action (it starts a program)"}
_PDF_PLAIN_RE = re.compile(rb"/(JavaScript|JS|Launch)(?![A-Za-z0-9#])")
_PDF_ESCAPED_RE = re.compile(rb"/(?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})*#[0-9A-Fa-f]{2}(?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})*")
_PDF_STREAM_RE = re.compile(rb"(?<!end)stream\r?\n")
_HEX_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _unescape_names(data: bytes) -> bytes:
    return _HEX_ESCAPE_RE.sub(lambda m: bytes([int(m[1], 16)]), data)


def _pdf_action(data: bytes | mmap.mmap) -> str | None:
    m = _PDF_PLAIN_RE.search(data)
    if m:
        return PDF_ACTIONS[m[1]]
    for m in _PDF_ESCAPED_RE.finditer(data):  # /J#61vaScript is /JavaScript to a reader
        name = _unescape_names(m[0])[1:]
        if name in PDF_ACTIONS:
            return PDF_ACTIONS[name]
    return None


def _inflate(data: mmap.mmap | bytes, start: int, limit: int) -> bytes | None:
    """A Flate stream's bytes from ``start``, at most ``limit`` of them; None when it is not Flate
    or inflates to more than ``limit`` (a bomb is stopped there, not read to its end)."""
    inflater = zlib.decompressobj()
    out = bytearray()
    position = start
    try:
        while not inflater.eof and position < len(data) and len(out) <= limit:
            chunk = data[position:position + 65_536]
            position += len(chunk)
            out += inflater.decompress(chunk, limit + 1 - len(out))
            while inflater.unconsumed_tail and len(out) <= limit:
                out += inflater.decompress(inflater.unconsumed_tail, limit + 1 - len(out))
    except zlib.error:
        return None
    return None if len(out) > limit else bytes(out)


def pdf_problem(path: str) -> str | None:
    """A PDF that runs something when opened: JavaScript (``/JavaScript``, ``/JS``) or a
    ``/Launch`` action, written plainly, with ``#xx`` escapes in the name, or inside a compressed
    object stream (which is inflated, within limits, to be read)."""
    with mapped(path) as data:
        found = _pdf_action(data)
        if found:
            return f"holds {found}: a PDF that runs something when opened is not kept (print it to a new PDF)"
        total = 0
        for m in _PDF_STREAM_RE.finditer(data):
            dictionary = _unescape_names(bytes(data[max(0, m.start() - 1024):m.start()]))
            dictionary = dictionary[dictionary.rfind(b"obj") + 3:] if b"obj" in dictionary else dictionary
            if b"/ObjStm" not in dictionary:
                continue  # page contents and images cannot hold actions
            if re.search(rb"/Filter\s*\[?\s*/FlateDecode\s*\]?\s*(?:/|>>)", dictionary) is None:
                return ("has a compressed object stream this check cannot read (expected FlateDecode): "
                        "save it again as PDF/A")
            inflated = _inflate(data, m.end(), min(OBJECT_STREAM_MAX, OBJECT_STREAMS_TOTAL_MAX - total))
            if inflated is None:
                return "has an object stream too large or damaged to check: save it again as PDF/A"
            total += len(inflated)
            found = _pdf_action(inflated)
            if found:
                return f"holds {found}: a PDF that runs something when opened is not kept (print it to a new PDF)"
    return None


# --- the page count ----------------------------------------------------------------------------
def pdf_page_count(data: bytes) -> int | None:
    """The number of pages a PDF declares (its page tree's ``/Count``), or None when ``data`` is
    not a PDF that can be read: damaged, encrypted with a password, hostile. Never raises.

    ``/Count`` is read, not the tree walked, so a hostile tree cannot make it slow; pypdf (strict
    off) repairs what a damaged cross-reference table it can, in time linear in the file."""
    if not isinstance(data, bytes | bytearray) or b"%PDF-" not in data[:1024]:
        return None
    from pypdf import PdfReader  # imported here: only filing and import need it

    quiet = logging.getLogger("pypdf")
    level, quiet.level = quiet.level, logging.CRITICAL + 1
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        count = reader.trailer["/Root"].get_object()["/Pages"].get_object()["/Count"]
        count = int(count)
    except Exception:  # pypdf raises many kinds (and RecursionError) on hostile input: None is "not known"
        return None
    finally:
        quiet.level = level
    return count if 1 <= count <= PAGES_MAX else None
