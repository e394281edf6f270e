"""Memory of a big article (issue 11: a 50 MB article must peak at most 3x its size).

The body is held once as UTF-8 (tui.text.body.Body), not as a str, which
CPython stores at 2 bytes a character as soon as one em dash appears; the
file is read a piece at a time, never whole beside the body being built.
Measured with tracemalloc (Python's heap, deterministic), never by time.
"""

from __future__ import annotations

import gc
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers_big_article import write_five_mb
from tui.text import ArticleError, decode, load_article
from tui.text import body as body_module
from tui.text.body import Body

@pytest.fixture(scope="module")
def five_mb(tmp_path_factory):
    return write_five_mb(tmp_path_factory.mktemp("five"))


def test_a_5_mb_article_with_em_dashes_keeps_about_its_size_in_the_heap(five_mb):
    assert 5_000_000 < five_mb.stat().st_size < 5_100_000
    load_article(five_mb)  # imports and first-use caches outside the measure
    gc.collect()
    tracemalloc.start()
    try:
        article = load_article(five_mb)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(article.paragraphs) == 8_800
    assert article.paragraphs[-1].text.startswith("Copy 8800: Call me Ishmael\u2014")
    # Before: the body as a str held 10.1 MB and loading peaked at ~20 MB
    # (the file's bytes, the UTF-8 being built and the decoded body at once).
    assert held < 5_800_000
    assert peak < 8_000_000


def test_the_text_shown_does_not_change_when_the_file_is_edited_while_open(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title\n\nThe first paragraph\u2014as read.\n\nThe second one.\n",
                    encoding="utf-8")
    article = load_article(path)
    path.write_text("Title\n\nSomething else entirely now.\n\nX.\n", encoding="utf-8")
    assert [p.text for p in article.paragraphs] == ["The first paragraph\u2014as read.",
                                                    "The second one."]
    assert article.body[4:9] == "first"


@pytest.mark.parametrize("chunk", [1, 4, 1 << 18])
def test_a_nul_byte_in_a_later_piece_is_refused_in_one_line(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(decode, "CHUNK_BYTES", chunk)
    path = tmp_path / "bin.txt"
    path.write_bytes(b"Title\n\n" + b"Words here.\n" * 50 + b"\x00tail\n")
    with pytest.raises(ArticleError, match=r"bin\.txt: looks like a binary file"):
        load_article(path)


@pytest.mark.parametrize("chunk", [1, 3, 1 << 18])
def test_only_white_space_in_many_pieces_is_empty(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(decode, "CHUNK_BYTES", chunk)
    path = tmp_path / "blank.txt"
    path.write_bytes(b" \r\n\t\n\n   \n" * 20)
    with pytest.raises(ArticleError, match=r"blank\.txt: is empty"):
        load_article(path)


def test_a_long_line_across_pieces_is_one_paragraph(tmp_path, monkeypatch):
    monkeypatch.setattr(decode, "CHUNK_BYTES", 7)
    path = tmp_path / "long.txt"
    path.write_bytes("Title\n\n".encode() + "w\u00e9rd \u2014 ".encode() * 40 + b"end.\n")
    article = load_article(path)
    assert [p.text for p in article.paragraphs] == ["w\u00e9rd \u2014 " * 40 + "end."]


_CHARS = st.sampled_from(["a", " ", "\n", ".", "\u00e9", "\u2014", "\u4e2d", "\U0001f600",
                          "\ud800", "\udc00", "\x00"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(pieces=st.lists(st.tuples(st.text(_CHARS, max_size=30), st.booleans()), max_size=12),
       data=st.data())
def test_a_body_reads_as_the_str_it_holds(pieces, data):
    # Tiny blocks so that slices cross many of them (ASCII and not).
    # And huge slices decoded a step of 9 bytes at a time, cut at block starts.
    original = body_module.BLOCK, body_module._DECODE_STEP
    body_module.BLOCK, body_module._DECODE_STEP = 4, 9
    try:
        writer = body_module.BodyWriter()
        for text, new_block in pieces:
            writer.write(text, new_block=new_block)
        body = writer.finish()
        _check_slices(body, pieces, data)
    finally:
        body_module.BLOCK, body_module._DECODE_STEP = original


def _check_slices(body, pieces, data):
    text = "".join(piece for piece, _ in pieces)
    assert len(body) == len(text) and str(body) == text and body == text
    assert body.encode("utf-8", "surrogatepass") == text.encode("utf-8", "surrogatepass")
    length = len(text)
    for _ in range(5):
        a = data.draw(st.integers(-length - 3, length + 3))
        b = data.draw(st.integers(-length - 3, length + 3))
        assert body[a:b] == text[a:b]
    if text:
        i = data.draw(st.integers(-length, length - 1))
        assert body[i] == text[i]
    with pytest.raises(IndexError):
        body[length]


def test_a_body_equals_by_content_and_compares_with_text():
    one, two = Body.from_str("Caf\u00e9 \u2014 one."), Body.from_str("Caf\u00e9 \u2014 one.")
    assert one == two and hash(one) == hash(two) and one == "Caf\u00e9 \u2014 one."
    assert one != Body.from_str("Cafe \u2014 one.") and one != "Caf\u00e9 \u2014 one!"
    assert one.endswith("one.") and one.startswith("Caf\u00e9") and not one.endswith("two.")
    assert one[-4:] == "one." and one[:0] == "" and one[5] == "\u2014"


def test_a_lone_surrogate_is_kept_but_never_handed_out_as_utf8():
    body = Body.from_str("ok \ud800 ok")
    assert body[3] == "\ud800" and str(body) == "ok \ud800 ok" and len(body) == 7
    with pytest.raises(UnicodeEncodeError):
        body.encode("utf-8")  # as str.encode: the store never binds invalid UTF-8
    with pytest.raises(UnicodeEncodeError):
        body.utf8()
    assert body.encode("utf-8", "surrogatepass") == b"ok \xed\xa0\x80 ok"
    assert Body.from_str("ok").encode("utf-8") == b"ok"


def test_paging_through_many_paragraphs_keeps_only_the_recent_ones():
    import weakref

    from tui.text import parse_article

    huge = " ".join(f"Sentence {i} is here." for i in range(5_000))  # ~100K characters
    small = "\n\n".join(f"Paragraph {i} says this. And more." for i in range(5_000))
    article = parse_article(f"Title\n\n{huge}\n\n{small}\n")
    first = article.paragraphs[0]
    assert len(first.sentences) == 5_000
    refs = []
    for index in range(1, 5_001):  # as a reader pressing j through them
        paragraph = article.paragraphs[index]
        assert paragraph.sentences[1].text == "And more."
        assert article.paragraphs[index] is paragraph  # the one in use stays the same
        refs.append(weakref.ref(paragraph))
    del paragraph
    gc.collect()
    # Before: all 5,000 kept with their sentences (~1 KB each).
    assert sum(ref() is not None for ref in refs) == 2048
    assert refs[-1]() is article.paragraphs[5_000]
    assert article.paragraphs[0] is first  # a long one is kept: splitting it again is costly
