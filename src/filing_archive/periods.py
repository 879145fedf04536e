"""Calendar periods of recurring duties: months (``2026-03``), quarters (``2026-Q1``), halves
(``2026-H1`` = January–June, ``2026-H2`` = July–December) and years (``2026``), their keys as
staff write them and their labels in both languages."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .schema import Term, Vocabulary

PERIODS = Vocabulary(
    "per",
    [
        Term("month", "月", "Month"),
        Term("quarter", "季度", "Quarter"),
        Term("half", "半年", "Half-year"),
        Term("year", "年", "Year"),
    ],
    near_miss=False,
)
MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "half": 6, "year": 12}

PERIOD_KEY_RE = {
    "month": re.compile(r"^(?P<year>\d{4})-(?P<n>\d{2})$"),
    "quarter": re.compile(r"^(?P<year>\d{4})-Q(?P<n>\d)$"),
    "half": re.compile(r"^(?P<year>\d{4})-H(?P<n>\d)$"),
    "year": re.compile(r"^(?P<year>\d{4})$"),
}
MONTH_ABBR_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Period:
    """One calendar period: ``key`` is ``2026-03``, ``2026-Q1``, ``2026-H1`` or ``2026``."""

    per: str
    key: str
    start: date
    end: date

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def index(self) -> int:
        """1-based: the month, quarter or half of the year (1 for a year)."""
        return (self.start.month - 1) // MONTHS_PER_PERIOD[self.per] + 1

    def label(self, lang: str) -> str:
        y, n = self.year, self.index
        if lang == "en":
            return {"month": f"{MONTH_ABBR_EN[n - 1]} {y}", "quarter": f"Q{n} {y}", "half": f"H{n} {y}",
                    "year": str(y)}[self.per]
        return {"month": f"{y}年{n}月", "quarter": f"{y}年第{n}季度", "half": f"{y}年{'上' if n == 1 else '下'}半年",
                "year": f"{y}年"}[self.per]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def make_period(per: str, year: int, index: int) -> Period:
    """The ``index``-th (1-based) period of ``per`` in ``year``."""
    span = MONTHS_PER_PERIOD[per]
    first = (index - 1) * span + 1
    last = first + span - 1
    key = {"month": f"{year}-{index:02d}", "quarter": f"{year}-Q{index}", "half": f"{year}-H{index}",
           "year": f"{year}"}[per]
    return Period(per, key, date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]))


def period_of(per: str, day: date) -> Period:
    """The period of ``per`` holding ``day``."""
    return make_period(per, day.year, (day.month - 1) // MONTHS_PER_PERIOD[per] + 1)


def periods_between(per: str, start: date, end: date, months: tuple[int, ...] = ()) -> list[Period]:
    """Every period from the one holding ``start`` to the one holding ``end`` (only ``months``, if given)."""
    if start > end:
        return []
    found = []
    period = period_of(per, start)
    while period.start <= end:
        if not months or period.start.month in months:
            found.append(period)
        nxt = period.end.toordinal() + 1
        period = period_of(per, date.fromordinal(nxt))
    return found


def parse_period(per: str, value: object) -> Period | None:
    """A period key as staff write it (``2026-07``, ``2026-Q3``, ``2026-H2``, ``2026``), or None."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str):
        return None
    m = PERIOD_KEY_RE[per].match(text.strip())
    if not m:
        return None
    n = int(m.groupdict().get("n") or 1)
    if not 1 <= n <= 12 // MONTHS_PER_PERIOD[per]:
        return None
    return make_period(per, int(m["year"]), n)
