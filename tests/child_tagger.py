"""Run by tests in a child process: tag sentences of the seed in a database.

    python tests/child_tagger.py DB ARTICLE once P S LABEL   # tag, print "tagged", then sleep
    python tests/child_tagger.py DB ARTICLE many N WORKER    # tag N sentences for a worker
"""

from __future__ import annotations

import sys
import time

from tui.store import AnnotationStore
from tui.text import load_article


def main() -> None:
    db, article_path, mode, *rest = sys.argv[1:]
    store = AnnotationStore(db, annotator="child")
    doc = store.open_article(load_article(article_path))
    sentences = [(p.index, s) for p in doc.article.paragraphs for s in p.sentences]
    if mode == "once":
        p, s, label = int(rest[0]), int(rest[1]), rest[2]
        store.tag(doc, p, doc.article.paragraphs[p - 1].sentences[s - 1], label, shown=None)
        print("tagged", flush=True)
        time.sleep(60)  # the test kills us here, before any clean shutdown
    else:
        count, worker = int(rest[0]), int(rest[1])
        mine = sentences[worker::2][:count]
        for paragraph, sentence in mine:
            store.tag(doc, paragraph, sentence, "claim", shown=None)
        print("done", len(mine), flush=True)


if __name__ == "__main__":
    main()
