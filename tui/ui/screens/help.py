"""The `?` help screen: every key of the reader, and the labels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...store import LABELS


def _key_name(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "escape": "Esc", "up": "↑", "down": "↓",
             "left": "←", "right": "→", "home": "Home", "end": "End",
             "left_square_bracket": "[", "right_square_bracket": "]",
             "left_curly_bracket": "{", "right_curly_bracket": "}", "greater_than_sign": ">",
             "enter": "Enter", "pageup": "PgUp", "pagedown": "PgDn"}
    return ", ".join(names.get(k, k) for k in key.split(","))


class HelpScreen(ModalScreen[None]):
    """Lists the reader's bindings (from its BINDINGS) and the labels."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close help")]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self._listed = bindings

    def compose(self) -> ComposeResult:
        rows = [f"{_key_name(b.key):>16}  {b.description}" for b in self._listed if b.description]
        labels = [f"{label.key:>16}  {label.name}: {label.description} (gutter mark {label.mark})"
                  for label in LABELS]
        from ..tags_panel import TagsPanel  # its own keys, while it has the focus

        panel = [f"{_key_name(b.key):>16}  {b.description}" for b in TagsPanel.BINDINGS]
        text = "\n".join(["Keys", "", *rows, "",
                          "} and { follow the label of the tag under the cursor, or the tags "
                          "panel's filter;", "stepping wraps around the article and says so.", "",
                          "Tags panel (t)", "", *panel, "", "Labels", "", *labels, "",
                          "Click a sentence to move the cursor to it. ctrl+p opens the command palette."])
        with VerticalScroll(classes="help-box"):
            yield Static(Content(text), id="help-text")
