"""One row of the library and of ``tui status``, and its file state.

Kept apart from tui/store/status.py (which loads sqlite-utils and rapidfuzz)
so that the library can show cached rows before those are imported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class StatusRow:
    """One article as the library and ``tui status`` show it.

    Slots: a library of 10,000 rows makes 10,000 of these before its first
    paint (a third less time and memory than with a ``__dict__`` each).
    """

    title: str
    outlet: str
    date: str
    path: str
    sentences: int | None
    tagged: dict[str, int] = field(default_factory=dict)
    fuzzy: int = 0
    orphans: int = 0
    state: str = "ok"
    last_opened: str = ""
    article_id: int | None = None
    error: str = ""
    done: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return asdict(self)



def file_state(row: dict[str, Any], found_at: str | None) -> str:
    """ok, edited, moved, moved+edited or missing, for the library and ``tui status``.

    Compared with what the reader last showed: *edited* when the text changed
    since the article was last opened, *moved* when its file is elsewhere.
    """
    if found_at is None:
        return "missing"
    edited = bool(row.get("opened_hash")) and row["opened_hash"] != row["file_hash"]
    moved = bool(row.get("opened_path")) and row["opened_path"] != found_at
    return "moved+edited" if edited and moved else "edited" if edited else "moved" if moved else "ok"
