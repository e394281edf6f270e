"""Memory of storing a big article on its first open (issue 11: peak <= 3x the file).

The first open of a 50 MB article peaked at ~215 MB (the warm-up of
bench/reader.py had hidden it): the body was bound whole as
``CAST(? AS TEXT)`` (SQLite held the bound bytes, the cast's text and the
record at once, and the cached statement kept the bound copy), and the
rename check decoded the whole body into a str (99 MB) before looking at
any candidate. Measured here on both heaps, deterministically, never by
time: Python's with tracemalloc, SQLite's with its own counters
(``sqlite3_memory_highwater``, read through ctypes from the library the
sqlite3 module is linked with; a self-check proves the probe sees SQLite's
allocations).
"""

from __future__ import annotations

import ctypes
import gc
import sqlite3
import tracemalloc

import _sqlite3
import pytest

from tests.helpers_big_article import write_five_mb
from tui.store import AnnotationStore
from tui.text import load_article

@pytest.fixture(scope="module")
def five_mb(tmp_path_factory):
    return write_five_mb(tmp_path_factory.mktemp("five"))


class SqliteHeap:
    """SQLite's own heap counters (memory used, high-water mark since reset)."""

    def __init__(self) -> None:
        lib = ctypes.CDLL(_sqlite3.__file__)  # its symbols and those of the libsqlite3 it links
        self._used, self._high = lib.sqlite3_memory_used, lib.sqlite3_memory_highwater
        self._used.restype = self._high.restype = ctypes.c_int64
        self._high.argtypes = [ctypes.c_int]
        # Self-check: a 2 MB value made in SQLite must show, or the probe reads another copy.
        conn = sqlite3.connect(":memory:")
        self.reset()
        conn.execute("SELECT length(zeroblob(2000000) || 'x')").fetchone()
        assert self.peak() > 2_000_000, "ctypes does not see the SQLite that sqlite3 uses"
        conn.close()

    def used(self) -> int:
        return self._used()

    def reset(self) -> int:
        """Start a new high-water mark at the memory in use now; returns that."""
        self._high(1)
        return self._used()

    def peak(self) -> int:
        return self._high(0)


def test_first_open_of_a_5_mb_article_makes_no_copy_of_its_body(tmp_path, five_mb):
    assert 5_000_000 < five_mb.stat().st_size < 5_100_000
    heap = SqliteHeap()
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    small = tmp_path / "small.txt"
    small.write_text("Small\n\nA first article, so that every statement is prepared once.\n")
    store.open_article(load_article(small))  # imports, caches, statements: outside the measure
    article = load_article(five_mb)
    gc.collect()
    before = heap.reset()
    tracemalloc.start()
    try:
        doc = store.open_article(article)
        _, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    sqlite_peak, sqlite_kept = heap.peak() - before, heap.used() - before
    store.close()
    assert doc.how == "new"
    # Before: Python peaked at 15.1 MB (the body decoded to a str for the
    # rename check, by way of a Latin-1 draft), SQLite at +12.1 MB (copies
    # of the 5.0 MB of UTF-8) and kept +7.0 MB (the cached statement's
    # bound copy). Now: 8 KB, +2.0 MB and +2.0 MB (the page cache).
    assert python_peak < 1_000_000
    assert sqlite_peak < 3_000_000  # the page cache (2 MB) and the WAL index
    assert sqlite_kept < 3_000_000
