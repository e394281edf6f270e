"""`tui parse` through the real command line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_tui


def test_parse_prints_json_with_one_based_indexes(seed_path):
    result = run_tui("parse", str(seed_path))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"].startswith("Russia Unfazed")
    assert data["date"] == "2014-04-04"
    assert data["source"] == "Global Security Newswire"
    assert data["warnings"] == []
    assert [p["index"] for p in data["paragraphs"]] == list(range(1, 9))
    for paragraph in data["paragraphs"]:
        for i, sentence in enumerate(paragraph["sentences"], start=1):
            assert sentence["index"] == i
            assert data["body"][sentence["start"]:sentence["end"]] == sentence["text"]


def test_parse_text_prints_one_sentence_a_line(seed_path):
    result = run_tui("parse", str(seed_path), "--text")
    lines = result.stdout.splitlines()
    assert len(lines) == 13
    assert lines[4].startswith("3.1\tM. Elaine Bunn")
    assert lines[5].startswith("4.1\tAsked by Interfax for a response")


def test_non_utf8_warning_reaches_the_user(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9 society.\n".encode("cp1252"))
    result = run_tui("parse", str(path))
    assert result.returncode == 0
    assert "warning" in result.stderr and "cp1252" in result.stderr
    assert json.loads(result.stdout)["warnings"]


def _file(path, data: bytes):
    path.write_bytes(data)
    return path


def _unreadable(tmp_path):
    if os.geteuid() == 0:
        # root reads any file whatever its mode; this one fails with EIO.
        return Path("/proc/self/mem")
    path = _file(tmp_path / "secret.txt", b"Hello.")
    path.chmod(0)
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p / "missing.txt",
        lambda p: p,
        lambda p: _file(p / "empty.txt", b""),
        lambda p: _file(p / "bin.dat", b"\x00\x01\x02"),
        _unreadable,
    ],
    ids=["missing", "directory", "empty", "binary", "unreadable"],
)
def test_bad_paths_give_one_line_and_exit_2(tmp_path, make):
    path = make(tmp_path)
    result = run_tui("parse", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0]
    assert "Traceback" not in result.stderr


def test_help_and_version():
    assert run_tui("--version").stdout.startswith("tui, version")
    assert "--text" in run_tui("parse", "--help").stdout
