"""The review keys in a real terminal (tmux): ] [ } { arrive as typed, t opens the panel.

Bracket and brace keys are parsed by Textual from the terminal's bytes
(``[`` also starts escape sequences), so this checks them end to end.
Runs in CI; skips locally only if tmux is missing.
"""

from __future__ import annotations

import os

import pytest

from tests.helpers_x11 import require_tools
from tests.test_e2e_tmux import TUI, Tmux

pytestmark = pytest.mark.e2e


def test_review_keys_in_a_real_terminal(tmp_path, seed_path):
    require_tools("tmux")
    env = {"TERM": "xterm-256color", "HOME": str(tmp_path), "TUI_ANNOTATOR": "tester"}
    app = Tmux(f"tui-review-{os.getpid()}", f"{TUI} --db {tmp_path / 'a.db'} {seed_path}", env)
    try:
        app.wait_for("0/13 tagged")
        # claim 1.1, quote 3.1, claim 6.2
        app.keys("c", "j", "j", "q", "j", "j", "j", "l", "c", "g")
        app.wait_for("C claim 2  Q quote 1")
        app.keys("]")
        app.wait_for("¶ 3/8  sentence 1/1")
        app.keys("[")
        app.wait_for("¶ 1/8  sentence 1/1")
        app.keys("}")
        app.wait_for("¶ 6/8  sentence 2/2")
        app.keys("{")
        app.wait_for("¶ 1/8  sentence 1/1")
        app.keys("w")
        app.wait_for("¶ 2/8  sentence 1/3")
        app.keys("t")
        screen = app.wait_for("Tags 3")
        assert "Q ¶3.1 M. Elaine Bunn" in screen
        app.keys("Down", "Down", "Enter")
        app.wait_for("¶ 6/8  sentence 2/2")
    finally:
        app.kill()
