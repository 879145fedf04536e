"""`archive import` of a PDF: its text layer read into records, the original kept as their
attachment with `pages` set; encrypted, scanned, hostile, broken and oversized PDFs refused with a
clear per-file error. Every PDF is written by the test (a Type0 font whose ToUnicode map gives the
text, as Word and WPS export it), nothing comes from outside the repository."""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import BUILD_DATE

from filing_archive import import_pdf
from filing_archive.archive import load_archive
from filing_archive.import_sources import ImportProblem

UNIT = ("--unit", "AAA")


def text_pdf(pages: list[list[str]], catalog: bytes = b"") -> bytes:
    """A PDF with one line of text per item of each page, extractable as Unicode; ``catalog`` is
    added to its catalog dictionary."""
    chars = sorted({c for page in pages for line in page for c in line})
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def "
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
    for k in range(0, len(chars), 100):
        chunk = chars[k:k + 100]
        cmap += f"{len(chunk)} beginbfchar\n" + "".join(f"<{ord(c):04X}> <{ord(c):04X}>\n" for c in chunk)
        cmap += "endbfchar\n"
    cmap += "endcmap CMapName currentdict /CMap defineresource pop end end"
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>", b"",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] "
        b"/ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap.encode() + b"\nendstream",
    ]
    kids = []
    for page in pages:
        ops = "BT /F1 12 Tf 72 800 Td 14 TL " + " ".join(
            "<" + "".join(f"{ord(c):04X}" for c in line) + "> Tj T*" for line in page) + " ET"
        objects.append(b"<< /Length %d >>\nstream\n" % len(ops) + ops.encode() + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents %d 0 R >>" % len(objects))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def written_by_pypdf(change) -> bytes:
    """A one-page PDF from pypdf's writer, after ``change(writer)``."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(text_pdf([["支部委员会会议纪要", "2025年3月2日"]]))))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def records(project) -> dict[str, str]:
    root = project.root / "docs" / "archive"
    return {p.relative_to(project.root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.md"))}


def files_under(project) -> list[str]:
    root = project.root / "docs" / "archive"
    return sorted(p.relative_to(project.root).as_posix() for p in root.rglob("*") if p.is_file())


COMPILATION = [
    ["某某网 首页 > 学习园地", "甲镇党委学习方案(篇1)", "一、总体要求", "全镇党员每月集中学习一次。"],
    ["二、学习内容", "甲镇党委", "2025年3月1日"],
    ["甲镇党委学习方案(篇2)", "一、工作目标", "2025年4月8日"],
]


def test_a_pdf_compilation_is_split_into_records_each_keeping_the_original_with_its_pages(project):
    source = text_pdf(COMPILATION)
    project.write("学习方案 汇编.pdf", source)
    result = project.archive("import", "学习方案 汇编.pdf", *UNIT, "--split", r"甲镇党委学习方案\(篇\d\)")
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = "docs/archive/AAA/2025/2025-03-01-aaa-plan", "docs/archive/AAA/2025/2025-04-08-aaa-plan"
    assert files_under(project) == [f"{first}.files/学习方案-汇编.pdf", f"{first}.md",
                                    f"{second}.files/学习方案-汇编.pdf", f"{second}.md"]
    for stem in (first, second):
        assert (project.root / f"{stem}.files/学习方案-汇编.pdf").read_bytes() == source
    texts = records(project)
    assert "\npages: 2\n" in texts[f"{first}.md"]  # 篇1 runs over pages 1 and 2
    assert "\npages: 1\n" in texts[f"{second}.md"]
    assert "## 一、总体要求" in texts[f"{first}.md"] and "## 二、学习内容" in texts[f"{first}.md"]
    out = result.stdout
    assert "学习方案 汇编.pdf: encoding PDF, 3 pages\n" in out
    assert "  dropped page 1 line 1: 某某网 首页 > 学习园地 — before the first --split heading" in out
    # the part opens with an outline item, not a title: the heading without 篇1 is the title, a guess
    assert (f"  wrote {first}.md ← 甲镇党委学习方案 (inferred title, type, date; title "
            f"is a guess: review it; date from page 2 line 3: 2025年3月1日; original kept as "
            f"{first}.files/学习方案-汇编.pdf)") in out
    archive = load_archive(project.root, date.fromisoformat(BUILD_DATE))
    assert [str(p) for p in archive.problems.sorted() if ".files" in str(p)] == []  # the originals pass every rule


def test_a_whole_pdf_gets_pages_from_its_page_count(project):
    project.write("纪要.pdf", text_pdf([["支部委员会\x07会议纪要", "2025年3月2日"], ["出席：张三、\x02李四\x02"], ["散会。"]]))
    result = project.archive("import", "纪要.pdf", *UNIT)
    assert result.returncode == 0, result.stdout + result.stderr
    [(path, text)] = records(project).items()
    assert path == "docs/archive/AAA/2025/2025-03-02-aaa-minutes.md"
    assert "\npages: 3\n" in text
    assert "title: 支部委员会会议纪要\n" in text and "出席：张三、李四" in text
    control = "control characters of the text layer, not text"
    assert f"  dropped page 1 line 1: control character U+0007 (bell) — {control}\n" in result.stdout
    assert f"  dropped page 2 line 1: control character U+0002 — {control}\n" in result.stdout
    check = project.archive("check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert (project.root / "docs/archive/AAA/2025/2025-03-02-aaa-minutes.files/纪要.pdf").is_file()


def encrypted(writer) -> None:
    writer.encrypt(user_password="", owner_password="owner")


NOT_IMPORTED = "nothing imported from this file"
AS_ATTACHMENT = "type the record by hand (archive new) and keep the PDF in its <stem>.files/ folder as an attachment"
REFUSED = {
    "encrypted.pdf": (written_by_pypdf(encrypted),
                      "the PDF is encrypted (a password or restrictions): an archive keeps files anyone "
                      "can open in years to come (expected a PDF without encryption: save an unprotected copy and "
                      f"import that); {NOT_IMPORTED}"),
    "scan.pdf": (text_pdf([[], []]),
                 f"the PDF has no text layer (a scan?): there is no text to import; {AS_ATTACHMENT}; "
                 f"{NOT_IMPORTED}"),
    "script.pdf": (text_pdf([["通知"]], b"/OpenAction << /S /JavaScript /JS (app.alert(1);) >> "),
                   "the archive would refuse this file as the record's original attachment: "
                   "holds JavaScript: a PDF that runs something when opened is not kept (print it to a new PDF); "
                   f"{NOT_IMPORTED}"),
    "broken.pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n",
                   "cannot read the PDF file (damaged, or not a PDF) (PdfStreamError: Stream has ended "
                   f"unexpectedly); {NOT_IMPORTED}"),
    "renamed.pdf": (b"PK\x03\x04 a zip file called .pdf",
                    "the archive would refuse this file as the record's original attachment: "
                    "is not a .pdf file: its first bytes are not those of the format its name says (renamed from "
                    f"another kind of file?); {NOT_IMPORTED}"),
    "miscounted.pdf": (text_pdf([["通知"], ["正文"]]).replace(b"/Count 2", b"/Count 3"),
                       "the PDF is damaged: its page tree says 3 pages and holds 2 (expected the same "
                       f"number): print it to a new PDF and import that; {NOT_IMPORTED}"),
    "undercounted.pdf": (text_pdf([["通知"], ["正文"]]).replace(b"/Count 2", b"/Count 1"),
                         "the PDF is damaged: its page tree says 1 pages and holds more than 1 (expected "
                         f"the same number): print it to a new PDF and import that; {NOT_IMPORTED}"),
    "marked.pdf": (text_pdf([["工作方案"], ["机密★1年", "正文。"]]),
                   "marked 机密★1年 (page 1 line 1): secret material must never be stored in this archive; "
                   f"{NOT_IMPORTED}"),
}


def test_each_unimportable_pdf_is_a_clear_error_and_nothing_of_it_is_written(project):
    for name, (data, _message) in REFUSED.items():
        project.write(name, data)
    project.write("good.pdf", text_pdf([["支部工作总结", "2024年12月20日"]]))
    result = project.archive("import", *REFUSED, "good.pdf", *UNIT)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    blocks = result.stdout.split("\n\n")[0].split("\n")
    for name, (_data, message) in REFUSED.items():
        at = blocks.index(next(line for line in blocks if line.startswith(f"{name}: ")))
        assert blocks[at + 1].startswith(f"  error: {message}"), (name, blocks[at:at + 2])
    assert files_under(project) == ["docs/archive/AAA/2024/2024-12-20-aaa-summary.files/good.pdf",
                                    "docs/archive/AAA/2024/2024-12-20-aaa-summary.md"]
    assert f"{len(REFUSED)} files with errors" in result.stdout


def test_pages_and_characters_read_are_capped_and_the_message_says_so(tmp_path: Path, monkeypatch):
    path = tmp_path / "long.pdf"
    path.write_bytes(text_pdf([["第一页"], ["第二页"], ["第三页"]]))
    monkeypatch.setattr(import_pdf, "PDF_IMPORT_MAX_PAGES", 2)
    with pytest.raises(ImportProblem) as raised:
        import_pdf.pdf_blocks(path)
    assert str(raised.value) == (
        "too many pages to import (expected at most 2, got 3): split it into smaller PDFs, or "
        f"{AS_ATTACHMENT}; {NOT_IMPORTED}")
    monkeypatch.setattr(import_pdf, "PDF_IMPORT_MAX_PAGES", 1000)
    monkeypatch.setattr(import_pdf, "PDF_IMPORT_MAX_CHARS", 7)
    with pytest.raises(ImportProblem) as raised:
        import_pdf.pdf_blocks(path)
    assert str(raised.value) == ("too much text to import (expected at most 7 characters, got more by "
                                 f"page 2): split it into smaller PDFs; {NOT_IMPORTED}")
    monkeypatch.setattr(import_pdf, "PDF_IMPORT_MAX_BYTES", 100)
    with pytest.raises(ImportProblem) as raised:
        import_pdf.pdf_blocks(path)
    assert str(raised.value).startswith("PDF too large to import (expected at most ")


def test_a_300_page_pdf_is_read_in_seconds(tmp_path: Path):
    path = tmp_path / "long.pdf"
    path.write_bytes(text_pdf([[f"第{p}页第{n}行，关于加强基层党组织建设的工作安排。" for n in range(30)] for p in range(300)]))
    started = time.monotonic()
    blocks, pages, _dropped = import_pdf.pdf_blocks(path)
    assert (pages, len(blocks), str(blocks[-1].where)) == (300, 9000, "page 300 line 30")
    assert time.monotonic() - started < 30


def test_a_marking_anywhere_in_the_text_or_the_name_refuses_the_source(project):
    """Before the first --split heading, in page chrome, in a table cell (Word) or in the name of a
    source that would be kept as the original: no record holds that text, the source is still refused."""
    from docx import Document

    project.write("preamble.pdf", text_pdf([["秘密★5年", "甲镇党委学习方案(篇1)", "正文。", "2025年3月1日"]]))
    project.write("chrome.txt", "首页 > 机密 > 通知\n\n通知\n\n正文。\n\n2025年3月1日\n")
    document = Document()
    document.add_table(rows=1, cols=2).rows[0].cells[1].text = "绝密★长期"
    document.add_paragraph("通知")
    document.save(project.root / "table.docx")
    project.write("机密 通知.pdf", text_pdf([["通知", "2025年3月1日"]]))
    result = project.archive("import", "preamble.pdf", "chrome.txt", "table.docx", "机密 通知.pdf", *UNIT,
                             "--split", r"甲镇党委学习方案\(篇\d\)|通知")
    assert result.returncode == 1, result.stdout + result.stderr
    refused = "secret material must never be stored in this archive; nothing imported from this file"
    for line in ("preamble.pdf: encoding PDF, 1 pages\n  error: marked 秘密★5年 (page 1 line 1): ",
                 "chrome.txt: encoding UTF-8\n  error: marked 首页 > 机密 > 通知 (line 1): ",
                 "table.docx: encoding Word .docx\n  error: marked 绝密★长期 (paragraph 1): ",
                 "机密 通知.pdf: not read\n  error: marked 机密 (file name): "):
        assert line + refused in result.stdout
    assert files_under(project) == []


def test_a_word_file_with_macros_is_refused_as_the_archive_refuses_it_as_an_attachment(project):
    from test_attachments import docx_bytes

    project.write("纪要.docx", docx_bytes("支部委员会会议纪要", macro=True))
    result = project.archive("import", "纪要.docx", *UNIT)
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("纪要.docx: encoding Word .docx\n  error: the archive would refuse this file as "
            "the record's original attachment: holds macros or ActiveX controls (word/vbaProject.bin): save it as "
            f".docx, .xlsx or .pptx without macros; {NOT_IMPORTED} "
            "(see the handbook: en/handbook/errors/#e-import-original-refused)\n") in result.stdout
    assert files_under(project) == []


def test_a_decompression_bomb_stops_at_pypdfs_limit_with_a_clear_error(tmp_path: Path):
    """A page whose content inflates from 80 kB to 80 MB: refused in well under a second."""
    import zlib

    data = text_pdf([["通知"]])
    head, rest = data.split(b"6 0 obj\n", 1)  # the page's content stream, replaced (pypdf repairs the offsets)
    tail = rest.split(b"\nendobj\n", 1)[1]
    bomb = zlib.compress(b"BT " + b" " * 80_000_000 + b" ET", 9)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(head + b"6 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb
                     + b"\nendstream\nendobj\n" + tail)
    started = time.monotonic()
    with pytest.raises(ImportProblem) as raised:
        import_pdf.pdf_blocks(path)
    assert time.monotonic() - started < 5
    assert str(raised.value).startswith("a part of the PDF is too large to read (Limit reached while "
                                        "decompressing")
    assert str(raised.value).endswith(f"print it to a new PDF and import that, or {AS_ATTACHMENT}; {NOT_IMPORTED}")
