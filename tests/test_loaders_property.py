"""Random front-matter and registries fed to the loaders (hypothesis).

Every input must be either valid or a clean error: ``Problem``s naming the file and a line inside
it, printed on one line; never an exception, never slower than the deadline, never more memory
than the ceiling. The inputs mix what breaks YAML loaders: anchors and aliases (a billion laughs,
an alias to itself), control characters raw and escaped, lone surrogates written as escapes,
deep nesting, huge scalars and numbers, explicit tags, BOMs, bidi controls, NEL/LS/PS line breaks,
tabs, CR line ends and other encodings.
"""

from __future__ import annotations

import tempfile
import tracemalloc
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import REGISTRY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from filing_archive import frontmatter
from filing_archive.archive import load_archive
from filing_archive.messages import Message
from filing_archive.problems import Problems
from filing_archive.registry import load_registry
from filing_archive.schema import FIELDS
from filing_archive.validation import validate_record

# Hypothesis caches what it learns (its Unicode tables: seconds to build) in .hypothesis/ of the
# working folder: keep it in the temporary folder instead, out of the checkout, across runs.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "filing-archive-hypothesis")

TODAY = date(2026, 11, 30)
PATH = "docs/archive/AAA/2025/rec.md"
MEMORY_CEILING = 64 * 1024 * 1024  # bytes allocated at the peak of one example, beyond its input
SETTINGS = settings(
    max_examples=300,
    deadline=timedelta(seconds=3),  # a shared 2-core machine; a hang or a bomb takes minutes
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ODD_CHARS = [
    "\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x80", "\x85", "\x9f", "\t", "\r",
    "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\u202e", "\u202d", "\u2066", "\u2069", "\u200b",
    "\u200f", "\u00ad", "\u3000", "\u0301", "𠮷", "😀", "〔", "·", "#", "%", "&", "*", "!", "|", ">", "'", '"',
    "\\", ":", "-", "[", "]", "{", "}", ",", "?", "@", "`",
]
ESCAPES = [
    r"\ud800", r"\udfff", r"\ud83d\ude00", r"\x0b", r"\x00", r"\0", r"\a", r"\e", r"\N", r"\L", r"\P", r"\_",
    r"\u202e", r"\x85", r"\r", r"\n", r"\t", r"\U0010FFFF", r"\U00110000", r"\xZZ", "\\",
]
def deep(n: int, open_: str, close: str) -> str:
    return open_ * n + close * n


ODD_SCALARS = [
    "1" * 5000, "-0x" + "f" * 300, "0b" + "1" * 200, "1_0:3" + "0" * 200, ".nan", "-.inf", "1e999", "0o777",
    "!!int x", "!!float x", "!!bool x", "!!timestamp x", "!!binary zz", "!!binary aGk=", "!!set {a, b}",
    "!!omap [{a: 1}]", "!!pairs [x]", "!!python/object:os.system", "!!python/name:os.system", "!foo x",
    "!<tag:yaml.org,2002:str> x", "!!null x", "!!str [1]", "~", "2025-02-30", "2025-13-01", "2025-03-12 25:00",
    "9999-12-31", "0001-01-01", "&a x", "*a", "*nowhere", "&a [1, *a]", "&b {k: *b}", "[*a, *a, *a]",
    "<<: {a: 1}", "|\n  block\n  text", ">-\n  folded", "'single ''quoted'''", '"unterminated', "[unclosed",
    "{a: 1, a: 2}", "{[1]: x}", "{? [1, 2] : x}", "[a, b, ]", "- - - x", "? x", "%TAG ! tag:x,2000:",
    "--- # a second document", "... # end",
    "[{name: 宣传动员, 1: x, b: y}]", "{true: 1, null: 2, 3: c}", "[{name: a, start: 2025-02-30, end: x}]",
    "[{id: a, name: b, type: study, per: month, min: .nan, months: [13, 1e999], where: {1: x, form: [a]}}]",
    "[{unit: AAA, rule: a, period: 2026-Q5, reason: ''}]", "[宣传动员, 宣传动员, '']",
    "x" * 300, "x" * 70_000, "x" * 3_000_000,  # longer than a field, the front-matter, a record file
    *(deep(n, "[", "]") for n in (17, 999, 1001, 20_000)), *(deep(n, "{a: ", "}") for n in (17, 1001)),
    "\n" + "".join("  " * (i + 1) + "k:\n" for i in range(900)),
]


plain_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=24)
scalars = st.one_of(
    plain_text,
    st.text(st.characters(codec="utf-8") | st.sampled_from(ODD_CHARS), max_size=24),
    st.lists(st.one_of(st.text(max_size=4), st.sampled_from(ESCAPES)), max_size=6).map(
        lambda parts: '"' + "".join(p.replace('"', "'") for p in parts) + '"'),
    st.sampled_from(ODD_SCALARS),
    st.sampled_from(["集中学习记录", "AAA", "2025-03-12", "study", "published", "[党建, 学习]", "3", "1.5"]),
)
keys = st.one_of(
    st.sampled_from([*FIELDS, "fonds", "units", "stages", "cadence", "exemptions", "docs_dir", "records_dir",
                     "<<", "? [1]", "[1]", "{a: 1}", "k" * 70, '"\\x0b"', '"\\ud800"', "1", "true", "null", "- a",
                     "", "&k key", "*k", "'quoted key'", "title\u2028"]),
    plain_text.map(lambda text: text[:8]),
    st.text(st.characters(codec="utf-8") | st.sampled_from(ODD_CHARS), max_size=8),
)
indents = st.sampled_from(["", "", "", "  ", "    ", "\t", " - ", "- "])
lines = st.one_of(
    st.tuples(indents, keys, scalars).map(lambda t: f"{t[0]}{t[1]}: {t[2]}"),
    st.tuples(indents, scalars).map(lambda t: f"{t[0]}- {t[1]}"),
    st.sampled_from(["---", "...", "%YAML 1.1", "# comment", "", "\t", "? x", ": y", "key: value # note"]),
)
line_ends = st.sampled_from(["\n"] * 10 + ["\r\n", "\r", "\x85", "\u2028", "\u2029"])
# A valid record's lines, with the random ones among them, so the checks past the reader run too.
VALID = ["title: 集中学习记录", "type: study", "unit: AAA", "date: 2025-03-12", "status: published", "form: 集中学习"]
yaml_texts = st.tuples(st.lists(lines, max_size=8), st.booleans(), st.randoms(use_true_random=False),
                       line_ends).map(lambda t: t[3].join(mixed(t[0], t[1], t[2])))
