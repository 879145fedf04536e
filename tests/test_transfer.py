"""`archive transfer`: a year's filed records of one 全宗 as a BagIt bag, validated by the bagit
library, its 移交清单 against a hand-written expectation, the transfer logged and in the catalogue."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import bagit
import pytest
from conftest import BUILD_DATE, FILERS, Project, minimal
from openpyxl import load_workbook
from test_attachments import pdf_bytes

from filing_archive import filing
from filing_archive.archive import load_archive
from filing_archive.catalogue import catalogue_rows
from filing_archive.fixity import record_history
from filing_archive.indexes import ArchiveIndex

TODAY = date.fromisoformat(BUILD_DATE)
A = "docs/archive/AAA/2025/"
PDF = pdf_bytes(3)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """2025: a, b 永久 and c 10年 of AAA (a with a scan), d 永久 of BBB; 2024: e of AAA. All filed."""
    root = tmp_path_factory.mktemp("transfer") / "proj"
    project = Project(root, with_site_files=False)
    project.record("AAA/2025/a.md", **minimal(title="一月集中学习", date="2025-01-10", pages=2))
    project.write(A + "a.files/scan.pdf", PDF)
    project.record("AAA/2025/b.md", **minimal(title="二月集中学习", date="2025-02-10", pages=3))
    project.record("AAA/2025/b.en.md", title="February group study")
    project.record("AAA/2025/c.md", **minimal(title="三月集中学习", date="2025-03-10", pages=4))
    project.record("BBB/2025/d.md", **minimal(title="乙中学通报", type="notice", unit="BBB", date="2025-05-06",
                                              form=None, pages=1))
    project.record("AAA/2024/e.md", **minimal(title="去年集中学习", date="2024-05-10", pages=5))

    def file(retention: str, *rels: str) -> None:
        result = filing.file_records(root, [str(root / r) for r in rels], retention, TODAY, **FILERS)
        assert not result.problems, result.problems

    file("永久", A + "a.md", A + "b.md", "docs/archive/BBB/2025/d.md", "docs/archive/AAA/2024/e.md")
    file("10年", A + "c.md")
    return root


@pytest.fixture
def project(template, tmp_path) -> Project:
    root = tmp_path / "proj"
    shutil.copytree(template, root)
    return Project.existing(root)


def transfer(project: Project, *extra: str):
    return project.archive("transfer", "--fonds", "Z001", "--year", "2025", "--out", "bag", "--by", "张移交", *extra)


EXPECTED_LIST = {
    "title": "移交清单", "fonds": "Z001", "fonds_name": "测试全宗", "year": 2025, "retention": "全部",
    "prepared_by": "张移交", "date": "2026-11-30", "records": 4, "pages": 10,
    "by_retention": [{"retention": "永久", "records": 3, "pages": 6}, {"retention": "10年", "records": 1, "pages": 4}],
    "by_unit": [{"unit": "AAA", "name": "甲镇党委", "records": 3, "pages": 9},
                {"unit": "BBB", "name": "乙中学党支部", "records": 1, "pages": 1}],
    "by_retention_and_unit": [{"retention": "永久", "unit": "AAA", "records": 2, "pages": 5},
                              {"retention": "永久", "unit": "BBB", "records": 1, "pages": 1},
                              {"retention": "10年", "unit": "AAA", "records": 1, "pages": 4}],
    "items": [
        {"archive_no": "Z001-WS·2025-D10-AAA-0001", "title": "三月集中学习", "unit": "AAA", "date": "2025-03-10",
         "retention": "10年", "pages": 4, "path": A + "c.md"},
        {"archive_no": "Z001-WS·2025-Y-AAA-0001", "title": "一月集中学习", "unit": "AAA", "date": "2025-01-10",
         "retention": "永久", "pages": 2, "path": A + "a.md"},
        {"archive_no": "Z001-WS·2025-Y-AAA-0002", "title": "二月集中学习", "unit": "AAA", "date": "2025-02-10",
         "retention": "永久", "pages": 3, "path": A + "b.md"},
        {"archive_no": "Z001-WS·2025-Y-BBB-0001", "title": "乙中学通报", "unit": "BBB", "date": "2025-05-06",
         "retention": "永久", "pages": 1, "path": "docs/archive/BBB/2025/d.md"},
    ],
}


def test_the_bag_validates_and_holds_what_the_archives_need(project):
    result = transfer(project)
    assert result.returncode == 0, result.stdout + result.stderr
    bag = bagit.Bag(str(project.root / "bag"))
    bag.validate()  # the library's own validator: raises on any missing or changed file
    assert set(bag.algorithms) == {"sha256", "sha512"}
    assert bag.info["Contact-Name"] == "张移交" and bag.info["Bagging-Date"] == BUILD_DATE
    data = project.root / "bag/data"
    assert json.loads((data / "移交清单.json").read_text("utf-8")) == EXPECTED_LIST
    assert sorted(str(p.relative_to(data / "records")) for p in (data / "records").rglob("*") if p.is_file()) == [
        "AAA/2025/a.files/scan.pdf", "AAA/2025/a.md", "AAA/2025/b.en.md", "AAA/2025/b.md", "AAA/2025/c.md",
        "BBB/2025/d.md"]
    assert (data / "records/AAA/2025/a.files/scan.pdf").read_bytes() == PDF
    assert (data / "records/AAA/2025/a.md").read_bytes() == (project.root / A / "a.md").read_bytes()
    meta = json.loads((data / "metadata/Z001-WS·2025-Y-AAA-0001.json").read_text("utf-8"))
    assert meta["front_matter"]["title"] == "一月集中学习" and meta["front_matter"]["pages"] == 2
    assert set(meta["digests"]) == {A + "a.md", A + "a.files/scan.pdf"}
    assert all(len(d["sha256"]) == 64 and len(d["sm3"]) == 64 for d in meta["digests"].values())
    assert [e["action"] for e in meta["log"]] == ["file"] and meta["translations"] == {}
    translated = json.loads((data / "metadata/Z001-WS·2025-Y-AAA-0002.json").read_text("utf-8"))["translations"]
    english = project.root / A / "b.en.md"
    assert translated == {"en": {"path": A + "b.en.md", "sha256": hashlib.sha256(english.read_bytes()).hexdigest()}}
    report = json.loads((data / "四性检测/four-properties.json").read_text("utf-8"))
    assert report["result"] == "通过 passed"
    sheets = load_workbook(data / "归档文件目录.xlsx")
    remarks = [row[-1] for ws in sheets for row in ws.iter_rows(values_only=True) if str(row[1]).startswith("Z001-WS·2025")]
    assert remarks == ["已移交 2026-11-30"] * 4
    assert "total: 4 records, 10 pages; prepared by 张移交, 2026-11-30" in result.stdout


def test_the_transfer_is_logged_and_in_the_catalogue(project):
    assert transfer(project, "--retention", "10年").returncode == 0
    lines = [json.loads(x) for x in (project.root / "filing-log.jsonl").read_text("utf-8").splitlines()]
    assert [(e["action"], e["archive_no"], e["date"], e["by"]) for e in lines[-1:]] == [
        ("transfer", "Z001-WS·2025-D10-AAA-0001", "2026-11-30", "张移交")]
    history = record_history(project.root)
    archive = load_archive(project.root, TODAY)
    rows = {r.archive_no: r.remark for c in catalogue_rows(ArchiveIndex(archive.records, archive.registry), 2025,
                                                           history) for r in c.rows}
    assert rows["Z001-WS·2025-D10-AAA-0001"] == "已移交 2026-11-30"
    assert rows["Z001-WS·2025-Y-AAA-0001"] == ""
    assert project.archive("verify").returncode == 0  # the records stay filed and unchanged
    again = project.archive("transfer", "--fonds", "Z001", "--year", "2025", "--out", "bag2", "--by", "张移交",
                            "--retention", "10年")
    assert again.returncode == 1
    assert again.stdout.splitlines()[0] == (
        f"{A}c.md:8: archive_no: Z001-WS·2025-D10-AAA-0001 was already transferred on 2026-11-30 (filing-log.jsonl "
        f"line 6): a record is transferred once (expected records not yet transferred)"
        " (see the handbook: en/handbook/errors/#e-transfer-already)")
    assert not (project.root / "bag2").exists()


def test_a_changed_bag_no_longer_validates(project):
    assert transfer(project).returncode == 0
    (project.root / "bag/data/records/AAA/2025/b.md").write_text("改过", encoding="utf-8")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(project.root / "bag")).validate()


def test_nothing_is_transferred_while_the_archive_fails_its_check(project):
    (project.root / A / "b.md").write_text("改过\n", encoding="utf-8")
    result = transfer(project)
    assert result.returncode == 1
    assert "nothing transferred" in result.stdout
    assert f"{A}b.md:1: status: changed after filing" in result.stdout
    assert not (project.root / "bag").exists()
    assert "transfer" not in (project.root / "filing-log.jsonl").read_text("utf-8")


@pytest.mark.parametrize("args, message", [
    (("--out", "docs/bag"), "expected a folder outside docs/ (the bag must not be published)"),
    (("--year", "2019"), "no filed records of fonds Z001, year 2019 to transfer"),
])
def test_refusals(project, args, message):
    base = {"--fonds": "Z001", "--year": "2025", "--out": "bag", "--by": "张移交"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = project.archive("transfer", *[x for kv in base.items() for x in kv])
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
