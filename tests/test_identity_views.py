"""`tui status`, the library's true counts, the anchors screen and export file names."""

from __future__ import annotations

import pytest

import json
import shutil

from textual.widgets import DataTable

from tui.ui.library_table import LibraryTable

from tests.conftest import run_tui
from tests.test_identity import LEAD, MAYOR, REPAIR, SCHOOLS, TOLL, write
from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp
from tui.ui.exports_folder import export_path, safe_file_stem
from tui.ui.screens.anchors import AnchorsScreen
from tui.ui.screens.library import LibraryScreen
from tui.ui.screens.reader import ReaderScreen

SIZE = (120, 40)


async def settle(pilot) -> None:
    """Until workers, store calls and the library's scan are done."""
    for _ in range(500):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        calls = getattr(pilot.app, "store_calls", None)
        if calls is not None:
            await calls.idle()
        if not getattr(pilot.app.screen, "scanning", False) and not pilot.app.workers._workers:
            break
    await pilot.pause()


@pytest.fixture(autouse=True)
def _one_coder(monkeypatch):
    """Tags are per coder (issue 13): every store and command here is coder "t"."""
    monkeypatch.setenv("TUI_ANNOTATOR", "t")


def tagged_library(tmp_path):
    """A folder of two articles; the first tagged, then edited; the second tagged, then deleted."""
    folder = tmp_path / "lib"
    folder.mkdir()
    story = write(folder / "storm.txt", [LEAD + " " + TOLL, MAYOR, SCHOOLS + " " + REPAIR])
    gone = write(folder / "gone.txt", ["A story about a \x1b[31mharbour\x1b[0m and its boats."],
                 title="Harbour\u202e News")
    db = tmp_path / "a.db"
    store = AnnotationStore(db, annotator="t")
    doc = store.open_article(load_article(story))
    p = doc.article.paragraphs
    store.tag(doc, 1, p[0].sentences[1], "claim")
    store.tag(doc, 2, p[1].sentences[0], "quote")
    store.tag(doc, 3, p[2].sentences[0], "quote")
    doc2 = store.open_article(load_article(gone))
    store.tag(doc2, 1, doc2.article.paragraphs[0].sentences[0], "background")
    store.close()
    write(story, [LEAD + " " + TOLL.replace("107", "111"), MAYOR, "Classes resume soon. " + REPAIR])
    gone.unlink()
    return folder, db


def test_status_re_anchors_edited_files_and_lists_missing_ones(tmp_path):
    folder, db = tagged_library(tmp_path)
    result = run_tui("status", str(folder), "--db", str(db), "--format", "tsv")
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0] == ["title", "outlet", "date", "path", "sentences", "claim", "quote",
                        "background", "fuzzy", "orphans", "state", "last_opened"]
    assert [line[:3] + line[4:11] for line in lines[1:]] == [
        ["Toll Rises", "Wire", "2014-04-04", "5", "1", "1", "0", "1", "1", "edited"],
        # Control and bidi characters of the title are shown, not obeyed.
        ["Harbour\ufffd News", "Wire", "2014-04-04", "", "0", "0", "1", "0", "0", "missing"],
    ]
    assert "\u202e" not in result.stdout and "\x1b" not in result.stdout
    # JSON of every article in the database: same counts, escaped by JSON itself.
    data = json.loads(run_tui("status", "--db", str(db), "--format", "json").stdout)
    assert [(d["title"], d["tagged"], d["fuzzy"], d["orphans"], d["state"]) for d in data] == [
        ("Toll Rises", {"claim": 1, "quote": 1, "background": 0}, 1, 1, "edited"),
        ("Harbour\u202e News", {"claim": 0, "quote": 0, "background": 1}, 0, 0, "missing"),
    ]
    table = run_tui("status", str(folder / "storm.txt"), "--db", str(db))
    assert table.stdout.splitlines()[1].split()[:2] == ["Toll", "Rises"]
    assert table.stdout.splitlines()[1].split()[-8:-2] == ["1", "1", "0", "1", "1", "edited"]
    bad = run_tui("status", str(tmp_path / "nowhere"), "--db", str(db))
    assert (bad.returncode, bad.stderr) == (2, f"tui: {tmp_path / 'nowhere'}: no such file or folder\n")


