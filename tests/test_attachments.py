"""Attachments (the files of a record's <stem>.files/ folder): what is kept and what refused, their
fixity in file / amend / verify / build, SM3 beside SHA-256, publishing, and a PDF's page count."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
from conftest import BUILD_DATE, Project, minimal

from filing_archive.archive import load_archive
from filing_archive.attachments import pdf_page_count
from filing_archive.verify import fixity_problems

AUTHOR = {"GIT_AUTHOR_NAME": "档案员", "GIT_AUTHOR_EMAIL": "clerk@example.org"}
R = "docs/archive/AAA/2025/r.md"
F = "docs/archive/AAA/2025/r.files"


# --- sample files ----------------------------------------------------------------------------
def docx_bytes(text: str = "支部委员会会议纪要", macro: bool = False) -> bytes:
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_paragraph(text)
    document.save(out)
    if not macro:
        return out.getvalue()
    # the same file with a VBA project inside: a .docm whatever it is called
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return result.getvalue()


def pdf_bytes(pages: int = 2) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(200) + b"\xff\xd9"
PE = b"MZ" + bytes(58) + (64).to_bytes(4, "little") + b"PE\0\0" + bytes(200)


def project_with(project: Project, files: dict[str, bytes], **fields) -> Project:
    project.record("AAA/2025/r.md", **minimal(**fields))
    for name, data in files.items():
        project.write(f"{F}/{name}", data)
    return project


def problems_of(project: Project) -> list[str]:
    archive = load_archive(project.root, date.fromisoformat(BUILD_DATE))
    return [str(p) for p in archive.problems.sorted()]


# --- what is kept, what is refused ----------------------------------------------------------
def test_kept_attachments_have_kind_size_and_digests(project):
    original, scan = docx_bytes(), pdf_bytes()
    project_with(project, {"会议纪要.docx": original, "签到表.pdf": scan, "photo-1.jpg": JPEG,
                           "名单.csv": "姓名,职务\n刘思远,书记\n".encode()})
    archive = load_archive(project.root, date.fromisoformat(BUILD_DATE))
    assert [str(p) for p in archive.problems] == []
    record = archive.records[0]
    got = [(a.name, a.kind, a.size, a.sha256) for a in record.attachments]
    assert got == [
        ("photo-1.jpg", "image", len(JPEG), hashlib.sha256(JPEG).hexdigest()),
        ("会议纪要.docx", "document", len(original), hashlib.sha256(original).hexdigest()),
        ("名单.csv", "spreadsheet", 31, hashlib.sha256("姓名,职务\n刘思远,书记\n".encode()).hexdigest()),
        ("签到表.pdf", "fixed", len(scan), hashlib.sha256(scan).hexdigest()),
    ]
    assert record.attachments[3].sm3 == hashlib.new("sm3", scan).hexdigest()
    assert record.attachments[3].kind_label("zh") == "版式文件"
    assert record.attachments[3].kind_label("en") == "Fixed-layout document"


ALLOWED = ("expected one of: PDF, OFD, Word (.doc .docx), Excel (.xls .xlsx), WPS (.wps .et .dps), PowerPoint "
           "(.ppt .pptx), OpenDocument (.odt .ods .odp), images (.jpg .png .gif .bmp .tif .webp), text (.txt .csv), "
           "audio (.mp3 .wav .m4a .aac .flac .ogg .wma), video (.mp4 .mov .avi .wmv .mkv .webm .mpg)")


@pytest.mark.parametrize("name, data, message", [
    ("宏.docm", docx_bytes(macro=True),
     f"attachment: a macro-enabled Office file (.docm): macros are active content (save it without macros; {ALLOWED}; "
     f"got .docm)"),
    ("表.xlsm", b"PK\x03\x04", "attachment: a macro-enabled Office file (.xlsm): macros are active content (save it "
                               f"without macros; {ALLOWED}; got .xlsm)"),
    ("setup.exe", PE, f"attachment: a program or script (.exe) is never kept ({ALLOWED}; got .exe)"),
    ("run.sh", b"#!/bin/sh\nrm -rf /\n", f"attachment: a program or script (.sh) is never kept ({ALLOWED}; got .sh)"),
    ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
     f"attachment: .svg would open as a page of this site and run its scripts (save it as PDF; {ALLOWED}; got .svg)"),
    ("page.html", b"<p>hi</p>", f"attachment: .html would open as a page of this site and run its scripts (save it "
                                f"as PDF; {ALLOWED}; got .html)"),
    ("notes.rar", b"Rar!\x1a\x07\x00", f"attachment: not a kind of file the archive keeps ({ALLOWED}; got .rar)"),
    ("README", b"text", f"attachment: not a kind of file the archive keeps ({ALLOWED}; got a file without an "
                        f"extension)"),
    # the bytes, whatever the name says
    ("纪要.docx", docx_bytes(macro=True), "attachment: holds macros or ActiveX controls (word/vbaProject.bin): save it "
                                         "as .docx, .xlsx or .pptx without macros"),
    ("旧纪要.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "_VBA_PROJECT".encode("utf-16-le"),
     "attachment: holds macros (a _VBA_PROJECT stream): save it as .docx or .xlsx without macros"),
    ("扫描件.pdf", PE, "attachment: holds a Windows program (MZ/PE header): programs and scripts are never kept"),
    ("scan.pdf", b"\x7fELF\x02\x01\x01" + bytes(100), "attachment: holds a Linux program (ELF header): programs and "
                                                      "scripts are never kept"),
    ("photo.jpg", b"<svg onload=alert(1)>", "attachment: holds HTML, SVG or XML markup, which a browser would open as "
                                           "a page of this site and run its scripts"),
    ("note.txt", b"  <!DOCTYPE html><html><script>alert(1)</script>", "attachment: holds HTML, SVG or XML markup, "
     "which a browser would open as a page of this site and run its scripts"),
    ("data.csv", b"a,b\n" + b"1,2\n" * 5000 + b"1,<script>alert(1)</script>\n", "attachment: holds script (<script>, <svg>, javascript:), "
     "which a browser could run in this site's pages"),
    ("photo2.png", JPEG, "attachment: is not a .png file: its first bytes are not those of the format its name says "
                         "(renamed from another kind of file?)"),
    ("empty.pdf", b"", "attachment: empty file (expected the attachment's content)"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "attachment: is not a readable zip container (damaged, or not "
                                                   "the format its name says)"),
])
def test_refused_attachments_name_the_file_and_why(project, name, data, message):
    project_with(project, {name: data})
    assert problems_of(project) == [f"{F}/{name}: {message}"]


def pdf_with(body: bytes) -> bytes:
    return b"%PDF-1.7\n1 0 obj\n" + body + b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize("data, what", [
    (pdf_with(b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"), "JavaScript"),
    (pdf_with(b"<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>"), "JavaScript"),
    (pdf_with(b"<< /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >>"), "a Launch action (it starts a program)"),
    # inside a compressed object stream: only a reader that inflates it sees the action
    (pdf_with(b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length 60 >>\nstream\n"
              + zlib.compress(b"2 0 << /S /JavaScript /JS (app.alert(1)) >>") + b"\nendstream"), "JavaScript"),
    (pdf_with(b"<< /Type /Obj#53tm /N 1 /First 4 /Filter /Fl#61teDecode /Length 60 >>\nstream\n"
              + zlib.compress(b"2 0 << /S /Launch /F (cmd.exe) >>") + b"\nendstream"),
     "a Launch action (it starts a program)"),
])
def test_pdf_actions_are_refused_however_written(project, data, what):
    project_with(project, {"scan.pdf": data})
    assert problems_of(project) == [f"{F}/scan.pdf: attachment: holds {what}: a PDF that runs something when opened "
                                    f"is not kept (print it to a new PDF)"]


def test_a_pdf_with_a_clean_object_stream_is_kept(project):
    clean = pdf_with(b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length 40 >>\nstream\n"
                     + zlib.compress(b"2 0 << /Type /Page /Parent 3 0 R >>") + b"\nendstream")
    project_with(project, {"scan.pdf": clean})
    assert problems_of(project) == []


def test_a_pdf_object_stream_that_cannot_be_read_is_refused(project):
    project_with(project, {"scan.pdf": pdf_with(b"<< /Type /ObjStm /N 1 /Filter /LZWDecode >>\nstream\nxx\nendstream")})
    assert problems_of(project) == [f"{F}/scan.pdf: attachment: has a compressed object stream this check cannot read "
                                    f"(expected FlateDecode): save it again as PDF/A"]


def test_folder_rules(project):
    project.record("AAA/2025/r.md", **minimal())
    project.record("AAA/2025/r.en.md", title="Study")
    project.write(f"{F}/sub/a.pdf", pdf_bytes())
    project.write("docs/archive/AAA/2025/gone.files/a.pdf", pdf_bytes())
    project.write("docs/archive/AAA/2025/r.en.files/a.pdf", pdf_bytes())
    (project.root / F / "link.pdf").symlink_to(project.root / "docs/archive/AAA/2025/gone.files/a.pdf")
    project.write("docs/archive/AAA/2025/stray.pdf", pdf_bytes())
    assert problems_of(project) == [
        "docs/archive/AAA/2025/gone.files: attachments folder without its record (expected gone.md next to it; "
        "move the files to the folder of their record, or remove this one)",
        "docs/archive/AAA/2025/r.en.files: attachments folder of a translation: a translation shows its record's "
        "attachments (move these files to r.files/)",
        f"{F}/link.pdf: symbolic link under the records folder: records must be real files (replace the link with the "
        "file it points to, or remove it)",
        f"{F}/sub: folder inside the attachments folder r.files: attachments are kept flat (move its files up into "
        "r.files/)",
        "docs/archive/AAA/2025/stray.pdf: not a record: only Markdown records (*.md) may be under docs/archive/, and "
        "MkDocs would publish stray.pdf unchecked (move it out of the docs folder)",
    ]


def test_names_and_text_are_checked_for_markings_and_url_rules(project):
    project_with(project, {"秘密-纪要.pdf": pdf_bytes(), "会议 记录.pdf": pdf_bytes(),
                           "摘录.txt": "一、会议情况\n（机密）内容\n".encode("gbk")})
    assert problems_of(project) == [
        f"{F}/会议 记录.pdf:1: the file name 会议 记录.pdf breaks every link to it (space): rename it to 会议-记录.pdf "
        "(expected letters, digits, -, _ and . only)",
        f"{F}/摘录.txt:2: secrecy: the text is marked （机密）内容: secret material must never be stored in or "
        "published from this archive (remove the file)",
        f"{F}/秘密-纪要.pdf: secrecy: the file name is marked 秘密: secret material must never be stored in or "
        "published from this archive (remove the file)",
    ]


def test_size_limit_is_a_warning_set_in_the_registry(tmp_path):
    from conftest import REGISTRY

    project = Project(tmp_path / "p", registry=REGISTRY + "attachment_max_mb: 1\n", with_site_files=False)
    project_with(project, {"big.pdf": pdf_bytes() + bytes(2 * 2**20)})
    assert problems_of(project) == [f"{F}/big.pdf: warning: attachment: larger than attachment_max_mb in archive.yml "
                                    "(expected at most 1 MB, got 2.0 MB): keep a smaller copy, or raise the limit"]
    (project.root / "archive.yml").write_text(REGISTRY + "attachment_max_mb: 0.5\n", encoding="utf-8")
    assert problems_of(project)[0] == ("archive.yml:14: attachment_max_mb: expected a whole number of megabytes from 1 "
                                       "to 100,000, got 0.5")


# --- pdf_page_count ----------------------------------------------------------------------------
def test_pdf_page_count():
    assert pdf_page_count(pdf_bytes(3)) == 3
    assert pdf_page_count(pdf_bytes(1)) == 1
    for hostile in (b"", b"not a pdf", pdf_bytes(3)[:200], PE, b"%PDF-1.4\n" + bytes(1000),
                    pdf_with(b"<< /Type /Catalog /Pages 1 0 R >>"),  # a catalogue that is its own page tree
                    pdf_bytes(2).replace(b"/Count 2", b"/Count -5"),
                    pdf_bytes(2).replace(b"/Count 2", b"/Count 9999999")):
        assert pdf_page_count(hostile) is None


# --- fixity: file, verify, build, amend ---------------------------------------------------------
MORE = re.compile(r" \(see the handbook: en/handbook/errors/#[ew]-[a-z0-9-]+\)$")


def verify_lines(project: Project) -> list[str]:
    """verify's findings, each without its handbook trailer (which each must have)."""
    result = project.archive("verify")
    lines = [line for line in result.stdout.splitlines() if line.startswith(("docs/", "manifest", "filing-log"))]
    assert all(MORE.search(line) for line in lines), lines
    return [MORE.sub("", line) for line in lines]


