"""Issue 13: a merged database browsed with Datasette and the shipped metadata.

Datasette is a dev dependency (not needed by the reader). The server runs on
127.0.0.1 on a free port, is waited for at most 60 s, and is always stopped.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tests.conftest import ROOT, run_tui
from tui.store import AnnotationStore
from tui.text import load_article

METADATA = ROOT / "datasette-metadata.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, deadline: float, proc: subprocess.Popen) -> dict:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError, OSError):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else "datasette died"
            assert time.monotonic() < deadline, "datasette did not answer within 60 s"
            time.sleep(0.2)


def test_datasette_serves_the_merged_view_with_labels_and_facets(tmp_path, seed_path):
    article = load_article(seed_path)
    for coder, label in (("ana", "claim"), ("ben", "quote")):
        store = AnnotationStore(tmp_path / f"{coder}.db", annotator=coder)
        doc = store.open_article(article)
        store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], label)
        store.close()
    db = tmp_path / "annotations.db"
    merged = run_tui("merge", "--db", str(db), str(tmp_path / "ana.db"), str(tmp_path / "ben.db"))
    assert merged.returncode == 0, merged.stderr
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--metadata", str(METADATA), str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        base = f"http://127.0.0.1:{port}/annotations/annotations_with_articles.json"
        data = fetch(f"{base}?_shape=objects", deadline, proc)
        assert [(r["annotator"], r["label"], r["paragraph"]) for r in data["rows"]] == [
            ("ana", "claim", 1), ("ben", "quote", 1)]
        facets = data["facet_results"]
        assert set(facets) == {"label", "annotator", "article_source"}
        assert sorted((v["value"], v["count"]) for v in facets["annotator"]["results"]) == [
            ("ana", 1), ("ben", 1)]
        meta = fetch(f"http://127.0.0.1:{port}/-/metadata.json", deadline, proc)
        columns = meta["databases"]["annotations"]["tables"]["annotations_with_articles"]["columns"]
        assert columns["annotator"] == "The coder who set the tag"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()


def test_the_metadata_names_every_column_of_the_view(tmp_path):
    store = AnnotationStore(tmp_path / "annotations.db", annotator="ana")
    names = [row[1] for row in store.db.execute("PRAGMA table_info(annotations_with_articles)")]
    store.close()
    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    table = meta["databases"]["annotations"]["tables"]["annotations_with_articles"]
    assert sorted(table["columns"]) == sorted(names)
    assert table["facets"] == ["label", "annotator", "article_source"]
