"""Record text as published, on the package directly: the sanitiser's allow-list against hostile
Markdown and HTML, benign Markdown that must come through unchanged (both rendered by the real
Python-Markdown with the extensions of mkdocs.yml, as the build renders them), and what
`archive check` says about raw HTML. The browser sweep over every page is test_hostile_pages.py."""

from __future__ import annotations

import re
import time

import lxml.html
import pytest
from conftest import minimal, render_markdown
from test_validation import messages

from filing_archive.sanitise import body_findings, clean_html, is_local, link_allowed, page_id, text_only

PWN = "window.__pwned=1"


@pytest.fixture
def render():
    return render_markdown


# (what a record says, the HTML its page gets)
HOSTILE = [
    ("script", f"<script>{PWN}</script>", ""),
    ("inline script", f"文字<script>{PWN}</script>后", "<p>文字后</p>"),
    ("img onerror", f'<img src="data:,x" onerror="{PWN}">', "<p><img></p>"),
    ("img onerror relative", f'<img src="x.png" onerror="{PWN}">', '<p><img src="x.png"></p>'),
    ("iframe", '<iframe src="https://evil.invalid/"></iframe>', ""),
    ("iframe srcdoc", f'<iframe srcdoc="<script>{PWN}</script>"></iframe>', ""),
    ("object and embed", '<object data="https://evil.invalid/o"></object><embed src="https://evil.invalid/e">',
     "\n<p></p>"),
    ("svg onload", f'<svg onload="{PWN}"></svg>', "<p></p>"),
    ("svg script", f"<svg><script>{PWN}</script></svg>", "<p></p>"),
    ("math mutation", f"<math><mtext><table><mglyph><style><img src=x onerror={PWN}>", ""),
    ("noscript mutation", f'<noscript><p title="</noscript><img src=x onerror={PWN}>">', '<img src="x">"&gt;'),
    ("javascript link", f"[x](javascript:{PWN})", "<p><a>x</a></p>"),
    ("mixed case", f"[x](JaVaScRiPt:{PWN})", "<p><a>x</a></p>"),
    ("decimal entity", f"[x](&#106;avascript:{PWN})", "<p><a>x</a></p>"),
    ("hex entities and tab", f"[x](&#x6A;ava&#x09;script&colon;{PWN})", "<p><a>x</a></p>"),
    ("leading space and tab", f'<a href=" java&#9;script:{PWN}">x</a>', "<p><a>x</a></p>"),
    ("newline inside", f'<a href="java\nscript:{PWN}">x</a>', "<p><a>x</a></p>"),
    ("data link", "[x](data:text/html;base64,PHNjcmlwdD4=)", "<p><a>x</a></p>"),
    ("vbscript", "[x](vbscript:msgbox)", "<p><a>x</a></p>"),
    ("reference link", f"[ref][r]\n\n[r]: javascript:{PWN}", "<p><a>ref</a></p>"),
    ("base", '<base href="https://evil.invalid/">', "<p></p>"),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=https://evil.invalid/">', "<p></p>"),
    ("link stylesheet", '<link rel="stylesheet" href="https://evil.invalid/x.css">', "<p></p>"),
    ("style import", "<style>@import url(https://evil.invalid/y.css);</style>", ""),
    ("form", '<form action="https://evil.invalid/"><input name=q><button>发送</button></form>', "发送"),
    ("style url", '<p style="background:url(https://evil.invalid/bg.png)">文字</p>', "<p>文字</p>"),
    ("external img", '<img src="https://evil.invalid/x.png">', "<p><img></p>"),
    ("protocol-relative img", '<img src="//evil.invalid/x.png">', "<p><img></p>"),
    ("backslash img", '<img src="/\\evil.invalid/x.png">', "<p><img></p>"),
    ("tab-split img", '<img src="/&#9;/evil.invalid/x.png">', "<p><img></p>"),
    ("data img", '<img src="data:image/png;base64,iVBORw0KGgo=">', "<p><img></p>"),
    ("srcset", '<img src="a.png" srcset="https://evil.invalid/x.png 2x">', '<p><img src="a.png"></p>'),
    ("markdown external image", "![外部](https://evil.invalid/x.png)", '<p><img alt="外部"></p>'),
    ("video poster", '<video poster="https://evil.invalid/p.png" src="a.mp4"></video>', ""),
    ("table background", '<table background="https://evil.invalid/x.png"><tr><td>t</td></tr></table>',
     "<table><tbody><tr><td>t</td></tr></tbody></table>"),
    ("mermaid", "<pre class=\"mermaid\">graph TD; A-->B</pre>", "<pre>graph TD; A--&gt;B</pre>"),
    ("Material classes", '<div class="mermaid md-header admonition">m</div>', '<div class="admonition">m</div>'),
    ("Material config clobbered", '<div id="__config">{"base": "https://evil.invalid"}</div>',
     f'<div id="{page_id("__config")}">{{"base": "https://evil.invalid"}}</div>'),
    ("search strings clobbered", "## 标题 {#archive-search-strings}",
     f'<h2 id="{page_id("archive-search-strings")}">标题<a class="headerlink" '
     f'href="#{page_id("archive-search-strings")}" title="Permanent link">¶</a></h2>'),
    ("attr_list handlers", f'段落 *x*{{ onclick="{PWN}" style="color:red" .md-banner }}', "<p>段落 <em>x</em></p>"),
    ("target and ping", '<a href="https://example.org/" target="_blank" ping="https://evil.invalid/">ok</a>',
     '<p><a href="https://example.org/">ok</a></p>'),
    ("details ontoggle", f"<details ontoggle={PWN} open>d</details>", '<details open="">d</details>'),
    ("comment", f"<!-- <img src=x onerror={PWN}> -->", ""),
    ("template", f"<template><img src=x onerror={PWN}></template>", "<p></p>"),
    ("data attributes", '<div data-md-component="announce" data-clipboard-text="x">d</div>', "<div>d</div>"),
]