def build_lines(project: Project) -> list[str]:
    findings, _ = fixity_problems(load_archive(project.root, date.fromisoformat(BUILD_DATE)))
    return [str(p) for p in findings]


@pytest.fixture
def filed(project) -> Project:
    """A record with a .docx original, a PDF scan and a photo, filed 永久."""
    project_with(project, {"original.docx": docx_bytes(), "scan.pdf": pdf_bytes(), "photo.jpg": JPEG})
    result = project.archive("file", R, "--retention", "永久", "--pages", "3", "--checked-by", "李检查", env=AUTHOR)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def test_filing_records_each_attachment_in_both_manifests_and_the_log(filed):
    root = filed.root
    files = [R] + [f"{F}/{n}" for n in ("original.docx", "photo.jpg", "scan.pdf")]
    sha = {p: hashlib.sha256((root / p).read_bytes()).hexdigest() for p in files}
    sm3 = {p: hashlib.new("sm3", (root / p).read_bytes()).hexdigest() for p in files}
    assert (root / "manifest-sha256.txt").read_text() == "".join(f"{sha[p]}  {p}\n" for p in sorted(files))
    assert (root / "manifest-sm3.txt").read_text() == "".join(f"{sm3[p]}  {p}\n" for p in sorted(files))
    entry = json.loads((root / "filing-log.jsonl").read_text().splitlines()[0])
    assert entry["digest"] == sha[R] and entry["sm3"] == sm3[R]
    assert entry["attachments"] == {p.rsplit("/", 1)[1]: sha[p] for p in files[1:]}
    assert entry["attachments_sm3"] == {p.rsplit("/", 1)[1]: sm3[p] for p in files[1:]}
    assert filed.archive("verify").returncode == 0
    assert build_lines(filed) == []


