"""Messages and help text name the keys bound after the user's keymap (issue 12).

A keymap moving search, the fuzzy/orphan list, the three tag keys, the tags
panel and its "all labels" filter: every message that names one of those
keys names the new key, written out here literally; with no keymap the
same messages keep the default keys. Each test writes its settings into the
per-test config folder that conftest's ``isolated_config`` points
``TUI_CONFIG_DIR`` at.
"""

from __future__ import annotations

import pytest

from tests.test_ui_anchor_marks import edited_seed
from tests.test_ui_reader import SIZE, messages, press, settle, status_of
from tests.test_ui_review import panel_lines
from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp
from tui.ui.screens.anchors import AnchorsScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.modals import PromptModal
from tui.ui.tags_panel import TagsPanel

MOVED = """
[keymap]
"reader.search" = "ctrl+f"
"reader.anchors" = "O"
"reader.tag.claim" = "z"
"reader.tag.quote" = "v"
"reader.tag.background" = "m"
"reader.tags_panel" = "T"
"tags_panel.all" = "9"
"anchors.accept" = "A"
"""

# (settings text, the keys to press, then every message as it must read)
CASES = {
    "moved": (MOVED, {"panel": "T", "anchors": "O"}, {
        "search": "No search yet: press ctrl+f to search.",
        "no_tags": "No tags yet: z, v or m tags a sentence.",
        "no_claims": "No claim tags here: 9 shows all.",
        "note": "Tag the sentence first (z, v or m), then add a note.",
        "quotes": "No sentence is tagged as a quote yet (v).",
        "help_panel": "Tags panel (T)",
        "help_fuzzy": "Lower-case letter, underlined text: a fuzzy tag (O checks it).",
        "changed": "The text changed: 1 tag(s) no longer match it, 1 were placed on an "
                   "edited sentence. Press O to review them.",
        "status": "1 fuzzy  1 orphan (O)",
        "orphan": "That tag's sentence is no longer in the text (orphan): "
                  "O lists orphans to re-attach or delete.",
        "anchors": "2 tag(s) to check · A accepts fuzzy · r re-attaches an orphan to the "
                   "cursor in the reader: ¶ 1.1 · d deletes (u undoes in the reader)",
    }),
    "default": ("", {"panel": "t", "anchors": "o"}, {
        "search": "No search yet: press / to search.",
        "no_tags": "No tags yet: c, q or b tags a sentence.",
        "no_claims": "No claim tags here: 0 shows all.",
        "note": "Tag the sentence first (c, q or b), then add a note.",
        "quotes": "No sentence is tagged as a quote yet (q).",
        "help_panel": "Tags panel (t)",
        "help_fuzzy": "Lower-case letter, underlined text: a fuzzy tag (o checks it).",
        "changed": "The text changed: 1 tag(s) no longer match it, 1 were placed on an "
                   "edited sentence. Press o to review them.",
        "status": "1 fuzzy  1 orphan (o)",
        "orphan": "That tag's sentence is no longer in the text (orphan): "
                  "o lists orphans to re-attach or delete.",
        "anchors": "2 tag(s) to check · a accepts fuzzy · r re-attaches an orphan to the "
                   "cursor in the reader: ¶ 1.1 · d deletes (u undoes in the reader)",
    }),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_messages_name_the_keys_as_bound(tmp_path, seed_path, isolated_config, case):
    settings, keys, say = CASES[case]
    (isolated_config / "settings.toml").write_text(settings, encoding="utf-8")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")  # next match, with no search yet
        assert messages(app)[-1] == say["search"]
        await press(pilot, "a")  # a note on an untagged sentence
        assert not isinstance(app.screen, PromptModal)
        assert messages(app)[-1] == say["note"]
        await press(pilot, "Y")  # copy quotes, with none
        assert messages(app)[-1] == say["quotes"]
        await press(pilot, keys["panel"])
        assert app.focused is app.screen.query_one(TagsPanel)
        assert panel_lines(app) == [say["no_tags"]]
        await press(pilot, "1")  # claims only
        assert panel_lines(app) == [say["no_claims"]]
        await press(pilot, "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = str(app.screen.query_one("#help-text").render()).splitlines()
        assert say["help_panel"] in lines
        assert say["help_fuzzy"] in lines


@pytest.mark.parametrize("case", sorted(CASES))
async def test_fuzzy_and_orphan_hints_name_the_anchors_key_as_bound(tmp_path, seed_path,
                                                                     isolated_config, case):
    settings, keys, say = CASES[case]
    (isolated_config / "settings.toml").write_text(settings, encoding="utf-8")
    store, path = edited_seed(tmp_path, seed_path)
    app = AnnotateApp(store, article=load_article(path), exports=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause()
        await settle(pilot)
        assert say["changed"] in messages(app)
        assert say["status"] in status_of(app)
        await press(pilot, keys["panel"], "end", "enter")  # the orphan: nowhere to go
        assert messages(app)[-1] == say["orphan"]
        await press(pilot, "escape", keys["anchors"])
        assert isinstance(app.screen, AnchorsScreen)
        assert str(app.screen.query_one("#anchors-status").render()) == say["anchors"]


async def test_an_action_the_keymap_left_without_a_key_reads_no_key(tmp_path, seed_path,
                                                                     isolated_config):
    # The tags panel takes "/": search keeps no key at all.
    (isolated_config / "settings.toml").write_text('[keymap]\n"reader.tags_panel" = "/"\n',
                                                   encoding="utf-8")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(seed_path), exports=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert messages(app)[-1] == "No search yet: press (no key) to search."
