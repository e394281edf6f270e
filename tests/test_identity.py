"""Article identity, re-anchoring with anchor states, history and position after edits."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tui.store import AnnotationStore
from tui.text import load_article

FIXTURES = Path(__file__).parent / "fixtures"


def write(path: Path, paragraphs: list[str], title: str = "Toll Rises", date: str = "4 April 2014",
          outlet: str = "Wire") -> Path:
    path.write_text(f"{date}\n{title}\n{outlet}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def sentence(doc, p, s):
    return doc.article.paragraphs[p - 1].sentences[s - 1]


def tag(store, doc, p, s, label="claim"):
    return store.tag(doc, p, sentence(doc, p, s), label)


def placed(store, doc):
    """(paragraph, sentence, label, anchor, text) of every tag, orphans last (paragraph None)."""
    rows = store.db.execute(
        "SELECT paragraph, sentence, label, anchor, text FROM annotations WHERE article_id = ? "
        "ORDER BY paragraph IS NULL, paragraph, sentence, id", [doc.id]).fetchall()
    return [tuple(r) for r in rows]


LEAD = "The storm hit the coast on Monday night and cut power to thousands of homes."
TOLL = "Officials said 107 people had been taken to hospital by Tuesday morning."
MAYOR = "The mayor asked residents to stay indoors until the roads were cleared."
SCHOOLS = "Schools in the three worst-hit districts will stay closed for the rest of the week."
REPAIR = "Repair crews from neighbouring states arrived on Wednesday to help restore the lines."


@pytest.fixture
def story(tmp_path):
    return write(tmp_path / "story.txt", [LEAD + " " + TOLL, MAYOR, SCHOOLS + " " + REPAIR])


# -- identity --------------------------------------------------------------


def test_same_body_under_another_headline_outlet_date_is_another_article(tmp_path, store):
    a = write(tmp_path / "a.txt", [LEAD, MAYOR], title="Storm Hits Coast", outlet="Daily A")
    b = write(tmp_path / "b.txt", [LEAD, MAYOR], title="Thousands Without Power", outlet="Daily B",
              date="5 April 2014")
    doc_a = store.open_article(load_article(a))
    tag(store, doc_a, 1, 1, "quote")
    store.save_position(doc_a, 2, 1)
    doc_b = store.open_article(load_article(b))
    assert doc_b.id != doc_a.id and doc_b.uid != doc_a.uid
    assert doc_b.position == (1, 1) and store.annotations(doc_b) == {}
    rows = store.db.execute("SELECT title, source, date, path FROM articles ORDER BY id").fetchall()
    assert rows == [("Storm Hits Coast", "Daily A", "2014-04-04", str(a.resolve())),
                    ("Thousands Without Power", "Daily B", "2014-04-05", str(b.resolve()))]


def test_moved_unchanged_file_is_the_same_article(tmp_path, store, story):
    doc = store.open_article(load_article(story))
    tag(store, doc, 2, 1)
    (tmp_path / "sub").mkdir()
    moved = story.rename(tmp_path / "sub" / "renamed.txt")
    again = store.open_article(load_article(moved))
    assert (again.id, again.how) == (doc.id, "moved")
    assert placed(store, again) == [(2, 1, "claim", "exact", MAYOR)]
    assert store.db.execute("SELECT path FROM articles").fetchone()[0] == str(moved.resolve())


def test_renamed_and_edited_file_is_the_same_article(tmp_path, store, story):
    doc = store.open_article(load_article(story))
    tag(store, doc, 1, 2, "claim")
    tag(store, doc, 2, 1, "quote")
    story.unlink()
    edited = write(tmp_path / "storm-v2.txt",
                   [LEAD + " " + TOLL.replace("107", "111"), MAYOR, SCHOOLS + " " + REPAIR])
    again = store.open_article(load_article(edited))
    assert (again.id, again.how, again.fuzzy) == (doc.id, "renamed+edited", 1)
    assert placed(store, again) == [(1, 2, "claim", "fuzzy", TOLL.replace("107", "111")),
                                    (2, 1, "quote", "exact", MAYOR)]


def test_renamed_file_with_other_text_is_new_and_the_old_tags_stay(tmp_path, store, story):
    doc = store.open_article(load_article(story))
    tag(store, doc, 2, 1)
    story.unlink()
    other = write(tmp_path / "other.txt", ["A different story about the harvest entirely.",
                                           "Farmers expect a record crop of wheat this year."])
    new = store.open_article(load_article(other))
    assert new.id != doc.id and new.how == "new"
    assert placed(store, doc) == [(2, 1, "claim", "exact", MAYOR)]


def test_two_byte_identical_files_are_one_article_and_the_path_does_not_flap(tmp_path, store, story):
    copy = tmp_path / "copy.txt"
    shutil.copy(story, copy)
    first = store.open_article(load_article(story))
    second = store.open_article(load_article(copy))
    assert (second.id, second.how) == (first.id, "copy")
    assert store.db.execute("SELECT path FROM articles").fetchall() == [(str(story.resolve()),)]
    from tui.store.status import file_status

    assert [file_status(store, p).state for p in (story, copy)] == ["ok", "copy"]


# -- re-anchoring ------------------------------------------------------------


def test_anchor_states_after_an_edit(story, store):
    doc = store.open_article(load_article(story))
    tag(store, doc, 1, 1, "claim")     # LEAD: its paragraph changed, not it -> exact
    tag(store, doc, 1, 2, "quote")     # TOLL: number changed -> fuzzy
    tag(store, doc, 2, 1, "background")  # MAYOR: the paragraphs around it swap -> exact
    tag(store, doc, 3, 1, "claim")     # SCHOOLS: rewritten -> orphan
    story.write_text(story.read_text().replace("107", "111")
                     .replace(MAYOR + "\n\n" + SCHOOLS + " " + REPAIR,
                              "Classes resume next week, the education board said. " + REPAIR
                              + "\n\n" + MAYOR), encoding="utf-8")
    again = store.open_article(load_article(story))
    assert (again.reanchored, again.fuzzy, again.orphaned) == (3, 1, 1)
    assert placed(store, again) == [
        (1, 1, "claim", "exact", LEAD),
        (1, 2, "quote", "fuzzy", TOLL.replace("107", "111")),
        (3, 1, "background", "exact", MAYOR),
        (None, None, "claim", "orphan", SCHOOLS),
    ]
    old = store.db.execute("SELECT old_text, old_position FROM annotations WHERE anchor = 'fuzzy'"
                           ).fetchone()
    assert old == (TOLL, "1.2")
    assert store.anchor_counts(again) == {"fuzzy": 1, "orphan": 1}


def test_an_article_whose_every_sentence_changed_orphans_every_tag(story, store):
    doc = store.open_article(load_article(story))
    for p, s in ((1, 1), (1, 2), (2, 1), (3, 1), (3, 2)):
        tag(store, doc, p, s)
    write(story, ["Nothing here is as it was before the editor came.",
                  "Every single line of this story has been replaced today."])
    again = store.open_article(load_article(story))
    assert (again.reanchored, again.orphaned) == (0, 5)
    assert store.annotations(again) == {}
    assert [row[3] for row in placed(store, again)] == ["orphan"] * 5


DUP = "He declined to comment."
LONG_A = "The company's spokesman spoke to reporters outside the court on Monday."
FILLER = "The hearing was adjourned until the end of the month by the judge."
MIDDLE = "Shares in the company fell by a fifth after the news broke on Friday."


def test_of_two_identical_sentences_the_nearest_keeps_the_tag(tmp_path, store):
    # Paragraphs 1 and 4 are identical, and so is what follows them: only
    # nearness tells the two "He declined to comment." apart.
    path = write(tmp_path / "dup.txt", [LONG_A + " " + DUP, FILLER, MIDDLE, LONG_A + " " + DUP, FILLER])
    doc = store.open_article(load_article(path))
    tag(store, doc, 4, 2, "quote")
    write(path, [LONG_A + " " + DUP + " More.", FILLER, MIDDLE, LONG_A + " " + DUP + " More.", FILLER])
    again = store.open_article(load_article(path))
    assert placed(store, again) == [(4, 2, "quote", "exact", DUP)]


def test_of_two_identical_sentences_the_stored_context_chooses(tmp_path, store):
    # Two copies of the sentence in edited paragraphs; the tagged one was
    # after MIDDLE. The edit puts that paragraph first: context beats nearness.
    path = write(tmp_path / "dup.txt", [LONG_A + " " + DUP, FILLER, MIDDLE + " " + DUP])
    doc = store.open_article(load_article(path))
    tag(store, doc, 3, 2, "claim")
    write(path, [MIDDLE + " " + DUP + " Later.", FILLER, LONG_A + " " + DUP + " Later."])
    again = store.open_article(load_article(path))
    assert placed(store, again) == [(1, 2, "claim", "moved", DUP)]


def test_two_tags_never_land_on_one_sentence(tmp_path, store):
    # Both tagged sentences are close edits of the one sentence that replaces them.
    a = "Officials said 107 people had been taken to hospital by Tuesday."
    b = "Officials said 108 people had been taken to hospital by Tuesday."
    path = write(tmp_path / "two.txt", [LEAD + " " + a + " " + b, MAYOR])
    doc = store.open_article(load_article(path))
    tag(store, doc, 1, 2, "claim")
    tag(store, doc, 1, 3, "quote")
    write(path, [LEAD + " " + a.replace("107", "109"), MAYOR])
    again = store.open_article(load_article(path))
    rows = placed(store, again)
    assert [r[3] for r in rows] == ["fuzzy", "orphan"]
    assert rows[0][:2] == (1, 2) and rows[1][:2] == (None, None)


def test_re_anchoring_keeps_the_stored_context_in_step(tmp_path, store, story):
    doc = store.open_article(load_article(story))
    tag(store, doc, 2, 1)  # MAYOR
    tag(store, doc, 3, 1)  # SCHOOLS, to be rewritten
    write(story, ["Breaking: winds of 120 km/h.", LEAD + " " + TOLL, MAYOR,
                  "Classes resume soon. " + REPAIR])
    store.open_article(load_article(story))
    rows = store.db.execute("SELECT anchor, context_before, context_after FROM annotations "
                            "ORDER BY id").fetchall()
    assert rows == [
        ("exact", "o hospital by Tuesday morning.\n\n", "\n\nClasses resume soon. Repair cr"),
        ("orphan", " until the roads were cleared.\n\n", " Repair crews from neighbouring "),
    ]


# -- history and position ------------------------------------------------------


def test_undo_history_follows_the_edit(tmp_path, store, story):
    doc = store.open_article(load_article(story))
    tag(store, doc, 2, 1, "claim")      # MAYOR, stays (shifted by a new paragraph)
    tag(store, doc, 3, 1, "quote")      # SCHOOLS, deleted by the edit
    write(story, ["Breaking: winds of 120 km/h.", LEAD + " " + TOLL, MAYOR, REPAIR])
    again = store.open_article(load_article(story))
    steps = store.db.execute("SELECT before, after FROM history ORDER BY id").fetchall()
    # The step on the deleted sentence is gone; the other points at the new place.
    assert len(steps) == 1 and steps[0][0] is None
    after = json.loads(steps[0][1])
    assert (after["paragraph"], after["sentence"], after["start"], after["end"]) == (3, 1, 181, 252)
    assert again.article.body[181:252] == MAYOR
    change = store.undo(again)
    assert (change.start, change.end, change.annotation) == (181, 252, None)
    assert placed(store, again) == [(None, None, "quote", "orphan", SCHOOLS)]
    assert store.undo(again) is None


def test_reading_position_stays_on_its_sentence(tmp_path, store, story):
    doc = store.open_article(load_article(story))
    store.save_position(doc, 3, 2)  # REPAIR
    write(story, ["Breaking: winds of 120 km/h.", LEAD + " " + TOLL, MAYOR,
                  SCHOOLS + " Exams are postponed. " + REPAIR])
    again = store.open_article(load_article(story))
    assert again.position == (4, 3)
    assert store.open_article(load_article(story)).position == (4, 3)


# -- migration from the previous release -------------------------------------------


def test_migration_keeps_every_tag_of_a_database_made_by_the_previous_release(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "db_v1.db", db)
    before = sqlite3.connect(db)
    old_rows = before.execute("SELECT * FROM annotations ORDER BY id").fetchall()
    old_history = before.execute("SELECT * FROM history ORDER BY id").fetchall()
    before.close()
    assert len(old_rows) == 6 and len(old_history) == 3
    store = AnnotationStore(db, annotator="fixture")
    conn = store.db.conn
    rows = conn.execute("SELECT * FROM annotations ORDER BY id").fetchall()
    assert [r[:-3] for r in rows] == old_rows
    assert [r[-3:] for r in rows] == [("exact", "", ""), ("orphan", "", ""), ("exact", "", ""),
                                      ("exact", "", ""), ("exact", "", ""), ("exact", "", "")]
    # m002 adds columns to history; the original ones are as they were.
    assert [r[:7] for r in conn.execute("SELECT * FROM history ORDER BY id")] == old_history
    articles = conn.execute("SELECT id, title, length(file_hash), length(uid), "
                            "position_paragraph FROM articles ORDER BY id").fetchall()
    assert articles == [(1, "Russia Unfazed By Suspension of Antimissile Talks with U.S.", 64, 8, 1),
                        (2, "Short Brief", 64, 8, 2)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # The brief, written again elsewhere, is recognised (moved) with its tags and undo.
    brief = tmp_path / "brief.txt"
    brief.write_text("4 April 2014\nShort Brief\nWire\n\nFirst fact. Second fact.\n\n"
                     "Third fact here.\n", encoding="utf-8")
    doc = store.open_article(load_article(brief))
    assert (doc.id, doc.how, doc.position) == (2, "moved", (2, 1))
    assert [(a.paragraph, a.sentence, a.label) for a in store.annotations(doc).values()] == [
        (1, 2, "claim"), (2, 1, "quote")]
    assert store.redo(doc).annotation is None  # the undone untag, redone
    store.close()


def test_a_rewritten_sentence_is_not_placed_on_a_guess(story, store):
    doc = store.open_article(load_article(story))
    tag(store, doc, 1, 1, "claim")  # LEAD stays, and takes its sentence
    tag(store, doc, 1, 2, "quote")  # TOLL is rewritten: the one free sentence is not it
    write(story, [LEAD + " Hospitals across the region reported few admissions overnight.",
                  MAYOR, SCHOOLS + " " + REPAIR])
    again = store.open_article(load_article(story))
    # LEAD's next sentence changed: same text, new surroundings, so "moved".
    assert placed(store, again) == [(1, 1, "claim", "moved", LEAD),
                                    (None, None, "quote", "orphan", TOLL)]


def test_two_equally_good_fuzzy_candidates_leave_an_orphan(tmp_path, store):
    path = write(tmp_path / "s.txt", [LEAD + " " + TOLL + " " + MAYOR])
    doc = store.open_article(load_article(path))
    tag(store, doc, 1, 2, "quote")
    write(path, [LEAD + " " + TOLL.replace("107", "111") + " " + TOLL.replace("107", "112")
                 + " " + MAYOR])
    again = store.open_article(load_article(path))
    assert placed(store, again) == [(None, None, "quote", "orphan", TOLL)]


def test_a_fuzzy_tag_stays_fuzzy_through_later_edits_until_accepted(story, store):
    doc = store.open_article(load_article(story))
    tag(store, doc, 1, 2, "quote")
    write(story, [LEAD + " " + TOLL.replace("107", "111"), MAYOR, SCHOOLS + " " + REPAIR])
    store.open_article(load_article(story))
    write(story, ["Update: roads reopen.", LEAD + " " + TOLL.replace("107", "111"), MAYOR,
                  SCHOOLS + " " + REPAIR])
    again = store.open_article(load_article(story))
    assert placed(store, again) == [(2, 2, "quote", "fuzzy", TOLL.replace("107", "111"))]
    assert store.unsettled(again)[0].was == TOLL
    assert store.accept_anchor(again, store.unsettled(again)[0].id) is True
    assert placed(store, again) == [(2, 2, "quote", "exact", TOLL.replace("107", "111"))]
    assert store.anchor_counts(again) == {"fuzzy": 0, "orphan": 0}


def test_an_edit_just_below_the_fuzzy_threshold_stays_an_orphan(story, store):
    # ratio 74.8, contexts unchanged: 0.8 x 74.8 + 20 = 79.8 < 85.
    doc = store.open_article(load_article(story))
    tag(store, doc, 1, 2, "quote")
    write(story, [LEAD + " Police said 107 people had been injured by Tuesday morning.", MAYOR,
                  SCHOOLS + " " + REPAIR])
    again = store.open_article(load_article(story))
    assert placed(store, again) == [(None, None, "quote", "orphan", TOLL)]


def test_a_renamed_file_whose_old_name_now_holds_another_story_is_moved_not_a_copy(
        tmp_path, store, story):
    doc = store.open_article(load_article(story))
    tag(store, doc, 2, 1)
    old = story.rename(tmp_path / "storm-2014.txt")
    write(story, ["A different story about the harvest entirely.",
                  "Farmers expect a record crop of wheat this year."])
    again = store.open_article(load_article(old))
    assert (again.id, again.how) == (doc.id, "moved")
    assert placed(store, again) == [(2, 1, "claim", "exact", MAYOR)]
    other = store.open_article(load_article(story))
    assert other.id != doc.id and other.how == "new"
