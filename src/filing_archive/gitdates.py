"""When each record was first and last committed, from one `git log` over the records folder.

One child process for the whole archive, not one per file; outside a git checkout (or without
git) there are simply no dates.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path


def commit_dates(root: Path, folder: str) -> dict[str, tuple[datetime, datetime]]:
    """Path (relative to the repository root) -> (first commit, last commit), UTC."""
    try:
        result = subprocess.run(
            ["git", "log", "--format=%x00%ct", "--name-only", "--no-renames", "--", folder],
            cwd=root, capture_output=True, text=True, encoding="utf-8", timeout=120,
        )
        prefix = subprocess.run(
            ["git", "rev-parse", "--show-prefix"], cwd=root, capture_output=True, text=True, timeout=30
        ).stdout.strip()
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
            path = line.removeprefix(prefix)
            _, last = dates.get(path, (stamp, stamp))
            dates[path] = (stamp, last)  # the log runs newest first: the last one seen is the first commit
    return dates
