"""Where the reader's `e` key writes an article's CSV: ``exports/<title>-<id>.csv``.

The title is made safe with pathvalidate (a maintained library that knows
every platform's reserved names and characters) and keeps its letters, so a
Russian, Greek or Japanese headline stays readable. The article's short id
(fixed for its life, tui/store/identity.py) makes each article's file its
own: exporting it again replaces that file, and two articles titled alike
("Press release") never share one.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pathvalidate import sanitize_filename

# Room for "-<id>.csv" and a temporary suffix within the usual 255-byte name limit.
MAX_STEM_BYTES = 150


def safe_file_stem(title: str) -> str:
    """A file name stem made from ``title``: its words, nothing that could escape a folder.

    Control, format (bidi) and separator characters and path syntax are
    dropped or become '-'; leading dots go (no hidden files, no '..').
    """
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in title)
    text = sanitize_filename(text, replacement_text="-", platform="universal")
    text = re.sub(r"[\s-]+", "-", text).strip("-._ ")
    while len(text.encode("utf-8")) > MAX_STEM_BYTES:
        text = text[:-1]
    text = text.rstrip("-._ ")
    return text or "article"


def export_path(folder: Path, title: str, short_id: str) -> Path:
    """The CSV path of the article ``short_id`` in ``folder`` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = safe_file_stem(title)
    ident = safe_file_stem(short_id)
    path = (folder / f"{stem}-{ident}.csv").resolve()
    if path.parent != folder.resolve():  # belt and braces: never outside
        raise ValueError(f"unsafe export path {path}")
    return path
