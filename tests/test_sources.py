"""One reading of the records folder: ``load_archive`` keeps a source entry per file (path, digest,
front-matter even when invalid, id) that filing, verify, import and ``new`` use."""

from __future__ import annotations

import hashlib

from conftest import minimal, record_text

from filing_archive.archive import load_archive
from filing_archive.schema import RECORD_MAX_BYTES


def test_every_file_under_the_records_folder_has_one_source_entry(project):
    good = project.record("AAA/2025/good.md", **minimal())
    project.record("AAA/2025/good.en.md", title="Study record")
    broken = project.record("AAA/2025/broken.md", **minimal(form=None, id="claimed-id"))
    bad_yaml = project.write("docs/archive/AAA/2025/bad-yaml.md", "---\ntitle: [unclosed\n---\n正文\n")
    project.write("docs/archive/AAA/2025/huge.md", b"---\ntitle: x\n---\n" + b"a" * RECORD_MAX_BYTES)

    archive = load_archive(project.root)

    entries = {s.path: s for s in archive.sources}
    assert sorted(entries) == [
        "docs/archive/AAA/2025/bad-yaml.md", "docs/archive/AAA/2025/broken.md",
        "docs/archive/AAA/2025/good.en.md", "docs/archive/AAA/2025/good.md", "docs/archive/AAA/2025/huge.md",
    ]
    assert entries["docs/archive/AAA/2025/good.md"].digest == hashlib.sha256(good.read_bytes()).hexdigest()
    assert entries["docs/archive/AAA/2025/good.md"].id == "good"
    assert entries["docs/archive/AAA/2025/good.md"].lang is None
    assert entries["docs/archive/AAA/2025/good.en.md"].lang == "en"
    # the broken record still says what it claims: its id and fields, as written
    claimed = entries["docs/archive/AAA/2025/broken.md"]
    assert claimed.id == "claimed-id" and claimed.front_matter["type"] == "study"
    assert claimed.digest == hashlib.sha256(broken.read_bytes()).hexdigest()
    assert entries["docs/archive/AAA/2025/bad-yaml.md"].front_matter == {}
    assert entries["docs/archive/AAA/2025/bad-yaml.md"].digest == hashlib.sha256(bad_yaml.read_bytes()).hexdigest()
    assert entries["docs/archive/AAA/2025/huge.md"].digest is None  # too large to read: reported, not hashed


def test_new_never_takes_the_id_a_broken_record_claims(project):
    project.write("docs/archive/AAA/2025/other-name.md",
                  record_text(**minimal(form=None, id="2025-03-01-aaa-study", date="2025-03-01")))
    result = project.archive("new", "study", "--unit", "AAA", "--date", "2025-03-01")
    assert result.stdout == "docs/archive/AAA/2025/2025-03-01-aaa-study-2.md\n", result.stderr


def test_import_skips_a_text_already_imported_into_a_record_that_is_now_invalid(project):
    project.write("a.txt", "关于开展学习的通知\n\n2025年3月12日\n\n正文第一段。\n")
    first = project.archive("import", "a.txt", "--unit", "AAA")
    assert first.returncode == 0, first.stdout
    written = first.stdout.split("wrote ")[1].split(" ")[0]
    path = project.root / written
    path.write_text(path.read_text("utf-8").replace("status: draft", "status: nonsense"), "utf-8")
    again = project.archive("import", "a.txt", "--unit", "AAA")
    assert f"already imported as {written}" in again.stdout, again.stdout