def digest_short(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12] + "…"


@pytest.mark.parametrize("name", ["original.docx", "scan.pdf", "photo.jpg"])
def test_each_attachment_changed_removed_and_added_is_caught(filed, name):
    path = filed.root / F / name
    before = path.read_bytes()
    changed = before[:-2] + b"\x00\x00" if name != "original.docx" else docx_bytes("改过的纪要")
    path.write_bytes(changed)
    expected = [f"{F}/{name}: attachment: changed after filing: use archive amend {R} (filed {digest_short(before)}, "
                f"file now {digest_short(changed)})"]
    assert verify_lines(filed) == expected
    assert build_lines(filed) == expected

    path.unlink()
    expected = [f"{F}/{name}: attachment: missing: attachment of {R}, filed as Z001-WS·2025-Y-AAA-0001 "
                f"(filing-log.jsonl line 1), but the file is gone: restore it from git, or record its removal with "
                f"archive amend {R}"]
    assert verify_lines(filed) == expected
    assert build_lines(filed) == expected

    path.write_bytes(before)
    assert verify_lines(filed) == []
    filed.write(f"{F}/added-{name}", before)
    expected = [f"{F}/added-{name}: attachment: added after filing: {R} was filed as Z001-WS·2025-Y-AAA-0001 "
                f"without it (filing-log.jsonl line 1): use archive amend {R}, or remove the file"]
    assert verify_lines(filed) == expected
    assert build_lines(filed) == expected


