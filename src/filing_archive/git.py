"""What the archive asks git: when each record was committed, who is filing, and the filing log
as committed.

Each question is one child process (never one per file); outside a git checkout, or without git,
the answer is simply empty.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from .messages import Message, message


def commit_dates(root: Path, folder: str) -> dict[str, tuple[datetime, datetime]]:
    """Path (relative to the repository root) -> (first commit, last commit), UTC."""
    try:
        # quotePath off: git would otherwise print a Chinese file name as an octal-escaped string.
        result = subprocess.run(
            ["git", "-c", "core.quotePath=false", "log", "--relative", "--format=%x00%ct", "--name-only",
             "--no-renames", "--", folder],
            cwd=root, capture_output=True, text=True, encoding="utf-8", timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, tuple[datetime, datetime]] = {}
    stamp = None
    for line in result.stdout.splitlines():
        if line.startswith("\0"):
            stamp = datetime.fromtimestamp(int(line[1:]), tz=UTC)
        elif line and stamp is not None:
            _, last = dates.get(line, (stamp, stamp))
            dates[line] = (stamp, last)  # the log runs newest first: the last one seen is the first commit
    return dates


def _git_user(root: Path) -> tuple[str | None, str | None]:
    """(name, email) from $GIT_AUTHOR_NAME/EMAIL or ``git config``: one subprocess at most."""
    name = os.environ.get("GIT_AUTHOR_NAME")
    if name:
        return name, os.environ.get("GIT_AUTHOR_EMAIL")
    values: dict[str, str] = {}
    try:
        out = subprocess.run(
            ["git", "config", "--get-regexp", r"^user\.(name|email)$"],
            cwd=root, capture_output=True, text=True, encoding="utf-8", timeout=10,
        ).stdout
        for line in out.splitlines():
            k, _, v = line.partition(" ")
            values[k] = v.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return values.get("user.name") or None, values.get("user.email") or None


def git_author(root: Path) -> str | None:
    """``Name <email>`` from $GIT_AUTHOR_NAME/EMAIL or ``git config``: one subprocess per run."""
    name, email = _git_user(root)
    return (f"{name} <{email}>" if email else name) if name else None


def git_user_name(root: Path) -> str | None:
    """The name alone ($GIT_AUTHOR_NAME or ``git config user.name``): the default 整理人."""
    return _git_user(root)[0]


def committed_bytes(root: Path, rel: str) -> tuple[bytes | None, Message | str]:
    """The bytes of ``rel`` as committed at ``HEAD``; else None and why ("git not available",
    "not committed in git")."""
    try:
        shown = subprocess.run(["git", "show", f"HEAD:./{rel}"], cwd=root, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None, message("part.git-unavailable")
    if shown.returncode != 0:
        return None, message("part.git-not-committed")
    return shown.stdout, ""
