"""Building the site from the command line: `archive build` runs check, verify and the strict
build in one, for an audience, and replaces the site folder only with a finished build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import storage, verify
from .archive import add_check_warnings, load_archive
from .console import QUIET_ENV
from .messages import message, say
from .problems import Problem, UsageError
from .progress import PROGRESS_ENV, Progress, relay
from .settings import AUDIENCE_ENV


@dataclass
class BuildSummary:
    steps: list[str] = field(default_factory=list)  # one line per step: check, verify, build
    problems: list[Problem] = field(default_factory=list)  # what check and verify found
    build_output: list[str] = field(default_factory=list)  # MkDocs' own warnings of a failed build
    built: bool = False


def build_site(root: Path, audience: str, site_dir: Path | None = None, given: str | None = None) -> BuildSummary:
    """check, verify and the strict build in one. The build runs only when check and verify pass
    (the strict build then refuses a warning of its own), and the site folder is replaced only by a
    finished build: nothing half-checked or half-built is published. ``given``: --site-dir as typed."""
    site_dir = site_dir or root / "site"
    archive = load_archive(root, bodies=False, progress=Progress("out.progress-check"))
    docs = root / archive.registry.docs_dir
    if site_dir in (root, *root.parents) or site_dir.is_relative_to(docs):
        # it is replaced as a whole: never by a folder that holds the project or is published from docs/
        raise UsageError("E-build-site-dir-bad", given=given, docs=archive.registry.docs_dir)
    add_check_warnings(archive)
    summary = BuildSummary(problems=archive.problems.sorted())
    errors = sum(p.is_error for p in summary.problems)
    checked = not errors  # as archive check: warnings are printed; the strict build decides on them
    summary.steps.append(say("out.build-check", passed=message("part.build-passed" if checked else "part.build-failed"),
                             records=archive.files_checked, errors=errors, warnings=len(summary.problems) - errors))
    report = verify.verify(root, progress=Progress("out.progress-verify"))
    summary.problems += report.findings
    chain = message("part.build-chain-intact" if report.log_intact else "part.build-chain-broken")
    verified = message("part.build-passed" if report.ok else "part.build-failed")
    summary.steps.append(say("out.build-verify", passed=verified, filed=report.filed, chain=chain,
                             findings=len(report.findings)))
    words = message(f"part.build-{audience}")
    if not (checked and report.ok):
        summary.steps.append(say("out.build-skipped", audience=words))
        return summary
    # MkDocs writes pages as it goes, even in a build it aborts: build beside the site, swap when done
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(building)]
    try:
        output, returncode = run_mkdocs(command, root, {**os.environ, **QUIET_ENV, PROGRESS_ENV: "1",
                                                       AUDIENCE_ENV: audience})
        summary.built = returncode == 0
        if summary.built:
            storage.replace_folder(building, site_dir)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    if summary.built:
        count = sum(1 for path in site_dir.rglob("*") if path.is_file())
        summary.steps.append(say("out.build-done", audience=words, site=site_dir, count=count))
    else:
        summary.steps.append(say("out.build-refused", audience=words))
        warnings = [line for line in output if line.startswith(("WARNING", "ERROR"))]
        summary.build_output = warnings or output[-20:]
    return summary


def run_mkdocs(command: list[str], root: Path, env: dict[str, str]) -> tuple[list[str], int]:
    """Run MkDocs, showing its progress lines on this side's bars as they come; its other lines
    and its exit status are returned."""
    bars: dict = {}
    output: list[str] = []
    with subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, encoding="utf-8", errors="replace") as child:
        for line in child.stdout:
            if not relay(line, bars):
                output.append(line.rstrip("\n"))
    return output, child.returncode
