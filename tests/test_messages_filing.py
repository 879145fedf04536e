"""Filing and import messages in Chinese, the default language: what `archive file`, `withdraw`,
`verify` and `import` print to a clerk, line for line, each ending with its handbook entry."""

from __future__ import annotations

import hashlib
import json

import test_filing
from test_filing import AUTHOR, WITHDRAW, file_, log_lines, paged, short, write_log_lines

from filing_archive.attachments import file_problem
from filing_archive.importer import FileReport, ImportResult, format_report
from filing_archive.messages import message

filed_template, filed = test_filing.filed_template, test_filing.filed  # the small filed archive (fixtures)
ZH = {"ARCHIVE_LANG": ""}
E = "docs/archive/AAA/2025/e.md"


def test_verify_names_a_broken_chain_in_chinese(filed):
    lines = log_lines(filed)
    lines[1] = lines[1].replace('"retention": "永久"', '"retention": "10年"')
    write_log_lines(filed, lines)
    result = filed.archive("verify", env=ZH)
    assert result.returncode == 1
    expected = short(hashlib.sha256(lines[1].rstrip().encode()).hexdigest())
    assert [line for line in result.stdout.splitlines() if line.startswith("filing-log.jsonl")] == [
        f"filing-log.jsonl:3: 前一行摘要 (prev)：哈希链断开：prev 与第 2 行的 SHA-256 不符（第 2 行被改动，或有行被删除、移动）；"
        f"应为 {expected}，实际为 {short(json.loads(lines[2])['prev'])}（详见使用手册 handbook/errors/#e-log-chain-broken）",
    ]


def test_file_refuses_a_draft_in_chinese(filed):
    filed.record("AAA/2025/e.md", **paged(status="draft", date="2025-07-01"))
    result = file_(filed, E, env=ZH)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"{E}:6: 状态 (status)：草稿不能归档：定稿后把 status 设为 published，再归档"
        "（详见使用手册 handbook/errors/#e-draft-not-filed）"
    )


def test_amend_and_withdraw_refusals_in_chinese(filed):
    filed.record("AAA/2025/e.md", **paged(date="2025-07-01"))
    amend = filed.archive("amend", E, "--reason", "补录", env=ZH)
    assert amend.stdout == (f"{E}: 未归档（filing-log.jsonl 中没有条目）：只有已归档的记录才能修改（请用 archive file）"
                            "（详见使用手册 handbook/errors/#e-amend-not-filed）\n")
    given = dict(zip(WITHDRAW[::2], WITHDRAW[1::2], strict=True)) | {"--approver": "待定"}
    withdraw = filed.archive("withdraw", "docs/archive/AAA/2025/a.md", *[x for kv in given.items() for x in kv],
                             env={**ZH, **AUTHOR})
    assert (withdraw.returncode, withdraw.stderr.splitlines()[-1]) == (
        2, "archive: --approver：占位文字 '待定'（应填 批准人的姓名）（详见使用手册 handbook/errors/#e-option-placeholder）")


def test_import_report_in_chinese(project):
    project.write("a.txt", "学习心得\n2024年6月1日\n今天学习了文件。\n")
    project.write("bad.txt", b"\xff\xfe\x00\xd8 broken")
    result = project.archive("import", "a.txt", "bad.txt", "--unit", "AAA", "--dry-run", env=ZH)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "a.txt: 编码 UTF-8",
        "  将写入 docs/archive/AAA/2024/2024-06-01-aaa-import.md ← 学习心得（推断 title、date；日期取自 第 2 行：2024年6月1日"
        "；待填写 type）",
        "bad.txt: 未读取",
        "  错误：无法识别编码：不是 UTF-8、GBK 或 GB18030 编码的文本（请另存为 UTF-8）（详见使用手册 handbook/errors/#e-import-encoding）",
    ]
    assert lines[-2:] == ["合计：2 个文件，1 件记录将写入，0 件已导入，1 处待填写，1 个文件出错", "试运行，未写入任何文件"]


def test_an_attachment_refusal_reads_in_both_languages(tmp_path):
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ")
    refused = file_problem(str(program), program.name)
    assert refused is not None and refused.code == "E-attachment-program-file"
    assert refused.render("zh").startswith("程序或脚本（.exe）一律不保存（应为 PDF, OFD")
    assert refused.render("en").startswith("a program or script (.exe) is never kept (expected one of: PDF, OFD")


def test_the_import_report_has_no_word_of_the_other_language(tmp_path, monkeypatch):
    result = ImportResult(tmp_path, [FileReport("x.pdf", problem=message("E-import-pdf-encrypted"))], dry_run=False)
    en = format_report(result)
    monkeypatch.setenv("ARCHIVE_LANG", "zh")
    zh = format_report(result)
    assert "PDF 已加密" in zh and "is encrypted" not in zh and "total" not in zh
    assert "the PDF is encrypted" in en and "已加密" not in en and "合计" not in en
