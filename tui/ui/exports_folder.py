"""Where the reader's `e` key writes an article's CSV, with a safe file name."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_STEM = 80


def safe_file_stem(title: str) -> str:
    """A file name stem made from ``title``: letters, digits, '-' and '_' only.

    Path separators, dots and anything else become '-', so a title such as
    ``../../x`` can never leave the exports folder.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_]+", "-", ascii_title).strip("-_")[:MAX_STEM].strip("-_")
    return stem or "article"


def export_path(folder: Path, title: str) -> Path:
    """The CSV path for an article in ``folder`` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = (folder / f"{safe_file_stem(title)}.csv").resolve()
    if path.parent != folder.resolve():  # belt and braces: never outside
        raise ValueError(f"unsafe export path {path}")
    return path
