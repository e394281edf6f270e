"""sqlite-utils, imported without numpy and pandas.

sqlite-utils imports numpy and pandas if they are installed, only to map
their scalar types to column types when rows holding them are inserted;
tui never inserts such values. numpy is installed here (krippendorff needs
it), and its import made opening the store 0.08 s slower and 12 MB bigger
(measured: sqlite-utils alone 95 ms / 24 MB, with numpy 177 ms / 36 MB), in
the reader on every launch. So they are hidden (``None`` in ``sys.modules``:
"not installed") while sqlite-utils loads, and put back at once; a later
``import numpy`` (``tui agreement``) works as usual. (An ``import numpy`` in
another thread during those 0.1 s would fail: none of tui's threads does;
the store thread is the one importing this.) Every module of tui that needs
sqlite-utils imports it from here.
"""

from __future__ import annotations

import sys

_OPTIONAL = ("numpy", "pandas")


def _load() -> None:
    hidden = [name for name in _OPTIONAL if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils.db  # noqa: F401
        import sqlite_utils.migrations  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


_load()

from sqlite_utils import Database  # noqa: E402
from sqlite_utils.migrations import Migrations  # noqa: E402

__all__ = ["Database", "Migrations"]
