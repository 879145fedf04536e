"""Statistics charts as inline SVG, drawn at build time: no JavaScript, no library, no web fonts.

Each ``Chart`` carries its title, a sentence describing it, the SVG and the same numbers as a
table (header row first) for screen readers, print and Excel. Records are counted first, so
the drawing grows with the number of months, units and years, never with the number of records.
Every series has a colour *and* a pattern, and a text legend; each bar segment has a tooltip.
Text uses ``currentColor``, so the charts follow the page's light or dark scheme.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape

from .labels import ui
from .periods import periods_between
from .records import Record
from .registry import Registry
from .schema import TYPES

# Okabe–Ito colours (distinguishable with colour-blindness), then two more; patterns on top.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
           "#999999", "#8C564B")
PATTERNS = (
    "",
    '<path d="M0,8 L8,0" stroke="#fff" stroke-width="1.5"/>',
    '<circle cx="4" cy="4" r="1.5" fill="#fff"/>',
    '<path d="M0,4 H8" stroke="#fff" stroke-width="1.5"/>',
    '<path d="M0,0 L8,8 M0,8 L8,0" stroke="#fff" stroke-width="1"/>',
    '<path d="M4,0 V8" stroke="#fff" stroke-width="1.5"/>',
    '<path d="M0,0 L8,8" stroke="#fff" stroke-width="1.5"/>',
    '<path d="M0,4 H8 M4,0 V8" stroke="#fff" stroke-width="1"/>',
    '<circle cx="2" cy="2" r="1" fill="#fff"/><circle cx="6" cy="6" r="1" fill="#fff"/>',
    '<path d="M0,6 L4,2 L8,6" stroke="#fff" stroke-width="1.2" fill="none"/>',
)
FONT = 'font-family="sans-serif" font-size="11" fill="currentColor"'

@dataclass(frozen=True)
class Chart:
    id: str  # an HTML id, unique on the page (its SVG ids start with it)
    title: str
    description: str
    svg: str
    table: list[list[str]]  # header row, then one row per month or unit

    @property
    def header(self) -> list[str]:
        return self.table[0]

    @property
    def rows(self) -> list[list[str]]:
        return self.table[1:]


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int]  # one per category


def nice_step(top: int) -> int:
    """A tick step of 1, 2 or 5 × 10^k giving at most five steps up to ``top``."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if top <= 5 * factor * magnitude:
                return factor * magnitude
        magnitude *= 10


