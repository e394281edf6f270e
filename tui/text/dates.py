"""Recognise the date line of a newswire article and normalise it to ISO 8601."""

from __future__ import annotations

import re
from datetime import date

# The forms read, as strptime would read them in the C locale: %Y-%m-%d,
# %Y/%m/%d, %d.%m.%Y, %d %B[,] %Y and %B %d[,] %Y (%B full or abbreviated
# month names, any case). Matched with regular expressions rather than
# datetime.strptime: its first call imports _strptime and builds the
# locale's tables (~4 ms, on every launch, before the first frame).
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTH_NUMBER = {**{name: n for n, name in enumerate(_MONTH_NAMES, start=1)},
                 **{name[:3]: n for n, name in enumerate(_MONTH_NAMES, start=1)},
                 "sept": 9}  # AP style, in any case, also before a comma
_DAY = r"(?P<day>3[01]|[12]\d|0[1-9]|[1-9])"
_MONTH = r"(?P<month>1[0-2]|0[1-9]|[1-9])"
_YEAR = r"(?P<year>\d{4})"
_NAME = r"(?P<name>[^\W\d_]+)"
_DATE_FORMS = tuple(re.compile(form, re.IGNORECASE) for form in (
    rf"{_YEAR}-{_MONTH}-{_DAY}",
    rf"{_YEAR}/{_MONTH}/{_DAY}",
    rf"{_DAY}\.{_MONTH}\.{_YEAR}",
    rf"{_DAY}\s+{_NAME},?\s+{_YEAR}",
    rf"{_NAME}\s+{_DAY},?\s+{_YEAR}",
))
_WEEKDAY = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE
)
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
_MONTH_DOT = re.compile(r"\b([A-Za-z]{3,4})\.")
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
    "june|july|august|september|october|november|december"
)
# A line that reads like a date even when we cannot parse it ("Spring 2014").
_DATE_LIKE = re.compile(
    rf"^(?=.{{4,40}}$)(?:.*\b(?:1[89]|20)\d\d\b|.*\b(?:{_MONTHS})\b.*\d)", re.IGNORECASE
)


def parse_date(text: str) -> date | None:
    """Return the date ``text`` names, or None if it is not a recognisable date.

    Accepts ``4 April 2014``, ``April 4, 2014``, ``Apr. 4, 2014``,
    ``Friday, April 4, 2014``, ``4th April 2014`` and ``2014-04-04``.
    """
    cleaned = _WEEKDAY.sub("", text.strip())
    cleaned = _ORDINAL.sub("", cleaned)
    cleaned = _MONTH_DOT.sub(r"\1", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).replace("Sept ", "Sep ")
    for form in _DATE_FORMS:
        found = form.fullmatch(cleaned)
        if found is None:
            continue
        parts = found.groupdict()
        month = (_MONTH_NUMBER.get(parts["name"].lower()) if "name" in parts
                 else int(parts["month"]))
        if month is None:
            continue
        try:
            return date(int(parts["year"]), month, int(parts["day"]))
        except ValueError:  # 31 April: no such day
            continue
    return None


def looks_like_date(text: str) -> bool:
    """True if ``text`` is a date, parseable or at least date-shaped."""
    return parse_date(text) is not None or bool(_DATE_LIKE.match(text.strip()))


def normalise_date(text: str) -> str:
    """ISO form of a recognisable date; anything else is kept as written."""
    parsed = parse_date(text)
    return parsed.isoformat() if parsed else text.strip()
