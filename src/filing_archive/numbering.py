"""件号 numbering: which class a 档号 belongs to, every number ever claimed, the next one.

A class is fonds, year, retention and unit (``Z001-WS·2025-Y-QSZ``); its 件号 run 0001, 0002…
without gaps and are never given twice, not even after a withdrawal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .records import parse_archive_no

if TYPE_CHECKING:
    from .archive import Archive
    from .fixity import FilingLog


def class_of(archive_no: object) -> tuple[str, int] | None:
    """``Z001-WS·2025-Y-QSZ-0003`` -> (``Z001-WS·2025-Y-QSZ``, 3)."""
    parsed = parse_archive_no(archive_no)
    return (parsed.archive_class, parsed.number) if parsed else None


def claimed_numbers(archive: Archive, log: FilingLog) -> dict[str, dict[int, list[str]]]:
    """Class -> 件号 -> paths claiming it: every number the log ever gave (withdrawn ones too)
    and every 档号 written in a record (a half-filed record holds its number)."""
    claims: dict[str, dict[int, list[str]]] = {}

    def claim(archive_no: object, rel: str) -> None:
        parsed = class_of(archive_no)
        if parsed:
            paths = claims.setdefault(parsed[0], {}).setdefault(parsed[1], [])
            if rel not in paths:
                paths.append(rel)

    for entry in log.entries:
        if entry.action == "file":
            claim(entry.get("archive_no"), entry.path)
    for record in archive.records + archive.broken:
        if record.archive_no:
            claim(record.archive_no, record.path)
    return claims


def next_number(claims: dict[str, dict[int, list[str]]], cls: str) -> int:
    """The next 件号 of ``cls``: one past the highest ever claimed, so a withdrawn number or a
    half-filed record's number is never given again."""
    return max(claims.get(cls, {}), default=0) + 1
