"""The review keys' arithmetic (tui/ui/review_nav.py), without Textual.

Three paragraphs: ¶1 has sentences [0,10) [11,20); ¶2 has [22,30);
¶3 has [32,40) [41,50) [51,60). Expected values are written out.
"""

from __future__ import annotations

from collections import namedtuple

from tui.ui.note_bar import note_line
from tui.ui.review_nav import (
    SentenceStep,
    TagList,
    TagStep,
    row_at_or_before,
    step_tag,
    step_untagged,
)
from tui.ui.tags_panel import _fit

S = namedtuple("S", "start end")
PARAGRAPHS = [
    [S(0, 10), S(11, 20)],
    [S(22, 30)],
    [S(32, 40), S(41, 50), S(51, 60)],
]
LABELS = {(11, 20): "claim", (32, 40): "quote", (51, 60): "claim"}


def sentences_of(index):
    return PARAGRAPHS[index]


# -- tagged ---------------------------------------------------------------

def test_next_tag_any_label_in_text_order_then_wraps():
    assert step_tag(LABELS, 0, True) == TagStep(11, 20)
    assert step_tag(LABELS, 11, True) == TagStep(32, 40)
    assert step_tag(LABELS, 32, True) == TagStep(51, 60)
    assert step_tag(LABELS, 51, True) == TagStep(11, 20, wrapped=True)


def test_previous_tag_and_its_wrap():
    assert step_tag(LABELS, 51, False) == TagStep(32, 40)
    assert step_tag(LABELS, 22, False) == TagStep(11, 20)
    assert step_tag(LABELS, 11, False) == TagStep(51, 60, wrapped=True)


def test_per_label_skips_other_labels():
    assert step_tag(LABELS, 11, True, "claim") == TagStep(51, 60)
    assert step_tag(LABELS, 51, True, "claim") == TagStep(11, 20, wrapped=True)
    assert step_tag(LABELS, 51, False, "claim") == TagStep(11, 20)
    assert step_tag(LABELS, 0, True, "quote") == TagStep(32, 40)
    # The only quote, from the quote itself: wraps onto itself (the reader says so).
    assert step_tag(LABELS, 32, True, "quote") == TagStep(32, 40, wrapped=True)


def test_no_tag_at_all():
    assert step_tag({}, 0, True) is None
    assert step_tag(LABELS, 0, True, "background") is None


def test_from_a_paragraph_not_split_yet_its_first_sentence_counts_as_here():
    # The cursor on ¶3 before its split: here = the paragraph's start (32).
    assert step_tag(LABELS, 32, True) == TagStep(51, 60)
    assert step_tag(LABELS, 32, False) == TagStep(11, 20)


# -- untagged ---------------------------------------------------------------

def test_next_untagged_forward():
    assert step_untagged(3, sentences_of, LABELS, 1, 1, True) == SentenceStep(2, 1)
    assert step_untagged(3, sentences_of, LABELS, 2, 1, True) == SentenceStep(3, 2)
    assert step_untagged(3, sentences_of, LABELS, 3, 2, True) == SentenceStep(1, 1, wrapped=True)


def test_previous_untagged():
    assert step_untagged(3, sentences_of, LABELS, 3, 3, False) == SentenceStep(3, 2)
    assert step_untagged(3, sentences_of, LABELS, 3, 2, False) == SentenceStep(2, 1)
    assert step_untagged(3, sentences_of, LABELS, 1, 1, False) == SentenceStep(3, 2, wrapped=True)


def test_untagged_wraps_into_the_cursors_own_paragraph():
    labels = {(0, 10): "claim", (22, 30): "claim", (32, 40): "quote", (41, 50): "b",
              (51, 60): "b"}
    # Only ¶1.2 is untagged: from it there is no other untagged sentence.
    assert step_untagged(3, sentences_of, labels, 1, 2, True) is None
    # From ¶1.1, forward finds ¶1.2 in the same paragraph.
    assert step_untagged(3, sentences_of, labels, 1, 1, True) == SentenceStep(1, 2)
    # From ¶3.1 forward, it wraps round to ¶1.2.
    assert step_untagged(3, sentences_of, labels, 3, 1, True) == SentenceStep(1, 2, wrapped=True)


def test_untagged_wraps_to_the_part_before_the_cursor_in_its_paragraph():
    labels = {(11, 20): "c", (22, 30): "c", (32, 40): "c", (41, 50): "c", (51, 60): "c"}
    # Cursor ¶1.2: ¶1.1 is the only untagged one, behind the cursor in its own paragraph.
    assert step_untagged(3, sentences_of, labels, 1, 2, True) == SentenceStep(1, 1, wrapped=True)
    assert step_untagged(3, sentences_of, labels, 1, 2, False) == SentenceStep(1, 1)


