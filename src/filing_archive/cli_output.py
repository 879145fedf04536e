"""What the command line prints for a result: each line through the catalogue (``say``), in the
reader's language. ``cli.py`` parses the arguments and calls these."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from . import filing
from .fixity import LOG_FILE, MANIFEST_FILE, short
from .messages import language, message, say
from .problems import Problems
from .registry import Registry, load_registry


def registry_or_report(root: Path) -> Registry | None:
    """archive.yml read for a command that needs only it; None (its problems printed) when unusable."""
    problems = Problems()
    registry = load_registry(root, problems)
    if registry is None or problems.errors:
        for problem in problems.sorted():
            print(problem.shown())
        return None
    return registry


def print_result(result: filing.Result) -> None:
    """The outcome of file, amend, extend, withdraw, dispose: one line per record, then the problems."""
    for outcome in result.outcomes:
        digest = short(outcome.digest)
        path, number = outcome.path, outcome.archive_no
        if outcome.action == "filed":
            print(say("out.filed", path=path, number=number, digest=digest))
        elif outcome.action == "completed":
            print(say("out.filed-completed", path=path, number=number, digest=digest))
        elif outcome.action == "already":
            print(say("out.filed-already", path=path, number=number,
                      note=outcome.note or message("part.filed-already")))
        elif outcome.action == "cleaned":
            print(say("out.filed-cleaned", path=path))
        elif outcome.action == "amended":
            print(say("out.amended", path=path, number=number, before=short(outcome.previous_digest), after=digest))
        elif outcome.action == "extended":
            print(say("out.extended", path=path, number=number, before=outcome.note, after=outcome.retention,
                      old=short(outcome.previous_digest), new=digest))
        elif outcome.action == "withdrawn":
            print(say("out.withdrawn", path=path, number=number, log=LOG_FILE))
        elif outcome.action == "destroyed":
            print(say("out.destroyed", path=path, number=number, by=outcome.note))
            for removed in outcome.removed:
                print(say("out.destroyed-file", file=removed))
    for problem in result.problems:
        print(problem.shown())


def number_ranges(numbers: list[int]) -> str:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]:04d}" if len(r) == 1 else f"{r[0]:04d}–{r[-1]:04d}" for r in runs)


def print_verify(report) -> None:
    """``archive verify``'s report: the counts, each finding, the result."""
    chain = message("part.verify-chain-intact" if report.log_intact else "part.verify-chain-broken")
    print(say("out.verify-head", fonds=report.fonds))
    print(say("out.verify-records", records=report.records, filed=report.filed, withdrawn=report.withdrawn))
    print(say("out.verify-manifest", file=MANIFEST_FILE, lines=report.manifest_lines))
    print(say("out.verify-log", file=LOG_FILE, entries=report.log_entries, chain=chain, head=report.log_head))
    print(say("out.verify-git", git=report.git))
    if report.classes:
        print(say("out.verify-classes"))
        width = max(len(c) for c in report.classes)
        for cls, numbers in report.classes.items():
            print(say("out.verify-class", cls=f"{cls:<{width}}", ranges=number_ranges(numbers), count=len(numbers)))
    for problem in report.findings:
        print(problem.shown())
    print(say("out.verify-ok") if report.ok else say("out.verify-failed", count=len(report.findings)))


def print_appraisal(classes: dict, as_of: date) -> None:
    """``archive appraise``: the records whose term has run out, per class."""
    print(say("out.appraisal-head", day=as_of, count=sum(len(rows) for rows in classes.values())))
    for cls, rows in classes.items():
        print(say("out.appraisal-class", cls=cls, retention=rows[0].retention, end=rows[0].term_end, count=len(rows)))
        for row in rows:
            print(say("out.appraisal-row", number=row.archive_no, title=row.title, path=row.path))


def print_four_properties(report, written: list) -> None:
    """``archive verify --report``: each check's count and failures, where the report went, the result."""
    print(say("out.four-head", fonds=report.fonds, scope=report.scope or message("part.four-all")))
    for check in report.checks:
        name = check.en if language() == "en" else check.zh
        print(say("out.four-check", name=name, passed=check.passed, total=len(check.items)))
        for problem in sorted(set(check.failures)):
            print(say("out.indented", text=problem.shown()))
    print(say("out.four-report", files=[str(p) for p in written]))
    print(say("out.four-ok") if report.ok else
          say("out.four-failed", count=sum(len(set(c.failures)) for c in report.checks)))


def print_transfer(result) -> None:
    """``archive transfer``: the refusal with its problems, or the 移交清单's counts and the bag."""
    if result.problems:
        for problem in result.problems:
            print(problem.shown())
        print(say("out.transfer-refused", count=len(result.problems)))
        return
    listing = result.listing
    print(say("out.transfer-head", fonds=listing["fonds"], name=listing["fonds_name"], year=listing["year"],
              retention=listing["retention"]))
    for row in listing["by_retention_and_unit"]:
        print(say("out.transfer-row", retention=row["retention"], unit=row["unit"], records=row["records"],
                  pages=row["pages"]))
    print(say("out.transfer-total", records=listing["records"], pages=listing["pages"], by=listing["prepared_by"],
              day=listing["date"]))
    print(say("out.transfer-bag", bag=result.bag, log=LOG_FILE, records=listing["records"]))
