#!/usr/bin/env python3
"""Benchmarks of the archive against plain Material, at archive scale.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python scripts/bench.py all --update-readme      # everything (about twenty minutes with cached corpora; the README adds --sizes 500 1250 2000 5000)
    .venv/bin/python scripts/bench.py build --sizes 1250 5000   # one part

Parts (each writes bench-out/<part>.json; `report` turns them into Markdown):

- build    N records from the corpus generator (fixed seed, ~3,400 Han characters each, 20 %
           filed): the full product (zh + en, every generated page, search), the same without
           the English site, the same without search, and a bare Material build of the same
           records (no hooks, built-in search with lang: zh and jieba, small nav, Chinese only).
           Wall time (the fastest of three interleaved runs), peak RSS (largest process),
           site size; `archive check` time.
- search   recall@10 of this archive's search, Material's built-in search and plain Pagefind
           (extended, Chinese segmentation) on the same generated archive, in headless Chromium.
- scale    at N records: bytes fetched and time to results for each query of the query set (the
           page's own performance measure from the search asked to its results shown).
- preview  `archive preview` on N records: time from saving a record to the browser showing it.
- huge     one full build of N records (default 50,000), to the end: wall time and peak RSS
           (the largest process), then `archive check` and `archive verify` times.
- firstview  at N records (default 10,000): what the first view of each kind of page costs, in
           a fresh browser (empty cache): every response body of the page load, uncompressed
           (HTML, CSS, JS, fonts, JSON, XML, whatever the page's scripts fetch until the
           network is idle), by kind, and any request to another origin.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench-out"
PY = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ARCHIVE_BUILD_DATE": "2026-11-30"}
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

import browsing  # noqa: E402  (tests/browsing.py: Debian's Chromium and a local server)
from corpus import CorpusSpec, generate  # noqa: E402  (scripts/corpus.py, next to this script)

BARE_CONFIG = """\
site_name: bare
docs_dir: docs
theme:
  name: material
  language: zh
  font: false
plugins:
  - search:
      lang: zh
nav:
  - index.md
"""


# --- corpora and configurations -------------------------------------------------------------
def corpus(n: int, work: Path) -> Path:
    """A generated archive of n records with this project's configuration next to it (cached)."""
    root = work / f"n{n}"
    if not (root / ".ready").exists():
        if root.exists():
            shutil.rmtree(root)
        generate(root, CorpusSpec(records=n, filed_share=0.2))
    for folder in ("hooks", "overrides"):  # always this checkout's: a cached corpus must not hide a change
        shutil.rmtree(root / folder, ignore_errors=True)
        shutil.copytree(REPO / folder, root / folder)
    for page in (REPO / "docs").glob("*.md"):
        shutil.copy(page, root / "docs" / page.name)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    zh_only = re.sub(r"(name: English\n\s+)build: true", r"\1build: false", config)
    assert zh_only != config
    (root / "mkdocs-zh.yml").write_text(zh_only, encoding="utf-8")
    (root / "mkdocs-nosearch.yml").write_text(config + "\nextra:\n  archive_search: false\n", encoding="utf-8")
    (root / "mkdocs-bare.yml").write_text(BARE_CONFIG, encoding="utf-8")
    (root / ".ready").touch()
    return root


