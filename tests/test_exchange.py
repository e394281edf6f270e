"""Export, import, formula neutralising, quotes and the clipboard."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from tests.conftest import run_tui
from tui.exchange.clipboard import copy_text
from tui.exchange.export import CSV_COLUMNS
from tui.exchange.importer import import_file
from tui.exchange.quotes import format_quotes
from tui.exchange.export import write_csv, write_jsonl
from tui.store import AnnotationStore
from tui.text import load_article

HEADER = ("article_id,article_title,article_date,article_source,article_path,paragraph,"
          "sentence,label,text,note,annotator,created_at,updated_at,start,end,anchor")


def _tag_some(store, doc):
    paras = doc.article.paragraphs
    store.tag(doc, 4, paras[3].sentences[0], "quote")
    store.tag(doc, 1, paras[0].sentences[0], "claim")
    store.tag(doc, 6, paras[5].sentences[1], "quote")
    store.set_note(doc, paras[5].sentences[1], '=HYPERLINK("http://evil")')


def _tag_other(store, folder, body="A different sentence."):
    """A second article, its first sentence tagged as a claim."""
    other = folder / "other.txt"
    other.write_text(f"Other Story\n\n{body}\n")
    doc = store.open_article(load_article(other))
    store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
    return other


def test_csv_header_is_exact():
    assert ",".join(CSV_COLUMNS) == HEADER


def test_csv_export_through_the_cli(tmp_path, seed_path, store, seed_doc):
    _tag_some(store, seed_doc)
    result = run_tui("export", "--db", str(store.path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # Ordered by position, not by when they were tagged.
    assert [(r["paragraph"], r["sentence"], r["label"]) for r in rows] == [
        ("1", "1", "claim"), ("4", "1", "quote"), ("6", "2", "quote")]
    assert rows[2]["note"] == "'=HYPERLINK(\"http://evil\")"
    body = seed_doc.article.body
    assert all(body[int(r["start"]):int(r["end"])] == r["text"] for r in rows)
    raw = run_tui("export", "--db", str(store.path), "--raw", "--label", "quote")
    rows = list(csv.DictReader(io.StringIO(raw.stdout)))
    assert len(rows) == 2 and rows[1]["note"] == '=HYPERLINK("http://evil")'


def test_excel_flag_adds_bom_and_output_file(tmp_path, store, seed_doc):
    _tag_some(store, seed_doc)
    out = tmp_path / "out.csv"
    result = run_tui("export", "--db", str(store.path), "--excel", "-o", str(out))
    assert result.returncode == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf" + HEADER.encode())


def test_failed_export_leaves_the_old_file(tmp_path, store, seed_doc):
    out = tmp_path / "keep.csv"
    out.write_text("precious")
    result = run_tui("export", "--db", str(tmp_path / "nope" / "x.db"), "-o", str(out))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert out.read_text() == "precious"


# Formula neutralising: literal cases in tests/test_exchange_export.py
# (FORMULA_CASES), never the code's own prefix list.


def test_jsonl_carries_every_field_exactly(store, seed_doc):
    _tag_some(store, seed_doc)
    out = io.StringIO()
    assert write_jsonl(store.db, out) == 3
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[2]["note"] == '=HYPERLINK("http://evil")'
    assert rows[0]["context_after"] and rows[0]["article_hash"] == seed_doc.article.content_hash


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_import_round_trip_is_equal_and_idempotent(tmp_path, store, seed_doc, fmt):
    _tag_some(store, seed_doc)
    export = tmp_path / f"export.{fmt}"
    assert run_tui("export", "--db", str(store.path), "--format", fmt, "-o", str(export)).returncode == 0
    fresh = tmp_path / "fresh.db"
    first = run_tui("import", "--db", str(fresh), str(export))
    assert first.returncode == 0, first.stderr
    assert "added 3" in first.stdout
    second = run_tui("import", "--db", str(fresh), str(export))
    assert "added 0, updated 0, unchanged 3" in second.stdout
    again = tmp_path / f"again.{fmt}"
    run_tui("export", "--db", str(fresh), "--format", fmt, "-o", str(again))
    if fmt == "csv":
        assert again.read_text(encoding="utf-8") == export.read_text(encoding="utf-8")
    else:
        # Equal in every field but the new database's own row ids.
        def load(path):
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            return [{k: v for k, v in r.items() if k != "annotation_id"} for r in rows]

        assert load(again) == load(export)


def test_import_reports_rows_it_cannot_place(tmp_path, store, seed_doc, seed_path):
    _tag_some(store, seed_doc)
    buffer = io.StringIO()
    write_csv(store.db, buffer)
    text = buffer.getvalue().replace("Russia is unfazed", "Russia is delighted")
    path = tmp_path / "edited.csv"
    path.write_text(text, encoding="utf-8")
    report = import_file(AnnotationStore(tmp_path / "other.db"), path)
    assert (report.read, report.added, len(report.unplaced)) == (3, 2, 1)
    assert "matches no sentence" in report.unplaced[0]
    result = run_tui("import", "--db", str(tmp_path / "third.db"), str(path))
    assert result.returncode == 1 and "not placed: row 1" in result.stderr


def test_import_refuses_a_file_that_is_not_an_export(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    result = run_tui("import", "--db", str(tmp_path / "a.db"), str(path))
    assert result.returncode == 2 and "not a tui export" in result.stderr


def test_orphans_command_lists_them(tmp_path, store, seed_path):
    path = tmp_path / "s.txt"
    path.write_bytes(seed_path.read_bytes())
    doc = store.open_article(load_article(path))
    store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
    first = doc.article.paragraphs[0].sentences[0].text
    path.write_text(path.read_text().replace(first, "Moscow shrugged."))  # rewritten: orphan
    store.open_article(load_article(path))
    result = run_tui("orphans", "--db", str(store.path))
    assert "claim\tRussia is unfazed" in result.stdout and "1 orphan(s)" in result.stderr
    export = run_tui("export", "--db", str(store.path))
    row = list(csv.DictReader(io.StringIO(export.stdout)))[0]
    assert (row["paragraph"], row["sentence"], row["anchor"]) == ("", "", "orphan")


def test_tui_db_environment_variable(tmp_path, store, seed_doc):
    _tag_some(store, seed_doc)
    result = run_tui("export", env={"TUI_DB": str(store.path)}, cwd=tmp_path)
    assert len(result.stdout.splitlines()) == 4


def test_quotes_are_formatted_with_a_citation():
    # A quote in its own quotation marks is not wrapped again; one without is.
    text = format_quotes(['"Talks or no talks."', "He said [Russia] – é"], "Title", "Wire", "2014-04-04")
    assert text == '"Talks or no talks."\n“He said [Russia] – é”\n— Title, Wire, 2014-04-04'


def test_clipboard_round_trip_through_xclip(xdisplay):
    from tests.helpers_x11 import xclip_read

    text = "“[Russia]” – é"
    assert copy_text(text) == "system clipboard"
    assert xclip_read(xdisplay) == text


def test_clipboard_falls_back_to_the_terminal_without_a_display(monkeypatch):
    import pyperclip

    # pyperclip picks its mechanism on first use and keeps it: start afresh,
    # as a new process over SSH would.
    monkeypatch.setattr(pyperclip, "copy", pyperclip.lazy_load_stub_copy)
    monkeypatch.setattr(pyperclip, "paste", pyperclip.lazy_load_stub_paste)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    sent = []
    assert copy_text("hello", fallback=sent.append) == "terminal clipboard (OSC 52)"
    assert sent == ["hello"]


def test_export_on_two_cores_is_byte_for_byte_the_single_core_export(tmp_path, monkeypatch):
    from tui.exchange import export

    store = AnnotationStore(tmp_path / "many.db")
    for n in range(5):
        path = tmp_path / f"a{n}.txt"
        sentences = " ".join(f"Sentence number {i} in story {n} ends here." for i in range(30))
        path.write_text(f"=Title {n}\n\n{sentences}\n")
        doc = store.open_article(load_article(path))
        for paragraph in doc.article.paragraphs:
            for sentence in paragraph.sentences:
                store.tag(doc, paragraph.index, sentence, "quote")
    single = io.StringIO(newline="")
    assert write_csv(store.db, single) == 150
    monkeypatch.setattr(export, "PARALLEL_MIN_ROWS", 1)
    target = tmp_path / "two.csv"
    with target.open("w", encoding="utf-8", newline="") as out:
        assert export.write_csv_file(store.path, out, workers=2) == 150
    assert target.read_bytes().decode("utf-8") == single.getvalue()
    assert export._split_evenly([1, 2, 3, 4], 2) == [[1, 2], [3, 4]]
    assert export._split_evenly([1, 2, 3, 4, 5], 2) == [[1, 2, 3], [4, 5]]
    assert export._split_evenly([1, 2, 3], 12) == [[1], [2], [3]]


def test_export_of_one_article_through_the_cli(tmp_path, store, seed_doc, seed_path):
    _tag_some(store, seed_doc)
    other = _tag_other(store, tmp_path)
    result = run_tui("export", "--db", str(store.path), "--article", str(other))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["text"] for r in rows] == ["A different sentence."]
    assert len(list(csv.DictReader(io.StringIO(run_tui("export", "--db", str(store.path)).stdout)))) == 4


def test_exported_file_gets_ordinary_permissions(tmp_path, store, seed_doc):
    # Written through a temporary file, yet readable like any file the user
    # makes (mkstemp alone would leave it owner-only).
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.csv"
        assert run_tui("export", "--db", str(store.path), "-o", str(new)).returncode == 0
        assert new.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.csv"
        kept.write_text("old")
        kept.chmod(0o640)
        assert run_tui("export", "--db", str(store.path), "-o", str(kept)).returncode == 0
        assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text().startswith("article_id")
    finally:
        os.umask(old)


def test_import_revisits_an_article_it_no_longer_keeps(tmp_path, store, seed_doc, monkeypatch):
    # The importer keeps only a few articles' sentence indexes; rows that come
    # back to an article it let go are still placed.
    from tui.exchange import importer

    _tag_some(store, seed_doc)
    _tag_other(store, tmp_path, "A different sentence. And a second one.")
    buffer = io.StringIO(newline="")
    write_csv(store.db, buffer)
    lines = buffer.getvalue().splitlines(keepends=True)
    # seed, other, seed, seed: the seed's index must be found again.
    path = tmp_path / "interleaved.csv"
    path.write_text("".join([lines[0], lines[1], lines[4], lines[2], lines[3]]), encoding="utf-8")
    monkeypatch.setattr(importer, "ARTICLES_KEPT", 1)
    report = import_file(AnnotationStore(tmp_path / "fresh.db"), path)
    assert (report.read, report.added, report.unplaced) == (4, 4, [])
