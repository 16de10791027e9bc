"""Finding the day a digest is for: an explicit date, the file name, or a date line in the text.

Precedence (first wins): ``--date``, a YYYY-MM-DD in the file name, a date line with a year, a yearless
date line resolved to its latest past occurrence (with a warning naming the year assumed).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_ISO = re.compile(r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})")
_DATE_LINES = (
    re.compile(rf"{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?", re.I),
    re.compile(rf"{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?", re.I),
)


@dataclass(frozen=True)
class DateLine:
    """A date as a digest line states it; ``year`` is None when the line leaves it out."""

    month: int
    day: int
    year: int | None

    def resolve(self, today: dt.date) -> tuple[dt.date, str | None]:
        """The date itself, or for a yearless line its latest occurrence on or before ``today``."""
        if self.year is not None:
            return dt.date(self.year, self.month, self.day), None
        year = today.year
        while True:
            try:
                candidate = dt.date(year, self.month, self.day)
            except ValueError:  # 29 February in a common year
                candidate = None
            if candidate is not None and candidate <= today:
                return candidate, f"the date line gives no year; assumed {year}"
            year -= 1


def parse_date_line(text: str) -> DateLine | None:
    """A line that is a date and nothing else ("May 29", "May 29, 2025", "2025-05-29"), else None."""
    text = text.strip()
    iso = _ISO.fullmatch(text)
    if iso:
        return _checked(int(iso["mon"]), int(iso["day"]), int(iso["year"]))
    for pattern in _DATE_LINES:
        match = pattern.fullmatch(text)
        if match:
            year = int(match["year"]) if match["year"] else None
            return _checked(_MONTHS[match["month"].lower()], int(match["day"]), year)
    return None


def _checked(month: int, day: int, year: int | None) -> DateLine | None:
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: lets 29 February through
    except ValueError:
        return None
    return DateLine(month, day, year)


def date_from_name(path: Path) -> dt.date | None:
    """The YYYY-MM-DD a file name carries, if any and valid."""
    for match in _ISO.finditer(path.name):
        try:
            return dt.date(int(match["year"]), int(match["mon"]), int(match["day"]))
        except ValueError:
            continue
    return None
