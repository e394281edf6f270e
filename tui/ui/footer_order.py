"""Help and Quit first in the Footer, so that a narrow terminal still shows them.

Textual's Footer lists a screen's ``active_bindings`` in the order of the
binding chain: the focused widget's, then the screen's, then the app's. The
app's ``ctrl+q`` therefore comes last, and at 80 columns the reader's dozen
shown keys push it off the line (a second ``ctrl+q`` binding on the screen
does not help: the app's priority binding takes its place and its ``show``).
A screen that mixes this in lists help and quit first, whatever keys the
user's keymap gave them; everything else keeps the order of its BINDINGS
(Textual's keymap moves a rebound key to the end: ``z Claim`` stays where
``c Claim`` was).
"""

from __future__ import annotations

from functools import cache

# Actions shown first, in this order.
FIRST = ("help", "quit")


def _rank(action: str) -> int:
    name = action.rsplit(".", 1)[-1]  # "app.quit" is "quit"
    return FIRST.index(name) if name in FIRST else len(FIRST)


@cache  # per class: the Footer asks on every refresh of the bindings
def _declared_order(cls: type) -> dict[str, int]:
    """Binding id -> its place in ``cls``'s bindings (Textual's inherited ones first)."""
    order: dict[str, int] = {}
    for _key, binding in cls._merged_bindings:
        if binding.id is not None:
            order.setdefault(binding.id, len(order))
    return order


class HelpAndQuitFirst:
    """Mix into a :class:`~textual.screen.Screen` (before it) to put help and quit first."""

    @property
    def active_bindings(self):
        """The screen's active bindings: help, quit, then the rest in declared order."""
        bindings = super().active_bindings
        nodes: dict[int, int] = {}  # the binding chain's order: widget, screen, app
        for active in bindings.values():
            nodes.setdefault(id(active.node), len(nodes))

        def place(item):
            active = item[1]
            declared = _declared_order(type(active.node))
            where = declared.get(active.binding.id, len(declared))
            return (_rank(active.binding.action), nodes[id(active.node)], where)

        return dict(sorted(bindings.items(), key=place))