@pytest.mark.parametrize("source, published", [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_markup_is_removed(render, source, published):
    rendered = render(source)
    assert rendered != published  # Markdown alone would publish it
    assert clean_html(rendered) == published


BENIGN = """\
为全面落实意识形态工作责任制，制定本方案。**重点**、*强调*、`代码 <b>`，[上级文件](https://example.org/a_b?x=1&y=2 "标题")、
[本站记录](../2025-03-12-qsz-study/)、[本页](#second)、<mailto:office@example.org>、<https://example.org/>。

## 一、指导思想 { #guide }

### Second

![签到表](img/sign-in.png "签到表"){ width="300" loading=lazy }

| 月份 | 内容 | 人数 |
|:--|:-:|--:|
| 3月 | 党章 | 32 |

!!! note "注意"
    按学习阶段及时将学习资料整理归档。

!!! warning
    不得上传涉密材料。

??? tip "展开"
    折叠内容。

???+ info
    默认展开。

```python
print("<script>")
```

```python linenums="1" title="a.py" hl_lines="2"
a = 1
b = 2
```

    缩进代码 <script>

> 引用

1. 一
2. 二
    - 嵌套

---

<div markdown="1" class="grid">
**网格**中的 Markdown
</div>

第一行
第二行
""".replace("第一行\n", "第一行  \n")  # a hard line break (two trailing spaces)


def dom(fragment: str) -> str:
    """A fragment as a browser reads it: entities, self-closing slashes and quoting normalised
    (html5ever adds <tbody> where HTML implies it; so does a browser)."""
    tree = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return re.sub(r"</?tbody>", "", lxml.html.tostring(tree, encoding="unicode"))


def test_benign_markdown_survives_unchanged(render):
    rendered = render(BENIGN)
    published = clean_html(rendered)
    assert dom(published) == dom(rendered)
    for kept in ('class="admonition note"', 'class="headerlink"', 'id="guide"', 'href="#second"',
                 '<details class="tip">', '<details class="info" open="open">', 'class="highlighttable"',
                 'style="text-align: left;"', 'src="img/sign-in.png"', 'width="300"', 'href="mailto:office@example.org"',
                 '<div class="grid">', "<br>", '<span class="hll">', "&lt;script&gt;"):
        assert kept in published, kept


@pytest.mark.parametrize("url, link, load", [
    ("https://example.org/x", True, False),
    ("HTTP://example.org/x", True, False),
    ("mailto:a@example.org", True, False),
    ("../2025/x/", True, True),
    ("img/a.png", True, True),
    ("#guide", True, True),
    ("//evil.invalid/x", True, False),  # a link to another site is fine; loading from it is not
    ("/\\evil.invalid/x", True, False),
    ("\\\\evil.invalid\\x", True, False),
    ("/\t/evil.invalid/x", True, False),
    ("javascript:alert(1)", False, False),
    (" \x01JaVa\tScRiPt:alert(1)", False, False),
    ("java\nscript:alert(1)", False, False),
    ("vbscript:x", False, False),
    ("data:text/html,x", False, False),
    ("file:///etc/passwd", False, False),
    ("java script:alert(1)", True, True),  # not a scheme to a browser either: a relative path
])
def test_url_rules(url, link, load):
    assert (link_allowed(url), is_local(url)) == (link, load)


def test_ids_the_page_uses_are_renamed_consistently():
    assert page_id("guide") == "guide" and page_id("_1") == "_1" and page_id("指导思想") == "指导思想"
    for reserved in ("__config", "__drawer", "archive-q", "archive-search-strings", "record-title", "amendments",
                     'x"><script>alert(1)</script>', "a b", "a%zz"):
        renamed = page_id(reserved)
        assert re.fullmatch(r"id-[0-9a-f]{12}", renamed) and renamed == page_id(reserved)


def test_record_page_ids_of_the_templates_are_all_reserved(sample_site):
    """Every id the record page's own template and theme give (outside the record's text) is one a
    record cannot take, so the page's scripts never read a record's element instead."""
    page = lxml.html.fromstring((sample_site / "archive/QSZ/2025/2025-02-20-qsz-plan/index.html").read_bytes())
    body = page.xpath('//div[@class="archive-body"]')[0]
    own = {e.get("id") for e in page.xpath("//*[@id]") if body not in e.iterancestors() and e is not body}
    assert own and {i for i in own if page_id(i) == i} == set()


def test_table_of_contents_titles_are_text():
    assert text_only("&lt;img src=x onerror=alert(1)&gt;") == "&lt;img src=x onerror=alert(1)&gt;"
    assert text_only("<img src=x onerror=alert(1)>一、<b>指导</b>思想<script>alert(1)</script>") == "一、指导思想"


# --- what `archive check` says ----------------------------------------------------------------------
BODY = f"""\
正文。

<img src="data:,x" onerror="{PWN}">
<script>{PWN}</script>

[点此](javascript:{PWN}) ![图](https://evil.invalid/x.png)

<pre class="mermaid">graph</pre>

## 标题 {{ #__config onclick="{PWN}" }}

<div markdown="1" class="grid">
**网格**
</div>

<br>

<!-- 备注 -->
"""
QUIET = f"""\
代码里的 `<script>{PWN}</script>` 和 ``a ` <b>`` 是文字，\\<i> 也是。

```html
<script>{PWN}</script>
[x](javascript:{PWN})
```

    <iframe src="https://evil.invalid/"></iframe>

!!! note "注意"
    **提示**：<https://example.org/> 与 <office@example.org> 是自动链接。

- 列表

    列表中的段落，![图](img/a.png)，[链接](https://example.org/)。

<div markdown="1" class="admonition note">
内容
</div>
"""


def test_check_warns_on_raw_html_with_file_line_and_field(project):
    project.record("AAA/2025/rec.md", BODY, **minimal())
    project.write("docs/archive/AAA/2025/rec.en.md", "---\ntitle: Record\n---\nText.\n\n<iframe src=x></iframe>\n")
    project.record("AAA/2025/quiet.md", QUIET, **minimal())
    path = "docs/archive/AAA/2025/rec.md"
    assert messages(project) == [
        "docs/archive/AAA/2025/rec.en.md:6: warning: body: raw HTML <iframe> is removed when published, with its "
        "content (write Markdown instead)",
        f"{path}:11: warning: body: raw HTML <img> is cleaned when published: src, onerror are removed "
        "(write Markdown instead)",
        f"{path}:12: warning: body: raw HTML <script> is removed when published, with its content "
        "(write Markdown instead)",
        f"{path}:14: warning: body: image https://evil.invalid/x.png is not in the archive and is removed when "
        "published (expected an image stored with the records: a relative path)",
        f"{path}:14: warning: body: link javascript:{PWN} is removed when published (expected an http, https or "
        "mailto address, or a page of the archive)",
        f"{path}:16: warning: body: raw HTML <pre> is cleaned when published: class mermaid is removed "
        "(write Markdown instead)",
        f'{path}:18: warning: body: attribute list {{#__config onclick="{PWN}"}} is cleaned when published: '
        "onclick is removed; id __config is renamed (expected an id, the classes of admonitions and code, "
        "or an image's width and height)",
        f"{path}:24: warning: body: raw HTML <br> in the text: write Markdown instead (raw HTML is cleaned when "
        "published)",
        f"{path}:26: warning: body: raw HTML <!-- 备注 --> is removed when published (write Markdown instead)",
    ]


def test_check_strict_fails_on_raw_html(project):
    project.record("AAA/2025/rec.md", f"正文。\n\n<img src=x onerror={PWN}>\n", **minimal())
    assert project.archive("check").returncode == 0
    strict = project.archive("check", "--strict")
    assert strict.returncode == 1
    assert strict.stdout.splitlines()[0] == (
        "docs/archive/AAA/2025/rec.md:11: warning: body: raw HTML <img> is cleaned when published: onerror is "
        "removed (write Markdown instead) (see the handbook: en/handbook/errors/#w-html-cleaned)"
    )


def test_plain_markdown_has_no_findings():
    assert body_findings("## 一、指导思想\n\n正文，没有任何标记 {。\n\n- 列表 [甲]\n" * 100) == []


def test_findings_are_capped_per_file(project):
    body = "正文。\n\n" + "".join(f"<b>第{n}处</b>\n" for n in range(1, 31))
    project.record("AAA/2025/rec.md", body, **minimal())
    found = messages(project)
    assert len(found) == 21
    assert found[0] == ("docs/archive/AAA/2025/rec.md:11: warning: body: raw HTML <b> is removed when published, "
                        "its text is kept (write Markdown instead)")
    assert found[-1] == ("docs/archive/AAA/2025/rec.md:31: warning: body: more raw HTML or links from here on are "
                         "cleaned when published (only the first 20 are listed; write Markdown instead)")


@pytest.mark.parametrize("hostile", [
    "<!--" * 50_000, "<?" * 100_000, "*x*{" * 50_000, "[" * 200_000 + "](x)", "## h" + " {" * 100_000,
    "<b>" * 70_000, " ".join("`" * k for k in range(1, 600)),
], ids=["unclosed comments", "unclosed PIs", "unclosed attribute lists", "unclosed brackets", "heading braces",
        "many tags", "backtick runs"])
def test_hostile_bodies_are_checked_in_bounded_time(hostile):
    start = time.perf_counter()
    body_findings(hostile)
    assert time.perf_counter() - start < 3  # quadratic patterns took minutes on these
