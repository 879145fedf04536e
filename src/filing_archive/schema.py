"""The front-matter contract: every field a record may carry, declared once.

Vocabularies map a code to its Chinese and English labels; the Chinese label is accepted
as an alias wherever a code is. Each field names the kind of its value; ``fields.py`` holds
the kinds (how a value is checked and what is expected). Validation (``record_checker.py``)
reads these declarations; templates read the labels.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One entry of a controlled vocabulary."""

    code: str
    zh: str  # the Chinese label shown (and accepted)
    en: str
    aliases: tuple[str, ...] = ()  # older Chinese words still accepted, never shown (会议纪要 for 纪要)

    def label(self, lang: str) -> str:
        return in_language(lang, self.zh, self.en)


class Vocabulary:
    """A closed list of terms, looked up by code or by Chinese label."""

    def __init__(self, name: str, terms: list[Term], near_miss: bool = True):
        self.name = name
        self.terms = terms
        # A near-miss (学习讨伦) may be read as the closest term, with a warning; not where a
        # guess could change meaning (a retention period, a secrecy grade).
        self.near_miss = near_miss
        self._lookup = {t.code: t for t in terms} | {t.zh: t for t in terms} | {
            alias: t for t in terms for alias in t.aliases
        }

    def get(self, value: object) -> Term | None:
        return self._lookup.get(value) if isinstance(value, str) else None

    def __getitem__(self, code: str) -> Term:
        return self._lookup[code]

    def __iter__(self):
        return iter(self.terms)

    def spellings(self) -> list[str]:
        return list(self._lookup)

    def describe(self) -> str:
        return " | ".join(f"{t.code} {t.zh}" if t.code != t.zh else t.zh for t in self.terms)


TYPES = Vocabulary(
    "type",
    [
        Term("plan", "方案", "Work plan"),
        Term("study", "学习记录", "Study record"),
        Term("briefing", "简报", "Briefing"),
        Term("summary", "总结", "Summary"),
        Term("report", "专题汇报", "Report"),
        Term("analysis", "分析研判", "Risk analysis"),
        Term("opinion", "舆情信息", "Public-opinion report"),
        # 纪要 is the 文种 of the 2012 条例 (党政机关公文处理工作条例); 会议纪要, the older word, is still read.
        Term("minutes", "纪要", "Minutes", aliases=("会议纪要",)),
        Term("duty", "述职报告", "Duty report"),
        Term("notice", "通报", "Notice"),
        Term("disposal", "销毁清册", "Destruction list"),  # written by archive dispose
    ],
)

STATUSES = Vocabulary(
    "status",
    [
        Term("draft", "草稿", "Draft"),
        # Published but not yet filed: what an archivist reads; 发布 and 已发布 (older words) are still read.
        Term("published", "已发布（待归档）", "Published (not yet filed)", aliases=("发布", "已发布")),
        Term("filed", "已归档", "Filed"),
    ],
)
# What a recurring duty counts (cadence rules, compliance): never a draft.
COUNTED_STATUSES = ("published", "filed")

# Only non-secret material may live here: a secret grade (绝密, 机密, 秘密) or any 密级 marking
# in a record stops it (``secrecy.py`` holds the patterns).
SECRECY = Vocabulary(
    "secrecy", [Term("公开", "公开", "Public"), Term("内部", "内部", "Internal")], near_miss=False
)

# 保管期限 and the code DA/T 22 puts in the 档号.
RETENTION = Vocabulary(
    "retention",
    [
        Term("永久", "永久", "Permanent"),
        Term("30年", "30年", "30 years"),
        Term("10年", "10年", "10 years"),
    ],
    near_miss=False,
)
DEFAULT_LANGUAGE = "zh"  # the archive's language: records are written in it, other languages are translations
LANGUAGES = ("zh", "en")


