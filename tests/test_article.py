"""Reading article files: the newswire header, plain text, and messy input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.text import ArticleError, load_article, parse_article
from tui.text.article import _fold_spaces
from tui.text.dates import normalise_date

NEWSWIRE = "4 April 2014\nA Headline\nSome Wire\n\nFirst paragraph. Two.\n\nSecond one.\n"


def test_seed_metadata(seed_path):
    article = load_article(seed_path)
    assert article.title == "Russia Unfazed By Suspension of Antimissile Talks with U.S."
    assert article.date == "2014-04-04"
    assert article.source == "Global Security Newswire"
    assert article.warnings == ()
    assert len(article.paragraphs) == 8


def test_seed_trailer_is_kept_apart_from_the_last_sentence(seed_path):
    article = load_article(seed_path)
    assert article.trailer == "Global Network"
    last = article.paragraphs[-1].sentences[-1].text
    assert last == "Korotchenko also recommended that Russia deploy nuclear-capable aircraft in Crimea."
    assert article.body.endswith("Crimea.\n\nGlobal Network")


def test_every_sentence_offset_points_into_the_body(seed_path):
    article = load_article(seed_path)
    for paragraph in article.paragraphs:
        assert article.body[paragraph.start:paragraph.end] == paragraph.text
        for sentence in paragraph.sentences:
            assert article.body[sentence.start:sentence.end] == sentence.text


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("4 April 2014", "2014-04-04"),
        ("April 4, 2014", "2014-04-04"),
        ("2014-04-04", "2014-04-04"),
        ("Apr. 4, 2014", "2014-04-04"),
        ("Friday, April 4, 2014", "2014-04-04"),
        ("4th April 2014", "2014-04-04"),
        ("Spring 2014", "Spring 2014"),
        # Read without strptime since (its tables cost ~4 ms at start-up);
        # these are what strptime made of them, checked on 300,000 strings.
        ("29 February 2016", "2016-02-29"),
        ("29 February 2015", "29 February 2015"),
        ("31 April 2014", "31 April 2014"),
        ("2014/4/4", "2014-04-04"),
        ("2014-4/04", "2014-4/04"),
        ("4.4.2014", "2014-04-04"),
        ("04 apr 2014", "2014-04-04"),
        ("4 April, 2014", "2014-04-04"),
        ("April 4,2014", "April 4,2014"),
        ("Sept 4, 2014", "2014-09-04"),
        ("Mayo 4, 2014", "Mayo 4, 2014"),
        ("13.12.2014", "2014-12-13"),
        ("12.13.2014", "12.13.2014"),
    ],
)
def test_dates_become_iso_when_recognisable(written, iso):
    assert normalise_date(written) == iso


def test_unrecognised_date_is_kept_as_written():
    article = parse_article("Spring 2014\nTitle\nOutlet\n\nBody text here.")
    assert (article.date, article.title, article.source) == ("Spring 2014", "Title", "Outlet")


def test_plain_text_heading_becomes_title():
    article = parse_article("A Heading Line\n\nBody one. Body two.\n", path="x/file.txt")
    assert article.title == "A Heading Line"
    assert article.date == "" and article.source == ""
    assert [p.text for p in article.paragraphs] == ["Body one. Body two."]


def test_plain_text_without_heading_takes_file_name():
    article = parse_article("This is a sentence.\n\nAnother.\n", path="x/my-notes.txt")
    assert article.title == "my-notes"
    assert len(article.paragraphs) == 2


def _write(tmp_path, data: bytes):
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    return path


def test_bom_crlf_and_cr_are_normalised(tmp_path):
    lf = load_article(_write(tmp_path, NEWSWIRE.encode()))
    for variant in (
        b"\xef\xbb\xbf" + NEWSWIRE.encode(),
        NEWSWIRE.replace("\n", "\r\n").encode(),
        NEWSWIRE.replace("\n", "\r").encode(),
    ):
        other = load_article(_write(tmp_path, variant))
        assert (other.title, other.date, other.body) == (lf.title, lf.date, lf.body)
        assert other.content_hash == lf.content_hash


def test_tabs_trailing_spaces_and_many_blank_lines(tmp_path):
    text = "4 April 2014  \nHead\tline \nWire\t\n\n\n\n  One\ttwo.   \n \t \n\n\nThree.\t\n\n"
    article = load_article(_write(tmp_path, text.encode()))
    assert article.title == "Head line"
    assert [p.text for p in article.paragraphs] == ["One two.", "Three."]


def test_hard_wrapped_paragraph_lines_are_joined(tmp_path):
    text = "4 April 2014\nHead\nWire\n\nThis paragraph was\nwrapped at a narrow\nwidth. It goes on.\n"
    article = load_article(_write(tmp_path, text.encode()))
    assert article.paragraphs[0].text == "This paragraph was wrapped at a narrow width. It goes on."
    assert len(article.paragraphs[0].sentences) == 2


def test_cp1252_is_decoded_with_a_visible_warning(tmp_path):
    text = "4 April 2014\nCaf\u00e9 \u201cnews\u201d\nWire\n\nSo\u2014it goes.\n"
    article = load_article(_write(tmp_path, text.encode("cp1252")))
    assert article.title == "Caf\u00e9 \u201cnews\u201d"
    assert article.paragraphs[0].text == "So\u2014it goes."
    assert len(article.warnings) == 1 and "cp1252" in article.warnings[0]


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p / "missing.txt", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: _touch(p / "empty.txt", b""), "is empty"),
        (lambda p: _touch(p / "blank.txt", b"  \n\n \t\n"), "is empty"),
        (lambda p: _touch(p / "bin.txt", b"abc\x00def"), "binary"),
    ],
)
def test_bad_files_raise_one_line_errors(tmp_path, make, says):
    path = make(tmp_path)
    with pytest.raises(ArticleError) as info:
        load_article(path)
    message = str(info.value)
    assert says in message and str(path) in message and "\n" not in message


def _touch(path, data):
    path.write_bytes(data)
    return path


@given(st.text(alphabet=" \t\f\v\u00a0ab\n", max_size=60))
def test_space_folding_equals_the_regex_rule(text):
    # _fold_spaces replaces a regex that was 30x slower on big files; it must
    # give exactly what the rule says: any run of horizontal space -> " ".
    assert _fold_spaces(text) == re.sub(r"[ \t\f\v\u00a0]+", " ", text)
