"""Reading a built site the way a reader or auditor would: pages, links, listed records."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html


def page(site: Path, url: str) -> lxml.html.HtmlElement:
    """The parsed page at a site URL such as ``archive/by-date/2025/``."""
    path = site / url.lstrip("/")
    if url.endswith("/") or not path.suffix:
        path = path / "index.html"
    return lxml.html.fromstring(path.read_bytes())


def listed_titles(doc: lxml.html.HtmlElement) -> list[str]:
    """Titles of the records in the page's record tables, in order."""
    return [a.text_content().strip() for a in doc.xpath('.//div[@class="archive-list"]//tbody/tr/td[2]/a')]


def section_titles(doc: lxml.html.HtmlElement, level: str = "h2") -> list[str]:
    return [" ".join(h.text_content().split()) for h in doc.xpath(f"//article//{level}")]


def resolve(page_url: str, href: str) -> str | None:
    """The site path a relative href on ``page_url`` points to; None for other origins."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("#", "mailto:", "javascript:")):
        return None
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
    target = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    return target.lstrip("./") if target not in (".", "/") else ""


def broken_links(site: Path) -> list[tuple[str, str]]:
    """Every same-site link (href and src) whose target does not exist in the build."""
    broken = []
    for html in site.rglob("*.html"):
        rel = html.relative_to(site).as_posix()
        page_url = rel[: -len("index.html")] if rel.endswith("index.html") else rel
        doc = lxml.html.fromstring(html.read_bytes())
        for element, attribute, link, _ in doc.iterlinks():
            if attribute not in ("href", "src") or element.tag in ("a",) and element.get("href", "").startswith("#"):
                continue
            target = resolve(page_url, link)
            if target is None:
                continue
            path = site / target
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append((rel, link))
    return broken
