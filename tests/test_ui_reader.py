"""The reader through Textual's Pilot: every key, on a real SQLite file."""

from __future__ import annotations

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
        await pilot.press("j", "j", "j", "q")
        assert labels_in_db(app) == [(4, 1, "quote")]
        assert "Q quote 1" in status_of(app)
        await pilot.press("c")  # another label replaces
        assert labels_in_db(app) == [(4, 1, "claim")]
        await pilot.press("c")  # the same label removes
        assert labels_in_db(app) == []
        await pilot.press("b")
        assert view_of(app).labels == {(927, 1089): "background"}
        await pilot.press("x")
        assert labels_in_db(app) == [] and view_of(app).labels == {}
        assert (view_of(app).paragraph, view_of(app).sentence) == (4, 1)  # cursor stays


async def test_undo_and_redo(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "j", "q")
        await pilot.press("u")
        assert labels_in_db(app) == [(1, 1, "claim")]
        await pilot.press("u")
        assert labels_in_db(app) == []
        await pilot.press("u")  # nothing left: a message, no crash
        await pilot.press("ctrl+r")
        assert labels_in_db(app) == [(1, 1, "claim")]
        assert view_of(app).paragraph == 1  # the cursor goes to what changed


async def test_note_modal_saves_on_enter_and_cancels_on_escape(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")  # no tag yet: only a hint
        assert not isinstance(app.screen, PromptModal)
        await pilot.press("c", "a")
        assert isinstance(app.screen, PromptModal)
        await pilot.press(*"[bold]checked[/]", "enter")
        assert isinstance(app.screen, ReaderScreen)
        note = app.store.db.execute("SELECT note FROM annotations").fetchone()[0]
        assert note == "[bold]checked[/]"
        await pilot.press("a", "x", "escape")
        assert app.store.db.execute("SELECT note FROM annotations").fetchone()[0] == note


async def test_copy_sentence_and_quotes_fall_back_to_osc52(app_on_seed, monkeypatch):
    import pyperclip

    def no_clipboard(text):
        raise pyperclip.PyperclipException("headless")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    app = app_on_seed
    copied = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "y")
        assert copied[-1].startswith("Asked by Interfax for a response")
        await pilot.press("Y")  # no quotes yet
        assert len(copied) == 1
        await pilot.press("q", "j", "j", "l", "q", "Y")
        assert copied[-1].splitlines() == [
            "“" + view_of(app).article.paragraphs[3].sentences[0].text + "”",
            "“Talks or no talks, they don't make a difference anyway,\" he said.”"
            .replace("“Talks", "“\"Talks"),
            "— Russia Unfazed By Suspension of Antimissile Talks with U.S., "
            "Global Security Newswire, 2014-04-04",
        ]
        messages = [n.message for n in app._notifications]
        assert any("terminal clipboard (OSC 52)" in m for m in messages)


async def test_export_key_writes_csv_in_exports(app_on_seed, tmp_path):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "e")
        files = list((tmp_path / "exports").glob("*.csv"))
        uid = app.screen.doc.uid
        assert len(uid) == 8 and [f.name for f in files] == [
            f"Russia-Unfazed-By-Suspension-of-Antimissile-Talks-with-U.S-{uid}.csv"]
        rows = list(csv.DictReader(files[0].open(encoding="utf-8", newline="")))
        assert [(r["paragraph"], r["label"]) for r in rows] == [("1", "claim")]


def test_export_file_names_cannot_escape():
    assert safe_file_stem("../../x") == "x"
    assert safe_file_stem("/etc/passwd") == "etc-passwd"
    assert safe_file_stem("..") == "article"
    assert safe_file_stem("Café “news”: 1/2") == "Café-“news”-1-2"


async def test_search_and_next_previous_match(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"interfax", "enter")
        view = view_of(app)
        assert len(view.matches) == 2
        assert view.paragraph == 4  # the first match after the cursor (1.1 itself is before)
        await pilot.press("n")
        assert view.paragraph == 1  # wraps round
        await pilot.press("N")
        assert view.paragraph == 4


