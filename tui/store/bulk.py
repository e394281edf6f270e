"""Bulk inserts into ``annotations``: one set-based label check, not one per row.

m002's ``annotations_label_insert`` trigger checks the label of every row
inserted. For a big import that per-row check is the costliest part of the
insert itself: measured on this machine, 1,000,000 rows took 5.5 s of
SQLite time with the trigger and 2.4 s without it (the three indexes cost
less: rows arrive in index order, so index updates are appends, and
dropping the indexes to rebuild them afterwards measured slower, 4.7 s).

:func:`labels_checked_at_end`, inside the caller's open transaction, drops
that one trigger, lets the caller insert, then checks the label of every
row added in ONE query and creates the trigger again from its own stored
text. DDL is transactional in SQLite: if anything fails before the commit,
the rollback brings the trigger back with everything else, so other
writers never see the table without it. Only our own trigger is touched:
any other (another client's) stays and fires per row as its owner meant.
A database without the trigger (another client dropped it) is left so.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from .labels import LABELS_BY_NAME

LABEL_TRIGGER = "annotations_label_insert"


@contextlib.contextmanager
def labels_checked_at_end(conn: sqlite3.Connection, after_id: int) -> Iterator[None]:
    """Insert without the per-row label trigger; check the rows with
    ``id > after_id`` in one query at the end, then restore the trigger.

    Must run inside a transaction (else the DROP would be committed at
    once). An unknown label raises ``sqlite3.IntegrityError('unknown
    label')``, the trigger's own words; the caller rolls back. New rows
    get ids above every earlier one (INTEGER PRIMARY KEY without
    AUTOINCREMENT takes max(id) + 1), so ``after_id`` is ``max(id)`` before.
    """
    if not conn.in_transaction:
        raise RuntimeError("labels_checked_at_end needs an open transaction")
    found = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                         [LABEL_TRIGGER]).fetchone()
    if found is None:
        yield
        return
    conn.execute(f'DROP TRIGGER "{LABEL_TRIGGER}"')
    yield  # an exception leaves the trigger dropped: the caller's rollback restores it
    known = ", ".join("?" for _ in LABELS_BY_NAME)
    bad = conn.execute(f"SELECT 1 FROM annotations WHERE id > ? AND label NOT IN ({known}) "
                       "LIMIT 1", [after_id, *LABELS_BY_NAME]).fetchone()
    if bad is not None:
        raise sqlite3.IntegrityError("unknown label")
    conn.execute(found[0])