def in_language(lang: str, zh: str, en: str | None) -> str:
    """A text written in both languages, in ``lang``: the English one where it is asked for and
    given, else the archive's own (Chinese). Every bilingual label goes through here."""
    return en if lang != DEFAULT_LANGUAGE and en else zh

RETENTION_CODES = {"永久": "Y", "30年": "D30", "10年": "D10"}

STUDY_FORMS = Vocabulary(
    "form",
    [
        Term("集中学习", "集中学习", "Group study"),
        Term("个人自学", "个人自学", "Self-study"),
        Term("专题研讨", "专题研讨", "Seminar"),
        Term("专题讲座", "专题讲座", "Lecture"),
        Term("主题党日", "主题党日", "Party day"),
        Term("网络学习", "网络学习", "Online study"),
    ],
)

UNIT_KINDS = Vocabulary(
    "kind",
    [
        Term("town", "乡镇", "Town"),
        Term("school", "学校", "School"),
        Term("kindergarten", "幼儿园", "Kindergarten"),
        Term("bureau", "局", "Bureau"),
        Term("community", "社区", "Community"),
        Term("clinic", "卫生院", "Clinic"),
    ],
)


@dataclass(frozen=True)
class FieldSpec:
    """One front-matter field: its labels, the shape of its value, where it applies."""

    name: str
    zh: str
    en: str
    kind: str  # the name of its kind in fields.KINDS: text | date | int | number | text_list | vocab | secrecy
    #   | unit | stages | cadence | id | doc_no | archive_no
    vocabulary: Vocabulary | None = None
    required: bool = False
    only_types: tuple[str, ...] = ()
    minimum: float | None = None  # the smallest value allowed
    above: float | None = None  # values must be greater than this
    maximum: float | None = None  # the largest value allowed
    max_length: int | None = None  # characters of a text (of each item of a list)
    max_items: int | None = None  # items of a list

    def label(self, lang: str) -> str:
        return in_language(lang, self.zh, self.en)


# Limits (README, "Limits"): everything in a record is untrusted input, and a title is repeated
# on every index page, so each text and list has a size; ids and names that become paths, URLs
# or anchors also have a character rule (fields.py, record_paths.py).
TITLE_MAX = 200
NAME_MAX = 100  # a person's or a unit's name, a rule's name
ID_MAX = 64  # ids (a record's, a plan's, a cadence rule's): they become folder names and URLs
STAGE_NAME_MAX = 50  # stage names become anchors
LIST_MAX = 20  # keywords, a plan's stages, a plan's cadence rules
PAGES_MAX = 100_000  # 页数 of one 件
NOTE_MAX = 500  # characters of 本件情况说明 (`archive file --note`), one line


def too_long(value: object, limit: int) -> str | None:
    """What is wrong with a text longer than ``limit`` characters (the one wording of every limit)."""
    if isinstance(value, str) and len(value) > limit:
        return f"too long (expected at most {limit:,} characters, got {len(value):,})"
    return None


def stage_name_problem(name: str) -> str | None:
    """Stage names become anchors and headings: one line of at most ``STAGE_NAME_MAX`` characters."""
    if len(name) > STAGE_NAME_MAX:
        return f"stage name too long (expected at most {STAGE_NAME_MAX} characters, got {len(name):,})"
    if any(ch in name for ch in "\n\t"):
        return f"a stage name is one line (expected no line breaks or tabs, got {name!r})"
    return None


