"""Keys people can change: binding ids, the [keymap] table, help, palette and Footer.

Each test writes its settings into the per-test config folder that
conftest's ``isolated_config`` points ``TUI_CONFIG_DIR`` at.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import shutil
from pathlib import Path

import pytest
from textual.binding import Binding

import tui.ui
from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui import keymap
from tui.ui.app import AnnotateApp
from tui.ui.screens.reader import ReaderScreen
from tests.test_ui_library import wait_loaded
from tests.test_ui_reader import labels_in_db, messages, press, settle, view_of

ROOT = Path(__file__).resolve().parent.parent


def write_settings(config: Path, text: str) -> Path:
    path = config / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def reader_app(tmp_path, seed_path) -> AnnotateApp:
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    return AnnotateApp(store, article=load_article(seed_path), exports=tmp_path / "exports")


def library_app(tmp_path, seed_path) -> AnnotateApp:
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    (folder / "second.txt").write_text("A Second Story\n\nOne sentence. Two.\n")
    return AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder,
                       exports=tmp_path / "exports")


def footer_line(app) -> str:
    """The bottom line of the screen as drawn (text only)."""
    strips = app.screen._compositor.render_strips()
    return "".join(segment.text for segment in strips[-1])


# -- every binding has an id, and the README lists them --------------------------


def ui_classes_with_bindings():
    for info in pkgutil.walk_packages(tui.ui.__path__, "tui.ui."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and "BINDINGS" in cls.__dict__:
                yield cls


def test_every_binding_of_the_app_has_an_id():
    classes = list(ui_classes_with_bindings())
    assert {cls.__name__ for cls in classes} >= {
        "AnnotateApp", "ReaderScreen", "ArticleView", "LibraryScreen", "LibraryTable",
        "AnchorsScreen", "AdjudicateScreen", "SummaryScreen", "HelpScreen", "PromptModal"}
    missing = [f"{cls.__name__}: {binding.key} -> {binding.action}"
               for cls in classes for binding in cls.__dict__["BINDINGS"]
               if not isinstance(binding, Binding) or not binding.id]
    assert missing == []
    # An id names one action (the adjudicator's screen reuses the reader's bindings).
    actions: dict[str, set[str]] = {}
    for cls in classes:
        for binding in cls.__dict__["BINDINGS"]:
            actions.setdefault(binding.id, set()).add(binding.action)
    assert {i: a for i, a in actions.items() if len(a) > 1} == {}


def test_every_id_is_in_a_context_the_keymap_checks():
    declared = {binding.id for cls in ui_classes_with_bindings()
                for binding in cls.__dict__["BINDINGS"]}
    assert declared == keymap.known_ids()


def test_the_readme_table_is_the_one_the_code_generates():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- keymap-table -->\n(.*?)\n<!-- /keymap-table -->", readme, re.S)
    assert match, "README lost its keymap table markers"
    assert match.group(1) == keymap.markdown_table(), \
        "regenerate it: uv run python -m tui.ui.keymap"
    listed = set(re.findall(r"^\| `([a-z_.]+)` \|", match.group(1), re.M))
    assert listed == keymap.known_ids()
    assert {"app.quit", "reader.tag.claim", "library.sort", "anchors.accept",
            "adjudicate.next", "summary.close", "help.close", "prompt.cancel"} <= listed


def test_the_default_keys_share_nothing():
    assert keymap.check({}) == ({}, [])


# -- the keymap ------------------------------------------------------------------------


async def test_a_keymap_moves_claim_from_c_to_z(tmp_path, seed_path, isolated_config):
    write_settings(isolated_config, '[keymap]\n"reader.tag.claim" = "z"\n')
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert messages(app) == []  # a good file: not a word
        await press(pilot, "c")
        assert labels_in_db(app) == []
        await press(pilot, "z")
        assert labels_in_db(app) == [(1, 1, "claim")]
        await press(pilot, "j", "q")  # the other labels keep their keys
        assert labels_in_db(app) == [(1, 1, "claim"), (2, 1, "quote")]


async def test_dotted_ids_without_quotes_and_several_keys(tmp_path, seed_path, isolated_config):
    # Unquoted, reader.tag.claim is a nested table in TOML: read as the same id.
    write_settings(isolated_config, '[keymap]\nreader.tag.claim = "z,ctrl+z"\n'
                                    'reader.paragraph.next = "J"\n')
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+z")
        await press(pilot, "J", "z")
        assert view_of(app).paragraph == 2
        assert labels_in_db(app) == [(1, 1, "claim"), (2, 1, "claim")]
        await press(pilot, "j")  # j was replaced, not added to
        assert view_of(app).paragraph == 2


async def test_help_footer_and_palette_show_the_keys_as_bound(tmp_path, seed_path,
                                                               isolated_config):
    write_settings(isolated_config, '[keymap]\n"reader.tag.claim" = "z"\n"app.quit" = "ctrl+x"\n')
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "z Claim" in footer_line(app)
        assert "^x Quit" in footer_line(app)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Claim"] == "Key: z"
        assert commands["Quote"] == "Key: q"
        await pilot.press("question_mark")
        lines = str(app.screen.query_one("#help-text").render()).splitlines()
        assert "               z  Claim" in lines
        assert "               q  Quote" in lines
        assert "          ctrl+x  Quit" in lines
        assert not any(line.endswith("  Claim") and line.strip().startswith("c ")
                       for line in lines)


async def test_unknown_ids_bad_keys_and_shared_keys_are_one_line_each(tmp_path, seed_path,
                                                                      isolated_config):
    write_settings(isolated_config, '[keymap]\n"reader.tag.claim" = "q"\n'
                                    '"reader.flag" = "f"\n"reader.undo" = "foo"\n')
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        path = isolated_config / "settings.toml"
        assert messages(app) == [
            f"{path}: keymap 'reader.undo': 'foo' is not a key name",
            "keymap: no binding has the id 'reader.flag'; "
            "keymap: q is both reader.tag.claim and reader.tag.quote (reader); "
            "one of them will not work",
        ]
        await press(pilot, "u", "q")  # undo kept its key; q is now the keymap's claim
        assert labels_in_db(app) == [(1, 1, "claim")]
        await pilot.press("question_mark")
        lines = str(app.screen.query_one("#help-text").render()).splitlines()
        assert "               q  Claim" in lines
        assert "          (none)  Quote" in lines
        assert "               u  Undo" in lines


def test_shared_keys_across_the_widget_screen_and_app():
    # space pages down in the article view, which has the focus: it would win.
    usable, problems = keymap.check({"reader.tag.claim": "space", "library.sort": "ctrl+p"})
    assert usable == {"reader.tag.claim": "space", "library.sort": "ctrl+p"}
    assert problems == [
        "keymap: Space is both reader.page.down and reader.tag.claim (reader); "
        "one of them will not work",
        "keymap: ctrl+p is both app.command_palette and library.sort (library); "
        "one of them will not work",
    ]
    # Swapping two keys shares nothing.
    assert keymap.check({"reader.tag.claim": "q", "reader.tag.quote": "c"})[1] == []


async def test_the_command_palette_key_can_move_too(tmp_path, seed_path, isolated_config):
    from textual.command import CommandPalette

    write_settings(isolated_config, '[keymap]\n"app.command_palette" = "ctrl+k"\n')
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert footer_line(app).endswith("▏^k palette ")
        await pilot.press("ctrl+p")
        assert not isinstance(app.screen, CommandPalette)
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


# -- ctrl+q in the Footer at 80 columns, and in help ------------------------------------


async def test_the_reader_footer_shows_quit_at_80_columns(tmp_path, seed_path):
    app = reader_app(tmp_path, seed_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = footer_line(app)
        assert line.startswith(" ? Help  ^q Quit  j Next ¶  k Prev ¶  c Claim"), line
        await pilot.press("question_mark")
        text = str(app.screen.query_one("#help-text").render())
        assert "          ctrl+q  Quit" in text.splitlines()
        assert "          ctrl+p  palette" in text.splitlines()


async def test_the_library_footer_shows_quit_at_80_columns(tmp_path, seed_path):
    app = library_app(tmp_path, seed_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        line = footer_line(app)
        assert line.startswith(" ? Help  ^q Quit  ⏎ Open  / Filter"), line
        await pilot.press("question_mark")
        lines = str(app.screen.query_one("#help-text").render()).splitlines()
        assert "          ctrl+q  Quit" in lines
        assert "In the reader" in lines
        assert "               c  Claim" in lines


def test_help_and_quit_come_first_whatever_the_keymap():
    from tui.ui.footer_order import _rank

    assert [_rank(a) for a in ("help", "quit", "app.quit", "tag('claim')")] == [0, 1, 1, 2]


@pytest.mark.parametrize("key, shown", [("question_mark", "?"), ("ctrl+r", "ctrl+r"),
                                        ("greater_than_sign", ">"), ("pagedown", "PageDown")])
def test_keys_are_shown_as_people_type_them(key, shown):
    assert keymap.display_key(key) == shown


async def test_escape_clears_the_search_first_then_leaves_the_article(tmp_path, seed_path):
    from tui.ui.screens.library import LibraryScreen

    app = library_app(tmp_path, seed_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        library = app.screen
        row = [Path(r.path).name for r in library.shown].index("seed.txt")
        library.table.move_cursor(row)
        await pilot.press("enter")
        await wait_loaded(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("slash", *"russia", "enter")
        await settle(pilot)
        assert app.screen._searcher.search.total == 9  # Russia, Russian
        assert " of 9" in str(app.screen.query_one("#status").render())
        await press(pilot, "escape")
        assert isinstance(app.screen, ReaderScreen)  # still reading: the search is gone
        assert not app.screen._searcher.active and app.screen.query_text == ""
        await press(pilot, "escape")
        assert isinstance(app.screen, LibraryScreen)
