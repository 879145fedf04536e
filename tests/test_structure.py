"""The package's shape: no import cycle, the core never imports MkDocs, no module grows past a
size a newcomer can read."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "filing_archive"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))
ADAPTERS = {"mkdocs_adapter"}  # the one module that may know MkDocs
MAX_LINES = 550


def package_imports(module: str) -> set[str]:
    """The package's modules that ``module`` imports, at the top or inside a function."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("filing_archive."):
            found.add(node.module.split(".")[1])
    return found & set(MODULES)


def test_the_import_graph_has_no_cycle():
    graph = {m: package_imports(m) for m in MODULES}
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(graph[module]):
            if target in path:
                cycles.append(path[path.index(target):] + [target])
            elif target not in done:
                visit(target, path + [target])
        done.add(module)

    done: set[str] = set()
    for module in MODULES:
        if module not in done:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("module", [m for m in MODULES if m not in ADAPTERS])
def test_every_core_module_imports_alone_without_mkdocs(module):
    code = (f"import sys, filing_archive.{module}; "
            "bad = sorted(m for m in sys.modules if m == 'mkdocs' or m.startswith(('mkdocs.', 'material')));"
            "print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_no_module_is_longer_than_a_newcomer_reads_at_once():
    lengths = {m: len((PACKAGE / f"{m}.py").read_text(encoding="utf-8").splitlines()) for m in MODULES}
    assert {m: n for m, n in lengths.items() if n > MAX_LINES} == {}


def test_catalogue_and_pages_start_no_process_and_take_no_lock():
    """They need two dataclasses of the filing log, not the filing commands: importing them must not
    pull in ``fcntl`` (the lock) or ``subprocess`` (git)."""
    code = ("import sys, filing_archive.catalogue, filing_archive.pages; "
            "print(','.join(sorted(m for m in ('fcntl', 'subprocess') if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_interface_text_loads_no_reader_and_no_check():
    """Every page wants ``labels``; it needs vocabularies only, not the readers, the registry or
    the validation (it once loaded them through the cadence rules). (``messages``: the schema
    words its limits as catalogue messages; the catalogue loads no reader and no check.)"""
    code = ("import sys, filing_archive.labels; "
            "print(','.join(sorted(m for m in sys.modules if m.startswith('filing_archive.'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["filing_archive.compliance,filing_archive.labels,filing_archive.messages,"
                                     "filing_archive.periods,filing_archive.schema"]
