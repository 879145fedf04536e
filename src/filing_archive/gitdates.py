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
