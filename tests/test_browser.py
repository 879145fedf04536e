"""The search in a real browser: Chromium (Debian's) drives a small archive built for real and
served on 127.0.0.1, through the header box and the advanced search page, as readers and
auditors use them. Every page is watched: nothing may load from another origin, no request may
fail, no console or page error, no dialog (see browsing.py)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from browsing import Watch, serve
from conftest import FILERS, Project, add_pages, minimal, q
from playwright.sync_api import Page, expect

REGISTRY = """\
fonds: Z001
fonds_name: 测试全宗
records_dir: archive
units:
  - code: LXZ
    name: 柳溪镇党委
    name_en: Liuxi Town Party Committee
    kind: town
  - code: MDZ
    name: 明德中学党支部
    name_en: Mingde Middle School Party Branch
    kind: school
  - code: CHY
    name: 春晖幼儿园党支部
    name_en: Chunhui Kindergarten Party Branch
    kind: kindergarten
  - code: QYS
    name: 青云社区党委
    name_en: Qingyun Community Party Committee
    kind: community
stages: [宣传动员, 学习讨论, 调查研究, 总结]
"""
PLAN_STAGES = """
  - {name: 宣传动员, start: 2023-03-01, end: 2023-03-31}
  - {name: 学习讨论, start: 2023-04-01, end: 2023-06-30}
  - {name: 调查研究, start: 2023-07-01, end: 2023-09-30}
  - {name: 总结, start: 2023-10-01, end: 2023-12-31}"""
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"

# Titles, by what each record is for.
PLAN = "柳溪镇2023年意识形态工作方案"
LXZ_STUDY = "宣传动员阶段集中学习"
OPINION = "关于村道施工噪声的舆情信息"
REPORT = "落实意识形态工作责任制情况的专题汇报"
ANALYSIS = "第三季度意识形态风险分析研判"
BRIEFING = "理论学习简报（第1期）"
SUMMARY = "柳溪镇2024年度意识形态工作总结"
MDZ_STUDY = "教职工集中学习记录"
MDZ_STUDY_EN = "Staff group study record"
DROPOUT = "秋季学期控辍保学风险研判"
CHY_STUDY = "主题党日活动记录"
CHY_DUTY = "2023年度支部书记述职报告"

PATHS = {  # title -> path under docs/archive/ (without .md)
    PLAN: "LXZ/2023/2023-02-10-lxz-plan", LXZ_STUDY: "LXZ/2023/2023-03-15-lxz-study",
    OPINION: "LXZ/2023/2023-05-18-lxz-opinion", REPORT: "LXZ/2023/2023-06-28-lxz-report",
    ANALYSIS: "LXZ/2023/2023-08-22-lxz-analysis", BRIEFING: "LXZ/2024/2024-04-20-lxz-briefing",
    SUMMARY: "LXZ/2025/2025-01-08-lxz-summary", MDZ_STUDY: "MDZ/2024/2024-03-12-mdz-study",
    DROPOUT: "MDZ/2024/2024-09-05-mdz-analysis", HOSTILE_SCRIPT: "MDZ/2025/2025-03-20-mdz-minutes",
    HOSTILE_IMG: "MDZ/2025/2025-04-02-mdz-notice", CHY_STUDY: "CHY/2025/2025-05-16-chy-study",
    CHY_DUTY: "CHY/2023/2023-11-03-chy-duty",
}
TO_FILE = {"永久": [PLAN, REPORT], "30年": [CHY_DUTY, MDZ_STUDY, SUMMARY], "10年": [DROPOUT]}
ARCHIVE_NOS = {  # what the real filing gives them (件号 in date order within each class)
    PLAN: "Z001-WS·2023-Y-LXZ-0001", REPORT: "Z001-WS·2023-Y-LXZ-0002", CHY_DUTY: "Z001-WS·2023-D30-CHY-0001",
    SUMMARY: "Z001-WS·2025-D30-LXZ-0001", DROPOUT: "Z001-WS·2024-D10-MDZ-0001",
    MDZ_STUDY: "Z001-WS·2024-D30-MDZ-0001",  # translated: its English page shows the stamp in English
}
GRID = [f"青云社区网格简报（第{n}期）" for n in range(1, 9)]  # enough records for a second page of results
STAMPED_PAGES = 3  # 页数 of every filed record
FILING_NOTE = "原件为纸质，扫描件另存"  # 本件情况说明 given when filing
DRAFT_ONLY = "雏菊"  # in the draft only: drafts are not published, so not found


def write_archive(proj: Project) -> None:
    def record(title: str, body: str, **fields) -> None:
        proj.record(PATHS[title] + ".md", body, **minimal(title=q(title), **fields))

    plan, no_form = {"plan": "lxz-2023-plan"}, {"form": None}
    record(PLAN, "## 工作目标\n\n为全面落实意识形态工作责任制，结合本镇实际，制定本方案。\n\n## 工作要求\n\n各村（社区）按阶段推进。\n",
           type="plan", unit="LXZ", date="2023-02-10", id="lxz-2023-plan", doc_no="柳溪党发〔2023〕12号",
           responsible="周明远", stages=PLAN_STAGES, keywords="[意识形态, 方案]", **no_form)
    record(LXZ_STUDY, "## 学习内容\n\n学习网络舆情应对的有关要求，交流本村宣传工作做法。\n",
           unit="LXZ", date="2023-03-15", stage="宣传动员", host="韩秋实", attendees="32", hours="2", **plan)
    record(OPINION, "## 舆情概况\n\n5月17日，有群众在本地论坛反映村道夜间施工噪声扰民。\n\n## 舆情研判\n\n"
           "该舆情关注度较低，已协调施工单位调整作业时间。\n", type="opinion", unit="LXZ", date="2023-05-18", **no_form)
    record(REPORT, "## 工作开展情况\n\n镇党委召开专题会议研究部署，层层签订责任书。\n",
           type="report", unit="LXZ", date="2023-06-28", doc_no="柳溪党发〔2023〕15号", responsible="周明远",
           stage="学习讨论", **plan, **no_form)
    record(ANALYSIS, "## 总体情况\n\n本季度网络舆情总体平稳，未发生重大风险事件。\n",
           type="analysis", unit="LXZ", date="2023-08-22", stage="调查研究", **plan, **no_form)
    record(BRIEFING, "## 本期要目\n\n各支部开展理论学习情况。\n\n本期编辑：郑雨桐\n",
           type="briefing", unit="LXZ", date="2024-04-20", issue="1", **no_form)
    record(SUMMARY, "## 主要成效\n\n全年意识形态工作扎实推进，阵地管理规范有序。\n",
           type="summary", unit="LXZ", date="2025-01-08", **no_form)
    record(MDZ_STUDY, "## 学习内容\n\n全体教职工学习师德师风建设有关文件，并结合岗位谈体会。\n",
           unit="MDZ", date="2024-03-12", host="顾晓岚", attendees="56")
    proj.write(f"docs/archive/{PATHS[MDZ_STUDY]}.en.md",
               f"---\ntitle: {MDZ_STUDY_EN}\nhost: Gu Xiaolan\n---\n## Contents\n\n"
               "All staff studied the documents on teachers' professional ethics.\n")
    record(DROPOUT, "## 风险研判\n\n建立控辍保学风险学生台账，逐人落实帮扶责任。\n",
           type="analysis", unit="MDZ", date="2024-09-05", responsible="沈若兰", **no_form)
    record(HOSTILE_SCRIPT, "支部委员会会议纪要正文。\n", type="minutes", unit="MDZ", date="2025-03-20", **no_form)
    record(HOSTILE_IMG, "通报正文。\n", type="notice", unit="MDZ", date="2025-04-02", **no_form)
    record(CHY_STUDY, "## 活动内容\n\n组织党员赴白鹭湖湿地开展主题党日活动，清理岸边垃圾。\n",
           unit="CHY", date="2025-05-16", form="主题党日", host="林嘉禾")
    record(CHY_DUTY, "## 履职情况\n\n一年来，认真履行党建工作第一责任人职责。\n",
           type="duty", unit="CHY", date="2023-11-03", responsible="许慕青", **no_form)
    for n, title in enumerate(GRID, start=1):
        proj.record(f"QYS/2024/2024-{n:02d}-15-qys-briefing-{n}.md", f"本期刊发网格员走访情况（第{n}期）。\n",
                    **minimal(title=q(title), type="briefing", unit="QYS", date=f"2024-{n:02d}-15", issue=str(n), form=None))
    proj.record("CHY/2025/2025-06-01-chy-draft.md", f"尚未完成的草稿：{DRAFT_ONLY}与舆情。\n",
                **minimal(title="未完成的草稿", unit="CHY", date="2025-06-01", status="draft"))

    from filing_archive.filing import file_records

    for retention, titles in TO_FILE.items():
        paths = [proj.root / "docs/archive" / f"{PATHS[t]}.md" for t in titles]
        for path in paths:
            add_pages(path, STAMPED_PAGES)
        result = file_records(proj.root, [str(p) for p in paths], retention, **FILERS, note=FILING_NOTE)
        assert not result.problems, result.problems


@pytest.fixture(scope="session")
def search_site(tmp_path_factory) -> Path:
    proj = Project(tmp_path_factory.mktemp("search") / "proj", registry=REGISTRY)
    write_archive(proj)
    result = proj.build()
    assert result.returncode == 0, result.stderr
    return proj.site


# --- the site, its server and the browser: once per session ------------------------------------
@pytest.fixture(scope="session")
def origin(search_site) -> str:
    with serve(search_site) as url:
        yield url


@pytest.fixture(scope="session")
def watched_context(browser, origin):
    """One browser context for the session (its cache makes page loads quick), watched throughout."""
    context = browser.new_context(locale="zh-CN")
    watch = Watch(origin)
    watch.attach(context)
    context.set_default_timeout(5000)
    yield context, watch
    context.close()


@pytest.fixture
def watch(watched_context) -> Watch:
    """What this test's pages did: after the test it must have stayed on the site and gone without error."""
    watch = watched_context[1]
    watch.clear()
    yield watch
    assert not watch.problems(), watch.problems()


