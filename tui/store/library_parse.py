"""Reading one article file for the library's cache; used in worker processes too.

Kept small (no sqlite-utils) so that a worker process starts quickly: a
first scan of a large folder reads files in a pool of processes, one per
core, since splitting sentences is CPU-bound Python that one process (the
GIL) cannot spread over cores.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..text import ArticleError, load_article
from .identity import file_hash


def parse_file(path: str, size: int, mtime_ns: int) -> tuple:
    """The cache row of the file at ``path``: (path, size, mtime_ns, file_hash,
    title, outlet, date, sentences, error); ``path`` is the resolved path."""
    try:
        article = load_article(path)
        total = article.sentence_count()
    except ArticleError as exc:
        return (path, size, mtime_ns, None, Path(path).name, "", "", None, str(exc))
    return (path, size, mtime_ns, file_hash(article), article.title, article.source,
            article.date, total, "")


def parse_many(jobs: list[tuple[str, int, int]]) -> list[tuple]:
    """:func:`parse_file` for each (path, size, mtime_ns) of ``jobs``."""
    return [parse_file(*job) for job in jobs]


def cores() -> int:
    """How many cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
