"""Sentence segmentation: the seed, the golden rules, and the tiling invariant."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.text import load_article, split_sentences

GOLDEN = Path(__file__).parent / "fixtures" / "golden_rules_english.jsonl"


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_seed_has_13_sentences_split_1_3_1_1_1_2_1_3(seed_path):
    article = load_article(seed_path)
    assert [len(p.sentences) for p in article.paragraphs] == [1, 3, 1, 1, 1, 2, 1, 3]


def test_abbreviations_in_the_seed_are_not_sentence_ends(seed_path):
    article = load_article(seed_path)
    texts = [s.text for p in article.paragraphs for s in p.sentences]
    assert texts[4].startswith("M. Elaine Bunn, a deputy")
    assert texts[7].startswith("Russian Lt. Gen. Yevgeny Buzhinsky")
    assert texts[8] == "\"Talks or no talks, they don't make a difference anyway,\" he said."
    assert "by the U.S. ... will not be directed against [Russia]" in texts[6]


def _normalise(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def golden_score() -> tuple[int, list[int]]:
    passed, failed = 0, []
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        rule = json.loads(line)
        got = [_normalise(s) for s in sentences(rule["text"])]
        if got == [_normalise(s) for s in rule["sentences"]]:
            passed += 1
        else:
            failed.append(rule["id"])
    return passed, failed


def test_golden_rules_score_at_least_48_of_52():
    passed, failed = golden_score()
    assert passed >= 48, f"only {passed}/52; failing rules {failed}"


def test_list_items_stay_whole():
    assert sentences("1.) The first item 2.) The second item") == [
        "1.) The first item",
        "2.) The second item",
    ]
    # Mid-sentence enumerations are not lists.
    text = "You either 1) sacrifice on breadth, or 2) you sacrifice on quality."
    assert sentences(text) == [text]


def test_quote_followed_by_lowercase_attribution_is_one_sentence():
    text = 'She turned to him, "This is great." she said.'
    assert sentences(text) == [text]


def test_no_space_between_sentences_splits_but_email_does_not():
    assert sentences("Hello world.Today is Tuesday.") == ["Hello world.", "Today is Tuesday."]
    text = "Her email is Jane.Doe@example.com."
    assert sentences(text) == [text]


def test_whitespace_only_paragraph_has_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


def test_nul_or_control_characters_do_not_crash():
    assert sentences("a\x00b. Hi there.") != []
    assert "".join(sentences("\x1b[31mred\x1b[0m. Next one.")).replace(" ", "") != ""


# Text built from the pieces that stress a segmenter: abbreviations,
# quotes, ellipses, list markers, brackets, digits, odd whitespace.
_PIECES = st.sampled_from(
    ["Mr.", "U.S.", "a.m.", "e.g.", "...", ". . .", "1.", "2)", "a.", "•", '"', "“", "”",
     "'", "(", ")", "[Russia]", "!", "?", ".", "Hello", "world", "The", "end", "3.14",
     "$5", "—", " ", "  ", "\t", "\n", "é", "日本語", "。", "x" * 30]
)
_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(_PIECES, max_size=60).map(" ".join),
    st.lists(_PIECES, max_size=60).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_sentence_spans_tile_the_paragraph(text):
    spans = split_sentences(text)
    position = 0
    for start, end in spans:
        assert start < end
        # Only whitespace between (and before) sentences.
        assert text[position:start].strip() == ""
        # A sentence never begins or ends with whitespace.
        assert not text[start].isspace() and not text[end - 1].isspace()
        position = end
    assert text[position:].strip() == ""
    # Nothing is lost: the sentences hold every non-space character.
    joined = "".join(text[a:b] for a, b in spans)
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", text)
