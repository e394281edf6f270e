"""JSONL export -> import is the identity: orphans, wire copies, duplicate rows (H12)."""

from __future__ import annotations

import json

from tests.conftest import run_tui
from tui.store import AnnotationStore
from tui.text import load_article

# The fields that identify a tag and what it says; not the row ids
# (annotation_id, article_id), which the new database numbers itself.
IDENTITY = ("article_title", "article_date", "article_source", "article_path", "paragraph",
            "sentence", "label", "text", "note", "annotator", "created_at", "updated_at",
            "start", "end", "anchor", "context_before", "context_after", "article_hash",
            "old_text", "old_position", "file_hash")


def _load(path):
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [{k: r.get(k) for k in IDENTITY} for r in rows]


def test_jsonl_round_trip_keeps_placed_fuzzy_and_orphaned_tags(tmp_path, seed_path):
    path = tmp_path / "s.txt"
    path.write_bytes(seed_path.read_bytes())
    store = AnnotationStore(tmp_path / "one.db", annotator="tester")
    doc = store.open_article(load_article(path))
    paras = doc.article.paragraphs
    first = paras[0].sentences[0].text
    fuzzy = paras[3].sentences[0].text
    store.tag(doc, 1, paras[0].sentences[0], "claim")
    store.tag(doc, 4, paras[3].sentences[0], "quote")
    store.tag(doc, 6, paras[5].sentences[1], "background")
    text = path.read_text()
    # First sentence rewritten (orphan), the quote edited a little (fuzzy).
    text = text.replace(first, "Moscow shrugged.").replace(fuzzy, fuzzy[:-1] + " indeed.")
    path.write_text(text)
    store.open_article(load_article(path))
    anchors = sorted(r[0] for r in store.db.conn.execute("SELECT anchor FROM annotations"))
    store.close()
    assert anchors == ["exact", "fuzzy", "orphan"]

    export = tmp_path / "one.jsonl"
    assert run_tui("export", "--db", str(tmp_path / "one.db"), "--format", "jsonl",
                   "-o", str(export)).returncode == 0
    orphan = [r for r in _load(export) if r["anchor"] == "orphan"][0]
    assert (orphan["paragraph"], orphan["sentence"], orphan["text"]) == (None, None, first)
    fresh = tmp_path / "fresh.db"
    result = run_tui("import", "--db", str(fresh), str(export))
    assert result.returncode == 0, result.stderr
    assert "added 3" in result.stdout
    again = run_tui("import", "--db", str(fresh), str(export))
    assert again.returncode == 0 and "added 0, updated 0, unchanged 3" in again.stdout, again.stdout
    second = tmp_path / "fresh.jsonl"
    assert run_tui("export", "--db", str(fresh), "--format", "jsonl",
                   "-o", str(second)).returncode == 0
    assert _load(second) == _load(export)