def test_the_build_stops_on_a_changed_attachment(tmp_path):
    project = Project(tmp_path / "p")
    project_with(project, {"scan.pdf": pdf_bytes()})
    assert project.archive("file", R, "--retention", "永久", "--pages", "3", "--checked-by", "李检查", env=AUTHOR).returncode == 0
    (project.root / F / "scan.pdf").write_bytes(pdf_bytes(5))
    result = project.build()
    assert result.returncode == 1
    assert f"{F}/scan.pdf: attachment: changed after filing: use archive amend {R}" in result.stderr
    assert not (project.site / "archive" / "AAA" / "2025" / "r.files" / "scan.pdf").exists()


def test_amend_records_the_new_set_of_attachments(filed):
    (filed.root / F / "photo.jpg").unlink()
    filed.write(f"{F}/photo-2.jpg", JPEG + b"2")
    assert filed.archive("amend", R, "--reason", "换用清晰照片").returncode == 0
    entry = json.loads((filed.root / "filing-log.jsonl").read_text().splitlines()[-1])
    assert entry["action"] == "amend"
    assert sorted(entry["attachments"]) == ["original.docx", "photo-2.jpg", "scan.pdf"]
    assert entry["attachments"]["photo-2.jpg"] == hashlib.sha256(JPEG + b"2").hexdigest()
    manifest = (filed.root / "manifest-sha256.txt").read_text()
    assert f"{F}/photo-2.jpg" in manifest and f"{F}/photo.jpg" not in manifest
    assert f"{F}/photo-2.jpg" in (filed.root / "manifest-sm3.txt").read_text()
    assert verify_lines(filed) == []
    assert filed.archive("verify").returncode == 0
    again = filed.archive("amend", R, "--reason", "again")
    assert again.returncode == 1 and "nothing to amend" in again.stdout


