"""Fonds per unit: a unit of ``archive.yml`` may be its own 全宗 (``fonds``, ``fonds_name``) and carry
its own 机构（问题）code (``org_code``); its 档号 and 件号 series follow them."""

from __future__ import annotations

import re
import shutil
from datetime import date

from conftest import FILERS, REGISTRY, REGISTRY_TWO_FONDS, REPO, Project, minimal

from filing_archive.archive import load_archive
from filing_archive.filing import file_records
from filing_archive.records import expected_archive_no, parse_archive_no

TODAY = date(2026, 11, 30)


def messages(proj: Project) -> list[str]:
    return [str(p) for p in load_archive(proj.root, TODAY).problems.sorted()]


def test_a_unit_of_its_own_fonds_files_under_its_fonds_and_org_code(tmp_path):
    proj = Project(tmp_path / "p", registry=REGISTRY_TWO_FONDS, with_site_files=False)
    proj.record("AAA/2025/a.md", **minimal(pages=1))
    proj.record("BBB/2025/b.md", **minimal(unit="BBB", pages=1))
    proj.record("BBB/2025/c.md", **minimal(unit="BBB", date="2025-04-01", pages=1))
    result = file_records(proj.root, [str(proj.root / p) for p in ("docs/archive/AAA/2025/a.md", "docs/archive/BBB/2025/b.md",
                                                             "docs/archive/BBB/2025/c.md")], "永久", **FILERS)
    assert not result.problems
    assert [o.archive_no for o in result.outcomes] == [
        "Z001-WS·2025-Y-AAA-0001", "Z002-WS·2025-Y-DZB-0001", "Z002-WS·2025-Y-DZB-0002"]
    assert messages(proj) == []
    registry = load_archive(proj.root, TODAY).registry
    assert registry.fonds_of("BBB").label("en") == "Yi Middle School"
    assert registry.fonds_of("AAA").label("zh") == "测试全宗"


def test_a_record_numbered_in_the_registry_fonds_disagrees_with_its_units_fonds(tmp_path):
    proj = Project(tmp_path / "p", registry=REGISTRY_TWO_FONDS, with_site_files=False)
    proj.record("BBB/2025/b.md", **minimal(unit="BBB", retention="永久", archive_no="Z001-WS·2025-Y-BBB-0001"))
    assert messages(proj) == [
        "docs/archive/BBB/2025/b.md:9: archive_no: 档号 disagrees with the record: 全宗号 Z001 is not unit BBB's "
        "Z002; 机构代码 BBB is not unit BBB's org_code DZB (expected Z002-WS·2025-Y-DZB-0001, "
        "got Z001-WS·2025-Y-BBB-0001)"]


def test_registry_changed_after_filing_is_an_error_that_says_so(tmp_path):
    proj = Project(tmp_path / "p", with_site_files=False)
    proj.record("BBB/2025/b.md", **minimal(unit="BBB", pages=1))
    assert not file_records(proj.root, [str(proj.root / "docs/archive/BBB/2025/b.md")], "永久", **FILERS).problems
    proj.write("archive.yml", REGISTRY_TWO_FONDS)
    assert messages(proj) == [
        "docs/archive/BBB/2025/b.md:8: archive_no: filed as Z001-WS·2025-Y-BBB-0001 in 全宗 Z001, 机构 BBB, but "
        "archive.yml now gives unit BBB 全宗号 Z002, 机构 code DZB: the registry changed after filing, and a filed "
        "档号 never changes (expected unit BBB with fonds: Z001 and org_code: BBB in archive.yml; a unit that "
        "becomes its own 全宗 from now on needs a new unit code)"]
    verify = proj.archive("verify")
    assert verify.returncode == 1
    assert "docs/archive/BBB/2025/b.md:8: archive_no: filed as Z001-WS·2025-Y-BBB-0001" in verify.stdout


def unit_registry(extra: str) -> str:
    return REGISTRY.replace("    kind: school\n", "    kind: school\n" + extra)


def test_unit_fonds_keys_are_checked_with_file_line_and_key(tmp_path):
    cases = {
        "    fonds: z2\n": "archive.yml:13: units[1].fonds: 全宗号 must be 4 of A-Z and 0-9 (expected e.g. Z002, "
                          "got 'z2')",
        "    fonds: Z002\n": "archive.yml:13: units[1].fonds: required with a new 全宗号 Z002: fonds_name, the name "
                            "of the fonds (全宗名称)",
        "    org_code: AAA\n": "archive.yml:13: units[1].org_code: 机构（问题）code AAA is already used in 全宗 Z001 by "
                              "甲镇党委 (expected each unit of a fonds its own code: their 件号 would run in one series)",
        "    org_code: \"DZB\\n\"\n": "archive.yml:13: units[1].org_code: 机构（问题）code must be 3 of A-Z and 0-9 "
                                    "(expected e.g. BGS, got 'DZB\\n')",
        "    fonds_name: 乙中学\n": "archive.yml:13: units[1].fonds_name: a unit's fonds name goes with its own "
                                "全宗号: set fonds too (expected fonds: 4 of A-Z and 0-9 beside it)",
        "    fonds: Z001\n    fonds_name: 别的名字\n": "archive.yml:14: units[1].fonds_name: 全宗号 Z001 is already "
                                                    "named 测试全宗 (fonds_name; expected one name per 全宗, got '别的名字')",
        "    fonds: Z002\n    fonds_name: [乙]\n": "archive.yml:14: units[1].fonds_name: expected the name of the "
                                                 "fonds as text, got ['乙']",
        "    fonds: Z002\n    fonds_name: " + "乙" * 101 + "\n": "archive.yml:14: units[1].fonds_name: too long "
                                                              "(expected at most 100 characters, got 101)",
    }
    for extra, expected in cases.items():
        proj = Project(tmp_path / f"p{len(extra)}", registry=unit_registry(extra), with_site_files=False)
        assert messages(proj) == [expected], extra


def test_units_may_share_a_fonds_named_once(tmp_path):
    registry = unit_registry("    fonds: Z002\n").replace("    kind: town\n",
                                                          "    kind: town\n    fonds: Z002\n    fonds_name: 乙中学\n")
    proj = Project(tmp_path / "p", registry=registry, with_site_files=False)
    assert messages(proj) == []
    reg = load_archive(proj.root, TODAY).registry
    assert [(reg.fonds_of(u).code, reg.fonds_of(u).name) for u in ("AAA", "BBB")] == [("Z002", "乙中学")] * 2


def test_the_sample_keeps_every_archive_no_it_has(tmp_path):
    """The sample sets one fonds: every 档号 it was filed with is the one its units give it now."""
    root = tmp_path / "sample"
    shutil.copytree(REPO / "docs", root / "docs")
    for name in ("archive.yml", "manifest-sha256.txt", "filing-log.jsonl"):
        shutil.copy(REPO / name, root / name)
    archive = load_archive(root, TODAY)
    assert archive.problems.errors == []
    logged = re.findall(r'"archive_no": "([^"]+)"', (root / "filing-log.jsonl").read_text(encoding="utf-8"))
    filed = [r for r in archive.records if r.is_filed]
    assert len(filed) >= 7 and {r.archive_no for r in filed} <= set(logged)
    reg = archive.registry
    for record in filed:
        number = parse_archive_no(record.archive_no).number
        assert record.archive_no == expected_archive_no(
            reg.fonds_of(record.unit).code, record.year, record.retention, reg.org_code_of(record.unit), number)