def test_status_printable_replaces_controls_in_tsv(tmp_path):
    folder, db = tagged_library(tmp_path)
    out = run_tui("status", "--db", str(db), "--format", "tsv").stdout
    title = out.splitlines()[2].split("\t")[0]
    assert title.startswith("Harbour") and title.endswith(" News") and "\u202e" not in title


async def test_library_shows_true_counts_before_opening_and_missing_articles(tmp_path):
    folder, db = tagged_library(tmp_path)
    app = AnnotateApp(AnnotationStore(db), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one(LibraryTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[3:6] for r in rows] == [["2/5", "1/1", "edited"], ["1/?", "", "missing"]]
        table.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)  # a missing file does not open
        assert any("its file is gone" in n.message for n in app._notifications)


async def test_anchors_screen_accepts_reattaches_and_deletes(tmp_path):
    folder, db = tagged_library(tmp_path)
    store = AnnotationStore(db, annotator="t")
    app = AnnotateApp(store, article=load_article(folder / "storm.txt"), exports=tmp_path / "x")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert any("Press o to review" in n.message for n in app._notifications)
        await pilot.press("j", "j", "o")  # cursor on "Classes resume soon."
        await settle(pilot)
        assert isinstance(app.screen, AnchorsScreen)
        table = app.screen.query_one(DataTable)
        assert [[str(c) for c in table.get_row_at(i)][:5] for i in range(table.row_count)] == [
            ["fuzzy", "claim", "1.2", "1.2",
             "Officials said 107 people had been taken to hospital by Tuesday morni…"],
            ["orphan", "quote", "3.1", "",
             "Schools in the three worst-hit districts will stay closed for the res…"],
        ]
        await pilot.press("a")  # accept the fuzzy one
        await pilot.press("r")  # the orphan, now first, goes under the reader's cursor
        await settle(pilot)
        assert table.row_count == 0
        rows = store.db.execute("SELECT paragraph, sentence, label, anchor, text FROM annotations "
                                "WHERE article_id = 1 ORDER BY paragraph").fetchall()
        assert rows == [(1, 2, "claim", "exact", TOLL.replace("107", "111")),
                        (2, 1, "quote", "exact", MAYOR),
                        (3, 1, "quote", "exact", "Classes resume soon.")]
        assert reader.view.labels[(reader.view.current_sentence.start,
                                   reader.view.current_sentence.end)] == "quote"
        await pilot.press("escape", "u")  # undo the re-attach: an orphan again
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert store.anchor_counts(reader.doc) == {"fuzzy": 0, "orphan": 1}
        assert (reader.view.current_sentence.start, reader.view.current_sentence.end) \
            not in reader.view.labels
        await pilot.press("o", "d")  # delete the orphan
        await settle(pilot)
        assert store.anchor_counts(reader.doc) == {"fuzzy": 0, "orphan": 0}
        await pilot.press("escape", "u")  # and undo brings it back, still an orphan
        await settle(pilot)
        assert store.anchor_counts(reader.doc) == {"fuzzy": 0, "orphan": 1}
        assert len(store.annotations(reader.doc)) == 2


def test_export_names_keep_unicode_and_never_collide(tmp_path):
    assert safe_file_stem("Россия не смущена") == "Россия-не-смущена"
    assert safe_file_stem("Η Ελλάδα ψηφίζει") == "Η-Ελλάδα-ψηφίζει"
    assert safe_file_stem("日本の記事です") == "日本の記事です"
    assert safe_file_stem("evil\u202e\x1b[31mtxt.csv") == "evil-[31mtxt.csv"
    assert safe_file_stem("../../etc/passwd") == "etc-passwd"
    a = export_path(tmp_path, "Press release", "1a2b3c4d")
    b = export_path(tmp_path, "Press release", "5e6f7a8b")
    assert (a.name, b.name) == ("Press-release-1a2b3c4d.csv", "Press-release-5e6f7a8b.csv")
    assert len(safe_file_stem("長" * 300).encode()) <= 150


