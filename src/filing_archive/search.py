"""The search index: character bigrams of normalised text, sharded so a query fetches little.

Why bigrams: Chinese has no spaces, and any segmenter cuts a query differently from the text it
was indexed with (the cause of both Material's and Pagefind's misses). Indexing every pair of
adjacent characters and cutting the query the same way makes index time and query time agree
by construction; a one-character query uses single characters. The browser (search.js)
intersects the postings of the query's bigrams to get candidates, then confirms each candidate
against the record's text, so every result really contains what was typed.

Layout under ``search/`` in the site (JSON, no compression needed by the server):

- ``meta.json``               shard count, document count, format version
- ``docs.<lang>.json``        per language: the records a reader of that language sees (one
                              document per record), with the filter columns and their labels
- ``p/<shard>.json``          ``{token: [doc delta, weight, n, p1 … pn, doc delta, …]}``: for a pair
                              seen at most RARE_POSITIONS times in a record (MARKED_POSITIONS for
                              pairs with digits, Latin letters or 档号 signs), its n positions there
                              (else n = 0), so a query drops records where its pieces are present
                              but apart (the 档号 of another year, 摸排…思想 for 摸排思想)
- ``h/<chunk>.json``          display data (title, URL, 档号, 文号, date) of 64 documents, for
                              listings by filters alone
- ``t/<bucket>/<doc>.txt``    the same display data as one JSON line, then the document's plain
                              text: one fetch confirms a match, gives its snippet and shows it

Weight = occurrences in the text, plus TITLE_WEIGHT per occurrence in the title.
"""

from __future__ import annotations

import json
import multiprocessing
import operator
import re
import resource
import shutil
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .labels import term_label
from .presenter import Presenter, RecordFace
from .records import Record
from .registry import Registry
from .schema import DEFAULT_LANGUAGE, LANGUAGES, TYPES
from .urls import DIRECTORY_URLS, Urls

FORMAT = 2
TITLE_WEIGHT = 20
RARE_POSITIONS = 2  # a pair at most this often in a record keeps its positions there
MARKED_POSITIONS = 8  # likewise for pairs of 档号, 文号 and dates, up to this often
_MARKED = re.compile(r"[0-9a-z()·\-]")  # after normalize(): the characters of 档号, 文号 and dates
SHARD_BYTES = 24_000  # the average shard a query fetches
HEADER_CHUNK = 64
TEXT_BUCKET = 1000

# Variants people type for the same character in 文号 and 档号: 〔2023〕 [2023] （2023） ; · ・ •
_OPEN, _CLOSE, _DOTS, _INVISIBLE = "〔【[（(｛{〈《", "〕】]）)｝}〉》", "・•‧∙⋅･", "\u200b\u200c\u200d\ufeff"
_SPACE = re.compile(r"\s+")
_HAN_BREAK = re.compile(r"(?<=[\u3400-\u9fff])\n(?=[\u3400-\u9fff])")


def normalize_char(ch: str) -> str:
    """One character's searchable form: NFKC, lower case, one bracket and one middle dot."""
    out = []
    for c in unicodedata.normalize("NFKC", ch).lower():
        if c in _OPEN:
            out.append("(")
        elif c in _CLOSE:
            out.append(")")
        elif c in _DOTS:
            out.append("·")
        elif c in _INVISIBLE:
            continue
        elif c.isspace():
            out.append(" ")
        else:
            out.append(c)
    return "".join(out)


# Character by character (not whole-string NFKC), so search.js gets the same result and can map
# every normalised position back to the original text for snippets. Built once: ~30 ms.
_TABLE = {
    cp: normalize_char(chr(cp))
    for cp in range(0x10000)
    if not 0xD800 <= cp <= 0xDFFF and normalize_char(chr(cp)) != chr(cp)
}


def normalize(text: str) -> str:
    """The searchable form of a text; search.js applies the same rules to queries and texts."""
    return _SPACE.sub(" ", text.translate(_TABLE))


def tokens(text: str) -> Counter:
    """Bigrams and single characters of normalised text (none containing a space)."""
    counts = Counter(map(operator.add, text, text[1:]))
    counts.update(text)
    for token in [t for t in counts if " " in t]:
        del counts[token]
    return counts


# Markdown to plain text, enough for searching: markup characters go, words stay.
_MD_RULES = [
    (re.compile(r"<[^>]+>"), " "),  # inline HTML tags
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links: their text
    (re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+", re.M), ""),  # heading, quote and list markers
    (re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.M), ""),  # table rules and horizontal rules
    (re.compile(r"[*_`~|]+"), " "),  # emphasis, code and table pipes
]