def timed(args: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes (the largest process of the run) and stderr."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *args], cwd=cwd, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed in {cwd}:\n{result.stderr[-3000:]}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return elapsed, peak_kb * 1024, result.stderr


def build(root: Path, config: str, site: str) -> dict:
    """Build with ``config`` into ``site``: wall time, peak RSS, sizes."""
    os.sync()  # the corpus just written must not be flushed to disk while a build is timed
    seconds, rss, log = timed([PY, "-m", "mkdocs", "build", "-f", config, "-d", site], root)
    m = re.search(r"search index: .*peak RSS (\d+) MB", log)
    return {"seconds": round(seconds, 1), "rss_mb": round(rss / 2**20), "site_mb": round(folder_size(root / site) / 2**20),
            "index_rss_mb": int(m.group(1)) if m else None}


def check_time(root: Path, command: str = "check") -> float:
    """`archive check` (or `verify`) wall time, the faster of two runs (after a build has been written out)."""
    os.sync()
    return round(min(timed([PY, "-m", "filing_archive", command], root)[0] for _ in range(2)), 2)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def save(part: str, data: object) -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / f"{part}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def load(part: str) -> object | None:
    path = OUT / f"{part}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


# --- build ----------------------------------------------------------------------------------------
def run_build(sizes: list[int], work: Path, bare: bool = True, runs: int = 3) -> list[dict]:
    """Each configuration ``runs`` times, interleaved (full, zh only, no search, bare, full, …),
    the fastest run of each counting: on a shared machine the noise is in the slow runs."""
    variants = [("full", "mkdocs.yml", "site"), ("zh_only", "mkdocs-zh.yml", "site-zh"),
                ("no_search", "mkdocs-nosearch.yml", "site-nosearch")]
    if bare:
        variants.append(("bare", "mkdocs-bare.yml", "site-bare"))
    rows = []
    for n in sizes:
        root = corpus(n, work)
        runs_of: dict[str, list[dict]] = {name: [] for name, _, _ in variants}
        for _ in range(runs):
            for name, config, site in variants:
                runs_of[name].append(build(root, config, site))
        row: dict = {"n": n}
        row.update({name: min(results, key=lambda r: r["seconds"]) for name, results in runs_of.items()})
        row["check_s"] = check_time(root)
        row["search_mb"] = round(folder_size(root / "site" / "search") / 2**20)
        sample = query_set(record_texts(root))[::4]  # every fourth query of the set, each group
        row["search_kb_per_query"] = round(sum(q["bytes"] for q in measure_queries(root / "site", sample))
                                           / len(sample) / 1024)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    return rows


# --- a static server and a browser: the ones the browser tests use --------------------------------------
@contextlib.contextmanager
def serve(folder: Path):
    with browsing.serve(folder) as origin:
        yield origin + "/"


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = browsing.launch_chromium(p)
        try:
            yield b
        finally:
            b.close()


# --- the query set ----------------------------------------------------------------------------------
def record_texts(root: Path) -> list[dict]:
    """Every published record's id, URL, title+body text (plain) and 档号, from the sources."""
    from filing_archive.archive import load_archive
    from filing_archive.search import plain_text

    archive = load_archive(root)
    return [{"id": r.id, "url": r.url, "text": r.title + "\n" + plain_text(r.body), "archive_no": r.archive_no or "",
             "doc_no": r.doc_no or "", "host": r.host or "", "responsible": r.responsible or ""}
            for r in archive.published()]


def query_set(records: list[dict]) -> list[tuple[str, str]]:
    """(group, query): at least 60 queries of 2 to 12 characters (文号 and 档号 longer), drawn from
    the archive itself: words, multi-word phrases, rare strings, names, 文号 and 档号."""
    import random
    from collections import Counter

    from corpus import FIELDS, OBJECTS, RARE_CHARS, VERBS

    rng = random.Random(7)
    queries: list[tuple[str, str]] = []
    words = ["舆情", "意识形态", "师德", "台账资料", "阵地管理", "网格员", "问题整改", "督导检查", "正能量", "话语权",
             "少先队", "新媒体"]
    queries += [("word", w) for w in words]
    phrases = ["意识形态工作责任制", "控辍保学风险学生台账", "网络意识形态阵地建设", "舆情监测处置机制",
               "风清气正的良好氛围", "领导权管理权话语权"]
    queries += [("phrase", p) for p in phrases]
    # how many records hold each clause, rare string and name: one pass over the texts
    clause = re.compile(f"(?:{'|'.join(VERBS)})(?:{'|'.join(FIELDS)})(?:{'|'.join(OBJECTS)})")
    rare_re = re.compile(f"[{RARE_CHARS}]{{3}}(?:工作法|示范点|台账|计划)")
    name_re = re.compile(r"([一-龥]{2,3})同志要求")  # people named in the text; hosts are metadata
    holders: dict[str, Counter] = {"clause": Counter(), "rare": Counter(), "name": Counter()}
    for r in records:
        holders["clause"].update(set(clause.findall(r["text"])))
        holders["rare"].update(set(rare_re.findall(r["text"])))
        holders["name"].update(set(name_re.findall(r["text"])))
    sampled = sorted(q for q, n in holders["clause"].items() if 2 <= n <= 40 and len(q) <= 12)
    queries += [("phrase", q) for q in rng.sample(sampled, min(10, len(sampled)))]
    rare = sorted(q for q, n in holders["rare"].items() if n <= 3)
    queries += [("rare", q) for q in rng.sample(rare, min(12, len(rare)))]
    names = sorted(q for q, n in holders["name"].items() if n <= 30)
    queries += [("name", q) for q in rng.sample(names, min(10, len(names)))]
    doc_nos = sorted({r["doc_no"] for r in records if r["doc_no"]})
    for d in rng.sample(doc_nos, min(5, len(doc_nos))):
        queries += [("doc_no", d), ("doc_no", d[d.index("〔"):])]
    archive_nos = sorted({r["archive_no"] for r in records if r["archive_no"]})
    for a in rng.sample(archive_nos, min(4, len(archive_nos))):
        queries += [("archive_no", a[:12]), ("archive_no", a)]  # Z001-WS·2023 and the whole 档号
    seen, unique = set(), []
    for group, q in queries:
        if q not in seen:
            seen.add(q)
            unique.append((group, q))
    return unique


def relevant(records: list[dict], group: str, query: str) -> set[str]:
    """Ground truth: the records whose title + text contain the query (档号: whose 档号 does)."""
    if group == "archive_no":
        return {r["url"] for r in records if query in r["archive_no"]}
    return {r["url"] for r in records if query in r["text"]}


def recall_at_10(found: list[str], rel: set[str]) -> float:
    if not rel:
        return 1.0 if not found else 0.0
    return len(set(found[:10]) & rel) / min(10, len(rel))


# --- the three engines in the browser ------------------------------------------------------------------
OURS_JS = """async (q) => {
  const s = window.archiveSearch; const search = new s.Search(s.engine, q, {}, null);
  await search.prepare(); const results = await search.next(10);
  return results.map(r => r.header.url);
}"""

PAGEFIND_JS = """async (q) => {
  if (!window.pf) { window.pf = await import('/pagefind/pagefind.js'); await window.pf.init(); }
  const r = await window.pf.search(q); const data = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
  return data.map(d => d.url);
}"""


def material_query(page, q: str) -> list[str]:
    """Material's own search box: type, wait for its worker's answer, read the first ten pages."""
    box = "input.md-search__input"
    page.fill(box, "")
    page.press(box, "End")
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length === 0")
    page.fill(box, q)
    page.press(box, "End")  # Material searches on key events, not on input alone
    try:
        page.wait_for_function(
            "() => document.querySelectorAll('.md-search-result__item').length > 0"
            " || /没有|No matching/.test(document.querySelector('.md-search-result__meta')?.textContent || '')",
            timeout=60000)
    except Exception:
        return []
    page.wait_for_timeout(400)  # "no result" can flash before the answer: read after it settles
    return page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(a => a.href)")[:10]


def normalise_url(url: str, base: str) -> str:
    path = url.split("#")[0].replace(base, "").lstrip("/")
    return path if path.endswith("/") or not path else path + "/"


def run_search(n: int, work: Path) -> dict:
    root = corpus(n, work)
    build(root, "mkdocs.yml", "site")
    if not (root / "site-bare" / "index.html").exists():
        build(root, "mkdocs-bare.yml", "site-bare")
    if not (root / "site-bare" / "pagefind").exists():
        subprocess.run([PY, "-m", "pagefind", "--site", "site-bare"], cwd=root, check=True, capture_output=True)
    records = record_texts(root)
    queries = query_set(records)
    results = []
    with browser() as b, serve(root / "site") as ours, serve(root / "site-bare") as bare:
        page = b.new_page()
        page.goto(ours + "archive/search/")
        page.wait_for_function("() => window.archiveSearch")
        bare_page = b.new_page()
        bare_page.goto(bare)
        mat_page = b.new_page()
        mat_page.goto(bare)
        mat_page.focus("input.md-search__input")
        mat_page.fill("input.md-search__input", "意识形态")  # wait until Material's index has loaded
        mat_page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0",
                                   timeout=120000)
        for group, q in queries:
            rel = relevant(records, group, q)
            mine = [normalise_url(u, ours) for u in page.evaluate(OURS_JS, q)]
            pf = [normalise_url(u, bare) for u in bare_page.evaluate(PAGEFIND_JS, q)]
            mat = [normalise_url(u, bare) for u in material_query(mat_page, q)]
            results.append({"group": group, "q": q, "relevant": len(rel),
                            "ours": recall_at_10(mine, rel), "material": recall_at_10(mat, rel),
                            "pagefind": recall_at_10(pf, rel),
                            "ours_first_ok": (not rel) or (bool(mine) and mine[0] in rel),
                            "ours_found": len(mine)})
            print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr)
    return {"n": n, "queries": results}


