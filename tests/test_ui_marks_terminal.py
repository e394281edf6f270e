"""Tags read without colour in a real terminal (issue 12): the installed `tui`
in tmux, on a 16-colour terminal (TERM=xterm, no COLORTERM) and under
NO_COLOR. The screen is read back with its attributes (`capture-pane -e`)
and each character's SGR state is compared between a tagged sentence and
the untagged one beside it on the same line."""

from __future__ import annotations

import re
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.helpers_x11 import require_tools
from tests.test_e2e_tmux import Tmux
from tui.store import AnnotationStore
from tui.text import load_article

pytestmark = pytest.mark.e2e
TUI = Path(sys.executable).parent / "tui"
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def cells(line: str) -> list[tuple[str, frozenset, str]]:
    """(character, attributes, foreground) for each character of a captured line."""
    out = []
    attrs: set[str] = set()
    fg = "default"
    position = 0
    for match in SGR.finditer(line + "\x1b[m"):
        for char in line[position:match.start()]:
            out.append((char, frozenset(attrs), fg))
        position = match.end()
        codes = match.group(1).replace(":", ";").split(";") if match.group(1) else ["0"]
        i = 0
        while i < len(codes):
            code = int(codes[i] or 0)
            if code == 0:
                attrs.clear()
                fg = "default"
            elif code in (1, 2, 3, 4, 7, 9):
                attrs.add({1: "bold", 2: "dim", 3: "italic", 4: "underline", 7: "reverse",
                           9: "strike"}[code])
            elif code == 22:
                attrs -= {"bold", "dim"}
            elif code == 23:
                attrs.discard("italic")
            elif code == 24:
                attrs.discard("underline")
            elif code == 27:
                attrs.discard("reverse")
            elif code == 38 and codes[i + 1] == "5":
                fg, i = f"256:{codes[i + 2]}", i + 2
            elif code == 38 and codes[i + 1] == "2":
                fg, i = "rgb:" + ",".join(codes[i + 2:i + 5]), i + 4
            elif code == 48 and codes[i + 1] in ("2", "5"):
                i += 4 if codes[i + 1] == "2" else 2
            elif 30 <= code <= 37 or 90 <= code <= 97:
                fg = str(code)
            elif code == 39:
                fg = "default"
            i += 1
    return out


def look(line_cells, text: str) -> set[tuple[frozenset, str]]:
    """The (attributes, foreground) pairs of the non-blank characters of ``text`` in a line."""
    plain = "".join(c for c, _, _ in line_cells)
    start = plain.index(text)
    return {(a, fg) for c, a, fg in line_cells[start:start + len(text)] if not c.isspace()}


@pytest.fixture
def tagged(tmp_path, seed_path):
    """¶2 of the seed: sentence 2 quote, 3 background, 1 untagged; ¶4 claim."""
    db = tmp_path / "a.db"
    store = AnnotationStore(db, annotator="tester")
    doc = store.open_article(load_article(seed_path))
    p = doc.article.paragraphs
    store.tag(doc, 2, p[1].sentences[1], "quote")
    store.tag(doc, 2, p[1].sentences[2], "background")
    store.tag(doc, 4, p[3].sentences[0], "claim")
    store.db.conn.close()
    return db


def run(seed_path, db, extra: str) -> list[str]:
    require_tools("tmux")
    tmux = Tmux(f"look-{uuid.uuid4().hex[:8]}",
                f"env -u COLORTERM {extra} {TUI} {seed_path}",
                {"TUI_DB": str(db), "TUI_ANNOTATOR": "tester"})
    try:
        tmux.wait_for("3/13 tagged")
        time.sleep(0.3)
        return tmux._tmux("capture-pane", "-e", "-p").splitlines()
    finally:
        tmux.kill()


def find(lines, text):
    for line in lines:
        line_cells = cells(line)
        if text in "".join(c for c, _, _ in line_cells):
            return line_cells
    raise AssertionError(f"{text!r} not on screen")


def test_sixteen_colours_tell_each_tag_from_its_untagged_neighbour(seed_path, tagged):
    lines = run(seed_path, tagged, "TERM=xterm")
    # No 24-bit or 256 colour reaches a 16-colour terminal.
    assert not any("38;2;" in line or "38;5;" in line for line in lines)
    # ¶2: "...2010 Lisbon agreement." (untagged) then "However, ..." (quote), one line.
    shared = find(lines, "Lisbon agreement. However")
    untagged = look(shared, "in accord with a 2010 Lisbon agreement.")
    quote = look(shared, "However, the talks never")
    assert all("italic" not in a and "bold" not in a for a, _ in untagged)
    assert all("italic" in a for a, _ in quote), quote
    background = look(find(lines, "Moscow sees the weapons"), "Moscow sees the weapons")
    assert {fg for _, fg in background}.isdisjoint({fg for _, fg in untagged}), background
    claim = look(find(lines, "Asked by Interfax"), "Asked by Interfax")
    assert all("bold" in a for a, _ in claim), claim


def test_no_color_in_a_real_terminal_is_grey_with_styles(seed_path, tagged):
    lines = run(seed_path, tagged, "NO_COLOR=1 COLORTERM=truecolor")
    colours = {fg for line in lines for _, _, fg in cells(line) if fg.startswith("rgb:")}
    assert colours, "expected 24-bit greys"
    assert all(len(set(fg[4:].split(","))) == 1 for fg in colours), colours
    shared = find(lines, "Lisbon agreement. However")
    assert all("italic" in a for a, _ in look(shared, "However, the talks never"))
    assert all("italic" not in a for a, _ in look(shared, "in accord with a 2010"))
    assert all("bold" in a for a, _ in look(find(lines, "Asked by Interfax"), "Asked by Interfax"))
