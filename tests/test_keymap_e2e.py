"""The installed `tui` in tmux (80x24) reads the keymap and the theme from
``$TUI_CONFIG_DIR/settings.toml`` and shows ctrl+q in its Footer."""

from __future__ import annotations

import os

import pytest

from tests.helpers_x11 import require_tools
from tests.test_e2e_tmux import TUI, Tmux, export_rows

pytestmark = pytest.mark.e2e


def test_the_real_app_uses_the_keymap_and_shows_quit(tmp_path, seed_path, isolated_config):
    require_tools("tmux")
    (isolated_config / "settings.toml").write_text(
        'theme = "textual-light"\n[keymap]\n"reader.tag.claim" = "z"\n')
    db = tmp_path / "a.db"
    env = {"TERM": "xterm-256color", "HOME": str(tmp_path), "TUI_CONFIG_DIR": str(isolated_config)}
    session = Tmux(f"tui-keys-{os.getpid()}", f"{TUI} {seed_path} --db {db}", env)
    try:
        session._tmux("resize-window", "-x", "80", "-y", "24")
        screen = session.wait_for("^q Quit")
        assert "z Claim" in screen.splitlines()[-1]
        session.wait_for("0/13 tagged")
        session.keys("c", "j", "z")
        session.wait_for("C claim 1")
        session.keys("C-q")
        session.wait_for("TUI-EXITED-0")
    finally:
        session.kill()
    assert [(r["label"], r["paragraph"]) for r in export_rows(db)] == [("claim", "2")]
    assert (isolated_config / "settings.toml").read_text() == (
        'theme = "textual-light"\n[keymap]\n"reader.tag.claim" = "z"\n')
