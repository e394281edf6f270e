"""Recognise the date line of a newswire article and normalise it to ISO 8601."""

from __future__ import annotations

import re
from datetime import date, datetime

_FORMATS = (
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d %B, %Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
)
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
    for fmt in _FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def looks_like_date(text: str) -> bool:
    """True if ``text`` is a date, parseable or at least date-shaped."""
    return parse_date(text) is not None or bool(_DATE_LIKE.match(text.strip()))


def normalise_date(text: str) -> str:
    """ISO form of a recognisable date; anything else is kept as written."""
    parsed = parse_date(text)
    return parsed.isoformat() if parsed else text.strip()
