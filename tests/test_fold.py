"""Case- and accent-insensitive search: folding, the offset map, block-wise search."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.text.fold import fold, fold_query, fold_text
from tui.text.search import ArticleSearch

# Characters whose folding changes length or needs care, mixed with plain ones.
TRICKY = ["ß", "ẞ", "İ", "ﬁ", "ﬀ", "é", "e\u0301", "\u0301", "\u0308", "ü", "u\u0308",
          "한", "Ǆ", "ŉ", "㎒", "Σ", "ς", "ǰ", "ΐ", " ", "\u00a0", "Å", "Ω"]
PIECES = st.one_of(st.sampled_from(TRICKY), st.sampled_from(list("aeisuzAESZ ")),
                   st.characters(codec="utf-8", exclude_categories=("Cs",)))
TEXTS = st.lists(PIECES, max_size=40).map("".join)


def spans(text: str, query: str) -> list[tuple[int, int]]:
    return list(fold(text).find_all(fold_query(query)))


def test_accents_case_and_length_changes_are_found_where_they_are():
    assert spans("La réforme", "reforme") == [(3, 10)]
    assert spans("In Zürich today", "Zurich") == [(3, 9)]
    assert spans("Die Straße hier", "strasse") == [(4, 10)]
    assert spans("STRASSE und Straße", "straße") == [(0, 7), (12, 18)]
    # Decomposed input: the accent stays with its letter in the highlight.
    assert spans("re\u0301forme", "reforme") == [(0, 8)]
    assert spans("cafe\u0301 noir", "cafe") == [(0, 5)]
    # İ folds to i plus a dot (dropped): the offsets after it still line up.
    assert spans("İstanbul, İzmir", "izmir") == [(10, 15)]
    # A ligature: one original character for two folded ones.
    assert spans("the ﬁnal ﬁle", "file") == [(9, 12)]
    assert spans("the ﬁnal", "inal") == [(4, 8)]
    assert spans("Straße", "s") == [(0, 1), (4, 5)]  # ß holds two: one span
    assert spans("ßß", "ss") == [(0, 1), (1, 2)]  # one match per starting character
    assert spans("nothing here", "zurich") == []
    assert fold_query("  Zürich \u00a0 ist  ") == "zurich ist"
    assert fold_text("㎒") == "mhz"


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.data())
def test_every_match_maps_to_a_span_whose_folding_holds_the_query(text, data):
    folded = fold(text)
    if folded.text and data.draw(st.booleans()):
        a = data.draw(st.integers(0, len(folded.text) - 1))
        b = data.draw(st.integers(a + 1, min(len(folded.text), a + 6)))
        needle = folded.text[a:b]
    else:
        needle = fold_text(data.draw(TEXTS))
    found = list(folded.find_all(needle)) if needle else []
    # Every occurrence in the folded text is found (one span per original
    # span), in order, and nothing else.
    expected, at = {}, folded.text.find(needle) if needle else -1
    while at != -1:
        span = folded.span(at, at + len(needle))
        expected.setdefault(span[0], span)  # the first occurrence from each start
        at = folded.text.find(needle, at + 1)
    assert found == list(expected.values())
    for start, end in found:
        assert 0 <= start < end <= len(text)
        assert needle in fold_text(text[start:end])


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_the_map_is_monotonic_and_folding_is_per_character(text):
    folded = fold(text)
    assert folded.text == "".join(fold_text(c) for c in text)
    origins = [folded.origin(i) for i in range(len(folded.text) + 1)]
    assert origins == sorted(origins)
    assert origins[-1] == len(text)
    for i, origin in enumerate(origins[:-1]):
        # Each folded character comes from a character whose folding holds it.
        assert folded.text[i] in fold_text(text[origin])


def article_search(body: str, query: str, block: int) -> ArticleSearch:
    starts, ends, at = [], [], 0
    for paragraph in body.split("\n\n"):
        starts.append(at)
        ends.append(at + len(paragraph))
        at += len(paragraph) + 2
    return ArticleSearch(body, starts, ends, query, block=block)


def test_blocks_of_a_long_paragraph_miss_nothing_at_the_cuts():
    # One long paragraph cut into 7-character blocks: matches cross the cuts,
    # one across a run of accents that fold to nothing.
    body = "Zürich, ZURICH and zu\u0308\u0301\u0301rich.\n\nNot in Zurich? Zürich!"
    search = article_search(body, "zurich", block=7)
    expected = [(0, 6), (8, 14), (19, 28), (38, 44), (46, 52)]
    assert search.between(0, len(body)) == expected
    assert search.count() == 5 and search.total == 5
    assert [search.rank(m) for m in expected] == [1, 2, 3, 4, 5]
    assert search.between(20, 21) == [(19, 28)]  # a line that starts inside a match
    assert search.next_after(9) == ((19, 28), False)
    assert search.next_after(47) == ((0, 6), True)  # wrapped to the start
    assert search.previous_before(19) == ((8, 14), False)
    assert search.previous_before(0) == ((46, 52), True)  # wrapped to the end
    whole = article_search(body, "zurich", block=1 << 16)
    assert whole.between(0, len(body)) == expected


def test_no_match_and_empty_queries():
    search = article_search("Some text.\n\nMore.", "zurich", block=4)
    assert search.next_after(0) == (None, False)
    assert search.previous_before(5) == (None, False)
    assert search.count() == 0 and search.rank((0, 1)) == 1
    empty = article_search("Some text.", "\u0301 ", block=4)
    assert empty.needle == "" and empty.between(0, 10) == [] and empty.count() == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "aa", "b", "ß", "ss", "S", " ", "\n\n", "e\u0301",
                                 "a", "b", "s", " "]),
                max_size=30).map("".join),
       st.sampled_from(["a", "aa", "aba", "s", "ss", "sa", "e", "ab"]),
       st.integers(1, 5))
def test_block_wise_search_finds_what_folding_the_whole_paragraph_finds(body, query, block):
    body = body.strip("\n")
    search = article_search(body, query, block=block)
    whole = article_search(body, query, block=1 << 16)
    counted = search.count()  # before anything is cached: counted, not listed
    everything = whole.between(0, len(body) + 1)
    assert counted == len(everything)
    assert search.between(0, len(body) + 1) == everything
    assert search.count() == len(everything) == whole.count()
    assert [search.rank(m) for m in everything] == list(range(1, len(everything) + 1))
    if everything:  # n from each match goes to the next one, wrapping once
        hops = [search.next_after(m[0] + 1) for m in everything]
        assert hops == [(m, False) for m in everything[1:]] + [(everything[0], True)]


def test_a_long_paragraph_is_never_folded_whole():
    """One 2.1 MB paragraph (İ makes a folded copy 2 bytes a character,
    4 MB): finding a line's matches and counting them all fold a block at a
    time, so neither holds more than a fraction of that at once."""
    import tracemalloc

    sentence = "Die Straße in İzmir ist lang. "
    body = (sentence * 999 + "Zürich liegt weit weg. ") * 70
    body = body.strip()
    search = ArticleSearch(body, [0], [len(body)], "zurich")
    tracemalloc.start()
    try:
        middle = len(body) // 2
        search.between(middle, middle + 100)
        assert search.count() == 70
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(body) > 2_000_000
    assert peak < 1_000_000, peak
    first = body.index("Zürich")
    assert search.next_after(0) == ((first, first + 6), False)
    assert search.rank((first, first + 6)) == 1
