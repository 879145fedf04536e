"""The browser sweep: nothing a record brings runs or loads anything on a published page.

One small archive whose records carry every kind of hostile text (in the body, in an English
translation, in the title, keywords, 文号, people's names, stage names, and in the registry's
unit, fonds and cadence names that pages show) is built once and served on 127.0.0.1. Debian's
Chromium visits every kind of page in both languages, the advanced search with a query that hits
the hostile records and the header box's results. Every page is watched (browsing.Watch): no
dialog, no page error, no request to another origin, and the payloads, which would each set
``window.__pwned``, never do.
"""

from __future__ import annotations

import pytest
from browsing import Watch, serve
from conftest import FILERS, Project, add_pages, minimal, q
from playwright.sync_api import Page

PWN = "window.__pwned=1"
HOSTILE = f"<img src=data:,x onerror={PWN}><script>{PWN}</script>"  # for fields shown as text
HOSTILE_SHORT = "<img src=x onerror=__pwned=1>"  # fits a keyword (at most 30 characters)
REGISTRY = f"""\
fonds: Z001
fonds_name: {q("全宗" + HOSTILE)}
fonds_name_en: {q("Fonds " + HOSTILE)}
records_dir: archive
units:
  - code: AAA
    name: {q("甲镇党委" + HOSTILE)}
    name_en: {q("Jia Town " + HOSTILE)}
    kind: town
  - code: BBB
    name: 乙中学党支部
    name_en: Yi Middle School Party Branch
    kind: school
stages: [宣传动员, 学习讨论, 调查研究, 总结]
cadence:
  - id: yearly-study
    name: {q("每年学习" + HOSTILE)}
    name_en: {q("Yearly study " + HOSTILE)}
    applies_to: [AAA, BBB]
    type: study
    per: year
    from: 2025-01-01
    source: {q("篇" + HOSTILE)}
exemptions:
  - {{unit: BBB, rule: yearly-study, period: '2025', reason: {q("豁免" + HOSTILE)}}}
"""
# Every way a body could run script or load from elsewhere, each in its own paragraph.
BODY = f"""\
正文开始：本段为正常文字。

<script>{PWN}</script>

<img src="data:,x" onerror="{PWN}">

<svg onload="{PWN}"></svg>

<details open ontoggle="{PWN}"><summary>摘要</summary>详情</details>

<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>

<iframe src="https://evil.invalid/frame"></iframe>

<input autofocus onfocus="{PWN}">

[点此运行](javascript:{PWN}) [点此运行](JaVa&#115;cript:{PWN}) [点此运行](&#x6A;avascript&colon;{PWN})

<pre class="mermaid">graph TD; A-->B</pre>

![外部图片](https://evil.invalid/x.png)

<img srcset="https://evil.invalid/set.png 1x">

<video poster="https://evil.invalid/poster.png"></video>

<p style="background:url(https://evil.invalid/bg.png)">带样式的段落</p>

<link rel="stylesheet" href="https://evil.invalid/x.css">

<style>@import url(https://evil.invalid/y.css);</style>

<object data="https://evil.invalid/o"></object><embed src="https://evil.invalid/e">

<div id="__config">这不是 JSON</div>

<base href="https://evil.invalid/">

<meta http-equiv="refresh" content="0;url=https://evil.invalid/">

## 目录标题 {{#x"><script>window.__pwned++</script>}}

## &lt;img src=data:,x onerror={PWN}&gt;

代码里的 `<script>{PWN}</script>` 是文字。

```html
<script>{PWN}</script>
```

正文结束：pwned 检索词。
"""
BODY_EN = BODY.replace("正文开始：本段为正常文字。", "English text begins.").replace("正文结束", "English text ends")
PLAN_STAGES = f"""
  - {{name: 宣传动员, start: 2025-03-01, end: 2025-03-31}}
  - {{name: {q("学习" + HOSTILE_SHORT)}, start: 2025-04-01, end: 2025-06-30}}"""

