"""The store's write API as the reader uses it, whichever version is installed.

The store-faults branch changes ``tag`` and ``untag`` to take ``shown=`` (the
label the screen shows) and return a ``WriteResult(annotation, message)``,
and ``Change`` gains ``message`` and ``skipped``. Until both branches are
merged the reader talks to either shape through these functions; once
merged, they are thin pass-throughs.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

_UNSET = object()


@dataclass(frozen=True)
class Written:
    """What a tag or untag left on the sentence, and what to tell the user."""

    label: Any  # the label name now on the sentence, or None; _UNSET if unknown
    message: str | None

    @property
    def known(self) -> bool:
        """False when the sentence's label must be read back from the store."""
        return self.label is not _UNSET


def _takes_shown(method) -> bool:
    try:
        return "shown" in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def tag(store, doc, paragraph: int, sentence, label: str, shown: str | None) -> Written:
    """Tag ``sentence``; the store decides from the database, told what is shown."""
    if _takes_shown(store.tag):
        result = store.tag(doc, paragraph, sentence, label, shown=shown)
    else:
        result = store.tag(doc, paragraph, sentence, label)
    annotation, message = _split(result)
    return Written(annotation.label if annotation is not None else None, message)


def untag(store, doc, sentence, shown: str | None) -> Written:
    """Remove ``sentence``'s tag if it is the one shown."""
    if _takes_shown(store.untag):
        result = store.untag(doc, sentence, shown=shown)
        annotation, message = _split(result)
        if message:  # nothing removed: what is there is read back
            return Written(_UNSET, message)
        return Written(annotation.label if annotation is not None else None, None)
    store.untag(doc, sentence)  # an older store: returns a bool
    return Written(None, None)


def _split(result) -> tuple[Any, str | None]:
    """(annotation, message) from a WriteResult, or from a bare Annotation/None."""
    if hasattr(result, "message") and hasattr(result, "annotation"):
        return result.annotation, result.message
    return result, None


def change_message(change) -> str | None:
    """The message an undo/redo ``Change`` carries, if any."""
    return getattr(change, "message", None)


def change_skipped(change) -> bool:
    """True when the undo/redo step was skipped (changed elsewhere)."""
    return bool(getattr(change, "skipped", False))
