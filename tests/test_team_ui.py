"""Issue 13 in the reader: blind by default, C shows the other coders' labels."""

from __future__ import annotations

from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp

SIZE = (160, 40)


def status_of(app) -> str:
    return str(app.screen.query_one("#status").render())


async def test_the_reader_is_blind_and_c_compares(tmp_path, seed_path):
    article = load_article(seed_path)
    for coder, label in (("ben", "quote"), ("cem\u202e", "claim")):
        raw = AnnotationStore(tmp_path / "a.db", annotator="ben")
        doc = raw.open_article(article)
        raw.annotator = coder  # a name another program wrote (bidi control)
        raw.tag(doc, 1, doc.article.paragraphs[0].sentences[0], label)
        raw.close()
    store = AnnotationStore(tmp_path / "a.db", annotator="ana")
    app = AnnotateApp(store, article=article, exports=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.view
        assert view.labels == {}  # blind: none of the others' tags
        assert "others" not in status_of(app)
        assert status_of(app).endswith("   coder ana")  # others coded it: who am I
        await pilot.press("C")
        assert status_of(app).endswith("coder ana · others: ben quote, cem\ufffd claim")
        assert "\u202e" not in status_of(app)
        await pilot.press("l")
        assert status_of(app).endswith("coder ana · others: none")
        await pilot.press("c")  # ana's own tag: the others still shown apart
        assert view.labels == {(158, 307): "claim"}
        await pilot.press("h", "C")
        assert "others" not in status_of(app)


async def test_a_solo_reader_does_not_show_a_coder(tmp_path, seed_path):
    store = AnnotationStore(tmp_path / "a.db", annotator="ana")
    app = AnnotateApp(store, article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert "coder" not in status_of(app)
