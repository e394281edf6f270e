"""Run by tests in a child process: a store driven by commands on stdin.

    python tests/child_store.py DB ARTICLE ANNOTATOR

One command a line, one JSON answer a line:
    tag P S LABEL SHOWN    (SHOWN: a label, or - for none)   -> {"label", "message"}
    untag P S SHOWN                                          -> {"label", "message"}
    undo | redo            -> null, or {"start", "end", "label", "message", "skipped"}
    labels                 -> {"P.S": label, ...}
"""

from __future__ import annotations

import json
import sys

from tui.store import AnnotationStore, StoreError
from tui.text import load_article


def main() -> None:
    db, article_path, annotator = sys.argv[1:]
    store = AnnotationStore(db, annotator=annotator)
    doc = store.open_article(load_article(article_path))
    places = {(s.start, s.end): f"{p.index}.{s.index}"
              for p in doc.article.paragraphs for s in p.sentences}
    print(json.dumps("ready"), flush=True)
    for line in sys.stdin:
        command, *args = line.split()
        try:
            answer = run(store, doc, places, command, args)
        except StoreError as exc:
            answer = {"error": str(exc)}
        print(json.dumps(answer), flush=True)


def run(store, doc, places, command, args):
    if command in ("tag", "untag"):
        p, s = int(args[0]), int(args[1])
        sentence = doc.article.paragraphs[p - 1].sentences[s - 1]
        shown = None if args[-1] == "-" else args[-1]
        if command == "tag":
            result = store.tag(doc, p, sentence, args[2], shown=shown)
        else:
            result = store.untag(doc, sentence, shown=shown)
        label = result.annotation.label if result.annotation else None
        return {"label": label, "message": result.message}
    if command in ("undo", "redo"):
        change = store.undo(doc) if command == "undo" else store.redo(doc)
        if change is None:
            return None
        return {"at": places[(change.start, change.end)],
                "label": change.annotation.label if change.annotation else None,
                "message": change.message, "skipped": change.skipped}
    if command == "labels":
        return {places[key]: a.label for key, a in sorted(store.annotations(doc).items())}
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
