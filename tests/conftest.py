"""Shared fixtures: paths to the seed and to the installed `tui` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_e8d66d810416afee.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def seed_path() -> Path:
    """The bundled seed article."""
    return SEED


def run_tui(*args: str, cwd: Path | None = None, env: dict | None = None, input: str | None = None):
    """Run the installed `tui` console script and capture its output."""
    exe = Path(sys.executable).parent / "tui"
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(exe), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        input=input,
        timeout=120,
    )


@pytest.fixture(autouse=True)
def isolated_clipboard(monkeypatch):
    """No test touches the developer's clipboard, and none inherits another's.

    DISPLAY and WAYLAND_DISPLAY are unset (the ``xdisplay`` fixture sets its
    own Xvfb), and pyperclip forgets the mechanism it chose: it caches its
    choice per process, so a test that copied without a display would leave
    "no clipboard" behind for a later test that has one.
    """
    import pyperclip

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(pyperclip, "copy", pyperclip.lazy_load_stub_copy)
    monkeypatch.setattr(pyperclip, "paste", pyperclip.lazy_load_stub_paste)


@pytest.fixture(autouse=True)
def isolated_config(tmp_path_factory, monkeypatch):
    """No test reads or writes the developer's own settings (theme, keymap).

    ``TUI_CONFIG_DIR`` points at a fresh, empty folder for every test (child
    processes inherit it), and so does ``XDG_CONFIG_HOME`` in case anything
    asks platformdirs directly.
    """
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("TUI_CONFIG_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "xdg"))
    return folder


@pytest.fixture
def xdisplay(tmp_path, monkeypatch):
    """A running Xvfb; DISPLAY points at it for this test."""
    from tests.helpers_x11 import start_xvfb

    proc, display = start_xvfb(tmp_path)
    monkeypatch.setenv("DISPLAY", display)
    yield display
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def store(tmp_path):
    """A store on a real SQLite file in a temporary folder."""
    from tui.store import AnnotationStore

    s = AnnotationStore(tmp_path / "annotations.db", annotator="tester")
    yield s
    s.close()


@pytest.fixture
def seed_doc(store, seed_path):
    """The seed opened in the store."""
    from tui.text import load_article

    return store.open_article(load_article(seed_path))