def test_file_refuses_a_record_whose_attachment_is_refused(project):
    project_with(project, {"宏.docm": docx_bytes(macro=True)})
    result = project.archive("file", R, "--retention", "永久", "--pages", "3", "--checked-by", "李检查", env=AUTHOR)
    assert result.returncode == 1
    assert f"{F}/宏.docm: attachment: a macro-enabled Office file (.docm)" in result.stdout
    assert f"{R}: not filed: correct the errors above first" in result.stdout
    assert not (project.root / "filing-log.jsonl").exists()


def test_withdraw_keeps_the_attachments_and_their_manifest_lines(filed):
    manifests = [(filed.root / n).read_text() for n in ("manifest-sha256.txt", "manifest-sm3.txt")]
    result = filed.archive("withdraw", R, "--reason", "重复归档", "--approval", "撤出审批〔2026〕2号",
                           "--approver", "赵批准", env=AUTHOR)
    assert result.returncode == 0, result.stdout
    assert sorted(p.name for p in (filed.root / F).iterdir()) == sorted(
        line.rsplit("/", 1)[1] for line in manifests[0].splitlines() if f"{F}/" in line)
    assert [(filed.root / n).read_text() for n in ("manifest-sha256.txt", "manifest-sm3.txt")] == manifests
    assert filed.archive("verify").returncode == 0
    # The kept attachments are evidence too: one removed is a finding.
    victim = next((filed.root / F).iterdir())
    victim.unlink()
    assert f"{F}/{victim.name}: attachment: missing" in filed.archive("verify").stdout


# --- SM3 -----------------------------------------------------------------------------------------
def test_sm3_is_checked_where_recorded_and_one_tampered_manifest_is_named(filed):
    manifest = filed.root / "manifest-sm3.txt"
    lines = manifest.read_text().splitlines(keepends=True)
    tampered = "0" * 64 + lines[0][64:]
    manifest.write_text(tampered + "".join(lines[1:]))
    path = lines[0][66:].rstrip("\n")
    result = filed.archive("verify")
    assert result.returncode == 1
    assert verify_lines(filed) == [
        f"manifest-sm3.txt:1: digest of {path} differs from filing-log.jsonl line 1 (manifest {'0' * 12}…, "
        f"log {lines[0][:12]}…): the manifest line was edited, or an amend was interrupted"
    ]


def test_an_archive_filed_before_sm3_still_verifies(filed):
    """Entries without sm3 and attachments (as written before both existed) mean: no SM3, no attachments."""
    log = filed.root / "filing-log.jsonl"
    entry = json.loads(log.read_text())
    for key in ("sm3", "attachments", "attachments_sm3"):
        del entry[key]
    log.write_text(json.dumps(entry, ensure_ascii=False, separators=(", ", ": ")) + "\n", encoding="utf-8")
    (filed.root / "manifest-sm3.txt").unlink()
    for name in ("original.docx", "scan.pdf", "photo.jpg"):
        (filed.root / F / name).unlink()
    sha = (filed.root / "manifest-sha256.txt").read_text().splitlines()
    (filed.root / "manifest-sha256.txt").write_text("".join(f"{line}\n" for line in sha if line.endswith(R)))
    assert verify_lines(filed) == []
    assert filed.archive("verify").returncode == 0


