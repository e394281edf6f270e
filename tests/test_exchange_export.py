"""Export as an attacker (or an unlucky user) would run it."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_tui
from tui.exchange import export
from tui.exchange.csv_safety import neutralise, restore
from tui.exchange.export import remove_stale_export_folders, write_csv, write_csv_file
from tui.exchange.files import remove_stale_temporaries
from tui.store import AnnotationStore
from tui.store.database import write_transaction
from tui.text import load_article

TUI = str(Path(sys.executable).parent / "tui")

# (cell, what the CSV export writes), written out by hand.
FORMULA_CASES = [
    ("=1+2", "'=1+2"),
    ("+1", "'+1"),
    ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("\uff1d1+2", "'\uff1d1+2"),     # ＝ full-width
    ("\uff0b1", "'\uff0b1"),         # ＋
    ("\uff0d1", "'\uff0d1"),         # －
    ("\uff20x", "'\uff20x"),         # ＠
    ("\ufe661", "'\ufe661"),         # ﹦ small
    ("\ufe621", "'\ufe621"),         # ﹢
    ("\ufe631", "'\ufe631"),         # ﹣
    ("  =1+2", "'  =1+2"),          # after white space
    ("\u00a0=1", "'\u00a0=1"),       # after a no-break space
    ("\x00=1", "'\x00=1"),           # after NUL
    ("\n@x", "'\n@x"),               # after a line break
    ("'=SUM(A1)", "''=SUM(A1)"),     # a real apostrophe-formula keeps its own '
    ("''-x", "'''-x"),
    ("plain", "plain"),
    ("a=b", "a=b"),
    ("'plain", "'plain"),
    ("5-1", "5-1"),
    ("", ""),
]


@pytest.mark.parametrize("cell,expected", FORMULA_CASES)
def test_formula_cells_are_neutralised_and_restored(cell, expected, store, seed_doc):
    assert neutralise(cell) == expected
    assert restore(expected) == cell
    # The export (which neutralises a column at a time) writes the same.
    target = seed_doc.article.paragraphs[0].sentences[0]
    store.tag(seed_doc, 1, target, "claim")
    # Written directly: set_note strips, but an import can carry any note.
    store.db.execute("UPDATE annotations SET note = ?", [cell])
    for raw, want in ((False, expected), (True, cell)):
        out = io.StringIO(newline="")
        write_csv(store.db, out, raw=raw)
        row = next(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
        assert row["note"] == want
        assert row["text"] == target.text


def test_article_cells_are_neutralised_too(tmp_path, monkeypatch):
    article = tmp_path / "evil.txt"
    article.write_text('=HYPERLINK("http://x","y")\n\nBody sentence one. Body sentence two.\n')
    store = AnnotationStore(tmp_path / "a.db")
    doc = store.open_article(load_article(article))
    for sentence in doc.article.paragraphs[0].sentences:
        store.tag(doc, 1, sentence, "claim")
    store.db.execute("UPDATE articles SET date = '+1-2', source = '@cmd', path = '-x.txt'")
    evil = ["'=HYPERLINK(\"http://x\",\"y\")", "'+1-2", "'@cmd", "'-x.txt"]
    out = io.StringIO(newline="")
    write_csv(store.db, out)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]
    assert [r[1:5] for r in rows] == [evil, evil]
    # The same on two cores.
    monkeypatch.setattr(export, "PARALLEL_MIN_ROWS", 1)
    store.open_article(load_article(_second_article(tmp_path)))
    target = tmp_path / "two.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        write_csv_file(store.path, handle, workers=2)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))[1:]
    assert [r[1:5] for r in rows] == [evil, evil]
    store.close()


def _second_article(folder: Path) -> Path:
    path = folder / "second.txt"
    path.write_text("Second\n\nNothing tagged here.\n")
    return path


def _many_tags(folder: Path, articles: int = 2, sentences: int = 1_000) -> Path:
    """A closed database of ``articles`` x ``sentences`` tags (~100 bytes a row)."""
    db = folder / "many.db"
    store = AnnotationStore(db, annotator="tester")
    for n in range(articles):
        path = folder / f"a{n}.txt"
        path.write_text(f"Story {n}\n\n" + "\n\n".join(
            " ".join(f"Item {n}-{p}-{i} was counted on the day." for i in range(50))
            for p in range(sentences // 50)) + "\n")
        doc = store.open_article(load_article(path))
        values = [(doc.id, p.index, s.index, s.start, s.end, s.text, "", "", "claim", "", "t",
                   "2026-01-01", "2026-01-01")
                  for p in doc.article.paragraphs for s in p.sentences]
        with write_transaction(store.db):
            store.db.conn.executemany(
                'INSERT INTO annotations (article_id, paragraph, sentence, start, "end", text, '
                "context_before, context_after, label, note, annotator, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
    store.close()
    return db


def test_export_into_a_closed_pipe_is_quiet(tmp_path):
    db = _many_tags(tmp_path)
    for fmt in ("csv", "jsonl"):
        proc = subprocess.Popen([TUI, "export", "--db", str(db), "--format", fmt],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout.readline().startswith(b"article_id" if fmt == "csv" else b"{")
        proc.stdout.close()  # as `| head -1` does
        assert proc.wait(timeout=60) in (0, 141)
        assert proc.stderr.read() == b""
        proc.stderr.close()


def test_export_to_a_non_utf8_stdout_warns_in_one_line(tmp_path, seed_path):
    db = tmp_path / "a.db"
    store = AnnotationStore(db)
    doc = store.open_article(load_article(seed_path))
    store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
    store.db.execute("UPDATE annotations SET note = 'café “x”'")
    store.close()
    result = subprocess.run([TUI, "export", "--db", str(db)], capture_output=True,
                            env={**os.environ, "PYTHONIOENCODING": "ascii"}, timeout=60)
    assert result.returncode == 0
    assert result.stderr.decode() == (
        "tui: warning: standard output expects ascii; writing UTF-8, as exports always are\n")
    assert "café “x”".encode() in result.stdout


def test_output_onto_the_database_or_its_files_is_refused(tmp_path, store, seed_doc):
    store.tag(seed_doc, 1, seed_doc.article.paragraphs[0].sentences[0], "claim")
    db = store.path
    (tmp_path / "link.db").symlink_to(db)
    os.link(db, tmp_path / "hard.db")
    before = db.read_bytes()
    for target in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal"),
                   tmp_path / "link.db", tmp_path / "hard.db", tmp_path / "." / db.name):
        result = run_tui("export", "--db", str(db), "-o", str(target))
        assert result.returncode == 2, target
        assert result.stderr.startswith(f"tui: {target}: is the database or one of its files")
        assert len(result.stderr.splitlines()) == 1
    assert db.read_bytes() == before
    assert store.annotations(seed_doc)  # still there


def test_output_onto_a_read_only_file_is_refused(tmp_path, store, seed_doc):
    store.tag(seed_doc, 1, seed_doc.article.paragraphs[0].sentences[0], "claim")
    target = tmp_path / "kept.csv"
    target.write_text("precious")
    target.chmod(0o444)
    result = run_tui("export", "--db", str(store.path), "-o", str(target))
    assert result.returncode == 2
    assert result.stderr == f"tui: {target}: is read-only; not replacing it\n"
    assert target.read_text() == "precious" and target.stat().st_mode & 0o777 == 0o444


def test_output_into_a_fifo_a_device_or_stdout_is_a_stream(tmp_path, store, seed_doc):
    store.tag(seed_doc, 1, seed_doc.article.paragraphs[0].sentences[0], "claim")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_tui("export", "--db", str(store.path), "-o", str(fifo))
    reader.join(timeout=10)
    if reader.is_alive():  # nobody wrote into the FIFO: let the reader go
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert fifo.is_fifo()
    assert result.returncode == 0 and got[0].startswith(b"article_id,")
    null = run_tui("export", "--db", str(store.path), "-o", "/dev/null")
    assert null.returncode == 0 and Path("/dev/null").is_char_device()
    link = tmp_path / "out"
    link.symlink_to("/dev/stdout")
    through = run_tui("export", "--db", str(store.path), "-o", str(link))
    assert through.returncode == 0 and through.stdout.startswith("article_id,")
    assert link.is_symlink() and os.readlink(link) == "/dev/stdout"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_write_error_on_dev_full_is_one_line(store, seed_doc):
    store.tag(seed_doc, 1, seed_doc.article.paragraphs[0].sentences[0], "claim")
    result = run_tui("export", "--db", str(store.path), "-o", "/dev/full")
    assert result.returncode == 2
    assert result.stderr == "tui: /dev/full: cannot write (No space left on device)\n"


def test_export_of_a_missing_database_creates_nothing(tmp_path):
    result = run_tui("export", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 2
    assert result.stderr == (f"tui: {tmp_path / 'none.db'}: no such database "
                             "(nothing has been tagged with it yet)\n")
    assert list(tmp_path.iterdir()) == []


def test_export_leaves_no_side_files_it_created(tmp_path, store, seed_doc):
    store.tag(seed_doc, 1, seed_doc.article.paragraphs[0].sentences[0], "claim")
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotations.db"]
    before = (tmp_path / "annotations.db").read_bytes()
    assert run_tui("export", "--db", str(store.path), "-o", str(tmp_path / "x.csv")).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotations.db", "x.csv"]
    assert (tmp_path / "annotations.db").read_bytes() == before


def test_database_in_a_folder_with_uri_characters(tmp_path, seed_path):
    folder = tmp_path / "a?b#c%20d"
    folder.mkdir()
    db = folder / "x.db"
    store = AnnotationStore(db)
    doc = store.open_article(load_article(seed_path))
    store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
    store.close()
    result = run_tui("export", "--db", str(db))
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 2, result.stderr


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_stale_temporary_files_of_dead_exports_are_removed(tmp_path, store, seed_doc):
    store.tag(seed_doc, 1, seed_doc.article.paragraphs[0].sentences[0], "claim")
    dead, alive = _dead_pid(), os.getpid()
    stale = tmp_path / f".out.csv.{dead}.abcd1234.tmp"
    live = tmp_path / f".out.csv.{alive}.abcd1234.tmp"
    other = tmp_path / f".other.csv.{dead}.abcd1234.tmp"
    for path in (stale, live, other):
        path.write_text("partial")
    result = run_tui("export", "--db", str(store.path), "-o", str(tmp_path / "out.csv"))
    assert result.returncode == 0
    assert not stale.exists() and live.exists() and other.exists()
    assert remove_stale_temporaries(tmp_path, "other.csv") == [other]


def test_stale_export_folders_of_dead_processes_are_removed(tmp_path):
    dead, alive = _dead_pid(), os.getpid()
    for pid in (dead, alive):
        (tmp_path / f"tui-export-{pid}-x1y2").mkdir()
        (tmp_path / f"tui-export-{pid}-x1y2" / "part-0.csv").write_text("rows")
    (tmp_path / "tui-export-notapid").mkdir()
    assert remove_stale_export_folders(str(tmp_path)) == [str(tmp_path / f"tui-export-{dead}-x1y2")]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"tui-export-{alive}-x1y2", "tui-export-notapid"])


KILLED_EXPORT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from tui.exchange import export
    export.PARALLEL_MIN_ROWS = 1
    with open(1, "w", encoding="utf-8", newline="", closefd=False) as out:
        export.write_csv_file({db!r}, out, workers=2)
""")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def test_sigkill_during_a_parallel_export_leaves_no_worker_and_no_folder(tmp_path):
    db = _many_tags(tmp_path, articles=4, sentences=1_000)
    temp = tmp_path / "tmp"
    temp.mkdir()
    script = KILLED_EXPORT.format(root=str(ROOT), db=str(db))
    # Nobody reads its standard output: it blocks in the copy-out with its
    # workers alive, as an export into a slow pipe does.
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            env={**os.environ, "TMPDIR": str(temp)})
    try:
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) < 2 or not list(temp.glob(f"tui-export-{proc.pid}-*")):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.kill()
    deadline = time.monotonic() + 30
    try:
        while any(_alive(w) for w in workers):
            assert time.monotonic() < deadline, f"workers {workers} outlived their parent"
            time.sleep(0.05)
    finally:
        for worker in workers:  # a failed run must not leave them behind
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)
    # The killed run could not remove its folder; the next export does.
    assert [p.name.startswith(f"tui-export-{proc.pid}-") for p in temp.iterdir()] == [True]
    assert remove_stale_export_folders(str(temp)) and list(temp.iterdir()) == []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has died; only its parent's wait is missing
