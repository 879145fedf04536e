"""Interface text in both languages. Field and vocabulary labels live in ``schema``."""

from __future__ import annotations

from .compliance import CELL_STATUSES
from .periods import PERIODS
from .schema import FIELDS, RETENTION, SECRECY, STATUSES, STUDY_FORMS, TYPES, Vocabulary

UI: dict[str, dict[str, str]] = {
    "zh": {
        "metadata": "档案信息",
        "draft_banner": "草稿：此记录尚未发布，只在本地预览中显示，不会出现在发布的网站上。",
        "stage_list": "阶段安排",
        "stage": "阶段",
        "date_range": "起止日期",
        "count": "件数",
        "previous": "上一件",
        "next": "下一件",
        "in_stage": "同一阶段",
        "chinese_only": "（中文）",
        "original_language": "本记录只有中文版本。",
        "unit_with_kind": "{unit}（{kind}）",
        "list_sep": "、",
        "search_needs_js": "检索需要启用 JavaScript。",
        "digest": "SHA-256 摘要",
        "filed_on": "归档日期",
        "amendments": "备考表",
        "no_amendments": "归档后未作修改。",
        "attachments": "附件",
        "attachment_name": "文件名",
        "attachment_kind": "类型",
        "attachment_size": "大小",
        "attachment_digest": "哈希值（SHA-256）",
        "attachment_download": "下载",
        "reason": "原因",
        "date": "日期",
        "git_dates": "版本库记录：首次提交 {created}，最后修改 {updated}",
        "search_title": "档案检索",
        "search_placeholder": "检索档案：词语、文号、档号、人名…",
        "search_label": "检索档案",
        "search_button": "检索",
        "search_intro": "输入检索词并按需选择条件；检索条件保存在地址中，可以收藏或发给他人。",
        "any": "全部",
        "sort": "排序",
        "sort_relevance": "相关度",
        "sort_newest": "日期（新→旧）",
        "sort_oldest": "日期（旧→新）",
        "query": "检索词",
        "more_results": "更多结果",
        "compliance_title": "合规检查：频次要求落实情况",
        "compliance_intro": (
            "截至 {today}，按 archive.yml 和各方案中的频次要求逐期核对已发布、已归档的记录（草稿不计）。"
        ),
        "legend": "图例",
        "rule_source": "依据",
        "rate": "落实率",
        "gaps": "缺失清单（最严重的在前）",
        "no_gaps": "没有缺失。",
        "period": "周期",
        "requirement": "要求",
        "download_compliance_csv": "下载合规明细 CSV",
        "compliance_summary": "频次要求落实情况",
        "not_due": "未到期",
        "stats_title": "统计图表",
        "chart_data": "图表数据",
        "chart_month_title": "每月记录件数（按材料类型）",
        "chart_month_desc": "{first}至{last}每月的记录件数，按材料类型分段堆叠。"
                            "共 {total} 件；最多的月份是 {peak}（{peak_n} 件）。",
        "chart_unit_title": "各单位每年记录件数",
        "chart_unit_desc": "{units} 个单位{first}至{last}每年的记录件数，按年度分段堆叠。"
                           "共 {total} 件；最多的是 {peak}（{peak_n} 件）。",
        "chart_empty_desc": "暂无记录。",
        "chart_month": "月份",
        "chart_year": "{year}年",
        "chart_sep": "：",
        "overview": "档案总览",
        "title": "题名",
        "doc_no": "文号",
        "archive_no": "档号",
        "by_date": "按日期",
        "by_stage": "按阶段",
        "by_type": "按类型",
        "by_unit": "按单位",
        "catalogue": "归档文件目录",
        "year": "年度",
        "type": "类型",
        "unit": "单位",
        "plan": "方案",
        "newest": "最新的记录",
        "indexes": "索引",
        "counts_by_type": "按类型统计",
        "counts_by_unit": "按单位统计",
        "counts_by_year": "按年度统计",
        "total": "合计",
        "year_title": "{year}年档案",
        "plan_title": "{plan}：阶段档案",
        "catalogue_title": "{year}年归档文件目录",
        "plans_of_unit": "本单位的方案",
        "records_by_year": "按年度和类型的记录",
        "empty_stage": "本阶段暂无记录。",
        "no_plans": "本单位暂无方案。",
        "download_csv": "下载 CSV（Excel 可直接打开）",
        "download_xlsx": "下载 Excel 工作簿",
        "filed_count": "已归档件数",
        "catalogue_note": "按档号排列；序号在各单位内连续编排。",
        "record_count": "{n} 件",
        "plan_record": "方案原文",
        "jump_to": "跳转到",
        "kind": "单位类别",
        "month_label": "{month}月",
        "draft": "草稿",
        "all_plans": "全部方案及其阶段",
    },
    "en": {
        "metadata": "Record details",
        "draft_banner": (
            "Draft: this record is not published. It shows only in a local preview, never on the published site."
        ),
        "stage_list": "Stages",
        "stage": "Stage",
        "date_range": "Dates",
        "count": "Count",
        "previous": "Previous",
        "next": "Next",
        "in_stage": "In the same stage",
        "chinese_only": "(Chinese)",
        "original_language": "This record exists in Chinese only.",
        "unit_with_kind": "{unit} ({kind})",
        "list_sep": ", ",
        "search_needs_js": "Search needs JavaScript.",
        "digest": "SHA-256 digest",
        "filed_on": "Filed on",
        "amendments": "Amendment history",
        "no_amendments": "Not changed since filing.",
        "attachments": "Attachments",
        "attachment_name": "File",
        "attachment_kind": "Kind",
        "attachment_size": "Size",
        "attachment_digest": "Hash (SHA-256)",
        "attachment_download": "Download",
        "reason": "Reason",
        "date": "Date",
        "git_dates": "In the repository: first committed {created}, last changed {updated}",
        "search_title": "Search the archive",
        "search_placeholder": "Search: words, document no., archival no., names…",
        "search_label": "Search the archive",
        "search_button": "Search",
        "search_intro": (
            "Type what you look for and narrow it down; the search is kept in the address, to bookmark or share."
        ),
        "any": "Any",
        "sort": "Sort",
        "sort_relevance": "Relevance",
        "sort_newest": "Date (newest first)",
        "sort_oldest": "Date (oldest first)",
        "query": "Search for",
        "more_results": "More results",
        "compliance_title": "Compliance with recurring duties",
        "compliance_intro": (
            "As of {today}: each duty of archive.yml and of the plans, checked period by period against "
            "published and filed records (drafts do not count)."
        ),
        "legend": "Legend",
        "rule_source": "Source",
        "rate": "Rate",
        "gaps": "Gaps, worst first",
        "no_gaps": "No gaps.",
        "period": "Period",
        "requirement": "Requirement",
        "download_compliance_csv": "Download the compliance CSV",
        "compliance_summary": "Recurring duties",
        "not_due": "not due",
        "stats_title": "Statistics",
        "chart_data": "Data of the chart",
        "chart_month_title": "Records per month, by type",
        "chart_month_desc": "Records per month from {first} to {last}, stacked by type. {total} records in all; "
                            "the busiest month was {peak} ({peak_n}).",
        "chart_unit_title": "Records per unit per year",
        "chart_unit_desc": "Records of {units} units per year from {first} to {last}, stacked by year. {total} "
                           "records in all; the most were kept by {peak} ({peak_n}).",
        "chart_empty_desc": "No records yet.",
        "chart_month": "Month",
        "chart_year": "{year}",
        "chart_sep": ": ",
        "overview": "Archive overview",
        "title": "Title",
        "doc_no": "Document no.",
        "archive_no": "Archival no.",
        "by_date": "By date",
        "by_stage": "By stage",
        "by_type": "By type",
        "by_unit": "By unit",
        "catalogue": "Catalogue of filed records",
        "year": "Year",
        "type": "Type",
        "unit": "Unit",
        "plan": "Plan",
        "newest": "Newest records",
        "indexes": "Indexes",
        "counts_by_type": "Records by type",
        "counts_by_unit": "Records by unit",
        "counts_by_year": "Records by year",
        "total": "Total",
        "year_title": "Records of {year}",
        "plan_title": "{plan}: records by stage",
        "catalogue_title": "Catalogue of filed records, {year}",
        "plans_of_unit": "Plans of this unit",
        "records_by_year": "Records by year and type",
        "empty_stage": "No records filed in this stage yet.",
        "no_plans": "This unit has no plans yet.",
        "download_csv": "Download CSV (opens in Excel)",
        "download_xlsx": "Download Excel workbook",
        "filed_count": "Filed records",
        "catalogue_note": "Ordered by archival number; numbers run within each unit.",
        "record_count": "{n} records",
        "plan_record": "The plan itself",
        "jump_to": "Jump to",
        "kind": "Kind",
        "month_label": "{month_name}",
        "draft": "draft",
        "all_plans": "Every plan and its stages",
    },
}

