"""The theme list of the command palette, where choosing is remembering.

Textual's theme list sets ``app.theme``; choosing the theme already shown
changes nothing, so no watcher runs. When the settings file names a theme
that is not installed, the default is shown, and choosing that default is
how a user says "this one": it must be written, or the warning comes back
at every launch. This provider tells the app every choice.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from operator import attrgetter

from textual.theme import ThemeProvider


class ChosenThemeProvider(ThemeProvider):
    """Textual's theme list; a choice is also handed to ``app.theme_chosen``."""

    @property
    def commands(self) -> list[tuple[str, Callable[[], None]]]:
        app = self.app

        def choose(name: str) -> None:
            if app.theme == name:  # no change, so no watcher: tell the app here
                app.theme_chosen(name)  # type: ignore[attr-defined]
            else:  # the theme's watcher remembers it (once: a failure warns once)
                app.theme = name

        return [(theme.name, partial(choose, theme.name))
                for theme in sorted(app.available_themes.values(), key=attrgetter("name"))]
