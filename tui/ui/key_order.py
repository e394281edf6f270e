"""Keys acted on in the order typed.

Textual runs a key's binding only once the key has bubbled up to the app,
behind the keys typed after it in the same burst (over SSH, or through
tmux, keys typed together arrive together): `a h i Enter` opened the note
box after `h i Enter` had gone by. The reader, the library and the text
boxes run a key's binding themselves, at once, with :func:`run_binding`;
a key that arrives after another screen or widget took over is handed on
with :func:`pass_on`.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.screen import Screen


async def run_binding(screen: Screen, key: str, priority: bool = False) -> bool:
    """Run the first binding of ``key`` that acts, looked up as Textual does
    (from the focused widget up to the app, keymap applied); True if one did.

    Priority bindings are skipped unless ``priority``: the app ran them
    before the key reached a widget.
    """
    # Textual's own lookup order (a private attribute: kept to this one place).
    for namespace, bindings in screen._modal_binding_chain:
        for binding in bindings.key_to_bindings.get(key, ()):
            if (priority or not binding.priority) and await screen.app.run_action(
                    binding.action, namespace):
                return True
    return False


def pass_on(app: App, event: events.Key) -> None:
    """Stop ``event`` here and send it again as a new key, to whatever has
    the focus now (the screen or box a key before it opened)."""
    event.stop()
    event.prevent_default()
    app.post_message(events.Key(event.key, event.character))
