"""The storage layer: annotations in SQLite through sqlite-utils.

No Textual here; the reader calls this layer and draws a tag only after a
method has returned (and so committed). Names load lazily, so that the
labels and the preflight checks can be used before sqlite-utils is imported
(it takes ~0.3 s, which the reader spends after its first paint).
"""

from __future__ import annotations

import importlib
from typing import Any

from .labels import LABELS, LABELS_BY_KEY, LABELS_BY_NAME, Label, get_label
from .preflight import DEFAULT_DB, StoreError, check_database, default_db_path

_LAZY = {
    "Annotation": ".annotations",
    "AnnotationStore": ".annotations",
    "Change": ".annotations",
    "OpenArticle": ".annotations",
    "WriteResult": ".annotations",
    "open_database": ".database",
}

__all__ = [
    "LABELS",
    "LABELS_BY_KEY",
    "LABELS_BY_NAME",
    "Label",
    "DEFAULT_DB",
    "StoreError",
    "check_database",
    "default_db_path",
    "get_label",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