@pytest.fixture
def page(watched_context, watch) -> Page:
    """A fresh tab."""
    tab = watched_context[0].new_page()
    yield tab
    tab.close()


@pytest.fixture(scope="session")
def home_tab(watched_context, origin) -> Page:
    tab = watched_context[0].new_page()
    tab.goto(f"{origin}/")
    return tab


@pytest.fixture
def home(watch, home_tab) -> Page:
    """The home page, one tab shared by the tests that only type into the header box."""
    return home_tab


def record_url(origin: str, title: str, lang: str = "zh") -> str:
    return f"{origin}/{'en/' if lang == 'en' else ''}archive/{PATHS[title]}/"


def quick(page: Page, query: str) -> list[dict]:
    """Type ``query`` into the header box; the dropdown's results once they answer this query."""
    if page.locator("#archive-q").input_value().strip() == query.strip():  # the box shows its answer already
        page.locator("#archive-q").fill("")
        expect(page.locator("#archive-quick")).to_be_hidden()
    page.locator("#archive-q").fill(query)
    page.wait_for_function("""q => {
        const box = document.getElementById("archive-quick"), more = box.querySelector("a.archive-quick__more");
        return !box.hidden && more && new URL(more.href).searchParams.get("q") === q;
    }""", arg=query.strip())
    return results_in(page, "#archive-quick")


