#!/usr/bin/env python3
"""Benchmark the archive build at several sizes and print a Markdown table.

    .venv/bin/python scripts/bench.py --sizes 500 2000

For each N it generates N records with the corpus generator (fixed seed), copies this
project's mkdocs.yml, hooks/ and overrides/ next to them, and times `mkdocs build` in a child
process (wall time, peak RSS of the child, size of the site). Results go to stdout and to
bench-out/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from filing_archive.corpus import CorpusSpec, generate  # noqa: E402


def prepare(dest: Path, n: int) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    generate(dest, CorpusSpec(records=n))
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("hooks", "overrides"):
        shutil.copytree(REPO / folder, dest / folder)
    for page in (REPO / "docs").glob("*.md"):
        shutil.copy(page, dest / "docs" / page.name)
    return dest


def timed(args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of a child process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ARCHIVE_BUILD_DATE": "2026-11-30"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed in {cwd}:\n{result.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the maximum over all children so far: run each size in order
    return elapsed, max(peak, before) * 1024


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/archive-bench"))
    parser.add_argument("--out", type=Path, default=REPO / "bench-out" / "results.md")
    args = parser.parse_args()

    rows = []
    for n in sorted(args.sizes):
        project = prepare(args.work / f"n{n}", n)
        seconds, rss = timed([sys.executable, "-m", "mkdocs", "build"], project)
        site = project / "site"
        pages = sum(1 for _ in site.rglob("*.html"))
        rows.append((n, seconds, rss, folder_size(site), pages))
        print(f"N={n}: {seconds:.1f} s, peak RSS {rss / 2**20:.0f} MB, {pages} pages", file=sys.stderr)

    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"records of ~3,400 Han characters (scripts/bench.py --sizes {' '.join(map(str, args.sizes))}).",
        "",
        "| N | full build s | s per record | peak RSS MB | site MB | HTML pages |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, seconds, rss, size, pages in rows:
        per_record = f"{seconds / n * 1000:.1f} ms"
        lines.append(f"| {n} | {seconds:.1f} | {per_record} | {rss / 2**20:.0f} | {size / 2**20:.0f} | {pages} |")
    if len(rows) >= 2:
        (n1, s1, *_), (n2, s2, *_) = rows[0], rows[-1]
        lines += ["", f"Time ratio {n2}/{n1}: {s2 / s1:.2f} (records ratio {n2 / n1:.1f})."]
    table = "\n".join(lines)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table + "\n", encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