# --- scale: bytes and time per query -----------------------------------------------------------------
def measure_queries(site: Path, queries: list[tuple[str, str]]) -> list[dict]:
    """Each query on a freshly loaded advanced search page: bytes fetched, time to results."""
    rows = []
    with browser() as b, serve(site) as base:
        for group, q in queries:
            page = b.new_page()
            page.goto(base + "archive/search/")
            page.wait_for_function("() => window.archiveSearch")
            received = []
            page.on("response", lambda r, received=received: received.append(r))
            page.fill("#f-q", q)
            page.click("#archive-search-form button[type=submit]")
            page.wait_for_function("() => performance.getEntriesByName('archive:results').length > 0")
            # the page's own measure: from the search asked to its results on screen
            elapsed = page.evaluate("() => performance.getEntriesByName('archive:results')[0].duration") / 1000
            # what the search fetched (Material's own page scripts may fetch other files meanwhile),
            # as sent: Content-Length (the body Playwright hands back is re-encoded text for .txt)
            size = sum(int(r.headers.get("content-length") or len(r.body()))
                       for r in received if r.ok and "/search/" in r.url)
            rows.append({"group": group, "q": q, "ms": round(elapsed * 1000), "bytes": size,
                         "requests": len(received)})
            page.close()
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr)
    return rows


