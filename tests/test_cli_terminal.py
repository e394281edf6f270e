"""CLI lines meant for a terminal carry no raw control characters; the CLI as
people use it: --db before the command, -h, no terminal, read-only commands.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED, run_tui
from tui.text import load_article

TUI = str(Path(sys.executable).parent / "tui")

# Anything that acts on a terminal: C0 but LF (and TAB, which is ours in
# `parse --text`), DEL, C1, bidi controls.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;cHduZWQ=\x1b\\"
HOSTILE_BODY = (
    f"Headline {OSC_TITLE} here\n\n"
    f"The first sentence {OSC_CLIPBOARD} ends here. A bell \x07 and a DEL \x7f rang. "
    "A C1 CSI \x9b31m and a bidi \u202eoverride\u202c follow.\n\n"
    "Second paragraph \x1b[2J clears nothing.\n"
)


@pytest.fixture
def hostile(tmp_path) -> Path:
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE_BODY, encoding="utf-8")
    return path


def test_parse_text_shows_control_characters_as_symbols(hostile):
    result = run_tui("parse", "--text", str(hostile))
    assert result.returncode == 0, result.stderr
    assert not RAW.search(result.stdout)
    assert result.stdout.splitlines() == [
        "1.1\tThe first sentence ␛]52;c;cHduZWQ=␛\\ ends here.",
        "1.2\tA bell ␇ and a DEL ␡ rang.",
        "1.3\tA C1 CSI \ufffd31m and a bidi \ufffdoverride\ufffd follow.",
        "2.1\tSecond paragraph ␛[2J clears nothing.",
    ]


def test_parse_json_escapes_every_control_character_and_round_trips(hostile):
    result = run_tui("parse", str(hostile))
    assert result.returncode == 0, result.stderr
    assert not RAW.search(result.stdout)
    assert "\\u001b]0;pwned\\u0007" in result.stdout
    assert "\\u007f" in result.stdout and "\\u009b" in result.stdout
    assert "\\u202e" in result.stdout
    data = json.loads(result.stdout)
    # The escaping is for the terminal only: the values are exact.
    assert data["title"] == f"Headline {OSC_TITLE} here"
    assert data["paragraphs"][0]["sentences"][2]["text"] == (
        "A C1 CSI \x9b31m and a bidi \u202eoverride\u202c follow.")
    assert data == json.loads(json.dumps(data))


def test_warnings_show_the_file_name_escaped(tmp_path):
    path = tmp_path / "caf\x1b]0;x\x07.txt"
    path.write_bytes("Caf\u00e9 society.\n".encode("cp1252"))
    result = run_tui("parse", "--text", str(path))
    assert result.returncode == 0
    assert result.stderr == (
        f"tui: warning: {tmp_path}/caf␛]0;x␇.txt: not valid UTF-8; decoded as cp1252\n")


def test_orphans_rows_are_printable(tmp_path):
    from tui.store import AnnotationStore

    path = tmp_path / "story.txt"
    path.write_text(HOSTILE_BODY, encoding="utf-8")
    db = tmp_path / "a.db"
    store = AnnotationStore(db, annotator="tester")
    try:
        doc = store.open_article(load_article(path))
        store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
        first = doc.article.paragraphs[0].sentences[0].text  # rewritten: an orphan, not fuzzy
        path.write_text(HOSTILE_BODY.replace(first, "Something else entirely."), encoding="utf-8")
        store.open_article(load_article(path))
    finally:
        store.close()
    result = run_tui("orphans", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert not RAW.search(result.stdout)
    assert result.stdout == (
        "Headline ␛]0;pwned␇ here\tclaim\tThe first sentence ␛]52;c;cHduZWQ=␛\\ ends here.\n")


# --db before the command, -h.

def _db_with_one_tag(tmp_path) -> Path:
    from tui.store import AnnotationStore

    db = tmp_path / "tags.db"
    store = AnnotationStore(db, annotator="tester")
    try:
        doc = store.open_article(load_article(SEED))
        store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
    finally:
        store.close()
    return db


def test_db_before_the_command_is_used(tmp_path):
    db = _db_with_one_tag(tmp_path)
    result = run_tui("--db", str(db), "export")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 2  # header + the one tag
    assert "Russia is unfazed" in result.stdout


def test_the_command_s_own_db_wins(tmp_path):
    db = _db_with_one_tag(tmp_path)
    (tmp_path / "other").mkdir()
    missing = tmp_path / "other" / "missing.db"
    result = run_tui("--db", str(db), "orphans", "--db", str(missing))
    assert result.returncode == 2
    assert result.stderr == (
        f"tui: {missing}: no such database (nothing has been tagged with it yet)\n")
    assert not missing.exists()
    result = run_tui("--db", str(missing), "orphans", "--db", str(db))
    assert result.returncode == 0 and result.stderr == "0 orphan(s)\n"


def test_db_before_a_file_opens_the_reader_path(tmp_path):
    # `tui --db X FILE` is `tui read --db X FILE`: here a bad --db stops it.
    result = run_tui("--db", str(tmp_path), str(SEED))
    assert result.returncode == 2
    assert result.stderr == f"tui: {tmp_path}: is a directory, not a database\n"
    result = run_tui("--db", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == f"tui: {tmp_path}: is a directory, not a database\n"


@pytest.mark.parametrize("command", [[], ["parse"], ["export"], ["import"], ["orphans"],
                                     ["read"]])
def test_dash_h_is_help_everywhere(command):
    short = run_tui(*command, "-h")
    assert short.returncode == 0, short.stderr
    assert short.stdout.startswith("Usage: tui")
    assert short.stdout == run_tui(*command, "--help").stdout


# Read-only commands never create a database.

def test_orphans_on_a_missing_database_creates_nothing(tmp_path):
    result = run_tui("orphans", cwd=tmp_path, env={"TUI_DB": ""})
    assert result.returncode == 2
    assert result.stderr == (
        "tui: annotations.db: no such database (nothing has been tagged with it yet)\n")
    assert list(tmp_path.iterdir()) == []


def test_existing_db_helper_accepts_an_existing_database(tmp_path):
    from tui.cli import existing_db
    from tui.store import AnnotationStore

    db = tmp_path / "x.db"
    AnnotationStore(db).close()
    assert existing_db(db) == db
    with pytest.raises(SystemExit) as exit_:
        existing_db(tmp_path / "none.db")
    assert exit_.value.code == 2
    # An empty file (`touch x.db`) is no database yet: a read-only command
    # would have to write the whole schema into it to read nothing.
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with pytest.raises(SystemExit) as exit_:
        existing_db(empty)
    assert exit_.value.code == 2
    assert empty.stat().st_size == 0


# The reader without a terminal.

def test_the_reader_without_a_terminal_says_so_in_one_line(tmp_path):
    result = subprocess.run([TUI, "read", str(SEED), "--db", str(tmp_path / "a.db")],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "tui: the reader needs a terminal (standard input, output and error are not all "
        "one); for scripts use `tui parse`, `tui export` or `tui orphans`\n")
    assert not (tmp_path / "a.db").exists()


def test_fail_and_warn_make_any_message_printable(capsys):
    from tui.cli import fail, warn

    warn(["bell\x07 and \x1b]0;title\x07"])
    with pytest.raises(SystemExit) as exit_:
        fail("a\nb\x1b[2Jc\x9b\u202e")
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("tui: warning: bell␇ and ␛]0;title␇\n"
                            "tui: a␊b␛[2Jc\ufffd\ufffd\n")
