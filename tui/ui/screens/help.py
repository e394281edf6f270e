"""The `?` help screen: the keys actually bound (after the user's keymap), and the labels."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...store import LABELS
from ...text.safe import printable
from ..keymap import display_keys, everywhere, key_of, rows
from ..label_styles import marks_help

KEY_WIDTH = 16


class HelpScreen(ModalScreen[None]):
    """Lists the given bindings with the keys they have now, then the app's own
    (quit, command palette), then the labels.

    ``bindings`` are the opening screen's; each of ``more`` is a titled list
    (the library also lists the reader's keys). A binding the keymap left
    without a key reads "(none)".
    """

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close help", id="help.close")]

    def __init__(self, bindings: Iterable[Binding],
                 *more: tuple[str, Iterable[Binding]]) -> None:
        super().__init__()
        self._sections = [("Keys", list(bindings)), *((title, list(b)) for title, b in more)]

    def _lines(self, bindings: list[Binding]) -> list[str]:
        keymap = getattr(self.app, "keymap", {})
        return [f"{printable(display_keys(keys)):>{KEY_WIDTH}}  {binding.description}"
                for keys, binding in rows(bindings, keymap) if binding.description]

    def compose(self) -> ComposeResult:
        text: list[str] = []
        for title, bindings in self._sections:
            text += [title, "", *self._lines(bindings), ""]
        # The app's keys (quit, the palette) work on every screen.
        text += ["Everywhere", "", *self._lines(everywhere(type(self.app))), ""]
        # Their keys are listed above (they may not be the defaults).
        labels = [f"{label.name:>{KEY_WIDTH}}  {label.description} (gutter mark {label.mark})"
                  for label in LABELS]
        from ..tags_panel import TagsPanel  # its own keys, while it has the focus

        # Keys named in sentences are the ones bound now (the keymap may move them).
        same_label = (f"{key_of(self.app, 'reader.next_same_label')} and "
                      f"{key_of(self.app, 'reader.previous_same_label')}")
        text += [f"{same_label} follow the label of the tag under the cursor, or the tags "
                 "panel's filter;", "stepping wraps around the article and says so.", "",
                 f"Tags panel ({key_of(self.app, 'reader.tags_panel')})", "",
                 *self._lines(list(TagsPanel.BINDINGS)), "",
                 "Labels", "", *labels, "", *marks_help(self.app),
                 "Click a sentence to move the cursor to it. The keys can be changed: "
                 "see README, Keys and settings."]
        with VerticalScroll(classes="help-box"):
            yield Static(Content("\n".join(text)), id="help-text")
