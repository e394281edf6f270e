"""The storage layer: annotations in SQLite through sqlite-utils.

No Textual here; the reader calls this layer and draws a tag only after a
method has returned (and so committed).
"""

from .annotations import Annotation, AnnotationStore, Change, OpenArticle
from .database import DEFAULT_DB, StoreError, default_db_path, open_database
from .labels import LABELS, LABELS_BY_KEY, LABELS_BY_NAME, Label, get_label

__all__ = [
    "DEFAULT_DB",
    "LABELS",
    "LABELS_BY_KEY",
    "LABELS_BY_NAME",
    "Annotation",
    "AnnotationStore",
    "Change",
    "Label",
    "OpenArticle",
    "StoreError",
    "default_db_path",
    "get_label",
    "open_database",
]
