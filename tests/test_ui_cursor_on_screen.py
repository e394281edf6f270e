"""Issue 12: the cursor is always on screen. PageDown, Space and the mouse
wheel move the view and the cursor (to the first sentence that starts in
view), so `c` never tags a sentence scrolled off screen."""

from __future__ import annotations

from tests.test_ui_reader import labels_in_db, settle, status_of
from tui.store import AnnotationStore
from tui.text import parse_article
from tui.ui.app import AnnotateApp

SIZE = (80, 12)  # 12 rows: the view shows a few paragraphs only


def long_article():
    body = "\n\n".join(f"Paragraph {p} opens here. It has a second sentence {p}." for p in range(1, 41))
    return parse_article(f"A Long Page\n\n{body}\n")


async def test_pagedown_then_c_tags_a_sentence_on_screen(tmp_path):
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="t"), article=long_article(),
                      exports=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.view
        assert (view.paragraph, view.sentence) == (1, 1)
        await pilot.press("pagedown")
        await settle(pilot)
        y = round(view.scroll_offset.y)
        assert y > 0
        top, bottom = view._cursor_lines()
        height = view.scrollable_content_region.height
        assert y <= top and bottom < y + height  # the cursor is on screen
        assert view.paragraph > 1
        first_shown = view.paragraph
        await pilot.press("c")
        await settle(pilot)
        assert labels_in_db(app) == [(first_shown, 1, "claim")]
        assert f"¶ {first_shown}/40" in status_of(app)
        # Space pages down too; the wheel (scroll_down) moves the cursor along.
        await pilot.press("space")
        await settle(pilot)
        assert view.paragraph > first_shown
        view.scroll_to(y=0, animate=False, immediate=True)
        await settle(pilot)
        assert (view.paragraph, view.sentence) == (1, 1)  # the first sentence in view
        top, bottom = view._cursor_lines()
        assert 0 <= top and bottom < height
