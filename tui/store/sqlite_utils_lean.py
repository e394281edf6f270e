"""sqlite-utils, imported without numpy and pandas.

sqlite-utils imports numpy and pandas if they are installed, only to map
their scalar types to column types when rows holding them are inserted;
tui never inserts such values. numpy is installed here (krippendorff needs
it), and its import made opening the store 0.08 s slower and 12 MB bigger
(measured: sqlite-utils alone 95 ms / 24 MB, with numpy 177 ms / 36 MB), in
the reader on every launch. So they are hidden while sqlite-utils loads,
from the loading thread only (a finder that says "not installed" to that
thread), and the finder is removed at once; a later ``import numpy``
(``tui agreement``) works as usual. Only that thread: another thread that
imports numpy meanwhile (a worker splitting a paragraph with a NUL byte
loads blingfire's wrapper, which imports numpy) must get it, or its split
falls back to one sentence and the split cache keeps that. Every module of
tui that needs sqlite-utils imports it from here.
"""

from __future__ import annotations

import sys
import threading

_OPTIONAL = ("numpy", "pandas")


class _HideFrom:
    """A finder that tells one thread numpy and pandas are not installed."""

    def __init__(self, thread: int) -> None:
        self.thread = thread

    def find_spec(self, name, path=None, target=None):
        if name in _OPTIONAL and threading.get_ident() == self.thread:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None  # other threads, other modules: the usual finders


def _load() -> None:
    finder = _HideFrom(threading.get_ident())
    sys.meta_path.insert(0, finder)
    try:
        import sqlite_utils.db  # noqa: F401
        import sqlite_utils.migrations  # noqa: F401
    finally:
        sys.meta_path.remove(finder)


_load()

from sqlite_utils import Database  # noqa: E402
from sqlite_utils.migrations import Migrations  # noqa: E402

__all__ = ["Database", "Migrations"]