def results_in(page: Page, container: str) -> list[dict]:
    return page.eval_on_selector_all(f"{container} li.archive-result", """items => items.map(li => {
        const a = li.querySelector("a.archive-result__title"), snippet = li.querySelector("p.archive-result__snippet");
        return {title: a.textContent, href: a.href, meta: li.querySelector("p.archive-result__meta").textContent,
                marks: snippet ? Array.from(snippet.querySelectorAll("mark"), m => m.textContent) : [],
                snippet: snippet ? snippet.textContent : ""};
    })""")


def titles(results: list[dict]) -> list[str]:
    return [r["title"] for r in results]


def quick_status(page: Page) -> str:
    return page.locator("#archive-quick p.archive-quick__status").text_content()


def open_search(page: Page, origin: str, query: str = "", lang: str = "zh") -> None:
    """Open the advanced page at ``?query`` and wait until its results are shown."""
    prefix = "/en" if lang == "en" else ""
    page.goto(f"{origin}{prefix}/archive/search/{'?' + query if query else ''}")
    wait_for_results(page)


def wait_for_results(page: Page) -> None:
    page.wait_for_function("""() => {
        const strings = JSON.parse(document.getElementById("archive-search-strings").textContent);
        const text = document.getElementById("archive-results-summary").textContent;
        return text !== "" && text !== strings.searching;
    }""")


def shown(page: Page) -> list[str]:
    return page.locator("#archive-results a.archive-result__title").all_text_contents()


def form_values(page: Page) -> dict:
    return page.eval_on_selector("#archive-search-form", """form => Object.fromEntries(
        ["q", "unit", "type", "plan", "stage", "year", "status", "sort"].map(n => [n, form.elements[n].value]))""")


