"""What an attachment's bytes are, whatever its name says: the checks that keep active content
(macros, programs, scripts, PDF actions) out of the archive, and a PDF's page count.

Every check reads a bounded part of the file or walks it in pieces of 1 MB, so a 2 GB file costs
time, never 2 GB of RAM. Each check returns a
sentence saying what is wrong, or None.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from .messages import Message, message

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
    ("part.executable-pe", _pe),
    ("part.executable-elf", lambda h: h.startswith(b"\x7fELF")),
    ("part.executable-macho", lambda h: h[:4] in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                                                            b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")),
    ("part.executable-script", lambda h: h.lstrip(b"\xef\xbb\xbf").startswith(b"#!")),
)

# What a browser takes for HTML or XML when it sniffs a file (WHATWG MIME Sniffing §7.1), and
# script anywhere: opened from the site, it would run in the site's own origin.
_MARKUP_START_RE = re.compile(
    rb"^(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?[\t\n\x0c\r ]*<(?:!doctype\s+html|html|head|body|script|iframe|svg|"
    rb"\?xml|!--|title|style|table|div|font|a|br|b|p|h1|img|object|embed)[\s>/]",
    re.IGNORECASE,
)
_SCRIPT_RE = re.compile(rb"<\s*(?:script|svg|iframe|object|embed)[\s>/]|javascript\s*:", re.IGNORECASE)


def executable(head: bytes) -> Message | None:
    for what, test in EXECUTABLE_HEADERS:
        if test(head):
            return message("E-attachment-executable", what=message(what))
    return None


def markup(data: bytes) -> Message | None:
    """HTML, SVG or XML (or script in text): a browser would render it and run its script."""
    probe = data.replace(b"\0", b"")  # UTF-16 text: the ASCII of the markup without its zero bytes
    if _MARKUP_START_RE.match(probe):
        return message("E-attachment-markup")
    if _SCRIPT_RE.search(probe):
        return message("E-attachment-script")
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


CHUNK = 2**20
OVERLAP = 2048  # bytes each piece repeats of the one before: a name or a dictionary cut by a piece's end


def pieces(path: str) -> Iterator[tuple[int, bytes]]:
    """The file in overlapping pieces, (offset, bytes): a scan never holds more than one piece."""
    with open(path, "rb") as handle:
        offset, tail = 0, b""
        while piece := handle.read(CHUNK):
            yield offset - len(tail), tail + piece
            tail = piece[-OVERLAP:]
            offset += len(piece)


def ole_macros(path: str) -> Message | None:
    """A Word, Excel or WPS file in the old binary form holds its macros in a ``_VBA_PROJECT``
    stream; its name is in the file's directory (UTF-16), whatever the file is called."""
    for _, data in pieces(path):
        if _OLE_VBA_RE.search(data):
            return message("E-attachment-ole-macros")
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


def zip_problem(path: str, office: bool) -> Message | None:
    """A zip container (OOXML, OpenDocument, OFD): readable, not a zip bomb of parts, and, for
    Office, without a VBA project or ActiveX part whatever the file's name (a .docm renamed .docx)."""
    found = _zip_directory_size(path)
    if found is None:
        return message("E-attachment-zip-unreadable")
    entries, directory = found
    if entries >= 0xFFFF or entries > ZIP_MAX_ENTRIES or directory > ZIP_MAX_DIRECTORY:
        return message("E-attachment-zip-too-many-parts", limit=ZIP_MAX_ENTRIES)
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if office:
                for name in names:
                    if _MACRO_PART_RE.search(name):
                        return message("E-attachment-zip-macros", name=name)
                info = next((i for i in archive.infolist() if i.filename == "[Content_Types].xml"), None)
                if info is not None and info.file_size <= CONTENT_TYPES_MAX:
                    types = archive.read(info)
                    if b"macroenabled" in types.lower() or b"vbaproject" in types.lower():
                        return message("E-attachment-zip-macro-enabled")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, NotImplementedError, RuntimeError, ValueError,
            EOFError, zlib.error):
        return message("E-attachment-zip-unreadable")
    return None


# --- PDF: actions that run something -----------------------------------------------------------
PDF_ACTIONS = {b"JavaScript": "part.pdf-javascript", b"JS": "part.pdf-javascript", b"Launch": "part.pdf-launch"}


