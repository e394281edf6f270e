"""The one function that makes outside text safe for a terminal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.text.safe import is_safe, printable


def test_escape_sequences_become_visible_symbols():
    osc52 = "\x1b]52;c;YXR0YWNr\x07 head"
    assert printable(osc52) == "␛]52;c;YXR0YWNr␇ head"
    assert printable("a\x1b]0;title\x1b\\b") == "a␛]0;title␛\\b"


def test_c0_del_c1_tab_and_newline():
    assert printable("\x00\x01\x1f\x7f") == "␀␁␟␡"
    assert printable("a\tb") == "a b"
    assert printable("one\ntwo\r") == "one␊two␍"
    assert printable("\x80x\x9b\x9f") == "\ufffdx\ufffd\ufffd"


def test_bidi_controls_cannot_reorder_the_line():
    text = "abc\u202edef\u2066g\u2069\u202a\u202b\u202c\u202d\u2067\u2068"
    assert printable(text) == "abc\ufffddef\ufffdg" + "\ufffd" * 7


def test_ordinary_text_is_returned_as_is():
    text = "Zürich – “quoted” 日本語 [Russia] \u00ad é"
    assert printable(text) is text
    assert is_safe(text)
    assert not is_safe("x\x1b")


@given(st.text())
def test_same_length_and_nothing_unsafe_left(text):
    shown = printable(text)
    assert len(shown) == len(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in shown)
    assert is_safe(shown)
