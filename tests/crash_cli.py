"""Test-only entry point: the `archive` command line, killed at a named write.

    python tests/crash_cli.py STEP ARCHIVE-ARGUMENTS...

runs ``filing_archive.cli.main`` with the arguments and ends the process with ``os._exit(75)``
(no cleanup, no ``finally``, no log line: as a power cut or ``kill -9`` would) at STEP:

``record``
    right after the first record file under ``docs/`` is replaced;
``manifest``
    right after ``manifest-sha256.txt`` is replaced;
``mid-record``
    inside the first record's write: its new bytes are in the temporary file next to it, the
    record itself not yet replaced.

The product reads no crash switch: this script wraps ``storage``'s real write functions, which
the commands reach through the module, and the writes themselves are real. A command that no
longer wrote through ``storage`` never reaches STEP and exits normally, which the crash tests
catch (they expect exit code 75).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from filing_archive import cli, storage
from filing_archive.fixity import MANIFEST_FILE

CRASH_EXIT = 75


def is_record(path: Path) -> bool:
    return path.suffix == ".md" and "docs" in path.parts


def is_manifest(path: Path) -> bool:
    return path.name == MANIFEST_FILE


def die_after(write: Callable[..., object], hit: Callable[[Path], bool]) -> Callable[..., object]:
    """``write``, then the end of the process if it wrote the file ``hit`` picks."""

    def wrapped(path: Path, data: bytes | str) -> object:
        returned = write(path, data)
        if hit(Path(path)):
            os._exit(CRASH_EXIT)
        return returned

    return wrapped


def main(argv: list[str]) -> int:
    step, *args = argv
    if step == "record":
        storage.atomic_write = die_after(storage.atomic_write, is_record)
    elif step == "manifest":
        storage.atomic_write = die_after(storage.atomic_write, is_manifest)
    elif step == "mid-record":  # atomic_write: temporary copy, then rename; die between the two
        storage._temp_copy = die_after(storage._temp_copy, is_record)
    else:
        raise SystemExit(f"crash_cli.py: unknown step {step} (expected record | manifest | mid-record)")
    return cli.main(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
