"""Interface text in both languages. Field and vocabulary labels live in ``schema``."""

from __future__ import annotations

from .schema import FIELDS, RETENTION, SECRECY, STATUSES, STUDY_FORMS, TYPES, Vocabulary

UI: dict[str, dict[str, str]] = {
    "zh": {
        "metadata": "档案信息",
        "draft_banner": "草稿：此记录尚未发布，只在本地预览中显示，不会出现在发布的网站上。",
        "yes": "是",
        "no": "否",
        "stage_list": "阶段安排",
        "stage": "阶段",
        "date_range": "起止日期",
        "records": "记录",
        "count": "件数",
        "no_records": "暂无记录",
        "unit_page": "本单位档案",
        "year_page": "本年度档案",
        "plan_page": "所属方案的阶段档案",
        "previous": "上一件",
        "next": "下一件",
        "in_stage": "同一阶段",
        "chinese_only": "（中文）",
        "original_language": "本记录只有中文版本。",
        "digest": "SHA-256 摘要",
        "filed_on": "归档日期",
        "amendments": "备考表",
        "reason": "原因",
        "date": "日期",
        "withdrawn": "已撤出",
        "archive": "档案",
    },
    "en": {
        "metadata": "Record details",
        "draft_banner": (
            "Draft: this record is not published. It shows only in a local preview, never on the published site."
        ),
        "yes": "yes",
        "no": "no",
        "stage_list": "Stages",
        "stage": "Stage",
        "date_range": "Dates",
        "records": "Records",
        "count": "Count",
        "no_records": "No records yet",
        "unit_page": "This unit's records",
        "year_page": "Records of this year",
        "plan_page": "The plan's stages",
        "previous": "Previous",
        "next": "Next",
        "in_stage": "In the same stage",
        "chinese_only": "(Chinese)",
        "original_language": "This record exists in Chinese only.",
        "digest": "SHA-256 digest",
        "filed_on": "Filed on",
        "amendments": "Amendment history",
        "reason": "Reason",
        "date": "Date",
        "withdrawn": "Withdrawn",
        "archive": "Archive",
    },
}

VOCABULARIES: dict[str, Vocabulary] = {
    "type": TYPES,
    "status": STATUSES,
    "secrecy": SECRECY,
    "retention": RETENTION,
    "form": STUDY_FORMS,
}


def ui(lang: str, key: str) -> str:
    return UI.get(lang, UI["zh"])[key]


def field_label(name: str, lang: str) -> str:
    return FIELDS[name].label(lang)


def term_label(vocabulary: str, code: str, lang: str) -> str:
    return VOCABULARIES[vocabulary][code].label(lang)


def lang_prefix(lang: str) -> str:
    """The URL prefix of a language's pages: '' for Chinese, 'en/' for English."""
    return "" if lang == "zh" else f"{lang}/"
