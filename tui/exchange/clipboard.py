"""Copying text to the clipboard: the system clipboard, else the terminal.

pyperclip reaches the system clipboard (xclip, xsel, wl-copy, pbcopy...).
Over SSH or on a headless machine it finds no mechanism and raises
``PyperclipException``; then the caller's fallback (in the app, Textual's
OSC 52 ``copy_to_clipboard``, which most terminals honour) is used. The
return value says which way was taken, so the user can be told.
"""

from __future__ import annotations

from collections.abc import Callable

SYSTEM = "system clipboard"
TERMINAL = "terminal clipboard (OSC 52)"


def copy_text(text: str, fallback: Callable[[str], None] | None = None) -> str:
    """Copy ``text``; return :data:`SYSTEM` or :data:`TERMINAL`.

    Raises ``RuntimeError`` if the system clipboard fails and no fallback
    is given.
    """
    import pyperclip  # on first copy, not on the reader's start (it loads ctypes)

    try:
        # is_available() is unreliable before the first copy: just try.
        pyperclip.copy(text)
        return SYSTEM
    except pyperclip.PyperclipException:
        if fallback is None:
            raise RuntimeError("no system clipboard is available here") from None
    fallback(text)
    return TERMINAL
