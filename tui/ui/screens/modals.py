"""Small modal dialogs: the note editor and the search prompt."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...text.safe import printable
from ..keymap import key_of


class PromptModal(ModalScreen[str | None]):
    """Ask for one line of text: Enter returns it, Escape returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "",
                 verb: str = "save") -> None:
        super().__init__()
        # Titles and values may quote article text or the database: never a
        # raw control character on the terminal.
        self._title = printable(title)
        self._value = printable(value)
        self._placeholder = placeholder
        self._verb = verb  # the hint line: "Enter to <verb> · <the cancel key> to cancel"

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            # Titles may quote article text: plain Content, never markup.
            yield Static(Content(self._title), classes="prompt-title")
            yield Input(value=self._value, placeholder=self._placeholder, id="prompt-input")
            # The cancel key as the user's keymap bound it (Enter is the Input's own).
            hint = f"Enter to {self._verb} · {key_of(self.app, 'prompt.cancel')} to cancel"
            yield Static(Content(hint), classes="prompt-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: return the text."""
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Escape: return nothing."""
        self.dismiss(None)
