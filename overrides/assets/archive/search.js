/* The archive's search: header box (quick results) and the advanced page /archive/search/.
 *
 * The index (built by filing_archive/search.py) maps every character bigram and single
 * character to the documents that contain it. A query is cut the same way; the documents
 * holding all its pieces are candidates, and each candidate is confirmed against its text
 * before it is shown, so every result contains what was typed. Nothing here loads from
 * outside the site. Data is put into the page with textContent, never as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var config = {
    index: script.getAttribute("data-index"),      // URL of search/ (relative to this page)
    root: script.getAttribute("data-root"),        // URL of the site root
    page: script.getAttribute("data-page"),        // URL of the advanced search page
    lang: script.getAttribute("data-lang") || "zh"
  };
  var strings = JSON.parse(document.getElementById("archive-search-strings").textContent);

  /* ---- normalisation: the rules of search.normalize(), character by character ---- */
  var OPEN = "〔【[（(｛{〈《", CLOSE = "〕】]）)｝}〉》", DOTS = "・•‧∙⋅･", INVISIBLE = "\u200b\u200c\u200d\ufeff";
  var SPACE = /[\s\x1c-\x1f\x85]/;  // Python's str.isspace(): JavaScript's \s lacks \x1c-\x1f and \x85
  var charCache = new Map();

  function normalizeChar(ch) {
    var cached = charCache.get(ch);
    if (cached !== undefined) return cached;
    var out = "";
    if (ch.codePointAt(0) > 0xffff) {
      out = ch;
    } else {
      var forms = Array.from(ch.normalize("NFKC").toLowerCase());
      for (var i = 0; i < forms.length; i++) {
        var c = forms[i];
        if (OPEN.indexOf(c) >= 0) out += "(";
        else if (CLOSE.indexOf(c) >= 0) out += ")";
        else if (DOTS.indexOf(c) >= 0) out += "·";
        else if (INVISIBLE.indexOf(c) >= 0) continue;
        else if (SPACE.test(c)) out += " ";
        else out += c;
      }
    }
    charCache.set(ch, out);
    return out;
  }

  /* Normalised code points, and for each the index of the original code point it came from. */
  function normalizeWithMap(text) {
    var source = Array.from(text), chars = [], map = [];
    for (var i = 0; i < source.length; i++) {
      var n = Array.from(normalizeChar(source[i]));
      for (var j = 0; j < n.length; j++) {
        // runs of space count as one, as in search.normalize()
        if (n[j] === " " && (chars.length === 0 || chars[chars.length - 1] === " ")) continue;
        chars.push(n[j]);
        map.push(i);
      }
    }
    return { chars: chars, map: map, source: source };
  }

  function normalize(text) {
    return normalizeWithMap(text).chars.join("").trim();
  }

  /* The index pieces of one query term, with their offsets in it: its bigrams (at most 10,
     spread over the term; the ones across word boundaries are what make a phrase rare), or the
     character itself for a one-character term. */
  function termTokens(term) {
    var cps = Array.from(term);
    if (cps.length === 1) return [{ token: cps[0], offset: 0 }];
    var offsets = [];
    for (var i = 0; i + 1 < cps.length; i++) offsets.push(i);
    if (offsets.length > 10) {
      var spread = [];
      for (var k = 0; k < 10; k++) spread.push(offsets[Math.round(k * (offsets.length - 1) / 9)]);
      offsets = spread;
    }
    return offsets.map(function (o) { return { token: cps[o] + cps[o + 1], offset: o }; });
  }

  /* Where a record holds rare pieces of a term, they must sit as in the term: one start from
     which every piece with known positions is found at its offset. */
  function aligned(pieces, found) {
    var known = [];
    for (var i = 0; i < pieces.length; i++) if (found[i].pos) known.push({ offset: pieces[i].offset, pos: found[i].pos });
    if (known.length < 2) return true;
    known.sort(function (a, b) { return a.pos.length - b.pos.length; });
    var anchor = known[0];
    return anchor.pos.some(function (p) {
      var start = p - anchor.offset;
      for (var j = 1; j < known.length; j++) if (known[j].pos.indexOf(start + known[j].offset) < 0) return false;
      return true;
    });
  }

  function shardOf(token, shards) {
    var h = 0x811c9dc5;
    for (var i = 0, cps = Array.from(token); i < cps.length; i++) {
      h ^= cps[i].codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % shards;
  }

  function countIn(chars, term) {
    var t = Array.from(term), n = 0, positions = [];
    outer: for (var i = 0; i + t.length <= chars.length; i++) {
      for (var j = 0; j < t.length; j++) if (chars[i + j] !== t[j]) continue outer;
      n++;
      positions.push(i);
      i += t.length - 1;
    }
    return { count: n, positions: positions };
  }

  /* ---- the engine ---- */
  function Engine(indexUrl, lang) {
    this.base = indexUrl.replace(/\/?$/, "/");
    this.lang = lang;
    this.cache = new Map();
  }

  Engine.prototype.fetchText = function (path) {
    if (!this.cache.has(path)) {
      this.cache.set(path, fetch(this.base + path).then(function (response) {
        if (!response.ok) throw new Error(path + ": " + response.status);
        return response.text();
      }));
    }
    return this.cache.get(path);
  };

  Engine.prototype.fetchJSON = function (path) {
    return this.fetchText(path).then(JSON.parse);
  };

  Engine.prototype.ready = function () {
    var self = this;
    if (!this.loaded) {
      this.loaded = Promise.all([this.fetchJSON("meta.json"), this.fetchJSON("docs." + this.lang + ".json")])
        .then(function (parts) { self.meta = parts[0]; self.table = parts[1]; return self; });
    }
    return this.loaded;
  };

  Engine.prototype.postings = function (token) {
    var shard = shardOf(token, this.meta.shards);
    return this.fetchJSON("p/" + shard + ".json").then(function (data) {
      // [doc delta, weight, n, n positions …] per record holding the token
      var flat = data[token] || [], result = new Map(), doc = 0;
      for (var i = 0; i < flat.length; i += 3 + flat[i + 2]) {
        doc += flat[i];
        var n = flat[i + 2];
        result.set(doc, { weight: flat[i + 1], pos: n ? flat.slice(i + 3, i + 3 + n) : null });
      }
      return result;
    });
  };

  Engine.prototype.header = function (doc) {
    var chunk = Math.floor(doc / this.meta.header_chunk);
    var self = this;
    return this.fetchJSON("h/" + chunk + ".json").then(function (rows) { return rows[doc - chunk * self.meta.header_chunk]; });
  };

  /* A document's display data and text: one file, its first line JSON. */
  Engine.prototype.text = function (doc) {
    return this.fetchText("t/" + Math.floor(doc / this.meta.text_bucket) + "/" + doc + ".txt").then(function (raw) {
      var nl = raw.indexOf("\n");
      return { header: JSON.parse(raw.slice(0, nl)), text: raw.slice(nl + 1) };
    });
  };

  /* Rows of the language table that pass the filters: [{row, doc, date}] */
  Engine.prototype.filtered = function (filters) {
    var t = this.table, labels = t.labels, out = [];
    // the handbook's pages: searched apart from the records, no filter applies to them
    if (filters.pages) return (t.pages || []).map(function (doc) { return { row: -1, doc: doc, date: 0 }; });
    function indexOf(list, code) { for (var i = 0; i < list.length; i++) if (list[i][0] === code) return i; return -2; }
    var unit = filters.unit ? indexOf(labels.unit, filters.unit) : -1;
    var type = filters.type ? indexOf(labels.type, filters.type) : -1;
    var status = filters.status ? indexOf(labels.status, filters.status) : -1;
    var plan = filters.plan ? indexOf(labels.plan, filters.plan) : -1;
    var stage = filters.stage ? indexOf(labels.stage, filters.stage) : -1;
    var year = filters.year ? parseInt(filters.year, 10) : 0;
    for (var r = 0; r < t.unit.length; r++) {
      if (unit !== -1 && t.unit[r] !== unit) continue;
      if (type !== -1 && t.type[r] !== type) continue;
      if (status !== -1 && t.status[r] !== status) continue;
      if (plan !== -1 && t.plan[r] !== plan) continue;
      if (stage !== -1 && t.stage[r] !== stage) continue;
      if (year && Math.floor(t.date[r] / 10000) !== year) continue;
      out.push({ row: r, doc: t.doc ? t.doc[r] : r, date: t.date[r] });
    }
    return out;
  };

  /* What a query may be: trimmed, at most MAX_QUERY characters (a pasted page would make a
     huge URL and fetch every shard); only spaces is no query at all. */
  var MAX_QUERY = 100;
  function cleanQuery(text) {
    return Array.from((text || "").trim()).slice(0, MAX_QUERY).join("").trim();
  }

  /* A search: candidates first, then confirmed page by page with next(k). */
  function Search(engine, query, filters, sort) {
    this.engine = engine;
    this.terms = normalize(cleanQuery(query).replace(/["“”'‘’]/g, " ")).split(" ").filter(Boolean).slice(0, 8);
    this.filters = filters;
    this.sort = sort || (this.terms.length ? "relevance" : "newest");
    this.confirmed = [];  // confirmed, not yet handed out (relevance: waiting for the threshold)
    this.handed = 0;
    this.checked = 0;
    this.done = false;
  }

  Search.prototype.prepare = function () {
    var self = this, engine = this.engine;
    return engine.ready().then(function () {
      var rows = engine.filtered(self.filters);
      if (!self.terms.length) {
        self.candidates = rows.map(function (r) { return { doc: r.doc, date: r.date, bound: 0 }; });
        return self.order();
      }
      var pieces = self.terms.map(termTokens);
      var perTerm = pieces.map(function (list) {
        return Promise.all(list.map(function (piece) { return engine.postings(piece.token); }));
      });
      return Promise.all(perTerm).then(function (lists) {
        // Upper bound of a document's score: per term, the smallest weight among its pieces.
        var bound = new Map();
        rows.forEach(function (r) { bound.set(r.doc, { doc: r.doc, date: r.date, bound: 0 }); });
        lists.forEach(function (postings, t) {
          bound.forEach(function (entry, doc) {
            var least = Infinity, found = [];
            for (var i = 0; i < postings.length; i++) {
              var hit = postings[i].get(doc);
              if (hit === undefined) { least = 0; break; }
              found.push(hit);
              if (hit.weight < least) least = hit.weight;
            }
            if (least === 0 || !aligned(pieces[t], found)) bound.delete(doc); else entry.bound += least;
          });
        });
        self.candidates = Array.from(bound.values());
        return self.order();
      });
    });
  };

  Search.prototype.order = function () {
    var byDate = function (a, b) { return b.date - a.date || b.doc - a.doc; };
    if (this.sort === "oldest") this.candidates.sort(function (a, b) { return a.date - b.date || a.doc - b.doc; });
    else if (this.sort === "newest") this.candidates.sort(byDate);
    else this.candidates.sort(function (a, b) { return b.bound - a.bound || byDate(a, b); });
    this.total = this.candidates.length;
    return this;
  };

  /* Confirm a candidate against its text: every term must occur. Returns a result or null. */
  Search.prototype.confirm = function (candidate) {
    var self = this, engine = this.engine;
    if (!this.terms.length) {
      return engine.header(candidate.doc).then(function (header) {
        return { doc: candidate.doc, header: header, score: 0, snippet: null };
      });
    }
    return engine.text(candidate.doc).then(function (doc) {
      var header = doc.header, norm = normalizeWithMap(doc.text);
      // The text is: title, a line of metadata (文号, 档号, names…), then the body. A match in the
      // title weighs as in the index; one only in the metadata weighs less than one in the body,
      // so the records that say it come first. Never more than the index's weight: the bound holds.
      var metaStart = lineStart(norm, 1), bodyStart = lineStart(norm, 2), score = 0, hits = [];
      for (var i = 0; i < self.terms.length; i++) {
        var found = countIn(norm.chars, self.terms[i]);
        if (!found.count) return null;
        found.positions.forEach(function (p) {
          score += p < metaStart ? engine.meta.title_weight : p < bodyStart ? 0.5 : 1;
        });
        hits.push({ term: self.terms[i], positions: found.positions });
      }
      return { doc: candidate.doc, header: header, score: score, snippet: snippet(norm, hits) };
    });
  };

  /* The next k results (fewer at the end). Relevance: a confirmed result is handed out only
     when no unconfirmed candidate could still beat it, or when the confirmation budget is spent. */
  Search.prototype.next = function (k, budget) {
    var self = this, out = [], spent = 0;
    budget = budget || k + 6;  // texts fetched to rank a page: enough for the best, not for all
    function ready() {
      if (self.sort !== "relevance") return self.confirmed.length > 0;
      if (!self.confirmed.length) return false;
      var nextCandidate = self.candidates[self.checked];
      return !nextCandidate || self.confirmed[0].score >= nextCandidate.bound || spent >= budget;
    }
    function step() {
      while (out.length < k && ready()) { out.push(self.confirmed.shift()); self.handed++; }
      // a query whose candidates rarely hold it stops here; "more results" goes on from here
      if (spent >= 4 * budget && self.checked < self.candidates.length) return Promise.resolve(out);
      if (out.length >= k || self.checked >= self.candidates.length) {
        if (self.checked >= self.candidates.length) {
          while (out.length < k && self.confirmed.length) { out.push(self.confirmed.shift()); self.handed++; }
          self.done = !self.confirmed.length;
          self.total = self.handed + self.confirmed.length;  // every candidate confirmed: the count is exact
        }
        return Promise.resolve(out);
      }
      // fetch in one round what the page still needs (a little more), not eight at a time
      var want = Math.max(4, k - out.length - self.confirmed.length + 2);
      if (self.sort === "relevance" && spent < budget) want = Math.min(want, budget - spent);
      var batch = self.candidates.slice(self.checked, self.checked + want);
      self.checked += batch.length;
      spent += batch.length;
      return Promise.all(batch.map(function (c) { return self.confirm(c); })).then(function (results) {
        results.forEach(function (r) { if (r) self.confirmed.push(r); });
        if (self.sort === "relevance") {
          self.confirmed.sort(function (a, b) { return b.score - a.score || b.header.date.localeCompare(a.header.date); });
        }
        return step();
      });
    }
    return step();
  };

  /* A window of the original text around the first match in the body (else in the title),
     with every term's matches marked. */
  function snippet(norm, hits) {
    var start = lineStart(norm, 2), at = null, first = null;
    hits.forEach(function (h) {
      h.positions.forEach(function (p) {
        if (first === null || p < first) first = p;
        if (p >= start && (at === null || p < at)) at = p;
      });
    });
    if (at === null) at = first;
    var startN = Math.max(start <= at ? start : 0, at - 24), endN = Math.min(norm.chars.length, at + 56);
    var marks = [];
    hits.forEach(function (h) {
      var len = Array.from(h.term).length;
      h.positions.forEach(function (p) { if (p + len > startN && p < endN) marks.push([Math.max(p, startN), Math.min(p + len, endN)]); });
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var parts = [], cursor = startN;
    function original(from, to) {
      if (from >= to) return "";
      var a = norm.map[from], b = to < norm.map.length ? norm.map[to] : norm.source.length;
      return norm.source.slice(a, b).join("");
    }
    marks.forEach(function (m) {
      if (m[0] < cursor) return;
      parts.push({ text: original(cursor, m[0]), mark: false });
      parts.push({ text: original(m[0], m[1]), mark: true });
      cursor = m[1];
    });
    parts.push({ text: original(cursor, endN), mark: false });
    return { parts: parts, before: startN > start, after: endN < norm.chars.length };
  }

  /* The normalised position where line n (0: title, 1: metadata, 2: body) of the text starts. */
  function lineStart(norm, n) {
    norm.lines = norm.lines || {};
    if (norm.lines[n] === undefined) {
      var seen = 0, at = norm.source.length;
      for (var i = 0; i < norm.source.length && n > 0; i++) {
        if (norm.source[i] === "\n" && ++seen === n) { at = i; break; }
      }
      if (n === 0) at = 0;
      var k = 0;
      while (k < norm.map.length && norm.map[k] < at) k++;
      norm.lines[n] = k;
    }
    return norm.lines[n];
  }

  /* ---- rendering ---- */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function siteUrl(path) {
    return config.root.replace(/\/?$/, "/") + path;
  }

  function renderSnippet(s) {
    var p = el("p", "archive-result__snippet");
    if (!s) return p;
    if (s.before) p.appendChild(document.createTextNode("…"));
    s.parts.forEach(function (part) {
      p.appendChild(part.mark ? el("mark", null, part.text) : document.createTextNode(part.text));
    });
    if (s.after) p.appendChild(document.createTextNode("…"));
    return p;
  }

  function unitOf(engine, doc) {
    var t = engine.table, r = t.doc ? t.doc.indexOf(doc) : doc < t.unit.length ? doc : -1;
    return r >= 0 ? t.labels.unit[t.unit[r]][1] : "";
  }

  function renderResult(engine, result) {
    var h = result.header;
    var li = el("li", "archive-result");
    var a = el("a", "archive-result__title", h.title);
    a.href = siteUrl(h.url);
    li.appendChild(a);
    if (h.draft) li.appendChild(el("span", "archive-badge archive-badge--draft", strings.draft));
    var meta = el("p", "archive-result__meta");
    [[strings.archive_no, h.archive_no], [strings.doc_no, h.doc_no], [strings.unit, unitOf(engine, result.doc)], [strings.date, h.date]]
      .forEach(function (pair) {
        if (!pair[1]) return;
        var span = el("span", "archive-result__field");
        span.appendChild(el("span", "archive-result__label", pair[0] + ": "));
        span.appendChild(el("span", null, pair[1]));
        meta.appendChild(span);
      });
    li.appendChild(meta);
    if (result.snippet) li.appendChild(renderSnippet(result.snippet));
    return li;
  }

  var engine = new Engine(config.index, config.lang);
  window.archiveSearch = { engine: engine, Search: Search, normalize: normalize, termTokens: termTokens, shardOf: shardOf };

  /* ---- header box: quick results as you type ---- */
  function setupQuick(form) {
    var input = form.querySelector("input[name=q]");
    var box = form.querySelector(".archive-quick");
    var timer = null, serial = 0, active = -1;

    function close() { box.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function items() { return box.querySelectorAll("[role=option]"); }
    function highlight(i) {
      var list = items();
      list.forEach(function (node, n) { node.setAttribute("aria-selected", n === i ? "true" : "false"); });
      active = i;
    }

    function run() {
      var query = cleanQuery(input.value), mine = ++serial;
      if (!query) { close(); return; }
      var search = new Search(engine, query, {}, "relevance");
      var pages = new Search(engine, query, { pages: true }, "relevance");
      Promise.all([
        search.prepare().then(function () { return search.next(8); }),
        pages.prepare().then(function () { return pages.next(3); })
      ]).then(function (both) {
        var results = both[0], pageResults = both[1];
        if (mine !== serial) return;
        box.textContent = "";
        var status = el("p", "archive-quick__status", results.length ? strings.results.replace("{n}", search.total) : strings.no_results);
        status.setAttribute("role", "status");
        box.appendChild(status);
        var list = el("ol", "archive-quick__list");
        results.forEach(function (r) {
          var li = renderResult(engine, r);
          li.setAttribute("role", "option");
          list.appendChild(li);
        });
        box.appendChild(list);
        if (pageResults.length) {  // the handbook's pages that say it, apart from the records
          box.appendChild(el("p", "archive-quick__heading", strings.handbook));
          var pageList = el("ol", "archive-quick__list archive-quick__pages");
          pageResults.forEach(function (r) {
            var li = el("li", "archive-page-result");
            li.setAttribute("role", "option");
            var a = el("a", "archive-page-result__title", r.header.title);
            a.href = siteUrl(r.header.url);
            li.appendChild(a);
            if (r.snippet) li.appendChild(renderSnippet(r.snippet));
            pageList.appendChild(li);
          });
          box.appendChild(pageList);
        }
        var more = el("a", "archive-quick__more", strings.advanced);
        more.href = config.page + "?q=" + encodeURIComponent(query);
        box.appendChild(more);
        box.hidden = false;
        input.setAttribute("aria-expanded", "true");
        active = -1;
      }).catch(function (error) {
        box.textContent = "";
        box.appendChild(el("p", "archive-quick__status", strings.failed + " " + error.message));
        box.hidden = false;
      });
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
    input.addEventListener("keydown", function (event) {
      var list = items();
      if (event.key === "ArrowDown" && list.length) { event.preventDefault(); highlight(Math.min(active + 1, list.length - 1)); }
      else if (event.key === "ArrowUp" && list.length) { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); list[active].querySelector("a").click(); }
      else if (event.key === "Escape") close();
    });
    document.addEventListener("click", function (event) { if (!form.contains(event.target)) close(); });
  }

  /* ---- the advanced search page: form state in the URL ---- */
  var FIELDS = ["q", "unit", "type", "plan", "stage", "year", "status", "sort"];
  var PAGE = 10;  // results per page of the advanced search

  function setupAdvanced(form) {
    var output = document.getElementById("archive-results");
    var summary = document.getElementById("archive-results-summary");
    var moreButton = document.getElementById("archive-results-more");
    var current = null;

    /* The form as the URL says, every field: one the URL lacks goes back to empty ("any", relevance),
       so Back from a filtered search does not keep the newer search's filters. */
    function readUrl() {
      var params = new URLSearchParams(location.search);
      FIELDS.forEach(function (name) {
        var field = form.elements[name];
        if (field) field.value = name === "q" ? cleanQuery(params.get(name)) : params.get(name) || "";
      });
      var values = state(), query = new URLSearchParams(values).toString();
      if (query !== location.search.replace(/^\?/, "")) {  // a long or blank query: the address shows what is searched
        history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
      }
      return Object.keys(values).length > 0;
    }

    function showPrompt() {
      current = null;
      output.textContent = "";
      moreButton.hidden = true;
      summary.textContent = strings.prompt;
    }

    function state() {
      var values = {};
      FIELDS.forEach(function (name) {
        var f = form.elements[name], value = f ? (name === "q" ? cleanQuery(f.value) : f.value.trim()) : "";
        if (value) values[name] = value;
      });
      return values;
    }

    function show(results) {
      results.forEach(function (r) { output.appendChild(renderResult(engine, r)); });
      var shown = output.children.length;
      summary.textContent = shown
        ? strings.showing.replace("{shown}", shown).replace("{n}", current.total)
        : strings.no_results;
      moreButton.hidden = current.done || shown >= current.total || results.length === 0;
    }

    function run(push) {
      var values = state();
      var query = new URLSearchParams(values).toString();
      if (push) history.pushState(null, "", location.pathname + (query ? "?" + query : ""));
      if (!query) { showPrompt(); return; }  // nothing asked (a query of only spaces): no list of everything
      performance.clearMarks("archive:search");
      performance.clearMeasures("archive:results");
      performance.mark("archive:search");  // from the search asked to its results shown (benchmarks read it)
      output.textContent = "";
      summary.textContent = strings.searching;
      moreButton.hidden = true;
      var filters = { unit: values.unit, type: values.type, plan: values.plan, stage: values.stage, year: values.year, status: values.status };
      current = new Search(engine, values.q || "", filters, values.sort === "newest" || values.sort === "oldest" ? values.sort : null);
      var mine = current;
      current.prepare().then(function () { return mine.next(PAGE); }).then(function (results) {
        if (mine === current) {
          show(results);
          performance.measure("archive:results", "archive:search");
        }
      }).catch(function (error) { summary.textContent = strings.failed + " " + error.message; });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); run(true); });
    moreButton.addEventListener("click", function () {
      var mine = current;
      mine.next(PAGE).then(function (results) { if (mine === current) show(results); });
    });
    window.addEventListener("popstate", function () { if (readUrl()) run(false); else showPrompt(); });
    if (readUrl()) run(false);
    else showPrompt();
  }

  document.querySelectorAll("form[data-archive-quick]").forEach(setupQuick);
  var advanced = document.getElementById("archive-search-form");
  if (advanced) setupAdvanced(advanced);
})();