def plain_text(markdown: str) -> str:
    text = markdown
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    return _HAN_BREAK.sub("", text)


@dataclass
class SearchDoc:
    """One searchable document: a record as a reader of some language sees it."""

    url: str
    title: str
    text: str  # plain text: the title, one line of metadata, the body (search.js relies on these lines)
    header: dict


@dataclass
class LanguageTable:
    """What a reader of one language can find: one document per record, with filter columns."""

    lang: str
    doc: list[int] = field(default_factory=list)
    unit: list[int] = field(default_factory=list)
    type: list[int] = field(default_factory=list)
    date: list[int] = field(default_factory=list)  # yyyymmdd
    status: list[int] = field(default_factory=list)
    plan: list[int] = field(default_factory=list)  # -1: none
    stage: list[int] = field(default_factory=list)  # -1: none
    labels: dict = field(default_factory=dict)
    pages: list[int] = field(default_factory=list)  # documents that are pages (the handbook), not records


def metadata_line(record: Record, registry: Registry) -> str:
    unit = registry.units[record.unit]
    parts = [record.doc_no, record.archive_no, unit.name, unit.name_en, record.responsible, record.host,
             " ".join(record.keywords)]
    return " ".join(p for p in parts if p)


def search_documents(records: list[Record], registry: Registry, consume: bool = False,
                     urls: Urls = DIRECTORY_URLS, pages: Sequence[tuple[str, SearchDoc]] = (),
                     ) -> tuple[Iterator[SearchDoc], list[LanguageTable]]:
    """The documents to index, one at a time (their texts are the bulk of the index's memory: at
    50,000 records, 400 MB held at once), and per language the records its readers see.
    ``pages``: (language, document) of pages that are not records (the handbook), after the
    records; a reader finds those of their language apart from the records (no filter applies).

    ``consume``: let go of each record's body once its document is made (only where the records are
    a copy of their own, as in the forked index process)."""
    present = {lang: Presenter(registry, lang, urls) for lang in LANGUAGES}
    others = [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE]
    translated = {lang: [r for r in records if lang in r.translations] for lang in others}
    # Documents: every record in the archive's language, then each language's translations.
    doc_of = {DEFAULT_LANGUAGE: {record.id: i for i, record in enumerate(records)}}
    for lang in others:
        first = sum(len(d) for d in doc_of.values())
        doc_of[lang] = {record.id: first + i for i, record in enumerate(translated[lang])}

    def documents() -> Iterator[SearchDoc]:
        originals: dict[str, tuple[str, str]] = {}  # metadata and text of translated records, for their translations
        for record in records:
            meta, body = metadata_line(record, registry), plain_text(record.body)
            if consume:
                record.body = ""
            face = present[DEFAULT_LANGUAGE].record(record)
            yield SearchDoc(face.href, face.title, f"{face.title}\n{meta}\n{body}", header(face))
            if record.translations:
                originals[record.id] = meta, body
        for lang in others:
            for record in translated[lang]:
                translation = record.translations[lang]
                # A translation is also found by the Chinese text: readers type Chinese on English pages.
                meta, body = originals[record.id]
                text = f"{translation.title}\n{meta}\n{plain_text(translation.body)}\n{record.title}\n{body}"
                face = present[lang].record(record)
                yield SearchDoc(face.href, face.title, text, header(face))
        yield from (doc for _, doc in pages)

    # The filter columns are the same in every language; only the documents and the labels differ.
    types = [t.code for t in TYPES]
    statuses = ["draft", "published", "filed"]
    plan_records = [r for r in records if r.type == "plan"]
    stage_names = sorted({r.stage for r in records if r.stage})
    unit_index = {code: i for i, code in enumerate(registry.units)}
    type_index = {code: i for i, code in enumerate(types)}
    status_index = {code: i for i, code in enumerate(statuses)}
    plan_index = {r.id: i for i, r in enumerate(plan_records)}
    stage_index = {name: i for i, name in enumerate(stage_names)}
    columns = {
        "unit": [unit_index[r.unit] for r in records],
        "type": [type_index[r.type] for r in records],
        "date": [int(r.date.strftime("%Y%m%d")) for r in records],
        "status": [status_index[r.status] for r in records],
        "plan": [plan_index.get(r.plan, -1) if r.plan else -1 for r in records],
        "stage": [stage_index[r.stage] if r.stage else -1 for r in records],
    }
    first_page = len(records) + sum(len(t) for t in translated.values())
    page_docs = {lang: [first_page + i for i, (of, _) in enumerate(pages) if of == lang] for lang in LANGUAGES}
    tables = []
    for lang in LANGUAGES:
        # a reader sees a record's translation into their language, else the original
        own, original = doc_of[lang], doc_of[DEFAULT_LANGUAGE]
        doc = [own.get(r.id, original[r.id]) for r in records]
        labels = {
            "unit": [[code, present[lang].unit(code)] for code in registry.units],
            "type": [[code, term_label("type", code, lang)] for code in types],
            "status": [[code, term_label("status", code, lang)] for code in statuses],
            "plan": [[r.id, r.title_in(lang), r.unit] for r in plan_records],
            "stage": [[name, registry.stage_label(name, lang)] for name in stage_names],
        }
        tables.append(LanguageTable(lang, doc, **columns, labels=labels, pages=page_docs[lang]))
    return documents(), tables


