"""The staff command line: ``archive <subcommand>``. Exit codes: 0 ok, 1 problems, 2 usage."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from . import cli_editor, filing, four_properties, scaffold, site_build, transfer, verify
from .archive import add_check_warnings, load_archive
from .cli_output import (
    print_appraisal,
    print_four_properties,
    print_result,
    print_transfer,
    print_verify,
    registry_or_report,
)
from .compliance import evaluate
from .compliance_report import gap_line
from .console import QUIET_ENV
from .deadlines import deadline_lines, deadlines_json, evaluate_deadlines
from .messages import LANGUAGES, say, set_language
from .problems import UsageError
from .progress import Progress
from .registry import REGISTRY_FILE, find_root
from .schema import RETENTION_CODES
from .settings import AUDIENCES, PREVIEW_ENV

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def cmd_check(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    archive = load_archive(root, bodies=False, progress=Progress("out.progress-check"))
    add_check_warnings(archive)
    problems = archive.problems.sorted()
    if args.paths:
        missing = [p for p in args.paths if not Path(p).exists()]
        if missing:
            raise UsageError("E-no-such-file", files=missing)
        wanted = {filing.project_path(root, p) for p in args.paths}
        folders = tuple(w.rstrip("/") + "/" for w in wanted)
        problems = [p for p in problems if p.path in wanted or p.path == REGISTRY_FILE or p.path.startswith(folders)]
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    cadence = args.cadence or args.fail_on_gaps
    gaps = evaluate(archive, archive.today).gaps if cadence else []
    show_deadlines = args.deadlines or args.fail_on_late
    deadlines = evaluate_deadlines(archive.records, archive.registry, archive.deadline, archive.today)
    if args.format == "json":
        json.dump(
            {
                "records": archive.files_checked,
                "errors": [p.as_dict() for p in errors],
                "warnings": [p.as_dict() for p in warnings],
                **({"gaps": [g.as_dict() for g in gaps]} if cadence else {}),
                **({"deadlines": deadlines_json(deadlines)} if show_deadlines else {}),
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
    else:
        for problem in problems:
            print(problem.shown())
        print(say("out.checked", records=archive.files_checked, errors=len(errors), warnings=len(warnings)))
        if cadence:
            for gap in gaps:
                print(gap_line(gap, archive.registry.units))
            print(say("out.cadence-gaps", day=archive.today, count=len(gaps)))
        if show_deadlines:
            for line in deadline_lines(deadlines):
                print(line)
            print(say("out.deadlines", day=archive.today, due=len(deadlines.due), late=len(deadlines.late)))
    if errors or (args.strict and warnings) or (args.fail_on_gaps and gaps) or (args.fail_on_late and deadlines.late):
        return EXIT_PROBLEMS
    return EXIT_OK


# --- new (scaffold.py); file, amend, withdraw (filing.py); verify (verify.py) ---------------
def cmd_dispose(args: argparse.Namespace) -> int:
    from . import disposal

    root = find_root(Path(args.root).resolve())
    result = disposal.dispose(root, args.list, by=args.by, checked_by=args.checked_by)
    print_result(result)
    return EXIT_PROBLEMS if result.problems.errors else EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    day = _day("--date", args.date) if args.date else None
    path = scaffold.new_record(root, args.type, args.unit, args.title, day, args.plan, args.stage)
    print(path.relative_to(root).as_posix())
    return EXIT_OK


def cmd_file(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    result = filing.file_records(root, args.paths, args.retention, pages=args.pages, by=args.by,
                                 checked_by=args.checked_by, checked_on=args.checked_on, note=args.note)
    print_result(result)
    done = sum(1 for o in result.outcomes if o.action not in ("already", "cleaned"))
    errors = len(result.problems.errors)
    print(say("out.filed-count", count=done, errors=errors))
    return EXIT_PROBLEMS if errors else EXIT_OK


def cmd_amend(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    result = filing.amend_record(root, args.path, args.reason)
    print_result(result)
    return EXIT_PROBLEMS if result.problems.errors else EXIT_OK


def cmd_extend(args: argparse.Namespace) -> int:
    from .extension import extend_record

    result = extend_record(find_root(Path(args.root).resolve()), args.path, args.retention, args.reason, args.approval)
    print_result(result)
    return EXIT_PROBLEMS if result.problems.errors else EXIT_OK


def cmd_withdraw(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    result = filing.withdraw_record(root, args.path, args.reason, args.approval, args.approver)
    print_result(result)
    return EXIT_PROBLEMS if result.problems.errors else EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    if args.report or args.archive_class:
        return _four_properties(root, args)
    report = verify.verify(root, progress=Progress("out.progress-verify"))
    if args.json or args.format == "json":
        json.dump(
            {
                "ok": report.ok,
                "fonds": report.fonds,
                "records": report.records,
                "filed": report.filed,
                "withdrawn": report.withdrawn,
                "manifest_lines": report.manifest_lines,
                "log_entries": report.log_entries,
                "log_intact": report.log_intact,
                "log_head": report.log_head,
                "git": str(report.git),
                "classes": report.classes,
                "findings": [p.as_dict() for p in report.findings],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
        return EXIT_OK if report.ok else EXIT_PROBLEMS
    print_verify(report)
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _day(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError("E-option-date-bad", option=option, got=text) from None


def cmd_appraise(args: argparse.Namespace) -> int:
    from . import appraisal, storage
    from .fixity import record_history

    root = find_root(Path(args.root).resolve())
    as_of = _day("--as-of", args.as_of)
    archive = load_archive(root, bodies=False)
    classes = appraisal.due_records(archive, record_history(root), as_of)
    print_appraisal(classes, as_of)
    if args.xlsx:
        out = Path(args.xlsx)
        storage.atomic_write(out, appraisal.appraisal_xlsx(classes, as_of))
        print(say("out.appraisal-written", file=out))
    return EXIT_OK


def _four_properties(root: Path, args: argparse.Namespace) -> int:
    """``verify --report DIR``: the 四性检测 report written as JSON and HTML, its counts printed."""
    if not args.report:
        raise UsageError("E-option-class-needs-report")
    report = four_properties.build_report(root, args.archive_class)
    written = four_properties.write_report(report, Path(args.report))
    print_four_properties(report, written)
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def cmd_transfer(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    result = transfer.transfer(root, args.fonds, args.year, Path(args.out), args.by, args.retention)
    print_transfer(result)
    return EXIT_PROBLEMS if result.problems else EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from . import importer

    root = find_root(Path(args.root).resolve())
    registry = registry_or_report(root)
    if registry is None:
        return EXIT_PROBLEMS
    unit, type_code, pattern, paths = importer.check_arguments(registry, args.unit, args.type, args.split, args.files)
    progress = Progress("out.progress-import", plain_from=importer.PROGRESS_MIN_FILES + 1)
    result = importer.import_files(root, registry, paths, unit, type_code, pattern, args.dry_run, progress)
    print(importer.format_report(result))
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def cmd_build(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    site_dir = Path(args.site_dir).resolve() if args.site_dir else None
    summary = site_build.build_site(root, args.audience, site_dir, args.site_dir)
    for line in summary.steps:
        print(line)
    for problem in summary.problems:
        print(problem.shown())
    for line in summary.build_output:
        print(line)
    return EXIT_OK if summary.built else EXIT_PROBLEMS


def cmd_preview(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    command = [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", args.dev_addr]
    os.chdir(root)
    # Become MkDocs (no child left behind): Ctrl+C and kill reach the server itself.
    os.execve(sys.executable, command, {**os.environ, **QUIET_ENV, PREVIEW_ENV: "1"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archive",
        description="档案管理命令行 / the filing archive's command line",
    )
    parser.add_argument("--root", default=".", help="项目目录 (default: the folder with archive.yml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    check = sub.add_parser(
        "check",
        help="检查记录 / validate records without building",
        description=say("out.help-check"),
    )
    check.add_argument("paths", nargs="*", help="only report these files or folders")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--strict", action="store_true", help="warnings count as problems (exit 1)")
    check.add_argument("--cadence", action="store_true", help="also list cadence gaps (unit | rule | period | n/min)")
    check.add_argument("--fail-on-gaps", action="store_true", help="cadence gaps count as problems (exit 1)")
    check.add_argument("--deadlines", action="store_true",
                       help="also list published records due for filing and those late (应归未归), per unit")
    check.add_argument("--fail-on-late", action="store_true", help="late records count as problems (exit 1)")
    check.set_defaults(func=cmd_check)

    new = sub.add_parser(
        "new",
        help="新建草稿 / create a draft record with every field its type needs",
        description=say("out.help-new"),
    )
    new.add_argument("type", metavar="TYPE", help="文种: plan study briefing summary report analysis opinion "
                     "minutes duty notice (or the Chinese label, e.g. 学习记录)")
    new.add_argument("--unit", required=True, help="机构代码 from archive.yml (or the unit's Chinese name)")
    new.add_argument("--title", help="题名 (default: unit name + type)")
    new.add_argument("--date", help="成文日期 YYYY-MM-DD (default: today)")
    new.add_argument("--plan", help="所属方案: the id of a plan of the same unit (with --stage)")
    new.add_argument("--stage", help="阶段: one of the plan's stages (with --plan)")
    new.set_defaults(func=cmd_new)

    file_ = sub.add_parser(
        "file",
        help="归档 / file records: assign 档号, record digests in the manifest and the log",
        description=say("out.help-file"),
    )
    file_.add_argument("paths", nargs="+", metavar="PATH", help="record files to file")
    file_.add_argument("--retention", choices=list(RETENTION_CODES),
                       help="保管期限: 永久 | 30年 | 10年 (default: the record's entry of retention_schedule in "
                       "archive.yml; a record no entry covers is refused)")
    file_.add_argument("--pages", metavar="N",
                       help="页数 of the one record named (written into its front-matter); default: pages: in the "
                       "front-matter, else the page count of its one PDF original in <stem>.files/")
    file_.add_argument("--by", metavar="NAME",
                       help="整理人 (default: filing: {by: …} in archive.yml, else git config user.name)")
    file_.add_argument("--checked-by", metavar="NAME",
                       help="检查人, not the 整理人 (default: filing: {checked_by: …} in archive.yml)")
    file_.add_argument("--checked-on", metavar="YYYY-MM-DD", help="检查日期 (default: the filing date)")
    file_.add_argument("--note", metavar="TEXT", help="本件情况说明 for the 备考表 (one line)")
    file_.set_defaults(func=cmd_file)

    amend = sub.add_parser(
        "amend",
        help="登记修改 / record a change to a filed record (new digest, old digest, reason)",
        description=say("out.help-amend"),
    )
    amend.add_argument("path", metavar="PATH", help="the filed record")
    amend.add_argument("--reason", required=True, help="修改原因: why it changed (shown in the 备考表)")
    amend.set_defaults(func=cmd_amend)

    withdraw = sub.add_parser(
        "withdraw",
        help="撤出 / take a record filed in error out of publication (with approval; the file is kept)",
        description=say("out.help-withdraw"),
    )
    withdraw.add_argument("path", metavar="PATH", help="the filed record")
    withdraw.add_argument("--reason", required=True, help="撤出原因, e.g. 误归档：重复归档")
    withdraw.add_argument("--approval", required=True, help="审批: the approval reference, e.g. 撤出审批〔2026〕2号")
    withdraw.add_argument("--approver", required=True, help="批准人: who approved the withdrawal")
    withdraw.set_defaults(func=cmd_withdraw)

    appraise = sub.add_parser(
        "appraise",
        help="鉴定 / list the filed 定期 records whose term has run out, per class (and a 鉴定表 XLSX)",
        description=say("out.help-appraise"),
    )
    appraise.add_argument("--as-of", required=True, metavar="YYYY-MM-DD", help="the day of the appraisal")
    appraise.add_argument("--xlsx", metavar="FILE", help="write the 鉴定表 here (.xlsx)")
    appraise.set_defaults(func=cmd_appraise)

    extend = sub.add_parser(
        "extend", help="延长 / keep a filed record longer (an appraisal's decision; the 档号 stays)",
        description=say("out.help-extend"),
    )
    extend.add_argument("path", metavar="PATH", help="the filed record")
    extend.add_argument("--retention", required=True, help="延长至: 30年 | 永久")
    extend.add_argument("--reason", required=True, help="延长原因, e.g. 仍有查考价值")
    extend.add_argument("--approval", required=True, help="审批: the approval reference, e.g. 鉴定审批〔2026〕3号")
    extend.set_defaults(func=cmd_extend)

    dispose = sub.add_parser(
        "dispose",
        help="销毁 / destroy the records a 销毁清册 lists, and file the 清册 永久",
        description=say("out.help-dispose"),
    )
    dispose.add_argument("list", metavar="清册.yml", help="the 销毁清册 (YAML)")
    dispose.add_argument("--by", help="整理人 of the 清册's filing (default: as archive file)")
    dispose.add_argument("--checked-by", help="检查人 of the 清册's filing (default: the first 监销人)")
    dispose.set_defaults(func=cmd_dispose)

    verify_ = sub.add_parser(
        "verify",
        help="核验 / recompute digests and check manifest, log chain, 档号 and 件号",
        description=say("out.help-verify"),
    )
    verify_.add_argument("--json", action="store_true", help="the report as JSON")
    verify_.add_argument("--format", choices=["text", "json"], default="text")
    verify_.add_argument("--report", metavar="DIR",
                         help="write the 四性检测 report (four-properties.json and .html) into DIR")
    verify_.add_argument("--class", dest="archive_class", metavar="CLASS",
                         help="with --report: only the records of one class, e.g. Z001-WS·2025-Y-QSZ")
    verify_.set_defaults(func=cmd_verify)

    transfer_ = sub.add_parser(
        "transfer", help="移交 / a year's filed records of one 全宗 as a BagIt bag for the archives",
        description=say("out.help-transfer"))
    transfer_.add_argument("--fonds", required=True, metavar="F", help="全宗号, e.g. Z001")
    transfer_.add_argument("--year", required=True, type=int, metavar="Y", help="年度 of the records")
    transfer_.add_argument("--retention", choices=list(RETENTION_CODES), help="only records of this 保管期限")
    transfer_.add_argument("--out", required=True, metavar="DIR", help="a new folder for the bag, outside docs/")
    transfer_.add_argument("--by", required=True, metavar="NAME", help="who prepared the transfer (移交清单)")
    transfer_.set_defaults(func=cmd_transfer)

    import_ = sub.add_parser(
        "import",
        help="导入 / bring Word (.docx), PDF, text (.txt) and Markdown (.md) files in as draft records",
        description=say("out.help-import"),
    )
    import_.add_argument("files", nargs="+", metavar="FILE", help=".docx, .pdf, .txt or .md files")
    import_.add_argument("--unit", required=True, help="机构代码 from archive.yml (or the unit's Chinese name)")
    import_.add_argument("--type", help="文种 for every record (default: from each title, e.g. …方案 → plan)")
    import_.add_argument(
        "--split", metavar="REGEX",
        help="cut a compilation into one record per line matching REGEX in full, e.g. '意识形态工作方案\\(篇\\d+\\)'; "
        "the line after it is the title when it reads as one, else the heading without its 篇N (marked as a guess); "
        "text before the first one is dropped",
    )
    import_.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    import_.set_defaults(func=cmd_import)

    build = sub.add_parser(
        "build",
        help="构建 / check, verify and build the site for an audience (strict)",
        description=say("out.help-build"),
    )
    build.add_argument("--audience", choices=list(AUDIENCES), default="intranet",
                       help="intranet: every published record (default); public: no 内部 record")
    build.add_argument("--site-dir", metavar="DIR", help="where to write the site (default: site/ in the project)")
    build.set_defaults(func=cmd_build)

    preview = sub.add_parser(
        "preview",
        help="预览 / serve the archive locally and rebuild only what changed on each save",
        description=say("out.help-preview"),
    )
    preview.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT",
                         help="address to serve on (default 127.0.0.1:8000)")
    preview.set_defaults(func=cmd_preview)
    cli_editor.add_parsers(sub)  # archive schema
    for command in [parser, *sub.choices.values()]:  # before or after the command: archive check --lang en
        command.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                             help="消息语言 / language of messages (default zh, or $ARCHIVE_LANG)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "lang", None):
        set_language(args.lang)
    try:
        return args.func(args)
    except UsageError as exc:
        print(say("out.usage-error", error=exc), file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
