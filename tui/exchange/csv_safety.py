"""Neutralising spreadsheet formulas in CSV cells (OWASP CSV injection).

The rule, and why it round-trips:

* A cell is *dangerous* when, after any leading white space or NUL
  characters, it starts with a formula prefix: ``= + - @`` (and their
  full-width and small forms, which some spreadsheets fold to ASCII), or TAB
  or CR (OWASP lists those as prefixes of their own).
* The export puts one ``'`` before a dangerous cell, and also before a cell
  that is already one or more ``'`` followed by something dangerous
  (``'=SUM(A1)`` is exported as ``''=SUM(A1)``).
* The import of a neutralised CSV strips exactly one ``'`` from a cell that
  is ``'`` + (apostrophes) + something dangerous, and nothing else.

So ``restore(neutralise(x)) == x`` for every text ``x``: a sentence that
really begins with ``'=`` or ``'-`` comes back as it was. JSONL is never
neutralised, and a ``--raw`` CSV is not either; the importer decides per
file whether to restore (see ``tui.exchange.importer``).
"""

from __future__ import annotations

import re

# ASCII prefixes, then TAB and CR, then the full-width (U+FF1D = U+FF0B +
# U+FF0D - U+FF20 @) and small (U+FE66 = U+FE62 + U+FE63 -) forms.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r",
                    "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63")
# The characters that may come before a formula and still let it run.
LEADING = r"[\s\x00]*"
_PREFIX_CLASS = "[" + re.escape("".join(FORMULA_PREFIXES)) + "]"
_DANGEROUS = re.compile(LEADING + _PREFIX_CLASS)
# A cell that neutralise() would prefix: apostrophes, then a dangerous start.
_NEEDS_QUOTE = re.compile("'*" + LEADING + _PREFIX_CLASS)
# A cell that restore() strips: one apostrophe, then what needed it.
_NEUTRALISED = re.compile("''*" + LEADING + _PREFIX_CLASS)
# For scanning a whole column joined with NUL (see csv_cells.text_column):
# a match means some cell after the first may need the apostrophe (a false
# alarm only costs the exact, cell-by-cell path). A cell that needs it always
# matches: after the last NUL of its leading part (or its own boundary) come
# apostrophes, white space and a prefix. NUL is deliberately not in the
# repeated class: a column of empty cells is a run of NULs, and a class that
# ate them would try the whole run from every NUL (quadratic: 3.5 s for
# 100,000 empty notes). It starts with a literal, searched at memchr speed.
COLUMN_SCAN = re.compile("\x00'*\\s*" + _PREFIX_CLASS)


def is_formula(text: str) -> bool:
    """True if a spreadsheet could run ``text`` as a formula."""
    return _DANGEROUS.match(text) is not None


def needs_quote(text: str) -> bool:
    """True if the export puts a ``'`` before ``text``."""
    return _NEEDS_QUOTE.match(text) is not None


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run with ``'``."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo :func:`neutralise` on a cell read back from a neutralised export."""
    if _NEUTRALISED.match(value):
        return value[1:]
    return value
