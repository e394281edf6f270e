"""Issue 13, `tui merge`: every coder's work from other databases, idempotent,
never over another coder's tag, the newer version of one coder's tag wins."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_tui
from tui.store import AnnotationStore
from tui.text import article_from_body, load_article

FIXTURE = Path(__file__).parent / "fixtures" / "v1_annotations.db"
OTHER = article_from_body("A second story. It has two sentences.", "/news/two.txt", "Two",
                          "2014-04-05", "Wire")


def sentence(doc, p, s):
    return doc.article.paragraphs[p - 1].sentences[s - 1]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tag_all(path: Path, coder: str, article, tags) -> None:
    store = AnnotationStore(path, annotator=coder)
    doc = store.open_article(article)
    for p, s, label, *note in tags:
        store.tag(doc, p, sentence(doc, p, s), label)
        if note:
            store.set_note(doc, sentence(doc, p, s), note[0])
    store.close()


@pytest.fixture
def team(tmp_path, seed_path):
    """lead.db (lead's claim on 1.1), ana.db, ben.db (ben also has a second article)."""
    seed = load_article(seed_path)
    tag_all(tmp_path / "lead.db", "lead", seed, [(1, 1, "claim")])
    tag_all(tmp_path / "ana.db", "ana", seed, [(1, 1, "quote", "her note"), (2, 1, "claim")])
    tag_all(tmp_path / "ben.db", "ben", seed, [(1, 1, "background"), (3, 1, "claim")])
    tag_all(tmp_path / "ben.db", "ben", OTHER, [(1, 2, "quote")])
    return tmp_path


def rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT ar.title, a.paragraph, a.sentence, a.annotator, a.label, a.note "
            "FROM annotations a JOIN articles ar ON ar.id = a.article_id "
            "ORDER BY ar.title, a.paragraph, a.sentence, a.annotator").fetchall()
    finally:
        conn.close()


SEED_TITLE = "Russia Unfazed By Suspension of Antimissile Talks with U.S."


def test_merge_brings_every_coder_and_article_and_is_idempotent(team):
    lead, ana, ben = team / "lead.db", team / "ana.db", team / "ben.db"
    sources = (sha(ana), sha(ben))
    result = run_tui("merge", "--db", str(lead), str(ana), str(ben))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{ana}: added 0 article(s), 2 tag(s), 0 orphan(s); 0 replaced by a newer version, "
        "0 kept (newer here), 0 unchanged (ana)",
        f"{ben}: added 1 article(s), 3 tag(s), 0 orphan(s); 0 replaced by a newer version, "
        "0 kept (newer here), 0 unchanged (ben)",
    ]
    assert rows(lead) == [
        (SEED_TITLE, 1, 1, "ana", "quote", "her note"),
        (SEED_TITLE, 1, 1, "ben", "background", ""),
        (SEED_TITLE, 1, 1, "lead", "claim", ""),
        (SEED_TITLE, 2, 1, "ana", "claim", ""),
        (SEED_TITLE, 3, 1, "ben", "claim", ""),
        ("Two", 1, 2, "ben", "quote", ""),
    ]
    again = run_tui("merge", "--db", str(lead), str(ana), str(ben))
    assert again.stdout.splitlines() == [
        f"{ana}: added 0 article(s), 0 tag(s), 0 orphan(s); 0 replaced by a newer version, "
        "0 kept (newer here), 2 unchanged (ana)",
        f"{ben}: added 0 article(s), 0 tag(s), 0 orphan(s); 0 replaced by a newer version, "
        "0 kept (newer here), 3 unchanged (ben)",
    ]
    assert len(rows(lead)) == 6
    assert (sha(ana), sha(ben)) == sources  # the other files are only read
    assert not Path(f"{ana}-wal").exists() and not Path(f"{ana}-shm").exists()


