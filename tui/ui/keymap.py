"""Keys people can change: every binding's id, the user's keymap, and the keys shown.

Every :class:`~textual.binding.Binding` of the app has an ``id``
(``reader.tag.claim``, ``library.sort``, ``app.quit``). The settings file's
``[keymap]`` table maps ids to keys (``"reader.tag.claim" = "z"``); the app
hands the checked table to Textual's ``App.set_keymap`` (as Posting does),
which replaces a binding's default keys with the keymap's. :func:`check`
drops ids that no binding has and names the keys two actions would share,
in one line. :func:`rows` gives the keys actually bound, for the help
screen and the command palette. ``python -m tui.ui.keymap`` prints the
README's table of ids (a test keeps the two equal).

The screens are imported inside the functions: they import this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from textual.binding import Binding, BindingsMap
from textual.keys import _normalize_key_list, format_key, key_to_character

# Names shown for keys in the help screen and the palette.
KEY_NAMES = {"question_mark": "?", "slash": "/", "escape": "Esc", "up": "↑", "down": "↓",
             "left": "←", "right": "→", "home": "Home", "end": "End", "pageup": "PageUp",
             "pagedown": "PageDown", "space": "Space", "enter": "Enter",
             "greater_than_sign": ">"}


@dataclass(frozen=True)
class Context:
    """Where a set of bindings is active: the focused widget's, the screen's, the app's.

    ``namespaces`` are in Textual's order (the focused widget first); the
    ``own`` classes are the ones whose bindings are listed under ``title``.
    """

    title: str
    namespaces: tuple[type, ...]
    own: tuple[type, ...]


def contexts() -> list[Context]:
    """Every place the app takes keys, for the README table and conflict checks."""
    from textual.containers import VerticalScroll
    from textual.widgets import DataTable, Input

    from .app import AnnotateApp
    from .article_view import ArticleView
    from .library_table import LibraryTable
    from .screens.adjudicate import AdjudicateScreen
    from .screens.anchors import AnchorsScreen
    from .screens.help import HelpScreen
    from .screens.library import LibraryScreen
    from .screens.modals import PromptModal
    from .screens.reader import ReaderScreen
    from .screens.summary import SummaryScreen
    from .tags_panel import TagsPanel

    return [
        Context("everywhere", (AnnotateApp,), (AnnotateApp,)),
        Context("reader", (ArticleView, ReaderScreen, AnnotateApp), (ReaderScreen, ArticleView)),
        Context("tags panel", (TagsPanel, ReaderScreen, AnnotateApp), (TagsPanel,)),
        Context("adjudication", (ArticleView, AdjudicateScreen, AnnotateApp), (AdjudicateScreen,)),
        Context("library", (LibraryTable, LibraryScreen, AnnotateApp),
                (LibraryScreen, LibraryTable)),
        Context("fuzzy/orphan tags", (DataTable, AnchorsScreen, AnnotateApp), (AnchorsScreen,)),
        Context("summary", (VerticalScroll, SummaryScreen, AnnotateApp), (SummaryScreen,)),
        Context("help", (VerticalScroll, HelpScreen, AnnotateApp), (HelpScreen,)),
        Context("note and search prompts", (Input, PromptModal, AnnotateApp), (PromptModal,)),
    ]


def _bindings_of(cls: type) -> list[Binding]:
    """The bindings a node of ``cls`` has, Textual's inherited ones included."""
    found = [binding for _key, binding in cls._merged_bindings]
    from textual.app import App

    if issubclass(cls, App) and cls.ENABLE_COMMAND_PALETTE and not any(
            binding.action == "command_palette" for binding in found):
        # Added by App.__init__ when the class has none.
        found.append(Binding(cls.COMMAND_PALETTE_BINDING, "command_palette", "Command palette"))
    return found


def everywhere(app_class: type) -> list[Binding]:
    """The app's keys the user should know (quit, the command palette)."""
    return [binding for binding in _bindings_of(app_class)
            if binding.show or binding.action == "command_palette"]


def documented() -> list[tuple[str, Binding, str]]:
    """(id, binding, where) for every id, once, in the order of the README table."""
    seen: set[str] = set()
    out = []
    for context in contexts():
        for cls in context.own:
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id and binding.id not in seen:
                    seen.add(binding.id)
                    out.append((binding.id, binding, context.title))
    return out


def known_ids() -> set[str]:
    """Every binding id a keymap may name."""
    return {binding_id for binding_id, _binding, _where in documented()}


def normalize(keymap: dict[str, str]) -> dict[str, str]:
    """Key names as Textual binds them (``?`` -> ``question_mark``), as ``set_keymap`` does."""
    return {binding_id: _normalize_key_list(keys) for binding_id, keys in keymap.items()}