FIELDS: dict[str, FieldSpec] = {
    f.name: f
    for f in [
        FieldSpec("title", "题名", "Title", "text", required=True, max_length=TITLE_MAX),
        FieldSpec("type", "文种", "Type", "vocab", TYPES, required=True),
        FieldSpec("unit", "责任者", "Unit", "unit", required=True, max_length=NAME_MAX),
        FieldSpec("date", "成文日期", "Date", "date", required=True),
        FieldSpec("status", "状态", "Status", "vocab", STATUSES),
        FieldSpec("id", "标识", "ID", "id", max_length=ID_MAX),
        FieldSpec("doc_no", "文号", "Document no.", "doc_no", max_length=50),
        # 公开 and 内部 say who may read a record (开放范围); they are not 密级 grades.
        FieldSpec("secrecy", "开放范围", "Access", "secrecy", SECRECY),
        FieldSpec("retention", "保管期限", "Retention", "vocab", RETENTION),
        FieldSpec("archive_no", "档号", "Archival no.", "archive_no", max_length=30),
        # 页数: the pages of the 件 (of its fixed-layout form, such as the PDF); required to file it.
        FieldSpec("pages", "页数", "Pages", "int", minimum=1, maximum=PAGES_MAX),
        FieldSpec("responsible", "第一责任人", "Responsible", "text", max_length=NAME_MAX),
        FieldSpec("keywords", "主题词", "Keywords", "text_list", max_length=30, max_items=LIST_MAX),
        FieldSpec("plan", "所属方案", "Plan", "id", max_length=ID_MAX),
        FieldSpec("stage", "阶段", "Stage", "text", max_length=STAGE_NAME_MAX),
        FieldSpec("stages", "阶段安排", "Stages", "stages", only_types=("plan",), max_length=STAGE_NAME_MAX,
                  max_items=LIST_MAX),
        FieldSpec("cadence", "频次要求", "Cadence", "cadence", only_types=("plan",), max_items=LIST_MAX),  # rules
        FieldSpec("form", "学习形式", "Form", "vocab", STUDY_FORMS, only_types=("study",)),
        FieldSpec("host", "主持人", "Host", "text", only_types=("study",), max_length=NAME_MAX),
        FieldSpec("attendees", "参加人数", "Attendees", "int", only_types=("study",), minimum=0, maximum=100_000),
        FieldSpec("hours", "学时", "Hours", "number", only_types=("study",), above=0, maximum=1_000),
        FieldSpec("issue", "期号", "Issue", "int", only_types=("briefing",), minimum=1, maximum=9_999),
        # Set by `archive import`: SHA-256 of the imported title and body, so a re-import is skipped.
        FieldSpec("import_digest", "导入摘要", "Import digest", "text", max_length=80),
    ]
}

# Whole files and what every YAML loader accepts (frontmatter.py, registry.py).
RECORD_MAX_BYTES = 2 * 1024 * 1024  # a record file (its text; attachments are separate files)
REGISTRY_MAX_BYTES = 1024 * 1024  # archive.yml
FRONT_MATTER_MAX = 64 * 1024  # characters of a record's front-matter
YAML_DEPTH_MAX = 16  # nested lists and mappings (a plan's cadence rule needs 4)
YAML_KEY_MAX = 64  # characters of a key: every field name and registry key is short
# Names under the records folder become URLs: letters and digits of any script, - _ and . only.
PATH_NAME_MAX = 80  # characters of one file or folder name (a Han character is 3 bytes of the 255 allowed)
RECORD_PATH_MAX = 200  # characters of a record's path under the records folder

# `archive import` writes a field it could not infer as "待填写：<label>"; validation rejects it.
PLACEHOLDER = "待填写"

# Fields a type cannot do without, beyond the ones every record needs.
REQUIRED_BY_TYPE: dict[str, tuple[str, ...]] = {
    "study": ("form",),
    "briefing": ("issue",),
}

# Keys an editor writes into a record for itself, not fields of the record: Front Matter CMS (VS Code)
# notes the form it filled in as fmContentType. The check passes over them; nothing reads them.
EDITOR_KEYS = ("fmContentType",)

# Fields an English translation file (x.en.md) may set; the rest comes from the Chinese record.
TRANSLATABLE_FIELDS = ("title", "keywords", "responsible", "host")


def required_fields(type_code: str | None) -> list[str]:
    """Every field a record of this type needs, in contract order."""
    base = [name for name, spec in FIELDS.items() if spec.required]
    return base + list(REQUIRED_BY_TYPE.get(type_code or "", ()))
