"""Forms for the front-matter in the editor: ``archive schema`` (JSON Schemas of a record and of
archive.yml, the Front Matter CMS configuration), their committed copies kept current, and
pre-commit refusing a bad record in a real git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import BUILD_DATE, REGISTRY, REPO, Project, dedent, minimal, record_text
from jsonschema import Draft202012Validator

from filing_archive import json_schema
from filing_archive.archive import load_archive
from filing_archive.problems import Problems
from filing_archive.registry import UNIT_KEYS, load_registry
from filing_archive.schema import FIELDS, STUDY_FORMS, TYPES, required_fields

TODAY = date.fromisoformat(BUILD_DATE)
NEW_UNIT = REGISTRY.replace("stages:", "  - {code: CCC, name: 丙幼儿园党支部, kind: kindergarten}\nstages:")
GENERATED = (json_schema.RECORD_SCHEMA_FILE, json_schema.REGISTRY_SCHEMA_FILE, json_schema.FRONT_MATTER_CMS_FILE)


class Yaml12Loader(yaml.SafeLoader):
    """YAML as editors read it (YAML 1.2 core schema: 2025-03-12 stays text), for the schema."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.load(text.split("---\n", 2)[1], Loader=Yaml12Loader)


def validator(rel: str) -> Draft202012Validator:
    schema = json.loads((REPO / rel).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def generated_validator(root: Path) -> Draft202012Validator:
    """The record schema ``archive schema`` would write for the project at ``root`` (its units)."""
    return Draft202012Validator(json_schema.record_schema(registry_of(root)),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(schema: Draft202012Validator, data: dict) -> list[tuple[str, str]]:
    """(where, keyword) of each error: the field's path, and what it broke."""
    return sorted(("/".join(map(str, e.absolute_path)), e.validator) for e in schema.iter_errors(data))


def registry_of(root: Path):
    problems = Problems()
    registry = load_registry(root, problems)
    assert registry is not None and not problems.errors, problems
    return registry


# --- the committed files are what the contract gives ------------------------------------------
def test_committed_files_are_regenerated_byte_for_byte():
    files = json_schema.generated_files(registry_of(REPO))
    assert list(files) == list(GENERATED)
    for rel, text in files.items():
        assert (REPO / rel).read_bytes() == text.encode("utf-8"), f"{rel} is stale: run archive schema"
        assert text.endswith("}\n") and not text.endswith("\n\n")


def test_generated_files_do_not_depend_on_the_language_shown(monkeypatch):
    monkeypatch.setenv("ARCHIVE_LANG", "zh")
    chinese = json_schema.generated_files(registry_of(REPO))
    monkeypatch.setenv("ARCHIVE_LANG", "en")
    assert json_schema.generated_files(registry_of(REPO)) == chinese


def test_schema_command_writes_the_same_bytes_twice_and_check_names_the_stale_file(tmp_path):
    project = Project(tmp_path / "proj", with_site_files=False)
    first = project.archive("schema")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [f"{rel}: written" for rel in GENERATED]
    written = {rel: (project.root / rel).read_bytes() for rel in GENERATED}
    again = project.archive("schema")
    assert again.stdout.splitlines() == [f"{rel}: unchanged" for rel in GENERATED]
    assert {rel: (project.root / rel).read_bytes() for rel in GENERATED} == written
    assert project.archive("schema", "--check").returncode == 0

    # A unit added to archive.yml: its code belongs in the unit choices of both files that list units.
    project.write("archive.yml", NEW_UNIT)
    stale = project.archive("schema", "--check")
    assert stale.returncode == 1
    assert stale.stdout.splitlines() == [
        f"{rel}: stale or missing: run archive schema (expected the file generated from schema.py and archive.yml)"
        " (see the handbook: en/handbook/errors/#e-schema-stale)"
        for rel in (json_schema.RECORD_SCHEMA_FILE, json_schema.FRONT_MATTER_CMS_FILE)
    ]
    assert (project.root / json_schema.RECORD_SCHEMA_FILE).read_bytes() == written[json_schema.RECORD_SCHEMA_FILE]
    (project.root / json_schema.REGISTRY_SCHEMA_FILE).unlink()
    missing = project.archive("schema", "--check")
    assert json_schema.REGISTRY_SCHEMA_FILE in missing.stdout and missing.returncode == 1


def test_schema_command_refuses_an_unusable_registry(tmp_path):
    project = Project(tmp_path / "proj", with_site_files=False)
    project.write("archive.yml", REGISTRY.replace("fonds: Z001", "fonds: z1"))
    result = project.archive("schema")
    assert result.returncode == 1
    assert result.stdout.startswith("archive.yml:1: fonds: ")
    assert not (project.root / "schema").exists()


# --- the record schema ---------------------------------------------------------------------------
def test_every_sample_record_and_the_registry_validate():
    schema = validator(json_schema.RECORD_SCHEMA_FILE)
    records = [p for p in sorted((REPO / "docs" / "archive").rglob("*.md")) if not p.name.endswith(".en.md")]
    assert len(records) >= 30
    for path in records:
        assert errors(schema, front_matter(path)) == [], path
    registry = validator(json_schema.REGISTRY_SCHEMA_FILE)
    assert errors(registry, yaml.load((REPO / "archive.yml").read_text(encoding="utf-8"), Loader=Yaml12Loader)) == []
    assert errors(registry, yaml.load(REGISTRY, Loader=Yaml12Loader)) == []


def test_record_schema_follows_the_contract():
    schema = json.loads((REPO / json_schema.RECORD_SCHEMA_FILE).read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(schema["properties"])[: len(FIELDS)] == list(FIELDS)
    assert schema["required"] == required_fields(None)
    assert schema["properties"]["form"]["title"] == "学习形式 form"
    assert schema["properties"]["unit"]["enum"] == [s for u in registry_of(REPO).units.values() for s in (u.code, u.name)]
    assert "会议纪要" in schema["properties"]["type"]["enum"]  # an older word the check still reads
    registry = json.loads((REPO / json_schema.REGISTRY_SCHEMA_FILE).read_text(encoding="utf-8"))
    assert set(registry["properties"]["units"]["items"]["properties"]) == UNIT_KEYS


# Each bad front-matter: what the schema says (field path, keyword) and the field archive check names.
BAD = [
    ({"form": None}, [("", "required")], "form"),
    ({"type": "学习纪录"}, [("type", "enum"), ("type", "enum")], "type"),  # and form is a study record's
    ({"date": "2025-02-30"}, [("date", "format")], "date"),
    ({"date": "2025-3-12"}, [("date", "format"), ("date", "pattern")], "date"),
    ({"unit": "ZZZ"}, [("unit", "enum")], "unit"),
    ({"attendees": -1}, [("attendees", "minimum")], "attendees"),
    ({"hours": 0}, [("hours", "exclusiveMinimum")], "hours"),
    ({"title": "   "}, [("title", "pattern")], "title"),
    ({"title": "长" * 201}, [("title", "maxLength")], "title"),
    ({"keywords": [f"词{i}" for i in range(21)]}, [("keywords", "maxItems")], "keywords"),
    ({"doc_no": "青石党发〔2025〕第03号"}, [("doc_no", "pattern")], "doc_no"),
    ({"id": "Rec 1"}, [("id", "pattern")], "id"),
    ({"secrecy": "秘密"}, [("secrecy", "enum")], "secrecy"),
    ({"status": "filed"}, [("", "required"), ("", "required")], "archive_no"),  # and retention
    ({"stage": "学习讨论"}, [("", "dependentRequired")], "stage"),
    ({"titel": "集中学习记录"}, [("", "additionalProperties")], "titel"),
    ({"issue": 3}, [("type", "enum")], "issue"),  # a briefing's field on a study record
]


@pytest.mark.parametrize(("change", "schema_says", "field"), BAD, ids=[b[2] + str(i) for i, b in enumerate(BAD)])
def test_a_bad_record_fails_the_schema_where_archive_check_names_the_field(project, change, schema_says, field):
    fields = {**minimal(), **change}
    fields = {k: v for k, v in fields.items() if v is not None}
    assert errors(generated_validator(project.root), fields) == schema_says
    # archive check finds the same field wrong (an error, or for titel and issue a warning to remove it).
    project.write("docs/archive/AAA/2025/rec.md", "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n正文。\n")
    problems = load_archive(project.root, TODAY).problems
    assert field in {p.field for p in problems}, [str(p) for p in problems]


def test_a_good_record_passes_both(project):
    fields = minimal(keywords=["意识形态"], attendees=30, hours=1.5, host="刘思远", doc_no="甲党发〔2025〕3号")
    assert errors(generated_validator(project.root), {k: str(v) if k == "date" else v for k, v in fields.items()}) == []
    project.record("AAA/2025/rec.md", **{k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                                        for k, v in fields.items()})
    assert [str(p) for p in load_archive(project.root, TODAY).problems] == []


# --- Front Matter CMS --------------------------------------------------------------------------
def test_front_matter_cms_has_a_form_per_type_with_the_contract_s_choices():
    config = json.loads((REPO / json_schema.FRONT_MATTER_CMS_FILE).read_text(encoding="utf-8"))
    registry = registry_of(REPO)
    types = {t["name"]: t for t in config["frontMatter.taxonomy.contentTypes"]}
    assert list(types) == [t.code for t in TYPES if t.code != "disposal"]
    for code, content_type in types.items():
        fields = {f["name"]: f for f in content_type["fields"]}
        assert set(fields) <= set(FIELDS)
        assert [n for n, f in fields.items() if f.get("required")] == required_fields(code), code
        assert fields["type"]["default"] == code
        assert [c["id"] for c in fields["unit"]["choices"]] == list(registry.units)
        assert [c["id"] for c in fields["retention"]["choices"]] == ["永久", "30年", "10年"]
        assert [c["id"] for c in fields["secrecy"]["choices"]] == ["公开", "内部"]
        assert [c["id"] for c in fields["status"]["choices"]] == ["draft", "published", "filed"]
        assert fields["date"]["dateFormat"] == "yyyy-MM-dd"
        assert ("form" in fields) == (code == "study") and ("issue" in fields) == (code == "briefing")
    form = next(f for f in types["study"]["fields"] if f["name"] == "form")
    assert [c["id"] for c in form["choices"]] == [t.code for t in STUDY_FORMS]
    assert [f["path"] for f in config["frontMatter.content.pageFolders"]] == [
        f"[[workspace]]/docs/archive/{code}/{{{{year}}}}" for code in registry.units
    ]


def test_a_record_saved_by_front_matter_cms_passes_the_check(project):
    """Front Matter CMS notes its content type as fmContentType and writes dates as text."""
    project.write("docs/archive/AAA/2025/2025-03-12-rec.md", dedent("""
        ---
        title: 集中学习记录
        type: study
        unit: AAA
        date: '2025-03-12'
        status: published
        form: 集中学习
        fmContentType: study
        ---
        正文。
    """))
    assert [str(p) for p in load_archive(project.root, TODAY).problems] == []


def test_vscode_settings_point_yaml_validation_at_the_registry_schema():
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {f"./{json_schema.REGISTRY_SCHEMA_FILE}": ["archive.yml"]}
    extensions = json.loads((REPO / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert extensions["recommendations"] == ["eliostruyf.vscode-front-matter", "redhat.vscode-yaml"]


# --- pre-commit ----------------------------------------------------------------------------------
def test_pre_commit_config_uses_the_hooks_it_publishes():
    published = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"] == [{"repo": "local", "hooks": published}]
    assert [h["id"] for h in published] == ["archive-check", "archive-verify", "archive-schema"]


def git(root: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    """git, its output and pre-commit's in one stream (``stdout``), as the terminal shows them."""
    return subprocess.run(["git", *args], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, encoding="utf-8", timeout=300)


@pytest.fixture
def hooked_repo(tmp_path):
    """A git repository of a small archive with the project's pre-commit hooks installed, offline:
    no .venv in it, so the hooks find the archive command on PATH (this interpreter's)."""
    project = Project(tmp_path / "repo", with_site_files=False)
    for rel in (".pre-commit-config.yaml", "scripts/archive-hook"):
        (project.root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, project.root / rel)
    env = {**{k: v for k, v in os.environ.items() if k != "ARCHIVE_LANG"},  # clerks read Chinese, the default
           "ARCHIVE_BUILD_DATE": BUILD_DATE, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "GIT_AUTHOR_NAME": "王整理", "GIT_AUTHOR_EMAIL": "w@example.invalid",
           "GIT_COMMITTER_NAME": "王整理", "GIT_COMMITTER_EMAIL": "w@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q", "-b", "main"], ["config", "commit.gpgsign", "false"]):
        assert git(project.root, *args, env=env).returncode == 0
    assert project.archive("schema").returncode == 0
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=project.root, env=env,
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    return project, env


def test_pre_commit_refuses_a_bad_record_and_accepts_a_good_one(hooked_repo):
    project, env = hooked_repo
    project.record("AAA/2025/2025-03-12-good.md", **minimal())
    project.record("AAA/2025/2025-03-13-draft.md", **minimal(form=None, date="2025-03-13"))  # not staged: not shown
    git(project.root, "add", "archive.yml", ".pre-commit-config.yaml", "scripts", "schema", "frontmatter.json",
        "docs/archive/AAA/2025/2025-03-12-good.md", env=env)
    good = git(project.root, "commit", "-m", "集中学习记录", env=env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "archive check (检查暂存的记录)" in good.stdout and "Passed" in good.stdout
    assert "docs/archive/AAA/2025/2025-03-13-draft.md" not in good.stdout

    bad = project.record("AAA/2025/2025-03-14-bad.md", **minimal(form=None, date="2025-03-14"))
    git(project.root, "add", str(bad.relative_to(project.root)), env=env)
    refused = git(project.root, "commit", "-m", "缺学习形式", env=env)
    assert refused.returncode == 1
    assert ("docs/archive/AAA/2025/2025-03-14-bad.md:1: 学习形式 (form)：缺少必填字段，应填 "
            "集中学习、个人自学、专题研讨、专题讲座、主题党日 或 网络学习（详见使用手册 handbook/errors/#e-field-missing）"
            ) in refused.stdout.splitlines()
    assert "docs/archive/AAA/2025/2025-03-13-draft.md" not in refused.stdout
    assert git(project.root, "log", "--format=%s", env=env).stdout.splitlines() == ["集中学习记录"]

    # Fixed, the same commit goes through.
    bad.write_text(record_text(**minimal(date="2025-03-14")), encoding="utf-8")
    git(project.root, "add", str(bad.relative_to(project.root)), env=env)
    fixed = git(project.root, "commit", "-m", "补学习形式", env=env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_pre_commit_refuses_a_registry_change_without_the_regenerated_forms(hooked_repo):
    project, env = hooked_repo
    git(project.root, "add", "-A", env=env)
    assert git(project.root, "commit", "-m", "登记簿", env=env).returncode == 0
    project.write("archive.yml", NEW_UNIT)
    git(project.root, "add", "archive.yml", env=env)
    refused = git(project.root, "commit", "-m", "新机构", env=env)
    assert refused.returncode == 1
    assert f"{json_schema.FRONT_MATTER_CMS_FILE}: 编辑器文件已过期或缺失：请运行 archive schema 重新生成" in refused.stdout
    assert project.archive("schema").returncode == 0
    git(project.root, "add", "-A", env=env)
    assert git(project.root, "commit", "-m", "新机构", env=env).returncode == 0