def test_every_sentence_tagged():
    labels = {(s.start, s.end): "claim" for paragraph in PARAGRAPHS for s in paragraph}
    assert step_untagged(3, sentences_of, labels, 2, 1, True) is None
    assert step_untagged(3, sentences_of, labels, 2, 1, False) is None
    assert step_untagged(0, sentences_of, {}, 1, 1, True) is None


def test_a_paragraph_not_split_yet_is_a_stop():
    def lazy(index):
        return None if index == 1 else PARAGRAPHS[index]

    tagged = {(0, 10): "c", (11, 20): "c"}
    assert step_untagged(3, lazy, tagged, 1, 1, True) == SentenceStep(2, None)
    # The cursor's own unsplit paragraph is skipped (cursor sentence 0: not known).
    assert step_untagged(3, lazy, LABELS, 2, 0, True) == SentenceStep(3, 2)


# -- the panel's list ----------------------------------------------------------

A = namedtuple("A", "start end label paragraph sentence text note")
U = namedtuple("U", "start end label text note anchor")


def tag_list() -> TagList:
    tags = TagList()
    tags.replace({(51, 60): A(51, 60, "claim", 3, 3, "Third.", ""),
                  (11, 20): A(11, 20, "claim", 1, 2, "First [b]x[/b].", "why"),
                  (32, 40): A(32, 40, "quote", 3, 1, "Said.", "")})
    return tags


def test_rows_in_text_order_with_notes_and_anchor_states_orphans_last():
    tags = tag_list()
    tags.set_anchors({(32, 40): "moved"}, [U(5, 9, "quote", "Gone.", "n", "orphan"),
                                           U(51, 60, "claim", "Third.", "", "fuzzy")])
    rows = tags.rows()
    assert [(r.where, r.label, r.anchor, r.note) for r in rows] == [
        ("¶1.2", "claim", "exact", "why"),
        ("¶3.1", "quote", "moved", ""),
        ("¶3.3", "claim", "exact", ""),  # fuzzy comes from the anchor states map, not here
        ("¶—", "quote", "orphan", "n"),
    ]
    assert [r.where for r in tags.rows("claim")] == ["¶1.2", "¶3.3"]
    assert tags.rows("background") == []


def test_put_updates_one_and_bumps_the_version():
    tags = tag_list()
    version = tags.version
    tags.put((11, 20), None)
    assert [r.where for r in tags.rows()] == ["¶3.1", "¶3.3"]
    assert tags.version == version + 1
    tags.put((11, 20), None)  # nothing there: no change
    assert tags.version == version + 1
    tags.put((22, 30), A(22, 30, "background", 2, 1, "Mid.", "a note"))
    assert [r.where for r in tags.rows()] == ["¶2.1", "¶3.1", "¶3.3"]
    assert tags.note_at((22, 30)) == "a note"
    assert tags.note_at((0, 10)) == ""
    assert tags.has_notes()


def test_row_at_or_before_follows_the_cursor():
    rows = tag_list().rows()  # starts 11, 32, 51
    assert row_at_or_before(rows, 0) is None
    assert row_at_or_before(rows, 11) == 0
    assert row_at_or_before(rows, 31) == 0
    assert row_at_or_before(rows, 32) == 1
    assert row_at_or_before(rows, 99) == 2


def test_fit_and_note_line_cut_with_an_ellipsis():
    assert _fit("abcdef", 4) == "abc…"
    assert _fit("ab", 4) == "ab  "
    assert _fit("日本語です", 5) == "日本…"  # two cells each: cut by cells, not characters
    assert note_line("short", 20) == "✎ short"
    assert note_line("a much longer note", 10) == "✎ a much …"
    assert note_line("line\nbreak\x1b[31m", 40) == "✎ line␊break␛[31m"
    assert note_line("", 60) == "no note on this sentence"


def test_put_after_the_rows_were_read_keeps_them_sorted_and_counts_notes():
    tags = tag_list()
    assert [r.start for r in tags.rows()] == [11, 32, 51]
    assert tags.has_notes()  # 11 has "why"
    tags.put((40, 45), A(40, 45, "quote", 3, 2, "In.", ""))
    tags.put((0, 10), A(0, 10, "background", 1, 1, "Zero.", ""))
    tags.put((60, 70), A(60, 70, "claim", 3, 4, "Last.", "n"))
    assert [r.start for r in tags.rows()] == [0, 11, 32, 40, 51, 60]
    tags.put((11, 20), A(11, 20, "quote", 1, 2, "First.", ""))  # relabelled, note cleared
    assert [(r.start, r.label, r.note) for r in tags.rows()][1] == (11, "quote", "")
    tags.put((32, 40), None)
    assert [r.start for r in tags.rows()] == [0, 11, 40, 51, 60]
    assert [r.start for r in tags.rows("quote")] == [11, 40]
    assert tags.has_notes()  # 60 has "n"
    tags.put((60, 70), None)
    assert not tags.has_notes()