def test_the_same_coder_newer_version_wins_and_is_listed(team, seed_path):
    lead, ana = team / "lead.db", team / "ana.db"
    shutil.copyfile(ana, team / "ana-laptop.db")
    assert run_tui("merge", "--db", str(lead), str(ana)).returncode == 0
    # On her laptop, later, Ana changes her mind on 2.1 and edits her note on 1.1.
    tag_all(team / "ana-laptop.db", "ana", load_article(seed_path),
            [(2, 1, "background"), ])
    store = AnnotationStore(team / "ana-laptop.db", annotator="ana")
    doc = store.open_article(load_article(seed_path))
    store.set_note(doc, sentence(doc, 1, 1), "second thoughts")
    store.close()
    result = run_tui("merge", "--db", str(lead), str(team / "ana-laptop.db"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        f"  newer: ana on {SEED_TITLE} 1.1: quote (second thoughts) (was quote (her note))",
        f"  newer: ana on {SEED_TITLE} 2.1: background (was claim)",
    ]
    assert "2 replaced by a newer version" in result.stdout
    assert rows(lead) == [
        (SEED_TITLE, 1, 1, "ana", "quote", "second thoughts"),
        (SEED_TITLE, 1, 1, "lead", "claim", ""),
        (SEED_TITLE, 2, 1, "ana", "background", ""),
    ]
    # The old version merged afterwards does not win: it is older.
    old = run_tui("merge", "--db", str(lead), str(ana))
    assert "0 replaced by a newer version, 2 kept (newer here)" in old.stdout
    assert old.stdout.splitlines()[1:] == [
        f"  kept: ana on {SEED_TITLE} 1.1: quote (second thoughts) here is newer than "
        "quote (her note)",
        f"  kept: ana on {SEED_TITLE} 2.1: background here is newer than claim",
    ]
    assert (SEED_TITLE, 2, 1, "ana", "background", "") in rows(lead)


def test_a_previous_release_database_merges_with_its_coders(team, seed_path):
    v1 = team / "v1.db"
    shutil.copyfile(FIXTURE, v1)
    before = sha(v1)
    result = run_tui("merge", "--db", str(team / "lead.db"), str(v1))
    assert result.returncode == 0, result.stderr
    assert "3 tag(s)" in result.stdout and "(otherclient, v1user)" in result.stdout
    assert result.stderr == "  not merged: 1 tag(s) with a label tui does not know\n"
    assert [r[1:] for r in rows(team / "lead.db") if r[3] == "v1user"] == [
        (1, 1, "v1user", "claim", ""), (4, 1, "v1user", "quote", "said on Thursday"),
        (6, 2, "v1user", "background", "")]
    assert sha(v1) == before  # not migrated: only read


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('tui', 'm999_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()


def _bad_coder(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE annotations SET annotator = 'ana\x1b[2J'")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("case, expected", [
    ("foreign", "{p}: not a tui database; not merged"),
    ("newer", "{p}: written by a newer version of tui (schema m999_from_the_future); "
              "upgrade tui to merge it"),
    ("itself", "{p}: is the database being merged into; nothing to merge"),
    ("link", "{p}: is the database being merged into; nothing to merge"),
    ("coder", "{p}: coder name ana\\x1b[2J contains a control character (U+001B); not merged"),
    ("text", "{p}: not a SQLite database; not merged"),
    ("missing", "{p}: no such database file"),
    ("damaged", "{p}: the database file is damaged (file is not a database)"),
])
def test_a_database_that_cannot_be_merged_is_one_line_and_changes_nothing(team, case, expected):
    lead = team / "lead.db"
    bad = team / "bad.db"
    if case == "foreign":
        _foreign(bad)
    elif case == "newer":
        shutil.copyfile(team / "ben.db", bad)
        _newer(bad)
    elif case == "itself":
        bad = lead
    elif case == "link":
        bad.symlink_to(lead)
    elif case == "coder":
        shutil.copyfile(team / "ben.db", bad)
        _bad_coder(bad)
    elif case == "text":
        bad.write_text("name,label\n")
    elif case == "damaged":
        bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = sha(lead)
    # A good database first: still nothing changes.
    result = run_tui("merge", "--db", str(lead), str(team / "ana.db"), str(bad))
    assert result.returncode == 2
    assert result.stderr == f"tui: {expected.format(p=bad)}\n"
    assert sha(lead) == before


def test_a_failure_half_way_rolls_back_every_database_merged(team):
    lead = team / "lead.db"
    conn = sqlite3.connect(lead)
    conn.execute("CREATE TRIGGER no_ben BEFORE INSERT ON annotations WHEN NEW.annotator = 'ben' "
                 "BEGIN SELECT RAISE(ABORT, 'ben refused'); END")
    conn.commit()
    conn.close()
    before = rows(lead)
    result = run_tui("merge", "--db", str(lead), str(team / "ana.db"), str(team / "ben.db"))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "ben refused" in result.stderr
    assert rows(lead) == before  # ana's tags, merged first, rolled back too
