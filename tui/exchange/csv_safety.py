"""Neutralising spreadsheet formulas in CSV cells (OWASP CSV injection)."""

from __future__ import annotations

# A cell starting with one of these is run as a formula by Excel, LibreOffice
# and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo :func:`neutralise` on a cell read back from an export."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value
