"""Attacks on the reader (helper attack6): emoji and graphemes on the
terminal, keys at the wrong moment, a database held by another program."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from rich.cells import cell_len

from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp
from tui.ui.article_view import GUTTER, ArticleView
from tui.ui.wrap import cell_widths, wrap

from .test_e2e_tmux import export_rows, tmux_env  # noqa: F401  (a fixture)
from .test_ui_faults import SlowOpener
from .test_ui_reader import labels_in_db, messages, settle
from .test_ui_review import edited_story


@contextlib.contextmanager
def write_lock_held(db: Path) -> Iterator[None]:
    """Another program holds the database's write lock meanwhile: the app's
    writes wait (on the busy timeout) until the block ends."""
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def _article(tmp_path: Path, body: str) -> AnnotateApp:
    path = tmp_path / "emoji.txt"
    path.write_text(f"22 July 2017\nHeadline\nWire\n\n{body}\n", encoding="utf-8")
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    return AnnotateApp(store, article=load_article(path), exports=tmp_path / "exports")


def test_emoji_outside_the_old_table_take_two_cells_when_wrapping():
    """✅ (U+2705) was missing from wrap's table of wide characters: counted
    as one cell, so ten cells held "a✅a✅a✅a✅a" (14 cells) and the screen
    cut the end of every line off."""
    text = "a✅" * 10
    assert wrap(text, 10) == [0, 7, 13, 19]
    assert cell_widths("a✅") == [1, 2]


def test_the_wide_character_gate_agrees_with_rich_and_has_one_range_past_the_bmp():
    """wrap's gate (is any character of this text not one cell wide?) sends
    every character rich measures otherwise, and every character past
    U+FFFF, the measured way. Past U+FFFF it is ONE range: rich's ~200
    ranges there made re match the class range by range, every character
    of every non-ASCII paragraph (Moby-Dick's first frame 0.27 -> 0.56 s)."""
    from rich.cells import get_character_cell_size

    from tui.ui.wrap import _not_one_cell

    gate = _not_one_cell()
    missed = [hex(code) for code in range(0x10000)
              if get_character_cell_size(chr(code)) != 1 and not gate.match(chr(code))]
    assert missed == []
    assert all(gate.match(char) for char in "\U00010000\U0001f600\U00020000\U0010ffff")
    assert not any(gate.match(char) for char in "aé—’“”€ﬁ")
    assert [hex(ord(char)) for char in gate.pattern if ord(char) > 0xFFFF] == [
        "0x10000", "0x10ffff"]


def test_vs16_and_zwj_sequences_are_measured_as_rich_draws_them():
    """⚠️ is U+26A0 (one cell) + VS16, which makes it two; a ZWJ family is
    two cells, not six. Each line fits its width as rich measures it."""
    assert cell_widths("⚠️") == [2, 0]
    assert cell_widths("👨\u200d👩\u200d👧") == [2, 0, 0, 0, 0]
    assert wrap("Look ⚠️ here ⚠️ now", 8) == [0, 8, 16]
    assert wrap("fam 👨\u200d👩\u200d👧 ok", 6) == [0, 10]
    for text in ("a⚠️" * 30, "x❤️y" * 20, "⚠️ ✅ ❤️ 👨\u200d👩\u200d👧 ok " * 9, "e\u0301✅" * 25):
        for width in range(2, 31):
            starts = wrap(text, width)
            for a, b in zip(starts, [*starts[1:], len(text)]):
                assert cell_len(text[a:b].rstrip(" ")) <= width, (text, width, a, b)


async def test_a_line_of_emoji_is_drawn_whole(tmp_path):
    """The reader drew "a✅a✅…" lines 34 of 50 characters long: a third of
    the text was never on screen."""
    body = "Start " + "a✅" * 60 + " end."
    app = _article(tmp_path, body)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        lines = [view.render_line(y).text[GUTTER:].rstrip() for y in range(view.size.height)]
        drawn = "".join(lines).replace(" ", "")
        assert drawn == body.replace(" ", "")


async def test_a_click_on_an_emoji_lands_on_its_sentence(tmp_path):
    """Clicking the eighth ✅ of the first sentence (cell 18 of the text) put
    the cursor on the second sentence: the click counted one cell per emoji
    and read character 18, which is in "Then"."""
    app = _article(tmp_path, "Yes " + "✅" * 10 + ". Then more text follows here.")
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert [(s.start, s.end) for s in view.article.paragraphs[0].sentences] == [
            (0, 15), (16, 44)]
        await pilot.press("l")
        await settle(pilot)
        assert (view.paragraph, view.sentence) == (1, 2)
        await pilot.click(ArticleView, offset=(GUTTER + 18, 0))
        await settle(pilot)
        assert (view.paragraph, view.sentence) == (1, 1)


async def test_o_while_a_tag_waits_for_the_lock_does_not_freeze_the_screen(tmp_path, seed_path):
    """`c` then `o` while another program held the write lock: the anchors
    screen read the store on the UI thread, behind the waiting tag, and the
    whole app froze until the 15 s busy timeout (then "Not saved")."""
    from tui.ui.screens.anchors import AnchorsScreen

    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        with write_lock_held(tmp_path / "a.db"):
            await pilot.press("c", "o")
            await pilot.pause()
            assert isinstance(app.screen, AnchorsScreen)
            assert app.store_calls.writes_pending == 1  # the claim still waits: nothing froze
        await settle(pilot)
        assert labels_in_db(app) == [(1, 1, "claim")]
        assert messages(app) == []
        assert str(app.screen.query_one("#anchors-status").render()) == (
            "No fuzzy or orphaned tags in this article. Esc goes back.")


async def test_keys_typed_in_the_anchors_screen_wait_for_its_list(tmp_path, seed_path):
    """`x o down d escape` typed while another program holds the lock: the
    list is read on the store thread now (behind the untag), and `down` on
    the still empty table must not leave `d` deleting the first row (the
    fuzzy tag) instead of the second (the orphan), nor Escape drop `d`."""
    path = edited_story(tmp_path, seed_path)
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    app = AnnotateApp(store, article=load_article(path), exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        reader = app.screen
        with write_lock_held(tmp_path / "a.db"):
            await pilot.press("x", "o", "down", "d", "escape")
            await pilot.pause()
        await settle(pilot)
        assert app.screen is reader
        assert store.anchor_counts(reader.doc) == {"fuzzy": 1, "orphan": 0}
        assert messages(app)[-1] == "Tag deleted; u in the reader undoes it."


async def test_an_undo_that_lands_late_leaves_the_cursor_where_the_user_moved_it(tmp_path,
                                                                                 seed_path):
    """`u j j` while the undo waited for another program's lock (or typed
    fast, through tmux: `u g q`): when the undo landed, the cursor was pulled
    back to the undone sentence, away from where the user had gone, and the
    next key acted there. Steps with no key between them still lead the
    cursor to what they changed."""
    from tui.ui.article_view import ArticleView

    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        await pilot.press("c", "j", "c", "j")
        await settle(pilot)
        assert labels_in_db(app) == [(1, 1, "claim"), (2, 1, "claim")]
        assert (view.paragraph, view.sentence) == (3, 1)
        with write_lock_held(tmp_path / "a.db"):  # both steps wait, then land together
            await pilot.press("u", "u")  # nothing between: the cursor follows both
            await pilot.pause()
        await settle(pilot)
        assert labels_in_db(app) == []
        assert (view.paragraph, view.sentence) == (1, 1)
        await pilot.press("ctrl+r", "ctrl+r")
        await settle(pilot)
        with write_lock_held(tmp_path / "a.db"):
            await pilot.press("g", "u", "j", "j", "j")
            await pilot.pause()
        await settle(pilot)
        assert labels_in_db(app) == [(1, 1, "claim")]
        assert (view.paragraph, view.sentence) == (4, 1)


async def test_library_rows_with_wide_titles_keep_their_columns(tmp_path):
    """A Japanese headline was cut by characters, not cells: its row was 36
    cells wider than the screen, every column after the title stood further
    right than its header, and "Last opened" fell off the end."""
    from tui.ui.library_table import LibraryTable

    from .test_ui_library import wait_loaded

    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "jp.txt").write_text("22 July 2017\n東京で大規模な地震、死者は少なくとも十人に達したと当局が発表\n"
                                   "NHK\n\nBody here. More text.\n", encoding="utf-8")
    (folder / "en.txt").write_text("22 July 2017\nPlain headline\nWire\n\nOne. Two.\n")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"), folder=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(LibraryTable)
        lines = [table.render_line(y).text for y in range(3)]
        assert [cell_len(line) for line in lines] == [80, 80, 80]
        assert lines[0].startswith("✓ Title ")
        rows = sorted(lines[1:], key=lambda line: "Plain" not in line)
        assert rows == [
            "  Plain headline                                0/2       new        never      ",
            "  東京で大規模な地震、死者は少なくとも十…       0/2       new        never      "]
        # "0/2" starts at cell 48 of both rows, under its header.
        assert [cell_len(row[:row.index("0/2")]) for row in rows] == [48, 48]


async def test_an_article_of_only_headers_takes_every_key(tmp_path):
    """A file with a date, headline and outlet and no body: `l` (next
    sentence) crashed the app with an IndexError traceback, and `y` said
    "Still opening the database…" with the database open."""
    from tui.ui.screens.reader import ReaderScreen

    path = tmp_path / "headers.txt"
    path.write_text("22 July 2017\nHeadline\nWire\n")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(path), exports=tmp_path / "exports")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("l", "h", "right", "left", "j", "k", "G", "g", "c", "y", "w", "]"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert messages(app) == [
            "No sentence here to change.", "No sentence here to copy.", "No sentences here.",
            "No tagged sentences in this article."]
        assert str(app.screen.query_one("#status").render()).startswith("empty article ")


async def test_a_huge_headline_makes_a_short_notification(tmp_path):
    """`d` on an article whose headline is 12,000 characters: the toast
    "TITLE: done" grew to the headline's length and covered the right half
    of the screen (in tmux: 36 lines of "Title Title …"), with "done" off
    the bottom. A notification now keeps its start and its end."""
    from tui.ui.library_table import LibraryTable

    from .test_ui_library import wait_loaded

    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "long.txt").write_text("22 July 2017\n" + "Title " * 2000 + "\nWire\n\nBody. More.\n")
    (folder / "short.txt").write_text("22 July 2017\nShort\nWire\n\nBody. More.\n")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"), folder=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(LibraryTable)
        if "Short" in table.render_line(1).text:
            await pilot.press("j")  # the long one, sorted by file name: second
        await pilot.press("d")
        await wait_loaded(pilot)
        # 200 characters of the start, "…", the last 99 (": done" included).
        assert messages(app) == ["Title " * 33 + "Ti…" + "tle" + " Title" * 15 + ": done"]
        assert len(messages(app)[0]) == 300