# --- publishing ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def attachment_site(tmp_path_factory) -> Path:
    """A site with a published record (and its English version) and a draft, each with attachments."""
    project = Project(tmp_path_factory.mktemp("attach") / "p")
    project.record("AAA/2025/r.md", **minimal(title="支部委员会会议"))
    project.record("AAA/2025/r.en.md", title="Branch committee meeting")
    project.write(f"{F}/会议纪要.docx", DOCX)
    project.write(f"{F}/scan.pdf", PDF)
    project.record("AAA/2025/d.md", **minimal(title="草稿", status="draft", date="2025-04-01"))
    project.write("docs/archive/AAA/2025/d.files/draft-scan.pdf", pdf_bytes(1))
    result = project.build()
    assert result.returncode == 0, result.stderr
    return project.site


DOCX, PDF = docx_bytes(), pdf_bytes()


def test_a_published_records_attachments_are_published_and_a_drafts_are_not(attachment_site):
    site = attachment_site
    assert (site / "archive/AAA/2025/r.files/scan.pdf").read_bytes() == PDF
    assert (site / "archive/AAA/2025/r.files/会议纪要.docx").read_bytes() == DOCX
    assert not list(site.rglob("draft-scan.pdf"))
    assert not list(site.rglob("d.files"))


@pytest.mark.parametrize("page, heading, kind, digest_label", [
    ("archive/AAA/2025/r/index.html", "附件", "版式文件", "哈希值（SHA-256）"),
    ("en/archive/AAA/2025/r/index.html", "Attachments", "Fixed-layout document", "Hash (SHA-256)"),
])
def test_the_record_page_lists_its_attachments_in_both_languages(attachment_site, page, heading, kind, digest_label):
    from lxml import html as lxml_html

    path = attachment_site / page
    tree = lxml_html.fromstring(path.read_text("utf-8"))
    section = tree.xpath("//section[@aria-labelledby='archive-attachments-title']")[0]
    assert section.xpath("string(.//h2)") == heading
    assert [th.text_content() for th in section.xpath(".//thead//th")][3] == digest_label
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in section.xpath(".//tbody/tr")]
    assert rows[0] == ["scan.pdf", kind, f"{len(PDF)} B", hashlib.sha256(PDF).hexdigest()]
    assert rows[1][0] == "会议纪要.docx"
    assert rows[1][2] == f"{len(DOCX) / 1024:,.1f} KB"
    for link in section.xpath(".//tbody//a/@href"):
        target = (path.parent / link).resolve()
        assert target.is_file(), link
        assert target.is_relative_to((attachment_site / "archive/AAA/2025/r.files").resolve())


# --- import keeps the original ---------------------------------------------------------------------
def test_import_keeps_the_word_original_beside_each_record_it_writes(project):
    from docx import Document

    document = Document()
    for n in (1, 2):
        document.add_paragraph(f"甲镇党委学习方案(篇{n})")
        document.add_paragraph(f"第{n}篇的正文，2025年3月{n}日印发。")
    document.save(project.root / "学习 方案#汇编.docx")
    original = (project.root / "学习 方案#汇编.docx").read_bytes()
    result = project.archive("import", "学习 方案#汇编.docx", "--unit", "AAA", "--split", r"甲镇党委学习方案\(篇\d\)")
    assert result.returncode == 0, result.stdout + result.stderr
    records = sorted((project.root / "docs/archive").rglob("*.md"))
    assert len(records) == 2
    for record in records:
        kept = record.with_name(record.stem + ".files") / "学习-方案-汇编.docx"
        assert kept.read_bytes() == original
        assert f"original kept as {kept.relative_to(project.root).as_posix()}" in result.stdout
    assert [p for p in problems_of(project) if ".files" in p] == []  # the kept original passes every attachment rule
