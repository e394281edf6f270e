"""The library at scale (issue 12, Scale): helper processes, cached rows before the
store opens, keys typed while loading, and this coder's counts only."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tests.test_library_queue import make_folder, scan_all, titles
from tests.test_ui_library import wait_loaded
from tui.store import AnnotationStore
from tui.store.library import FolderScan
from tui.store.library_peek import peek, start_early, take_early
from tui.text import load_article
from tui.ui.app import AnnotateApp
from tui.ui.library_table import LibraryTable
from tui.ui.screens.library import LibraryScreen
from tui.ui.screens.reader import ReaderScreen
from tui.ui.screens.summary import SummaryScreen

SIZE = (80, 24)
WORDS = ("harbour", "council", "budget", "river", "school", "orchestra", "bridge", "market",
         "festival", "library", "station", "garden")


def many_files(folder: Path, count: int = 80) -> Path:
    """``count`` small distinct articles, one unreadable (binary) and one empty."""
    folder.mkdir(parents=True)
    for number in range(count):
        word = WORDS[number % len(WORDS)]
        sentences = " ".join(f"The {word} report {number} noted item {i}." for i in
                             range(1 + number % 4))
        (folder / f"n{number:03d}.txt").write_text(
            f"{1 + number % 28} May 2021\nThe {word} story number {number}\nTest Wire\n\n"
            f"{sentences}\n\nA second paragraph for story {number}. It ends here.\n")
    (folder / "n900-binary.txt").write_bytes(b"\x00\x01\x02 not text \xff\xfe")
    (folder / "n901-empty.txt").write_text("")
    return folder


def rows_of(scan: FolderScan) -> list[tuple]:
    return [(Path(r.path).name, r.title, r.sentences, r.state, r.error) for r in scan.rows]


def cache_of(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return [(Path(p).name, *rest) for p, *rest in conn.execute(
            "SELECT path, size, file_hash, title, outlet, date, sentences, error "
            "FROM library_files ORDER BY path")]
    finally:
        conn.close()


def scan_in_steps(store, folder: Path, seconds: float, use_pool: bool = True,
                  after_begin=None) -> FolderScan:
    scan = FolderScan(folder, use_pool=use_pool)
    scan.begin(store)
    if after_begin is not None:
        after_begin(scan)
    for _ in range(100_000):
        if scan.finished:
            break
        scan.step(store, seconds)
    scan.finish(store)
    return scan


def test_helpers_read_what_the_app_would(tmp_path):
    folder = many_files(tmp_path / "lib")
    alone = AnnotationStore(tmp_path / "alone.db")
    by_self = scan_in_steps(alone, folder, 0.15, use_pool=False)
    helped = AnnotationStore(tmp_path / "helped.db")
    # Short steps: the first reads a file or two here, the helpers read the rest.
    by_helpers = scan_in_steps(helped, folder, 0.002)
    assert by_self.helped == 0 and by_self.parsed == 82
    assert by_helpers.helped > 0 and by_helpers.parsed == 82
    assert rows_of(by_helpers) == rows_of(by_self)
    assert rows_of(by_self)[:2] == [("n000.txt", "The harbour story number 0", 3, "new", ""),
                                    ("n001.txt", "The council story number 1", 4, "new", "")]
    assert rows_of(by_self)[-2][:4] == ("n900-binary.txt", "n900-binary.txt", None, "unreadable")
    assert rows_of(by_self)[-1][:4] == ("n901-empty.txt", "n901-empty.txt", None, "unreadable")
    assert cache_of(tmp_path / "helped.db") == cache_of(tmp_path / "alone.db")
    assert len(cache_of(tmp_path / "helped.db")) == 82
    # Helpers are gone once the scan is done.
    assert by_helpers._pool is None
    alone.close()
    helped.close()


def _pids(scan: FolderScan) -> list[int]:
    return [child.process.pid for child in scan._pool.children]


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # killed, not yet reaped (or reaped now)


def test_a_helper_that_dies_loses_no_file(tmp_path):
    folder = many_files(tmp_path / "lib")
    store = AnnotationStore(tmp_path / "a.db")
    killed = []

    def kill_one(scan: FolderScan) -> None:
        child = scan._pool.children[0].process
        child.kill()
        killed.append(child.pid)

    scan = scan_in_steps(store, folder, 0.002, after_begin=kill_one)
    assert len(scan.rows) == 82
    assert [name for name, *_ in rows_of(scan)] == [f"n{n:03d}.txt" for n in range(80)] + [
        "n900-binary.txt", "n901-empty.txt"]
    assert sum(1 for row in scan.rows if row.state == "new") == 80
    assert _gone(killed[0])

    def kill_all(scan: FolderScan) -> None:
        for child in scan._pool.children:
            child.process.kill()

    again = AnnotationStore(tmp_path / "b.db")
    scan = scan_in_steps(again, folder, 0.002, after_begin=kill_all)
    assert len(scan.rows) == 82 and scan.helped == 0
    assert cache_of(tmp_path / "b.db") == cache_of(tmp_path / "a.db")
    store.close()
    again.close()


def test_close_mid_scan_ends_the_helpers(tmp_path):
    folder = many_files(tmp_path / "lib")
    store = AnnotationStore(tmp_path / "a.db")
    scan = FolderScan(folder)
    scan.begin(store)
    pids = _pids(scan)
    assert len(pids) == 2
    scan.step(store, 0.002)
    scan.close()  # the app quits (from the UI thread)
    assert scan.finished
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert all(_gone(pid) for pid in pids)
    assert scan.step(store, 0.002) == []  # a step after closing does nothing
    store.close()


async def test_quitting_the_app_mid_scan_ends_the_helpers(tmp_path):
    # Enough files that the first launch's first reads leave many to the helpers.
    folder = many_files(tmp_path / "lib", 1500)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    pids: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(500):  # until the scan has started its helpers
            await pilot.pause(0.01)
            scan = getattr(app.screen, "_scan", None)
            if scan is not None and scan._pool is not None:
                pids = _pids(scan)
                break
            if scan is not None and scan.finished:
                break
        app.store_calls.lock.acquire()  # no step may finish the scan before the quit
        try:
            assert len(pids) == 2
            await app.action_quit()
            await pilot.pause(0.1)
        finally:
            app.store_calls.lock.release()
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert all(_gone(pid) for pid in pids)


def test_early_rows_are_this_coders_and_taken_once(tmp_path, monkeypatch):
    folder = make_folder(tmp_path)
    db = tmp_path / "a.db"
    article = load_article(folder / "wikinews-gum-news-clock.txt")
    for coder, labels in (("ann", ["claim"]), ("bob", ["quote", "quote", "background"])):
        store = AnnotationStore(db, annotator=coder)
        doc = store.open_article(article)
        for number, label in enumerate(labels):
            store.tag(doc, 1, doc.article.paragraphs[number].sentences[0], label)
        store.close()
    store = AnnotationStore(db, annotator="ann")
    scan_all(store, folder)
    store.close()

    def clock(rows) -> tuple:
        row = next(r for r in rows if r.path.endswith("clock.txt"))
        return row.sentences, row.state, row.tagged

    rows, _view = peek(db, folder, "ann")
    assert clock(rows) == (30, "ok", {"claim": 1, "quote": 0, "background": 0})
    rows, _view = peek(db, folder, "bob")
    assert clock(rows) == (30, "ok", {"claim": 0, "quote": 2, "background": 1})
    monkeypatch.setenv("TUI_ANNOTATOR", "bob")  # no name: the coder the store would use
    rows, _view = peek(db, folder)
    assert clock(rows) == (30, "ok", {"claim": 0, "quote": 2, "background": 1})
    # Started early (as `tui read` does), taken once, by that database and folder only.
    start_early(db, folder, "ann")
    assert take_early(tmp_path / "other.db", folder) is None
    rows, _view = take_early(db, folder)
    assert clock(rows) == (30, "ok", {"claim": 1, "quote": 0, "background": 0})
    assert take_early(db, folder) is None


async def test_cached_rows_show_before_the_store_opens(tmp_path):
    folder = make_folder(tmp_path)
    db = tmp_path / "a.db"
    store = AnnotationStore(db)
    scan_all(store, folder)
    store.close()
    start_early(db, folder)
    app = AnnotateApp(db_path=db, folder=folder)
    app.store_calls.lock.acquire()  # the store cannot open, nor any file be checked
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.pause()
            assert app.store is None
            assert [t[:12] for t in titles(app)] == [
                "After visa s", "Over 900 asy", "Texas studen", "[b]Bold[/b] "]
            status = str(app.screen.query_one("#library-status").render())
            assert "untouched 4 " in status
            await pilot.press("down", "down")  # kept until the footer is up, then applied
            table = app.screen.query_one(LibraryTable)
            for _ in range(100):
                if table.cursor_row == 2:
                    break
                await pilot.pause(0.02)
            assert table.cursor_row == 2
        finally:
            app.store_calls.lock.release()
        await wait_loaded(pilot)
        assert app.screen.parsed == 0


async def test_keys_typed_while_loading_are_kept_and_applied_in_order(tmp_path):
    folder = make_folder(tmp_path)
    app = AnnotateApp(db_path=tmp_path / "a.db", folder=folder)
    app.store_calls.lock.acquire()  # no file can be read yet: "Loading articles…"
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.press("j", "j", "enter")
            await pilot.pause(0.2)
            assert isinstance(app.screen, LibraryScreen)
            assert app.screen.rows == []
        finally:
            app.store_calls.lock.release()
        await wait_loaded(pilot)
        assert isinstance(app.screen, ReaderScreen)  # j j Enter: the third article
        assert app.screen.article.path.endswith("clock.txt")


@pytest.mark.parametrize("opened", [False, True], ids=["db-path", "open-store"])
async def test_filter_and_sort_typed_while_loading_are_kept(tmp_path, opened, monkeypatch):
    folder = make_folder(tmp_path)
    db = tmp_path / "a.db"
    app = AnnotateApp(db_path=db, folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("s")  # title: remembered for the next launch
        await wait_loaded(pilot)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM library_files")  # nothing cached shows early; the view stays
    conn.close()
    # With an open store nothing is read early: the remembered view comes with the scan,
    # after the first rows.
    app = (AnnotateApp(AnnotationStore(db), folder=folder) if opened
           else AnnotateApp(db_path=db, folder=folder))
    # The remembered view comes late (the first rows come before it, read
    # before the store is asked): the kept keys must wait for it.
    from tui.store import library

    view_read = threading.Event()
    load_view = library.load_view
    monkeypatch.setattr(library, "load_view",
                        lambda *args: view_read.wait(10) and load_view(*args))
    app.store_calls.lock.acquire()
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.press("s", "slash", *"texas", "backspace", "s", "enter", "down")
            await pilot.pause(0.2)
            assert app.screen.rows == [] and app.screen.text_filter == ""
        finally:
            app.store_calls.lock.release()
        for _ in range(100):  # the first rows show; the view is still being read
            await pilot.pause(0.01)
            if app.screen.rows:
                break
        await pilot.pause(0.2)
        if opened:  # (with a database path, the early read brought the view)
            assert app.screen.text_filter == ""
        view_read.set()
        await wait_loaded(pilot)
        screen = app.screen
        # The remembered sort (title) first, then the typed `s`: date.
        assert (screen.sort, screen.text_filter) == ("date", "texas")
        assert [t[:12] for t in titles(app)] == ["Texas studen"]
        assert isinstance(screen.focused, LibraryTable)  # Enter closed the filter box


async def test_summaries_count_this_coders_notes(tmp_path):
    folder = make_folder(tmp_path)
    db = tmp_path / "a.db"
    article = load_article(folder / "wikinews-gum-news-asylum.txt")
    for coder, notes in (("bob", ["bob's", "also bob's"]), ("ann", ["ann's"])):
        store = AnnotationStore(db, annotator=coder)
        doc = store.open_article(article)
        for number, note in enumerate(notes):
            sentence = doc.article.paragraphs[number].sentences[0]
            store.tag(doc, number + 1, sentence, "claim")
            store.set_note(doc, sentence, note)
        store.close()
    app = AnnotateApp(AnnotationStore(db, annotator="ann"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("down", "i")  # the asylum article
        await wait_loaded(pilot)
        assert isinstance(app.screen, SummaryScreen)
        text = str(app.screen.query_one("#summary-text").render())
        assert "Notes: 1" in text
        assert "  tagged  ██▎···························      1 / 13       7.7%" in text
        await pilot.press("escape", "I")
        await wait_loaded(pilot)
        text = str(app.screen.query_one("#summary-text").render())
        assert "Notes: 1" in text


async def test_the_overall_line_of_cached_rows_is_composed_not_updated_before_the_first_layout(
        tmp_path, monkeypatch):
    # A Static updated (layout=False) in on_mount, before the first layout,
    # was blank in the first frame: the line came one frame (~15 ms) late.
    folder = make_folder(tmp_path)
    db = tmp_path / "a.db"
    store = AnnotationStore(db)
    scan_all(store, folder)
    store.close()
    start_early(db, folder)
    composed: list[str] = []
    original = LibraryScreen.on_mount

    def on_mount(screen):
        composed.append(str(screen.query_one("#library-status").render()))
        original(screen)

    monkeypatch.setattr(LibraryScreen, "on_mount", on_mount)
    app = AnnotateApp(db_path=db, folder=folder)
    app.store_calls.lock.acquire()  # the scan waits: the line is the cached rows'
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.pause()
            assert composed == ["scanning… │ done 0 · in progress 0 · untouched 4 │ "
                                "tagged 0: C 0 Q 0 B 0 │ 4 found"]
        finally:
            app.store_calls.lock.release()
        await wait_loaded(pilot)