PLAN = "archive/AAA/2025/2025-02-10-aaa-plan/"
STUDY = "archive/AAA/2025/2025-04-12-aaa-study/"
NOTICE = "archive/BBB/2025/2025-05-20-bbb-notice/"
GENERATED = [
    "", "archive/", "archive/by-date/", "archive/by-date/2025/", "archive/by-stage/",
    "archive/by-stage/aaa-2025-plan/", "archive/by-type/", "archive/by-type/study/", "archive/by-unit/",
    "archive/by-unit/AAA/", "archive/catalogue/", "archive/catalogue/2025/", "archive/search/?q=pwned",
    "archive/compliance/", "archive/stats/",
]
PAGES = (
    [("zh", url) for url in [*GENERATED, PLAN, STUDY, NOTICE]]
    + [("en", "en/" + url) for url in [*GENERATED, STUDY]]  # the study record is translated
)


def write_archive(proj: Project) -> None:
    proj.record(f"{PLAN[8:-1]}.md", BODY, **minimal(
        title=q("方案" + HOSTILE), type="plan", unit="AAA", date="2025-02-10", id="aaa-2025-plan",
        doc_no=q("<svg/onload=window.__pwned=1>〔2025〕1号"), responsible=q("周" + HOSTILE),
        keywords=f"[{q(HOSTILE_SHORT)}]", stages=PLAN_STAGES, form=None))
    proj.record(f"{STUDY[8:-1]}.md", BODY, **minimal(
        title=q(f"</title><script>{PWN}</script>学习记录"), unit="AAA", date="2025-04-12",
        plan="aaa-2025-plan", stage=q("学习" + HOSTILE_SHORT), host=q("韩" + HOSTILE), keywords=f"[{q(HOSTILE_SHORT)}]"))
    proj.write(f"docs/{STUDY[:-1]}.en.md",
               f"---\ntitle: {q('Study record ' + HOSTILE)}\nhost: {q('Han ' + HOSTILE)}\n---\n{BODY_EN}")
    proj.record(f"{NOTICE[8:-1]}.md", BODY, **minimal(
        title=q("通报" + HOSTILE), type="notice", unit="BBB", date="2025-05-20", form=None,
        doc_no="乙党支〔2025〕2号"))

    from filing_archive.filing import file_records

    paths = [proj.root / f"docs/{u[:-1]}.md" for u in (PLAN, STUDY)]
    for path in paths:
        add_pages(path)
    result = file_records(proj.root, [str(p) for p in paths], "永久", **FILERS)
    assert not result.problems, result.problems


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory):
    proj = Project(tmp_path_factory.mktemp("hostile") / "proj", registry=REGISTRY)
    write_archive(proj)
    result = proj.build(strict=False)  # the raw HTML warnings would stop --strict
    assert result.returncode == 0, result.stderr
    return proj, result


@pytest.fixture(scope="session")
def hostile_origin(hostile_build):
    with serve(hostile_build[0].site) as url:
        yield url


@pytest.fixture(scope="session")
def hostile_context(browser, hostile_origin):
    # wide enough for Material to show the table of contents beside the text
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    watch = Watch(hostile_origin)
    watch.attach(context)
    context.set_default_timeout(5000)
    yield context, watch
    context.close()


@pytest.fixture(scope="session")
def session_tab(hostile_context) -> Page:
    return hostile_context[0].new_page()


@pytest.fixture
def tab(hostile_context, session_tab) -> Page:
    """The session's tab (reused: quicker than a new one per page); after the test, everything
    it did must have stayed on the site without error."""
    watch = hostile_context[1]
    watch.clear()
    yield session_tab
    settle(session_tab)
    assert not watch.problems(), watch.problems()


