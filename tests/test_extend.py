"""延长 (archive extend) and the appraisal page, by the real command line and a real build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FILERS, Project, minimal

OLD, LATER = "docs/archive/AAA/2015/old.md", "docs/archive/AAA/2016/later.md"
OLD_NO = "Z001-WS·2015-D10-AAA-0001"


@pytest.fixture(scope="session")
def extend_template(tmp_path_factory) -> Path:
    from filing_archive.filing import file_records

    project = Project(tmp_path_factory.mktemp("extend") / "proj", with_site_files=False)
    project.record("AAA/2015/old.md", **minimal(title="二〇一五年集中学习", date="2015-05-06", pages=3))
    project.record("AAA/2016/later.md", **minimal(title="二〇一六年集中学习", date="2016-05-06", pages=2))
    assert not file_records(project.root, [str(project.root / p) for p in (OLD, LATER)], "10年", **FILERS).problems
    return project.root


@pytest.fixture
def filed(extend_template, tmp_path) -> Project:
    shutil.copytree(extend_template, tmp_path / "proj")
    return Project.existing(tmp_path / "proj")


def extend(project: Project, retention: str, path: str = OLD):
    return project.archive("extend", path, "--retention", retention, "--reason", "仍有查考价值",
                           "--approval", "鉴定审批〔2026〕3号")


def test_extend_keeps_the_number_logs_it_and_appraise_no_longer_lists_it(filed):
    assert OLD_NO in filed.archive("appraise", "--as-of", "2026-01-01").stdout
    result = extend(filed, "30年")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"{OLD}: extended {OLD_NO}: 10年 -> 30年 (the 档号 stays;")
    text = (filed.root / OLD).read_text(encoding="utf-8")
    assert "retention: 30年\n" in text and f"archive_no: {OLD_NO}\n" in text
    entry = json.loads((filed.root / "filing-log.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert {k: entry[k] for k in ("action", "path", "archive_no", "previous_retention", "retention", "reason",
                                  "approval")} == {
        "action": "extend", "path": OLD, "archive_no": OLD_NO, "previous_retention": "10年", "retention": "30年",
        "reason": "仍有查考价值", "approval": "鉴定审批〔2026〕3号"}
    verified = filed.archive("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert filed.archive("check").returncode == 0
    # Its new term (30 years from the end of 2015) has not run out; the other 10年 record still has.
    appraised = filed.archive("appraise", "--as-of", "2027-01-01").stdout
    assert OLD_NO not in appraised and "Z001-WS·2016-D10-AAA-0001" in appraised
    assert OLD_NO in filed.archive("appraise", "--as-of", "2046-01-01").stdout
    # 30年 then 永久: never listed again.
    assert extend(filed, "永久").returncode == 0
    assert filed.archive("verify").returncode == 0
    assert OLD_NO not in filed.archive("appraise", "--as-of", "2200-01-01").stdout


@pytest.mark.parametrize("retention", ["10年", "30年"])
def test_extend_refuses_to_lower_or_keep_a_retention_and_writes_nothing(filed, retention):
    if retention == "30年":
        assert extend(filed, "30年").returncode == 0
    before = {p: (filed.root / p).read_bytes() for p in (OLD, "filing-log.jsonl", "manifest-sha256.txt")}
    result = extend(filed, "10年")
    assert result.returncode == 1
    longer = "30年 or 永久" if retention == "10年" else "永久"
    line = next(n for n, text in enumerate(before[OLD].decode().splitlines(), 1) if text.startswith("retention:"))
    assert result.stdout.splitlines()[-1] == (
        f"{OLD}:{line}: retention: filed {OLD_NO} with retention {retention}: a retention is only extended, never "
        f"lowered (expected a longer one: {longer}, got 10年) (see the handbook: en/handbook/errors/#e-extend-not-longer)")
    assert {p: (filed.root / p).read_bytes() for p in before} == before


def test_a_hand_edit_of_retention_without_the_log_entry_is_still_an_error(filed):
    record = filed.root / OLD
    record.write_text(record.read_text(encoding="utf-8").replace("retention: 10年", "retention: 30年"),
                      encoding="utf-8")
    line = next(n for n, text in enumerate(record.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("archive_no:"))
    expected = (f"{OLD}:{line}: archive_no: 档号 disagrees with the record: D10 does not match retention 30年 (D30) "
                f"(expected Z001-WS·2015-D30-AAA-0001, got {OLD_NO})")
    assert expected in filed.archive("check").stdout
    assert expected in filed.archive("verify").stdout
    # After a real extend to 30年, a hand edit on to 永久 is the same error again.
    record.write_text(record.read_text(encoding="utf-8").replace("retention: 30年", "retention: 10年"),
                      encoding="utf-8")
    assert extend(filed, "30年").returncode == 0
    record.write_text(record.read_text(encoding="utf-8").replace("retention: 30年", "retention: 永久"),
                      encoding="utf-8")
    assert "D10 does not match retention 永久 (Y)" in filed.archive("check").stdout


def test_extend_finishes_an_interrupted_extend_and_refuses_a_changed_record(filed):
    record = filed.root / OLD
    original = record.read_text(encoding="utf-8")
    record.write_text(original.replace("retention: 10年", "retention: 30年"), encoding="utf-8")
    assert extend(filed, "30年").returncode == 0  # the record was written, the log was not
    assert filed.archive("verify").returncode == 0
    record = filed.root / LATER
    record.write_text(record.read_text(encoding="utf-8") + "改了。\n", encoding="utf-8")
    result = extend(filed, "30年", LATER)
    assert result.returncode == 1
    assert re.search(rf"^{LATER}: changed since it was filed \(sha256 \w+…?, now \w+…?\): amend or restore it first \(see the handbook: "
                     r"en/handbook/errors/#e-extend-changed\)$",
                     result.stdout, re.M), result.stdout


# --- the appraisal page, in a small built site (BUILD_DATE 2026-11-30) -----------------------------
def text(element) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture(scope="session")
def appraisal_site(tmp_path_factory) -> Path:
    """A 10年 record of 2015 (term ended 2025-12-31: due), one of 2016 (term ends 2026-12-31: not yet)
    and one of 2015 extended to 30年 (not due until 2046)."""
    from filing_archive.extension import extend_record
    from filing_archive.filing import file_records

    project = Project(tmp_path_factory.mktemp("appraisal-page") / "proj")
    project.record("AAA/2015/old.md", **minimal(title="二〇一五年集中学习", date="2015-05-06", pages=3))
    project.record("AAA/2015/kept.md", **minimal(title="二〇一五年延长保管", date="2015-09-01", pages=1))
    project.record("AAA/2016/later.md", **minimal(title="二〇一六年集中学习", date="2016-05-06", pages=2))
    paths = [str(project.root / p) for p in (OLD, "docs/archive/AAA/2015/kept.md", LATER)]
    assert not file_records(project.root, paths, "10年", **FILERS).problems
    assert not extend_record(project.root, paths[1], "30年", "仍有查考价值", "鉴定审批〔2026〕3号").problems
    result = project.build()
    assert result.returncode == 0, result.stderr
    return project.site


def test_the_appraisal_page_lists_the_records_whose_term_has_run_out_in_both_languages(appraisal_site):
    from sitecheck import page, section_titles

    zh = page(appraisal_site, "archive/appraisal/")
    assert text(zh.xpath("//article//h1")[0]) == "档案鉴定：保管期满"
    assert text(zh.xpath('//*[@id="appraisal-count"]')[0]) == "1 件保管期满"
    assert section_titles(zh) == ["Z001-WS·2015-D10-AAA (1 件保管期满)"]
    rows = zh.xpath("//article//tbody/tr")
    assert [[text(td) for td in tr.xpath("td")] for tr in rows] == [
        [OLD_NO, "二〇一五年集中学习", "2015-05-06", "10年", "2025-12-31"]]
    assert rows[0].xpath(".//a/@href") == ["../AAA/2015/old/"]
    assert "满 10 年或 30 年" in text(zh.xpath("//article//p")[0])
    en = page(appraisal_site, "en/archive/appraisal/")
    assert text(en.xpath("//article//h1")[0]) == "Appraisal: records whose term has run out"
    assert [text(td) for td in en.xpath("//article//tbody/tr")[0].xpath("td")][3:] == ["10 years", "2025-12-31"]
    # In the navigation, next to the catalogue.
    nav = [text(a) for a in zh.xpath('//nav[contains(@class, "md-nav--primary")]//a[contains(@class, "md-nav__link")]')]
    assert nav[nav.index("归档文件目录") + 1] == "档案鉴定"


def test_dispose_refuses_an_extended_record_before_its_new_term(filed):
    from test_appraisal import LIST

    assert extend(filed, "30年").returncode == 0
    filed.write("清册.yml", LIST)
    result = filed.archive("dispose", "清册.yml", env={"GIT_AUTHOR_NAME": "王整理"})
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"清册.yml:9: records: {OLD_NO}: its 30年 term runs to 2045-12-31: nothing is destroyed before its term "
        "(expected a date after 2045-12-31) (see the handbook: en/handbook/errors/#e-disposal-before-term)"]
    assert (filed.root / OLD).exists()
