"""Run by tests in a child process: open a store, read, try to write.

    python tests/child_readonly.py DB ARTICLE

Prints one JSON line: why it is read-only, the tags it read, and what a
tag, an untag and an undo answered.
"""

from __future__ import annotations

import json
import sys

from tui.store import AnnotationStore, StoreError
from tui.text import load_article


def attempt(call):
    try:
        call()
        return "saved"
    except StoreError as exc:
        return str(exc)


def main() -> None:
    db, article_path = sys.argv[1:]
    try:
        store = AnnotationStore(db, annotator="me")  # the coder who tagged
    except StoreError as exc:
        print(json.dumps({"open": str(exc)}))
        return
    doc = store.open_article(load_article(article_path))
    first = doc.article.paragraphs[0].sentences[0]
    print(json.dumps({
        "read_only": store.read_only,
        "labels": sorted(a.label for a in store.annotations(doc).values()),
        "tag": attempt(lambda: store.tag(doc, 1, first, "quote")),
        "untag": attempt(lambda: store.untag(doc, first, shown="claim")),
        "undo": attempt(lambda: store.undo(doc)),
    }))


if __name__ == "__main__":
    main()
