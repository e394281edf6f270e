"""Issue 13, adjudication: the disagreements, settled as `gold`, undoable, exported."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import run_tui
from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp
from tui.ui.screens.adjudicate import AdjudicateScreen

SIZE = (160, 40)


def status_of(app) -> str:
    return str(app.screen.query_one("#status").render())


def coded(tmp_path, seed_path):
    """ana and ben agree on 1.1, disagree on 2.1 (claim / quote, with a note) and
    on 3.1 (ben only: ana coded the article, so hers is `none`)."""
    article = load_article(seed_path)
    for coder, tags in (("ana", [(1, "claim"), (2, "claim")]),
                        ("ben", [(1, "claim"), (2, "quote"), (3, "background")])):
        store = AnnotationStore(tmp_path / "a.db", annotator=coder)
        doc = store.open_article(article)
        for p, label in tags:
            store.tag(doc, p, doc.article.paragraphs[p - 1].sentences[0], label)
        if coder == "ben":
            store.set_note(doc, doc.article.paragraphs[1].sentences[0], "a paraphrase")
        store.close()
    return article


def test_the_store_lists_the_disagreements_but_the_adjudicators(tmp_path, seed_path):
    article = coded(tmp_path, seed_path)
    store = AnnotationStore(tmp_path / "a.db", annotator="gold")
    doc = store.open_article(article)
    assert store.disagreements(doc, exclude=("gold",)) == {
        (158, 307): {"ana": ("claim", ""), "ben": ("quote", "a paraphrase")},
        (700, 925): {"ana": ("none", ""), "ben": ("background", "")},  # 3.1
    }
    store.close()


async def test_adjudication_steps_through_settles_as_gold_and_undoes(tmp_path, seed_path):
    article = coded(tmp_path, seed_path)
    store = AnnotationStore(tmp_path / "a.db", annotator="gold")
    app = AnnotateApp(store, article=article, exports=tmp_path / "exports")
    app.reader_class = AdjudicateScreen
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.view
        assert (view.paragraph, view.sentence) == (2, 1)  # the first disagreement
        assert status_of(app).startswith(
            "0 of 2 disagreements settled · ana claim | ben quote (a paraphrase)")
        await pilot.press("q")
        assert status_of(app).startswith("1 of 2 disagreements settled")
        await pilot.press("d")
        assert (view.paragraph, view.sentence) == (3, 1)
        assert "ana none | ben background" in status_of(app)
        await pilot.press("b")
        assert status_of(app).startswith("2 of 2 disagreements settled")
        await pilot.press("u")  # undoable like any tag
        assert status_of(app).startswith("1 of 2 disagreements settled")
        await pilot.press("ctrl+r", "D")
        assert (view.paragraph, view.sentence) == (2, 1)
    rows = store.db.execute("SELECT annotator, paragraph, label FROM annotations "
                            "WHERE annotator = 'gold' ORDER BY paragraph").fetchall()
    assert rows == [("gold", 2, "quote"), ("gold", 3, "background")]
    exported = run_tui("export", "--db", str(tmp_path / "a.db"), "--annotator", "gold")
    assert [(r["annotator"], r["paragraph"], r["label"])
            for r in csv.DictReader(io.StringIO(exported.stdout))] == [
        ("gold", "2", "quote"), ("gold", "3", "background")]
    # Agreement is between the coders: gold only when asked for.
    report = json.loads(run_tui("agreement", "--db", str(tmp_path / "a.db"), "--format",
                                "json").stdout)
    assert report["coders"] == ["ana", "ben"]
    report = json.loads(run_tui("agreement", "--db", str(tmp_path / "a.db"), "--format", "json",
                                "--annotators", "ana,gold").stdout)
    assert report["coders"] == ["ana", "gold"]


def test_a_bad_gold_name_is_one_line(tmp_path, seed_path):
    result = run_tui("read", "--db", str(tmp_path / "a.db"), str(seed_path), "--adjudicate",
                     "--gold", "go\x1bld")
    assert (result.returncode, result.stderr) == (
        2, "tui: --gold go\\x1bld contains a control character (U+001B)\n")
