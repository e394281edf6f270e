"""Who is coding: the coder's name, from the command line, the environment or the OS.

Tags are kept per coder (one tag per sentence per coder), so every command
and the reader must agree on the name: ``--annotator NAME``, else
``$TUI_ANNOTATOR``, else the OS user. A name is data from outside: it is
trimmed, and an empty one or one with a control character (a newline would
split an export row's meaning, an ESC would act on a terminal) is refused
with one line.
"""

from __future__ import annotations

import getpass
import os
import unicodedata

ENV_VAR = "TUI_ANNOTATOR"
# The coder adjudication records settled labels as (issue 13).
GOLD = "gold"
MAX_NAME_CHARS = 100


class CoderNameError(ValueError):
    """A coder name that cannot be used; the message is one line."""


def check_coder_name(name: str, where: str = "coder name") -> str:
    """``name`` trimmed, or CoderNameError if it is empty, too long, has a
    control (or bidi/format) character or a byte that is not UTF-8."""
    if not isinstance(name, str):
        raise CoderNameError(f"{where} must be text")
    trimmed = name.strip()
    if not trimmed:
        raise CoderNameError(f"{where} is empty")
    for char in trimmed:
        if unicodedata.category(char) == "Cs":
            # A byte that is not UTF-8 in argv or the environment (Python
            # keeps it as a lone surrogate): no character, and SQLite
            # cannot store it (a UnicodeEncodeError at the first tag).
            raise CoderNameError(
                f"{where} {trimmed.encode('unicode_escape').decode('ascii')[:60]!s} "
                "is not UTF-8 text")
        # Cc: C0/C1/DEL; Cf: bidi overrides, zero-width characters (a name
        # that looks like another); Zl/Zp: line and paragraph separators.
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            raise CoderNameError(
                f"{where} {trimmed.encode('unicode_escape').decode('ascii')[:60]!s} "
                f"contains a control character (U+{ord(char):04X})")
    if len(trimmed) > MAX_NAME_CHARS:
        raise CoderNameError(f"{where} is longer than {MAX_NAME_CHARS} characters")
    return trimmed


def os_user() -> str:
    """The OS user name, or 'unknown' where there is none (or it is unusable)."""
    try:
        return check_coder_name(getpass.getuser())
    except Exception:  # no user name in some containers
        return "unknown"


def current_coder(name: str | None = None) -> str:
    """The coder: ``name`` (``--annotator``), else ``$TUI_ANNOTATOR``, else the OS user.

    Raises CoderNameError for a given name or environment value that is
    not a usable name (an empty ``TUI_ANNOTATOR=`` counts as unset).
    """
    if name is not None:
        return check_coder_name(name, "--annotator")
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return check_coder_name(from_env, ENV_VAR)
    return os_user()
