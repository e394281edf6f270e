"""Label colours and the cursor follow the theme and are readable in every
built-in Textual theme (issue 12, "Colours that follow the theme").

The contrast formula is written here, not imported: WCAG 2's relative
luminance and (L1 + 0.05) / (L2 + 0.05). The end-to-end test reads what the
reader draws (its rendered lines, after the app's own output filters: ANSI
colours through Textual's palette, dim turned into a blended colour) cell by
cell, and measures each tagged sentence's and the cursor's text against the
background it is drawn on.
"""

from __future__ import annotations

from functools import lru_cache

import pytest
from rich.color import Color as RichColor
from textual.app import App
from textual.filter import ANSIToTruecolor

from tests.test_ui_reader import SIZE, settle
from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp
from tui.ui.article_view import GUTTER
from tui.ui.label_styles import readable

AA = 4.5


def wcag_luminance(rgb) -> float:
    def linear(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@lru_cache(maxsize=None)
def wcag_contrast(a, b) -> float:
    la, lb = sorted((wcag_luminance(a), wcag_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_formula_on_known_values():
    assert round(wcag_contrast((0, 0, 0), (255, 255, 255)), 2) == 21.0
    assert round(wcag_contrast((255, 255, 255), (255, 255, 255)), 2) == 1.0
    # #767676 on white: the lightest grey that passes AA (4.54:1, WebAIM).
    assert round(wcag_contrast((0x76, 0x76, 0x76), (255, 255, 255)), 2) == 4.54
    # The figure: the old fixed claim colour on textual-light's surface.
    assert round(wcag_contrast((0xE5, 0xA5, 0x0A), (0xD8, 0xD8, 0xD8)), 1) == 1.5


def test_a_faint_colour_is_blended_toward_the_text_colour():
    # textual-light: $warning on the surface, text #1f1f1f.
    orange, surface, text = (0xFF, 0xA6, 0x2B), (0xD8, 0xD8, 0xD8), (0x1F, 0x1F, 0x1F)
    assert round(wcag_contrast(orange, surface), 2) == 1.37
    adjusted = readable(orange, [surface], text)
    assert adjusted == (0x79, 0x55, 0x24)  # 60 % of the way to the text colour
    assert round(wcag_contrast(adjusted, surface), 2) == 4.70
    # One blend step less (58 %) is not readable: the least blend is taken.
    assert wcag_contrast((0x7D, 0x58, 0x25), surface) < AA
    # A readable colour is left as it is.
    assert readable(text, [surface], text) == text


def test_when_the_text_colour_is_too_faint_the_blend_goes_to_white_or_black():
    # solarized-dark: its own text colour #839496 is 4.1:1 on #073642.
    blue, ground, text = (0x26, 0x8B, 0xD2), (0x07, 0x36, 0x42), (0x83, 0x94, 0x96)
    assert round(wcag_contrast(text, ground), 2) == 4.11
    adjusted = readable(blue, [ground], text)
    assert adjusted == (0x4D, 0xA0, 0xDA)  # still blue, 18 % toward white
    assert wcag_contrast(adjusted, ground) >= AA


def test_dim_text_is_checked_as_drawn():
    # Textual draws dim as the colour blended 66 % from the background.
    green, ground, text = (0x4E, 0xBF, 0x71), (0x1E, 0x1E, 0x1E), (0xE0, 0xE0, 0xE0)
    plain = readable(green, [ground], text)
    assert plain == green  # 7.2:1 as it is
    dim = readable(green, [ground], text, dim=True)
    assert dim == (0x83, 0xCB, 0x99)  # 36 % toward the text colour
    drawn = tuple(int(g + (c - g) * 0.66) for c, g in zip(dim, ground))
    assert wcag_contrast(drawn, ground) >= AA


# -- every built-in theme, as drawn ------------------------------------------


def _rgb(colour: RichColor) -> tuple[int, int, int]:
    assert colour.triplet is not None, colour  # the app's filters resolved it
    return tuple(colour.triplet)


def _cells(strip):
    """(x, text, style) per cell of a rendered strip."""
    x = 0
    for segment in strip:
        for char in segment.text:
            yield x, char, segment.style
            x += 1


def _drawn(app, view, y):
    strip = view.render_line(y)
    background = app.screen.styles.background
    filters = list(app.get_line_filters())  # what reaches the terminal
    if app.native_ansi_color:
        # An ANSI theme sends ANSI colours (and dim) as they are: the terminal's
        # palette decides. Measured in the palette Textual assumes otherwise.
        filters.insert(0, ANSIToTruecolor(app.ansi_theme))
    for line_filter in filters:
        strip = strip.apply_filter(line_filter, background)
    return strip


@pytest.fixture
def tagged_seed(tmp_path, seed_path):
    """The seed with ¶1 claim, ¶2 sentence 2 quote and 3 background (1 untagged),
    ¶4 claim with a note."""
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    doc = store.open_article(load_article(seed_path))
    p = doc.article.paragraphs
    assert len(p[1].sentences) == 3
    store.tag(doc, 1, p[0].sentences[0], "claim")
    store.tag(doc, 2, p[1].sentences[1], "quote")
    store.tag(doc, 2, p[1].sentences[2], "background")
    store.tag(doc, 4, p[3].sentences[0], "claim")
    store.set_note(doc, p[3].sentences[0], "check the transcript")
    return store


async def test_labels_and_cursor_reach_aa_in_every_builtin_theme(tagged_seed, seed_path):
    themes = list(App().available_themes)
    assert {"textual-dark", "textual-light", "solarized-dark", "ansi-light"} <= set(themes)
    app = AnnotateApp(tagged_seed, article=load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.view
        p = app.screen.article.paragraphs
        third = p[2].sentences[0]
        view.set_label(third.start, third.end, "verdict")  # another client's label
        spans = {(s.start, s.end): label for s, label in [
            (p[0].sentences[0], "claim"), (p[1].sentences[1], "quote"),
            (p[1].sentences[2], "background"), (third, "verdict"),
            (p[3].sentences[0], "claim")]}
        cursors = [(2, 1), (1, 1), (2, 2), (2, 3), (3, 1)]  # untagged, then each label
        claim_colours = {}
        failures = []
        for theme in themes:
            app.theme = theme
            await pilot.pause()
            checked: dict[str, int] = {}
            for paragraph, sentence in cursors:
                view.move_to(paragraph, sentence)
                await pilot.pause()
                cursor = view.current_sentence
                for y in range(view.size.height):
                    strip = _drawn(app, view, y)
                    text = strip.text
                    start = view.offset_at(GUTTER, y)
                    if len(text) <= GUTTER or start is None or not text[GUTTER:].strip():
                        continue
                    end = len(text.rstrip())  # then padding, not text
                    for x, char, style in _cells(strip):
                        if x >= end:
                            break
                        if x == GUTTER - 2 and char in "CQB?cqb":
                            what = "mark"
                        elif x == GUTTER - 3 and char == "✎":
                            what = "note"
                        elif x == GUTTER - 1 and char == "▌":  # the current paragraph's bar
                            what = "bar"
                        elif x >= GUTTER:
                            offset = start + x - GUTTER
                            inside = [key for key in spans if key[0] <= offset < key[1]]
                            if cursor.start <= offset < cursor.end:
                                what = "cursor"
                            elif inside:
                                what = spans[inside[0]]
                            else:
                                continue
                        else:
                            continue
                        fg, bg = _rgb(style.color), _rgb(style.bgcolor)
                        if style.reverse:
                            fg, bg = bg, fg
                        ratio = wcag_contrast(fg, bg)
                        if what == "claim":
                            claim_colours[theme] = fg
                        checked[what] = checked.get(what, 0) + 1
                        if ratio < AA:
                            failures.append((theme, what, f"{ratio:.2f}", str(style)))
            assert set(checked) == {"mark", "note", "bar", "cursor", "claim", "quote", "background",
                                    "verdict"}, theme
        assert failures == []
        # The colours follow the theme: claim is $warning made readable on each.
        assert claim_colours["textual-dark"] == (0xFE, 0xA6, 0x2B)
        assert claim_colours["textual-light"] == (0x78, 0x55, 0x24)
