"""Quitting before the first refresh is done: no traceback.

The reader and the library add their Footer (the library also its filter
and progress bar) one refresh after the first frame, so that the text
paints first. A ctrl+q acted on in between closed the screen first, and the
late mount raised ``MountError`` ("Can't mount widget(s) before ... is
mounted"): the user saw a traceback instead of a clean exit (seen about
once in 18 launches with ctrl+q sent 5 ms after the first frame, through a
pseudo-terminal). Here the app quits in the very refresh that schedules
the late mount, every time.
"""

from __future__ import annotations

import pytest

from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp
from tui.ui.screens.library import LibraryScreen
from tui.ui.screens.reader import ReaderScreen


def _quit_when_mounted(monkeypatch, screen_class) -> list[str]:
    """Make ``screen_class`` quit the app as soon as its on_mount has run."""
    mounted: list[str] = []
    original = screen_class.on_mount

    def on_mount_then_quit(self):
        result = original(self)
        mounted.append(type(self).__name__)
        self.app.exit()  # as a ctrl+q read in the same moment
        return result

    monkeypatch.setattr(screen_class, "on_mount", on_mount_then_quit)
    return mounted


async def test_quit_before_the_reader_adds_its_footer(tmp_path, seed_path, monkeypatch):
    mounted = _quit_when_mounted(monkeypatch, ReaderScreen)
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    app = AnnotateApp(store, article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert mounted == ["ReaderScreen"]
    assert app.return_code in (0, None)


async def test_quit_before_the_library_adds_its_footer(tmp_path, seed_path, monkeypatch):
    mounted = _quit_when_mounted(monkeypatch, LibraryScreen)
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    app = AnnotateApp(store, folder=seed_path.parent, exports=tmp_path / "exports")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert mounted == ["LibraryScreen"]
    assert app.return_code in (0, None)
