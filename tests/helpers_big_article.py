"""A 5 MB article of non-Latin-1 text, for the memory tests of the text and store layers."""

from pathlib import Path

# Non-Latin-1 characters (em dash, curly quotes): as a str, 2 bytes each character.
PARAGRAPH = ("Call me Ishmael\u2014some years ago. \u201cNever mind how long precisely!\u201d "
             "Having little or no money in my purse, I thought I would sail about. ") * 4


def write_five_mb(folder: Path) -> Path:
    """Write ``book.txt`` (8,800 distinct paragraphs, ~5 MB of UTF-8) in ``folder``."""
    paragraphs = [f"Copy {n}: {PARAGRAPH}" for n in range(1, 8_801)]
    path = folder / "book.txt"
    path.write_text("A Big Book\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path