def test_pagedown_and_c_typed_together_tag_the_sentence_on_the_new_page(tmp_path, seed_path,
                                                                        tmux_env):
    """PageDown then c in one read of the terminal (80x16): the page scrolled
    with an animation and the cursor came along only as it went, so c tagged
    1.1, the sentence being scrolled off the screen, while the cursor ended
    on 2.3. The page now turns at once."""
    db = tmp_path / "a.db"
    app = tmux_env(str(seed_path), "--db", str(db))
    app._tmux("resize-window", "-x", "80", "-y", "16")
    app.wait_for("0/13 tagged")
    app._tmux("send-keys", "NPage", "c")
    screen = app.wait_for("1/13 tagged")
    assert "¶ 3/8  sentence 1/1   C claim 1" in screen
    app.keys("C-q")
    app.wait_for("TUI-EXITED-0")
    assert [(r["paragraph"], r["sentence"], r["label"]) for r in export_rows(db)] == [
        ("3", "1", "claim")]


async def _typed_before_the_database(tmp_path, seed_path, keys):
    opener = SlowOpener()
    app = AnnotateApp(db_path=tmp_path / "a.db", article=load_article(seed_path), opener=opener,
                      exports=tmp_path / "exports")
    async with app.run_test(size=(80, 16)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        view = app.screen.query_one(ArticleView)
        before = view.paragraph
        opener.release.set()
        await settle(pilot)
        return before, labels_in_db(app), (view.paragraph, view.sentence)


async def test_a_page_key_before_the_database_opens_brings_the_cursor(tmp_path, seed_path):
    """PageDown typed while the database opened scrolled the page but left
    the cursor on 1.1, off screen: a c typed next tagged 1.1, and once the
    database opened the view jumped back to the saved position."""
    assert await _typed_before_the_database(tmp_path, seed_path, ["pagedown", "c"]) == (
        3, [(3, 1, "claim")], (3, 1))


async def test_a_page_key_behind_waiting_keys_waits_with_them(tmp_path, seed_path):
    """`j c PageDown c` before the database opened: the page turned at once,
    so the first c (kept) was replayed on the new page, and the second c
    toggled it off again: nothing was tagged. Now PageDown waits its turn."""
    assert await _typed_before_the_database(tmp_path, seed_path, ["j", "c", "pagedown", "c"]) == (
        2, [(2, 1, "claim"), (3, 1, "claim")], (3, 1))


async def test_paging_alone_before_the_database_keeps_the_page(tmp_path, seed_path):
    """Only PageDown before the database opened: the saved position (1.1)
    was applied on top of it and the view jumped back to the top."""
    assert await _typed_before_the_database(tmp_path, seed_path, ["pagedown"]) == (
        3, [], (3, 1))


async def test_a_click_before_the_database_opens_is_kept(tmp_path, seed_path):
    """A click on 2.3 while the database opened did nothing (the view had no
    sentences yet), so the c typed next tagged 1.1, not the sentence clicked."""
    opener = SlowOpener()
    app = AnnotateApp(db_path=tmp_path / "a.db", article=load_article(seed_path), opener=opener,
                      exports=tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        third = view.article.paragraphs[1].sentences[2]  # 2.3
        x, y = next((x, y) for y in range(view.size.height) for x in range(GUTTER, 120)
                    if view.offset_at(x, y) == third.start + 5)
        await pilot.click(ArticleView, offset=(x, y))
        await pilot.press("c")
        assert view.paragraph == 2  # shown at once: the paragraph clicked
        opener.release.set()
        await settle(pilot)
        assert labels_in_db(app) == [(2, 3, "claim")]
        assert (view.paragraph, view.sentence) == (2, 3)


def _burst(app, *keys: str) -> None:
    """Keys as they arrive from a terminal in one read (SSH, tmux, a fast
    typist): all handed to the app at once, nothing waited for between them
    (Pilot's press waits after each key and never shows the problem)."""
    from textual import events

    for key in keys:
        character = {"enter": "\r", "backspace": "\x7f"}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, "/" if key == "slash" else character)
        event.set_sender(app)
        app._driver.send_message(event)


def _notes(app) -> list[tuple]:
    return [tuple(row) for row in app.store.db.execute(
        "SELECT paragraph, sentence, label, note FROM annotations ORDER BY paragraph")]


async def test_a_note_typed_in_one_burst_lands_whole_and_the_keys_after_it_too(tmp_path,
                                                                               seed_path):
    """`a h i Enter j c` arriving in one read: Textual ran `a`'s binding only
    after `h i Enter` had gone by, so the note box opened empty ("Note
    unchanged") and j c were lost; with the box already open, Enter ran
    after `j c` were typed into it: the note was "hijc"."""
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        _burst(app, "a", "h", "i", "enter", "j", "c")
        await pilot.pause(0.3)
        await settle(pilot)
        assert _notes(app) == [(1, 1, "claim", "hi"), (2, 1, "claim", "")]
        assert messages(app) == ["Note saved"]


async def test_editing_keys_in_a_burst_act_in_the_order_typed(tmp_path, seed_path):
    """`x y Backspace z Left w Enter` in one read gave the note "xyz": the box's
    own bindings (Backspace, Left) ran after the letters behind them."""
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c", "a")
        await settle(pilot)
        _burst(app, "x", "y", "backspace", "z", "left", "w", "enter")
        await pilot.pause(0.3)
        await settle(pilot)
        assert _notes(app) == [(1, 1, "claim", "xwz")]


async def test_a_search_typed_in_one_burst_finds_and_tags(tmp_path, seed_path):
    """`/ Ryabkov Enter c` in one read: nothing was searched and nothing
    tagged (the letters reached no widget). With the box open, Enter ran
    after `c`: the search was for "Ryabkovc"."""
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        _burst(app, "slash", *"Ryabkov", "enter", "c")
        await pilot.pause(0.3)
        await settle(pilot)
        assert labels_in_db(app) == [(4, 1, "claim")]
        assert "match 1 of 1" in str(app.screen.query_one("#status").render())


async def test_a_library_filter_typed_in_one_burst_opens_and_tags(tmp_path, seed_path):
    """`/ rus Enter Enter c` in one read: `/` opened the filter box only after
    `r u s` had reached the list (r rescanned, s sorted), and nothing was
    opened or tagged. Now the box gets `rus`, Enter keeps it, Enter opens the
    one article left and c tags its first sentence."""
    import shutil

    from tui.ui.screens.reader import ReaderScreen

    from .test_ui_library import wait_loaded

    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    (folder / "b.txt").write_text("22 July 2017\nShort\nWire\n\nBody. More.\n")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"), folder=folder,
                      exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        _burst(app, "slash", "r", "u", "s", "enter", "enter", "c")
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.title == (
            "Russia Unfazed By Suspension of Antimissile Talks with U.S.")
        assert labels_in_db(app) == [(1, 1, "claim")]


async def test_keys_behind_a_kept_escape_go_to_the_library(tmp_path, seed_path):
    """`Enter c Escape j Enter q` in one read while the database was busy:
    the reader kept c and Escape, and j, Enter and q were replayed on the
    reader after Escape had closed it (or had no binding there): lost. Now
    the keys behind a kept Escape are kept as typed and go to the library
    once it shows: the second article is opened and gets the quote."""
    import shutil
    from tui.ui.screens.reader import ReaderScreen

    from .test_ui_library import wait_loaded

    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    (folder / "b.txt").write_text("22 July 2017\nShort\nWire\n\nBody. More.\n")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"), folder=folder,
                      exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        with write_lock_held(tmp_path / "a.db"):  # the reader's database work waits
            _burst(app, "enter", "c", "escape", "j", "enter", "q")
            await pilot.pause(0.3)
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert [tuple(row) for row in app.store.db.execute(
            "SELECT articles.title, paragraph, sentence, label FROM annotations "
            "JOIN articles ON articles.id = annotations.article_id ORDER BY label")] == [
            ("Short", 1, 1, "claim"),
            ("Russia Unfazed By Suspension of Antimissile Talks with U.S.", 1, 1, "quote")]


async def test_enter_in_the_tags_panel_then_a_tag_key_in_one_burst(tmp_path, seed_path):
    """`k Enter q` in the tags panel in one read: Enter's jump reached the
    reader as a message after q had been handled, so the quote replaced the
    claim on 2.1 (the cursor's sentence before the jump) instead of 1.1."""
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c", "j", "c", "t")
        await settle(pilot)
        _burst(app, "k", "enter", "q")
        await pilot.pause(0.3)
        await settle(pilot)
        assert labels_in_db(app) == [(1, 1, "quote"), (2, 1, "claim")]


def test_a_note_and_a_search_typed_in_one_burst_through_tmux(tmp_path, seed_path, tmux_env):
    """The same bursts in a real terminal (tmux send-keys writes them in one
    go, as SSH does): `c a h i Enter j c`, then `/ Ryabkov Enter q`."""
    db = tmp_path / "a.db"
    app = tmux_env(str(seed_path), "--db", str(db))
    app.wait_for("0/13 tagged")
    app._tmux("send-keys", "c", "a", "h", "i", "Enter", "j", "c")
    app.wait_for("2/13 tagged")
    app._tmux("send-keys", "/", *"Ryabkov", "Enter", "q")
    app.wait_for("3/13 tagged")
    app.keys("C-q")
    app.wait_for("TUI-EXITED-0")
    assert [(r["paragraph"], r["sentence"], r["label"], r["note"]) for r in export_rows(db)] == [
        ("1", "1", "claim", "hi"), ("2", "1", "claim", ""), ("4", "1", "quote", "")]
