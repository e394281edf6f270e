"""Copying text to the clipboard: the system clipboard, else the terminal.

pyperclip reaches the system clipboard (xclip, xsel, wl-copy, pbcopy...).
Over SSH or on a headless machine it finds no mechanism and raises
``PyperclipException``; then the caller's fallback (in the app, Textual's
OSC 52 ``copy_to_clipboard``, which most terminals honour) is used. The
return value says which way was taken, so the user can be told: an OSC 52
copy is only sent, never confirmed (tmux drops it unless ``set-clipboard``
is on), and :func:`copy_message` says so rather than "copied".
"""

from __future__ import annotations

from collections.abc import Callable

SYSTEM = "system clipboard"
TERMINAL = "terminal clipboard (OSC 52)"
# The OSC 52 payload (base64) many terminals accept at most (hterm, and the
# limit vim-oscyank and tmux users quote); kitty and others take more.
OSC52_SAFE_BYTES = 100_000


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


def copy_message(way: str, what: str, size: int = 0) -> str:
    """What to tell the user after :func:`copy_text` took ``way`` with ``what``
    ("sentence 4.1", "2 passages") of ``size`` bytes (UTF-8). Only the system
    clipboard is known to have it; OSC 52 is fire-and-forget, so say what was
    sent and how to let it through, and whether it is bigger than many
    terminals accept."""
    encoded = 4 * -(-size // 3)  # base64
    if way == TERMINAL and encoded > OSC52_SAFE_BYTES:
        return (f"Sent {what} to the {TERMINAL}, {encoded:,} bytes encoded: over the "
                f"{OSC52_SAFE_BYTES:,} many terminals accept, so it may arrive cut or not "
                "at all; copy less at once (in tmux also: set -g set-clipboard on).")
    if way == TERMINAL:
        return (f"Sent {what} to the {TERMINAL}; if it does not paste, the terminal "
                "blocks OSC 52 (in tmux: set -g set-clipboard on).")
    return f"Copied {what} to the {way}."