def run_scale(n: int, work: Path) -> dict:
    root = corpus(n, work)
    full = build(root, "mkdocs.yml", "site")
    check = check_time(root)
    rows = measure_queries(root / "site", query_set(record_texts(root)))
    return {"n": n, "full": full, "check_s": check, "queries": rows}


# --- first view: bytes of one page load, per kind of page ------------------------------------------
def first_view_pages(root: Path) -> list[tuple[str, str]]:
    """(kind, URL path) of each kind of page, the same pages at every run (fixed seed)."""
    record = sorted((root / "docs/archive").rglob("*-000123.md"))[0].relative_to(root / "docs")
    year = sorted(p.name for p in (root / "docs/archive").glob("*/*") if p.name.isdigit())[-1]
    unit = sorted(p.name for p in (root / "docs/archive").iterdir() if p.is_dir())[0]
    return [("home", ""), ("overview", "archive/"), ("year", f"archive/by-date/{year}/"),
            ("unit", f"archive/by-unit/{unit}/"), ("catalogue", "archive/catalogue/"),
            ("catalogue year", f"archive/catalogue/{year}/"), ("search", "archive/search/"),
            ("record", record.as_posix()[:-3] + "/"), ("home (English site)", "en/")]


def kind_of(url: str, content_type: str) -> str:
    path = url.split("?")[0]
    for kind, suffixes, types in (("html", (".html", "/"), ("text/html",)), ("css", (".css",), ("text/css",)),
                                  ("js", (".js",), ("javascript",)), ("font", (".woff2", ".woff", ".ttf"), ("font",)),
                                  ("json", (".json",), ("json",)), ("xml", (".xml",), ("xml",))):
        if path.endswith(suffixes) or any(t in content_type for t in types):
            return kind
    return "other"


def measure_first_view(site: Path, pages: list[tuple[str, str]]) -> list[dict]:
    """Each page in a fresh browser context (empty cache): every response until the network is idle."""
    rows = []
    with browser() as b, serve(site) as base:
        origin = base.rstrip("/")
        for kind, path in pages:
            context = b.new_context()
            watch = browsing.Watch(origin)
            watch.attach(context)
            page = context.new_page()
            responses = []
            page.on("response", lambda r, responses=responses: responses.append(r))
            page.goto(base + path, wait_until="load")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)  # a script's late fetch (Material's sitemaps come after load)
            by_kind: dict[str, int] = {}
            for r in responses:
                if r.url.startswith("data:"):
                    continue
                # as sent: Content-Length (the body Playwright hands back is re-decoded text for some types)
                size = int(r.headers.get("content-length") or len(r.body()))
                k = kind_of(r.url, r.headers.get("content-type", ""))
                by_kind[k] = by_kind.get(k, 0) + size
            rows.append({"kind": kind, "path": "/" + path, "bytes": sum(by_kind.values()), "by_kind": by_kind,
                         "requests": len(responses), "urls": sorted({r.url.replace(origin, "") for r in responses}),
                         "foreign": watch.foreign, "failed": watch.failed})
            context.close()
            print(json.dumps({k: v for k, v in rows[-1].items() if k != "urls"}, ensure_ascii=False), file=sys.stderr)
    return rows


