"""Attacks on the installed `tui` from the shell (issues 8, 9 and 10), each once broken.

Every case here was a traceback, a usage block, a silent success or raw
terminal bytes on main; now it is one line and exit 2, or inert output.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess

import pytest

from tests.conftest import SEED, run_tui
from tests.helpers_mounts import require_root, tmpfs


def _tagged_db(tmp_path):
    """A database with every sentence of a copy of the seed tagged (via import)."""
    article = tmp_path / "story.txt"
    shutil.copy(SEED, article)
    rows = ["article_path,paragraph,sentence,label,text"]
    from tui.text import load_article

    for paragraph in load_article(article).paragraphs:
        for sentence in paragraph.sentences:
            text = sentence.text.replace('"', '""')
            rows.append(f'{article},{paragraph.index},{sentence.index},claim,"{text}"')
    csv_file = tmp_path / "seed.csv"
    csv_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    result = run_tui("import", str(csv_file), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db, article


# -- tui status PATH: the path checks every other command has -------------


def test_status_of_a_name_too_long_is_one_line(tmp_path):
    db, _ = _tagged_db(tmp_path)
    name = tmp_path / ("a" * 300 + ".txt")
    result = run_tui("status", str(name), "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.endswith(": name too long for the file system\n")


def test_status_of_a_fifo_or_device_is_refused(tmp_path):
    db, _ = _tagged_db(tmp_path)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = run_tui("status", str(fifo), "--db", str(db))
    assert (result.returncode, result.stderr) == (
        2, f"tui: {fifo}: is a named pipe (FIFO), not an article file\n")
    result = run_tui("status", "/dev/zero", "--db", str(db))
    assert (result.returncode, result.stderr) == (
        2, "tui: /dev/zero: is a character device, not an article file\n")


def _without_dac_override(*args):
    """Run tui as root but with file permissions enforced (no CAP_DAC_*)."""
    from pathlib import Path
    import sys

    exe = Path(sys.executable).parent / "tui"
    drop = "-dac_override,-dac_read_search"
    return subprocess.run(["setpriv", "--bounding-set", drop, "--inh-caps", drop, str(exe), *args],
                          capture_output=True, text=True, timeout=120)


def test_status_in_a_folder_one_may_not_enter_is_one_line(tmp_path):
    require_root("setpriv")
    db, _ = _tagged_db(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "story.txt").write_text("x", encoding="utf-8")
    locked.chmod(0)
    try:
        result = _without_dac_override("status", str(locked / "story.txt"), "--db", str(db))
        assert (result.returncode, result.stderr) == (
            2, f"tui: {locked / 'story.txt'}: permission denied\n")
        result = _without_dac_override("status", str(locked), "--db", str(db))
        assert result.returncode == 2
        assert result.stderr == f"tui: {locked}: cannot open this folder (Permission denied)\n"
    finally:
        locked.chmod(stat.S_IRWXU)


def test_status_on_a_damaged_database_is_one_line(tmp_path):
    db, article = _tagged_db(tmp_path)
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'annotations'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(db, "r+b") as handle:  # garbage over the annotations table's root page
        handle.seek((root - 1) * page)
        handle.write(b"\xa5" * page)
    result = run_tui("status", str(article), "--db", str(db))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "damaged" in result.stderr


# -- terminal output carries no raw control character -----------------------


def test_status_json_escapes_c1_and_bidi_controls(tmp_path):
    import json

    article = tmp_path / "odd.txt"
    article.write_text("4 April 2014\nHead \u009b31m \u202eevil\u202c \x7f\nOutlet\n\nA body sentence here.\n",
                       encoding="utf-8")
    result = run_tui("status", str(article), "--db", str(tmp_path / "s.db"), "--format", "json")
    assert result.returncode == 0, result.stderr
    for char in "\u009b\u202e\u202c\x7f":
        assert char not in result.stdout
    assert "\\u009b31m \\u202eevil\\u202c \\u007f" in result.stdout
    assert json.loads(result.stdout)[0]["title"] == "Head \u009b31m \u202eevil\u202c \x7f"


def _run_on_pty(*args) -> bytes:
    """Run tui with standard output on a pseudo-terminal; return what it printed there."""
    import pty
    import sys
    from pathlib import Path

    master, slave = pty.openpty()
    exe = Path(sys.executable).parent / "tui"
    proc = subprocess.Popen([str(exe), *args], stdout=slave, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    return b"".join(chunks)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_to_a_terminal_carries_no_raw_control_character(tmp_path, fmt):
    article = tmp_path / "esc.txt"
    article.write_text("4 April 2014\nHead \x1b]52;c;cHduZWQ=\x07 line\nOutlet \u009b31m\n\n"
                       "Body \x1b]0;PWNED\x07 one. Second \u202eevil\u202c sentence.\n",
                       encoding="utf-8")
    rows = tmp_path / "rows.csv"
    rows.write_text(f"article_path,paragraph,sentence,label,text\n{article},1,1,claim,"
                    "\"Body \x1b]0;PWNED\x07 one.\"\n", encoding="utf-8")
    db = tmp_path / "e.db"
    assert run_tui("import", str(rows), "--db", str(db)).returncode == 0
    shown = _run_on_pty("export", "--db", str(db), "--format", fmt).decode("utf-8")
    assert "PWNED" in shown and "cHduZWQ=" in shown
    for char in "\x1b\x07\u009b\u202e\u202c\x7f":
        assert char not in shown
    # Into a pipe or a file the export stays byte-exact (data, not display).
    piped = run_tui("export", "--db", str(db), "--format", fmt)
    assert "Outlet \u009b31m" in piped.stdout


# -- read-only commands never write ------------------------------------------


@pytest.mark.parametrize("command", ["export", "orphans"])
def test_reading_an_empty_database_file_leaves_it_empty(tmp_path, command):
    db = tmp_path / "touched.db"
    db.touch()  # `touch annotations.db`: SQLite would take it for a new database
    result = run_tui(command, "--db", str(db))
    assert (result.returncode, result.stderr) == (
        2, f"tui: {db}: an empty file, not a database yet (nothing has been tagged with it)\n")
    assert db.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["touched.db"]


# -- a failed import leaves no new database ---------------------------------


def test_import_into_a_new_database_on_a_full_disk_leaves_no_file(tmp_path):
    _, article = _tagged_db(tmp_path)
    rows = tmp_path / "rows.csv"
    rows.write_text(f"article_path,label,text\n{article},claim,x\n", encoding="utf-8")
    with tmpfs(tmp_path / "disk", size="256k") as disk:
        fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:  # fill it to the last byte
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        result = run_tui("import", str(rows), "--db", str(disk / "new.db"))
        assert (result.returncode, result.stderr) == (
            2, f"tui: {disk / 'new.db'}: the disk is full; not saved\n")
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


# -- tags whose article was deleted behind tui's back -----------------------


def test_tags_of_a_deleted_article_are_not_dropped_silently(tmp_path):
    db, _ = _tagged_db(tmp_path)
    conn = sqlite3.connect(db)  # as the sqlite3 shell does: foreign keys off
    conn.execute("DELETE FROM articles")
    conn.commit()
    conn.close()
    export = run_tui("export", "--db", str(db))
    assert export.returncode == 0
    assert export.stdout.count("\n") == 1  # the header: they have no article to export with
    assert export.stderr == ("tui: warning: 13 annotation(s) whose article is no longer in "
                             "the database are not exported; `tui orphans` lists them\n")
    status = run_tui("status", "--db", str(db))
    assert status.returncode == 0
    assert status.stderr == ("0 article(s)\ntui: warning: 13 annotation(s) whose article is no "
                             "longer in the database; `tui orphans` lists them\n")
    orphans = run_tui("orphans", "--db", str(db))
    assert orphans.stdout.splitlines()[0].startswith("(article deleted)\tclaim\tRussia is unfazed")
    assert orphans.stderr.startswith("13 orphan(s)\n")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_of_a_damaged_database_says_damaged(tmp_path, fmt):
    db, _ = _tagged_db(tmp_path)
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'annotations'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(db, "r+b") as handle:
        handle.seek((root - 1) * page)
        handle.write(b"\xa5" * page)
    result = run_tui("export", "--db", str(db), "--format", fmt, "-o", str(tmp_path / "out"))
    assert (result.returncode, result.stderr) == (
        2, f"tui: {db}: the database file is damaged (database disk image is malformed)\n")
    assert not (tmp_path / "out").exists()


def test_status_without_a_database_creates_none(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(SEED, folder / "story.txt")
    work = tmp_path / "work"
    work.mkdir()
    env = {"TUI_DB": ""}
    result = run_tui("status", str(folder), "--format", "tsv", cwd=work, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].split("\t")[4:] == [
        "13", "0", "0", "0", "0", "0", "new", "never"]
    result = run_tui("status", cwd=work, env=env)
    assert (result.returncode, result.stderr) == (
        2, "tui: annotations.db: no such database (nothing has been tagged with it yet)\n")
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("fmt", ["table", "tsv"])
def test_status_counts_a_label_another_client_wrote(tmp_path, fmt):
    db, article = _tagged_db(tmp_path)
    conn = sqlite3.connect(db)  # another client, without our label trigger
    conn.execute("DROP TRIGGER annotations_label_update")
    conn.execute("UPDATE annotations SET label = 'opinion' WHERE id IN (1, 2)")
    conn.commit()
    conn.close()
    result = run_tui("status", str(article), "--db", str(db), "--format", fmt)
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    cells = header.split("\t") if fmt == "tsv" else header.split()
    values = row.split("\t")[4:] if fmt == "tsv" else row.split()[-10:-2]
    assert cells[4:10] == ["sentences", "claim", "quote", "background", "opinion", "fuzzy"]
    assert values[:5] == ["13", "11", "0", "0", "2"]


# -- wire copies through a JSONL round trip -----------------------------------


@pytest.mark.parametrize("edited", [False, True])
def test_jsonl_import_keeps_two_wire_copies_apart(tmp_path, edited):
    """Same body, other headline/outlet/date: two articles; JSONL rows carry
    only the body's hash, so the importer must not put B's tags on A."""
    db, first = _tagged_db(tmp_path)
    lines = first.read_text(encoding="utf-8").split("\n")
    lines[:3] = ["5 April 2014", "A Different Headline For The Same Story", "Other Wire Outlet"]
    second = tmp_path / "copy.txt"
    second.write_text("\n".join(lines), encoding="utf-8")
    rows = tmp_path / "second.csv"
    from tui.text import load_article

    sentence = load_article(second).paragraphs[1].sentences[0]
    rows.write_text(f'article_path,label,text\n{second},quote,"{sentence.text}"\n', encoding="utf-8")
    assert run_tui("import", str(rows), "--db", str(db)).returncode == 0
    export = tmp_path / "both.jsonl"
    assert run_tui("export", "--db", str(db), "--format", "jsonl", "-o", str(export)).returncode == 0
    if edited:  # B's file changed after the export (not the quoted sentence)
        second.write_text(second.read_text(encoding="utf-8").replace("unfazed", "unfased"),
                          encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    result = run_tui("import", str(export), "--db", str(fresh))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "read 14, added 14, updated 0, unchanged 0, not placed 0\n"
    conn = sqlite3.connect(fresh)
    got = conn.execute("SELECT ar.title, ar.source, a.label, count(*) FROM annotations a "
                       "JOIN articles ar ON ar.id = a.article_id GROUP BY 1, 2, 3 ORDER BY 1").fetchall()
    conn.close()
    assert got == [("A Different Headline For The Same Story", "Other Wire Outlet", "quote", 1),
                   ("Russia Unfazed By Suspension of Antimissile Talks with U.S.",
                    "Global Security Newswire", "claim", 13)]


def test_csv_with_a_column_named_twice_is_refused(tmp_path):
    db, article = _tagged_db(tmp_path)
    before = db.read_bytes()
    rows = tmp_path / "twice.csv"
    rows.write_text(f'article_path,label,text,label\n{article},claim,"Poland is set",quote\n',
                    encoding="utf-8")
    result = run_tui("import", str(rows), "--db", str(db))
    assert (result.returncode, result.stderr) == (
        2, f"tui: {rows}: column 'label' appears twice; which one holds the data?\n")
    assert db.read_bytes() == before


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_line_too_long_to_be_an_export_row_is_refused_early(tmp_path, suffix):
    """Read up to a bounded length, not whole: a multi-gigabyte line must not
    be loaded into memory (MemoryError) before a cell limit says no."""
    from tui.exchange.importer import MAX_LINE_CHARS

    source = tmp_path / f"one-line{suffix}"
    header = "" if suffix == ".jsonl" else "article_path,label,text\n"
    with open(source, "w", encoding="utf-8") as out:
        out.write(header + '{"text": "' if suffix == ".jsonl" else header + "x,claim,")
        chunk = "a" * (1024 * 1024)
        for _ in range(MAX_LINE_CHARS // len(chunk) + 2):
            out.write(chunk)
    result = run_tui("import", str(source), "--db", str(tmp_path / "n.db"))
    line = 1 if suffix == ".jsonl" else 2
    assert (result.returncode, result.stderr) == (
        2, f"tui: {source}:{line}: a line over 48 M characters; not an export\n")
    assert not (tmp_path / "n.db").exists()


def test_an_import_that_places_nothing_leaves_no_new_database(tmp_path):
    rows = tmp_path / "nowhere.csv"
    rows.write_text(f"article_path,label,text\n{tmp_path / 'gone.txt'},claim,Some text.\n",
                    encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    result = run_tui("import", str(rows), cwd=work, env={"TUI_DB": ""})
    assert result.returncode == 1
    assert result.stdout == "read 1, added 0, updated 0, unchanged 0, not placed 1\n"
    assert list(work.iterdir()) == []


def test_status_of_an_unchanged_file_does_not_wait_for_a_held_write_lock(tmp_path):
    """A sync tool holding the write lock: nothing to write for a file that is
    as recorded, so status reads the counts instead of waiting the busy timeout
    out and reporting 'not re-anchored'."""
    import json

    db, article = _tagged_db(tmp_path)
    assert run_tui("status", str(article), "--db", str(db)).returncode == 0  # counted once
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run_tui("status", str(article), "--db", str(db), "--format", "json")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["state"], row["tagged"]["claim"], row["error"]) == ("ok", 13, "")


def test_export_of_a_read_only_database_file_leaves_no_side_files(tmp_path):
    """0444 file in a folder we may write: mode=ro makes -wal/-shm there that
    a read-write connection cannot tidy; nobody may write the file, so it is
    read as immutable and none are made."""
    require_root("setpriv")
    db, _ = _tagged_db(tmp_path)
    db.chmod(0o444)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = _without_dac_override("export", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 14
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# -- a file name that is not UTF-8 (an old zip, a Latin-1 disk) ---------------


def test_a_file_name_that_is_not_utf8_is_one_line_not_a_traceback(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    bad = os.fsdecode(bytes(folder) + b"/caf\xe9.txt")  # Latin-1 e-acute
    shutil.copy(SEED, bad)
    db = tmp_path / "a.db"
    result = run_tui("status", str(folder), "--db", str(db), "--format", "tsv")
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    assert [(row[3], row[10]) for row in rows] == [
        (f"{folder}/caf\\udce9.txt", "unreadable"), (f"{folder}/good.txt", "new")]
    result = run_tui("read", bad, "--db", str(db))
    assert result.returncode == 2
    assert result.stderr == (f"tui: {folder}/caf\\udce9.txt: the file name is not valid UTF-8; "
                             "rename the file to read it\n")


def test_export_from_a_database_in_a_folder_whose_name_is_not_utf8(tmp_path):
    db, _ = _tagged_db(tmp_path)
    folder = os.fsdecode(bytes(tmp_path) + b"/donn\xe9es")
    os.mkdir(folder)
    moved = os.path.join(folder, "a.db")
    shutil.move(db, moved)
    result = run_tui("export", "--db", moved)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.count("\n") == 14
    assert os.listdir(folder) == ["a.db"]
