"""Attacks on the review features of issue 12 (notes, the tags panel, stepping, search).

Each test is a fault found by driving the real app as a hostile user or a
busy journalist would; real SQLite files, Pilot.
"""

from __future__ import annotations

from tests.test_ui_reader import SIZE, app_on_seed, press, settle  # noqa: F401


def note_in_db(app) -> str:
    return app.store.db.execute("SELECT note FROM annotations").fetchone()[0]


async def test_editing_a_note_with_line_breaks_keeps_them(app_on_seed):  # noqa: F811
    """A note imported with line breaks (an Excel cell) is shown with ␊ in the
    one-line box; editing it saved the ␊ symbols instead of the line breaks."""
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        app.store.db.execute("UPDATE annotations SET note = ?", ["first line\nsecond\tline\x1b"])
        app.store.db.conn.commit()
        await press(pilot, "a")
        await pilot.press("end", *" more", "enter")
        await settle(pilot)
        assert note_in_db(app) == "first line\nsecond line\x1b more"


async def test_a_typed_control_picture_stays_a_picture(app_on_seed):  # noqa: F811
    """Only symbols that stood for a control character of the old note go back."""
    app = app_on_seed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c", "a")
        from textual.widgets import Input

        app.screen.query_one(Input).value = "see ␊ here"  # pasted: no key types it
        await pilot.press("enter")
        await settle(pilot)
        assert note_in_db(app) == "see ␊ here"


async def test_a_notice_does_not_cover_the_status_line(app_on_seed):  # noqa: F811
    """"Search wrapped to the start." sat on the status line's right half for
    its 5 s, over "match 3 of 9" and the tag counts it was about."""
    from textual.widgets._toast import Toast

    from tests.test_ui_reader import status_of

    app = app_on_seed
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "G", "slash")
        await pilot.press(*"unfazed", "enter")
        await settle(pilot)
        await pilot.pause(0.3)
        assert "(wrapped to the start)" in status_of(app)
        toasts = list(app.screen.query(Toast))
        assert toasts, "the wrap is announced"
        status = app.screen.query_one("#status").region
        footer_top = app.screen.size.height - 1
        for toast in toasts:
            assert not toast.region.overlaps(status), (toast.region, status)
            assert toast.region.bottom <= status.y
        assert status.y == footer_top - 1


def visible_status(app) -> str:
    """The status line as far as it fits on the screen (it is one line, cut)."""
    from tests.test_ui_reader import status_of

    status = app.screen.query_one("#status")
    return status_of(app)[:status.content_region.width]


async def test_search_and_saving_fit_the_status_line_at_80_columns(app_on_seed, tmp_path):  # noqa: F811
    """At 80 columns the counts filled the line: "match 1 of 2" and "saving…"
    came after them and were never on screen."""
    import sqlite3

    from tests.test_ui_faults import wait_until

    app = app_on_seed
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "j", "j", "j", "j", "j", "j", "j", "slash")
        await pilot.press(*"interfax", "enter")
        await settle(pilot)
        assert "/interfax match 1 of 2 (wrapped to the start)" in visible_status(app)
        other = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("c")
            await wait_until(pilot, lambda: "saving…" in visible_status(app), "saving… shown")
        finally:
            other.execute("COMMIT")
            other.close()
        await settle(pilot)


async def test_tags_panel_opened_before_a_database_that_fails_says_so(tmp_path, seed_path):
    """t typed while the database was opening: when it failed, the panel still
    said "Opening the database…" for ever."""
    from tests.test_ui_faults import SlowOpener
    from tui.text import load_article
    from tui.ui.app import AnnotateApp
    from tui.ui.tags_panel import TagsPanel

    opener = SlowOpener(fail="a.db: locked by another program")
    app = AnnotateApp(db_path=tmp_path / "a.db", article=load_article(seed_path), opener=opener)
    async with app.run_test(size=(120, 30)) as pilot:
        try:
            await pilot.press("t")
            await pilot.pause()
            panel = app.screen.query_one(TagsPanel)
            assert panel.render_line(0).text.startswith("Opening the database…")
        finally:
            opener.release.set()
        await settle(pilot)
        await pilot.pause()
        assert panel.render_line(0).text.startswith("No database: no tags to list.")
