"""An article holds its text once (issue 11: a 50 MB article peaked at 14x).

The body is held once as UTF-8 (tui.text.body.Body); paragraphs and
sentences are offsets into it, decoded on demand (non-ASCII blocks of at
most BLOCK characters through a small LRU); the file is parsed a piece at
a time; the view slices the lines it draws; the store binds the body's own
UTF-8 bytes. These tests check that structurally (object sizes,
identities), never by timing or RSS.
"""

from __future__ import annotations

import gc
import hashlib
import sqlite3
import sys
import types

import pytest

from tui.store import AnnotationStore
from tui.store.identity import file_hash_of
from tui.text import decode, load_article, parse_article
from tui.text.article import Paragraphs
from tui.text.body import BLOCK, Body

# Em dashes make CPython store 2 bytes a character, as in Moby-Dick.
PARAGRAPH = ("Call me Ishmael\u2014some years ago. Never mind how long precisely! "
             "Having little or no money in my purse, I thought I would sail about. ") * 4


def _big_text(megabytes: float) -> str:
    paragraphs, size, number = [], 0, 0
    while size < megabytes * 1_000_000:
        number += 1
        paragraph = f"Copy {number}: {PARAGRAPH}"
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "A Big Book\n\n" + "\n\n".join(paragraphs) + "\n"


def _deep_size(root: object, stop: tuple[type, ...] = ()) -> tuple[int, list[str]]:
    """Bytes of every object reachable from ``root`` (types, modules, code not
    followed) and the strings of more than 10,000 characters (and bytes of
    more than 100,000) among them."""
    seen: set[int] = set()
    total, big = 0, []
    todo = [root]
    skip = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
            types.MethodType, types.CodeType, *stop)
    while todo:
        item = todo.pop()
        if id(item) in seen or (item is not root and isinstance(item, skip)):
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if (isinstance(item, str) and len(item) > 10_000
                or isinstance(item, bytes) and len(item) > 100_000):
            big.append(item)
        todo.extend(gc.get_referents(item))
    return total, big


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "book.txt"
    path.write_text(_big_text(5), encoding="utf-8")
    return path


def test_a_5_mb_article_in_use_holds_its_text_once(big_file):
    article = load_article(big_file)
    assert isinstance(article.body, Body)
    data = article.body.encode("utf-8")
    assert data is article.body.encode("utf-8")  # the bytes held, not a copy
    body_size = sys.getsizeof(data)
    # As a str this text is 2 bytes a character (the em dashes): > 9.9 MB.
    assert 5_000_000 < body_size < 5_400_000
    # Use it as the app does: count every sentence, read paragraphs and
    # sentences here and there (those stay made), iterate them all.
    assert article.sentence_count() == 4 * 3 * len(article.paragraphs)
    for index in (0, 1, 500, len(article.paragraphs) - 1):
        paragraph = article.paragraphs[index]
        assert paragraph.sentences[0].text.startswith("Copy ")
    assert sum(1 for _ in article.paragraphs) == len(article.paragraphs)
    total, big = _deep_size(article)
    # Before: each paragraph kept its text, 2x the body (and 11,000
    # Paragraph objects another 0.3x); then the body as a str, 2x the UTF-8.
    assert total < 1.2 * body_size
    assert [s is data for s in big if isinstance(s, bytes)] == [True]
    assert all(len(s) <= BLOCK + 2 for s in big if isinstance(s, str))  # decoded blocks only