async def test_e_exports_each_article_to_its_own_file_and_replaces_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = write(tmp_path / "a.txt", [LEAD], title="Press release", outlet="A")
    second = write(tmp_path / "b.txt", [MAYOR], title="Press release", outlet="B")
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    exports = tmp_path / "exports"
    for path, presses in ((first, ("c", "e")), (second, ("q", "e")), (first, ("c", "e"))):
        app = AnnotateApp(store, article=load_article(path), exports=exports)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*presses)
            await settle(pilot)
    uids = [u for (u,) in store.db.execute("SELECT uid FROM articles ORDER BY id")]
    names = sorted(p.name for p in exports.iterdir())
    assert names == sorted(f"Press-release-{u}.csv" for u in uids)
    # The first article's file was replaced: its tag was toggled off by the second `c`.
    first_csv = (exports / f"Press-release-{uids[0]}.csv").read_text(encoding="utf-8")
    second_csv = (exports / f"Press-release-{uids[1]}.csv").read_text(encoding="utf-8")
    assert len(first_csv.splitlines()) == 1 and len(second_csv.splitlines()) == 2


def test_orphans_command_lists_tags_of_articles_whose_file_is_missing(tmp_path):
    folder, db = tagged_library(tmp_path)
    AnnotationStore(db).open_article(load_article(folder / "storm.txt")).id  # re-anchor now
    result = run_tui("orphans", "--db", str(db))
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"Toll Rises\tquote\t{SCHOOLS}",
        "Harbour\ufffd News\tbackground\tA story about a ␛[31mharbour␛[0m and its boats.\t"
        f"(file missing: {(folder / 'gone.txt').resolve()})",
    ]
    assert result.stderr == "1 orphan(s)\n1 tag(s) of articles whose file is missing\n"


def test_a_file_that_vanishes_between_scan_and_open(tmp_path):
    from tui.store.status import file_status

    folder, db = tagged_library(tmp_path)
    store = AnnotationStore(db)
    row = file_status(store, folder / "gone.txt")
    assert (row.state, row.article_id, row.sentences) == ("missing", None, None)
    assert row.error.startswith(str(folder / "gone.txt"))


async def test_library_open_of_a_file_deleted_after_the_scan(tmp_path):
    folder, db = tagged_library(tmp_path)
    shutil.copy(folder / "storm.txt", folder / "storm-copy.txt")
    app = AnnotateApp(AnnotationStore(db), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LibraryTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        # Two byte-identical files: one article; the second says it is a copy.
        assert [(r[0], r[5]) for r in rows] == [
            ("Toll Rises", "copy"), ("Toll Rises", "edited"), ("Harbour\ufffd News", "missing")]
        (folder / "storm.txt").unlink()
        table.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert any("storm.txt" in n.message and n.severity == "error" for n in app._notifications)


def test_export_of_one_wire_copy_does_not_mix_in_the_other(tmp_path):
    a = write(tmp_path / "a.txt", [LEAD, MAYOR], title="Storm Hits Coast", outlet="Daily A")
    b = write(tmp_path / "b.txt", [LEAD, MAYOR], title="Thousands Without Power", outlet="Daily B")
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    for path, label in ((a, "claim"), (b, "quote")):
        doc = store.open_article(load_article(path))
        store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], label)
    store.close()
    out = run_tui("export", "--db", str(tmp_path / "a.db"), "--article", str(b)).stdout
    rows = [line.split(",") for line in out.splitlines()[1:]]
    assert [(r[1], r[3], r[4], r[7]) for r in rows] == [
        ("Thousands Without Power", "Daily B", str(b.resolve()), "quote")]