def _text_width(text: str, size: float = 11) -> float:
    """Rough width: CJK characters are square, Latin ones about half as wide."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def _defs(chart_id: str, count: int) -> str:
    parts = []
    for i in range(count):
        colour, pattern = COLOURS[i % len(COLOURS)], PATTERNS[i % len(PATTERNS)]
        parts.append(f'<pattern id="{chart_id}-s{i}" patternUnits="userSpaceOnUse" width="8" height="8">'
                     f'<rect width="8" height="8" fill="{colour}"/>{pattern}</pattern>')
    return f"<defs>{''.join(parts)}</defs>"


def _legend(chart_id: str, series: list[Series], x0: float, y0: float, width: float) -> tuple[str, float]:
    """Swatches with their labels, wrapped to ``width``; returns the SVG and its height."""
    parts, x, y = [], x0, y0
    for i, s in enumerate(series):
        item = 18 + _text_width(s.label) + 16
        if x > x0 and x + item > x0 + width:
            x, y = x0, y + 18
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" fill="url(#{chart_id}-s{i})" '
                     f'stroke="currentColor" stroke-width="0.5"/>'
                     f'<text x="{x + 16:.1f}" y="{y + 10:.1f}" {FONT}>{escape(s.label)}</text>')
        x += item
    return "".join(parts), (y - y0) + 18 if series else 0


def _svg(chart_id: str, title: str, description: str, width: float, height: float, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="archive-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" style="max-width:{width:.0f}px" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _columns(chart_id: str, categories: list[str], ticks: list[str], subticks: list[str], series: list[Series],
             sep: str) -> tuple[str, float, float]:
    """Vertical stacked columns, one per category; ``ticks`` and ``subticks``: two rows of labels under them."""
    n = len(categories)
    slot = max(6.0, min(36.0, 720 / max(n, 1)))
    left, top, plot_h = 44.0, 16.0, 220.0
    width = left + n * slot + 16
    totals = [sum(s.values[i] for s in series) for i in range(n)]
    peak = max(totals, default=0) or 1
    step = nice_step(peak)
    ymax = -(-peak // step) * step
    scale = plot_h / ymax
    parts = []
    base = top + plot_h
    for tick in range(0, ymax + 1, step):
        y = base - tick * scale
        parts.append(f'<line x1="{left:.1f}" x2="{width - 16:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="currentColor" '
                     f'stroke-opacity="{0.6 if tick == 0 else 0.15}"/>'
                     f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{tick}</text>')
    bar = slot * 0.72
    for i, category in enumerate(categories):
        x = left + i * slot + (slot - bar) / 2
        y = base
        for k, s in enumerate(series):
            value = s.values[i]
            if not value:
                continue
            h = value * scale
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="url(#{chart_id}-s{k})"><title>{escape(f"{category} · {s.label}{sep}{value}")}</title>'
                         f"</rect>")
        if totals[i] and slot >= 14:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" {FONT}>{totals[i]}</text>')
        if ticks[i]:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{base + 14:.1f}" text-anchor="middle" {FONT}>'
                         f"{escape(ticks[i])}</text>")
        if subticks[i]:
            parts.append(f'<text x="{x:.1f}" y="{base + 28:.1f}" {FONT}>{escape(subticks[i])}</text>')
    legend, legend_h = _legend(chart_id, series, left, base + 36, max(width - left - 16, 300))
    height = base + 36 + legend_h + 8
    width = max(width, left + 316)
    return _defs(chart_id, len(series)) + "".join(parts) + legend, width, height


def _bars(chart_id: str, categories: list[str], series: list[Series], sep: str) -> tuple[str, float, float]:
    """Horizontal stacked bars, one per category (long Chinese unit names fit on the left)."""
    shown = [c if len(c) <= 18 else c[:17] + "…" for c in categories]
    left = min(max((_text_width(c) for c in shown), default=40) + 12, 260)
    row, top, plot_w = 22.0, 8.0, 420.0
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    peak = max(totals, default=0) or 1
    step = nice_step(peak)
    xmax = -(-peak // step) * step
    scale = plot_w / xmax
    parts = []
    base = top + row * len(categories)
    for tick in range(0, xmax + 1, step):
        x = left + tick * scale
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top:.1f}" y2="{base:.1f}" stroke="currentColor" '
                     f'stroke-opacity="{0.6 if tick == 0 else 0.15}"/>'
                     f'<text x="{x:.1f}" y="{base + 14:.1f}" text-anchor="middle" {FONT}>{tick}</text>')
    for i, category in enumerate(categories):
        y = top + i * row + 4
        x = left
        parts.append(f'<text x="{left - 6:.1f}" y="{y + 11:.1f}" text-anchor="end" {FONT}>'
                     f"<title>{escape(category)}</title>{escape(shown[i])}</text>")
        for k, s in enumerate(series):
            value = s.values[i]
            if not value:
                continue
            w = value * scale
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{row - 8:.1f}" '
                         f'fill="url(#{chart_id}-s{k})"><title>{escape(f"{category} · {s.label}{sep}{value}")}</title>'
                         f"</rect>")
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 11:.1f}" {FONT}>{totals[i]}</text>')
    width = left + plot_w + 40
    legend, legend_h = _legend(chart_id, series, left, base + 28, plot_w)
    height = base + 28 + legend_h + 8
    return _defs(chart_id, len(series)) + "".join(parts) + legend, width, height


def records_per_month_by_type(records: Iterable[Record], lang: str) -> Chart:
    """Records per calendar month, stacked by type (pass the records the site shows)."""
    chart_id = "chart-records-per-month"
    counts = Counter((r.date.year, r.date.month, r.type) for r in records)
    title = ui(lang, "chart_month_title")
    header = [ui(lang, "chart_month")]
    if not counts:
        description = ui(lang, "chart_empty_desc")
        return Chart(chart_id, title, description, _svg(chart_id, title, description, 320, 24, ""), [header])
    months = periods_between("month", date(*min(counts)[:2], 1), date(*max(counts)[:2], 1))
    types = [t.code for t in TYPES if any(k[2] == t.code for k in counts)]
    series = [Series(TYPES[t].label(lang), [counts[(m.year, m.index, t)] for m in months]) for t in types]
    labels = [m.label(lang) for m in months]
    totals = [sum(s.values[i] for s in series) for i in range(len(months))]
    table = [header + [s.label for s in series] + [ui(lang, "total")]]
    table += [[labels[i], *(str(s.values[i]) for s in series), str(totals[i])] for i in range(len(months))]
    peak = max(range(len(months)), key=lambda i: (totals[i], -i))
    description = ui(lang, "chart_month_desc").format(first=labels[0], last=labels[-1], total=sum(totals),
                                                peak=labels[peak], peak_n=totals[peak])
    # Under the columns: the month (when there is room), and the year under January and the first column.
    ticks = [str(m.index) if len(months) <= 36 else "" for m in months]
    year = ui(lang, "chart_year")
    subticks = [year.format(year=m.year) if m.index == 1 or i == 0 else "" for i, m in enumerate(months)]
    body, width, height = _columns(chart_id, labels, ticks, subticks, series, ui(lang, "chart_sep"))
    return Chart(chart_id, title, description, _svg(chart_id, title, description, width, height, body), table)


def records_per_unit_per_year(records: Iterable[Record], registry: Registry, lang: str) -> Chart:
    """Records of each unit of the registry per year, stacked by year (every unit, in registry order)."""
    chart_id = "chart-records-per-unit-year"
    counts = Counter((r.unit, r.date.year) for r in records)
    title = ui(lang, "chart_unit_title")
    header = [ui(lang, "unit")]
    if not counts:
        description = ui(lang, "chart_empty_desc")
        return Chart(chart_id, title, description, _svg(chart_id, title, description, 320, 24, ""), [header])
    years = list(range(min(y for _, y in counts), max(y for _, y in counts) + 1))
    units = list(registry.units.values())
    labels = [u.label(lang) for u in units]
    series = [Series(ui(lang, "chart_year").format(year=y), [counts[(u.code, y)] for u in units]) for y in years]
    totals = [sum(counts[(u.code, y)] for y in years) for u in units]
    table = [header + [s.label for s in series] + [ui(lang, "total")]]
    table += [[labels[i], *(str(s.values[i]) for s in series), str(totals[i])] for i in range(len(units))]
    peak = max(range(len(units)), key=lambda i: (totals[i], -i))
    description = ui(lang, "chart_unit_desc").format(
        units=len(units), first=series[0].label, last=series[-1].label, total=sum(totals), peak=labels[peak],
        peak_n=totals[peak],
    )
    body, width, height = _bars(chart_id, labels, series, ui(lang, "chart_sep"))
    return Chart(chart_id, title, description, _svg(chart_id, title, description, width, height, body), table)