def url_params(page: Page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


# --- the header box: every kind of query a reader types -----------------------------------------
QUERY_KINDS = [  # (kind, typed, the records found (first one first when the order is defined), marked text)
    ("word", "舆情", [OPINION, {ANALYSIS, LXZ_STUDY}], "舆情"),
    ("phrase", "意识形态工作责任制", [REPORT, PLAN], "意识形态工作责任制"),
    ("phrase across words", "控辍保学风险学生台账", [DROPOUT], "控辍保学风险学生台账"),
    ("two terms", "周明远 责任书", [REPORT], "责任书"),
    ("unit name", "春晖幼儿园党支部", [{CHY_STUDY, CHY_DUTY}], "春晖幼儿园党支部"),
    ("responsible", "周明远", [{PLAN, REPORT}], "周明远"),
    ("host", "韩秋实", [LXZ_STUDY], "韩秋实"),
    ("name in the text", "郑雨桐", [BRIEFING], "郑雨桐"),
    ("文号 year and number", "〔2023〕12号", [PLAN], "〔2023〕12号"),
    ("文号 number", "12号", [PLAN], "12号"),
    ("文号 with ASCII brackets", "[2023]12号", [PLAN], "〔2023〕12号"),
    ("文号 full", "柳溪党发〔2023〕15号", [REPORT], "柳溪党发〔2023〕15号"),
    ("档号 prefix", "Z001-WS·2023", [{PLAN, REPORT, CHY_DUTY}], "Z001-WS·2023"),
    ("档号 full", "Z001-WS·2024-D10-MDZ-0001", [DROPOUT], "Z001-WS·2024-D10-MDZ-0001"),
    ("档号 lower case, katakana dot", "z001-ws・2023-y-lxz-0002", [REPORT], "Z001-WS·2023-Y-LXZ-0002"),
    ("档号 full-width", "Ｚ００１－ＷＳ·２０２５", [SUMMARY], "Z001-WS·2025"),
    ("one character", "鹭", [CHY_STUDY], "鹭"),
]


@pytest.mark.parametrize("kind, typed, expected, marked", QUERY_KINDS, ids=[k[0] for k in QUERY_KINDS])
def test_header_box_finds_each_kind_of_query(home, origin, kind, typed, expected, marked):
    results = quick(home, typed)
    groups = [g if isinstance(g, set) else {g} for g in expected]
    found, at = titles(results), 0
    for group in groups:  # the groups in order; within a group, any order
        assert set(found[at : at + len(group)]) == group, (typed, found)
        at += len(group)
    assert len(found) == at, (typed, found)
    assert [r["href"] for r in results] == [record_url(origin, t) for t in found]
    for r in results:  # the match is marked as written in the record, whatever the reader typed
        assert r["marks"] and set(r["marks"]) == {marked}, (typed, r)
    assert quick_status(home) == f"约 {len(found)} 条结果"
    more = urlsplit(home.locator("#archive-quick a.archive-quick__more").evaluate("a => a.href"))
    assert (f"{more.scheme}://{more.netloc}{more.path}", parse_qs(more.query)) == (
        f"{origin}/archive/search/", {"q": [typed]})


def test_header_box_shows_filing_fields(page, origin):
    page.goto(f"{origin}/archive/")
    (result,) = quick(page, "12号")
    assert result["meta"] == "档号: Z001-WS·2023-Y-LXZ-0001文号: 柳溪党发〔2023〕12号单位: 柳溪镇党委日期: 2023-02-10"
    assert result["href"] == record_url(origin, PLAN)  # from a page one level down, still the right page


@pytest.mark.parametrize("typed", ["火星基地", DRAFT_ONLY, "工作责任书"], ids=["absent", "draft only", "pieces not adjacent"])
def test_header_box_says_when_no_record_contains_the_query(home, typed):
    # 工作责任书: every bigram is in the report (工作责任制, 责任书) but the string is not; drafts are not published
    assert quick(home, typed) == []
    assert quick_status(home) == "没有找到包含该检索词的记录。"


def test_header_box_keys_and_links(page, origin):
    page.goto(f"{origin}/")
    first = quick(page, "舆情")[0]
    page.locator("#archive-q").press("ArrowDown")
    page.locator("#archive-q").press("Enter")
    page.wait_for_url(first["href"])
    expect(page.locator("article h1")).to_have_text(OPINION)

    quick(page, "舆情")  # from a record page four levels down, the more link still reaches the search page
    page.locator("#archive-quick a.archive-quick__more").click()
    page.wait_for_url(f"{origin}/archive/search/?q={quote('舆情')}")
    wait_for_results(page)
    assert form_values(page)["q"] == "舆情"
    assert shown(page)[0] == OPINION and set(shown(page)) == {OPINION, ANALYSIS, LXZ_STUDY}

    page.locator("#archive-q").fill("意识形态工作责任制")  # Enter without choosing a result: the advanced page
    page.locator("#archive-q").press("Enter")
    page.wait_for_url(f"{origin}/archive/search/?q={quote('意识形态工作责任制')}")
    wait_for_results(page)
    assert shown(page) == [REPORT, PLAN]
    page.locator("#archive-q").fill("鹭")
    page.wait_for_selector("#archive-quick:not([hidden])")
    page.locator("#archive-q").press("Escape")
    expect(page.locator("#archive-quick")).to_be_hidden()


# --- the advanced page: filters, sort, URL state --------------------------------------------------
ADVANCED = [  # (URL query, titles in order; None: in any order)
    ("unit=LXZ&year=2023&sort=oldest", [PLAN, LXZ_STUDY, OPINION, REPORT, ANALYSIS]),
    ("unit=LXZ&year=2023&sort=newest", [ANALYSIS, REPORT, OPINION, LXZ_STUDY, PLAN]),
    ("type=study&sort=newest", [CHY_STUDY, MDZ_STUDY, LXZ_STUDY]),
    ("status=filed&sort=oldest", [PLAN, REPORT, CHY_DUTY, MDZ_STUDY, DROPOUT, SUMMARY]),
    ("plan=lxz-2023-plan&sort=oldest", [LXZ_STUDY, REPORT, ANALYSIS]),
    ("plan=lxz-2023-plan&stage=学习讨论", [REPORT]),
    ("stage=调查研究", [ANALYSIS]),
    ("q=意识形态&unit=LXZ&sort=newest", [SUMMARY, ANALYSIS, REPORT, PLAN]),
    ("q=意识形态&unit=LXZ&sort=oldest", [PLAN, REPORT, ANALYSIS, SUMMARY]),
    ("q=意识形态工作责任制", [REPORT, PLAN]),  # relevance: the title match first
    ("q=舆情&year=2024", []),
    ("q=周明远&unit=LXZ&type=report&plan=lxz-2023-plan&stage=学习讨论&year=2023&status=filed&sort=newest", [REPORT]),
    ("q=支部&unit=MDZ&year=2025", None),
]


@pytest.mark.parametrize("query, expected", ADVANCED, ids=[a[0] for a in ADVANCED])
def test_advanced_page_opens_with_the_url_state(page, origin, query, expected):
    open_search(page, origin, query)
    params = {k: v[0] for k, v in parse_qs(query).items()}
    assert form_values(page) == {name: params.get(name, "") for name in form_values(page)}
    found = shown(page)
    if expected is None:
        assert set(found) == {HOSTILE_SCRIPT, HOSTILE_IMG}
    else:
        assert found == expected
    summary = page.locator("#archive-results-summary").text_content()
    assert summary == (f"显示 {len(found)} 条，共约 {len(found)} 条" if found else "没有找到包含该检索词的记录。")
    hrefs = page.eval_on_selector_all("#archive-results a.archive-result__title", "l => l.map(a => a.href)")
    assert hrefs == [record_url(origin, t) for t in found]
    expect(page.locator("#archive-results-more")).to_be_hidden()


def test_advanced_page_shows_filing_fields_and_marks(page, origin):
    open_search(page, origin, "q=" + quote("[2023]12号"))
    (result,) = results_in(page, "#archive-results")
    assert result["title"] == PLAN
    assert "档号: Z001-WS·2023-Y-LXZ-0001" in result["meta"] and "文号: 柳溪党发〔2023〕12号" in result["meta"]
    assert result["marks"] == ["〔2023〕12号"]


def test_advanced_page_more_results(page, origin):
    everything = sorted(set(PATHS) | set(GRID), key=lambda t: (date_of(t), t), reverse=True)
    open_search(page, origin, "sort=newest")
    assert len(everything) > 20  # three pages of ten
    assert shown(page) == everything[:10]
    expect(page.locator("#archive-results-summary")).to_have_text(f"显示 10 条，共约 {len(everything)} 条")
    page.locator("#archive-results-more").click()
    expect(page.locator("#archive-results li.archive-result")).to_have_count(20)
    page.locator("#archive-results-more").click()
    expect(page.locator("#archive-results li.archive-result")).to_have_count(len(everything))
    assert shown(page) == everything
    expect(page.locator("#archive-results-more")).to_be_hidden()


def date_of(title: str) -> str:
    if title in GRID:
        return f"2024-{GRID.index(title) + 1:02d}-15"
    return PATHS[title].split("/")[-1][:10]


def test_advanced_page_submit_pushes_the_url_and_back_restores(page, origin):
    open_search(page, origin, "q=舆情")
    relevance = [OPINION, ANALYSIS, LXZ_STUDY]
    assert shown(page)[0] == OPINION and set(shown(page)) == set(relevance)
    relevance = shown(page)

    page.select_option("#archive-search-form select[name=year]", "2023")
    page.select_option("#archive-search-form select[name=sort]", "oldest")
    page.locator("#archive-search-form button[type=submit]").click()
    expect(page.locator("#archive-results a.archive-result__title")).to_have_text([LXZ_STUDY, OPINION, ANALYSIS])
    assert url_params(page) == {"q": "舆情", "year": "2023", "sort": "oldest"}

    page.locator("#archive-search-form input[name=q]").fill("意识形态")
    page.select_option("#archive-search-form select[name=unit]", "LXZ")
    page.locator("#archive-search-form input[name=q]").press("Enter")
    expect(page.locator("#archive-results a.archive-result__title")).to_have_text([PLAN, REPORT, ANALYSIS])
    assert url_params(page) == {"q": "意识形态", "unit": "LXZ", "year": "2023", "sort": "oldest"}

    page.go_back()
    expect(page.locator("#archive-results a.archive-result__title")).to_have_text([LXZ_STUDY, OPINION, ANALYSIS])
    assert url_params(page) == {"q": "舆情", "year": "2023", "sort": "oldest"}
    assert form_values(page) == {"q": "舆情", "unit": "", "type": "", "plan": "", "stage": "", "year": "2023",
                                 "status": "", "sort": "oldest"}

    page.go_back()  # the first search: no filters, relevance, as it was (filters the URL lacks are cleared)
    expect(page.locator("#archive-results a.archive-result__title")).to_have_text(relevance)
    assert url_params(page) == {"q": "舆情"}
    assert form_values(page) == {"q": "舆情", "unit": "", "type": "", "plan": "", "stage": "", "year": "", "status": "",
                                 "sort": ""}

    page.go_forward()
    expect(page.locator("#archive-results a.archive-result__title")).to_have_text([LXZ_STUDY, OPINION, ANALYSIS])
    assert form_values(page)["year"] == "2023" and form_values(page)["sort"] == "oldest"


def test_back_to_the_empty_search_page_clears_it(page, origin):
    page.goto(f"{origin}/archive/search/")
    expect(page.locator("#archive-results-summary")).to_have_text("请输入检索词或选择条件。")
    page.locator("#archive-search-form input[name=q]").fill("鹭")
    page.locator("#archive-search-form input[name=q]").press("Enter")
    expect(page.locator("#archive-results a.archive-result__title")).to_have_text([CHY_STUDY])
    page.go_back()
    expect(page.locator("#archive-results-summary")).to_have_text("请输入检索词或选择条件。")
    expect(page.locator("#archive-results li")).to_have_count(0)
    assert form_values(page)["q"] == ""


def test_header_box_finds_the_handbook_apart_from_the_records(home, origin):
    """A word of the handbook alone: no record, and the handbook's page under its own heading."""
    assert quick(home, "有序列表") == []
    expect(home.locator("#archive-quick .archive-quick__heading")).to_have_text("使用手册")
    links = home.locator("#archive-quick li.archive-page-result a.archive-page-result__title")
    expect(links).to_have_count(1)
    assert (links.text_content(), links.evaluate("a => a.href")) == ("Markdown 十分钟入门", f"{origin}/handbook/markdown/")
    quick(home, "集中学习")  # a records' word: the records as before, the handbook's pages after them
    assert home.locator("#archive-quick li.archive-result").count() == 2
    assert home.locator("#archive-quick li.archive-page-result").count() >= 1


# --- languages ----------------------------------------------------------------------------------------
def test_chinese_query_on_an_english_page_finds_english_pages(page, origin):
    page.goto(f"{origin}/en/")
    results = quick(page, "集中学习")
    assert set(titles(results)) == {MDZ_STUDY_EN, LXZ_STUDY}  # the untranslated record is linked in Chinese
    hrefs = {r["title"]: r["href"] for r in results}
    assert hrefs == {MDZ_STUDY_EN: record_url(origin, MDZ_STUDY, "en"), LXZ_STUDY: record_url(origin, LXZ_STUDY)}
    assert MDZ_STUDY not in titles(results) and record_url(origin, MDZ_STUDY) not in hrefs.values()
    assert quick_status(page) == "About 2 results"
    assert [r["title"] for r in quick(page, "professional ethics")] == [MDZ_STUDY_EN]
    assert quick(page, "顾晓岚")[0]["href"] == record_url(origin, MDZ_STUDY, "en")

    open_search(page, origin, "q=集中学习&sort=oldest", lang="en")
    assert shown(page) == [LXZ_STUDY, MDZ_STUDY_EN]
    expect(page.locator("#archive-results-summary")).to_have_text("Showing 2 of about 2")
    options = page.locator("#archive-search-form select[name=unit] option").all_text_contents()
    assert "Mingde Middle School Party Branch" in options


def test_chinese_page_never_shows_the_english_copy(home, origin):
    results = quick(home, "集中学习")
    assert {r["href"] for r in results} == {record_url(origin, MDZ_STUDY), record_url(origin, LXZ_STUDY)}
    assert MDZ_STUDY_EN not in titles(results)
    assert quick(home, "professional ethics") == []


SWITCHES = [  # (page, language chosen in the header's switch, where it leads)
    (f"/archive/{PATHS[MDZ_STUDY]}/", "en", f"/en/archive/{PATHS[MDZ_STUDY]}/"),  # a translated record
    (f"/en/archive/{PATHS[MDZ_STUDY]}/", "zh", f"/archive/{PATHS[MDZ_STUDY]}/"),
    (f"/archive/{PATHS[LXZ_STUDY]}/", "en", "/en/"),  # no English page: the English home
    ("/archive/by-unit/LXZ/", "en", "/en/archive/by-unit/LXZ/"),  # generated pages
    ("/en/archive/catalogue/2023/", "zh", "/archive/catalogue/2023/"),
    ("/archive/search/", "en", "/en/archive/search/"),
    ("/", "en", "/en/"),  # pages of docs/
    ("/en/handbook/record/", "zh", "/handbook/record/"),
    ("/handbook/fields/", "en", "/en/handbook/fields/"),  # the handbook's generated pages
]


@pytest.mark.parametrize(("start", "lang", "target"), SWITCHES)
def test_language_switch_leads_to_the_same_page_in_the_other_language(page, origin, start, lang, target):
    page.goto(origin + start)
    page.locator(".md-header .md-select").hover()
    page.locator(f".md-select__link[hreflang={lang}]").click()
    page.wait_for_url(origin + target)
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_first_view_fetches_no_sitemap(browser, origin):
    """Material's language switch fetched sitemap.xml of every language on every page: megabytes at
    archive scale for links the pages already carry. A fresh browser (empty cache) asks for neither."""
    context = browser.new_context()
    watch = Watch(origin)
    watch.attach(context)
    tab = context.new_page()
    for path in ("/", f"/archive/{PATHS[MDZ_STUDY]}/", f"/en/archive/{PATHS[MDZ_STUDY]}/", "/archive/by-unit/LXZ/",
                 "/archive/search/"):
        tab.goto(origin + path)
        tab.wait_for_load_state("networkidle")  # the sitemaps were fetched by script, after load
        expect(tab.locator(".md-select__link")).to_have_count(2)  # the switch is still there
    context.close()
    paths = [urlsplit(u).path for u in watch.requests]
    assert "/assets/archive/search.js" in paths  # the watch saw the page's own requests
    assert [p for p in paths if p.endswith("sitemap.xml")] == []
    assert not watch.problems(), watch.problems()


# --- safety: hostile titles, other origins, the JavaScript rules ------------------------------------
def test_hostile_titles_are_shown_as_text(page, origin):
    page.goto(f"{origin}/")
    results = quick(page, "alert")
    assert set(titles(results)) == {HOSTILE_SCRIPT, HOSTILE_IMG}
    for r in results:
        assert r["title"] in r["snippet"] and r["marks"] == ["alert"]
    assert page.locator("#archive-quick img, #archive-quick script").count() == 0
    (result,) = quick(page, "onerror")
    assert result["title"] == HOSTILE_IMG and result["marks"] == ["onerror"]

    open_search(page, origin, "q=alert&sort=oldest")
    assert shown(page) == [HOSTILE_SCRIPT, HOSTILE_IMG]
    assert page.locator("#archive-results img, #archive-results script").count() == 0
    assert page.evaluate("typeof window.alert") == "function"  # still the browser's; any call would be a dialog


def test_nothing_is_requested_from_another_origin(page, origin, watch):
    page.goto(f"{origin}/")
    quick(page, "意识形态工作责任制")
    page.goto(record_url(origin, MDZ_STUDY))
    quick(page, "Z001-WS·2023")
    open_search(page, origin, "q=舆情&unit=LXZ", lang="en")
    paths = {urlsplit(u).path for u in watch.requests}
    assert {"/search/meta.json", "/search/docs.zh.json", "/search/docs.en.json", "/assets/archive/search.js"} <= paths
    assert any(p.startswith("/search/p/") for p in paths) and any(p.startswith("/search/t/") for p in paths)
    assert {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in watch.requests if not u.startswith("data:")} == {origin}


def test_the_watch_sees_what_it_must_fail_on(browser, origin):
    """The guards of every test are not vacuous: each kind of trouble is seen."""
    watch = Watch(origin)
    context = browser.new_context()
    watch.attach(context)
    tab = context.new_page()
    tab.goto(f"{origin}/")
    with tab.expect_event("pageerror"):
        tab.evaluate("""async () => {
            await fetch("http://192.0.2.1/x.json").catch(() => null);
            await fetch("no-such-file.json");
            console.error("something broke");
            alert("hello");
            setTimeout(() => { throw new Error("uncaught"); });
        }""")
    context.close()
    assert watch.foreign == ["http://192.0.2.1/x.json"]
    assert [f.split(" ")[0] for f in watch.failed] == ["404"]
    assert "something broke" in watch.console_errors
    assert any("uncaught" in e for e in watch.page_errors)
    assert watch.dialogs == ["alert: hello"]


TRICKY = {  # typed -> the searchable form (both Python's and the browser's)
    "Ｚ００１－ＷＳ・２０２３": "z001-ws·2023",
    "老城党发〔2023〕5号": "老城党发(2023)5号",
    "老城党发[2023]5号": "老城党发(2023)5号",
    "老城党发（2023）5号": "老城党发(2023)5号",
    "老城党发【2023】5号": "老城党发(2023)5号",
    "Z001-WS•2023 Z001-WS‧2023 Z001-WS･2023": "z001-ws·2023 z001-ws·2023 z001-ws·2023",
    "意识\u200b形态\u200c工作\ufeff责任制\u200d": "意识形态工作责任制",
    "舆情\u3000\t 研判\n\r\n信息\u00a0台账": "舆情 研判 信息 台账",
    "ＡＢＣ abc ÀÉ ΣΑΣ İ": "abc abc àé σασ i̇",
    "第⑫号 ㈠ ㊀ ½": "第12号 (一) 一 1⁄2",
    "𠀀𝐀": "𠀀𝐀",  # beyond the BMP: kept as is by both
    "a\x1cb\x85c": "a b c",
}


def test_browser_normalises_and_shards_like_the_index(page, origin):
    from filing_archive.search import normalize, shard_of, tokens

    page.goto(f"{origin}/archive/search/")
    page.wait_for_function("() => window.archiveSearch !== undefined")
    js = page.evaluate("texts => texts.map(t => window.archiveSearch.normalize(t))", list(TRICKY))
    assert js == list(TRICKY.values())
    assert [normalize(t).strip() for t in TRICKY] == list(TRICKY.values())

    # every character both sides know, between two letters (a lone space would be trimmed by the browser)
    chars = [cp for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF and unicodedata.category(chr(cp)) != "Cn"]
    js = page.evaluate("cps => cps.map(cp => window.archiveSearch.normalize('a' + String.fromCharCode(cp) + 'b'))",
                       chars)
    differ = [(hex(cp), j, normalize(f"a{chr(cp)}b")) for cp, j in zip(chars, js, strict=True)
              if j != normalize(f"a{chr(cp)}b")]
    assert differ == []

    pieces = ["意识", "舆", "z0", "(2", "·2", "𠀀字", "12号", "号)", "ɤ"]
    for shards in (16, 1024, 8192):
        js = page.evaluate("([ts, n]) => ts.map(t => window.archiveSearch.shardOf(t, n))", [pieces, shards])
        assert js == [shard_of(t, shards) for t in pieces]
    for typed in ("意识形态工作责任制", "[2023]12号", "Z001-WS·2024-D10-MDZ-0001", "鹭"):
        form = normalize(typed)
        js = page.evaluate("t => window.archiveSearch.termTokens(t)", form)
        assert js and {p["token"] for p in js} <= set(tokens(form)), typed
        covered = {p["offset"] + i for p in js for i in range(len(p["token"]))}
        assert covered == set(range(len(form))) or len(js) == 10, typed  # every character is in some piece
        assert len(js) == min(10, max(1, len(form) - 1)), typed  # every pair, up to ten


# --- queries are trimmed and bounded ---------------------------------------------------------------
@pytest.mark.parametrize("blank", ["%20%20%20", "%E3%80%80", "%09%20"])
def test_a_query_of_only_spaces_lists_nothing(page, origin, blank):
    page.goto(f"{origin}/archive/search/?q={blank}")
    expect(page.locator("#archive-results-summary")).to_have_text("请输入检索词或选择条件。")
    expect(page.locator("#archive-results li")).to_have_count(0)
    assert urlsplit(page.url).query == ""
    page.locator("#archive-search-form input[name=q]").fill("   ")
    page.locator("#archive-search-form input[name=q]").press("Enter")
    expect(page.locator("#archive-results-summary")).to_have_text("请输入检索词或选择条件。")
    expect(page.locator("#archive-results li")).to_have_count(0)


def test_a_huge_query_is_cut_to_a_hundred_characters(page, origin):
    page.goto(f"{origin}/archive/search/?q={quote('舆' * 3000)}")  # a 27 KB address (servers refuse much more)
    wait_for_results(page)
    assert form_values(page)["q"] == "舆" * 100
    assert url_params(page) == {"q": "舆" * 100} and len(page.url) < 1000
    page.locator("#archive-search-form input[name=q]").fill("鹭" * 10000)
    assert len(page.locator("#archive-search-form input[name=q]").input_value()) == 100  # maxlength
    page.locator("#archive-search-form input[name=q]").press("Enter")
    wait_for_results(page)
    assert len(page.url) < 1000
    page.locator("#archive-q").fill("舆" * 5000)
    assert len(page.locator("#archive-q").input_value()) == 100


# --- a filed record's 归档章 and 备考表, on screen and in print -----------------------------------
def filing_day(search_site: Path) -> str:
    """The day the fixture's records were filed (the log's time, UTC): the 整理日期 and 检查日期."""
    first = (search_site.parent / "filing-log.jsonl").read_text("utf-8").splitlines()[0]
    return json.loads(first)["time"][:10]


def stamp_and_sheet(page: Page) -> dict:
    return page.evaluate("""() => {
        const cells = {}, sheet = {};
        document.querySelectorAll(".archive-stamp td").forEach(td => cells[td.dataset.field] =
            [td.querySelector(".archive-stamp__label").textContent, td.querySelector(".archive-stamp__value").textContent]);
        document.querySelectorAll(".archive-sheet td[data-field]").forEach(td => sheet[td.dataset.field] = td.innerText.trim());
        return {rows: Array.from(document.querySelectorAll(".archive-stamp tr"), tr => tr.cells.length), cells, sheet,
                sheetTitle: document.getElementById("archive-sheet-title").textContent,
                changes: document.getElementById("amendments").textContent};
    }""")


def test_filed_record_page_shows_its_stamp_and_sheet_on_screen_and_in_print(page, origin, search_site):
    day = filing_day(search_site)
    page.goto(record_url(origin, PLAN))
    shown = stamp_and_sheet(page)
    assert shown["rows"] == [3, 3]
    assert shown["cells"] == {
        "fonds": ["全宗号", "Z001"], "year": ["年度", "2023"], "retention": ["保管期限", "永久"],
        "number": ["件号", "1"], "unit": ["机构（问题）", "LXZ"], "pages": ["页数", str(STAMPED_PAGES)],
    }
    assert shown["sheet"] == {"notes": FILING_NOTE, "by": "王整理", "filed_on": day, "checked_by": "李检查",
                              "checked_on": day}
    assert (shown["sheetTitle"], shown["changes"]) == ("备考表", "归档后修改记录")
    stamp, title = page.locator(".archive-stamp table"), page.locator("#record-title")
    assert stamp.evaluate("t => getComputedStyle(t).borderTopStyle") == "solid"
    assert stamp.bounding_box()["x"] > title.bounding_box()["x"] + 200  # top right, as on paper
    expect(page.locator(".md-header")).to_be_visible()

    page.emulate_media(media="print")
    for shown_in_print in (".archive-stamp", ".archive-sheet", "#record-title", ".archive-body"):
        expect(page.locator(shown_in_print)).to_be_visible()
    for navigation in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".md-tabs",
                       ".archive-neighbours"):
        assert page.locator(navigation).evaluate_all(
            "els => els.every(e => !e.checkVisibility())"), f"{navigation} is printed"
    assert stamp.evaluate("t => getComputedStyle(t).borderTopColor") == "rgb(0, 0, 0)"


def test_filed_record_page_in_english_labels_its_stamp_and_sheet(page, origin, search_site):
    page.goto(record_url(origin, MDZ_STUDY, "en"))
    shown = stamp_and_sheet(page)
    assert shown["cells"] == {
        "fonds": ["Fonds no.", "Z001"], "year": ["Year", "2024"], "retention": ["Retention", "30 years"],
        "number": ["Item no.", "1"], "unit": ["Organisation", "MDZ"], "pages": ["Pages", str(STAMPED_PAGES)],
    }
    assert shown["sheet"]["by"] == "王整理" and shown["sheet"]["checked_on"] == filing_day(search_site)
    assert (shown["sheetTitle"], shown["changes"]) == ("Record sheet", "Changes after filing")
    labels = page.locator(".archive-sheet th").all_inner_texts()
    assert labels == ["Notes on this item", "Arranged by", "Arranged on", "Checked by", "Checked on"]