def _name_pattern(name: bytes) -> bytes:
    """A PDF name as readers read it: each character as itself or as ``#xx`` (``/J#61vaScript``)."""
    return b"".join(b"(?:" + re.escape(bytes([c])) + b"|#" + b"%X" % (c >> 4) + b"[" + (b"%X%x" % (c & 15, c & 15))
                    + b"])" for c in name)


_PDF_ACTION_RE = re.compile(b"/(" + b"|".join(_name_pattern(n) for n in sorted(PDF_ACTIONS, key=len, reverse=True))
                            + rb")(?![A-Za-z0-9#])")
_PDF_STREAM_RE = re.compile(rb"stream\r?\n")  # (not "endstream": checked apart, a look-behind is 15x slower)
_HEX_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _unescape_names(data: bytes) -> bytes:
    return _HEX_ESCAPE_RE.sub(lambda m: bytes([int(m[1], 16)]), data)


def _pdf_action(data: bytes) -> str | None:
    m = _PDF_ACTION_RE.search(data)
    return PDF_ACTIONS[_unescape_names(m[1])] if m else None


def _inflate(handle: BinaryIO, start: int, limit: int) -> bytes | None:
    """A Flate stream's bytes from ``start``, at most ``limit`` of them; None when it is not Flate
    or inflates to more than ``limit`` (a bomb is stopped there, not read to its end)."""
    inflater = zlib.decompressobj()
    out = bytearray()
    handle.seek(start)
    try:
        while not inflater.eof and len(out) <= limit and (chunk := handle.read(65_536)):
            out += inflater.decompress(chunk, limit + 1 - len(out))
            while inflater.unconsumed_tail and len(out) <= limit:
                out += inflater.decompress(inflater.unconsumed_tail, limit + 1 - len(out))
    except zlib.error:
        return None
    return None if len(out) > limit else bytes(out)


def _action_found(found: str) -> Message:
    return message("E-attachment-pdf-action", action=message(found))


def pdf_problem(path: str) -> Message | None:
    """A PDF that runs something when opened: JavaScript (``/JavaScript``, ``/JS``) or a
    ``/Launch`` action, written plainly, with ``#xx`` escapes in the name, or inside a compressed
    object stream (which is inflated, within limits, to be read). Read in pieces."""
    total = 0
    seen: set[int] = set()  # streams already read (the pieces overlap)
    with open(path, "rb") as handle:
        for offset, data in pieces(path):
            found = _pdf_action(data)
            if found:
                return _action_found(found)
            for m in _PDF_STREAM_RE.finditer(data):
                where = offset + m.end()
                if data[max(0, m.start() - 3):m.start()] == b"end" or where in seen or m.start() < 1024 and offset > 0:
                    continue  # read with the piece before, which held its dictionary whole
                seen.add(where)
                dictionary = _unescape_names(data[max(0, m.start() - 1024):m.start()])
                dictionary = dictionary[dictionary.rfind(b"obj") + 3:] if b"obj" in dictionary else dictionary
                if b"/ObjStm" not in dictionary:
                    continue  # page contents and images cannot hold actions
                if re.search(rb"/Filter\s*\[?\s*/FlateDecode\s*\]?\s*(?:/|>>)", dictionary) is None:
                    return message("E-attachment-pdf-objstm-filter")
                inflated = _inflate(handle, where, min(OBJECT_STREAM_MAX, OBJECT_STREAMS_TOTAL_MAX - total))
                if inflated is None:
                    return message("E-attachment-pdf-objstm-bad")
                total += len(inflated)
                found = _pdf_action(inflated)
                if found:
                    return _action_found(found)
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

    with quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return None
            count = reader.trailer["/Root"].get_object()["/Pages"].get_object()["/Count"]
            count = int(count)
        except Exception:  # pypdf raises many kinds (and RecursionError) on hostile input: None is "not known"
            return None
    return count if 1 <= count <= PAGES_MAX else None


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """pypdf's warnings about a damaged file silenced (the caller says what is wrong, once)."""
    quiet = logging.getLogger("pypdf")
    level, quiet.level = quiet.level, logging.CRITICAL + 1
    try:
        yield
    finally:
        quiet.level = level


