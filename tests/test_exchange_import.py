"""Import as an attacker would feed it: one line, exit 2, nothing changed.

"Nothing changed" is checked on the bytes: the database was made and closed
before the import (SQLite checkpoints and removes -wal and -shm when the last
connection closes), so after a refused import the .db file must hash the
same and no -wal/-shm may be left; `iterdump` equal too. While another
connection is open the -wal can hold frames of the rolled-back transaction,
which SQLite never reads, so the bytes of an open database's -wal would not
be an honest measure.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import run_tui
from tui.exchange import importer
from tui.exchange.importer import ImportFormatError, import_file
from tui.store import AnnotationStore
from tui.text import load_article

FORMULAS = "Formulas\n\n'=SUM(A1)\n\n=SUM(A1)\n\n-5 dead\n\nThe end of the story is here, said the clerk.\n"


def _state(db: Path) -> tuple:
    """Bytes of the database and its side files, and its SQL dump."""
    side = tuple(Path(f"{db}{s}").exists() for s in ("-wal", "-shm", "-journal"))
    digest = hashlib.sha256(db.read_bytes()).hexdigest() if db.exists() else None
    dump = None
    if db.exists():
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        dump = "\n".join(conn.iterdump())
        conn.close()
    return digest, side, dump


@pytest.fixture
def tagged_db(tmp_path, seed_path) -> Path:
    """A closed database with three tags on the seed."""
    db = tmp_path / "tagged.db"
    store = AnnotationStore(db, annotator="tester")
    doc = store.open_article(load_article(seed_path))
    for n in (0, 2, 4):
        store.tag(doc, n + 1, doc.article.paragraphs[n].sentences[0], "claim")
    store.close()
    return db


def _seed_row(seed_path, **changes) -> dict:
    row = {"text": "Russia is unfazed by the U.S. announcement last week that antimissile "
                   "cooperation talks have been suspended due to the events in Ukraine, "
                   "Interfax reported.", "label": "quote", "article_path": str(seed_path)}
    row.update(changes)
    return row


HOSTILE_JSONL = {
    "number": b"5\n",
    "array": b"[1, 2]\n",
    "string": b'"text"\n',
    "null": b"null\n",
    "true": b"true\n",
    "start 1e400": b'{"text": "x", "label": "claim", "article_path": "a", "start": 1e400}\n',
    "start of 5000 digits": b'{"text": "x", "label": "claim", "start": ' + b"9" * 5000 + b"}\n",
    "deeply nested": b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
    "invalid UTF-8": b'{"text": "caf\xe9", "label": "claim"}\n',
    "UTF-16": '{"text": "x", "label": "claim"}\n'.encode("utf-16"),
    "binary garbage": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("case", HOSTILE_JSONL)
def test_hostile_jsonl_is_one_line_exit_2_and_changes_no_byte(case, tmp_path, tagged_db, seed_path):
    # Line 2 is the bad one, after a good line; a UTF-16 file is so from its start.
    good = b"" if case == "UTF-16" else json.dumps(_seed_row(seed_path)).encode() + b"\n"
    path = tmp_path / "bad.jsonl"
    path.write_bytes(good + HOSTILE_JSONL[case])
    before = _state(tagged_db)
    result = run_tui("import", "--db", str(tagged_db), str(path))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"tui: {path}")
    if case == "UTF-16":  # a verdict on the whole file
        assert lines[0] == f"tui: {path}: is UTF-16; save it as UTF-8 (CSV UTF-8) and import that"
    elif case == "binary garbage":
        # Text is decoded a chunk ahead of the JSON: the first line that is
        # not UTF-8 (line 3; line 2 is bytes 0-10) is the one named.
        assert lines[0] == f"tui: {path}:3: not valid UTF-8 (byte 118 of the line)"
    else:
        assert lines[0].startswith(f"tui: {path}:2: "), lines[0]
    assert _state(tagged_db) == before


@pytest.mark.parametrize("case", ["number", "invalid UTF-8", "deeply nested"])
def test_hostile_jsonl_into_a_new_database_leaves_no_database(case, tmp_path, seed_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(json.dumps(_seed_row(seed_path)).encode() + b"\n" + HOSTILE_JSONL[case])
    result = run_tui("import", "--db", str(tmp_path / "new.db"), str(path))
    assert result.returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]


def _long_article(folder: Path, sentences: int) -> Path:
    path = folder / "long.txt"
    paragraphs = [" ".join(f"Item {p * 50 + i} was counted on the day." for i in range(50))
                  for p in range(sentences // 50 + 1)]
    path.write_text("Long Story\n\n" + "\n\n".join(paragraphs) + "\n")
    return path


def test_a_bad_line_after_5000_good_rows_lands_nothing(tmp_path, tagged_db):
    article = _long_article(tmp_path, 5_050)
    lines = [json.dumps({"text": f"Item {n} was counted on the day.", "label": "claim",
                         "article_path": str(article)}) for n in range(5_001)]
    path = tmp_path / "late.jsonl"
    path.write_text("\n".join(lines) + "\n{not json\n")
    before = _state(tagged_db)
    result = run_tui("import", "--db", str(tagged_db), str(path))
    assert result.returncode == 2 and f"{path}:5002: not valid JSON" in result.stderr
    assert _state(tagged_db) == before
    # The same file without its bad line lands every row, in one go.
    path.write_text("\n".join(lines) + "\n")
    result = run_tui("import", "--db", str(tagged_db), str(path))
    assert result.returncode == 0 and "read 5001, added 5001" in result.stdout


def test_rows_of_every_batch_roll_back_together(tmp_path, tagged_db, monkeypatch):
    # Many batches before the bad line: none of them may be committed.
    monkeypatch.setattr(importer, "BATCH", 100)
    article = _long_article(tmp_path, 1_000)
    path = tmp_path / "late.jsonl"
    path.write_text("".join(json.dumps({"text": f"Item {n} was counted on the day.", "label": "claim",
                                        "article_path": str(article)}) + "\n" for n in range(950))
                    + "null\n")
    before = _state(tagged_db)
    store = AnnotationStore(tagged_db)
    try:
        with pytest.raises(ImportFormatError, match=rf"^{path}:951: not a JSON object"):
            import_file(store, path)
    finally:
        store.close()
    assert _state(tagged_db) == before


def _export(db: Path, fmt: str = "csv", *extra: str) -> str:
    result = run_tui("export", "--db", str(db), "--format", fmt, *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_csv_cell_over_csvs_default_limit_is_read(tmp_path, tagged_db):
    # Python's csv stops at 131,072 characters a cell; an exported sentence
    # of a huge paragraph can be longer, so the importer reads up to its own
    # limit (below) instead of failing with a traceback.
    text = _export(tagged_db)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    rows[1][9] = "n" * 131_073  # the note
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "long.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    result = run_tui("import", "--db", str(tagged_db), str(path))
    assert result.returncode == 0 and "updated 1, unchanged 2" in result.stdout, result.stderr


def test_csv_cell_over_the_limit_is_one_error_naming_the_line(tmp_path, monkeypatch, tagged_db):
    monkeypatch.setattr(importer, "MAX_CELL_CHARS", 1_000)
    path = tmp_path / "huge.csv"
    path.write_text("text,label,article_path\r\nok,claim,a\r\n" + "x" * 1_001 + ",claim,a\r\n",
                    encoding="utf-8")
    store = AnnotationStore(tagged_db)
    try:
        with pytest.raises(ImportFormatError, match=rf"^{path}:3: not valid CSV \(field larger"):
            import_file(store, path)
    finally:
        store.close()


def test_invalid_utf8_deep_in_a_csv_names_its_line(tmp_path, tagged_db):
    text = _export(tagged_db)
    header, first, *rest = text.splitlines(keepends=True)
    # Past the 64 KB the encoding is told from, so UTF-8 was decided.
    filler = "".join(first for _ in range(70_000 // len(first) + 1))
    path = tmp_path / "late-bad.csv"
    path.write_bytes((header + filler).encode() + b"bad \xff byte,claim,x\r\n")
    line = 1 + filler.count("\n") + 1
    before = _state(tagged_db)
    result = run_tui("import", "--db", str(tagged_db), str(path))
    assert result.returncode == 2
    assert result.stderr == f"tui: {path}:{line}: not valid UTF-8 (byte 5 of the line)\n"
    assert _state(tagged_db) == before


def _spreadsheet_csv(db: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_export(db), newline="")))


@pytest.mark.parametrize("variant", ["bom", "semicolon", "tab", "cp1252"])
def test_spreadsheet_csvs_are_read(variant, tmp_path):
    article = tmp_path / "cafe.txt"
    article.write_text("Café Story\n\nThe café’s owner said “no” twice. It closed.\n", encoding="utf-8")
    db = tmp_path / "source.db"
    store = AnnotationStore(db, annotator="tester")
    doc = store.open_article(load_article(article))
    store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "quote")
    store.close()
    rows = _spreadsheet_csv(db)
    delimiter = {"semicolon": ";", "tab": "\t"}.get(variant, ",")
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    encoding = {"bom": "utf-8-sig", "cp1252": "cp1252"}.get(variant, "utf-8")
    path = tmp_path / f"{variant}.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    result = run_tui("import", "--db", str(tmp_path / "fresh.db"), str(path))
    assert result.returncode == 0, result.stderr
    assert "read 1, added 1" in result.stdout
    warned = f"tui: warning: {path}: not valid UTF-8; decoded as cp1252" in result.stderr
    assert warned == (variant == "cp1252")
    again = _spreadsheet_csv(tmp_path / "fresh.db")
    assert again[1][8] == "The café’s owner said “no” twice."


def test_import_dash_reads_standard_input(tmp_path, tagged_db):
    jsonl = _export(tagged_db, "jsonl")
    result = run_tui("import", "--db", str(tmp_path / "fresh.db"), "-", input=jsonl)
    assert result.returncode == 0 and "read 3, added 3" in result.stdout, result.stderr
    bad = run_tui("import", "--db", str(tmp_path / "fresh.db"), "-", input=jsonl + "[]\n")
    assert bad.stderr == "tui: standard input:4: not a JSON object (a tui export has one object per line)\n"


def _formula_db(tmp_path) -> Path:
    article = tmp_path / "formulas.txt"
    article.write_text(FORMULAS)
    db = tmp_path / "formulas.db"
    store = AnnotationStore(db, annotator="tester")
    doc = store.open_article(load_article(article))
    notes = ["'=note", "=note", "-5 note", "'tis a note"]
    for paragraph, note in zip(doc.article.paragraphs, notes):
        store.tag(doc, paragraph.index, paragraph.sentences[0], "claim")
        store.set_note(doc, paragraph.sentences[0], note)
    store.close()
    return db


EXPECTED_TEXTS = [("'=SUM(A1)", "'=note"), ("=SUM(A1)", "=note"), ("-5 dead", "-5 note"),
                  ("The end of the story is here, said the clerk.", "'tis a note")]


@pytest.mark.parametrize("fmt,extra", [("csv", ()), ("csv", ("--raw",)), ("jsonl", ())])
def test_sentences_that_begin_like_formulas_round_trip(tmp_path, fmt, extra):
    db = _formula_db(tmp_path)
    text = _export(db, fmt, *extra)
    if fmt == "csv" and not extra:
        # What a spreadsheet sees: every one of them neutralised, once.
        cells = [(r[8], r[9]) for r in csv.reader(io.StringIO(text, newline=""))][1:]
        assert cells == [("''=SUM(A1)", "''=note"), ("'=SUM(A1)", "'=note"), ("'-5 dead", "'-5 note"),
                         ("The end of the story is here, said the clerk.", "'tis a note")]
    path = tmp_path / f"export.{fmt}"
    path.write_text(text, encoding="utf-8", newline="")
    fresh = tmp_path / "fresh.db"
    result = run_tui("import", "--db", str(fresh), str(path))
    assert result.returncode == 0 and "added 4" in result.stdout, result.stderr
    conn = sqlite3.connect(fresh)
    rows = conn.execute("SELECT text, note FROM annotations ORDER BY start").fetchall()
    conn.close()
    assert rows == EXPECTED_TEXTS


def test_unknown_label_is_refused_per_row_and_not_stored(tmp_path, tagged_db, seed_path):
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(_seed_row(seed_path, label="opinion")) + "\n"
                    + json.dumps(_seed_row(seed_path, label="quote")) + "\n")
    # Rows without a coder are the importing coder's: tester's, who tagged it.
    result = run_tui("--annotator", "tester", "import", "--db", str(tagged_db), str(path))
    assert result.returncode == 1
    assert ("not placed: line 1: unknown label 'opinion' (expected one of: claim, quote, background)"
            in result.stderr)
    conn = sqlite3.connect(tagged_db)
    labels = conn.execute("SELECT label FROM annotations ORDER BY start").fetchall()
    conn.close()
    assert labels == [("quote",), ("claim",), ("claim",)]


def test_import_reads_only_regular_article_files_and_says_which(tmp_path):
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: over the limit without writing it
        handle.truncate(64 * 1024 * 1024 + 1)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02" * 10)
    real = tmp_path / "real.txt"
    real.write_text("Real Story\n\nA sentence to tag here.\n")
    rows = [{"text": "A sentence to tag here.", "label": "claim", "article_path": str(p)}
            for p in (fifo, "/dev/zero", big, binary, real)]
    path = tmp_path / "paths.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "new.db"
    result = run_tui("import", "--db", str(db), str(path))  # a FIFO read would hang: timeout
    assert result.returncode == 1
    err = result.stderr
    assert f"not placed: line 1: article file not read: {fifo}: is a named pipe (FIFO), not an article file" in err
    assert ("not placed: line 2: article file not read: /dev/zero: is a character device, "
            "not an article file") in err
    assert f"not placed: line 3: article file not read: {big}: is 64.0 MB; files over 64 MB are not read" in err
    assert f"not placed: line 4: article file not read: {binary}: looks like a binary file" in err
    assert [line for line in err.splitlines() if "read article file" in line] == [
        f"tui: read article file {real}"]
    conn = sqlite3.connect(db)
    paths = conn.execute("SELECT path FROM articles").fetchall()
    conn.close()
    assert paths == [(str(real),)]


def test_counts_of_added_updated_unchanged(tmp_path, tagged_db):
    rows = _spreadsheet_csv(tagged_db)
    rows[2][7] = "quote"  # one label changed
    rows.append(list(rows[1]))  # the first row twice: the second time unchanged
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "changed.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    result = run_tui("import", "--db", str(tagged_db), str(path))
    assert result.stdout.strip() == "read 4, added 0, updated 1, unchanged 3, not placed 0"
    fresh = run_tui("import", "--db", str(tmp_path / "fresh.db"), str(path))
    assert fresh.stdout.strip() == "read 4, added 3, updated 0, unchanged 1, not placed 0"


@pytest.mark.parametrize("change", ["offsets", "paragraph", "sentence"])
def test_rows_not_at_their_offsets_are_placed_by_text(tmp_path, tagged_db, change):
    # Offsets that do not hold the row's text (an edited file, another
    # program's export), or a paragraph that does not hold the offsets: the
    # sentence index places the row by its text.
    rows = [json.loads(line) for line in _export(tagged_db, "jsonl").splitlines()]
    for row in rows:
        if change == "offsets":
            row["start"] += 7
            row["end"] += 7
        elif change == "paragraph":
            row["paragraph"] += 1
        else:
            row["sentence"] = 0
    path = tmp_path / "moved.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = run_tui("import", "--db", str(tmp_path / "fresh.db"), str(path))
    assert result.returncode == 0 and "added 3" in result.stdout
    assert _export(tmp_path / "fresh.db").splitlines()[1:] == [
        line for line in _export(tagged_db).splitlines()[1:]]


@pytest.fixture
def small_disk(tmp_path):
    """A 512 KB tmpfs of its own (root only), unmounted after the test."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        message = f"needs a tmpfs mount (root): {mounted.stderr.strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_import_onto_a_full_disk_is_one_line_and_keeps_every_tag(small_disk, tmp_path, seed_path):
    db = small_disk / "tags.db"
    store = AnnotationStore(db, annotator="tester")
    doc = store.open_article(load_article(seed_path))
    store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
    store.close()
    article = _long_article(tmp_path, 3_000)
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({"text": f"Item {n} was counted on the day.",
                                        "label": "claim", "note": "n" * 300,
                                        "article_path": str(article)}) + "\n"
                            for n in range(3_000)))
    result = run_tui("import", "--db", str(db), str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == f"tui: {db}: the disk is full; not saved\n"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT label, text FROM annotations").fetchall() == [
        ("claim", doc.article.paragraphs[0].sentences[0].text)]
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    conn.close()


