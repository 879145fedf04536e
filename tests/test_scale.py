"""What keeps the archive fast at district scale must not change what it reads or finds.

The shortcuts taken for speed (front-matter read without YAML's scanner when it is simple, a
one-character prefilter before the 密级 trigger) are checked here against the slow paths they
stand in for: same values, same types, same lines, same answers. Timings live in the benchmark
(scripts/bench.py), not here.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO, Project, copy_sample, minimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filing_archive import frontmatter
from filing_archive.frontmatter import InvalidScalar, SourceError, _simple_mapping, parse_yaml_mapping, yaml_mapping
from filing_archive.secrecy import _TRIGGER_RE, may_carry_marking
from filing_archive.textfile import decode_source


def typed(value: object) -> object:
    """A value with its type, comparable even when it is NaN."""
    if isinstance(value, list):
        return ["list", [typed(v) for v in value]]
    if isinstance(value, float) and math.isnan(value):
        return ["float", "nan"]
    return [type(value).__name__, value]


def same_as_yaml(text: str) -> bool:
    """Read ``text`` both ways; True if the shortcut took it (and then it must agree with YAML)."""
    simple = _simple_mapping(text, 2)
    if simple is None:
        return False
    try:
        expected = yaml_mapping(text, 2)
    except SourceError as exc:
        raise AssertionError(f"the shortcut read {text!r}, YAML refuses it: {exc.message}") from None
    values, lines, duplicates = simple
    assert {k: typed(v) for k, v in values.items()} == {k: typed(v) for k, v in expected[0].items()}, text
    assert list(values) == list(expected[0]), text
    assert lines == expected[1], text
    assert duplicates == expected[2] == [], text
    return True


TAKEN = [  # front-matter the shortcut reads (and YAML reads the same)
    "title: 新学期教职工集中学习记录\ntype: study\nunit: HXZ\ndate: 2026-09-10\nstatus: published\n",
    "attendees: 68\nhours: 1.5\nissue: 0x1f\nflag: yes\nnothing: null\ntilde: ~\n",
    "keywords: [意识形态, 理论学习]\nempty: []\nmixed: [2023, 1.5, true, 2023-02-30]\n",
    "date: 2023-02-30\n",  # an impossible date: InvalidScalar, as YAML gives it
    "title: 学习&交流 A|B 100% 见附件!\n",  # indicators inside a plain scalar are text
    "title:    spaced value   \n\n",  # spaces around the value and blank lines are YAML's too
    "doc_no: 青石党发〔2025〕3号\nhost: 刘思远\u3000\n",
]
REFUSED = [  # front-matter the shortcut leaves to YAML (quotes, blocks, comments, odd keys or values)
    "title: '引号'\n", 'title: "双引号"\n', "title: a: b\n", "title: x # note\n", "# comment only\ntitle: x\n",
    "title: &a x\nother: *a\n", "title: !!str 5\n", "stages:\n  - {name: 宣传动员}\n", "title: |\n  text\n",
    "on: x\n", "null: x\n", "Title: x\n", "title: x\ntitle: y\n", "title:\n", "title: -5\n", "title: ?x\n",
    "title: a,b\n", "keywords: [a, [b]]\n", "keywords: [a, ]\n", "keywords: [a\n", "time: 1:30\n", "eq: =\n",
    "title: a\tb\n", "title: a\x0bb\n", "title: a\x85b\n", "title: a\u2028b\n", "title: \ufeffx\n", " title: x\n",
    "title: " + "长" * 5000 + "\n", "merge: <<\n",
]


@pytest.mark.parametrize("text", TAKEN)
def test_simple_front_matter_is_read_as_yaml_reads_it(text):
    assert same_as_yaml(text)


@pytest.mark.parametrize("text", REFUSED)
def test_other_front_matter_is_left_to_yaml(text):
    assert _simple_mapping(text, 2) is None


def test_the_shortcut_gives_what_yaml_gives_on_examples():
    values, lines, _ = parse_yaml_mapping(TAKEN[2] + "date: 2023-02-30\nwhen: 2025-01-08\n", 5)
    assert values["keywords"] == ["意识形态", "理论学习"] and lines["keywords[1]"] == 5
    assert values["mixed"][3] == InvalidScalar("2023-02-30", "day is out of range for month")
    assert values["when"] == date(2025, 1, 8) and lines["when"] == 9
    with pytest.raises(SourceError) as exc:  # refused by the shortcut, then by YAML, with YAML's line
        parse_yaml_mapping("title: ok\nbad: a: b\n", 2)
    assert exc.value.line == 3 and "mapping values are not allowed" in exc.value.message


# Pieces that matter to YAML (indicators, comment and mapping marks, quotes, flow brackets, tabs,
# line breaks of YAML 1.1, a BOM, a NUL, document markers) and words its resolver types.
PIECES = [" #", "#", "# ", ": ", ":", ",", "[", "]", "{", "}", "\t", "\x85", "\u2028", "\ufeff", "\x00", "\x7f", " ",
          "  ", "- ", "-", "? ", "?", "&a ", "*a", "!!str ", "!", "|", ">", "%", "@", "`", "'", '"', "...", "---", "~",
          "=", "<<", "\xa0", "\u3000", "\\", "文号"]
WORDS = ["yes", "No", "on", "OFF", "true", "y", "null", "Null", "~", "", "1", "-1", "+1", "0o17", "017", "0x1F", "0b101",
         "1_000", "1.5", "1.", ".5", ".inf", "-.inf", ".nan", "1e3", "1.5e3", "2023-01-02", "2023-02-30", "2023-1-2",
         "2023-01-02 10:00:00", "2023-01-02T10:00:00Z", "1:30", "<<", "=", "文号", "0", "00", "1__0"]


@pytest.mark.parametrize("piece", PIECES)
def test_each_piece_anywhere_in_a_value_reads_as_yaml_reads_it(piece):
    """Every piece at the start, inside and at the end of a value, and of a list item."""
    for value in (piece, f"{piece}档a", f"档{piece}a", f"档a{piece}", f"a {piece} b"):
        for line in (f"title: {value}", f"keywords: [{value}]", f"keywords: [x, {value}, y]", f"title:{value}"):
            same_as_yaml(f"id: a\n{line}\nunit: U01\n")


@pytest.mark.parametrize("word", WORDS)
def test_each_typed_word_reads_as_yaml_reads_it(word):
    for line in (f"v: {word}", f"v: [{word}]", f"v: [{word}, {word}]", f"{word}: x"):
        same_as_yaml(line + "\n")


# Random combinations of the same: several pieces, several lines, odd keys and separators.
SCALARS = st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(WORDS), st.sampled_from(["档", "a", "Z0"])),
                   max_size=4).map("".join)
KEYS = st.one_of(st.sampled_from(["title", "date", "keywords", "a1", "_x", "y"]),
                 st.sampled_from(["on", "null", "Title", "a-b", "a b", ""]))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"))
LINES = st.one_of(st.builds(lambda k, sp, v: f"{k}:{sp}{v}", KEYS, st.sampled_from([" ", "  ", "", "\t"]), VALUES),
                  st.sampled_from(["", "# note", "  - item", "...", "%YAML 1.1"]))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, min_size=1, max_size=4))
def test_the_shortcut_never_reads_differently_from_yaml(lines):
    same_as_yaml("\n".join(lines) + "\n")


def test_the_shortcut_takes_the_sample_archive():
    """It must be the common case, or it saves nothing: every record of the sample but the plans
    with their stage lists."""
    taken = []
    for path in sorted((REPO / "docs" / "archive").rglob("*.md")):
        yaml_text = frontmatter.split(decode_source(path.read_bytes()))[0]
        taken.append(same_as_yaml(yaml_text))
    assert len(taken) >= 40 and sum(taken) >= len(taken) - 6


def test_marking_prefilter_agrees_with_the_trigger():
    """Every character that can start the trigger is in the prefilter's set (else a marking
    would be skipped): checked for every character of the Basic Multilingual Plane."""
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        for tail in ("", "ec", "EC", "eC", "onf", "ONF", "oNf"):
            text = f"这是{chr(cp)}{tail}"
            assert may_carry_marking(text) == bool(_TRIGGER_RE.search(text)), (hex(cp), tail)


# --- archive check and verify in two processes ------------------------------------------------------
@pytest.fixture(scope="module")
def troubled_sample(tmp_path_factory) -> Path:
    """The sample archive with trouble in both halves of its files: a duplicate id (one copy early,
    one late), a secret marking, a file that is no record, a translation without its record."""
    root = copy_sample(tmp_path_factory.mktemp("two") / "proj")
    proj = Project.existing(root)
    first = sorted((root / "docs" / "archive").rglob("*.md"))[0]
    proj.write("docs/archive/ZZZ/2025/dup.md", first.read_text(encoding="utf-8"))
    proj.record("AAA/2025/secret.md", "秘密★1年\n\n正文。\n", **minimal(unit="HXZ"))
    proj.write("docs/archive/BBB/2025/no-front-matter.md", "正文而已。\n")
    proj.write("docs/archive/ZZZ/2025/orphan.en.md", "---\ntitle: Orphan\n---\nText.\n")
    return root


def test_checking_in_two_processes_finds_what_one_finds(troubled_sample, monkeypatch):
    from filing_archive import archive as archive_module

    serial = archive_module.load_archive(troubled_sample, date(2026, 11, 30))
    halves = []
    real = archive_module._check_files_in_two
    monkeypatch.setattr(archive_module, "_parallel", lambda files: True)
    monkeypatch.setattr(archive_module, "_check_files_in_two", lambda *a, **kw: halves.append(1) or real(*a, **kw))
    parallel = archive_module.load_archive(troubled_sample, date(2026, 11, 30), bodies=False)
    assert halves == [1]
    assert list(parallel.problems) == list(serial.problems) and len(serial.problems.errors) >= 4
    assert [r.path for r in parallel.records] == [r.path for r in serial.records]
    assert [r.path for r in parallel.broken] == [r.path for r in serial.broken]
    assert {r.id: sorted(r.translations) for r in parallel.records} == {r.id: sorted(r.translations) for r in serial.records}
    assert parallel.files_checked == serial.files_checked == len(serial.records) + len(serial.broken) + 1
    assert all(r.body == "" for r in parallel.records) and any(r.body for r in serial.records)


def test_a_failing_second_process_changes_nothing(troubled_sample, monkeypatch):
    """Whatever stops the child (here: every record it reads raises), the parent checks its half."""
    import os

    from filing_archive import archive as archive_module

    serial = archive_module.load_archive(troubled_sample, date(2026, 11, 30))
    parent = os.getpid()
    real = archive_module.validate_record

    def failing_in_the_child(*args):
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return real(*args)

    monkeypatch.setattr(archive_module, "_parallel", lambda files: True)
    monkeypatch.setattr(archive_module, "validate_record", failing_in_the_child)
    parallel = archive_module.load_archive(troubled_sample, date(2026, 11, 30), bodies=False)
    assert list(parallel.problems) == list(serial.problems)
    assert [r.path for r in parallel.records] == [r.path for r in serial.records]
