"""Snapshots of the reader's look (issue 12): on a light theme, and under NO_COLOR.

Both show the seed with a claim, a quote sharing a line with an untagged
sentence, a background sentence, another claim with a note (✎), and the
cursor on the untagged sentence. Regenerate after a deliberate visual change
with ``uv run pytest tests/test_look_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_snapshots import SIZE, settle
from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_look_snapshots"
# rich's SVG export draws a window with three coloured buttons, and its
# title and unstyled cells in its own default #c5c8c6: not the app's colours.
SVG_CHROME = {"#ff5f57", "#febc2e", "#28c840", "#c5c8c6"}


def tagged_app(tmp_path, seed_path) -> AnnotateApp:
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    doc = store.open_article(load_article(seed_path))
    p = doc.article.paragraphs
    store.tag(doc, 1, p[0].sentences[0], "claim")
    store.tag(doc, 2, p[1].sentences[1], "quote")
    store.tag(doc, 2, p[1].sentences[2], "background")
    store.tag(doc, 4, p[3].sentences[0], "claim")
    store.set_note(doc, p[3].sentences[0], "check the transcript")
    return AnnotateApp(store, article=load_article(seed_path))


def cursor_on_untagged(theme: str | None = None):
    async def run_before(pilot):
        if theme is not None:
            pilot.app.theme = theme
        await settle(pilot)
        await pilot.press("j")  # ¶2, its first (untagged) sentence
        await settle(pilot)

    return run_before


def test_reader_on_textual_light(snap_compare, tmp_path, seed_path):
    app = tagged_app(tmp_path, seed_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=cursor_on_untagged("textual-light"))


def test_reader_under_no_color(snap_compare, tmp_path, seed_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it when the App is made
    app = tagged_app(tmp_path, seed_path)
    assert app.no_color
    assert snap_compare(app, terminal_size=SIZE, run_before=cursor_on_untagged())
    # The stored picture really has no colour: every fill is a grey.
    svg = (SNAPSHOTS / "test_reader_under_no_color.raw").read_text(encoding="utf-8")
    fills = set(re.findall(r"fill(?:: |=\")(#[0-9a-f]{6})", svg)) - SVG_CHROME
    assert len(fills) > 3
    assert all(f[1:3] == f[3:5] == f[5:7] for f in fills), sorted(fills)
    # ... and the labels still show: bold (claim), italic (quote).
    assert "font-weight: bold" in svg and "font-style: italic" in svg
