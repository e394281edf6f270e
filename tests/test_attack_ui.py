"""Attacks on the interactive library and reader (hostile files and names)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tui.store import AnnotationStore
from tui.ui.app import AnnotateApp
from tui.ui.library_table import LibraryTable
from tui.ui.screens.library import LibraryScreen

from .test_e2e_tmux import tmux_env  # noqa: F401  (a fixture)
from .test_ui_library import SIZE, wait_loaded


async def test_a_non_utf8_file_name_does_not_stop_the_library_scan(tmp_path, seed_path):
    """A file whose name is not UTF-8 could not be cached in SQLite: the whole
    scan failed ("Library: 'utf-8' codec can't encode ...") and the other
    files of the folder were never listed."""
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    (folder / "plain.txt").write_text("22 July 2017\nPlain headline\nWikinews\n\nOne. Two.\n")
    bad = os.fsencode(folder) + b"/name\xff.txt"
    with open(bad, "wb") as handle:
        handle.write(b"22 July 2017\nH\nW\n\nOne.\n")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one(LibraryTable)
        titles = sorted(str(table.get_row_at(i)[0]) for i in range(table.row_count))
        assert titles == ["Plain headline",
                          "Russia Unfazed By Suspension of Antimissile Talks with U.S.",
                          "name\udcff.txt"]  # drawn as name\\udcff.txt
        assert [n.message for n in app._notifications] == []


async def test_library_progress_counts_only_the_current_coders_tags(tmp_path, seed_path):
    """Blind by default (issue 13): with two coders on one sentence each, the
    library showed 2/13 (every coder's tags) where `tui status` says 1/13."""
    from tui.text.article import load_article

    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    (folder / "plain.txt").write_text("22 July 2017\nPlain headline\nWikinews\n\nOne. Two.\n")
    article = load_article(folder / "seed.txt")
    for coder, paragraph in (("ana", 1), ("ben", 2)):
        store = AnnotationStore(tmp_path / "a.db", annotator=coder)
        doc = store.open_article(article)
        store.tag(doc, paragraph, doc.article.paragraphs[paragraph - 1].sentences[0], "claim")
        store.close()
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="ana"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(LibraryTable)
        progress = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[3])
                    for i in range(table.row_count)}
        assert progress["Russia Unfazed By Suspension of Antimissile Talks with U.S."] == "1/13"
        await pilot.press("r")  # a rescan refreshes the counts the same way
        await wait_loaded(pilot)
        table = app.screen.query_one(LibraryTable)
        progress = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[3])
                    for i in range(table.row_count)}
        assert progress["Russia Unfazed By Suspension of Antimissile Talks with U.S."] == "1/13"


async def test_Y_right_after_q_copies_the_quote_just_tagged(tmp_path, seed_path, monkeypatch):
    """`q` then `Y` typed quickly (the tag still waiting for the database):
    Y read the screen's labels before the quote was committed and said "No
    sentence is tagged as a quote yet"; keys act in the order typed."""
    import sqlite3

    import pyperclip

    from tui.text import load_article

    from .test_ui_reader import messages, settle

    def no_clipboard(text):
        raise pyperclip.PyperclipException("headless")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    monkeypatch.chdir(tmp_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(seed_path), exports=tmp_path / "exports")
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Another program holds the write lock: the quote waits for it.
        other = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("q", "Y")
        finally:
            other.execute("ROLLBACK")
            other.close()
        await settle(pilot)
        assert "No sentence is tagged as a quote yet (q)." not in messages(app)
        assert len(copied) == 1
        assert copied[0].splitlines()[0].startswith("“Russia")


async def test_a_right_after_c_opens_the_note_box_at_once(tmp_path, seed_path, monkeypatch):
    """`c a h i Enter` typed while the claim waits for another program's lock:
    the note box opened only once the tag was read back, so `h i` moved the
    cursor in the reader and the note was lost. Now the box opens at once and
    the note lands on the claim."""
    import sqlite3

    from tui.text import load_article
    from tui.ui.screens.reader import ReaderScreen

    from .test_ui_reader import labels_in_db, settle

    monkeypatch.chdir(tmp_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("j", "c", "a", "h", "i", "enter")
        finally:
            other.execute("ROLLBACK")
            other.close()
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert labels_in_db(app) == [(2, 1, "claim")]
        assert [tuple(r) for r in app.store.db.execute("SELECT note FROM annotations")] == [
            ("hi",)]


async def test_selecting_a_non_utf8_file_name_saves_the_view_quietly(tmp_path, seed_path):
    """Selecting the row of a non-UTF-8 file name said "View not remembered:
    'utf-8' codec can't encode character '\\udcff' ..." (the selection could
    not be stored); now the view is remembered without that selection."""
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    with open(os.fsencode(folder) + b"/zz\xff.txt", "wb") as handle:
        handle.write(b"22 July 2017\nH\nW\n\nOne.\n")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("G")
        await pilot.pause(1.0)  # the view is saved a moment after the cursor stops
        await wait_loaded(pilot)
        assert [n.message for n in app._notifications] == []
        assert [tuple(r) for r in app.store.db.execute(
            "SELECT sort, show, selected FROM library_views")] == [("path", "all", "")]


async def test_a_non_utf8_folder_lists_its_files_as_unreadable(tmp_path, seed_path):
    """`tui DIR` where DIR's name is not UTF-8: the library stayed empty ("0
    articles", no word why) because reading the remembered view failed; now
    each file is listed, unreadable, and Enter says why."""
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/dir\xff"))
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one(LibraryTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["seed.txt"]
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert [n.message for n in app._notifications][-1].endswith(
            "dir\\udcff/seed.txt: the file name is not valid UTF-8; rename the file to read it")


def test_c_then_ctrl_q_typed_together_keeps_the_tag(tmp_path, seed_path, tmux_env):
    """`c` and ctrl+q arriving in one read of the terminal: ctrl+q (a priority
    key, acted on at arrival) quit before `c` reached the reader, and the tag
    was lost. Now quitting lets the keys before it act, then waits for the save."""
    from .test_e2e_tmux import export_rows

    db = tmp_path / "fresh.db"
    app = tmux_env(str(seed_path), "--db", str(db))
    app.wait_for("0/13 tagged")
    app._tmux("send-keys", "c", "C-q")  # one write to the pane: both keys in one read
    app.wait_for("TUI-EXITED-0")
    assert [(r["label"], r["paragraph"], r["sentence"]) for r in export_rows(db)] == [
        ("claim", "1", "1")]
