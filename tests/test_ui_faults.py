"""The reader under faults (issue 9): keys typed before the database opens,
a lock held by another program, a read-only disk, a second instance writing
the same article, a label the app does not know, store errors as one line.

Everything runs on real SQLite files; the slow database is a real one whose
opening waits for the test (an injected opener), not a mock.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from textual.color import Color

from tests.helpers_mounts import remount_read_only
from tests.test_ui_reader import SIZE, labels_in_db, messages, press, settle, status_of, view_of
from tui.store import AnnotationStore, StoreError
from tui.text import Article, load_article, parse_article
from tui.ui.app import AnnotateApp
from tui.ui.screens import reader

FIXTURES = Path(__file__).parent / "fixtures"
S11 = (0, 156)  # the seed's sentence 1.1 (body offsets)


class SlowOpener:
    """Opens the real database only once the test releases it (or fails then)."""

    def __init__(self, fail: str | None = None) -> None:
        self.release = threading.Event()
        self.fail = fail

    def __call__(self, path: Path) -> AnnotationStore:
        assert self.release.wait(60)
        if self.fail is not None:
            raise StoreError(self.fail)
        return AnnotationStore(path, annotator="tester")


def saved_position(db: Path, seed_path: Path) -> tuple[int, int]:
    store = AnnotationStore(db)
    try:
        doc = store.open_article(load_article(seed_path))
        return doc.position
    finally:
        store.close()


def save_position(db: Path, seed_path: Path, paragraph: int, sentence: int) -> None:
    store = AnnotationStore(db)
    store.save_position(store.open_article(load_article(seed_path)), paragraph, sentence)
    store.close()


async def wait_until(pilot, condition, what: str) -> None:
    """Let the app run until ``condition()`` holds (a bound, not a timing assertion)."""
    for _ in range(400):
        await pilot.pause()
        if condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"never happened: {what}")


# -- §2 keys typed while the database opens ---------------------------------


async def test_keys_typed_while_the_database_opens_are_applied_in_order(tmp_path, seed_path):
    db = tmp_path / "a.db"
    save_position(db, seed_path, 6, 2)  # must not override what the user typed
    opener = SlowOpener()
    app = AnnotateApp(db_path=db, article=load_article(seed_path), opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.pause()
            # j moves at once; q starts the queue and every key after it joins.
            await pilot.press("j", "j", "j", "q", "l", "c", "k", "b", "u")
            view = view_of(app)
            assert (view.paragraph, app.store) == (4, None)
            assert status_of(app) == "¶ 4/8   opening the database…   6 key(s) waiting"
        finally:
            opener.release.set()
        await settle(pilot)
        # q on 4.1; l to 5.1; c there; k back to 4.1; b replaces the quote; u undoes b.
        assert labels_in_db(app) == [(4, 1, "quote"), (5, 1, "claim")]
        assert (view.paragraph, view.sentence) == (4, 1)
    assert saved_position(db, seed_path) == (4, 1)


async def test_the_saved_position_applies_when_nothing_was_typed(tmp_path, seed_path):
    db = tmp_path / "a.db"
    save_position(db, seed_path, 6, 2)
    opener = SlowOpener()
    app = AnnotateApp(db_path=db, article=load_article(seed_path), opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        opener.release.set()
        await settle(pilot)
        assert (view_of(app).paragraph, view_of(app).sentence) == (6, 2)


async def test_a_move_before_the_database_opens_wins_over_the_saved_position(tmp_path, seed_path):
    db = tmp_path / "a.db"
    save_position(db, seed_path, 6, 2)
    opener = SlowOpener()
    app = AnnotateApp(db_path=db, article=load_article(seed_path), opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.press("j")
        finally:
            opener.release.set()
        await settle(pilot)
        assert (view_of(app).paragraph, view_of(app).sentence) == (2, 1)


async def test_keys_typed_before_a_database_that_cannot_open_are_refused(tmp_path, seed_path):
    opener = SlowOpener(fail="a.db: locked by another program; not saved")
    app = AnnotateApp(db_path=tmp_path / "a.db", article=load_article(seed_path), opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.press("q", "l", "u")
        finally:
            opener.release.set()
        await settle(pilot)
        assert messages(app) == [
            "2 key(s) typed while the database was opening were not applied: "
            "a.db: locked by another program; not saved"]
        banner = app.screen.query_one("#banner")
        assert banner.display
        assert str(banner.render()) == (
            "No database: tags can't be saved: a.db: locked by another program; not saved")
        assert view_of(app).paragraph == 2  # the l was a move: applied (1.1 -> 2.1)
        await press(pilot, "c")
        assert messages(app)[-1] == ("Tags can't be saved: a.db: locked by another program; "
                                     "not saved")
        assert status_of(app) == "¶ 2/8   the database is not open: tags can't be saved"
        await press(pilot, "e", "u")  # nothing crashes on a store that never opened
        assert messages(app)[-2:] == [
            "Nothing to export: the database is not open.",
            "Tags can't be saved: a.db: locked by another program; not saved"]
    assert not (tmp_path / "a.db").exists()


async def test_no_worker_argument_is_repred(tmp_path, seed_path, monkeypatch):
    """Issue 11: Textual's @work repr()s its arguments; a 50 MB article must not be."""
    calls = []
    monkeypatch.setattr(Article, "__repr__", lambda self: calls.append(1) or "Article(...)")
    app = AnnotateApp(db_path=tmp_path / "a.db", article=load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await press(pilot, "c")
    assert calls == []


# -- §4 a held lock, a read-only disk, an unknown label ----------------------


async def test_a_tag_under_a_held_lock_waits_visibly_then_lands(tmp_path, seed_path):
    db = tmp_path / "a.db"
    app = AnnotateApp(AnnotationStore(db, annotator="tester"), article=load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            await pilot.press("c")
            await wait_until(pilot, lambda: "saving…" in status_of(app), "saving… shown")
            await pilot.press("j", "j", "l")  # navigation never waits for the database
            view = view_of(app)
            assert (view.paragraph, view.sentence) == (4, 1)
            assert view.labels == {}  # not drawn before it is committed
        finally:
            other.execute("COMMIT")
            other.close()
        await settle(pilot)
        assert labels_in_db(app) == [(1, 1, "claim")]
        assert view.labels == {S11: "claim"}
        assert "saving…" not in status_of(app) and "C claim 1" in status_of(app)


async def test_a_tag_that_times_out_on_the_lock_says_it_was_not_saved(tmp_path, seed_path):
    from textual.widgets._toast import Toast

    (tmp_path / "[Russia] [").mkdir()  # the error names the file: data, not markup
    db = tmp_path / "[Russia] [" / "] a.db"
    store = AnnotationStore(db, annotator="tester", busy_timeout=0.3)
    app = AnnotateApp(store, article=load_article(seed_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await press(pilot, "c")
            assert messages(app)[-1] == f"Not saved: {db}: locked by another program; not saved"
            await wait_until(pilot, lambda: app.screen.query(Toast), "the error's toast")
            assert [str(t.render()) for t in app.screen.query(Toast)][-1] == (
                f"Not saved: {tmp_path}/[Russia] [/] a.db: locked by another program; not saved")
            assert [n.severity for n in app._notifications][-1] == "error"
            assert view_of(app).labels == {} and "saving…" not in status_of(app)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert labels_in_db(app) == []


async def test_position_saving_is_coalesced_and_off_the_ui_thread(tmp_path, seed_path,
                                                                  monkeypatch):
    monkeypatch.setattr(reader, "POLL_EVERY_S", 3600)  # only position saves on the thread
    db = tmp_path / "a.db"
    store = AnnotationStore(db, annotator="tester")
    saves = []
    original = store.save_position

    def counting(doc, paragraph, sentence):
        saves.append((threading.current_thread().name, paragraph, sentence))
        return original(doc, paragraph, sentence)

    store.save_position = counting
    app = AnnotateApp(store, article=load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        busy = threading.Event()  # the store thread is busy (as under a held lock)
        app.store_calls.call(lambda: busy.wait(60), needs_store=False)
        try:
            await pilot.press("j")
            await wait_until(pilot, lambda: app.store_calls.outstanding == 2, "a save queued")
            await pilot.press(*"jjjjjj")  # the keys never wait for the store thread
            await pilot.pause(3 * reader.POSITION_EVERY_S)  # timers fire: nothing more queued
            assert app.store_calls.outstanding == 2
            assert view_of(app).paragraph == 8 and saves == []
        finally:
            busy.set()
        await wait_until(pilot, lambda: saves and saves[-1][1:] == (8, 1), "the last position saved")
    # Coalesced: one save sent before the thread was free, then the latest.
    assert len(saves) <= 2
    assert {name for name, *_ in saves} == {"tui-store"}
    assert saved_position(db, seed_path) == (8, 1)


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of our own (the test remounts it read-only); always unmounted."""
    from tests.helpers_mounts import tmpfs

    with tmpfs(tmp_path / "disk") as folder:
        yield folder


async def test_a_read_only_database_shows_a_banner_and_refuses_writes(small_disk, seed_path,
                                                                     tmp_path, monkeypatch):
    monkeypatch.setenv("TUI_ANNOTATOR", "tester")  # tags are per coder (issue 13)
    db = small_disk / "a.db"
    store = AnnotationStore(db, annotator="tester")
    doc = store.open_article(load_article(seed_path))
    store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
    store.close()
    remount_read_only(small_disk)
    before = db.read_bytes()
    app = AnnotateApp(db_path=db, article=load_article(seed_path), exports=tmp_path / "out")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        banner = app.screen.query_one("#banner")
        assert banner.display
        assert str(banner.render()) == (
            f"Read-only: tags can't be saved: {db} is on a read-only disk")
        assert banner.styles.background == Color.parse(app.get_css_variables()["warning"])
        assert view_of(app).labels == {S11: "claim"}  # existing tags show
        await press(pilot, "q")
        assert messages(app)[-1] == f"Tags can't be saved: {db} is on a read-only disk"
        await press(pilot, "j", "j", "x", "u")  # moves work; writes say why, nothing crashes
        assert view_of(app).paragraph == 3
        assert status_of(app).endswith("read-only")
        await press(pilot, "e")  # reading works: the export too
        assert messages(app)[-1].startswith("Exported 1 annotation(s) to ")
    assert db.read_bytes() == before


async def test_a_label_the_app_does_not_know_is_counted_not_a_crash(tmp_path, seed_path):
    db = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "v1_annotations.db", db)  # has an 'opinion' on 5.1
    # The coder of the 'opinion' (tags are per coder, issue 13).
    app = AnnotateApp(AnnotationStore(db, annotator="otherclient"), article=load_article(seed_path))
    # A short screen: paragraph 5 (drawn by the article view's own code) stays off it.
    async with app.run_test(size=(120, 8)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "C claim 0  Q quote 0  B background 0  ? other 1   1/13 tagged" in status_of(app)
        await press(pilot, "j", "q")
        assert "? other 1   2/13 tagged" in status_of(app)


# -- §1 a second instance on the same database ------------------------------


async def test_tags_written_by_another_instance_appear_within_seconds(tmp_path, seed_path):
    db = tmp_path / "a.db"
    app = AnnotateApp(AnnotationStore(db, annotator="me"), article=load_article(seed_path))
    other = AnnotationStore(db, annotator="me")  # a second instance of the same coder
    theirs = other.open_article(load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other.tag(theirs, 1, theirs.article.paragraphs[0].sentences[0], "claim")
        await wait_until(pilot, lambda: view_of(app).labels == {S11: "claim"}, "their claim shown")
        assert "C claim 1  Q quote 0  B background 0   1/13 tagged" in status_of(app)
        other.untag(theirs, theirs.article.paragraphs[0].sentences[0], shown="claim")
        await wait_until(pilot, lambda: view_of(app).labels == {}, "their untag shown")


async def test_a_stale_window_never_removes_or_undoes_the_other_windows_tag(tmp_path, seed_path,
                                                                   monkeypatch):
    monkeypatch.setattr(reader, "POLL_EVERY_S", 3600)  # this screen has not seen it yet
    db = tmp_path / "a.db"
    app = AnnotateApp(AnnotationStore(db, annotator="me"), article=load_article(seed_path))
    other = AnnotationStore(db, annotator="me")
    theirs = other.open_article(load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other.tag(theirs, 1, theirs.article.paragraphs[0].sentences[0], "claim")
        await press(pilot, "c")  # the screen showed nothing: their claim stays
        assert labels_in_db(app) == [(1, 1, "claim")]
        assert messages(app)[-1] == "already tagged claim elsewhere"
        assert view_of(app).labels == {S11: "claim"}  # now shown as it is
        await press(pilot, "u")  # my c changed nothing: nothing of mine to undo
        assert messages(app)[-1] == "Nothing to undo"
        assert labels_in_db(app) == [(1, 1, "claim")]
        # My quote on 2.1, replaced by them: my undo skips it and says so.
        await press(pilot, "j", "q")
        second = theirs.article.paragraphs[1].sentences[0]
        other.tag(theirs, 2, second, "background", shown="quote")
        await press(pilot, "u")
        assert messages(app)[-1] == "changed elsewhere; skipped"
        assert labels_in_db(app) == [(1, 1, "claim"), (2, 1, "background")]
        assert view_of(app).labels[(second.start, second.end)] == "background"


# -- §5 and issue 8 §1: what the user reads ----------------------------------


async def test_warnings_naming_files_show_literally_and_inert(tmp_path):
    """A warning quoting a file name is neither markup nor terminal control."""
    from textual.widgets._toast import Toast

    (tmp_path / "[Russia] [").mkdir()  # "[/]" spans a folder and its file
    path = tmp_path / "[Russia] [" / "] \x1b]0;x\x07.txt"
    path.write_bytes(b"Caf\xe9 news\n\nOne sentence. Two.\n")  # cp1252: a warning
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), article=load_article(path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: app.screen.query(Toast), "the warning's toast")
        shown = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert len(shown) == 1
        assert f"{tmp_path}/[Russia] [/] ␛]0;x␇.txt: " in shown[0]
        assert "\x1b" not in shown[0] and "\x07" not in shown[0]


async def test_the_orphan_notice_is_shown(tmp_path, seed_path):
    path = tmp_path / "story.txt"
    text = seed_path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    doc = store.open_article(load_article(path))
    store.tag(doc, 3, doc.article.paragraphs[2].sentences[0], "claim")
    paragraph3 = text.split("\n\n")[3]
    assert paragraph3.startswith("M. Elaine Bunn, a deputy")
    path.write_text(text.replace(paragraph3, "Nothing of that paragraph is left."),
                    encoding="utf-8")
    app = AnnotateApp(store, article=load_article(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert messages(app) == [
            "The text changed: 1 tag(s) no longer match it, 0 were placed on an edited "
            "sentence. Press o to review them."]


async def test_the_note_modal_shows_control_characters_and_keeps_an_unchanged_note(tmp_path):
    from tui.ui.screens.modals import PromptModal

    article = parse_article("Title\n\nA \x1b]52;c;UFdORUQ=\x07 sentence. Next one.\n",
                            path=str(tmp_path / "t.txt"))
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    doc = store.open_article(article)
    first = doc.article.paragraphs[0].sentences[0]
    store.tag(doc, 1, first, "claim")
    store.set_note(doc, first, "imported \x1b]0;T\x07 note")
    app = AnnotateApp(store, article=article)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        modal = app.screen
        assert isinstance(modal, PromptModal)
        assert str(modal.query_one(".prompt-title").render()) == (
            "Note on: A ␛]52;c;UFdORUQ=␇ sentence.")
        assert modal.query_one("Input").value == "imported ␛]0;T␇ note"
        await press(pilot, "enter")  # unchanged: the stored note keeps its bytes
        assert messages(app)[-1] == "Note unchanged"
    assert store.annotation_at(doc, first).note == "imported \x1b]0;T\x07 note"


async def test_the_prompt_modal_never_shows_a_raw_control_character(tmp_path, seed_path):
    from tui.ui.screens.modals import PromptModal

    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), article=load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(PromptModal("On: \x1b]2;T\x1b\\ [b]x[/b]", "v\x9b\x07"))
        await pilot.pause()
        assert str(app.screen.query_one(".prompt-title").render()) == "On: ␛]2;T␛\\ [b]x[/b]"
        assert app.screen.query_one("Input").value == "v\ufffd␇"


async def test_keys_that_need_no_database_answer_while_it_opens(tmp_path, seed_path):
    """y, Y, e, o and Escape before the database opens: a message, never a crash."""
    opener = SlowOpener()
    app = AnnotateApp(db_path=tmp_path / "a.db", article=load_article(seed_path), opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.press("y", "Y", "e", "o", "escape")
            assert messages(app) == ["Still opening the database…"] * 4 + [
                "No library behind this article; ctrl+q quits."]
            # Escape after a kept key waits its turn (it would leave the keys behind).
            await pilot.press("c", "escape")
            assert status_of(app) == "¶ 1/8   opening the database…   2 key(s) waiting"
        finally:
            opener.release.set()
        await settle(pilot)
        assert labels_in_db(app) == [(1, 1, "claim")]
        assert messages(app)[-1] == "No library behind this article; ctrl+q quits."


async def test_escape_typed_before_the_database_opens_leaves_after_the_tags(tmp_path, seed_path):
    import shutil

    from tui.ui.screens.library import LibraryScreen

    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    (folder / "two.txt").write_text("Two\n\nOne sentence. Two.\n")
    opener = SlowOpener()
    app = AnnotateApp(db_path=tmp_path / "a.db", folder=folder, opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        opener.release.set()  # the library opens the database first
        await app.workers.wait_for_complete()
        await settle(pilot)
        app.screen.query_one("LibraryTable").move_cursor(row=0)
        busy = threading.Event()  # the store thread is busy: the reader cannot attach yet
        app.store_calls.call(lambda: busy.wait(60), needs_store=False)
        try:
            await pilot.press("enter", "j", "q", "escape", "l")
            assert isinstance(app.screen, reader.ReaderScreen)
            assert status_of(app) == "¶ 2/8   opening the database…   3 key(s) waiting"
        finally:
            busy.set()
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert labels_in_db(app) == [(2, 1, "quote")]


async def test_quitting_saves_a_tag_still_waiting_for_the_lock(tmp_path, seed_path):
    db = tmp_path / "a.db"
    app = AnnotateApp(AnnotationStore(db, annotator="tester"), article=load_article(seed_path))
    other = sqlite3.connect(db, isolation_level=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("c")
            await wait_until(pilot, lambda: "saving…" in status_of(app), "saving… shown")
            await pilot.press("ctrl+q")
            assert app.is_running
            assert messages(app)[-1] == (
                "Saving before quitting… (ctrl+q again quits without waiting)")
        finally:
            other.execute("COMMIT")
        await wait_until(pilot, lambda: not app.is_running, "the app quits once saved")
    assert other.execute("SELECT paragraph, sentence, label FROM annotations").fetchall() == [
        (1, 1, "claim")]
    other.close()
