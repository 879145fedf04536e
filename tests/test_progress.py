"""Long work shows progress: a bar on a terminal, plain lines (one at each tenth) otherwise."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys

from conftest import BUILD_DATE, minimal

from filing_archive.progress import CHILD_PREFIX, Progress, relay


def test_plain_lines_at_each_tenth_when_not_a_terminal():
    out = io.StringIO()
    progress = Progress("out.progress-check", out, width=10, plain_from=20)
    for done in range(1, 21):
        progress(done, 20, f"docs/archive/AAA/2025/r{done}.md")
    assert out.getvalue().splitlines() == ["checking [..........] 1/20"] + [  # the start, then each tenth
        f"checking [{'#' * n}{'.' * (10 - n)}] {2 * n}/20" for n in range(1, 11)
    ]


def test_short_work_prints_nothing_when_not_a_terminal():
    out = io.StringIO()
    progress = Progress("out.progress-check", out, plain_from=20)
    for done in range(1, 20):
        progress(done, 19)
    assert out.getvalue() == ""


def test_a_childs_progress_lines_drive_this_sides_bar():
    out = io.StringIO()
    bars: dict = {}
    shown = [line for line in (f"{CHILD_PREFIX}out.progress-build-pages {n} 2000" for n in (200, 1000, 2000))
             if not relay(line, bars, out)]
    assert shown == []
    assert out.getvalue().splitlines() == [
        "building: writing pages [##......................] 200/2000",
        "building: writing pages [############............] 1000/2000",
        "building: writing pages [########################] 2000/2000",
    ]
    # anything else is the child's own output, and a forged label is not a bar
    assert not relay("INFO    -  Documentation built in 1.2 seconds", bars, out)
    assert not relay(f"{CHILD_PREFIX}out.no-such-key 1 2", bars, out)
    assert not relay(f"{CHILD_PREFIX}out.progress-check one two", bars, out)


def run_on_a_terminal(args: list[str], cwd, env: dict) -> str:
    """Run a command with a real pseudo-terminal as its stdout and stderr; what it wrote."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        assert ready, "the command wrote nothing for two minutes"
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_archive_build_on_a_terminal_shows_a_bar_per_step(site_project):
    for n in range(1, 4):
        site_project.record(f"AAA/2025/r{n}.md", **minimal(title=f"集中学习记录{n}"))
    # without NO_MKDOCS_2_WARNING of ours: archive build quiets Material's banner itself
    env = {**os.environ, "ARCHIVE_BUILD_DATE": BUILD_DATE, "ARCHIVE_LANG": "", "NO_MKDOCS_2_WARNING": ""}
    shown = run_on_a_terminal([sys.executable, "-m", "filing_archive", "build"], site_project.root, env)
    # each bar is redrawn in place (\r … erase to the end of the line) and ends full, with a new line
    finished = re.findall(r"\r([^\r\n]*?) \[#+\] (\d+)/(\d+)[^\r\n]*\x1b\[K\r?\n", shown)
    assert [(label, done == total) for label, done, total in finished] == [
        ("检查", True), ("核验", True), ("构建：读取记录", True), ("构建：写出页面", True), ("构建：写出页面", True),
    ]  # the pages of each language in turn
    assert ("检查", "3", "3") in finished
    assert "构建（内网版）：通过" in shown
    for noise in ("end of life", "Zensical", "dirty", "INFO", "mkdocs_static_i18n", "@progress"):
        assert noise not in shown  # one line per step and the bars: nothing staff cannot act on
