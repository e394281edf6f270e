"""Text from outside made safe to show on a terminal, one character for one.

Every string that comes from a file, a file name, a database or an import
is data. Written raw to a terminal, an ESC starts an escape sequence (OSC 0
renames the window, OSC 52 writes the clipboard), BEL rings, and the bidi
controls U+202A-202E and U+2066-2069 reorder the rest of the screen line.
:func:`printable` swaps each of them for a visible symbol, and keeps the
length, so an offset into the original still points at the same character:

* C0 controls and DEL become their Unicode "control pictures" (ESC is ␛,
  BEL ␇, LF ␊), except TAB, which becomes a plain space;
* C1 controls (U+0080-U+009F) and the bidi embedding, override and isolate
  controls become U+FFFD (�): they have no pictures.

The UI and the CLI call this, and nothing else, before text reaches the
screen.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"

# C0 controls and DEL: U+2400..U+2421 (␀ .. ␟, ␡); TAB reads as a space.
_TABLE = {code: 0x2400 + code for code in range(0x20)} | {0x7F: 0x2421, 0x09: 0x20}
# C1 controls and bidi embeddings/overrides/isolates: no pictures exist.
_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_TABLE |= {code: 0xFFFD for code in (*range(0x80, 0xA0), *_BIDI)}

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character shown as a visible symbol.

    Same length as ``text``, character for character (see the module
    docstring for the mapping). Text with nothing to replace is returned
    as is, checked at C speed.
    """
    # isprintable() is False for every character replaced here (and for
    # some harmless ones, such as U+00AD): a fast pass for the usual case.
    if text.isprintable() or not _UNSAFE.search(text):
        return text
    return text.translate(_TABLE)


def is_safe(text: str) -> bool:
    """True if ``text`` holds nothing :func:`printable` would replace."""
    return text.isprintable() or not _UNSAFE.search(text)


def unprintable(edited: str, original: str) -> str:
    """``edited`` with the symbols :func:`printable` made of ``original``'s controls put back.

    For text shown through :func:`printable` in an editable box (a note with
    line breaks, from an import) and then changed: each control picture
    (``␊``) stands again for the control it showed, but only for controls
    ``original`` held, so a ``␊`` the user typed into a note without line
    breaks stays a ``␊``. TAB (shown as a space) and C1/bidi controls (one
    shared ``�``) cannot be told apart from what was typed: they stay as shown.
    """
    back = {_TABLE[ord(char)]: ord(char) for char in set(original)
            if ord(char) in _TABLE and char != "\t" and _TABLE[ord(char)] != 0xFFFD}
    return edited.translate(back) if back else edited
