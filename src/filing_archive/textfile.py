"""A file's bytes read as text: the size limit, UTF-8, and the archive's one encoding detector.

Records and ``archive.yml`` must be UTF-8 (a BOM and CRLF line ends are accepted); a file in
another encoding is refused with the encoding it most likely is, so staff know what to re-save
it as. ``archive import`` reads more encodings with the same detector (``import_sources``).
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass

from .messages import Message, message
from .schema import RECORD_MAX_BYTES

BOM = "\ufeff"


class SourceError(Exception):
    """A file that cannot be read as a record at all; ``line`` is 1-based (0: whole file)."""

    def __init__(self, line: int, said: Message, field: str = ""):
        super().__init__(said)
        self.line = line
        self.message = said
        self.field = field


@dataclass(frozen=True)
class Encoding:
    """An encoding ``detect_encoding`` found: the Python codec that decodes the bytes (a BOM
    included) and how messages name it."""

    codec: str
    name: str


# A BOM says which encoding it is; UTF-32 LE's starts with UTF-16 LE's, so it is tried first.
_BOMS = (
    (codecs.BOM_UTF32_LE, Encoding("utf-32", "UTF-32 LE with BOM")),
    (codecs.BOM_UTF32_BE, Encoding("utf-32", "UTF-32 BE with BOM")),
    (codecs.BOM_UTF16_LE, Encoding("utf-16", "UTF-16 LE with BOM")),
    (codecs.BOM_UTF16_BE, Encoding("utf-16", "UTF-16 BE with BOM")),
)
_UTF8_BOM = Encoding("utf-8-sig", "UTF-8 with BOM")
_WIDE = (("utf-32-le", "UTF-32 LE"), ("utf-32-be", "UTF-32 BE"), ("utf-16-le", "UTF-16 LE"), ("utf-16-be", "UTF-16 BE"))
# Without zero bytes: UTF-8, then the legacy Chinese ones (GBK first: it is the common one).
_NARROW = (Encoding("utf-8", "UTF-8"), Encoding("gbk", "GBK"), Encoding("gb18030", "GB18030"), Encoding("big5", "BIG5"))


def _wide_encoding(data: bytes) -> Encoding | None:
    """UTF-32 or UTF-16 without a BOM, told by where its zero bytes fall: the reading that
    decodes cleanly into text with line ends (a record or a registry has several)."""
    best: tuple[int, str, str] | None = None
    for codec, label in _WIDE:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        newlines = text.count("\n")
        if "\x00" not in text and newlines and (best is None or newlines > best[0]):
            best = (newlines, codec, label)
    return Encoding(best[1], f"{best[2]} without BOM") if best else None


def detect_encoding(data: bytes) -> Encoding | None:
    """The encoding ``data`` is most likely in, if any: the one a UTF-32 or UTF-16 BOM names;
    UTF-32 or UTF-16 without a BOM when it has zero bytes (no narrow encoding has them in text,
    the wide ones always do); UTF-8 when a UTF-8 BOM opens it (even if what follows is broken: it
    names no other encoding); else the first of UTF-8, GBK, GB18030 and Big5 that reads it."""
    for bom, found in _BOMS:
        if data.startswith(bom):
            return found
    if b"\x00" in data:
        return _wide_encoding(data)
    if data.startswith(codecs.BOM_UTF8):
        return _UTF8_BOM
    for found in _NARROW:
        try:
            data.decode(found.codec)
        except UnicodeDecodeError:
            continue
        return found
    return None


def _other_than_utf8(data: bytes) -> Encoding | None:
    """The encoding of bytes that are not UTF-8 text, if the detector knows one. A UTF-8 BOM over
    bytes that are not UTF-8 is broken UTF-8: no other encoding to name."""
    found = detect_encoding(data)
    return None if found is None or found.codec.startswith("utf-8") else found


def check_size(size: int, max_bytes: int) -> None:
    """Refuse a file larger than ``max_bytes`` (callers check the size before reading a file)."""
    if size > max_bytes:
        raise SourceError(1, message("E-file-too-large", limit=max_bytes, mb=max_bytes / 1024 / 1024, got=size))


def read_limited(path: str | os.PathLike, max_bytes: int = RECORD_MAX_BYTES) -> bytes:
    """A file's bytes; a file larger than ``max_bytes``, a link to nothing or a named pipe (whose
    opening would wait for ever) is a SourceError before anything is read."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(1, message("E-file-not-regular"))
        check_size(info.st_size, max_bytes)
        with open(path, "rb") as fh:
            return fh.read()  # if it grew since, decode_source says so
    except OSError as exc:
        raise SourceError(1, message("E-file-unreadable", reason=str(exc.strerror or exc))) from None


def decode_source(data: bytes, max_bytes: int = RECORD_MAX_BYTES) -> str:
    """UTF-8 text with BOM stripped and line ends normalised, or a SourceError naming the encoding."""
    check_size(len(data), max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        likely = _other_than_utf8(data)
        if likely and likely.name.startswith("UTF-"):
            line = 1  # the lines of UTF-16 are not the lines of its bytes
        hint = message("part.looks-like", encoding=likely.name) if likely else ""
        raise SourceError(line, message("E-file-not-utf8", hint=hint)) from None
    # ASCII in UTF-16 is valid UTF-8 with a zero byte after each character: many zeros say so.
    if b"\x00" in data and data.count(b"\x00") * 8 > len(data):
        likely = _other_than_utf8(data)
        if likely and likely.name.startswith("UTF-"):
            raise SourceError(1, message("E-file-not-utf8", hint=message("part.looks-like", encoding=likely.name)))
    if text.startswith(BOM):
        text = text[1:]
    if "\r" not in text:  # the common case: nothing to replace, no copy
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