def check(keymap: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The keymap without unknown ids (normalized), and one problem per unknown id or shared key.

    A key is shared when, after the keymap, it is bound to two different
    actions where the keys apply together (the focused widget, the screen,
    the app) and the keymap put it there: Textual would run only one of them.
    """
    keymap = normalize(keymap)
    known = known_ids()
    problems = [f"keymap: no binding has the id {binding_id!r}"
                for binding_id in keymap if binding_id not in known]
    usable = {binding_id: keys for binding_id, keys in keymap.items() if binding_id in known}
    reported: set[tuple[str, frozenset[str]]] = set()
    for context in contexts():
        for key, names in _shared_keys(context, usable):
            if (key, frozenset(names)) not in reported:
                reported.add((key, frozenset(names)))
                problems.append(f"keymap: {display_key(key)} is both {_some(names)} "
                                f"({context.title}); one of them will not work")
    return usable, problems


def _some(names: list[str]) -> str:
    """Names for one line: ``a and b``; ``a, b and c``; ``a, b, c and 7 more``.

    A key given to every id shares it between dozens of bindings: naming them
    all made a warning that covered the screen.
    """
    if len(names) <= 2:
        return " and ".join(names)
    if len(names) == 3:
        return f"{names[0]}, {names[1]} and {names[2]}"
    return f"{', '.join(names[:3])} and {len(names) - 3} more"


def _shared_keys(context: Context, keymap: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    by_key: dict[str, dict[str, tuple[str, bool]]] = {}  # key -> action -> (name, from keymap)
    for cls in context.namespaces:
        for binding in _bindings_of(cls):
            remapped = binding.id is not None and binding.id in keymap
            keys = keymap[binding.id].split(",") if remapped else [binding.key]
            name = binding.id or binding.description or binding.action
            for key in keys:
                actions = by_key.setdefault(key, {})
                if binding.action not in actions or remapped:
                    actions[binding.action] = (name, remapped)
    for key, actions in by_key.items():
        if len(actions) > 1 and any(remapped for _name, remapped in actions.values()):
            yield key, sorted(name for name, _remapped in actions.values())


def rows(bindings: Iterable[Binding], keymap: dict[str, str]) -> list[tuple[list[str], Binding]]:
    """Each binding (once per id) with the keys it has after ``keymap``.

    What Textual does with the keymap (``BindingsMap.apply_keymap``), on a
    copy: a binding whose keys the keymap gave to another has none left.
    """
    bindings = list(bindings)
    bound = BindingsMap(bindings)
    if keymap:
        bound.apply_keymap(keymap)
    keys_of: dict[object, list[str]] = {}
    for key, binding in bound:
        keys_of.setdefault(_identity(binding), []).append(key)
    out: list[tuple[list[str], Binding]] = []
    seen: set[object] = set()
    for binding in Binding.make_bindings(bindings):
        identity = _identity(binding)
        if identity in seen:
            continue
        seen.add(identity)
        out.append((keys_of.get(identity, []), binding))
    return out


def _identity(binding: Binding) -> object:
    return binding.id or (binding.action, binding.description)


def display_key(key: str) -> str:
    """A key as the help screen shows it (``question_mark`` -> ``?``, ``ctrl+r`` stays)."""
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    *modifiers, base = key.split("+") if len(key) > 1 else [key]
    shown = KEY_NAMES.get(base) or format_key(base)
    return "+".join([*modifiers, shown])


def app_keys(app, binding_id: str) -> list[str]:
    """The keys ``binding_id`` (an app-wide binding: ``app.quit``) has after the user's keymap."""
    for bound, binding in rows(everywhere(type(app)), getattr(app, "keymap", {})):
        if binding.id == binding_id:
            return bound
    return []


def quit_hint(app) -> str:
    """How to quit, as bound now: ``ctrl+q quits`` (a keymap may have moved or taken it)."""
    keys = app_keys(app, "app.quit")
    if keys:
        return f"{display_key(keys[0])} quits"
    palette = app_keys(app, "app.command_palette")
    if palette:
        return f"the command palette ({display_key(palette[0])}) has Quit"
    return "no key quits (see [keymap] in the settings file)"


NO_KEY = "(no key)"  # what a message names when the keymap left an action without a key


def key_of(app, binding_id: str) -> str:
    """The key a message should name for ``binding_id``, as bound after the user's keymap.

    The first key the binding has (``/``, ``ctrl+f``), in the help screen's
    form; :data:`NO_KEY` when the keymap moved all its keys to another action
    or gave it none. Plain text, never markup. Any binding id of the app
    (``reader.search``, ``tags_panel.all``, ``app.quit``).
    """
    keys = _keys_by_id(tuple(sorted(getattr(app, "keymap", {}).items()))).get(binding_id)
    return display_key(keys[0]) if keys else NO_KEY


def keys_of(app, *binding_ids: str) -> str:
    """Several actions' keys for one message: ``c, q or b`` (each as :func:`key_of`)."""
    names = [key_of(app, binding_id) for binding_id in binding_ids]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def tag_keys(app) -> str:
    """The keys that tag a sentence, one per label: ``c, q or b`` by default."""
    from ..store import LABELS

    return keys_of(app, *(f"reader.tag.{label.name}" for label in LABELS))


@lru_cache(maxsize=8)
def _keys_by_id(keymap: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    # Per class that declares the binding, as Textual applies a keymap to
    # each node's own bindings: a key the keymap gives to another binding of
    # the same node is taken from this one. Cached: the status line asks on
    # every cursor move, and a keymap changes once, at start.
    found: dict[str, list[str]] = {}
    for context in contexts():
        for cls in context.own:
            for bound, binding in rows(_bindings_of(cls), dict(keymap)):
                if binding.id and binding.id not in found:
                    found[binding.id] = bound
    return found


def display_keys(keys: list[str]) -> str:
    """Keys joined for display; no key at all reads as "(none)"."""
    return ", ".join(display_key(key) for key in keys) if keys else "(none)"


def key_as_typed(key: str) -> str:
    """A key as one writes it in the keymap: ``question_mark`` is ``?``, ``pagedown`` stays."""
    character = key_to_character(key)
    if character is not None and len(character) == 1 and character.isprintable() \
            and not character.isspace():
        return character
    return key


def markdown_table() -> str:
    """The README's table of binding ids, their default keys and what they do."""
    lines = ["| id | default keys | action | where |", "|---|---|---|---|"]
    for binding_id, binding, where in documented():
        keys = ", ".join(f"`{key_as_typed(key.strip())}`" for key in binding.key.split(","))
        lines.append(f"| `{binding_id}` | {keys} | {binding.description or binding.action} "
                     f"| {where} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a helper for the README
    print(markdown_table())