def test_batch_writer_hands_a_batch_error_to_the_caller(tmp_path):
    from tui.exchange.batch_writer import BatchWriter

    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None, check_same_thread=False)
    conn.execute("CREATE TABLE t (x INTEGER NOT NULL)")
    conn.execute("BEGIN")
    writer = BatchWriter(conn, "INSERT INTO t VALUES (?)")
    try:
        writer.put([(1,), (2,)])
        writer.put([(3,), (None,)])
        with pytest.raises(sqlite3.IntegrityError):
            writer.drain()
        with pytest.raises(sqlite3.IntegrityError):  # and again, until the caller stops
            writer.put([(5,)])
    finally:
        writer.close()
    assert writer.changed == 2  # whole batches only: the failed one rolls back with the rest
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    conn.close()


@pytest.mark.parametrize("start,shown", [
    ("1e400", "'1e400'"), ("9" * 5_000, "'9999999999999999999…"), ("-5", "'-5'"), ("abc", "'abc'"),
])
def test_csv_offset_that_is_not_a_whole_number_is_one_line(tmp_path, tagged_db, start, shown):
    rows = _spreadsheet_csv(tagged_db)
    rows[2][13] = start
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "offsets.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    before = _state(tagged_db)
    result = run_tui("import", "--db", str(tagged_db), str(path))
    assert result.returncode == 2
    assert result.stderr == (f"tui: {path}:3: start must be a whole number (at most 15 digits), "
                             f"not {shown}\n")
    assert _state(tagged_db) == before


KILLED_WRITE = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from tui.exchange.files import atomic_text_output
    with atomic_text_output({target!r}) as out:
        out.write("half an export")
        out.flush()
        os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_killed_export_leaves_a_temporary_the_next_export_removes(tmp_path, tagged_db):
    from tests.conftest import ROOT

    target = tmp_path / "out.csv"
    target.write_text("old export")
    script = KILLED_WRITE.format(root=str(ROOT), target=str(target))
    killed = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert killed.returncode == -9
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv.")]
    assert len(left) == 1 and left[0].endswith(".tmp")
    assert target.read_text() == "old export"  # untouched by the killed run
    result = run_tui("export", "--db", str(tagged_db), "-o", str(target))
    assert result.returncode == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv.")] == []
    assert target.read_text().startswith("article_id,")
