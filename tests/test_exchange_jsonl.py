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


BODY = "The first sentence is here. The second one follows.\n\nA second paragraph.\n"


def test_a_wire_copy_whose_file_is_gone_does_not_merge_into_the_other(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(f"Headline A\n\n{BODY}")
    b.write_text(f"Headline B\n\n{BODY}")
    store = AnnotationStore(tmp_path / "one.db", annotator="tester")
    doc_a = store.open_article(load_article(a))
    doc_b = store.open_article(load_article(b))
    assert doc_a.id != doc_b.id and doc_a.article.content_hash == doc_b.article.content_hash
    store.tag(doc_a, 1, doc_a.article.paragraphs[0].sentences[0], "claim")
    store.tag(doc_b, 1, doc_b.article.paragraphs[0].sentences[1], "quote")
    store.close()
    b.unlink()
    export = tmp_path / "one.jsonl"
    assert run_tui("export", "--db", str(tmp_path / "one.db"), "--format", "jsonl",
                   "-o", str(export)).returncode == 0
    assert all(r["file_hash"] for r in _load(export))
    fresh = tmp_path / "fresh.db"
    result = run_tui("import", "--db", str(fresh), str(export))
    # B's tag is reported, not put on A (exit 1: a row not placed).
    assert result.returncode == 1
    assert "added 1," in result.stdout and "not placed 1" in result.stdout, result.stdout
    assert "line 2: article file not read" in result.stderr, result.stderr
    again = tmp_path / "fresh.jsonl"
    run_tui("export", "--db", str(fresh), "--format", "jsonl", "-o", str(again))
    assert [(r["article_title"], r["label"], r["text"]) for r in _load(again)] == [
        ("Headline A", "claim", "The first sentence is here.")]


def test_an_older_export_without_file_hash_still_finds_a_moved_article(tmp_path):
    """Without file_hash (exports before it), the body hash is the last resort."""
    a = tmp_path / "a.txt"
    a.write_text(f"Headline A\n\n{BODY}")
    store = AnnotationStore(tmp_path / "one.db", annotator="tester")
    store.open_article(load_article(a))
    store.close()
    row = {"text": "A second paragraph.", "label": "claim", "paragraph": 2, "sentence": 1,
           "start": 53, "end": 72, "article_path": str(tmp_path / "gone.txt"),
           "article_hash": load_article(a).content_hash}
    export = tmp_path / "old.jsonl"
    export.write_text(json.dumps(row) + "\n")
    result = run_tui("import", "--db", str(tmp_path / "one.db"), str(export))
    assert result.returncode == 0 and "added 1," in result.stdout, (result.stdout, result.stderr)


def test_two_rows_for_one_sentence_warn_and_the_last_wins(tmp_path, seed_path):
    store = AnnotationStore(tmp_path / "one.db", annotator="tester")
    doc = store.open_article(load_article(seed_path))
    store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
    store.close()
    export = tmp_path / "one.jsonl"
    run_tui("export", "--db", str(tmp_path / "one.db"), "--format", "jsonl", "-o", str(export))
    row = json.loads(export.read_text(encoding="utf-8"))
    later = {**row, "label": "quote"}
    twice = tmp_path / "twice.jsonl"
    twice.write_text(json.dumps(row) + "\n" + json.dumps(later) + "\n", encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    result = run_tui("import", "--db", str(fresh), str(twice))
    assert result.returncode == 0, result.stderr
    assert "added 1, updated 1" in result.stdout
    assert (f"{twice}:2: same sentence as line 1 (same article and coder); the later row wins"
            in result.stderr), result.stderr
    again = tmp_path / "fresh.jsonl"
    run_tui("export", "--db", str(fresh), "--format", "jsonl", "-o", str(again))
    assert [r["label"] for r in _load(again)] == ["quote"]
