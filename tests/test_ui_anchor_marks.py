"""Fuzzy and orphaned tags are never silent in the reader (issue 10): the
status line counts them and a fuzzy tag is marked on its sentence, readable
without colour (lower-case gutter letter, underlined text)."""

from __future__ import annotations

from tests.test_ui_reader import SIZE, settle, status_of
from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp

SEED_P3 = "M. Elaine Bunn, a deputy"


def edited_seed(tmp_path, seed_path):
    """The seed with ¶2's sentence tagged claim and ¶3's sentence tagged quote,
    then ¶2 lightly edited (a fuzzy placement) and ¶3 rewritten (an orphan)."""
    path = tmp_path / "story.txt"
    text = seed_path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    doc = store.open_article(load_article(path))
    store.tag(doc, 2, doc.article.paragraphs[1].sentences[0], "claim")
    store.tag(doc, 3, doc.article.paragraphs[2].sentences[0], "quote")
    paragraphs = text.split("\n\n")
    assert paragraphs[3].startswith(SEED_P3)
    second = paragraphs[2]
    edited = text.replace(second, second.replace("preliminary", "early", 1))
    edited = edited.replace(paragraphs[3], "Nothing of that paragraph is left.")
    assert "preliminary" not in edited
    path.write_text(edited, encoding="utf-8")
    return store, path


async def test_fuzzy_and_orphaned_tags_are_counted_and_marked(tmp_path, seed_path):
    store, path = edited_seed(tmp_path, seed_path)
    app = AnnotateApp(store, article=load_article(path), exports=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause()
        await settle(pilot)
        assert "1 fuzzy  1 orphan (o)" in status_of(app)
        view = app.screen.view
        p2 = app.screen.article.paragraphs[1].sentences[0]
        assert view.fuzzy == {(p2.start, p2.end)}
        assert view.labels[(p2.start, p2.end)] == "claim"
        # The gutter letter of a fuzzy tag is lower case, and underlined.
        line = next(y for y in range(SIZE[1] - 4)
                    if view.render_line(y).text[7] == "c")
        strip = view.render_line(line)
        gutter = [seg for seg in strip if seg.text == "c"]
        assert gutter and gutter[0].style.underline and gutter[0].style.italic
        text_segments = [seg for seg in strip if "early discussions" in seg.text]
        assert any(seg.style.underline for seg in text_segments)
        # Untagging it leaves nothing fuzzy: the count goes.
        view.move_to_offset(p2.start)
        await pilot.press("x")
        await settle(pilot)
        await pilot.pause()
        await settle(pilot)
        assert view.fuzzy == frozenset()
        assert "1 orphan (o)" in status_of(app)
        assert "fuzzy" not in status_of(app)