def run_first_view(n: int, work: Path) -> dict:
    root = corpus(n, work)
    full = build(root, "mkdocs.yml", "site")
    return {"n": n, "full": full, "pages": measure_first_view(root / "site", first_view_pages(root))}


def run_huge(n: int, work: Path) -> dict:
    root = corpus(n, work)
    full = build(root, "mkdocs.yml", "site")
    return {"n": n, "full": full, "check_s": check_time(root), "verify_s": check_time(root, "verify")}


# --- preview -----------------------------------------------------------------------------------------------
def run_preview(n: int, work: Path, edits: int = 3) -> dict:
    root = corpus(n, work)
    port = browsing.free_port()
    proc = subprocess.Popen([PY, "-m", "filing_archive", "preview", "-a", f"127.0.0.1:{port}"], cwd=root, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/"
    timings = []
    try:
        started = time.perf_counter()
        with browser() as b:
            page = b.new_page()
            target = sorted((root / "docs/archive").rglob("*-000123.md"))[0]
            url = base + target.relative_to(root / "docs").as_posix()[:-3] + "/"
            deadline = time.time() + 600
            while True:
                try:
                    page.goto(url, timeout=5000)
                    if page.query_selector("#record-title"):
                        break
                except Exception:
                    pass
                if time.time() > deadline:
                    raise SystemExit("preview did not start")
                time.sleep(0.5)
            first = time.perf_counter() - started
            for i in range(edits):
                time.sleep(1.5)
                text = target.read_text(encoding="utf-8")
                new_title = f"预览测试标题{i}"
                text = re.sub(r"^title: .*$", f"title: {new_title}", text, count=1, flags=re.M)
                start = time.perf_counter()
                target.write_text(text, encoding="utf-8")
                page.wait_for_function(f"() => document.getElementById('record-title')?.textContent === '{new_title}'",
                                       timeout=120000)
                timings.append(round(time.perf_counter() - start, 2))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(root)  # the edits changed the corpus: regenerate it next time
    return {"n": n, "first_build_s": round(first, 1), "edit_to_browser_s": timings}


# --- report ------------------------------------------------------------------------------------------------
def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 2**20:.0f} GB RAM"
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def report() -> str:
    lines = [f"Measured by `scripts/bench.py` on {machine()}; records of ~3,400 Han characters, 20 % filed.", ""]
    builds = load("build") or []
    if builds:
        lines += ["| N | full build s | bare Material s | full / bare | zh only s | English overhead | no search s |"
                  " search share | peak RSS MB | index RSS MB | site MB | search MB | search KB / query |"
                  " `archive check` s |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in builds:
            full, zh, ns, bare = r["full"], r["zh_only"], r["no_search"], r.get("bare")
            ratio = f"{full['seconds'] / bare['seconds']:.2f}" if bare else "—"
            lines.append(
                f"| {r['n']} | {full['seconds']} | {bare['seconds'] if bare else '—'} | {ratio} | {zh['seconds']} | "
                f"{full['seconds'] / zh['seconds']:.2f}× | {ns['seconds']} | "
                f"{(full['seconds'] - ns['seconds']) / ns['seconds'] * 100:+.0f} % | {full['rss_mb']} | "
                f"{full['index_rss_mb'] or '—'} | {full['site_mb']} | {r['search_mb']} | "
                f"{r.get('search_kb_per_query', '—')} | {r['check_s']} |")
        by_n = {r["n"]: r["full"]["seconds"] for r in builds}
        pairs = [(a, b) for a, b in ((500, 2000), (1250, 5000)) if a in by_n and b in by_n]
        if pairs:
            lines += ["", "Linearity: " + "; ".join(f"full build at {b} / at {a} = {by_n[b] / by_n[a]:.2f} (records × {b // a})"
                                                    for a, b in pairs) + "."]
    search = load("search")
    if search:
        qs = search["queries"]
        groups = sorted({q["group"] for q in qs}, key=[q["group"] for q in qs].index)
        lines += ["", f"Search recall@10 on {search['n']} records, {len(qs)} queries (relevant = the record's title and "
                  "text contain the query; 档号 queries: the record's 档号 contains it):", "",
                  "| group | queries | this archive | Material built-in | Pagefind (extended) |", "| --- | ---: | ---: | ---: | ---: |"]
        for g in [*groups, "all"]:
            sel = [q for q in qs if g in ("all", q["group"])]
            avg = {k: sum(q[k] for q in sel) / len(sel) for k in ("ours", "material", "pagefind")}
            lines.append(f"| {g} | {len(sel)} | {avg['ours']:.2f} | {avg['material']:.2f} | {avg['pagefind']:.2f} |")
        first = sum(q["ours_first_ok"] for q in qs)
        lines += ["", f"First result contains the query whenever a record does: {first} of {len(qs)} queries."]
    scale = load("scale")
    if scale:
        qs = scale["queries"]
        worst = max(qs, key=lambda q: q["bytes"])
        slow = max(qs, key=lambda q: q["ms"])
        mean_kb = sum(q["bytes"] for q in qs) / len(qs) / 1024
        full = scale.get("full")
        if full:
            lines += ["", f"{scale['n']} records: full build {full['seconds']} s, peak RSS {full['rss_mb']} MB (search "
                      f"index step {full['index_rss_mb']} MB), site {full['site_mb']} MB; `archive check` "
                      f"{scale['check_s']} s."]
        lines += ["", f"Search at {scale['n']} records, {len(qs)} queries, each on a freshly loaded search page: "
                  f"mean {mean_kb:.0f} KB fetched per query (largest {worst['bytes'] / 1024:.0f} KB, `{worst['q']}`); "
                  f"results shown after a mean {sum(q['ms'] for q in qs) / len(qs):.0f} ms (slowest {slow['ms']} ms, "
                  f"`{slow['q']}`)."]
    preview = load("preview")
    if preview:
        lines += ["", f"Preview (`archive preview`) of {preview['n']} records: first build {preview['first_build_s']} s; "
                  f"from saving a record to the browser showing it: {', '.join(map(str, preview['edit_to_browser_s']))} s."]
    huge = load("huge")
    if huge:
        checks = (f"; `archive check` {huge['check_s']} s, `archive verify` {huge['verify_s']} s"
                  if "verify_s" in huge else "")
        lines += ["", f"{huge['n']} records: full build to the end in {huge['full']['seconds']} s, peak RSS "
                  f"{huge['full']['rss_mb']} MB, site {huge['full']['site_mb']} MB{checks}."]
    first = load("firstview")
    if first:
        kinds = ["html", "css", "js", "font", "json", "xml", "other"]
        lines += ["", f"First view of each kind of page at {first['n']} records, in a fresh browser (empty cache): "
                  "every response body until the network is idle, uncompressed, in KB:", "",
                  "| page | path | total KB | requests | " + " | ".join(kinds) + " | other origins |",
                  "| --- | --- | ---: | ---: | " + " | ".join("---:" for _ in kinds) + " | ---: |"]
        for r in first["pages"]:
            cells = " | ".join(f"{r['by_kind'].get(k, 0) / 1024:.0f}" if k in r["by_kind"] else "—" for k in kinds)
            lines.append(f"| {r['kind']} | `{r['path']}` | {r['bytes'] / 1024:.0f} | {r['requests']} | {cells} | "
                         f"{len(r['foreign'])} |")
    return "\n".join(lines)


def update_readme(table: str) -> None:
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start not in text:
        raise SystemExit(f"README.md has no {start} … {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["build", "search", "scale", "preview", "huge", "firstview", "report", "all"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1250, 5000])
    parser.add_argument("--search-n", type=int, default=1000)
    parser.add_argument("--scale-n", type=int, default=10000)
    parser.add_argument("--preview-n", type=int, default=2000)
    parser.add_argument("--huge-n", type=int, default=50000)
    parser.add_argument("--firstview-n", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/archive-bench"))
    parser.add_argument("--update-readme", action="store_true")
    args = parser.parse_args()
    parts = ["build", "search", "scale", "preview", "huge", "firstview"] if args.part == "all" else [args.part]
    for part in parts:
        if part == "build":
            save("build", run_build(args.sizes, args.work))
        elif part == "search":
            save("search", run_search(args.search_n, args.work))
        elif part == "scale":
            save("scale", run_scale(args.scale_n, args.work))
        elif part == "preview":
            save("preview", run_preview(args.preview_n, args.work))
        elif part == "huge":
            save("huge", run_huge(args.huge_n, args.work))
        elif part == "firstview":
            save("firstview", run_first_view(args.firstview_n, args.work))
    table = report()
    print(table)
    (OUT / "results.md").write_text(table + "\n", encoding="utf-8")
    if args.update_readme:
        update_readme(table)


if __name__ == "__main__":
    main()
