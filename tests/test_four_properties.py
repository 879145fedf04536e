"""The 四性检测 report (`archive verify --report DIR`): a small archive filed through the package,
then given one failure of each kind, reported by the real command line as JSON and HTML."""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import zlib
from datetime import date

import pytest
from conftest import BUILD_DATE, FILERS, Project, minimal
from test_attachments import PE, pdf_bytes

from filing_archive import filing
from filing_archive.attachment_content import image_problem
from filing_archive.attachments import ALLOWED

A = "docs/archive/AAA/2025/"
CLASS = "Z001-WS·2025-Y-AAA"
TODAY = date.fromisoformat(BUILD_DATE)


def png(width: int = 1, height: int = 1) -> bytes:
    """A whole PNG: IHDR, one IDAT, IEND, each with its CRC."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\0" + b"\0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def short(digest: str) -> str:
    return digest[:12] + "…"


@pytest.fixture(scope="module")
def damaged(tmp_path_factory) -> Project:
    """Seven records filed 永久 (a–g), then one failure of each kind made to them."""
    root = tmp_path_factory.mktemp("four") / "proj"
    project = Project(root, with_site_files=False)

    def record(name: str, body: str = "正文。\n", **fields) -> None:
        project.record(f"AAA/2025/{name}.md", body=body, **minimal(pages=2, **fields))

    record("a", title="一月集中学习", date="2025-01-10")
    project.write(A + "a.files/scan.pdf", pdf_bytes())
    project.write(A + "a.files/photo.png", png())
    record("b", "见[通知](https://example.org/tz)。\n", title="二月集中学习", date="2025-02-10")
    record("c", title="三月集中学习", date="2025-03-10")
    project.write(A + "c.files/broken.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")  # kept, but opens not
    project.write(A + "c.files/cut.png", png()[:-20])  # its signature is right; the file is cut short
    for name, month in zip("defg", (4, 5, 6, 7), strict=True):
        record(name, title=f"{month}月集中学习", date=f"2025-0{month}-10")
    result = filing.file_records(root, [str(root / f"{A}{x}.md") for x in "abcdefg"], "永久", TODAY, **FILERS)
    assert not result.problems, result.problems
    # 页数 taken out again, with an amendment (as an archive filed before it was required reads)
    d = root / f"{A}d.md"
    d.write_text(d.read_text("utf-8").replace("pages: 2\n", ""), encoding="utf-8")
    assert not filing.amend_record(root, str(d), "页数误填，待补录", TODAY).problems
    e = root / f"{A}e.md"  # changed: a required field gone, a 密级 marking added
    e.write_text(e.read_text("utf-8").replace("form: 集中学习\n", "") + "秘密★1年\n", encoding="utf-8")
    (root / f"{A}f.md").unlink()
    (root / f"{A}g.md").write_bytes(b"---\n" + b"x" * (2 * 2**20 + 10))  # no longer readable
    project.record("AAA/2025/h.md", **minimal(pages=2, title="八月集中学习", date="2025-08-10", status="filed",
                                              retention="永久", archive_no=f"{CLASS}-0009"))  # 0008 never given
    project.write(A + "a.files/tool.pdf", PE)
    project.write(A + "a.files/old.wpd", b"WPD")
    with open(root / "filing-log.jsonl", "a", encoding="utf-8") as log:
        log.write("garbage\n")
    return project


def log_digest(project: Project, path: str) -> str:
    for line in (project.root / "filing-log.jsonl").read_text("utf-8").splitlines():
        if line.startswith("{") and json.loads(line).get("path") == path:
            return json.loads(line)["digest"]
    raise AssertionError(path)


def expected(project: Project) -> dict[str, tuple[int, int, list[str]]]:
    """Each check: (checked, passed, the failures as `archive check` prints them). Written by hand."""
    e_filed, e_now = log_digest(project, A + "e.md"), hashlib.sha256((project.root / A / "e.md").read_bytes())
    added = ("attachment: added after filing: docs/archive/AAA/2025/a.md was filed as Z001-WS·2025-Y-AAA-0001 "
             "without it (filing-log.jsonl line 1): use archive amend docs/archive/AAA/2025/a.md, or remove the file")
    return {
        # 11 filed files: a–g and four attachments; a.md's folder and e.md changed, h.md was never filed
        "digests": (11, 9, [
            f"{A}a.files/old.wpd: {added}",
            f"{A}a.files/tool.pdf: {added}",
            f"{A}e.md:6: status: changed after filing: use archive amend (filed {short(e_filed)}, file now "
            f"{short(e_now.hexdigest())})",
            f"{A}h.md:6: status: status is filed but the record is not in manifest-sha256.txt (half-filed, or filed "
            f"by hand): re-run archive file {A}h.md --retention 永久 to finish filing it",
        ]),
        "log_chain": (9, 8, ["filing-log.jsonl:9: not a JSON object on one line (the line was edited or damaged)"]),
        "numbering": (1, 0, [
            f"{A}h.md:10: archive_no: gap: 件号 0008 of {CLASS} was never given (件号 run without gaps: "
            "0001, 0002, 0003, 0004, 0005, 0006, 0007, 0009)"]),
        "metadata": (7, 6, [f"{A}e.md:1: form: required field is missing (expected 集中学习 | 个人自学 | 专题研讨 | "
                            "专题讲座 | 主题党日 | 网络学习)"]),
        "files_present": (11, 10, [
            f"{A}f.md: missing: filed as {CLASS}-0006 (filing-log.jsonl line 6) but the file is gone: restore it "
            "from git, or withdraw it with approval (archive withdraw)"]),
        "pages": (7, 6, [f"{A}d.md:6: pages: 页数 missing: filed without its page count (expected a whole number "
                         f"from 1 to 100,000: add pages: N and run archive amend {A}d.md --reason 补录页数)"]),
        "markdown": (7, 6, [f"{A}g.md:1: file is too large (expected at most 2,097,152 bytes, 2 MB; got 2,097,166)"]),
        "pdf": (2, 1, [f"{A}c.files/broken.pdf: attachment: does not open as a PDF: pypdf cannot read its page "
                       "tree (expected a PDF that opens, not damaged or password-protected)"]),
        "images": (2, 1, [f"{A}c.files/cut.png: attachment: does not decode: PNG chunk 'IDAT' runs past the end of "
                          "the file (truncated?) (expected an image that opens)"]),
        "formats": (6, 5, [f"{A}a.files/old.wpd: attachment: not a kind of file the archive keeps (expected one of: "
                           f"{ALLOWED}; got .wpd)"]),
        "secrecy": (11, 10, [f"{A}e.md:12: secrecy: the text is marked 秘密★1年: secret material must never be "
                             "stored in or published from this archive (remove the file)"]),
        "active_content": (6, 5, [f"{A}a.files/tool.pdf: attachment: holds a Windows program (MZ/PE header): "
                                  "programs and scripts are never kept"]),
        "links": (7, 6, [f"{A}b.md:12: body: link leaves the site: https://example.org/tz (expected a link within "
                         "the archive)"]),
    }


def as_line(finding: dict) -> str:
    where = f"{finding['path']}:{finding['line']}" if finding["line"] else finding["path"]
    return f"{where}: {finding['field'] + ': ' if finding['field'] else ''}{finding['message']}"


@pytest.fixture(scope="module")
def report(damaged) -> tuple[object, dict, str]:
    result = damaged.archive("verify", "--report", "report")
    data = json.loads((damaged.root / "report/four-properties.json").read_text("utf-8"))
    return result, data, (damaged.root / "report/four-properties.html").read_text("utf-8")


def test_the_report_names_one_failure_of_each_kind(damaged, report):
    result, data, _ = report
    assert result.returncode == 1, result.stdout + result.stderr
    assert [p["zh"] for p in data["properties"]] == ["真实性", "完整性", "可用性", "安全性"]
    got = {c["code"]: (c["checked"], c["passed"], [as_line(f) for f in c["failed"]])
           for p in data["properties"] for c in p["checks"]}
    assert got == expected(damaged)
    assert (data["fonds"], data["scope"], data["date"], data["result"]) == (
        "Z001 测试全宗", "全部 all", BUILD_DATE, "不通过 failed")
    assert "result: failed — 16 findings" in result.stdout


def test_the_html_names_the_same(damaged, report):
    import html as html_lib

    _, data, page = report
    text = html_lib.unescape(page)
    for prop in data["properties"]:
        assert f"{prop['zh']} {prop['en']}" in text
        for check in prop["checks"]:
            assert check["zh"] in text
            for finding in check["failed"]:
                assert finding["path"] in text and finding["message"] in text
    assert "不通过 failed" in text
    assert "<script" not in page


def test_one_class_and_an_unknown_class(damaged, tmp_path):
    out = tmp_path / "one"
    result = damaged.archive("verify", "--report", str(out), "--class", CLASS)
    assert result.returncode == 1
    assert json.loads((out / "four-properties.json").read_text("utf-8"))["scope"] == CLASS
    wrong = damaged.archive("verify", "--report", str(out), "--class", "Z001-WS·2024-Y-AAA")
    assert wrong.returncode == 2
    assert f"--class Z001-WS·2024-Y-AAA: no such class (expected one of: {CLASS})" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_the_sample_archive_passes(tmp_path):
    from conftest import copy_sample

    root = copy_sample(tmp_path / "sample")
    result = Project.existing(root).archive("verify", "--report", "out")
    assert result.returncode == 0, result.stdout
    data = json.loads((root / "out/four-properties.json").read_text("utf-8"))
    assert data["result"] == "通过 passed"
    assert all(c["checked"] == c["passed"] for p in data["properties"] for c in p["checks"])
    shutil.rmtree(root / "out")


@pytest.mark.parametrize("name, data, why", [
    ("png", png(), None),
    ("png", png()[:-20], "PNG chunk 'IDAT' runs past the end of the file (truncated?)"),
    ("png", png().replace(b"IEND", b"IEN!"), "PNG chunk 'IEN!' fails its CRC (damaged)"),
    ("jpeg", b"\xff\xd8\xff\xc0\x00\x04\x00\x00\xff\xda\x00\x02" + bytes(8) + b"\xff\xd9", None),
    ("jpeg", b"\xff\xd8\xff\xc0\x00\x04\x00\x00\xff\xda\x00\x02" + bytes(8),
     "JPEG without its end-of-image marker (truncated?)"),
    ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(200), "JPEG marker expected at byte 20 (damaged)"),
    ("gif", b"GIF89a\x01\x00\x01\x00" + bytes(20) + b";", None),
    ("gif", b"GIF89a\x01\x00\x01\x00" + bytes(20), "GIF without its trailer byte (truncated?)"),
    ("bmp", b"BM" + struct.pack("<I4xII", 30, 26, 12) + bytes(16), None),
    ("bmp", b"BM" + struct.pack("<I4xII", 9000, 26, 40) + bytes(16),
     "BMP says it has 9000 bytes, image data at byte 26, but the file has 34 (truncated?)"),
    ("tiff", b"II*\0" + struct.pack("<IH", 8, 1) + bytes(12), None),
    ("tiff", b"II*\0" + struct.pack("<I", 900), "TIFF whose first image directory lies outside the file (truncated?)"),
    ("webp", b"RIFF" + struct.pack("<I", 12) + b"WEBPVP8 " + bytes(4), None),
    ("webp", b"RIFF" + struct.pack("<I", 900) + b"WEBPVP8 ", "WebP shorter than its RIFF header says (truncated?)"),
])
def test_images_decode_or_say_why(tmp_path, name, data, why):
    path = tmp_path / f"x.{name}"
    path.write_bytes(data)
    found = image_problem(str(path), name)
    assert (found if found is None else found.render("en")) == why