def settle(page: Page) -> None:
    """Let what a page queued run: toggle events, autofocus, scripts inserted by Material."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 100)))")


def pwned(page: Page) -> bool:
    return page.evaluate("typeof window.__pwned") != "undefined"


def line_of(proj: Project, path: str, text: str) -> int:
    return proj.root.joinpath(path).read_text(encoding="utf-8").split("\n").index(text) + 1


def test_the_build_warns_on_raw_html(hostile_build):
    """`mkdocs build` says what it cleaned, file and line, as `archive check` does (--strict stops)."""
    proj, result = hostile_build
    study, translation = f"docs/{STUDY[:-1]}.md", f"docs/{STUDY[:-1]}.en.md"
    script, img = f"<script>{PWN}</script>", f'<img src="data:,x" onerror="{PWN}">'
    for path, payload, message in [
        (study, script, "raw HTML <script> is removed when published, with its content (write Markdown instead)"),
        (study, img, "raw HTML <img> is cleaned when published: src, onerror are removed (write Markdown instead)"),
        (translation, "<pre class=\"mermaid\">graph TD; A-->B</pre>",
         "raw HTML <pre> is cleaned when published: class mermaid is removed (write Markdown instead)"),
    ]:
        assert f"{path}:{line_of(proj, path, payload)}: warning: body: {message}" in result.stderr


@pytest.mark.parametrize("lang, url", PAGES, ids=[u or "home" for _, u in PAGES])
def test_no_page_runs_or_loads_what_a_record_brings(tab, hostile_origin, lang, url):
    tab.goto(f"{hostile_origin}/{url}")
    settle(tab)
    assert tab.url == f"{hostile_origin}/{url}"  # no refresh, no base, no script sent it elsewhere
    assert not pwned(tab)
    if "search/" in url:  # the hostile records are found, and shown as text
        tab.wait_for_function("() => document.querySelectorAll('#archive-results li.archive-result').length > 0")
        titles = tab.locator("#archive-results a.archive-result__title").all_text_contents()
        assert any(HOSTILE in t for t in titles), titles
        assert tab.locator("#archive-results img, #archive-results script").count() == 0
    assert not pwned(tab)


@pytest.mark.parametrize("url", [PLAN, STUDY, "en/" + STUDY])
def test_record_pages_keep_text_and_lose_the_payloads(tab, hostile_origin, url):
    tab.goto(f"{hostile_origin}/{url}")
    body = tab.locator(".archive-body")
    assert "正文开始" in body.text_content() or "English text begins" in body.text_content()
    assert "带样式的段落" in body.text_content()
    assert tab.locator(".archive-body pre code").first.text_content().strip() == f"<script>{PWN}</script>"
    links = body.locator("a", has_text="点此运行")
    assert links.count() == 3
    for k in range(links.count()):  # the javascript: links are text now: clicking runs nothing
        links.nth(k).click()
        settle(tab)
        assert not pwned(tab)
    assert tab.url == f"{hostile_origin}/{url}"
    dropped = "script, iframe, svg, object, embed, input, video, link, style, base, meta, [style], [onerror], .mermaid"
    assert body.locator(dropped).count() == 0
    assert tab.locator("#__config").evaluate("e => e.tagName") == "SCRIPT"  # Material's own, not the record's
    toc = tab.locator(".md-sidebar--secondary .md-nav__link").all_text_contents()
    assert any(f"<img src=data:,x onerror={PWN}>" in t for t in toc)  # a hostile heading is listed as text


def test_header_box_shows_hostile_records_as_text(tab, hostile_origin):
    tab.goto(f"{hostile_origin}/")
    tab.locator("#archive-q").fill("pwned")
    tab.wait_for_selector("#archive-quick li.archive-result")
    titles = tab.locator("#archive-quick a.archive-result__title").all_text_contents()
    assert len(titles) == 3 and all(HOSTILE in t or PWN in t for t in titles), titles
    assert tab.locator("#archive-quick img, #archive-quick script").count() == 0
    assert not pwned(tab)
