"""The library as a work queue: cache, keys, done mark, remembered view, summary (issue 12)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.test_ui_library import wait_loaded
from tui.store import AnnotationStore
from tui.store.library import FolderScan
from tui.text import load_article
from tui.ui.app import AnnotateApp
from tui.ui.library_table import LibraryTable, fit, progress_cell
from tui.ui.screens.library import LibraryScreen
from tui.ui.screens.reader import ReaderScreen
from tui.ui.screens.summary import SummaryScreen, bar

SIZE = (80, 24)
FIXTURES = Path(__file__).parent / "fixtures" / "news"


def make_folder(tmp_path: Path) -> Path:
    """Three real Wikinews articles (tests/fixtures/news, CC BY 2.5) and a hostile title."""
    folder = tmp_path / "lib"
    folder.mkdir()
    for path in sorted(FIXTURES.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    (folder / "zz-hostile.txt").write_text(
        "1 May 2020\n[b]Bold[/b] \x1b[31mred\u202e Title That Is Much Too Long For Eighty Columns\n"
        "Evil Outlet\n\nOne sentence here. Another one there.\n")
    return folder


def scan_all(store, folder: Path) -> FolderScan:
    scan = FolderScan(folder)
    scan.begin(store)
    while not scan.finished:
        scan.step(store)
    scan.finish(store)
    return scan


def test_second_scan_parses_only_the_changed_file(tmp_path):
    folder = make_folder(tmp_path)
    store = AnnotationStore(tmp_path / "a.db")
    assert scan_all(store, folder).parsed == 4
    assert scan_all(store, folder).parsed == 0
    target = folder / "wikinews-gum-news-clock.txt"
    target.write_text(target.read_text() + "\nA new closing paragraph. It adds two sentences.\n")
    scan = scan_all(store, folder)
    assert scan.parsed == 1
    row = next(r for r in scan.rows if r.path.endswith("clock.txt"))
    assert row.sentences == 32  # 30 before, two added
    # Same size, new modification time: read again too.
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert scan_all(store, folder).parsed == 1
    store.close()
    # And across processes/launches: a fresh connection reads the cache.
    again = AnnotationStore(tmp_path / "a.db")
    assert scan_all(again, folder).parsed == 0


def test_columns_fit_eighty_and_cut_the_title():
    assert fit("A headline", 5) == "A he…"
    assert fit("Short", 8) == "Short   "
    assert progress_cell(3, 12) == "     3/12 █▎   "
    assert progress_cell(0, None) == "      0/? " + " " * 5
    assert bar(1, 2, 4) == "██··"
    table = LibraryTable()
    names = [name for name, _w in table.columns(80)]
    assert names == ["✓", "Title", "Progress", "State", "Last opened"]
    assert sum(w for _n, w in table.columns(80)) + 4 == 80
    assert [name for name, _w in table.columns(120)] == [
        "✓", "Title", "Date", "Outlet", "Progress", "State", "Last opened"]


def titles(app) -> list[str]:
    table = app.screen.query_one(LibraryTable)
    return [table.get_row_at(i)[0] for i in range(table.row_count)]


async def test_sort_filter_and_state_filter_keys(tmp_path):
    folder = make_folder(tmp_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, LibraryScreen)
        by_path = titles(app)
        assert by_path[0].startswith("After visa snags")
        assert by_path[3].startswith("[b]Bold[/b] ␛[31mred")  # printable, not markup
        await pilot.press("s")  # title
        assert app.screen.sort == "title"
        assert titles(app) == sorted(by_path, key=str.casefold)
        await pilot.press("S")  # reversed
        assert titles(app) == sorted(by_path, key=str.casefold, reverse=True)
        await pilot.press("S", "s")  # date, ascending
        assert app.screen.sort == "date"
        assert [t[:12] for t in titles(app)] == [
            "Over 900 asy", "Texas studen", "After visa s", "[b]Bold[/b] "]
        await pilot.press("slash", *"asylum")
        assert [t[:12] for t in titles(app)] == ["Over 900 asy"]
        await pilot.press("enter")  # keeps the filter, back to the list
        assert isinstance(app.screen.focused, LibraryTable)
        await pilot.press("escape")  # clears it
        assert len(titles(app)) == 4
        await pilot.press("slash", *"evil", "enter")  # the outlet matches too
        assert len(titles(app)) == 1
        await pilot.press("escape")
        await pilot.press("f")  # untouched
        assert app.screen.show == "untouched"
        assert len(titles(app)) == 4
        await pilot.press("f")  # in progress: nothing tagged yet
        assert titles(app) == []
        await pilot.press("f", "f")
        assert app.screen.show == "all"


async def test_done_from_the_library_and_the_reader_and_next_article(tmp_path):
    folder = make_folder(tmp_path)
    store = AnnotationStore(tmp_path / "a.db")
    app = AnnotateApp(store, folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("d")  # first row, never opened: recorded, then marked
        await wait_loaded(pilot)
        assert app.screen.query_one(LibraryTable).get_row_at(0)[-1] == "done"
        done = store.db.execute("SELECT path FROM articles WHERE done_at IS NOT NULL").fetchall()
        assert [Path(p).name for (p,) in done] == ["wikinews-gum-news-afghan.txt"]
        await pilot.press("f", "f", "f")  # done only
        assert len(titles(app)) == 1
        await pilot.press("f")  # all again
        await pilot.press("down", "enter")  # the second article, in the reader
        await wait_loaded(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.path.endswith("asylum.txt")
        await pilot.press("c", "D")  # tag a sentence, mark done
        await wait_loaded(pilot)
        done = store.db.execute("SELECT path FROM articles WHERE done_at IS NOT NULL "
                                "ORDER BY path").fetchall()
        assert [Path(p).name for (p,) in done] == ["wikinews-gum-news-afghan.txt",
                                                   "wikinews-gum-news-asylum.txt"]
        await pilot.press("greater_than_sign")  # next in the library's order
        await wait_loaded(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.path.endswith("clock.txt")
        await pilot.press("D", "D")  # done, then not done again
        await wait_loaded(pilot)
        assert store.db.execute("SELECT count(*) FROM articles WHERE done_at IS NOT NULL "
                                "AND path LIKE '%clock.txt'").fetchone() == (0,)
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert app.screen.query_one(LibraryTable).cursor_row == 2  # the article last opened
        status = str(app.screen.query_one("#library-status").render())
        assert "done 2 · in progress 0 · untouched 2" in status
        assert "tagged 1: C 1 Q 0 B 0 │ 4 articles" in status


async def test_sort_filter_and_selection_are_remembered(tmp_path):
    folder = make_folder(tmp_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("s", "S", "home", "down", "down")  # the cursor follows its article: home first
        await pilot.pause(0.7)  # the selection is saved a moment after the cursor stops
        await wait_loaded(pilot)
        chosen = titles(app)[2]
    again = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    async with again.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = again.screen
        assert (screen.sort, screen.descending) == ("title", True)
        table = screen.query_one(LibraryTable)
        assert table.cursor_row == 2
        assert table.get_row_at(2)[0] == chosen


async def test_summary_screens(tmp_path):
    folder = make_folder(tmp_path)
    store = AnnotationStore(tmp_path / "a.db")
    app = AnnotateApp(store, folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("down", "enter")
        await wait_loaded(pilot)
        await pilot.press("c", "l", "q", "a")
        await pilot.press(*"checked", "enter")
        await wait_loaded(pilot)
        await pilot.press("escape")
        await wait_loaded(pilot)
        await pilot.press("i")
        await wait_loaded(pilot)
        assert isinstance(app.screen, SummaryScreen)
        text = str(app.screen.query_one("#summary-text").render())
        assert "  tagged  ████▋·························      2 / 13      15.4%" in text
        assert "  claim       ██▎···························      1 / 13       7.7%" in text
        assert "Notes: 1" in text
        await pilot.press("escape", "I")
        await wait_loaded(pilot)
        text = str(app.screen.query_one("#summary-text").render())
        assert "untouched    ██████████████████████▌·······      3 / 4       75.0%" in text
        assert "  claim       ██▎···························      1 / 13       7.7%" not in text
        assert "  claim       ███████████████···············      1 / 2       50.0%" in text


async def test_read_only_database_lists_everything_and_d_says_why(tmp_path):
    from tests.helpers_mounts import remount_read_only, tmpfs

    folder = make_folder(tmp_path)
    with tmpfs(tmp_path / "ro") as mount:
        store = AnnotationStore(mount / "a.db")
        doc = store.open_article(load_article(folder / "wikinews-gum-news-clock.txt"))
        store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
        store.close()
        remount_read_only(mount)
        store = AnnotationStore(mount / "a.db")
        assert store.read_only
        app = AnnotateApp(store, folder=folder)
        async with app.run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            table = app.screen.query_one(LibraryTable)
            assert [table.get_row_at(i)[3] for i in range(table.row_count)] == [
                "0/35", "0/13", "1/30", "0/2"]
            await pilot.press("d")
            await wait_loaded(pilot)
            assert table.get_row_at(0)[-1] == ""
            assert any(n.message.startswith("Not marked:") and n.severity == "error"
                       for n in app._notifications)
            await pilot.press("s")  # the view is not remembered, and nothing breaks
            await wait_loaded(pilot)
            assert app.screen.sort == "title"
        store.close()


async def test_r_rescans_and_reads_only_the_changed_file(tmp_path):
    folder = make_folder(tmp_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.screen.parsed == 4
        target = folder / "wikinews-gum-news-asylum.txt"
        target.write_text(target.read_text() + "\nOne more. And another.\n")
        await pilot.press("r")
        await wait_loaded(pilot)
        assert app.screen.parsed == 1
        table = app.screen.query_one(LibraryTable)
        assert [table.get_row_at(i)[3] for i in range(table.row_count)] == [
            "0/35", "0/15", "0/30", "0/2"]


async def test_cached_rows_are_read_before_the_store_opens(tmp_path):
    from tui.store.library_peek import peek

    folder = make_folder(tmp_path)
    assert peek(tmp_path / "a.db", folder) == ([], None)  # no database yet
    store = AnnotationStore(tmp_path / "a.db")
    doc = store.open_article(load_article(folder / "wikinews-gum-news-clock.txt"))
    store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "quote")
    scan = scan_all(store, folder)
    store.close()
    rows, view = peek(tmp_path / "a.db", folder)
    assert view is None
    assert [(r.title[:12], r.sentences, r.state, sum(r.tagged.values()), r.article_id is None)
            for r in rows] == [(r.title[:12], r.sentences, r.state, sum(r.tagged.values()),
                                r.article_id is None) for r in scan.rows]
    assert [(r.sentences, r.state, r.tagged.get("quote")) for r in rows] == [
        (35, "new", 0), (13, "new", 0), (30, "ok", 1), (2, "new", 0)]
    # The app opened on the database path (not an open store) shows the same list.
    app = AnnotateApp(db_path=tmp_path / "a.db", folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert [t[:12] for t in titles(app)] == [
            "After visa s", "Over 900 asy", "Texas studen", "[b]Bold[/b] "]
        assert app.screen.parsed == 0


def test_walk_finds_what_rglob_finds_and_resolves_cheaply(tmp_path, monkeypatch):
    from tui.store.library_parse import walk_articles

    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("A\n\nOne.\n")
    folder = tmp_path / "lib"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    (folder / "dir.txt").mkdir()  # a folder named like an article: not a file
    (folder / "b.txt").write_text("B\n\nTwo.\n")
    (folder / "a-b.txt").write_text("AB\n\nThree.\n")  # '-' sorts before '/' as text, not as a path
    (folder / "a").mkdir()
    (folder / "a" / "b.txt").write_text("A/B\n\nFour.\n")
    (folder / "sub" / "d.txt").write_text("D\n\nFive.\n")
    (folder / ".hidden" / ".e.txt").write_text("E\n\nSix.\n")
    (folder / "UPPER.TXT").write_text("not matched\n")
    (folder / "linked").symlink_to(tmp_path / "real")  # not entered by the walk
    (folder / "c.txt").symlink_to(tmp_path / "real" / "a.txt")
    (folder / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "alias").symlink_to(folder)
    monkeypatch.chdir(tmp_path)
    for given, shown in ((folder, str(folder)), (Path("lib"), "lib"), (Path("alias"), "alias"),
                         (Path("lib/../lib"), "lib/../lib")):
        walked = walk_articles(given)
        assert [path for path, _r, _s in walked] == [
            f"{shown}/.hidden/.e.txt", f"{shown}/a/b.txt", f"{shown}/a-b.txt", f"{shown}/b.txt",
            f"{shown}/c.txt", f"{shown}/sub/d.txt"]
        assert [resolved for _p, resolved, _s in walked] == [
            f"{folder}/.hidden/.e.txt", f"{folder}/a/b.txt", f"{folder}/a-b.txt",
            f"{folder}/b.txt", str(tmp_path / "real" / "a.txt"), f"{folder}/sub/d.txt"]
        assert [stat.st_size for _p, _r, stat in walked] == [8, 11, 11, 8, 8, 9]
    monkeypatch.chdir(folder)
    assert [path for path, _r, _s in walk_articles(Path("."))][:2] == [".hidden/.e.txt", "a/b.txt"]


def test_equal_keys_are_ordered_by_path_both_ways():
    """Rows the sort's key ties are ordered by path (descending: by path
    descending too), whatever order they arrived in; sorted in two stable
    passes since, so the tie-break is checked here on its own."""
    from types import SimpleNamespace

    from tui.store.status_row import StatusRow

    def row(title, path, date="2020-01-01"):
        return StatusRow(title, "Outlet", date, path, 10, {"claim": 0})

    rows = [row("b", "/l/3.txt"), row("A", "/l/9.txt"), row("a", "/l/2.txt"),
            row("B", "/l/1.txt"), row("c", "/l/5.txt", date="Spring"), row("a", "/l/4.txt")]
    screen = SimpleNamespace(rows=rows, text_filter="", show="all", sort="title", descending=False)
    screen._sort_key = lambda: LibraryScreen._sort_key(screen)

    def order():
        return [r.path for r in LibraryScreen._filtered(screen)]

    assert order() == ["/l/2.txt", "/l/4.txt", "/l/9.txt", "/l/1.txt", "/l/3.txt", "/l/5.txt"]
    screen.descending = True
    assert order() == ["/l/5.txt", "/l/3.txt", "/l/1.txt", "/l/9.txt", "/l/4.txt", "/l/2.txt"]
    screen.sort, screen.descending = "date", False
    assert order() == ["/l/1.txt", "/l/2.txt", "/l/3.txt", "/l/4.txt", "/l/9.txt", "/l/5.txt"]
