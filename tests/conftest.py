"""Shared fixtures: temporary projects built from the repository's real configuration.

Rules are tested on the package directly (fast); a few real `mkdocs build` runs are shared
per session.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The tests read messages in English (``--lang en``) unless they say otherwise; the ones about the
# default language (Chinese) take ARCHIVE_LANG out of their command's environment.
os.environ["ARCHIVE_LANG"] = "en"
BUILD_DATE = "2026-11-30"  # injected so results do not depend on the day the tests run
SEED_NAME = "000_2a4daaa1ed56f328.txt"


def find_seed() -> Path | None:
    """The real seed compilation, or None where it is not. It is never copied into the repository
    (it names real people): it sits in ../shared/seed/ next to the checkout, as on CI, or
    $ARCHIVE_SEED names it. Only the test that reads it needs it (see tests/test_import.py)."""
    if os.environ.get("ARCHIVE_SEED"):
        return Path(os.environ["ARCHIVE_SEED"])  # named on purpose: a wrong path fails that test
    beside = REPO.parent / "shared" / "seed" / SEED_NAME
    return beside if beside.is_file() else None


SEED = find_seed()
SEED_MISSING = (
    f"the real seed compilation is not here: no {SEED_NAME} in ../shared/seed/ next to the checkout "
    f"({REPO.parent / 'shared' / 'seed'}) and $ARCHIVE_SEED is not set; this test runs where the seed is, as on CI"
)


REGISTRY = """\
fonds: Z001
fonds_name: 测试全宗
records_dir: archive
units:
  - code: AAA
    name: 甲镇党委
    name_en: Jia Town Party Committee
    kind: town
  - code: BBB
    name: 乙中学党支部
    name_en: Yi Middle School Party Branch
    kind: school
stages: [宣传动员, 学习讨论, 调查研究, 总结]
"""
# The same with BBB its own 全宗 (Z002) and 机构 code (DZB): two fonds in one archive.
REGISTRY_TWO_FONDS = REGISTRY.replace("""    name_en: Yi Middle School Party Branch
    kind: school
""", """    name_en: Yi Middle School Party Branch
    kind: school
    fonds: Z002
    fonds_name: 乙中学
    fonds_name_en: Yi Middle School
    org_code: DZB
""")


def record_text(body: str = "正文。\n", **fields) -> str:
    """A record file: front-matter from ``fields`` in the given order, then ``body``."""
    lines = ["---"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body


class Project:
    """A throwaway archive project using the repository's mkdocs.yml, hooks and overrides."""

    @classmethod
    def existing(cls, root: Path) -> Project:
        """A project already on disk (such as a copy of the sample), used as it is."""
        project = cls.__new__(cls)
        project.root = root
        return project

    def __init__(self, root: Path, registry: str = REGISTRY, with_site_files: bool = True):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "archive.yml").write_text(registry, encoding="utf-8")
        (root / "docs" / "archive").mkdir(parents=True, exist_ok=True)
        if with_site_files:
            for name in ("mkdocs.yml",):
                shutil.copy(REPO / name, root / name)
            for folder in ("hooks", "overrides"):
                shutil.copytree(REPO / folder, root / folder, dirs_exist_ok=True)
            for page in (REPO / "docs").glob("*.md"):
                shutil.copy(page, root / "docs" / page.name)
            shutil.copytree(REPO / "docs" / "handbook", root / "docs" / "handbook", dirs_exist_ok=True)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def record(self, rel: str, body: str = "正文。\n", **fields) -> Path:
        return self.write(f"docs/archive/{rel}", record_text(body, **fields))

    def run(self, *args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
        full_env = {**os.environ, "ARCHIVE_BUILD_DATE": BUILD_DATE, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
        return subprocess.run(
            list(args), cwd=self.root, env=full_env, capture_output=True, text=True, encoding="utf-8", timeout=timeout
        )

    def build(self, *extra: str, strict: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        args = [sys.executable, "-m", "mkdocs", "build"] + (["--strict"] if strict else []) + list(extra)
        return self.run(*args, env=env)

    def archive(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "filing_archive", *args, env=env)

    @property
    def site(self) -> Path:
        return self.root / "site"


# 整理人 and 检查人 of fixtures filed through the Python API (two people, as the 备考表 needs).
FILERS = {"by": "王整理", "checked_by": "李检查"}


def add_pages(path: Path, pages: int = 2) -> None:
    """Give a record its 页数 in the front-matter, as staff do before filing several at once."""
    from filing_archive.storage import edit_front_matter

    path.write_bytes(edit_front_matter(path.read_bytes(), {"pages": pages}))


def q(text: str) -> str:
    """Quote a YAML scalar."""
    return "'" + text.replace("'", "''") + "'"


def minimal(**overrides) -> dict:
    """The front-matter of a valid published study record, with overrides."""
    fields = {
        "title": "集中学习记录",
        "type": "study",
        "unit": "AAA",
        "date": "2025-03-12",
        "status": "published",
        "form": "集中学习",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "proj", with_site_files=False)


@pytest.fixture
def site_project(tmp_path: Path) -> Project:
    return Project(tmp_path / "proj")


def copy_sample(dest: Path) -> Path:
    """A copy of the repository's own sample archive (what the README's first command builds)."""
    ignore = shutil.ignore_patterns("site", ".venv", ".git", "__pycache__", "*.egg-info", ".pytest_cache")
    shutil.copytree(REPO, dest, ignore=ignore)
    return dest


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample archive built once with `mkdocs build --strict` in a temporary folder."""
    root = copy_sample(tmp_path_factory.mktemp("sample") / "proj")
    result = Project.existing(root).build()
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, one for the whole session: Playwright's sync API runs once per process,
    so every browser test module shares it."""
    from browsing import launch_chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@functools.cache
def _markdown_config():
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"))
    return config.markdown_extensions, config.mdx_configs


def render_markdown(text: str) -> str:
    """Markdown to HTML as the build's Python-Markdown renders it (the extensions of mkdocs.yml)."""
    import markdown

    extensions, configs = _markdown_config()
    return markdown.Markdown(extensions=extensions, extension_configs=configs).convert(text)
