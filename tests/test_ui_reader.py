"""The reader through Textual's Pilot: every key, on a real SQLite file.

Store calls run on the app's store thread: ``settle`` waits until the
database is attached and every call made so far has landed.
"""

from __future__ import annotations

import asyncio
import csv

import pytest

from tui.store import AnnotationStore
from tui.text import load_article, parse_article
from tui.ui.app import AnnotateApp
from tui.ui.article_view import ArticleView
from tui.ui.exports_folder import safe_file_stem
from tui.ui.screens.modals import PromptModal
from tui.ui.screens.reader import ReaderScreen

SIZE = (120, 40)


@pytest.fixture
def app_on_seed(tmp_path, seed_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    return AnnotateApp(store, article=load_article(seed_path), exports=tmp_path / "exports")


async def settle(pilot) -> None:
    """Wait until the reader has its database and every store call has landed."""
    app = pilot.app
    for _ in range(1000):
        await pilot.pause()
        screen = app.screen
        readers = [s for s in app.screen_stack if isinstance(s, ReaderScreen)]
        opened = all(r.doc is not None or r._open_failed for r in readers)
        if opened and not app.store_calls.outstanding:
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError(f"the store thread never settled on {screen}")
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    """Press keys, then wait for what they asked of the store."""
    await pilot.press(*keys)
    await settle(pilot)


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def view_of(app) -> ArticleView:
    return app.screen.query_one(ArticleView)


def status_of(app) -> str:
    return str(app.screen.query_one("#status").render())


def labels_in_db(app) -> list[tuple[int, int, str]]:
    return [tuple(r) for r in app.store.db.execute(
        "SELECT paragraph, sentence, label FROM annotations ORDER BY paragraph, sentence")]


async def test_paragraph_and_sentence_navigation(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = view_of(app)
        assert (view.paragraph, view.sentence) == (1, 1)
        await pilot.press("j", "j")
        assert (view.paragraph, view.sentence) == (3, 1)
        await pilot.press("k")
        assert (view.paragraph, view.sentence) == (2, 1)
        await pilot.press("l", "l", "l")  # 2.2, 2.3, then across into 3.1
        assert (view.paragraph, view.sentence) == (3, 1)
        await pilot.press("h")
        assert (view.paragraph, view.sentence) == (2, 3)
        await pilot.press("down", "up", "right", "left")
        assert (view.paragraph, view.sentence) == (2, 1)
        await pilot.press("G")
        assert (view.paragraph, view.sentence) == (8, 1)
        await pilot.press("j")  # stays on the last paragraph
        assert view.paragraph == 8
        await pilot.press("g")
        assert view.paragraph == 1
        await pilot.press("end")
        assert view.paragraph == 8
        await pilot.press("home")
        assert view.paragraph == 1
        assert "¶ 1/8" in status_of(app)


async def test_view_follows_the_cursor_on_a_small_screen(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        view = view_of(app)
        await pilot.press("G")
        await pilot.pause()
        top, bottom = view._cursor_lines()
        assert view.scroll_offset.y <= top and bottom < view.scroll_offset.y + view.size.height
        await pilot.press("g")
        await pilot.pause()
        assert view.scroll_offset.y == 0


async def test_tag_keys_toggle_replace_and_untag(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "j", "j", "j", "q")
        assert labels_in_db(app) == [(4, 1, "quote")]
        assert "Q quote 1" in status_of(app)
        await press(pilot, "c")  # another label replaces
        assert labels_in_db(app) == [(4, 1, "claim")]
        await press(pilot, "c")  # the same label removes
        assert labels_in_db(app) == []
        await press(pilot, "b")
        assert view_of(app).labels == {(927, 1089): "background"}
        assert "B background 1   1/13 tagged" in status_of(app)
        await press(pilot, "x")
        assert labels_in_db(app) == [] and view_of(app).labels == {}
        assert "B background 0   0/13 tagged" in status_of(app)  # the status follows x
        assert (view_of(app).paragraph, view_of(app).sentence) == (4, 1)  # cursor stays
        await press(pilot, "x")  # nothing to remove: said, nothing written
        assert messages(app)[-1] == "This sentence has no tag."


async def test_undo_and_redo(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c", "j", "q")
        await press(pilot, "u")
        assert labels_in_db(app) == [(1, 1, "claim")]
        await press(pilot, "u")
        assert labels_in_db(app) == []
        await press(pilot, "u")  # nothing left: a message, no crash
        assert messages(app)[-1] == "Nothing to undo"
        await press(pilot, "ctrl+r")
        assert labels_in_db(app) == [(1, 1, "claim")]
        assert view_of(app).paragraph == 1  # the cursor goes to what changed
        assert view_of(app).labels == {(0, 156): "claim"}


async def test_note_modal_saves_on_enter_and_cancels_on_escape(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a")  # no tag yet: only a hint
        assert not isinstance(app.screen, PromptModal)
        assert messages(app)[-1] == "Tag the sentence first (c, q or b), then add a note."
        await press(pilot, "c", "a")
        assert isinstance(app.screen, PromptModal)
        await pilot.press(*"[bold]checked[/]", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        note = app.store.db.execute("SELECT note FROM annotations").fetchone()[0]
        assert note == "[bold]checked[/]"
        assert messages(app)[-1] == "Note saved"
        await press(pilot, "a", "x", "escape")
        assert app.store.db.execute("SELECT note FROM annotations").fetchone()[0] == note


async def test_copy_sentence_and_only_quotes_fall_back_to_osc52(app_on_seed, monkeypatch):
    import pyperclip

    def no_clipboard(text):
        raise pyperclip.PyperclipException("headless")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    app = app_on_seed
    copied = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "j", "j", "j", "y")
        assert copied[-1].startswith("Asked by Interfax for a response")
        await press(pilot, "Y")  # no quotes yet
        assert len(copied) == 1
        # Claims and background around the quotes must not be copied.
        await press(pilot, "q", "k", "c", "j", "j", "b", "j", "l", "q", "l", "c", "Y")
        # Each passage as it is: both carry their own quotation marks, so
        # neither is wrapped again (it was “"Talks or no talks, …," he said.”).
        assert copied[-1].splitlines() == [
            "Asked by Interfax for a response, Russian Deputy Foreign Minister Sergei Ryabkov "
            'on Thursday said: "I need to say that cooperation does not exist in this sphere."',
            '"Talks or no talks, they don\'t make a difference anyway," he said.',
            "— Russia Unfazed By Suspension of Antimissile Talks with U.S., "
            "Global Security Newswire, 2014-04-04, ¶4, ¶6",
        ]
        assert sorted(label for *_, label in labels_in_db(app)) == [
            "background", "claim", "claim", "quote", "quote"]
        # OSC 52 is only sent, never confirmed: said so, with how to let it through.
        assert messages(app)[-1] == (
            "Sent 2 passages to the terminal clipboard (OSC 52); if it does not paste, the "
            "terminal blocks OSC 52 (in tmux: set -g set-clipboard on).")


async def test_export_key_writes_only_this_article(tmp_path, seed_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    # Another article with a tag in the same database: not part of this export.
    other = store.open_article(parse_article("Other\n\nNot this one. Nor this.\n",
                                             path=str(tmp_path / "other.txt")))
    store.tag(other, 1, other.article.paragraphs[0].sentences[0], "quote")
    app = AnnotateApp(store, article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c", "e")
        files = list((tmp_path / "exports").glob("*.csv"))
        uid = app.screen.doc.uid
        assert len(uid) == 8 and [f.name for f in files] == [
            f"Russia-Unfazed-By-Suspension-of-Antimissile-Talks-with-U.S-{uid}.csv"]
        rows = list(csv.DictReader(files[0].open(encoding="utf-8", newline="")))
        assert [(r["paragraph"], r["label"]) for r in rows] == [("1", "claim")]
        assert messages(app)[-1] == f"Exported 1 annotation(s) to {files[0]}"


def test_export_file_names_cannot_escape():
    assert safe_file_stem("../../x") == "x"
    assert safe_file_stem("/etc/passwd") == "etc-passwd"
    assert safe_file_stem("..") == "article"
    assert safe_file_stem("Café “news”: 1/2") == "Café-“news”-1-2"


async def test_search_and_next_previous_match(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"interfax", "enter")
        view = view_of(app)
        assert view.paragraph == 4  # the first match after the cursor (1.1 itself is before)
        assert "/interfax match 2 of 2" in status_of(app)
        await pilot.press("n")
        assert view.paragraph == 1  # wraps round
        await pilot.press("N")
        assert view.paragraph == 4
        # Escape first clears the search (the reader stays), and says so in the status line.
        assert "/interfax match 2 of 2 (wrapped to the end)" in status_of(app)
        await pilot.press("escape")
        assert view._matches_between(0, len(view.article.body)) == []
        assert "interfax" not in status_of(app)
        assert view_of(app) is view


async def test_click_moves_the_cursor(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = view_of(app)
        # Paragraph 6 starts on article line 22; the widget starts at screen row 2.
        line = view._ensure_layout().first_line[5]
        await pilot.click(ArticleView, offset=(100, line + 1))
        assert (view.paragraph, view.sentence) == (6, 2)


async def test_help_screen_lists_every_key(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        text = str(app.screen.query_one("#help-text").render())
        for needle in ("Next ¶", "Quote", "Undo", "Redo", "Search", "Copy quotes", "Export"):
            assert needle in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_command_palette_offers_reader_actions(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Claim", "Quote", "Background", "Undo", "Copy quotes", "Export"):
            assert title in titles


async def test_escape_without_a_library_keeps_the_reader(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "escape")
        assert isinstance(app.screen, ReaderScreen)  # not a blank screen
        assert messages(app)[-1] == "No library behind this article; ctrl+q quits."


async def test_escape_returns_to_the_library(tmp_path, seed_path):
    import shutil

    from tui.ui.screens.library import LibraryScreen

    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    (folder / "two.txt").write_text("Two\n\nOne sentence. Two.\n")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, LibraryScreen)
        assert len(app.screen_stack) == 2


async def test_position_is_resumed_on_reopen(tmp_path, seed_path):
    store = AnnotationStore(tmp_path / "a.db")
    app = AnnotateApp(store, article=load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "j", "j", "l")
    # Saved on the way out, off the UI thread.
    app2 = AnnotateApp(AnnotationStore(tmp_path / "a.db"), article=load_article(seed_path))
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = view_of(app2)
        assert (view.paragraph, view.sentence) == (6, 2)


async def test_markup_and_control_characters_are_shown_literally(tmp_path, monkeypatch):
    text = ("4 April 2014\n[bold]Head[/] [@click=app.quit]x[/] \x1b]0;T\x07\nWire\x1b[31m\n\n"
            "Against [Russia], [/] and \x1b[31mred\x1b[0m. 日本語の文です。\n")
    article = parse_article(text, path=str(tmp_path / "t.txt"))
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), article=article)
    copied = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = [view_of(app).render_line(y).text for y in range(3)]
        assert "Against [Russia], [/] and ␛[31mred␛[0m." in lines[0]
        assert "日本語の文です。" in lines[0]
        header = str(app.screen.query_one("#reader-header").render())
        assert header == "[bold]Head[/] [@click=app.quit]x[/] ␛]0;T␇\nWire␛[31m · 2014-04-04"
        await press(pilot, "y")  # copied exactly (no display here: through the terminal)
        assert copied == ["Against [Russia], [/] and \x1b[31mred\x1b[0m."]
        assert messages(app)[-1] == (
            "Sent sentence 1.1 to the terminal clipboard (OSC 52); if it does not paste, the "
            "terminal blocks OSC 52 (in tmux: set -g set-clipboard on).")


async def test_rewraps_on_resize(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = view_of(app)
        wide = view._ensure_layout().total
        await pilot.resize_terminal(60, 40)
        await pilot.pause()
        assert view._ensure_layout().total > wide


async def test_reader_opened_by_path_comes_alive_after_the_database(tmp_path, seed_path):
    # The CLI's way: the text paints first, the store opens on the store thread.
    app = AnnotateApp(db_path=tmp_path / "a.db", article=load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert view_of(app).ready and app.store is not None
        await press(pilot, "j", "q")
        assert labels_in_db(app) == [(2, 1, "quote")]


async def test_footer_arrives_after_the_first_frame_with_its_keys(app_on_seed):
    # The Footer is mounted after the text paints; it must still show the
    # keys (it draws them on a bindings signal it could have missed).
    from textual.widgets import Footer

    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        assert not app.screen.query("#footer-slot")
        shown = [key.description for key in footer.query("FooterKey")]
        assert shown[:5] == ["Help", "Quit", "Next ¶", "Prev ¶", "Claim"]
        assert footer.region.y == SIZE[1] - 1


async def test_cached_lines_follow_tags_undo_and_theme(app_on_seed):
    # Lines are cached between frames; every change that shapes a line must
    # still reach the screen.
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = view_of(app)

        def gutter(y: int) -> str:
            return view.render_line(y).text[:9]

        assert gutter(0) == "     1  ▌"
        await press(pilot, "q")
        assert gutter(0) == "     1 Q▌" and gutter(1) == "       Q▌"
        await press(pilot, "u")
        assert gutter(0) == "     1  ▌"
        await pilot.press("j")  # the bar follows the cursor to paragraph 2
        assert gutter(0) == "     1   " and gutter(3) == "     2  ▌"
        dark = list(view.render_line(0))[0].style.bgcolor
        app.theme = "textual-light"
        await pilot.pause()
        assert list(view.render_line(0))[0].style.bgcolor != dark
