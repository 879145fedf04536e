"""The staff command line: ``archive <subcommand>``. Exit codes: 0 ok, 1 problems, 2 usage."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .archive import load_archive
from .registry import REGISTRY_FILE

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Wrong arguments or a missing project: exit code 2."""


def find_root(start: Path) -> Path:
    """The project folder: the nearest folder upwards holding archive.yml."""
    for folder in [start, *start.parents]:
        if (folder / REGISTRY_FILE).exists():
            return folder
    raise UsageError(f"找不到 {REGISTRY_FILE}: run archive inside the project (or pass --root)")


def cmd_check(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    archive = load_archive(root)
    problems = archive.problems.sorted()
    if args.paths:
        wanted = {Path(p).resolve().relative_to(root).as_posix() for p in args.paths}
        missing = [p for p in args.paths if not Path(p).exists()]
        if missing:
            raise UsageError(f"no such file: {', '.join(missing)}")
        folders = tuple(w.rstrip("/") + "/" for w in wanted)
        problems = [p for p in problems if p.path in wanted or p.path == REGISTRY_FILE or p.path.startswith(folders)]
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if args.format == "json":
        json.dump(
            {
                "records": len(archive.records),
                "errors": [p.as_dict() for p in errors],
                "warnings": [p.as_dict() for p in warnings],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
    else:
        for problem in problems:
            print(problem)
        print(
            f"检查了 {len(archive.records)} 件记录 / checked {len(archive.records)} records: "
            f"{len(errors)} 个错误 errors, {len(warnings)} 个警告 warnings"
        )
    if errors or (args.strict and warnings):
        return EXIT_PROBLEMS
    return EXIT_OK


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
        description="Validate every record's front-matter (the same rules as the build).",
    )
    check.add_argument("paths", nargs="*", help="only report these files or folders")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--strict", action="store_true", help="warnings count as problems (exit 1)")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"archive: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
