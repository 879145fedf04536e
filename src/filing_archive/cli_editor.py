"""``archive schema``: the files editors read (JSON Schemas, the Front Matter CMS forms), written
from the front-matter contract, or checked current with ``--check``."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import json_schema, storage
from .cli_output import registry_or_report
from .messages import message, say
from .problems import Problem
from .registry import find_root

EXIT_OK, EXIT_PROBLEMS = 0, 1


def cmd_schema(args: argparse.Namespace) -> int:
    root = find_root(Path(args.root).resolve())
    registry = registry_or_report(root)
    if registry is None:
        return EXIT_PROBLEMS
    files = json_schema.generated_files(registry)
    stale = json_schema.stale_files(root, files)
    if args.check:
        for rel in stale:
            print(Problem(rel, 0, "", message("E-schema-stale", registry=registry.path)).shown())
        if stale:
            return EXIT_PROBLEMS
        print(say("out.schema-current", count=len(files), paths=list(files)))
        return EXIT_OK
    for rel in stale:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        storage.atomic_write(path, files[rel].encode("utf-8"))
    for rel in files:
        print(say("out.schema-written" if rel in stale else "out.schema-unchanged", path=rel))
    return EXIT_OK


def add_parsers(sub: argparse._SubParsersAction) -> None:
    schema = sub.add_parser(
        "schema",
        help="编辑器表单 / write the JSON Schemas and the Front Matter CMS forms from the front-matter contract",
        description=f"Write {json_schema.RECORD_SCHEMA_FILE} (a record's front-matter), "
        f"{json_schema.REGISTRY_SCHEMA_FILE} (archive.yml) and {json_schema.FRONT_MATTER_CMS_FILE} (the forms of "
        "Front Matter CMS in VS Code) from schema.py and the units of archive.yml. Only changed files are "
        "written. --check writes nothing and exits 1 naming each file that is missing or stale.",
    )
    schema.add_argument("--check", action="store_true", help="only check the files are current (exit 1 if not)")
    schema.set_defaults(func=cmd_schema)
