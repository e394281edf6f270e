"""Issue 12, the reader's search: case- and accent-insensitive, highlights on
the original characters, "match 3 of 9", a notice when n/N wrap, Escape
clears it; a long article is searched on a worker."""

from __future__ import annotations

import pytest

from tests.test_ui_reader import messages, settle, status_of
from tui.store import AnnotationStore
from tui.text import parse_article
from tui.ui import search as search_module
from tui.ui.app import AnnotateApp

SIZE = (120, 30)

TEXT = (
    "City notes\n\n"
    "Zürich is a city near zurich. The ZURICH office opened. Nothing here.\n\n"
    "Die Straße in İzmir and Zürich. Another zu\u0301rich line.\n\n"
    "Plain sentence. Again zürich. And Zürich. ZÜRICH twice: zurich.\n"
)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    article = parse_article(TEXT, path=str(tmp_path / "city.txt"))
    return AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="t"), article=article,
                       exports=tmp_path / "exports")


def highlighted(app) -> list[str]:
    """The highlighted pieces of text on screen (the match style underlines), in order."""
    view = app.screen.view
    pieces = []
    for y in range(view.size.height):
        run = ""
        for segment in view.render_line(y):
            if segment.style is not None and segment.style.underline:
                run += segment.text
            elif run:
                pieces.append(run)
                run = ""
        if run:
            pieces.append(run)
    return pieces


async def search(pilot, query: str) -> None:
    await pilot.press("slash", *query, "enter")
    await settle(pilot)


async def test_match_3_of_9_case_and_accents_ignored_and_wrap_notices(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.view
        await search(pilot, "zurich")
        # From 1.1 (which holds two) the first match after the cursor is in 1.2.
        assert (view.paragraph, view.sentence) == (1, 2)
        assert "/zurich match 3 of 9" in status_of(app)
        assert highlighted(app) == ["Zürich", "zurich", "ZURICH", "Zürich", "zu\u0301rich",
                                    "zürich", "Zürich", "ZÜRICH", "zurich"]
        await pilot.press("n", "n", "n")
        assert "/zurich match 6 of 9" in status_of(app)
        assert (view.paragraph, view.sentence) == (3, 2)
        await pilot.press("n", "n", "n")  # 3.4 holds two: n goes to each
        assert (view.paragraph, view.sentence) == (3, 4)
        assert "/zurich match 9 of 9" in status_of(app)
        assert not any("wrapped" in m for m in messages(app))
        await pilot.press("n")
        assert (view.paragraph, view.sentence) == (1, 1)
        assert "/zurich match 1 of 9 (wrapped to the start)" in status_of(app)
        assert messages(app)[-1] == "Search wrapped to the start."
        await pilot.press("N")
        assert (view.paragraph, view.sentence) == (3, 4)
        assert "/zurich match 9 of 9 (wrapped to the end)" in status_of(app)
        assert messages(app)[-1] == "Search wrapped to the end."
        await pilot.press("N")
        assert "/zurich match 8 of 9" in status_of(app)
        assert "wrapped" not in status_of(app)


async def test_highlights_stay_on_the_original_letters_after_length_changes(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, "STRASSE")
        assert highlighted(app) == ["Straße"]
        assert "/STRASSE match 1 of 1" in status_of(app)
        await search(pilot, "izmir and zurich")
        assert highlighted(app) == ["İzmir and Zürich"]
        await search(pilot, "reforme")  # nothing: said in the status line and a notice
        assert highlighted(app) == []
        assert "no match for “reforme”" in status_of(app)
        assert messages(app)[-1] == "No match for “reforme”"


async def test_escape_clears_the_search_then_leaves(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, "zürich")
        assert len(highlighted(app)) == 9
        await pilot.press("escape")
        assert highlighted(app) == [] and "zürich" not in status_of(app)
        await pilot.press("n")  # no search any more
        assert messages(app)[-1] == "No search yet: press / to search."
        await pilot.press("escape")  # no library behind this article: said, not left
        assert messages(app)[-1] == "No library behind this article; ctrl+q quits."


async def test_queries_are_data_not_markup(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, "[b]x[/]")
        assert "no match for “[b]x[/]”" in status_of(app)
        assert messages(app)[-1] == "No match for “[b]x[/]”"


async def test_a_long_article_is_searched_and_counted_on_a_worker(app, monkeypatch):
    import threading

    from tui.text.search import ArticleSearch

    monkeypatch.setattr(search_module, "SYNC_CHARS", 0)
    counted_on = []
    count = ArticleSearch.count

    def count_where(self, *args, **kwargs):
        counted_on.append(threading.current_thread() is threading.main_thread())
        return count(self, *args, **kwargs)

    monkeypatch.setattr(ArticleSearch, "count", count_where)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.view
        await pilot.press("slash", *"zurich", "enter")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert counted_on == [False]  # not on the UI thread
        assert (view.paragraph, view.sentence) == (1, 2)
        assert "/zurich match 3 of 9" in status_of(app)
        await pilot.press("N")
        assert "/zurich match 2 of 9" in status_of(app)


async def test_a_search_typed_while_the_database_opens_jumps_once_it_is_open(tmp_path,
                                                                             seed_path):
    from tests.test_ui_faults import SlowOpener
    from tui.text import load_article

    opener = SlowOpener()
    app = AnnotateApp(db_path=tmp_path / "a.db", article=load_article(seed_path), opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.pause()
            await pilot.press("slash", *"interfax", "enter", "n")
            # The jumps need the sentences: kept, in order, behind the database.
            assert status_of(app) == "¶ 1/8   opening the database…   2 key(s) waiting"
        finally:
            opener.release.set()
        await settle(pilot)
        view = app.screen.view
        assert (view.paragraph, view.sentence) == (1, 1)  # 4.1 first, then n wrapped
        assert "/interfax match 1 of 2 (wrapped to the start)" in status_of(app)
