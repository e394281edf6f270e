"""Files that are not articles: one line, exit 2, at once, for articles and --db.

Real processes on real FIFOs, devices, sockets and sparse files. A FIFO
used to block `open()` forever, so those runs have a timeout: a hang fails
the test instead of hanging the suite.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED
from tui.text import ArticleError, load_article
from tui.text.paths import (
    MAX_ARTICLE_BYTES,
    PathError,
    check_regular_file,
    read_regular_file,
    show_path,
)

TUI = str(Path(sys.executable).parent / "tui")
LONG_NAME = "x" * 300  # NAME_MAX is 255 on Linux file systems


def run_quick(*args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    """Run tui; a hang (a FIFO opened for reading) raises TimeoutExpired."""
    return subprocess.run([TUI, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)


def one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path):
    path = tmp_path / "sock.txt"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    yield path
    server.close()


def test_a_fifo_is_refused_at_once(fifo):
    line = one_line(run_quick("parse", str(fifo)))
    assert line == f"tui: {fifo}: is a named pipe (FIFO), not an article file"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_character_device_is_refused(device):
    line = one_line(run_quick("parse", device))
    assert line == f"tui: {device}: is a character device, not an article file"


def test_a_socket_is_refused(unix_socket):
    line = one_line(run_quick("parse", str(unix_socket)))
    assert line == f"tui: {unix_socket}: is a socket, not an article file"


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    # Sparse: 65 MB that take no disk space; reading it would take seconds
    # and hundreds of MB of memory.
    path = tmp_path / "huge.txt"
    subprocess.run(["truncate", "-s", "65M", str(path)], check=True)
    line = one_line(run_quick("parse", str(path)))
    assert line == f"tui: {path}: is 65 MB; files over 64 MB are not read"


def test_the_size_limit_is_64_mb():
    assert MAX_ARTICLE_BYTES == 67_108_864


def test_size_limit_boundary(tmp_path):
    path = tmp_path / "ten.txt"
    path.write_bytes(b"Ten bytes.")
    assert read_regular_file(path, max_bytes=10) == b"Ten bytes."
    with pytest.raises(PathError, match=r"is 10 bytes; files over 9 bytes are not read"):
        read_regular_file(path, max_bytes=9)


def test_a_directory_and_a_long_name_are_one_line(tmp_path):
    assert one_line(run_quick("parse", str(tmp_path))) == (
        f"tui: {tmp_path}: is a directory, not an article file")
    line = one_line(run_quick("parse", str(tmp_path / LONG_NAME)))
    assert line.endswith(": name too long for the file system")
    assert "xxxxx…xxxxx" in line and "characters)" in line


def test_a_path_with_a_newline_and_escape_is_shown_on_one_line(tmp_path):
    name = "evil\n\x1b]0;pwned\x07.txt"
    line = one_line(run_quick("parse", str(tmp_path / name)))
    assert line == f"tui: {tmp_path}/evil␊␛]0;pwned␇.txt: no such file"


def test_permission_errors_map_to_one_line(tmp_path, monkeypatch):
    # Function level: root bypasses permissions, so the OS error is faked
    # here and produced for real (without root's override) below.
    def denied(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(os, "stat", denied)
    with pytest.raises(PathError) as caught:
        check_regular_file(tmp_path / "a.txt", "an article file")
    assert str(caught.value) == f"{tmp_path}/a.txt: permission denied"


def _without_root_override(*args: str) -> subprocess.CompletedProcess:
    """Run tui as root but without the capabilities that bypass permissions."""
    if os.geteuid() != 0:
        return run_quick(*args)
    command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", TUI, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=20,
                          stdin=subprocess.DEVNULL, check=False)


@pytest.fixture
def locked_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "a.txt").write_text("Hello there.\n")
    folder.chmod(0)
    yield folder
    folder.chmod(0o755)


def test_a_folder_the_user_may_not_enter_is_one_line(locked_folder):
    line = one_line(_without_root_override("parse", str(locked_folder / "a.txt")))
    assert line == f"tui: {locked_folder}/a.txt: permission denied"
    line = one_line(_without_root_override("orphans", "--db", str(locked_folder / "a.db")))
    assert line == f"tui: {locked_folder}/a.db: permission denied"
    line = one_line(_without_root_override("read", str(locked_folder)))
    assert line == f"tui: {locked_folder}: cannot open this folder (Permission denied)"


def test_load_article_raises_article_error_for_a_fifo(fifo):
    with pytest.raises(ArticleError, match="is a named pipe"):
        load_article(fifo)


def test_show_path_escapes_and_shortens():
    assert show_path("a\nb\x1b\x9b\u202e.txt") == "a␊b␛\ufffd\ufffd.txt"
    shown = show_path("y" * 400)
    assert shown == "y" * 100 + "…" + "y" * 50 + " (400 characters)"


# --db pointing at things that are not databases: same checks, same one line.

@pytest.mark.parametrize("command", [["orphans"], ["export"], ["read", str(SEED)]])
def test_db_fifo_is_refused_by_every_command(fifo, command, tmp_path):
    line = one_line(run_quick(*command, "--db", str(fifo)))
    assert line == f"tui: {fifo}: is a named pipe (FIFO), not a database"


@pytest.mark.parametrize("db", ["/dev/zero", "/dev/urandom"])
def test_db_device_is_refused(db):
    assert one_line(run_quick("orphans", "--db", db)) == (
        f"tui: {db}: is a character device, not a database")


def test_db_socket_long_name_and_directory_are_one_line(unix_socket, tmp_path):
    assert one_line(run_quick("orphans", "--db", str(unix_socket))) == (
        f"tui: {unix_socket}: is a socket, not a database")
    assert one_line(run_quick("orphans", "--db", str(tmp_path / LONG_NAME))).endswith(
        ": name too long for the file system")
    # Was click's four-line usage block (dir_okay=False).
    assert one_line(run_quick("orphans", "--db", str(tmp_path))) == (
        f"tui: {tmp_path}: is a directory, not a database")
    assert one_line(run_quick("read", str(SEED), "--db", str(tmp_path))) == (
        f"tui: {tmp_path}: is a directory, not a database")



def test_open_regular_file_streams_and_refuses_a_fifo(tmp_path, fifo):
    from tui.text.paths import open_regular_file

    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"a": 1}\n')
    with open_regular_file(path, "an import file") as handle:
        assert handle.read() == b'{"a": 1}\n'
    with pytest.raises(PathError) as caught:
        open_regular_file(fifo, "an import file")
    assert str(caught.value) == f"{fifo}: is a named pipe (FIFO), not an import file"
