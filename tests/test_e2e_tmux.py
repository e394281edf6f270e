"""End to end: the installed `tui` in a real terminal (tmux, 120x40) with a
real clipboard (xclip under Xvfb). Runs in CI; skips locally only if the
tools are missing."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_tui
from tests.helpers_x11 import require_tools, xclip_read

pytestmark = pytest.mark.e2e
TUI = Path(sys.executable).parent / "tui"


class Tmux:
    """One tmux server on its own socket, running one command."""

    def __init__(self, name: str, command: str, env: dict[str, str]) -> None:
        self.name = name
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        # As in a real terminal, a shell stays after the app quits (so the
        # xclip that holds the clipboard is not hung up). Textual draws on
        # stderr: it must not be redirected.
        shell = f"env -u COLUMNS -u LINES {exports} {command}; echo TUI-EXITED-$?; sleep 3600"
        self._tmux("new-session", "-d", "-x", "120", "-y", "40", shell)
        # Without a client, some tmux setups fall back to 80x24: pin the size.
        self._tmux("set-option", "-g", "window-size", "manual")
        self._tmux("resize-window", "-x", "120", "-y", "40")

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.name, "-f", "/dev/null", *args],
                              capture_output=True, text=True, check=True, timeout=20).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", key)
            time.sleep(0.15)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared on screen:\n{self.screen()}")

    def app_pid(self) -> int:
        """The tui process: the child of the pane's shell."""
        shell = self._tmux("display-message", "-p", "#{pane_pid}").strip()
        children = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout
        return int(children.split()[0])

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)


@pytest.fixture
def tmux_env(tmp_path, xdisplay):
    require_tools("tmux")
    sessions: list[Tmux] = []

    def start(*args: str) -> Tmux:
        env = {"DISPLAY": xdisplay, "COLORTERM": "truecolor", "TERM": "xterm-256color",
               "HOME": str(tmp_path)}
        session = Tmux(f"tui-e2e-{os.getpid()}-{len(sessions)}",
                       f"{TUI} {' '.join(args)}", env)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.kill()


def export_rows(db: Path) -> list[dict]:
    result = run_tui("export", "--db", str(db))
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_tag_copy_quit_then_kill_keeps_every_tag(tmp_path, seed_path, tmux_env, xdisplay):
    db = tmp_path / "fresh.db"
    app = tmux_env(str(seed_path), "--db", str(db))
    app.wait_for("¶ 1/8")
    # Article text is data, not markup: Textual markup would drop "[Russia]".
    screen = app.wait_for("against [Russia],")
    assert "0/13 tagged" in app.wait_for("0/13 tagged")
    app.keys("j", "j", "j", "q", "y")
    app.wait_for("system clipboard")
    app.keys("C-q")
    app.wait_for("TUI-EXITED-0")

    paragraph4 = ('Asked by Interfax for a response, Russian Deputy Foreign Minister Sergei '
                  'Ryabkov on Thursday said: "I need to say that cooperation does not exist '
                  'in this sphere."')
    assert xclip_read(xdisplay) == paragraph4
    rows = export_rows(db)
    assert [(r["label"], r["paragraph"], r["sentence"], r["text"]) for r in rows] == [
        ("quote", "4", "1", paragraph4)]

    # Restart: resumes on paragraph 4; tag 5.1 and kill the process outright.
    app = tmux_env(str(seed_path), "--db", str(db))
    app.wait_for("¶ 4/8")
    app.keys("j", "c")
    app.wait_for("C claim 1")
    os.kill(app.app_pid(), signal.SIGKILL)
    app.wait_for("TUI-EXITED-137")
    rows = export_rows(db)
    assert [(r["label"], r["paragraph"], r["sentence"]) for r in rows] == [
        ("quote", "4", "1"), ("claim", "5", "1")]


def test_bad_path_fails_before_any_screen(tmp_path):
    result = run_tui(str(tmp_path / "missing.txt"), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"tui: {tmp_path / 'missing.txt'}: no such file"
    assert not (tmp_path / "a.db").exists()
