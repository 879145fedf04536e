"""The front page, print and phones in a real browser: Chromium (Debian's) on the sample archive
(the site `archive preview` shows a new user, built once per session by conftest's sample_site),
served on 127.0.0.1 and watched for requests to other origins and errors (see browsing.py)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from browsing import Watch, serve
from playwright.sync_api import Page, expect

# The sample's ten newest published and filed records, as of the tests' build date (2026-11-30).
LATEST = [
    ("2026-11-12", "教职工集中学习记录（11月第1次）", "archive/HXZ/2026/2026-11-12-hxz-study/"),
    ("2026-10-15", "意识形态工作专题集中学习记录", "archive/HXZ/2026/2026-10-15-hxz-study/"),
    ("2026-09-26", "9月主题党日活动记录", "archive/YMY/2026/2026-09-26-ymy-study/"),
    ("2026-09-24", "教职工集中学习记录（9月第2次）", "archive/HXZ/2026/2026-09-24-hxz-study/"),
    ("2026-09-22", "秋季学期教职工集中学习记录（9月第2次）", "archive/YMY/2026/2026-09-22-ymy-study/"),
    ("2026-09-10", "新学期教职工集中学习记录", "archive/HXZ/2026/2026-09-10-hxz-study/"),
    ("2026-09-08", "秋季学期教职工集中学习记录（9月第1次）", "archive/YMY/2026/2026-09-08-ymy-study/"),
    ("2026-08-25", "雨苗幼儿园党支部2026年秋季学期意识形态工作方案", "archive/YMY/2026/2026-08-25-ymy-plan/"),
    ("2026-08-20", "青石镇2026年第三季度意识形态风险分析研判报告", "archive/QSZ/2026/2026-08-20-qsz-analysis/"),
    ("2026-06-30", "党支部意识形态工作专题会议纪要（上半年）", "archive/HXZ/2026/2026-06-30-hxz-minutes/"),
]
# Published, not filed, past the deadline (应归未归) on 2026-11-30: the first ten of the due block.
LATE = [
    ("意识形态工作宣传动员大会暨集中学习记录", "青石镇党委"), ("青石镇意识形态工作简报（第1期）", "青石镇党委"),
    ("意识形态工作责任制专题研讨记录", "青石镇党委"), ("青石镇意识形态工作简报（第2期）", "青石镇党委"),
    ("关于网传“学校撤并”信息的舆情信息", "青石镇党委"), ("镇党委意识形态工作专题会议纪要", "青石镇党委"),
    ("幼儿园教职工集中学习记录（11月第1次）", "雨苗幼儿园党支部"), ("幼儿园教职工集中学习记录（11月第2次）", "雨苗幼儿园党支部"),
    ("意识形态安全专题集中学习记录", "雨苗幼儿园党支部"), ("示范区教育局2025年意识形态工作专题汇报", "示范区教育局"),
]
SHORTFALLS = [  # the duties of the current period (November, Q4, 2026) still short of their minimum
    "青石镇党委：每季度分析研判意识形态风险 2026年第4季度 · 0/1",
    "红星中学党支部：教职工每月集中学习不少于2次 2026年11月 · 1/2",
    "雨苗幼儿园党支部：教职工每月集中学习不少于2次 2026年11月 · 0/2",
    "红星中学党支部：党支部每年召开两次专题会议研究意识形态工作 2026年 · 1/2",
    "雨苗幼儿园党支部：党支部每年召开两次专题会议研究意识形态工作 2026年 · 0/2",
    "示范区教育局：每年至少通报1次意识形态领域情况 2026年 · 0/1",
    "雨苗幼儿园党支部：每月开展1次主题党日 2026年11月 · 0/1",
]
FILED_RECORD = "/archive/HXZ/2025/2025-12-20-hxz-summary/"  # filed: 归档章 and 备考表
PHONE = {"width": 390, "height": 844}
A4 = {"width": 794, "height": 1123}  # 210 × 297 mm at 96 px an inch


@pytest.fixture(scope="module")
def front(browser, sample_site):
    with serve(sample_site) as origin:
        context = browser.new_context(locale="zh-CN")
        watch = Watch(origin)
        watch.attach(context)
        context.set_default_timeout(5000)
        yield origin, context, watch
        context.close()


@pytest.fixture
def tab(front) -> Page:
    """A fresh tab; after the test nothing may have left the site or failed."""
    _, context, watch = front
    watch.clear()
    page = context.new_page()
    yield page
    page.close()
    assert not watch.problems(), watch.problems()


@pytest.fixture
def origin(front) -> str:
    return front[0]


def items(page: Page, selector: str) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(selector).all_inner_texts()]


# --- the front page -------------------------------------------------------------------------------------
def test_front_page_search_box_lands_on_the_results(tab, origin):
    tab.goto(f"{origin}/")
    expect(tab.locator(".archive-home-intro h1")).to_contain_text("示范区教育系统档案")
    expect(tab.locator(".archive-home-intro")).to_contain_text("本站不收录涉密材料")
    tab.locator("#archive-home-q").fill("学校撤并")
    tab.locator(".archive-home-search button[type=submit]").click()
    tab.wait_for_url(f"{origin}/archive/search/?q={quote('学校撤并')}")
    expect(tab.locator("#archive-results a.archive-result__title").first).to_have_text("关于网传“学校撤并”信息的舆情信息")
    expect(tab.locator("#archive-search-form input[name=q]")).to_have_value("学校撤并")
    tab.goto(f"{origin}/en/")  # the English front door searches the English site
    tab.locator("#archive-home-q").fill("学校撤并")
    tab.locator("#archive-home-q").press("Enter")
    tab.wait_for_url(f"{origin}/en/archive/search/?q={quote('学校撤并')}")
    expect(tab.locator("#archive-results li.archive-result")).not_to_have_count(0)


def test_front_page_lists_the_latest_records_newest_first(tab, origin):
    tab.goto(f"{origin}/")
    rows = tab.locator("ol.archive-home__latest > li")
    expect(rows).to_have_count(10)
    shown = [(row.locator(".archive-date").inner_text(), row.locator("a").inner_text(),
              row.locator("a").evaluate("a => a.href")) for row in rows.all()]
    assert shown == [(day, title, f"{origin}/{href}") for day, title, href in LATEST]
    rows.first.locator("a").click()
    expect(tab.locator("#record-title")).to_have_text(LATEST[0][1])


def test_front_page_counts_link_to_the_unit_and_type_pages(tab, origin):
    tab.goto(f"{origin}/")
    counts = {}
    for block in ("#home-by-unit", "#home-by-type"):
        for row in tab.locator(f"section:has({block}) tbody tr").all():
            link = row.locator("a")
            counts[link.inner_text()] = (int(row.locator("td").nth(1).inner_text()), link.evaluate("a => a.href"))
    assert {k: v[0] for k, v in counts.items()} == {
        "青石镇党委": 15, "红星中学党支部": 13, "雨苗幼儿园党支部": 9, "示范区教育局": 2,
        "方案": 3, "学习记录": 16, "简报": 4, "总结": 2, "专题汇报": 3, "分析研判": 3, "舆情信息": 2, "纪要": 2,
        "述职报告": 1, "通报": 3}
    assert counts["青石镇党委"][1] == f"{origin}/archive/by-unit/QSZ/"
    assert counts["学习记录"][1] == f"{origin}/archive/by-type/study/"
    for label, (count, href) in counts.items():  # each leads to its page, which lists as many records
        tab.goto(href)
        expect(tab.locator("article h1")).to_contain_text(label)
        expect(tab.locator("article .archive-list tbody tr")).to_have_count(count)


def test_front_page_due_block_shows_the_samples_due_records_and_duties(tab, origin):
    tab.goto(f"{origin}/")
    due = tab.locator("ul.archive-home__due > li")
    expect(due).to_have_count(10)
    assert [(row.locator("a").inner_text(), row.locator(".archive-badge").inner_text()) for row in due.all()] == [
        (title, "应归未归") for title, _ in LATE]
    assert all(unit in text for (_, unit), text in zip(LATE, items(tab, "ul.archive-home__due > li"), strict=True))
    expect(tab.locator("section:has(#home-due) .archive-sub").first).to_have_text("待归档 22 件，应归未归 10 件")
    assert items(tab, "ul.archive-home__shortfalls > li") == SHORTFALLS
    tab.get_by_role("link", name="全部 32 件见“归档时限” →").click()
    tab.wait_for_url(f"{origin}/archive/deadlines/")
    expect(tab.locator("#deadline-counts")).to_have_text("待归档 22 件，应归未归 10 件")
    tab.goto(f"{origin}/")
    tab.locator("ul.archive-home__shortfalls a").first.click()
    tab.wait_for_url(f"{origin}/archive/compliance/#rule-quarterly-analysis")
    expect(tab.locator("#rule-quarterly-analysis")).to_be_in_viewport()


def test_front_page_in_english(tab, origin):
    tab.goto(f"{origin}/en/")
    expect(tab.locator("#home-latest")).to_have_text("Latest published and filed records")
    first = tab.locator("ol.archive-home__latest > li").first
    expect(first.locator(".archive-lang")).to_be_visible()  # untranslated: linked in Chinese
    assert first.locator("a").evaluate("a => a.href") == f"{origin}/{LATEST[0][2]}"
    expect(tab.locator("section:has(#home-by-unit) tbody tr a").first).to_have_text("Qingshi Town Party Committee")
    expect(tab.locator("ul.archive-home__due .archive-badge").first).to_have_text("Late")
    entries = tab.locator(".archive-home__entries a")
    assert entries.first.evaluate("a => a.href") == f"{origin}/en/archive/"
    for link in entries.all():  # every entry point is a page of the site
        assert tab.request.get(link.evaluate("a => a.href")).ok, link.inner_text()


# --- print --------------------------------------------------------------------------------------------------
NAVIGATION = (".md-header", ".md-tabs", ".md-sidebar", ".md-footer", ".md-select", "form.archive-search",
              ".archive-neighbours", ".archive-jump", ".archive-indexes", ".headerlink", ".archive-home-search")


def hidden(page: Page, selector: str) -> bool:
    return page.locator(selector).evaluate_all("els => els.every(e => !e.checkVisibility())")


def whole_tables(page: Page) -> list[str]:
    """Tables whose content is wider than what the paper shows of them (cut off in print)."""
    return page.eval_on_selector_all("article table", """ts => ts.filter(t => {
        let box = t; const page = document.documentElement.clientWidth;
        for (let e = t; e; e = e.parentElement) if (e.scrollWidth > e.clientWidth + 1) box = e;
        return t.getBoundingClientRect().right > page + 1 || box.scrollWidth > box.clientWidth + 1;
    }).map(t => t.innerText.slice(0, 40))""")


def test_a_record_prints_as_a_document(tab, origin):
    tab.set_viewport_size(A4)
    tab.goto(origin + FILED_RECORD)
    tab.emulate_media(media="print")
    for part in ("#record-title", ".archive-meta table", ".archive-body", ".archive-sheet", ".archive-stamp"):
        expect(tab.locator(part)).to_be_visible()
    expect(tab.locator(".archive-meta tr[data-field=archive_no] td")).to_have_text("Z001-WS·2025-D10-HXZ-0001")
    for part in NAVIGATION:
        assert hidden(tab, part), f"{part} is printed"
    assert whole_tables(tab) == []
    assert tab.locator("#record-title").evaluate("h => getComputedStyle(h).color") == "rgb(0, 0, 0)"


@pytest.mark.parametrize("path", ["/archive/by-date/2026/", "/archive/by-unit/QSZ/", "/archive/deadlines/",
                                  "/archive/compliance/", "/archive/schedule/", "/archive/", "/"])
def test_an_index_page_prints_as_plain_lists_and_tables(tab, origin, path):
    tab.set_viewport_size(A4)
    tab.goto(origin + path)
    tab.emulate_media(media="print")
    for part in NAVIGATION:
        assert hidden(tab, part), f"{part} is printed"
    assert tab.locator("article table").count() > 0
    assert whole_tables(tab) == []  # every column on the paper, none scrolled out of sight
    assert tab.eval_on_selector_all("article thead", "hs => hs.every(h => getComputedStyle(h).display === "
                                    "'table-header-group')")  # repeated on every printed page


# --- phones ------------------------------------------------------------------------------------------------------
def page_kinds(site: Path) -> list[str]:
    kinds = ["/", "/en/", FILED_RECORD, "/archive/QSZ/2025/2025-02-20-qsz-plan/", "/archive/", "/archive/by-unit/",
             "/archive/by-unit/QSZ/", "/archive/by-type/study/", "/archive/by-date/2026/", "/archive/by-stage/",
             "/archive/by-stage/qsz-2025-ideology/", "/archive/catalogue/", "/archive/catalogue/2025/",
             "/archive/appraisal/", "/archive/schedule/", "/archive/deadlines/", "/archive/compliance/",
             "/archive/stats/", "/archive/search/?q=" + quote("学习")]
    return kinds + ["/handbook/", "/en/handbook/", "/handbook/errors/"]


OUTSIDE_THE_SCREEN = """() => {
    // the nearest ancestor that scrolls sideways (its content is wider than it), and whether it fits
    window.scrollBox = el => {
        for (let e = el; e && e !== document.body; e = e.parentElement) {
            const s = getComputedStyle(e);
            if (["auto", "scroll"].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1)
                return {fits: e.getBoundingClientRect().right <= innerWidth + 1 && e.getBoundingClientRect().left >= -1};
        }
        return null;
    };
    return Array.from(document.querySelectorAll("body *")).filter(e => {
        const r = e.getBoundingClientRect();
        const spills = e instanceof HTMLElement && getComputedStyle(e).overflowX === "visible";
        const right = Math.max(r.right, spills ? r.left + e.scrollWidth : 0);  // its box, or its text beyond it
        if (r.width === 0 || right <= innerWidth + 1 || !e.checkVisibility()) return false;
        const box = window.scrollBox(e);
        return !(box && box.fits);
    }).map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).slice(0, 10);
}"""
PHONE_KINDS = page_kinds(Path("."))  # ids only; the test reads the built site for the manual


@pytest.mark.parametrize("index", range(len(PHONE_KINDS)), ids=PHONE_KINDS)
def test_every_page_kind_fits_a_390_px_phone(tab, origin, sample_site, index):
    path = page_kinds(sample_site)[index]
    tab.set_viewport_size(PHONE)
    tab.goto(origin + path)
    tab.wait_for_load_state("load")
    assert tab.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    # Material clips the page at the screen's edge (overflow-x: hidden): so nothing may reach past it
    # unless it is inside a box of its own that scrolls and that fits the screen.
    assert tab.evaluate(OUTSIDE_THE_SCREEN) == []
    boxes = tab.eval_on_selector_all("article table", "ts => ts.filter(t => t.scrollWidth > innerWidth)"
                                     ".map(t => { const b = window.scrollBox(t); return b ? b.fits : 'no box'; })")
    assert all(b is True for b in boxes), boxes
    if path in ("/archive/by-date/2026/", "/archive/catalogue/2025/", "/archive/stats/"):
        assert boxes, "the check above is not vacuous: these pages have tables wider than a phone"


def test_on_a_phone_the_search_filters_and_home_blocks_stack(tab, origin):
    tab.set_viewport_size(PHONE)
    tab.goto(f"{origin}/archive/search/")
    filters = tab.locator(".archive-search-form__filters label").all()
    assert len(filters) == 7
    boxes = [f.bounding_box() for f in filters]
    assert len({round(b["x"]) for b in boxes}) == 1  # one column
    assert all(b2["y"] >= b1["y"] + b1["height"] for b1, b2 in zip(boxes, boxes[1:], strict=False))  # one a line
    assert all(b["x"] + b["width"] <= PHONE["width"] for b in boxes)
    tab.goto(f"{origin}/")
    blocks = [b.bounding_box() for b in tab.locator(".archive-home__block").all()]
    assert len(blocks) == 4 and len({round(b["x"]) for b in blocks}) == 1
    assert all(b["width"] <= PHONE["width"] for b in blocks)
    tab.goto(origin + FILED_RECORD)  # the 归档章 sits above the title, not beside it
    stamp, title = tab.locator(".archive-stamp").bounding_box(), tab.locator("#record-title").bounding_box()
    assert stamp["y"] + stamp["height"] <= title["y"] + 1