def header(face: RecordFace) -> dict:
    """What a result shows of its record (search.js reads these keys)."""
    return {"url": face.href, "title": face.title, "archive_no": face.archive_no, "doc_no": face.doc_no,
            "date": face.date, "draft": face.draft}


def shard_of(token: str, shards: int) -> int:
    """FNV-1a over the token's code points; search.js computes the same."""
    h = 0x811C9DC5
    for ch in token:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h % shards


def shard_count(posting_bytes: int) -> int:
    """A power of two (16 to 8192) giving shards of about SHARD_BYTES: a query fetches its own
    postings and little else."""
    n = 16
    while n < 8192 and n * SHARD_BYTES < posting_bytes:
        n *= 2
    return n


WIDE = 0xFFFF  # in a posting array: the next two values are the high and low halves of one value


def _wide(values: tuple[int, ...]) -> list[int]:
    """``values`` for an array of 16-bit values: each one from WIDE up as WIDE, high half, low half."""
    out: list[int] = []
    for v in values:
        out.extend((WIDE, v >> 16, v & WIDE) if v >= WIDE else (v,))
    return out


def _unwide(values: array) -> list[int]:
    out: list[int] = []
    it = iter(values)
    for v in it:
        out.append(next(it) << 16 | next(it) if v == WIDE else v)
    return out


