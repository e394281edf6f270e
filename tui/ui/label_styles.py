"""How a label looks in the reader, worked out from the active theme.

Each label has a colour and a text style. The colour comes from the theme
(``.article-view--claim`` and friends in ``app.tcss``: ``$warning``,
``$primary``, ``$success``, ``$error``), so it follows ``ctrl+p`` → theme; a
theme colour that is too faint against the text's background (WCAG asks
4.5:1) is blended toward the theme's own text colour until it is readable.
The text style (claim bold, quote italic, background dim) is what tells a
tagged sentence from its untagged neighbour without colour: under
``NO_COLOR``, on a 16-colour terminal, for a colour-blind reader.

Worked out once per theme (the view caches the result until the CSS or the
theme changes), never per line.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.color import Color as RichColor
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual.constants import DIM_FACTOR

# The text style of each label, what tells it without colour (the help
# screen and README describe it from here). The colour is the theme's, in
# app.tcss. A label not listed has colour only (and its gutter letter).
LOOK = {"claim": "bold", "quote": "italic", "background": "dim"}
UNKNOWN_LOOK = "bold italic"  # a label another client wrote that this app does not know

NOTE_MARK = "✎"  # in the gutter: a sentence on the line has a note
UNKNOWN_MARK = "?"  # the gutter mark of a label this app does not know

MINIMUM_CONTRAST = 4.5  # WCAG 2 level AA for normal text
BLEND_STEP = 0.02  # how far toward the text colour each try moves
BLACK = (0, 0, 0)
WHITE = (255, 255, 255)

RGB = tuple[int, int, int]


def _channel(value: int) -> float:
    """One sRGB channel (0-255) as linear light (WCAG 2 relative luminance)."""
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance of an sRGB colour: 0 (black) to 1 (white)."""
    r, g, b = rgb
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours, 1.0 to 21.0 (order does not matter)."""
    la, lb = luminance(a), luminance(b)
    light, dark = max(la, lb), min(la, lb)
    return (light + 0.05) / (dark + 0.05)


def blend(a: RGB, b: RGB, factor: float) -> RGB:
    """``a`` moved ``factor`` (0..1) of the way toward ``b``."""
    return tuple(round(x + (y - x) * factor) for x, y in zip(a, b))  # type: ignore[return-value]


def dimmed(rgb: RGB, background: RGB) -> RGB:
    """What Textual draws for dim text of colour ``rgb`` on ``background``.

    Textual does not send the terminal's faint attribute: it blends the
    colour toward the background (its ANSIToTruecolor filter, DIM_FACTOR).
    """
    # Truncated, as Textual's dim_color does (rich's Color.from_rgb).
    r, g, b = (int(ground + (c - ground) * DIM_FACTOR) for c, ground in zip(rgb, background))
    return r, g, b


def worst_contrast(rgb: RGB, backgrounds: Iterable[RGB], dim: bool = False) -> float:
    """The lowest contrast of ``rgb`` (drawn dim or not) over ``backgrounds``."""
    return min(contrast(dimmed(rgb, bg) if dim else rgb, bg) for bg in backgrounds)


def readable(rgb: RGB, backgrounds: list[RGB], toward: RGB, *, dim: bool = False,
             minimum: float = MINIMUM_CONTRAST) -> RGB:
    """``rgb``, or the least blend of it toward ``toward`` that reaches ``minimum``
    against every background.

    ``toward`` is the theme's text colour, so the hue fades into the text
    colour rather than into black or white. If even that falls short (a
    theme whose own text is faint, solarized-dark's is 4.1:1), ``rgb`` is
    blended toward black or white instead, whichever stands out more (so
    two labels keep two hues); the most readable colour found is returned
    if none reaches ``minimum``.
    """
    if worst_contrast(rgb, backgrounds, dim) >= minimum:
        return rgb
    steps = round(1 / BLEND_STEP)
    for step in range(1, steps + 1):
        candidate = blend(rgb, toward, step / steps)
        if worst_contrast(candidate, backgrounds, dim) >= minimum:
            return candidate
    extreme = max((BLACK, WHITE), key=lambda end: worst_contrast(end, backgrounds, dim))
    best = rgb
    for step in range(1, steps + 1):
        candidate = blend(rgb, extreme, step / steps)
        if worst_contrast(candidate, backgrounds, dim) >= minimum:
            return candidate
        if worst_contrast(candidate, backgrounds, dim) > worst_contrast(best, backgrounds, dim):
            best = candidate
    return best


def to_rgb(colour: RichColor | None, terminal: TerminalTheme, *, foreground: bool) -> RGB:
    """The RGB a colour is drawn in; ANSI and default colours through the
    terminal palette Textual assumes (``App.ansi_theme``)."""
    if colour is None:
        colour = RichColor.default()
    triplet = colour.get_truecolor(terminal, foreground=foreground)
    return triplet.red, triplet.green, triplet.blue


def readable_colour(colour: RichColor | None, backgrounds: list[RichColor | None],
                    text: RichColor | None, terminal: TerminalTheme, *,
                    dim: bool = False) -> RichColor | None:
    """``colour`` made readable on every background (see :func:`readable`).

    ``text`` is the theme's text colour (``None``: the terminal's). An ANSI
    or default colour that is not readable in the assumed palette is not
    blended (a blend would leave the terminal's palette): the text colour
    is used instead.
    """
    if colour is None:
        colour = text if text is not None else RichColor.default()
    grounds = [to_rgb(bg, terminal, foreground=False) for bg in backgrounds]
    if colour.triplet is None:  # ANSI (standard, 256) or default: the terminal's palette
        drawn = to_rgb(colour, terminal, foreground=True)
        if worst_contrast(drawn, grounds, dim) < MINIMUM_CONTRAST:
            return text
        return colour
    fore = to_rgb(text, terminal, foreground=True)
    r, g, b = readable(tuple(colour.triplet), grounds, fore, dim=dim)
    return RichColor.from_rgb(r, g, b)


def label_style(part: Style, look: str, fallback: str | None,
                backgrounds: list[RichColor | None], text: RichColor | None,
                terminal: TerminalTheme) -> Style:
    """The style of a label's text: its ``look`` (``LOOK``) and its CSS colour,
    made readable on every background.

    ``part`` is the label's component style (its colour; a text style set
    there adds to ``look``); ``fallback`` the label's own hex colour
    (``tui/store/labels.py``) for a label the CSS has no rule for.
    """
    colour = part.color if part.color is not None else (
        RichColor.parse(fallback) if fallback else None)
    style = Style.parse(look or "none") + Style(bold=part.bold, italic=part.italic, dim=part.dim)
    if colour is None:
        return style
    return style + Style(color=readable_colour(colour, backgrounds, text, terminal,
                                               dim=bool(style.dim)))


def marks_help(app) -> list[str]:
    """How tags and notes read on screen, with or without colour (help screen lines).

    The keys named are ``app``'s, as its keymap bound them.
    """
    from ..store import LABELS
    from .keymap import key_of

    looks = ", ".join(f"{label.name} {LOOK[label.name]}" for label in LABELS if label.name in LOOK)
    return [
        "Marks",
        "",
        f"Tagged text: {looks}; in the theme's colours.",
        "Gutter letter (C Q B): the first tagged sentence on the line.",
        f"Lower-case letter, underlined text: a fuzzy tag "
        f"({key_of(app, 'reader.anchors')} checks it).",
        f"{UNKNOWN_MARK} and {UNKNOWN_LOOK} text: a label another program wrote.",
        f"{NOTE_MARK} before the letter: a sentence on the line has a note "
        f"({key_of(app, 'reader.note')} edits it).",
        "",
    ]