# --- images: do they decode? (the 四性 report's 可用性; structure only, no image library) -------
IMAGE_CHECK_MAX = 128 * 2**20  # bytes of an image read whole to walk its structure


def _png(data: bytes) -> Message | None:
    pos, seen = 8, []
    while pos + 12 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 8 + length
        if end + 4 > len(data):
            return message("part.image-png-chunk-past-end", chunk=repr(kind.decode("latin-1")))
        if zlib.crc32(data[pos + 4:end]) != struct.unpack_from(">I", data, end)[0]:
            return message("part.image-png-chunk-crc", chunk=repr(kind.decode("latin-1")))
        seen.append(kind)
        if kind == b"IEND":
            break
        pos = end + 4
    if not seen or seen[0] != b"IHDR":
        return message("part.image-png-no-ihdr")
    if b"IDAT" not in seen:
        return message("part.image-png-no-idat")
    if seen[-1] != b"IEND":
        return message("part.image-png-no-iend")
    return None


def _jpeg(data: bytes) -> Message | None:
    pos, frame = 2, False
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return message("part.image-jpeg-marker", pos=pos)
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        length = struct.unpack_from(">H", data, pos + 2)[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            frame = True
        if marker == 0xDA:  # start of scan: the coded data runs to the end-of-image marker
            if not frame:
                return message("part.image-jpeg-no-sof")
            return None if data.rfind(b"\xff\xd9") > pos else message("part.image-jpeg-no-eoi")
        pos += 2 + length
    return message("part.image-jpeg-no-sos")


def _gif(data: bytes) -> Message | None:
    if len(data) < 13 or struct.unpack_from("<HH", data, 6) == (0, 0):
        return message("part.image-gif-no-descriptor")
    if data.rstrip(b"\0")[-1:] != b";":
        return message("part.image-gif-no-trailer")
    return None


def _bmp(data: bytes) -> Message | None:
    if len(data) < 26:
        return message("part.image-bmp-short")
    size, offset, header = struct.unpack_from("<I4xII", data, 2)
    if header not in (12, 40, 52, 56, 64, 108, 124):
        return message("part.image-bmp-header", header=header)
    if size > len(data) or offset >= len(data):
        return message("part.image-bmp-truncated", size=size, offset=offset, length=len(data))
    return None


def _tiff(data: bytes) -> Message | None:
    order = "<" if data[:2] == b"II" else ">"
    offset = struct.unpack_from(order + "I", data, 4)[0] if len(data) >= 8 else 0
    if offset < 8 or offset + 2 > len(data):
        return message("part.image-tiff-ifd-outside")
    entries = struct.unpack_from(order + "H", data, offset)[0]
    if entries == 0 or offset + 2 + 12 * entries > len(data):
        return message("part.image-tiff-ifd-empty")
    return None


def _webp(data: bytes) -> Message | None:
    if len(data) < 16 or struct.unpack_from("<I", data, 4)[0] + 8 > len(data):
        return message("part.image-webp-short")
    if data[12:16] not in (b"VP8 ", b"VP8L", b"VP8X"):
        return message("part.image-webp-no-chunk")
    return None


IMAGE_WALKERS: dict[str, Callable[[bytes], str | None]] = {
    "png": _png, "jpeg": _jpeg, "gif": _gif, "bmp": _bmp, "tiff": _tiff, "webp": _webp,
}


def image_problem(path: str, signature: str) -> Message | None:
    """Why an image (its signature already checked) would not decode, or None: its structure
    walked (PNG chunks and their CRCs, JPEG segments to the end marker, the headers of the rest)."""
    walker = IMAGE_WALKERS.get(signature)
    if walker is None:
        return None
    with open(path, "rb") as handle:
        data = handle.read(IMAGE_CHECK_MAX + 1)
    if len(data) > IMAGE_CHECK_MAX:
        return message("part.image-too-large", limit=IMAGE_CHECK_MAX // 2**20)
    if not SIGNATURES[signature](data[:HEAD_BYTES]):
        return message("part.image-not-signature", format=signature.upper())
    try:
        return walker(data)
    except struct.error:
        return message("part.image-short-headers", format=signature.upper())