def build_index(docs: Iterable[SearchDoc], tables: list[LanguageTable], out: Path) -> dict:
    """Write the index under ``out`` (replacing it), reading ``docs`` once. Returns figures for the build log.

    Memory is what bounds a district's archive (50,000 records): each document's text is written out
    and let go as soon as it is indexed, postings are arrays of 16-bit values (a delta, weight or
    position from 65,535 up takes three), and the shards are written one at a time."""
    if out.exists():
        shutil.rmtree(out)
    (out / "p").mkdir(parents=True)
    # token -> [last doc, array of (delta, weight, n, positions…), holds wide values]
    postings: dict[str, list] = {}
    get = postings.get
    headers: list[dict] = []
    for doc_id, doc in enumerate(docs):
        text = normalize(doc.text)
        counts = tokens(text)
        # Where a pair is rare in the record, say where it sits: a query then drops records that
        # hold its pairs apart (摸排…思想 but not 摸排思想), without fetching their text.
        positions: dict[str, list[int]] = {}
        for i, pair in enumerate(map(operator.add, text, text[1:])):
            if 0 < counts[pair] <= RARE_POSITIONS:  # 0: it has a space, not indexed
                positions.setdefault(pair, []).append(i)
        for mark in _MARKED.finditer(text):  # 档号, 文号 and dates: their pairs even when less rare
            for i in (mark.start() - 1, mark.start()):
                pair = text[i : i + 2]
                if i >= 0 and len(pair) == 2 and RARE_POSITIONS < counts[pair] <= MARKED_POSITIONS:
                    seen = positions.setdefault(pair, [])
                    if not seen or seen[-1] != i:
                        seen.append(i)
        for token, n in tokens(normalize(doc.title)).items():
            counts[token] += n * (TITLE_WEIGHT - 1)  # the title is in the text once already
        short = len(text) < WIDE  # (every position fits in 16 bits: no need to look at them)
        for token, weight in counts.items():  # the hot loop: 1,500 tokens a record
            entry = get(token)
            if entry is None:
                entry = postings[token] = [0, array("H"), False]
            delta = doc_id - entry[0]
            where = positions.get(token)
            if delta < WIDE and weight < WIDE and (where is None or short):
                entry[1].extend((delta, weight, 0) if where is None else (delta, weight, len(where), *where))
            else:
                values = (delta, weight, 0) if where is None else (delta, weight, len(where), *where)
                if max(values) < WIDE:
                    entry[1].extend(values)
                else:
                    entry[1].extend(_wide(values))
                    entry[2] = True
            entry[0] = doc_id
        folder = out / "t" / str(doc_id // TEXT_BUCKET)
        if doc_id % TEXT_BUCKET == 0:
            folder.mkdir(parents=True, exist_ok=True)
        head = json.dumps(doc.header, ensure_ascii=False, separators=(",", ":"))
        (folder / f"{doc_id}.txt").write_text(f"{head}\n{doc.text}", encoding="utf-8")
        headers.append(doc.header)

    # shard sizes as JSON text: about four characters a value
    shards = shard_count(sum(4 * len(values) for _, values, _ in postings.values()))
    by_shard: list[list[str]] = [[] for _ in range(shards)]
    for token in postings:
        by_shard[shard_of(token, shards)].append(token)
    posting_bytes = 0
    for i, shard_tokens in enumerate(by_shard):
        items = []
        for token in shard_tokens:
            _, values, wide = postings.pop(token)  # (written and let go: the next shard reuses the memory)
            numbers = ",".join(map(str, _unwide(values) if wide else values))
            items.append(f"{json.dumps(token, ensure_ascii=False)}:[{numbers}]")
        data = ("{" + ",".join(items) + "}").encode("utf-8")
        posting_bytes += len(data)
        (out / "p" / f"{i}.json").write_bytes(data)

    (out / "h").mkdir()
    for start in range(0, len(headers), HEADER_CHUNK):
        write_json(out / "h" / f"{start // HEADER_CHUNK}.json", headers[start : start + HEADER_CHUNK])
    for table in tables:
        data = {k: v for k, v in table.__dict__.items() if k != "lang"}
        if data["doc"] == list(range(len(data["doc"]))):
            data["doc"] = None  # row i is document i: no need to say so 10,000 times
        write_json(out / f"docs.{table.lang}.json", data)
    meta = {"format": FORMAT, "shards": shards, "docs": len(headers), "title_weight": TITLE_WEIGHT,
            "header_chunk": HEADER_CHUNK, "text_bucket": TEXT_BUCKET}
    write_json(out / "meta.json", meta)
    return {"documents": len(headers), "shards": shards, "posting_bytes": posting_bytes}


def write_json(path: Path, data: object) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))


def build_index_in(records: list[Record], registry: Registry, out: str, consume: bool = False,
                   urls: Urls = DIRECTORY_URLS, pages: Sequence[tuple[str, SearchDoc]] = ()) -> dict:
    """Build the index of ``records`` (and ``pages``) under ``out``; the figures include the
    process's peak RSS. ``consume``: the records are this process's own copy, their bodies may go
    once indexed."""
    docs, tables = search_documents(records, registry, consume, urls, pages)
    result = build_index(docs, tables, Path(out))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return result


def _index_child(records: list[Record], registry: Registry, out: str, urls: Urls, pages, conn) -> None:
    try:
        # forked or spawned, the records are this process's copy: their bodies go once indexed
        conn.send(("ok", build_index_in(records, registry, out, consume=True, urls=urls, pages=pages)))
    except Exception as exc:  # reported by the parent, in words
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class BackgroundIndex:
    """The search index built in a child process while the site is rendered in this one.

    Forked where the system can: the child starts at once with the records already in its memory
    (nothing imported again, nothing copied through a pipe); only the figures come back."""

    def __init__(self, records: list[Record], registry: Registry, out: str, urls: Urls = DIRECTORY_URLS,
                 pages: Sequence[tuple[str, SearchDoc]] = ()):
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        self._conn, child_end = context.Pipe(duplex=False)
        self._process = context.Process(target=_index_child, args=(records, registry, out, urls, pages, child_end),
                                        daemon=True)
        self._process.start()
        child_end.close()

    def result(self) -> dict:
        """Wait for the index; its figures, or RuntimeError saying why it failed."""
        try:
            status, value = self._conn.recv()
        except EOFError:
            status, value = "error", f"the indexing process stopped (exit code {self._process.exitcode})"
        finally:
            self._process.join()
            self._conn.close()
        if status != "ok":
            raise RuntimeError(value)
        return value

    def cancel(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._conn.close()
