"""Issue 13 in the reader: blind by default, C shows the other coders' labels."""

from __future__ import annotations

import json

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


async def test_the_status_line_always_names_the_coder(tmp_path, seed_path):
    """Issue 13: the coder is named in the status line, also when alone."""
    store = AnnotationStore(tmp_path / "a.db", annotator="ana")
    app = AnnotateApp(store, article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert status_of(app).endswith("   coder ana")


def test_the_installed_reader_codes_as_the_annotator_given(tmp_path, seed_path, xdisplay):
    """`tui --annotator ana ...` in a real terminal: ana's tag, ana named."""
    import os

    from tests.conftest import run_tui
    from tests.test_e2e_tmux import TUI, Tmux, require_tools

    require_tools("tmux")
    db = tmp_path / "team.db"
    ben = AnnotationStore(db, annotator="ben")
    doc = ben.open_article(load_article(seed_path))
    ben.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "quote")
    ben.close()
    env = {"DISPLAY": xdisplay, "TERM": "xterm-256color", "HOME": str(tmp_path)}
    session = Tmux(f"tui-team-{os.getpid()}", f"{TUI} --annotator ana --db {db} {seed_path}", env)
    try:
        screen = session.wait_for("0/13 tagged")  # ben's quote is not shown (blind)
        assert "coder ana" in screen
        session.keys("c")
        session.wait_for("C claim 1")
        session.keys("C-q")
        session.wait_for("TUI-EXITED-0")
    finally:
        session.kill()
    rows = run_tui("export", "--db", str(db), "--format", "jsonl").stdout.splitlines()
    assert sorted((json.loads(r)["annotator"], json.loads(r)["label"]) for r in rows) == [
        ("ana", "claim"), ("ben", "quote")]
