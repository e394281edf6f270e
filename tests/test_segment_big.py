"""Segmentation of ordinary and huge paragraphs: frozen spans, windows, cancelling.

The three interview paragraphs below are quoted from Wikinews (CC BY 2.5),
via GUM's news corpus (see tests/fixtures/README.md): "Interview with
Bos" (ants), "Interview with wikiHow's Jack Herrick" and "Interview with the
Mets Poet". Their expected spans were taken from the segmenter as it was
before the linear-time rewrite and are written out here literally: the
rewrite must not move a single boundary on ordinary text.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from tui.text import load_article, parse_article, segment, split_sentences
from tui.text.segment import SplitCancelled, split_uncached

ANTS = ('Bos obtained his doctorate from the University of Copenhagen. He began postdoctoral '
        'research at Helsinki in 2012. He also runs the AntyScience blog. The blog aims to help '
        'address "a gap between scientists and \'the general public\'." The name is a pun '
        'referencing ants, its primary topic, science, and "non-scientific" jargon-free '
        'communication. He now discusses his work with Wikinews.')
HERRICK = ("We are run as a Hybrid Organization - a for-profit company focused on achieving a social "
           "good. This has several advantages and disadvantages when compared to the non-profit "
           "structure at the Wikimedia Foundation. We show opt-out advertising to anonymous "
           "visitors rather than ask for donations. Our advertising revenue funds community "
           "meetups and has even allowed us to donate over $60,000 to charities such as the "
           "Wikimedia Foundation and Creative Commons. "
           "(http://www.wikihow.com/wikiHow:Contributions-to-Charity). In addition, we've used "
           "our revenue on things like buying carbon offsets to become carbon neutral. "
           "(http://www.wikihow.com/wikiHow:Carbon-Neutral)")
METS = ('There was a woman, a season ticket holder and a die hard fan. She was staggered by the '
        'loss last year to the Cardinals. Last year she came up to me during one of the games '
        'late in the season; she was so happy we were going to the post season. By that point we '
        'had clinched it. She handed me a shirt she bought at the stadium and she gave me a big '
        'hug. With tears in her eyes she said, "Thank you, Mets Poet, thank you." It\'s cool ... '
        'it\'s like another family.')

FROZEN = [
    (ANTS, [(0, 61), (62, 113), (114, 148), (149, 231), (232, 343), (344, 384)]),
    (HERRICK, [(0, 94), (95, 211), (212, 292), (293, 455), (456, 514), (515, 613), (614, 661)]),
    (METS, [(0, 61), (62, 119), (120, 242), (243, 276), (277, 351), (352, 419), (420, 459)]),
    # One text per correction the segmenter makes to blingfire.
    ("He paused . . . and went on. Then he left.", [(0, 28), (29, 42)]),
    ("It compounds. . . . The next one starts here.", [(0, 13), (14, 45)]),
    ("1. The first item 2. The second item 3. The third", [(0, 17), (18, 36), (37, 49)]),
    ("Hello world.Today is Tuesday. It rained.", [(0, 12), (12, 29), (30, 40)]),
    ("I bought it on the web. eHow said so. Then more.", [(0, 23), (24, 37), (38, 48)]),
    ("See the Commons. (http://example.org) Then more.", [(0, 16), (17, 48)]),
    ('"This is great." she said. "Not really." He replied.', [(0, 26), (27, 40), (41, 52)]),
    ("• 1. Apples. • 2. Pears.", [(0, 12), (13, 24)]),
    ("Mr. Smith went to Washington D.C. on Monday. He met Dr. Jones at 3 p.m. today!",
     [(0, 44), (45, 78)]),
    ("  Leading and trailing spaces.   Two sentences here?  \n", [(2, 30), (33, 52)]),
]


@pytest.mark.parametrize(("text", "expected"), FROZEN, ids=range(len(FROZEN)))
def test_spans_are_those_of_the_segmenter_before_the_rewrite(text, expected):
    assert split_uncached(text) == tuple(expected)


def test_seed_spans_are_frozen(seed_path):
    article = load_article(seed_path)
    assert [split_sentences(p.text) for p in article.paragraphs] == [
        [(0, 156)],
        [(0, 149), (150, 321), (322, 540)],
        [(0, 225)],
        [(0, 162)],
        [(0, 326)],
        [(0, 193), (194, 260)],
        [(0, 270)],
        [(0, 161), (162, 300), (301, 384)],
    ]


def _pieces(seed_path) -> list[str]:
    """Paragraphs that end a sentence and start one, numbered so none repeats."""
    base = [p.text for p in load_article(seed_path).paragraphs] + [ANTS, METS]
    out, number = [], 0
    while sum(len(p) + 1 for p in out) < 1_050_000:
        for text in base:
            number += 1
            out.append(f"Item {number} follows. {text}")
    return out


def test_a_1_mb_paragraph_splits_as_its_pieces_do(seed_path):
    pieces = _pieces(seed_path)
    paragraph = " ".join(pieces)
    assert len(paragraph) > 1_000_000 > 10 * segment.WINDOW  # many blingfire windows
    # The reference: each piece split on its own (a few hundred characters,
    # one blingfire call, no window), shifted to where the piece sits.
    expected, offset = [], 0
    for piece in pieces:
        expected.extend((offset + a, offset + b) for a, b in split_uncached(piece))
        offset += len(piece) + 1
    got = split_uncached(paragraph)
    assert len(got) == len(expected)
    assert list(got) == expected
    _assert_tiles(paragraph, got)


def test_a_long_stretch_without_sentence_ends_still_tiles():
    # Not prose: 300,000 characters without a full stop, then two sentences.
    text = "word " * 60_000 + "The end. Really the end."
    spans = split_uncached(text)
    _assert_tiles(text, spans)
    assert spans[-1] == (len(text) - len("Really the end."), len(text))


def _assert_tiles(text: str, spans) -> None:
    position = 0
    for start, end in spans:
        assert position <= start < end
        assert text[position:start].strip() == ""
        assert not text[start].isspace() and not text[end - 1].isspace()
        position = end
    assert text[position:].strip() == ""


def test_should_stop_cancels_a_split_and_caches_nothing(seed_path):
    paragraph = " ".join(_pieces(seed_path)[:2000])  # ~600 KB: several windows
    calls = []

    def stop_on_third_poll() -> bool:
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(SplitCancelled):
        split_sentences(paragraph, should_stop=stop_on_third_poll)
    assert len(calls) == 3  # polled before the work, then between windows
    assert segment._CACHE.get(paragraph) is None
    never = split_sentences(paragraph, should_stop=lambda: False)
    assert never == list(split_uncached(paragraph))
    assert segment._CACHE.get(paragraph) == tuple(never)


def test_should_stop_is_polled_between_windows_and_between_cuts(seed_path):
    paragraph = " ".join(_pieces(seed_path))  # 1,052,450 characters
    calls = []
    spans = split_uncached(paragraph, should_stop=lambda: calls.append(1) or False)
    assert len(spans) == 11268
    # 1 before the work + 17 blingfire windows + 1 + 3 patterns x 17
    # windows of 64 KB + 1 + 2 among the ~11,300 cuts (every 4,096): never
    # more than ~64 KB or 4,096 cuts of work between two polls.
    assert len(calls) == 1 + 17 + 1 + 3 * 17 + 1 + 2


def test_should_stop_is_polled_even_for_a_short_paragraph():
    with pytest.raises(SplitCancelled):
        split_sentences("A fresh paragraph nobody split yet. Two.", should_stop=lambda: True)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200).map(lambda t: t + " Mr. Smith left. é 日本語。 Then (he) went home!"))
def test_direct_blingfire_call_agrees_with_its_wrapper(text):
    try:
        import blingfire  # the package's own wrapper (the app loads only its library)

        _, offsets = blingfire.text_to_sentences_and_offsets(text)
        expected = [start for start, _ in offsets]
    except (AssertionError, ValueError, UnicodeError):
        expected = []
    assert segment._sentence_starts(text) == expected


def test_sentence_count_is_cancellable_and_remembered():
    # Texts no other test splits, so the cache cannot answer for them.
    article = parse_article("Counting Test\n\nThe count starts here. It goes on.\n\n"
                            "A paragraph only this test splits. It has two. And three.\n")
    with pytest.raises(SplitCancelled):
        article.sentence_count(should_stop=lambda: True)
    assert article.sentence_count(should_stop=lambda: False) == 5
    assert article.sentence_count(should_stop=lambda: True) == 5  # remembered: no work
