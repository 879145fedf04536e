"""No message reaches a user except through the catalogue: no call that reports a problem, raises
a usage error or prints a line is given a text written in the code (a literal or an f-string)."""

from __future__ import annotations

import ast
from pathlib import Path

import filing_archive
from filing_archive.messages import CODE_RE, KEY_RE

PACKAGE = Path(filing_archive.__file__).parent
KEY_PREFIXES = ("E-", "W-", "out.", "part.", "label.")
# call name -> the position of its message argument
REPORTING = {"error": 3, "warning": 3, "Problem": 3, "UsageError": 0, "ImportProblem": 0, "PluginError": 0,
             "SourceError": 0, "print": 0, "say": 0, "message": 0}


def written_texts(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in REPORTING:
            continue
        position = REPORTING[name]
        if name in ("error", "warning") and len(node.args) < 4:
            position = 1 if len(node.args) == 2 else 0  # a checker's error(name, message) / log.error(text)
        if len(node.args) <= position:
            continue
        arg = node.args[position]
        if isinstance(arg, ast.JoinedStr):
            head = arg.values[0] if arg.values else None
            computed_key = isinstance(head, ast.Constant) and str(head.value).startswith(KEY_PREFIXES)
            if not computed_key:  # f"part.reason.{what}" names entries of the catalogue
                yield node.lineno, name, ast.unparse(arg)
        elif isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.strip():
            if not (CODE_RE.match(arg.value) or KEY_RE.match(arg.value)):
                yield node.lineno, name, arg.value


def test_the_check_finds_a_text_written_in_the_code():
    code = """
problems.error(path, 3, "form", f"required field is missing (expected {x})")
raise UsageError("no such file")
print(f"filed {n}")
problems.error(path, 3, "form", "E-field-missing", expected=x)
print(say("out.usage-error", error=e))
message(f"part.reason.{what}")
"""
    assert [(line, name) for line, name, _ in written_texts(ast.parse(code))] == [(2, "error"), (3, "UsageError"),
                                                                                   (4, "print")]


def test_every_message_comes_from_the_catalogue():
    found = [f"{path.name}:{line}: {name}({text[:60]})"
             for path in sorted(PACKAGE.glob("*.py"))
             for line, name, text in written_texts(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == []
