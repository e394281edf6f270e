"""The settings file: the theme remembered across runs, and every way the file can be bad.

Real files in the per-test config folder (conftest's ``isolated_config``);
a FIFO, a folder, a read-only mount and a process without root's powers
for the faults.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui import settings
from tui.ui.app import AnnotateApp
from tests.helpers_mounts import WITHOUT_ROOT_POWERS, remount_read_only, require_root, tmpfs
from tests.test_ui_reader import labels_in_db, messages, press, settle

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_THEME = "textual-dark"


def reader_app(tmp_path, seed_path, name="a.db") -> AnnotateApp:
    store = AnnotationStore(tmp_path / name, annotator="tester")
    return AnnotateApp(store, article=load_article(seed_path), exports=tmp_path / "exports")


async def pick_theme(pilot, name: str) -> None:
    """ctrl+p, the "theme" command, type the name, Enter: as a user does."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"theme")
    await pilot.pause(0.3)
    await pilot.press("enter")  # "Theme: change the current theme"
    await pilot.pause(0.3)
    await pilot.press(*name)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


# -- the config folder ---------------------------------------------------------------


def test_tests_never_see_the_real_config_folder(isolated_config):
    assert settings.config_dir() == isolated_config
    assert settings.settings_path() == isolated_config / "settings.toml"
    assert not str(settings.settings_path()).startswith(str(Path.home() / ".config"))


def test_without_the_variable_it_is_platformdirs_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("TUI_CONFIG_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert settings.settings_path() == tmp_path / "xdg" / "tui" / "settings.toml"


# -- the theme -----------------------------------------------------------------------


async def test_the_theme_is_remembered_across_two_runs(tmp_path, seed_path, isolated_config):
    first = reader_app(tmp_path, seed_path)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert first.theme == DEFAULT_THEME
        await pick_theme(pilot, "textual-light")
        assert first.theme == "textual-light"
    assert (isolated_config / "settings.toml").read_text() == (
        "# tui settings: see README, \"Keys and settings\".\n"
        "# The app rewrites only the theme line; edit the rest as you like.\n"
        "theme = \"textual-light\"\n"
        "\n"
        "# [keymap]\n"
        "# \"reader.tag.claim\" = \"z\"\n")

    second = reader_app(tmp_path, seed_path, "b.db")
    async with second.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert second.theme == "textual-light"
        assert messages(second) == []


async def test_changing_the_theme_keeps_comments_and_keymap(tmp_path, seed_path,
                                                           isolated_config):
    path = isolated_config / "settings.toml"
    original = ('# my settings\n'
                'theme = "nord"   # was gruvbox\n'
                '\n'
                '[keymap]\n'
                '# claim on z, my left hand\n'
                '"reader.tag.claim" = "z"\n')
    path.write_text(original)
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        app.theme = "dracula"
        await pilot.pause()
        await press(pilot, "z")
        assert labels_in_db(app) == [(1, 1, "claim")]
    assert path.read_text() == original.replace('theme = "nord"   # was gruvbox',
                                                'theme = "dracula"')
    assert [p.name for p in isolated_config.iterdir()] == ["settings.toml"]  # no temporaries


async def test_an_unknown_theme_starts_with_the_default_and_says_so(tmp_path, seed_path,
                                                                   isolated_config):
    path = isolated_config / "settings.toml"
    path.write_text('theme = "no-such-theme"\n')
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == DEFAULT_THEME
        assert messages(app) == [
            f"Theme 'no-such-theme' (in {path}) is not installed; using textual-dark"]
    assert path.read_text() == 'theme = "no-such-theme"\n'  # not rewritten by starting


async def test_choosing_the_theme_shown_replaces_an_unknown_name_in_the_file(
        tmp_path, seed_path, isolated_config):
    """The file names a theme that is not installed: the default is shown.
    Choosing that same default in the theme list changes nothing on screen
    (Textual calls no watcher), but it is the user's choice: it is written,
    and the warning does not come back at the next launch."""
    path = isolated_config / "settings.toml"
    path.write_text('theme = "no-such-theme"\n')
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pick_theme(pilot, "textual-dark")
        assert app.theme == "textual-dark"
    assert path.read_text() == 'theme = "textual-dark"\n'
    again = reader_app(tmp_path, seed_path, "b.db")
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert messages(again) == []


def test_a_symlinked_settings_file_stays_a_symlink(tmp_path, isolated_config):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "tui.toml").write_text('theme = "nord"\n')
    (isolated_config / "settings.toml").symlink_to(dotfiles / "tui.toml")
    settings.save_theme(settings.load(), "monokai")
    assert (isolated_config / "settings.toml").is_symlink()
    assert (dotfiles / "tui.toml").read_text() == 'theme = "monokai"\n'


def test_a_theme_line_after_a_table_header_is_not_the_theme(isolated_config):
    path = isolated_config / "settings.toml"
    path.write_text('[keymap]\n"reader.tag.claim" = "z"\n')
    settings.save_theme(settings.load(), "nord")
    assert path.read_text() == 'theme = "nord"\n[keymap]\n"reader.tag.claim" = "z"\n'


def test_a_theme_tui_cannot_rewrite_in_place_is_left_alone(isolated_config):
    path = isolated_config / "settings.toml"
    text = 'theme = """\nnord"""\ncolour = 3\n'
    path.write_text(text)
    loaded = settings.load()
    assert loaded.settings.theme == "nord" and loaded.writable
    with pytest.raises(settings.SettingsError, match="not one plain line"):
        settings.save_theme(loaded, "monokai")
    assert path.read_text() == text


def test_toml_strings_escape_what_toml_requires():
    assert settings.toml_string('a"b\\c\x1bd\x7fé') == '"a\\"b\\\\c\\u001Bd\\u007Fé"'
    import tomllib

    value = 'a"b\\c\x1bd\x7fé\n'
    assert tomllib.loads(f"x = {settings.toml_string(value)}")["x"] == value


# -- bad files ------------------------------------------------------------------------

BAD_FILES = [
    ("syntax", b'theme = "nord\n',
     "not valid TOML (Illegal character '\\n' (at line 1, column 14)); using the defaults"),
    ("not utf-8", b'theme = "caf\xe9"\n', "not UTF-8 text; using the defaults"),
    ("too big", b"# " + b"x" * (300 * 1024) + b"\n", "over 256 KB; using the defaults"),
]


@pytest.mark.parametrize("case, content, problem", BAD_FILES, ids=[c[0] for c in BAD_FILES])
async def test_a_file_that_cannot_be_read_gives_defaults_and_is_never_overwritten(
        tmp_path, seed_path, isolated_config, case, content, problem):
    path = isolated_config / "settings.toml"
    path.write_bytes(content)
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == DEFAULT_THEME
        assert messages(app) == [f"{path}: {problem}"]
        app.theme = "nord"  # the user picks a theme: it cannot be saved, and says why
        await pilot.pause()
        assert messages(app)[-1] == (f"Theme not remembered: {path} has errors; "
                                     "not writing over it (fix or remove it)")
        await press(pilot, "c")  # the app works on
        assert labels_in_db(app) == [(1, 1, "claim")]
    assert path.read_bytes() == content


async def test_wrong_types_and_unknown_settings_keep_the_good_ones(tmp_path, seed_path,
                                                                  isolated_config):
    path = isolated_config / "settings.toml"
    path.write_text('theme = 3\ncolour = "red"\n[keymap]\n"reader.tag.claim" = "z"\n'
                    '"reader.tag.quote" = ["w"]\n')
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == DEFAULT_THEME
        assert messages(app) == [
            f"{path}: theme must be a theme's name, not 3; unknown setting 'colour'; "
            "keymap 'reader.tag.quote' must be keys in a string (\"z\" or \"z,ctrl+z\"), "
            "not ['w']"]
        await press(pilot, "z", "j", "q")  # the good entry applies, the bad one is the default
        assert labels_in_db(app) == [(1, 1, "claim"), (2, 1, "quote")]


def test_a_keymap_that_is_not_a_table(isolated_config):
    (isolated_config / "settings.toml").write_text('keymap = "vim"\n')
    loaded = settings.load()
    assert loaded.settings == settings.Settings()
    assert loaded.problem.endswith("keymap must be a table ([keymap]), not 'vim'")


def test_many_problems_are_still_one_line(isolated_config):
    (isolated_config / "settings.toml").write_text("a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n")
    assert settings.load().problem == (
        f"{isolated_config / 'settings.toml'}: unknown setting 'a'; unknown setting 'b'; "
        "unknown setting 'c'; and 2 more")


