"""Issue 13, coders: who codes, one tag per sentence per coder, blind reading,
export per coder, import keeping each row's coder."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_tui
from tui.store import AnnotationStore, StoreError
from tui.store.coders import CoderNameError, check_coder_name, current_coder
from tui.text import load_article

FIXTURE = Path(__file__).parent / "fixtures" / "v1_annotations.db"


def sentence(doc, p, s):
    return doc.article.paragraphs[p - 1].sentences[s - 1]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- 1. who is coding ---------------------------------------------------------

def test_the_coder_comes_from_the_option_else_the_environment_else_the_os(monkeypatch):
    monkeypatch.setenv("TUI_ANNOTATOR", "  env coder ")
    assert current_coder("  Ana ") == "Ana"
    assert current_coder(None) == "env coder"
    monkeypatch.setenv("TUI_ANNOTATOR", "")
    monkeypatch.setenv("USER", "osname")
    monkeypatch.setenv("LOGNAME", "osname")
    assert current_coder(None) == "osname"


@pytest.mark.parametrize("name, message", [
    ("", "coder name is empty"),
    ("   ", "coder name is empty"),
    ("a\nb", "contains a control character (U+000A)"),
    ("a\x1b[31mb", "contains a control character (U+001B)"),
    ("ana\u202e", "contains a control character (U+202E)"),
    ("x" * 101, "coder name is longer than 100 characters"),
])
def test_a_bad_coder_name_is_refused_in_one_line(name, message):
    with pytest.raises(CoderNameError) as raised:
        check_coder_name(name)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_the_store_refuses_a_bad_name_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TUI_ANNOTATOR", "bad\x07name")
    with pytest.raises(StoreError) as raised:
        AnnotationStore(tmp_path / "a.db")
    assert str(raised.value) == r"TUI_ANNOTATOR bad\x07name contains a control character (U+0007)"


@pytest.mark.parametrize("args, env", [
    (["--annotator", " ", "export", "--db", "{db}"], {}),
    (["--annotator", "a\x1bb", "import", "--db", "{db}", "{file}"], {}),
    (["import", "--db", "{db}", "{file}"], {"TUI_ANNOTATOR": "tab\there"}),
    (["merge", "--db", "{db}", "{db}"], {"TUI_ANNOTATOR": "\x85"}),
])
def test_the_cli_refuses_a_bad_coder_with_one_line_and_changes_nothing(tmp_path, seed_path,
                                                                       args, env):
    db = tmp_path / "a.db"
    store = AnnotationStore(db, annotator="ana")
    doc = store.open_article(load_article(seed_path))
    store.tag(doc, 1, sentence(doc, 1, 1), "claim")
    store.close()
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"text": sentence(doc, 2, 1).text, "label": "quote",
                                "article_path": str(seed_path)}) + "\n")
    before = sha(db)
    result = run_tui(*(a.format(db=db, file=rows) for a in args), env=env)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("tui: ")
    assert "\x1b" not in result.stderr and "\t" not in result.stderr
    assert sha(db) == before


# -- 2. one tag per sentence per coder ---------------------------------------

def test_two_coders_tag_one_sentence_and_each_keeps_their_own(tmp_path, seed_path):
    article = load_article(seed_path)
    ana = AnnotationStore(tmp_path / "a.db", annotator="ana")
    ben = AnnotationStore(tmp_path / "a.db", annotator="ben")
    doc_a, doc_b = ana.open_article(article), ben.open_article(article)
    first = sentence(doc_a, 1, 1)
    assert ana.tag(doc_a, 1, first, "claim").message is None
    # Ben sees no tag there (blind) and adds his own: nothing "elsewhere".
    assert ben.tag(doc_b, 1, first, "quote").message is None
    ben.tag(doc_b, 2, sentence(doc_b, 2, 1), "background")
    assert {k: a.label for k, a in ana.annotations(doc_a).items()} == {(0, 156): "claim"}
    assert {k: a.label for k, a in ben.annotations(doc_b).items()} == {
        (0, 156): "quote", (158, 307): "background"}
    assert ana.counts(doc_a) == {"claim": 1}
    assert ben.counts(doc_b) == {"background": 1, "quote": 1}
    assert ana.other_coders_labels(doc_a) == {(0, 156): {"ben": "quote"},
                                              (158, 307): {"ben": "background"}}
    assert ben.other_coders_labels(doc_b) == {(0, 156): {"ana": "claim"}}
    # Ben's untag and undo never touch Ana's tag.
    assert ben.untag(doc_b, first, shown="quote").annotation is None
    assert ben.undo(doc_b).annotation.label == "quote"
    assert ana.annotation_at(doc_a, first).label == "claim"
    assert ana.undo(doc_a).annotation is None
    assert ben.annotation_at(doc_b, first).label == "quote"
    assert ana.coders() == ["ben"]
    ana.close()
    ben.close()


def test_the_previous_release_database_upgrades_with_every_tag_and_takes_a_second_coder(
        tmp_path, seed_path):
    path = tmp_path / "v1.db"
    shutil.copyfile(FIXTURE, path)
    store = AnnotationStore(path, annotator="second")
    doc = store.open_article(load_article(seed_path))
    assert store.db.execute(
        "SELECT paragraph, sentence, label, note, annotator FROM annotations ORDER BY id"
    ).fetchall() == [
        (1, 1, "claim", "", "v1user"),
        (4, 1, "quote", "said on Thursday", "v1user"),
        (6, 2, "background", "", "v1user"),
        (5, 1, "opinion", "from another client", "otherclient"),
    ]
    assert store.annotations(doc) == {}
    # The v1user's claim on 1.1 stays while the second coder tags it.
    assert store.tag(doc, 1, sentence(doc, 1, 1), "quote").annotation.label == "quote"
    assert store.db.execute(
        "SELECT annotator, label FROM annotations WHERE paragraph = 1 AND sentence = 1 "
        "ORDER BY annotator").fetchall() == [("second", "quote"), ("v1user", "claim")]
    # Still one tag per sentence for one coder.
    with pytest.raises(sqlite3.IntegrityError):
        store.db.conn.execute(
            'INSERT INTO annotations (article_id, paragraph, sentence, start, "end", text, '
            "label, annotator, created_at, updated_at) VALUES (?, 1, 1, 0, 156, 'x', 'claim', "
            "'second', 'now', 'now')", [doc.id])
    store.close()


# -- 4. export and import per coder -------------------------------------------

@pytest.fixture
def two_coders(tmp_path, seed_path):
    """Ana's database (claim 1.1, quote 4.1) and Ben's (quote 1.1, background 2.1)."""
    article = load_article(seed_path)
    made = {}
    for name, tags in (("ana", [(1, 1, "claim"), (4, 1, "quote")]),
                       ("ben", [(1, 1, "quote"), (2, 1, "background")])):
        store = AnnotationStore(tmp_path / f"{name}.db", annotator=name)
        doc = store.open_article(article)
        for p, s, label in tags:
            store.tag(doc, p, sentence(doc, p, s), label)
        store.close()
        made[name] = tmp_path / f"{name}.db"
    return made


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_has_one_row_per_coders_tag_and_filters_by_annotator(tmp_path, two_coders):
    db = two_coders["ana"]
    for fmt in ("jsonl",):
        out = run_tui("export", "--db", str(two_coders["ben"]), "--format", fmt,
                      "-o", str(tmp_path / "ben.jsonl"))
        assert out.returncode == 0, out.stderr
    imported = run_tui("import", "--db", str(db), str(tmp_path / "ben.jsonl"))
    assert imported.returncode == 0, imported.stderr
    every = _csv(run_tui("export", "--db", str(db)).stdout)
    assert [(r["paragraph"], r["sentence"], r["label"], r["annotator"]) for r in every] == [
        ("1", "1", "claim", "ana"), ("1", "1", "quote", "ben"), ("2", "1", "background", "ben"),
        ("4", "1", "quote", "ana")]
    only_ben = _csv(run_tui("export", "--db", str(db), "--annotator", "ben").stdout)
    assert [(r["label"], r["annotator"]) for r in only_ben] == [("quote", "ben"),
                                                                 ("background", "ben")]
    quotes_of_ana = run_tui("export", "--db", str(db), "--annotator", "ana", "--label", "quote",
                            "--format", "jsonl").stdout.splitlines()
    assert [(json.loads(r)["label"], json.loads(r)["annotator"]) for r in quotes_of_ana] == [
        ("quote", "ana")]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_importing_b_twice_adds_nothing_the_second_time_and_never_touches_a(tmp_path, two_coders,
                                                                           fmt):
    exported = tmp_path / f"ben.{fmt}"
    assert run_tui("export", "--db", str(two_coders["ben"]), "--format", fmt,
                   "-o", str(exported)).returncode == 0
    db = two_coders["ana"]
    ana_rows = "SELECT * FROM annotations WHERE annotator = 'ana' ORDER BY id"
    conn = sqlite3.connect(db)
    before = conn.execute(ana_rows).fetchall()
    first = run_tui("--annotator", "ana", "import", "--db", str(db), str(exported))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("read 2, added 2, updated 0, unchanged 0"), first.stdout
    second = run_tui("--annotator", "ana", "import", "--db", str(db), str(exported))
    assert second.stdout.startswith("read 2, added 0, updated 0, unchanged 2"), second.stdout
    assert conn.execute(ana_rows).fetchall() == before
    assert conn.execute("SELECT annotator, label FROM annotations WHERE paragraph = 1 "
                        "ORDER BY annotator").fetchall() == [("ana", "claim"), ("ben", "quote")]
    conn.close()


def test_an_import_with_a_control_character_in_a_coder_name_changes_nothing(tmp_path, two_coders,
                                                                           seed_path):
    doc_text = load_article(seed_path).paragraphs[2].sentences[0].text
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"text": doc_text, "label": "claim", "article_path": str(seed_path),
                    "annotator": "carl"}) + "\n"
        + json.dumps({"text": doc_text, "label": "claim", "article_path": str(seed_path),
                      "annotator": "evil\u001b]0;pwned\u0007"}) + "\n")
    db = two_coders["ana"]
    before = sha(db)
    result = run_tui("import", "--db", str(db), str(rows))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        r"tui: line 2: annotator evil\x1b]0;pwned\x07 contains a control character (U+001B)"]
    assert sha(db) == before
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"text": doc_text, "label": "claim",
                                 "article_path": str(seed_path), "annotator": " "}) + "\n")
    result = run_tui("import", "--db", str(db), str(empty))
    assert (result.returncode, result.stderr) == (2, "tui: line 1: annotator is empty\n")
    assert sha(db) == before


def test_an_edited_article_moves_every_coders_tag_on_one_sentence(tmp_path):
    from tui.text import article_from_body

    first = article_from_body("One sentence here. Two sentence here.", "/news/a.txt", "A", "", "")
    edited = article_from_body("A new opening. One sentence here. Two sentence here.",
                               "/news/a.txt", "A", "", "")
    for coder, label in (("ana", "claim"), ("ben", "quote")):
        store = AnnotationStore(tmp_path / "a.db", annotator=coder)
        doc = store.open_article(first)
        store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], label)
        store.close()
    store = AnnotationStore(tmp_path / "a.db", annotator="ana")
    doc = store.open_article(edited)
    assert (doc.reanchored, doc.orphaned) == (2, 0)
    assert store.db.execute(
        'SELECT annotator, label, start, "end" FROM annotations ORDER BY annotator'
    ).fetchall() == [("ana", "claim", 15, 33), ("ben", "quote", 15, 33)]
    store.close()


def test_each_coder_sees_only_their_own_fuzzy_and_orphaned_tags(tmp_path):
    from tui.text import load_article as load

    path = tmp_path / "story.txt"
    path.write_text("4 April 2014\nA story\nWire\n\nOne sentence here. Two sentence here.\n",
                    encoding="utf-8")
    for coder, labels in (("ana", ["claim"]), ("ben", ["quote", "background"])):
        store = AnnotationStore(tmp_path / "a.db", annotator=coder)
        doc = store.open_article(load(path))
        for sentence, label in zip(doc.article.paragraphs[0].sentences, labels):
            store.tag(doc, 1, sentence, label)
        store.close()
    path.write_text("4 April 2014\nA story\nWire\n\nSomething else entirely now. And a "
                    "different ending too.\n", encoding="utf-8")
    store = AnnotationStore(tmp_path / "a.db", annotator="ana")
    doc = store.open_article(load(path))
    assert [(u.annotator, u.label, u.anchor) for u in store.unsettled(doc)] == [
        ("ana", "claim", "orphan")]
    assert store.anchor_counts(doc) == {"fuzzy": 0, "orphan": 1}
    store.close()


def test_status_counts_the_current_coders_tags(tmp_path, seed_path, two_coders):
    db = two_coders["ana"]
    exported = tmp_path / "ben.jsonl"
    run_tui("export", "--db", str(two_coders["ben"]), "--format", "jsonl", "-o", str(exported))
    assert run_tui("import", "--db", str(db), str(exported)).returncode == 0
    for coder, tagged in (("ana", {"claim": 1, "quote": 1, "background": 0}),
                          ("ben", {"claim": 0, "quote": 1, "background": 1})):
        result = run_tui("--annotator", coder, "status", str(seed_path), "--db", str(db),
                         "--format", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)[0]["tagged"] == tagged


def test_import_of_the_same_coders_tag_keeps_the_newer_version(tmp_path, seed_path, two_coders):
    db = two_coders["ana"]
    old = tmp_path / "ana-old.jsonl"
    assert run_tui("export", "--db", str(db), "--format", "jsonl", "-o", str(old)).returncode == 0
    store = AnnotationStore(db, annotator="ana")
    doc = store.open_article(load_article(seed_path))
    store.tag(doc, 1, sentence(doc, 1, 1), "background")  # later than the export
    store.close()
    result = run_tui("--annotator", "ana", "import", "--db", str(db), str(old))
    assert result.stdout.startswith("read 2, added 0, updated 0, unchanged 2"), result.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT label FROM annotations WHERE paragraph = 1").fetchall() == [
        ("background",)]
    # The same row stamped later than the database's wins.
    newer = tmp_path / "ana-new.jsonl"
    rows = [json.loads(line) for line in old.read_text().splitlines()]
    rows[0]["updated_at"] = "2099-01-01T00:00:00.000000+00:00"
    newer.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = run_tui("--annotator", "ana", "import", "--db", str(db), str(newer))
    assert result.stdout.startswith("read 2, added 0, updated 1, unchanged 1"), result.stdout
    assert conn.execute("SELECT label FROM annotations WHERE paragraph = 1").fetchall() == [
        ("claim",)]
    conn.close()
