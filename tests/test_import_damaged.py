"""An import never writes into a damaged database, even where the damage is
in a page the import itself would not read (issue 9 §4)."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from tests.conftest import run_tui
from tui.store import AnnotationStore
from tui.text import load_article


def test_import_refuses_a_database_damaged_where_it_would_not_read(tmp_path, seed_path):
    article = tmp_path / "a.txt"
    article.write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "x.db"
    store = AnnotationStore(db, annotator="me")
    doc = store.open_article(load_article(article))
    for paragraph in doc.article.paragraphs:
        for sentence in paragraph.sentences:
            store.tag(doc, paragraph.index, sentence, "claim")
    store.close()
    export = run_tui("export", "--db", str(db))
    assert export.returncode == 0
    (tmp_path / "in.csv").write_text(export.stdout, encoding="utf-8")
    conn = sqlite3.connect(db)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'library_files'"
                           ).fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    data = bytearray(db.read_bytes())
    start = (root - 1) * page_size
    data[start:start + page_size] = random.Random(1).randbytes(page_size)
    db.write_bytes(bytes(data))
    before = db.read_bytes()
    result = run_tui("import", "--db", str(db), str(tmp_path / "in.csv"))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"tui: {db}: the database file is damaged (")
    assert db.read_bytes() == before
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