async def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path, seed_path, isolated_config):
    path = isolated_config / "settings.toml"
    os.mkfifo(path)
    # Should the app wait on it, a writer comes after 10 s and ends the wait:
    # the test then fails (a writer could open it: someone was waiting)
    # instead of hanging.
    rescued: list[bool] = []
    rescue = threading.Timer(10, _open_and_close_for_writing, (path, rescued))
    rescue.start()
    try:
        app = reader_app(tmp_path, seed_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert messages(app) == [f"{path}: not a regular file; using the defaults"]
            app.theme = "nord"
            await pilot.pause()
            assert messages(app)[-1].startswith("Theme not remembered:")
    finally:
        rescue.cancel()
    assert path.is_fifo()
    assert rescued == []


def _open_and_close_for_writing(path: Path, rescued: list[bool]) -> None:
    with contextlib.suppress(OSError):  # ENXIO: nobody is reading, nobody to rescue
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        rescued.append(True)


def test_a_folder_in_its_place(isolated_config):
    (isolated_config / "settings.toml").mkdir()
    loaded = settings.load()
    assert loaded.problem == f"{isolated_config / 'settings.toml'}: a folder; using the defaults"
    assert not loaded.writable


def test_an_unreadable_file_for_a_user_without_root_powers(isolated_config):
    require_root("setpriv")
    path = isolated_config / "settings.toml"
    path.write_text('theme = "nord"\n')
    path.chmod(0o000)
    code = ("from tui.ui import settings; l = settings.load(); "
            "print(l.problem, l.writable, l.settings.theme)")
    result = subprocess.run([*WITHOUT_ROOT_POWERS, sys.executable, "-c", code],
                            capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.stderr == ""
    assert result.stdout == f"{path}: Permission denied; using the defaults False None\n"


def test_a_config_folder_that_cannot_be_written(tmp_path, monkeypatch):
    require_root("mount", "umount")
    with tmpfs(tmp_path / "mnt", size="1m") as mount:
        (mount / "tui").mkdir()
        (mount / "tui" / "settings.toml").write_text('theme = "nord"\n')
        monkeypatch.setenv("TUI_CONFIG_DIR", str(mount / "tui"))
        remount_read_only(mount)
        loaded = settings.load()
        assert loaded.problem is None and loaded.settings.theme == "nord"
        with pytest.raises(settings.SettingsError) as failure:
            settings.save_theme(loaded, "monokai")
        assert str(failure.value) == (f"{mount / 'tui' / 'settings.toml'}: cannot write "
                                      "(Read-only file system)")
        assert (mount / "tui" / "settings.toml").read_text() == 'theme = "nord"\n'


def test_a_config_folder_that_is_a_file(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("TUI_CONFIG_DIR", str(tmp_path / "file" / "tui"))
    loaded = settings.load()
    assert loaded.problem == f"{tmp_path / 'file' / 'tui' / 'settings.toml'}: Not a directory; " \
                             "using the defaults"
    with pytest.raises(settings.SettingsError):
        settings.save_theme(settings.Loaded(loaded.path, settings.Settings()), "nord")


def test_a_file_made_bad_after_start_is_not_written_over(isolated_config):
    path = isolated_config / "settings.toml"
    path.write_text('theme = "nord"\n')
    loaded = settings.load()
    path.write_text('theme = "nord\n')  # the user is editing it
    with pytest.raises(settings.SettingsError, match="no longer valid TOML"):
        settings.save_theme(loaded, "monokai")
    assert path.read_text() == 'theme = "nord\n'


async def test_a_theme_chosen_in_the_list_that_cannot_be_saved_says_so_once(
        tmp_path, seed_path, isolated_config):
    """The theme list tells the app of every choice (theme_choice.py) and the
    theme's watcher runs too: a choice the file cannot take is one warning,
    not the same warning twice."""
    path = isolated_config / "settings.toml"
    content = b'theme = "caf\xe9"\n'
    path.write_bytes(content)
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pick_theme(pilot, "nord")
        await pilot.pause()
        assert app.theme == "nord"
        assert messages(app) == [
            f"{path}: not UTF-8 text; using the defaults",
            f"Theme not remembered: {path} has errors; not writing over it (fix or remove it)"]
    assert path.read_bytes() == content
