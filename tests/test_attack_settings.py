"""Attacks on the settings file (issue 12): files a hostile or careless hand wrote.

Each test is a fault found by trying it on the real app; the file is real, in
conftest's per-test ``TUI_CONFIG_DIR``.
"""

from __future__ import annotations

import pytest

from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui import settings
from tui.ui.app import AnnotateApp

# 10 KB of nested arrays: Python's TOML parser recurses once per level.
DEEP_ARRAYS = "a = " + "[" * 5000 + "]" * 5000 + "\n"
# Dotted keys nest tables without recursion in the parser, but not in ours.
DEEP_KEYMAP = "[keymap]\n" + ".".join(["k"] * 3000) + ' = "z"\n'


@pytest.mark.parametrize("text", [DEEP_ARRAYS, DEEP_KEYMAP], ids=["arrays", "dotted-keymap"])
def test_deeply_nested_file_is_one_problem_not_a_crash(isolated_config, text):
    path = isolated_config / "settings.toml"
    path.write_text(text, encoding="utf-8")
    loaded = settings.load()
    assert loaded.settings == settings.Settings()
    assert loaded.problem is not None
    assert "nested too deeply" in loaded.problem
    assert loaded.writable is False
    with pytest.raises(settings.SettingsError):
        settings.save_theme(loaded, "nord")
    assert path.read_text(encoding="utf-8") == text


async def test_app_starts_with_a_deeply_nested_settings_file(isolated_config, tmp_path, seed_path):
    (isolated_config / "settings.toml").write_text(DEEP_ARRAYS, encoding="utf-8")
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    app = AnnotateApp(store, article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = [str(n.message) for n in app._notifications]
        assert any("nested too deeply" in line for line in shown), shown
        assert app.theme == "textual-dark"