VOCABULARIES: dict[str, Vocabulary] = {
    "type": TYPES,
    "status": STATUSES,
    "secrecy": SECRECY,
    "retention": RETENTION,
    "form": STUDY_FORMS,
    "compliance": CELL_STATUSES,  # met 达标 | missing 缺失 | exempt 豁免 | in_progress 进行中
    "per": PERIODS,
}


def ui(lang: str, key: str) -> str:
    return UI.get(lang, UI["zh"])[key]


def field_label(name: str, lang: str) -> str:
    return FIELDS[name].label(lang)


def term_label(vocabulary: str, code: str, lang: str) -> str:
    return VOCABULARIES[vocabulary][code].label(lang)


# What search.js says, per language (sent to the page as JSON).
SEARCH_STRINGS = {
    "zh": {
        "results": "约 {n} 条结果", "no_results": "没有找到包含该检索词的记录。", "advanced": "高级检索与更多结果 →",
        "failed": "检索失败：", "showing": "显示 {shown} 条，共约 {n} 条", "searching": "正在检索…",
        "prompt": "请输入检索词或选择条件。", "draft": "草稿", "archive_no": "档号", "doc_no": "文号", "unit": "单位",
        "date": "日期",
    },
    "en": {
        "results": "About {n} results", "no_results": "No record contains what you searched for.",
        "advanced": "Advanced search and more results →", "failed": "Search failed:",
        "showing": "Showing {shown} of about {n}", "searching": "Searching…",
        "prompt": "Type a query or choose filters.",
        "draft": "draft", "archive_no": "Archival no.", "doc_no": "Document no.", "unit": "Unit", "date": "Date",
    },
}

MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


def month_label(month: int, lang: str) -> str:
    return ui(lang, "month_label").format(month=month, month_name=MONTHS_EN[month - 1])

