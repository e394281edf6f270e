"""The article as plain data, for ``tui parse`` and other tools."""

from __future__ import annotations

from typing import Any

from .article import Article


def article_to_dict(article: Article) -> dict[str, Any]:
    """Return the article as JSON-ready data; indexes are 1-based."""
    return {
        "path": article.path,
        "title": article.title,
        "date": article.date,
        "source": article.source,
        "body": str(article.body),
        "trailer": article.trailer,
        "warnings": list(article.warnings),
        "paragraphs": [
            {
                "index": p.index,
                "start": p.start,
                "end": p.end,
                "sentences": [
                    {"index": s.index, "start": s.start, "end": s.end, "text": s.text}
                    for s in p.sentences
                ],
            }
            for p in article.paragraphs
        ],
    }


def article_to_lines(article: Article) -> list[str]:
    """One line per sentence: ``P.S<TAB>text``."""
    return [
        f"{p.index}.{s.index}\t{s.text}" for p in article.paragraphs for s in p.sentences
    ]
