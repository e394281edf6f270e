"""Tags and notes read without colour, per sentence (issue 12).

One gutter letter per screen line cannot say which of two sentences on a
line is tagged; each label also has a text style (claim bold, quote italic,
background dim), so under NO_COLOR a tagged sentence differs from the
untagged one beside it. A sentence whose tag has a note puts a ✎ in the
gutter of its lines.
"""

from __future__ import annotations

import pytest

from tests.test_ui_reader import SIZE, press, settle
from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp
from tui.ui.article_view import GUTTER

# Attributes, not colours: what a no-colour terminal still shows.
LOOK = {"claim": "bold", "quote": "italic", "background": "dim"}


def cells_by_sentence(view, y, sentences):
    """Styles of the non-blank cells of screen line ``y``, per sentence (index in ``sentences``)."""
    strip = view.render_line(y)
    start = view.offset_at(GUTTER, y)
    found: dict[int, set] = {}
    if start is None:  # a blank line
        return found
    x = 0
    for segment in strip:
        for char in segment.text:
            if x >= GUTTER and not char.isspace():
                offset = start + x - GUTTER
                for number, sentence in enumerate(sentences):
                    if sentence.start <= offset < sentence.end:
                        found.setdefault(number, set()).add(segment.style)
            x += 1
    return found


def shared_line(view, first, second):
    """The screen line where ``first`` ends and ``second`` begins."""
    for y in range(view.size.height):
        cells = cells_by_sentence(view, y, [first, second])
        if set(cells) == {0, 1}:
            return y
    raise AssertionError("the two sentences never share a line")


def attributes(style) -> set[str]:
    return {name for name in ("bold", "italic", "dim", "underline", "reverse")
            if getattr(style, name)}


@pytest.mark.parametrize("label", ["claim", "quote", "background"])
async def test_a_tagged_sentence_differs_from_its_untagged_neighbour_without_colour(
        label, tmp_path, seed_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    doc = store.open_article(load_article(seed_path))
    untagged, tagged = doc.article.paragraphs[1].sentences[:2]
    store.tag(doc, 2, tagged, label)
    app = AnnotateApp(store, article=load_article(seed_path))
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.view
        assert view.paragraph == 1  # the cursor is elsewhere
        y = shared_line(view, untagged, tagged)
        # The gutter letter is the tagged one's, on a line that starts untagged.
        assert view.render_line(y).text[GUTTER - 2] == label[0].upper()
        cells = cells_by_sentence(view, y, [untagged, tagged])
        plain = set().union(*(attributes(s) for s in cells[0]))
        marked = [attributes(s) for s in cells[1]]
        assert plain == set()
        assert all(look == {LOOK[label]} for look in marked), marked
        # What reaches the terminal has no colour: every colour is a grey.
        for line_filter in app.get_line_filters():
            strip = view.render_line(y).apply_filter(line_filter, app.screen.styles.background)
        greys = {seg.style.color.triplet for seg in strip if seg.style and seg.style.color}
        assert greys and all(r == g == b for r, g, b in greys), greys


async def test_each_label_has_its_own_look_and_fuzzy_adds_an_underline(tmp_path, seed_path):
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    doc = store.open_article(load_article(seed_path))
    first, second, third = doc.article.paragraphs[1].sentences
    store.tag(doc, 2, first, "claim")
    store.tag(doc, 2, second, "quote")
    store.tag(doc, 2, third, "background")
    app = AnnotateApp(store, article=load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.view
        sentences = [first, second, third]
        seen: dict[int, set] = {}
        for y in range(view.size.height):
            for number, styles in cells_by_sentence(view, y, sentences).items():
                seen.setdefault(number, set()).update(frozenset(attributes(s)) for s in styles)
        assert seen == {0: {frozenset({"bold"})}, 1: {frozenset({"italic"})},
                        2: {frozenset({"dim"})}}
        view.set_fuzzy([(second.start, second.end)])
        await pilot.pause()
        y = shared_line(view, first, second)
        cells = cells_by_sentence(view, y, sentences)
        assert {frozenset(attributes(s)) for s in cells[1]} == {frozenset({"italic", "underline"})}
        # Another client's label: "?" in the gutter, bold italic text.
        view.set_label(first.start, first.end, "verdict")
        await pilot.pause()
        assert view.render_line(y).text[GUTTER - 2] == "?"
        cells = cells_by_sentence(view, y, sentences)
        assert {frozenset(attributes(s)) for s in cells[0]} == {frozenset({"bold", "italic"})}


def note_lines(view) -> list[int]:
    return [y for y in range(view.size.height) if view.render_line(y).text[GUTTER - 3] == "✎"]


async def test_a_note_shows_a_mark_in_the_gutter(tmp_path, seed_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    doc = store.open_article(load_article(seed_path))
    p = doc.article.paragraphs
    store.tag(doc, 4, p[3].sentences[0], "claim")
    store.set_note(doc, p[3].sentences[0], "check the transcript")
    store.tag(doc, 1, p[0].sentences[0], "quote")
    app = AnnotateApp(store, article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.view
        # ¶4 (one sentence, two lines) has the note; ¶1's tag has none.
        marked = note_lines(view)
        assert len(marked) == 2
        assert view.render_line(marked[0]).text[:GUTTER - 1] == "     4✎C"
        # Written in the reader: a note on ¶1's tag; then cleared.
        await press(pilot, "a")
        await pilot.press(*"source?", "enter")
        await settle(pilot)
        assert len(note_lines(view)) == 4  # ¶1 takes two lines too
        assert view.render_line(note_lines(view)[0]).text[:GUTTER - 1] == "     1✎Q"
        await press(pilot, "a")
        await pilot.press(*["backspace"] * 7, "enter")
        await settle(pilot)
        assert len(note_lines(view)) == 2
        # Untagging ¶4's sentence drops its note, and the mark.
        await press(pilot, "j", "j", "j", "x")
        assert view.paragraph == 4
        assert note_lines(view) == []
        # Undo brings tag and note back.
        await press(pilot, "u")
        assert len(note_lines(view)) == 2


async def test_the_help_screen_explains_the_marks(tmp_path, seed_path):
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), article=load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = str(app.screen.query_one("#help-text").render())
        assert "Tagged text: claim bold, quote italic, background dim" in text
        assert "✎ before the letter: a sentence on the line has a note" in text
        assert "Lower-case letter, underlined text: a fuzzy tag" in text