encodings = st.sampled_from(["utf-8"] * 16 + ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32-le", "gbk"])


def mixed(random_lines: list[str], with_valid: bool, rnd) -> list[str]:
    if not with_valid:
        return random_lines
    out = list(VALID)
    for line in random_lines:
        out.insert(rnd.randint(0, len(out)), line)
    return out


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")


def file_lines(data: bytes) -> int:
    """How many lines the file has, generously (any line-end convention)."""
    return data.count(b"\n") + data.count(b"\r") + 2


def assert_clean(problems: Problems, path: str, data: bytes) -> None:
    for problem in problems:
        assert problem.path == path
        assert 1 <= problem.line <= file_lines(data), problem
        shown = str(problem)
        assert all(ch.isprintable() or unicodedata.category(ch) == "Zs" for ch in shown), shown


def bounded(run):
    """Run ``run()`` and return its result, failing when its memory peak passes the ceiling."""
    tracemalloc.start()
    try:
        result = run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_CEILING, f"peak {peak:,} bytes"
    return result


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    root = tmp_path_factory.mktemp("registry")
    (root / "archive.yml").write_text(REGISTRY, encoding="utf-8")
    problems = Problems()
    found = load_registry(root, problems)
    assert found is not None and not problems
    return found


@SETTINGS
@given(yaml_text=yaml_texts, body=st.text(max_size=50), encoding=encodings, bom=st.booleans())
def test_random_front_matter_is_valid_or_a_clean_error(registry, yaml_text, body, encoding, bom):
    text = ("\ufeff" if bom else "") + "---\n" + yaml_text + "\n---\n" + body
    data = encode(text, encoding)

    def run() -> Problems:
        try:
            frontmatter.parse(data)
        except frontmatter.SourceError as exc:
            assert 1 <= exc.line <= file_lines(data), exc.line
            assert isinstance(exc.message, Message) and exc.message.render("zh") and exc.message.render("en")
        problems = Problems()
        validate_record(PATH, "archive/AAA/2025/rec.md", data, registry, TODAY, problems)
        return problems

    assert_clean(bounded(run), PATH, data)


@SETTINGS
@given(yaml_text=yaml_texts, where=st.sampled_from(["before", "after", "alone", "nested", "cadence"]), encoding=encodings)
def test_random_registry_is_valid_or_a_clean_error(tmp_path_factory, yaml_text, where, encoding):
    if where == "alone":
        text = yaml_text
    elif where == "cadence":  # rules and exemptions, read by cadence_rules.py after the registry
        text = REGISTRY + "cadence:\n  - {id: r, name: 学习, applies_to: [AAA], type: study, per: month}\n  - " + \
            yaml_text.replace("\n", "\n    ") + "\nexemptions:\n  - {unit: AAA, rule: r, period: 2026-01, reason: x}\n"
    elif where == "nested":  # inside the units list, where the line walk goes deep
        text = REGISTRY.replace("    kind: school\n", "    kind: school\n    extra:\n      " +
                                yaml_text.replace("\n", "\n      ") + "\n")
    else:
        text = yaml_text + "\n" + REGISTRY if where == "before" else REGISTRY + yaml_text + "\n"
    data = encode(text, encoding)
    root = tmp_path_factory.mktemp("reg", numbered=True)
    (root / "archive.yml").write_bytes(data)
    (root / "docs" / "archive").mkdir(parents=True)

    def run() -> Problems:
        return load_archive(root, TODAY).problems  # load_registry, then the cadence rules and exemptions

    assert_clean(bounded(run), "archive.yml", data)
