"""Who a build is for. The intranet site shows every published record; the public site shows
none that is 内部, and nothing made from one.

The public build leaves the 内部 records out once, here, where the archive is loaded for the
site: everything the site is made of (pages, translations, attachments, indexes, statistics,
compliance, search, ``records.json``) is made from what is left. Only the catalogue keeps a
line for each, with its 档号 and 内部 and nothing else, so the 件号 series reads unbroken.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .archive import Archive
from .catalogue import MaskedLine
from .fixity import WithdrawnEntry
from .records import Record

INTERNAL = "内部"
MASKED_REMARK = "内部"  # the catalogue's 备注 of a 内部 record's line in the public build
MASKED_WITHDRAWN = "已撤出"  # a withdrawn record's line: the log does not say whether it was 内部


@dataclass
class Withheld:
    """What the public build leaves out."""

    records: list[Record] = field(default_factory=list)  # the 内部 records
    src_uris: set[str] = field(default_factory=set)  # their files, translations and attachments (from docs/)
    masked: list[MaskedLine] = field(default_factory=list)  # catalogue lines that show only 档号 and a word


def withhold_internal(archive: Archive, withdrawn: list[WithdrawnEntry]) -> Withheld:
    """Take every 内部 record out of ``archive`` in place (its records, ids, attachments, the
    cadence rules of its plans and the plan of a 公开 record in one), before anything of the site
    is made from it.

    Withdrawn records' lines show only 档号 and 已撤出: their files are gone and the filing log
    does not say whether they were 内部, so none of their text is trusted to be public."""
    withheld = Withheld()
    kept: list[Record] = []
    for record in archive.records:
        if record.secrecy == INTERNAL:
            withheld.records.append(record)
        else:
            kept.append(record)
    hidden_ids = {r.id for r in withheld.records}
    for record in withheld.records:
        withheld.src_uris.add(record.src_uri)
        withheld.src_uris.update(t.src_uri for t in record.translations.values())
        withheld.src_uris.update(a.src_uri for a in record.attachments)
        archive.attachments.pop(record.path, None)
    # one line a 档号: a withdrawal says more than 内部 (and a withdrawn record may keep its file)
    lines = {w.archive_no: MaskedLine(w.archive_no, w.unit, MASKED_WITHDRAWN) for w in withdrawn}
    for record in withheld.records:
        if record.is_filed and record.archive_no and record.archive_no not in lines:
            lines[record.archive_no] = MaskedLine(record.archive_no, record.unit, MASKED_REMARK)
    withheld.masked = list(lines.values())
    for record in kept:
        if record.plan in hidden_ids:  # a 公开 record of a 内部 plan: the plan, even its id, stays out
            record.plan = record.stage = None
    archive.records = kept
    archive.by_id = {key: r for key, r in archive.by_id.items() if r.id not in hidden_ids}
    archive.rules = [rule for rule in archive.rules if rule.plan not in hidden_ids]
    return withheld
