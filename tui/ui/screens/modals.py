"""Small modal dialogs: the note editor and the search prompt.

Keys arrive in bursts (SSH sends what was typed in one packet; tmux and
fast typists do too), and Textual routes a burst in a way that reorders
it: the app hands every key of the burst to the focused widget's queue at
once, while a widget's *bindings* (Enter, Backspace, the arrows, the cancel
key) run only when the key has bubbled back up to the app, after the
letters behind it were typed. `a h i Enter j c` saved the note "hijc";
`x y Backspace z` gave "xyz". And keys typed before the box had the focus
(`/ word Enter`, right after `/`) reached no widget and were lost. So the
prompt's box handles every key in its own queue, in the order typed; keys
that reach the screen before the box has the focus are put in the box in
order; and keys typed after Enter or the cancel key go back to the screen
below, as if typed there.
"""

from __future__ import annotations

from weakref import WeakSet

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...text.safe import printable
from ..key_order import pass_on, run_binding
from ..keymap import key_of, rows


class OrderedInput(Input):
    """A text box whose keys act in the order typed (see the module docstring).

    Its bindings and its screen's (Enter, Backspace, the arrows, Escape) run
    in its own queue, between the letters; a key handed to it after the
    focus moved on (Enter closed it) goes to the widget that has the focus.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seen: WeakSet[events.Key] = WeakSet()  # keys it has had (its screen asks)

    def take(self, event: events.Key) -> bool:
        """A key the owner handles first (True if it did)."""
        return False

    async def _on_key(self, event: events.Key) -> None:
        self.seen.add(event)
        if self.app.focused is not self:
            # Handed over before the focus moved on: the focused widget's key.
            pass_on(self.app, event)
            return
        if self.take(event):
            return
        if not event.is_printable and await run_binding(self.screen, event.key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)


class PromptInput(OrderedInput):
    """The prompt's box: Enter and the cancel key are its screen's (see :meth:`PromptModal.take`)."""

    def take(self, event: events.Key) -> bool:
        """Enter, the cancel key, or a key after them: the prompt's."""
        modal = self.screen
        return isinstance(modal, PromptModal) and modal.take(event)


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
        self.closing = False  # Enter or the cancel key was typed: later keys are not ours

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            # Titles may quote article text: plain Content, never markup.
            yield Static(Content(self._title), classes="prompt-title")
            yield PromptInput(value=self._value, placeholder=self._placeholder,
                              id="prompt-input")
            # The cancel key as the user's keymap bound it (Enter is the Input's own).
            hint = f"Enter to {self._verb} · {key_of(self.app, 'prompt.cancel')} to cancel"
            yield Static(Content(hint), classes="prompt-hint")

    def _cancel_keys(self) -> list[str]:
        return next((keys for keys, binding in rows(self.BINDINGS, getattr(self.app, "keymap", {}))
                     if binding.id == "prompt.cancel"), [])

    def take(self, event: events.Key) -> bool:
        """Enter, the cancel key, or any key once closing: handled here, in order. True if taken."""
        if self.closing:
            # Typed after Enter or the cancel key: the screen below's, in order.
            self.app.post_message(events.Key(event.key, event.character))
        elif event.key == "enter":
            self._finish(self.query_one(PromptInput).value)
        elif event.key in self._cancel_keys():
            self._finish(None)
        else:
            return False
        event.stop()
        event.prevent_default()
        return True

    def on_key(self, event: events.Key) -> None:
        """A key that reached the screen, not the box: typed before the box had the focus."""
        box = self.query_one(PromptInput)
        if event in box.seen:  # bubbled up from the box: it has done what it does
            return
        if self.take(event):
            return
        if event.is_printable and event.character is not None:
            box.insert_text_at_cursor(event.character)
        elif event.key == "backspace":
            box.action_delete_left()
        else:
            return
        event.stop()
        event.prevent_default()

    def _finish(self, value: str | None) -> None:
        self.closing = True
        self.dismiss(value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter (a submit from elsewhere than a key): return the text."""
        if not self.closing:
            self._finish(event.value)

    def action_cancel(self) -> None:
        """Escape: return nothing."""
        if not self.closing:
            self._finish(None)
