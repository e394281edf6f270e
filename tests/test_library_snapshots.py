"""Snapshots of the library at 80x24 and 120x40 and of the summary screens (issue 12).

Regenerate after a deliberate visual change with
``uv run pytest tests/test_library_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.test_ui_library import wait_loaded
from tui.store import AnnotationStore
from tui.text import load_article

FIXTURES = Path(__file__).parent / "fixtures" / "news"


def worked_library(tmp_path: Path, monkeypatch):
    """Three Wikinews articles (one done, one tagged, one untouched) and a long hostile title."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "library"
    folder.mkdir()
    for path in sorted(FIXTURES.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    (folder / "zz-hostile.txt").write_text(
        "1 May 2020\n[b]Bold[/b] \x1b[31mred\u202e Title That Is Much Too Long For Eighty Columns\n"
        "Evil [Outlet]\n\nOne sentence here. Another one there.\n")
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    for name, labels in (("afghan", ["claim", "quote", "claim"]), ("asylum", ["background"])):
        doc = store.open_article(load_article(folder / f"wikinews-gum-news-{name}.txt"))
        for index, label in enumerate(labels):
            store.tag(doc, 1 + index, doc.article.paragraphs[index].sentences[0], label)
    store.db.execute("UPDATE articles SET last_opened = '2026-11-20T09:15:00+00:00', "
                     "sentence_count = NULL")
    store.db.execute("UPDATE articles SET done_at = '2026-11-20T09:30:00+00:00' "
                     "WHERE path LIKE '%afghan.txt'")
    from tui.ui.app import AnnotateApp

    return AnnotateApp(store, folder=folder.relative_to(tmp_path))


def test_library_at_80x24(snap_compare, tmp_path, monkeypatch):
    app = worked_library(tmp_path, monkeypatch)
    assert snap_compare(app, terminal_size=(80, 24), run_before=wait_loaded)


def test_library_at_120x40(snap_compare, tmp_path, monkeypatch):
    app = worked_library(tmp_path, monkeypatch)
    assert snap_compare(app, terminal_size=(120, 40), run_before=wait_loaded)


def test_article_summary(snap_compare, tmp_path, monkeypatch):
    app = worked_library(tmp_path, monkeypatch)

    async def summary(pilot):
        await wait_loaded(pilot)
        await pilot.press("i")
        await wait_loaded(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=summary)


def test_library_summary(snap_compare, tmp_path, monkeypatch):
    app = worked_library(tmp_path, monkeypatch)

    async def summary(pilot):
        await wait_loaded(pilot)
        await pilot.press("I")
        await wait_loaded(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=summary)
