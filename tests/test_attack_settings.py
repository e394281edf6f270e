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


async def test_messages_name_the_quit_key_the_keymap_gave(isolated_config, tmp_path, seed_path):
    """With app.quit moved to ctrl+x, "ctrl+q quits" sent the user to a dead key."""
    from tests.test_ui_reader import messages, press, settle

    (isolated_config / "settings.toml").write_text('[keymap]\n"app.quit" = "ctrl+x"\n',
                                                  encoding="utf-8")
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    app = AnnotateApp(store, article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "escape")
        assert messages(app)[-1] == "No library behind this article; ctrl+x quits."


async def test_messages_say_when_no_key_quits(isolated_config, tmp_path, seed_path):
    (isolated_config / "settings.toml").write_text(
        '[keymap]\n"app.command_palette" = "ctrl+q"\n', encoding="utf-8")
    from tests.test_ui_reader import messages, press, settle

    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    app = AnnotateApp(store, article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "escape")
        assert messages(app)[-1] == ("No library behind this article; "
                                     "the command palette (ctrl+q) has Quit.")


async def test_saving_before_quitting_names_the_keymaps_quit_key(isolated_config, tmp_path,
                                                                 seed_path):
    import sqlite3

    from tests.test_ui_faults import wait_until
    from tests.test_ui_reader import messages, settle, status_of

    (isolated_config / "settings.toml").write_text('[keymap]\n"app.quit" = "ctrl+x"\n',
                                                  encoding="utf-8")
    db = tmp_path / "a.db"
    app = AnnotateApp(AnnotationStore(db, annotator="tester"), article=load_article(seed_path))
    other = sqlite3.connect(db, isolation_level=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("c")
            await wait_until(pilot, lambda: "saving…" in status_of(app), "saving… shown")
            await pilot.press("ctrl+x")
            assert app.is_running
            assert messages(app)[-1] == (
                "Saving before quitting… (ctrl+x again quits without waiting)")
        finally:
            other.execute("COMMIT")
        await wait_until(pilot, lambda: not app.is_running, "the app quits once saved")
    other.close()


def test_a_tilde_in_the_config_variable_means_home(monkeypatch, tmp_path):
    """TUI_CONFIG_DIR="~/cfg" (quoted, so the shell left the ~) made a folder
    named "~" in the working directory on the first theme change."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TUI_CONFIG_DIR", "~/cfg")
    monkeypatch.chdir(tmp_path)
    assert settings.config_dir() == tmp_path / "home" / "cfg"
    settings.save_theme(settings.load(), "nord")
    assert (tmp_path / "home" / "cfg" / "settings.toml").is_file()
    assert not (tmp_path / "~").exists()


def test_a_key_given_to_every_binding_is_named_in_a_short_line():
    """Every id bound to ctrl+q: the warning named all ~75 ids, a toast that
    covered the whole screen for its 10 s."""
    from tui.ui import keymap as keys

    every = {binding_id: "ctrl+q" for binding_id in keys.known_ids()}
    usable, problems = keys.check(every)
    assert usable == every
    assert problems[0] == ("keymap: ctrl+q is both app.command_palette and app.quit "
                           "(everywhere); one of them will not work")
    assert problems[1].startswith("keymap: ctrl+q is both app.command_palette, app.quit, "
                                  "reader.anchors and ")
    assert problems[1].endswith(" more (reader); one of them will not work")
    assert all(len(problem) <= 140 for problem in problems), problems
