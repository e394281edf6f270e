"""The units inter-coder agreement is computed over: sentences, per coder's value.

A sentence counts for a coder when that coder has *coded* its article, which
(until a "done" mark exists) means: tagged at least one sentence in it.
Inside a coded article an untagged sentence is the category ``none``
(``untagged="none"``) or a missing value (``untagged="missing"``). In an
article the coder has not coded, every sentence is missing for that coder.
Orphans (tags on no sentence of the current text) are not units.

Only reads: the statistics are in tui/exchange/agreement.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..text import article_from_body

NONE = "none"


@dataclass
class Units:
    """Coders, and per unit (sentence) each coder's value (absent: missing)."""

    coders: list[str]
    units: list[dict[str, str]] = field(default_factory=list)
    articles: int = 0


def coded_units(conn: Any, coders: list[str] | None = None,
                article_ids: list[int] | None = None, untagged: str = NONE) -> Units:
    """Read the units of ``article_ids`` (None: every article) for ``coders``
    (None: every coder with a placed tag there).

    ``untagged``: ``"none"`` or ``"missing"`` (see the module docs).
    """
    if untagged not in (NONE, "missing"):
        raise ValueError(f"untagged must be 'none' or 'missing', not {untagged!r}")
    tags: dict[int, dict[tuple[int, int], dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    coded: dict[int, set[str]] = defaultdict(set)
    wanted = set(coders) if coders is not None else None
    chosen = set(article_ids) if article_ids is not None else None
    for article_id, coder, start, end, label in conn.execute(
            'SELECT article_id, annotator, start, "end", label FROM annotations '
            "WHERE paragraph IS NOT NULL ORDER BY article_id"):
        if (wanted is not None and coder not in wanted) or (
                chosen is not None and article_id not in chosen):
            continue
        tags[article_id][(start, end)][coder] = label
        coded[article_id].add(coder)
    found = sorted({coder for names in coded.values() for coder in names})
    result = Units(coders=list(coders) if coders is not None else found)
    for article_id in sorted(coded):
        row = conn.execute(
            # CAST: a long body is stored as a UTF-8 BLOB (bodies.py).
            "SELECT CAST(b.body AS TEXT), ar.path, ar.title, ar.date, ar.source FROM articles ar "
            "JOIN article_bodies b ON b.article_id = ar.id WHERE ar.id = ?", [article_id]).fetchone()
        if row is None:
            continue  # tags of an article that is gone: no sentences to count
        article = article_from_body(*row)
        result.articles += 1
        here = tags[article_id]
        who = coded[article_id]
        for paragraph in article.paragraphs:
            for sentence in paragraph.sentences:
                values = dict(here.get((sentence.start, sentence.end), {}))
                if untagged == NONE:
                    for coder in who:
                        values.setdefault(coder, NONE)
                if values:
                    result.units.append(values)
    return result
