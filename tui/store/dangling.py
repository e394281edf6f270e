"""Annotations whose article is gone from the database.

Foreign keys are declared, but only connections that turn them on enforce
them: the sqlite3 shell can delete an article and leave its annotations
behind. They are kept, listed by ``orphans()`` and must not vanish from an
export silently. Stdlib only, so export can call it on its own connection.
"""

from __future__ import annotations

import sqlite3

DANGLING_WHERE = "NOT EXISTS (SELECT 1 FROM articles ar WHERE ar.id = a.article_id)"


def count_dangling(conn: sqlite3.Connection) -> int:
    """How many annotations point at an article that does not exist."""
    return conn.execute(f"SELECT count(*) FROM annotations a WHERE {DANGLING_WHERE}").fetchone()[0]