def test_paragraphs_and_sentences_are_slices_of_the_body():
    article = parse_article("Title\n\nOne. Two\u2014three.\n\nFour \U0001f600 five.\n")
    paragraph = article.paragraphs[1]
    assert paragraph.body is article.body
    assert paragraph.text == "Four \U0001f600 five."
    paragraph.sentences  # noqa: B018  (split: spans and sentences kept, no text)
    assert [k for k, v in vars(paragraph).items() if isinstance(v, (str, Body))] == ["body"]
    sentence = article.paragraphs[0].sentences[1]
    assert sentence.body is article.body and not hasattr(sentence, "__dict__")
    assert sentence.text == "Two\u2014three."
    assert article.paragraphs[1] is paragraph  # indexing keeps the one in use
    assert isinstance(article.paragraphs, Paragraphs)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_reading_in_pieces_parses_as_the_whole(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(decode, "CHUNK_BYTES", chunk)
    text = ("\ufeffApril 4, 2014\r\nA Title\u2014Here\r\nThe Outlet\r\n\r\n"
            "First line of a\r\nwrapped  paragraph,\twith\u00a0spaces.\r\n"
            "\r\n\r\n\rSecond \U0001f600 one.\nThird line.\n  \n"
            "Global Network\n")
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-8"))
    article = load_article(path)
    assert (article.title, article.date, article.source) == ("A Title\u2014Here", "2014-04-04",
                                                             "The Outlet")
    assert article.body == ("First line of a wrapped paragraph, with spaces.\n\n"
                            "Second \U0001f600 one. Third line.\n\nGlobal Network")
    assert [p.text for p in article.paragraphs] == [
        "First line of a wrapped paragraph, with spaces.", "Second \U0001f600 one. Third line."]
    assert article.trailer == "Global Network"
    assert article.file_warnings == ()


@pytest.mark.parametrize("chunk", [1, 5, 1 << 20])
def test_a_bad_byte_in_a_later_piece_falls_back_to_cp1252(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(decode, "CHUNK_BYTES", chunk)
    path = tmp_path / "old.txt"
    path.write_bytes(b"Heading\n\nA caf\xc3\xa9 line.\n\nNa\xefve \x93quoted\x94 text.\n")
    article = load_article(path)
    assert article.title == "Heading"
    # The UTF-8 of the first paragraph is read as cp1252 too, as before.
    assert article.body == "A cafÃ© line.\n\nNaïve \u201cquoted\u201d text."
    assert len(article.file_warnings) == 1 and "decoded as cp1252" in article.file_warnings[0]


def test_the_hashes_are_those_of_the_whole_encoded_text():
    article = parse_article("Title\n\n" + "x\u2014\U0001f600 " * 700_000 + "end.\n")
    body = article.body
    assert len(body) > 1 << 21  # hashed in more than two pieces
    assert article.content_hash == hashlib.sha256(body.encode("utf-8")).hexdigest()
    assert file_hash_of("T", "2020-01-01", "S", body, "/a") == hashlib.sha256(
        f"2020-01-01\nT\nS\n\n{body}".encode()).hexdigest()
    # A known value, written out (computed by sha256sum of the same bytes).
    assert file_hash_of("T", "", "", "B\u00e9\U0001f600", "") == (
        "3c4673404b13e2cb5d4e068daf1bddcc3fd043a65c83a80f3f7c8acd838e49f3")


BODY_TEXT = ("Caf\u00e9 na\u00efve \u2014 \u201cquoted\u201d \u4e2d\u6587 \U0001f600 \U00010348.\n\n"
             "Second paragraph, e\u0301 combining.\n")


def test_the_stored_body_reads_back_identical_and_is_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title\n\n" + BODY_TEXT, encoding="utf-8")
    article = load_article(path)
    size = sys.getsizeof(article.body)
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    store.open_article(article)
    # Binding the str would have left its UTF-8 inside it (getsizeof grows).
    assert sys.getsizeof(article.body) == size
    # Edited at the same path: the UPDATE binds the new body the same way.
    path.write_text("Title\n\n" + BODY_TEXT.replace("Second", "Zweite"), encoding="utf-8")
    edited = load_article(path)
    size = sys.getsizeof(edited.body)
    store.open_article(edited)
    assert sys.getsizeof(edited.body) == size
    store.close()
    conn = sqlite3.connect(tmp_path / "a.db")
    rows = conn.execute("SELECT typeof(body), body FROM article_bodies").fetchall()
    conn.close()
    assert rows == [("text", "Caf\u00e9 na\u00efve \u2014 \u201cquoted\u201d \u4e2d\u6587 "
                             "\U0001f600 \U00010348.\n\nZweite paragraph, e\u0301 combining.")]


async def test_the_view_keeps_no_text_of_its_own(tmp_path, monkeypatch):
    from textual.message_pump import MessagePump

    from tui.ui.app import AnnotateApp
    from tui.ui.article_view import ArticleView

    monkeypatch.chdir(tmp_path)
    long = " ".join(f"Sentence {i}\u2014here." for i in range(20_000))
    article = parse_article(f"Title\n\n{long}\n\nA short one.\n")
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    app = AnnotateApp(store, article=article, exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.screen.query_one(ArticleView)
        for _ in range(200):  # the store thread attaches the database
            if view.ready:
                break
            await pilot.pause(0.02)
        view.move_to(1, 19_000)
        await pilot.pause()
        lines = [view.render_line(y).text for y in range(view.size.height)]
        assert any("Sentence 18999\u2014here." in line for line in lines)
        view.move_to(2, 1)
        await pilot.pause()
        # Everything the view holds, not following into Textual's widgets
        # and app: the only long text is the article's body itself (its
        # UTF-8 and at most a few decoded blocks of it).
        _, big = _deep_size(vars(view), stop=(MessagePump,))
        data = article.body.encode("utf-8")
        assert [s is data for s in big if isinstance(s, bytes)] == [True]
        long = [s for s in big if isinstance(s, str)]
        assert len(long) <= 32 and all(len(s) <= BLOCK + 2 for s in long)
    store.close()
