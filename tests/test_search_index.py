"""The search index as files: what a query fetches must be small and say where rare pieces sit."""

from __future__ import annotations

import json
from array import array

from filing_archive.search import (
    RARE_POSITIONS,
    TITLE_WEIGHT,
    LanguageTable,
    SearchDoc,
    build_index,
    normalize,
    plain_text,
    shard_count,
    shard_of,
)


def entry(out, token: str) -> list[int]:
    meta = json.loads((out / "meta.json").read_text())
    shard = json.loads((out / "p" / f"{shard_of(token, meta['shards'])}.json").read_text(encoding="utf-8"))
    return shard[token]


def decode(flat: list[int]) -> dict[int, tuple[int, list[int]]]:
    out, doc, i = {}, 0, 0
    while i < len(flat):
        doc += flat[i]
        n = flat[i + 2]
        out[doc] = (flat[i + 1], flat[i + 3 : i + 3 + n])
        i += 3 + n
    return out


def test_postings_carry_weights_and_the_positions_of_rare_pieces(tmp_path):
    docs = [
        SearchDoc("a/", "档案", "档案\nZ001-WS·2023-Y-AAA-0001\n正文正文正文正文", {}),
        SearchDoc("b/", "另一件", "另一件\n\n正文 档案", {}),
    ]
    table = LanguageTable("zh", doc=[0, 1], unit=[0, 0], type=[0, 0], date=[20230101, 20230102], status=[1, 1],
                          plan=[-1, -1], stage=[-1, -1])
    figures = build_index(docs, [table], tmp_path)
    assert figures["documents"] == 2
    # 档案 in document 0: once in the text (as its title) and weighted as a title; in document 1 once in
    # the body. Rare in each, so its positions are kept.
    text1 = normalize(docs[1].text)
    assert decode(entry(tmp_path, "档案")) == {0: (TITLE_WEIGHT, [0]), 1: (1, [text1.index("档案")])}
    # 正文 four times in document 0: too common there to keep positions
    assert RARE_POSITIONS < 4 and decode(entry(tmp_path, "正文"))[0] == (4, [])
    # the 档号 is indexed pair by pair, each with its position: a query for another 档号 can be told apart
    text0 = normalize(docs[0].text)
    assert decode(entry(tmp_path, "·2"))[0] == (1, [text0.index("·2")])
    assert decode(entry(tmp_path, "01"))[0] == (2, [text0.index("001") + 1, text0.index("0001") + 2])
    assert RARE_POSITIONS >= 2
    # a row that is its own document number is not written out
    assert json.loads((tmp_path / "docs.zh.json").read_text())["doc"] is None
    # a text file: its display data as one JSON line, then the text
    first, rest = (tmp_path / "t/0/1.txt").read_text(encoding="utf-8").split("\n", 1)
    assert json.loads(first) == {} and rest == docs[1].text


def test_shards_grow_with_the_postings_not_with_the_vocabulary():
    assert shard_count(0) == 16
    assert shard_count(24_000 * 100) == 128
    assert shard_count(60 * 2**20) == 4096
    assert shard_count(10**12) == 8192


def test_markdown_becomes_plain_text():
    assert plain_text("## 一、总体情况\n\n**加强**[阵地](x.md)管理|表格|\n- 列表\n") == "一、总体情况\n\n 加强 阵地管理 表格 \n列表\n"


def test_background_index_reports_a_failure_in_words(tmp_path):
    from filing_archive.registry import Registry
    from filing_archive.search import BackgroundIndex

    blocker = tmp_path / "site"
    blocker.write_text("a file where the search folder should go")
    registry = Registry("Z001", "测试", "", "archive", "docs", {}, [])
    job = BackgroundIndex([], registry, str(blocker / "search"))
    try:
        job.result()
    except RuntimeError as exc:
        assert str(exc).startswith(("NotADirectoryError", "FileExistsError", "FileNotFoundError"))
    else:
        raise AssertionError("the failure was not reported")


def test_background_index_builds_the_index(tmp_path):
    from filing_archive.registry import Registry
    from filing_archive.search import BackgroundIndex

    registry = Registry("Z001", "测试", "", "archive", "docs", {}, [])
    figures = BackgroundIndex([], registry, str(tmp_path / "search")).result()
    assert figures["documents"] == 0 and (tmp_path / "search" / "meta.json").is_file()


def test_postings_hold_values_beyond_16_bits(tmp_path):
    """Postings are arrays of 16-bit values (memory, at 50,000 records); a weight, a position or a
    document gap from 65,535 up is kept whole all the same."""
    from filing_archive.search import WIDE, _unwide, _wide

    long_text = "甲乙" + "丙" * 70_000 + "丁戊"  # 丙丙 69,999 times; 丁戊 once, at 70,002
    docs = [SearchDoc("a/", "短", "短\n\n正文", {}), SearchDoc("b/", "长", f"长\n\n{long_text}", {})]
    table = LanguageTable("zh", doc=[0, 1], unit=[0, 0], type=[0, 0], date=[20230101, 20230102], status=[1, 1],
                          plan=[-1, -1], stage=[-1, -1])
    build_index(docs, [table], tmp_path)
    text = normalize(docs[1].text)
    assert decode(entry(tmp_path, "丙丙")) == {1: (69_999, [])}
    assert decode(entry(tmp_path, "丁戊")) == {1: (1, [text.index("丁戊")])} and text.index("丁戊") > WIDE
    assert decode(entry(tmp_path, "正文")) == {0: (1, [normalize(docs[0].text).index("正文")])}
    values = (0, 1, WIDE - 1, WIDE, WIDE + 1, 2**31 - 1)
    assert _unwide(array("H", _wide(values))) == list(values)
