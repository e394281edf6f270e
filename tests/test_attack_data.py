"""Hostile pass over the data path (CLI and store), each finding once broken.

Every case here was, on main, a tag put where no sentence is, a cell that
did not come back, a traceback or raw terminal bytes; now it is placed
right, refused in one line, or inert.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.conftest import SEED, run_tui

# The seed's first two paragraphs, as `tui parse` splits them.
P1S1 = ("Russia is unfazed by the U.S. announcement last week that antimissile cooperation "
        "talks have been suspended due to the events in Ukraine, Interfax reported.")
P2S1 = ("The two countries had been holding preliminary discussions on areas of possible "
        "missile defense collaboration in accord with a 2010 Lisbon agreement.")
P2S2 = ("However, the talks never gained much traction due to fundamental differences of "
        "opinion about U.S. missile interceptors planned for fielding in the coming years "
        "in Europe.")


def _story(tmp_path):
    article = tmp_path / "story.txt"
    shutil.copy(SEED, article)
    return article


def _tags(db):
    with sqlite3.connect(db) as conn:
        return conn.execute('SELECT paragraph, sentence, start, "end", label, text '
                            "FROM annotations ORDER BY start, \"end\"").fetchall()


def test_rows_whose_offsets_are_not_a_sentence_are_not_placed_there(tmp_path):
    """A model's span file, a hand-edited spreadsheet: offsets of a word, of an
    empty or reversed span, of two sentences, or a wrong sentence number.

    Main placed every one of these at its offsets, as if it were a sentence
    (four tags on a paragraph of one sentence, sentence numbers 3, 4 and 7
    that do not exist); only a span that is a sentence is placed, under the
    number the text has."""
    article = _story(tmp_path)
    both = P2S1 + " " + P2S2
    rows = [
        "article_path,paragraph,sentence,label,text,start,end",
        f"{article},1,1,claim,Russia,0,6",  # a word at the paragraph's start
        f"{article},1,2,claim,reported.,147,156",  # a word at its end
        f"{article},1,3,background,,10,5",  # reversed, empty
        f"{article},1,4,background,,7,7",  # empty
        f'{article},2,1,claim,"{both}",158,479',  # two sentences
        f'{article},1,7,quote,"{P1S1}",0,156',  # sentence 1, numbered 7
        f'{article},2,1,background,"{P2S2}",308,479',  # sentence 2, numbered 1
    ]
    source = tmp_path / "spans.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    result = run_tui("import", str(source), "--db", str(db))
    assert result.returncode == 1, result.stderr
    assert result.stdout == "read 7, added 2, updated 0, unchanged 0, not placed 5\n"
    assert _tags(db) == [(1, 1, 0, 156, "quote", P1S1), (2, 2, 308, 479, "background", P2S2)]
    assert "not placed: row 1: text matches no sentence: 'Russia'\n" in result.stderr
    assert "not placed: row 5: text matches no sentence" in result.stderr


@pytest.mark.xfail(strict=True, reason=(
    "left: offsets that end at an abbreviation's '. ' or a sentence number other than 1 "
    "that is wrong pass the import's cheap check (an exact one splits every paragraph: "
    "~0.2 s a MB, ~25 s more on the 1M-row import)"))
def test_a_span_ending_at_an_abbreviation_or_a_wrong_later_number_is_not_placed(tmp_path):
    article = _story(tmp_path)
    rows = [
        "article_path,paragraph,sentence,label,text,start,end",
        f"{article},1,1,claim,Russia is unfazed by the U.S.,0,29",
        f'{article},2,3,background,"{P2S2}",308,479',  # sentence 2, numbered 3
    ]
    source = tmp_path / "spans.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    run_tui("import", str(source), "--db", str(db))
    assert _tags(db) == [(2, 2, 308, 479, "background", P2S2)]


def _noted_db(tmp_path, notes):
    """A database with the seed's first sentences tagged claim, with these
    notes (imported from JSONL, which is never neutralised)."""
    import json

    article = _story(tmp_path)
    spots = [(1, 1, 0, 156, P1S1), (2, 1, 158, 307, P2S1), (2, 2, 308, 479, P2S2)]
    lines = [json.dumps({"article_path": str(article), "paragraph": p, "sentence": s,
                         "start": a, "end": b, "text": text, "label": "claim", "note": note})
             for (p, s, a, b, text), note in zip(spots, notes)]
    source = tmp_path / "notes.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    result = run_tui("import", str(source), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


def _notes(db):
    with sqlite3.connect(db) as conn:
        return [n for (n,) in conn.execute("SELECT note FROM annotations ORDER BY start")]


def test_a_raw_export_round_trips_notes_before_its_first_bare_formula(tmp_path):
    """tui export --raw, then tui import: the file is known to be --raw only
    at its first bare formula (row 3 here). Main had already taken the ' off
    the notes of rows 1 and 2 ("'=SUM(A1)" came back "=SUM(A1)", "''=x" as
    "'=x"); the import now starts again as --raw and keeps them."""
    db = _noted_db(tmp_path, ["'=SUM(A1)", "''=x", "=1+1"])
    out = tmp_path / "raw.csv"
    assert run_tui("export", "--raw", "-o", str(out), "--db", str(db)).returncode == 0
    again = tmp_path / "b.db"
    result = run_tui("import", str(out), "--db", str(again))
    assert (result.returncode, result.stdout) == (
        0, "read 3, added 3, updated 0, unchanged 0, not placed 0\n")
    assert _notes(again) == ["'=SUM(A1)", "''=x", "=1+1"]
    # A neutralised export of the same notes still round-trips.
    out = tmp_path / "safe.csv"
    assert run_tui("export", "-o", str(out), "--db", str(db)).returncode == 0
    third = tmp_path / "c.db"
    assert run_tui("import", str(out), "--db", str(third)).returncode == 0
    assert _notes(third) == ["'=SUM(A1)", "''=x", "=1+1"]


def test_a_raw_export_on_standard_input_says_what_it_could_not_keep(tmp_path):
    db = _noted_db(tmp_path, ["'=SUM(A1)", "", "=1+1"])
    exported = run_tui("export", "--raw", "--db", str(db)).stdout
    again = tmp_path / "b.db"
    result = run_tui("import", "-", "--db", str(again), input=exported)
    assert result.returncode == 0, result.stderr
    assert ("standard input: a --raw export (seen at a bare formula) whose earlier cells had "
            "a ' taken off; import it from a file to keep them as written\n") in result.stderr