async def test_click_moves_the_cursor(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        # Paragraph 6 starts on article line 22; the widget starts at screen row 2.
        line = view._ensure_layout().first_line[5]
        await pilot.click(ArticleView, offset=(100, line + 1))
        assert (view.paragraph, view.sentence) == (6, 2)


async def test_help_screen_lists_every_key(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
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


async def test_position_is_resumed_on_reopen(tmp_path, seed_path):
    store = AnnotationStore(tmp_path / "a.db")
    app = AnnotateApp(store, article=load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "j", "j", "l")
    app2 = AnnotateApp(AnnotationStore(tmp_path / "a.db"), article=load_article(seed_path))
    async with app2.run_test(size=SIZE) as pilot:
        view = view_of(app2)
        assert (view.paragraph, view.sentence) == (6, 2)


async def test_failed_save_shows_an_error_and_no_tag(app_on_seed, monkeypatch):
    import sqlite3

    app = app_on_seed

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app.store, "tag", broken)
        await pilot.press("c")
        assert view_of(app).labels == {}
        assert any("disk I/O error" in n.message and n.severity == "error"
                   for n in app._notifications)


async def test_markup_and_control_characters_are_shown_literally(tmp_path):
    text = ("4 April 2014\n[bold]Head[/] [@click=app.quit]x[/]\nWire\n\n"
            "Against [Russia], [/] and \x1b[31mred\x1b[0m. 日本語の文です。\n")
    article = parse_article(text, path=str(tmp_path / "t.txt"))
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), article=article)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = [view_of(app).render_line(y).text for y in range(3)]
        assert "Against [Russia], [/] and ␛[31mred␛[0m." in lines[0]
        assert "日本語の文です。" in lines[0]
        header = str(app.screen.query_one("#reader-header").render())
        assert "[bold]Head[/] [@click=app.quit]x[/]" in header
        await pilot.press("y")  # the app is still running


async def test_rewraps_on_resize(app_on_seed):
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        wide = view._ensure_layout().total
        await pilot.resize_terminal(60, 40)
        await pilot.pause()
        assert view._ensure_layout().total > wide


async def test_reader_opened_by_path_comes_alive_after_the_database(tmp_path, seed_path):
    # The CLI's way: the text paints first, the store opens in a worker.
    app = AnnotateApp(db_path=tmp_path / "a.db", article=load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert view_of(app).ready and app.store is not None
        await pilot.press("j", "q")
        assert labels_in_db(app) == [(2, 1, "quote")]


async def test_footer_arrives_after_the_first_frame_with_its_keys(app_on_seed):
    # The Footer is mounted after the text paints; it must still show the
    # keys (it draws them on a bindings signal it could have missed).
    from textual.widgets import Footer

    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        assert not app.screen.query("#footer-slot")
        shown = [key.description for key in footer.query("FooterKey")]
        assert shown[:4] == ["Help", "Next ¶", "Prev ¶", "Claim"]
        assert footer.region.y == SIZE[1] - 1


async def test_cached_lines_follow_tags_undo_and_theme(app_on_seed):
    # Lines are cached between frames; every change that shapes a line must
    # still reach the screen.
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = view_of(app)

        def gutter(y: int) -> str:
            return view.render_line(y).text[:9]

        assert gutter(0) == "     1  ▌"
        await pilot.press("q")
        assert gutter(0) == "     1 Q▌" and gutter(1) == "       Q▌"
        await pilot.press("u")
        assert gutter(0) == "     1  ▌"
        await pilot.press("j")  # the bar follows the cursor to paragraph 2
        assert gutter(0) == "     1   " and gutter(3) == "     2  ▌"
        dark = list(view.render_line(0))[0].style.bgcolor
        app.theme = "textual-light"
        await pilot.pause()
        assert list(view.render_line(0))[0].style.bgcolor != dark
