"""The user's settings file: read, check, and write it back atomically.

One small TOML file, ``settings.toml`` in the user's config directory
(platformdirs: ``~/.config/tui`` on Linux, ``~/Library/Application
Support/tui`` on macOS, ``%LOCALAPPDATA%\\tui`` on Windows), or in
``$TUI_CONFIG_DIR`` when that is set (the tests always set it, so they never
touch the developer's own file)::

    theme = "textual-light"

    [keymap]
    "reader.tag.claim" = "z"
    "reader.paragraph.next" = "j,down,ctrl+n"

The user edits it by hand; the app writes only the ``theme`` line, in place,
so comments and the keymap stay as they were.

A file that is not what it should be (not TOML, not UTF-8, a FIFO, a folder,
unreadable, a setting of the wrong type, an unknown setting, a key name that
does not exist) never stops the app: :func:`load` returns the settings it
could use (defaults for the rest) and one line saying what was wrong. A file
that does not parse is never written over: the theme is then not saved, and
the user is told why.

No Textual here: the binding ids are checked by :mod:`tui.ui.keymap`.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

ENV_VAR = "TUI_CONFIG_DIR"
FILE_NAME = "settings.toml"
# Far more than any settings file; a bigger "settings file" is something else.
MAX_BYTES = 256 * 1024
# How many problems one line names before "and N more".
SHOWN_PROBLEMS = 3
# Modifier names Textual knows (ctrl+shift+x).
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")

NEW_FILE_HEADER = """\
# tui settings: see README, "Keys and settings".
# The app rewrites only the theme line; edit the rest as you like.
"""
NEW_FILE_FOOTER = """
# [keymap]
# "reader.tag.claim" = "z"
"""


class SettingsError(Exception):
    """The settings file cannot be written; the message is one line."""


@dataclass
class Settings:
    """What the settings file asks for (None or empty: the defaults)."""

    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)


@dataclass
class Loaded:
    """The outcome of :func:`load`.

    ``settings`` holds what could be used. ``problem`` is one line for the
    user, or None. ``writable`` is False when the file exists but could not
    be read as TOML: then nothing may be written over it.
    """

    path: Path
    settings: Settings
    problem: str | None = None
    writable: bool = True


def config_dir() -> Path:
    """``$TUI_CONFIG_DIR`` if set, else the platform's user config folder for tui."""
    override = os.environ.get(ENV_VAR)
    if override:
        # "~/cfg" in quotes reaches us unexpanded: a folder named "~" in the
        # working directory is a trap (rm -rf ~ to clean it up).
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("tui", appauthor=False))


def settings_path() -> Path:
    """Where the settings file is (it may not exist)."""
    return config_dir() / FILE_NAME


def summarise(problems: list[str]) -> str | None:
    """Problems as one line (the first few, then how many more), or None."""
    if not problems:
        return None
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    return shown + (f"; and {more} more" if more > 0 else "")


def load(path: Path | None = None) -> Loaded:
    """Read and check the settings file at ``path`` (default :func:`settings_path`).

    Never raises for anything about the file: a missing file is the
    defaults, silently; anything else wrong is the defaults (for the part
    that was wrong) and :attr:`Loaded.problem`.
    """
    path = settings_path() if path is None else path
    try:
        text = read_text(path)
    except FileNotFoundError:
        return Loaded(path, Settings())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return Loaded(path, Settings(), f"{_name(path)}: {_why(exc)}; using the defaults",
                      writable=False)
    import tomllib  # only when there is a file (most launches have none)

    try:
        data = tomllib.loads(text)
        settings, problems = check(data)
    except tomllib.TOMLDecodeError as exc:
        return Loaded(path, Settings(), f"{_name(path)}: not valid TOML ({exc}); using the defaults",
                      writable=False)
    except RecursionError:
        # 10 KB of "[[[[..." or a 3,000-part dotted key: tomllib (and our
        # walk of the tables) recurse once per level.
        return Loaded(path, Settings(), f"{_name(path)}: nested too deeply; using the defaults",
                      writable=False)
    line = summarise(problems)
    return Loaded(path, settings, f"{_name(path)}: {line}" if line else None)


def read_text(path: Path) -> str:
    """The file's text, if it is a regular UTF-8 file of a sensible size.

    Opened without blocking, so a FIFO at the path is refused at once
    (``ValueError``) instead of hanging the app until someone writes to it.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise ValueError(kind)
        if info.st_size > MAX_BYTES:
            raise ValueError(f"over {MAX_BYTES // 1024} KB")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise ValueError(f"over {MAX_BYTES // 1024} KB")
    if raw.startswith(b"\xef\xbb\xbf"):  # a BOM from a Windows editor
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None


def check(data: dict) -> tuple[Settings, list[str]]:
    """The usable settings in parsed TOML ``data``, and what was wrong with the rest."""
    settings = Settings()
    problems: list[str] = []
    for name, value in data.items():
        if name == "theme":
            if isinstance(value, str) and value.strip():
                settings.theme = value.strip()
            else:
                problems.append(f"theme must be a theme's name, not {_show(value)}")
        elif name == "keymap":
            if isinstance(value, dict):
                settings.keymap = _check_keymap(value, problems)
            else:
                problems.append(f"keymap must be a table ([keymap]), not {_show(value)}")
        else:
            problems.append(f"unknown setting {_quote(name)}")
    return settings, problems


def _check_keymap(table: dict, problems: list[str]) -> dict[str, str]:
    keymap: dict[str, str] = {}
    for binding_id, keys in _flatten(table):
        if not isinstance(keys, str):
            problems.append(f"keymap {_quote(binding_id)} must be keys in a string "
                            f"(\"z\" or \"z,ctrl+z\"), not {_show(keys)}")
            continue
        parts = [key.strip() for key in keys.split(",")]
        bad = [key for key in parts if not valid_key(key)]
        if bad:
            problems.append(f"keymap {_quote(binding_id)}: {_quote(bad[0])} is not a key name")
            continue
        keymap[binding_id] = ",".join(parts)
    return keymap


def _flatten(table: dict, prefix: str = ""):
    """(id, value) pairs; ``reader.tag.claim = "z"`` unquoted makes nested tables in TOML."""
    for name, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def valid_key(key: str) -> bool:
    """Whether ``key`` names a key Textual can bind (``z``, ``?``, ``ctrl+z``, ``pagedown``)."""
    if not key:
        return False
    *modifiers, base = key.split("+") if len(key) > 1 else [key]
    if any(modifier not in MODIFIERS for modifier in modifiers):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    return base in _key_names() or _names_a_character(base)


def _key_names() -> frozenset[str]:
    # Textual's names of special keys (pagedown, f1, escape...). Imported
    # here so that reading a file needs no Textual.
    from textual.keys import Keys

    return frozenset(key.value for key in Keys if "+" not in key.value
                     and not key.value.startswith("<"))


def _names_a_character(name: str) -> bool:
    # question_mark, greater_than_sign, slash: the names Textual gives
    # printable characters in bindings and key events.
    from textual.keys import key_to_character

    return key_to_character(name) is not None


# -- writing -----------------------------------------------------------------

_THEME_LINE = re.compile(r"^[ \t]*theme[ \t]*=.*$", re.MULTILINE)
_TABLE_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)


def save_theme(loaded: Loaded, theme: str) -> None:
    """Write ``theme`` into the settings file, keeping everything else in it.

    Only the ``theme = ...`` line is replaced (or added at the top), so the
    user's comments and keymap survive; the result is parsed again and must
    hold exactly the old settings with the new theme, else nothing is
    written (a theme spread over lines: the user sets it by hand). The write is atomic (a temporary file
    beside it, fsync, rename): a crash leaves the old file or the new one.
    Raises :class:`SettingsError` (one line) and writes nothing if the file
    could not be read (``loaded.writable`` is False) or cannot be written.
    """
    path = loaded.path
    if not loaded.writable:
        raise SettingsError(f"{_name(path)} has errors; not writing over it (fix or remove it)")
    try:
        old_text = read_text(path)
    except FileNotFoundError:
        old_text = None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SettingsError(f"{_name(path)}: {_why(exc)}; not writing over it") from None
    if old_text is None:
        new_text = f"{NEW_FILE_HEADER}theme = {toml_string(theme)}\n{NEW_FILE_FOOTER}"
    else:
        import tomllib

        try:
            old = tomllib.loads(old_text)
        except (tomllib.TOMLDecodeError, RecursionError):
            raise SettingsError(f"{_name(path)} is no longer valid TOML; not writing over it") \
                from None
        new_text = _with_theme(old_text, theme)
        try:
            same = tomllib.loads(new_text) == {**old, "theme": theme}
        except (tomllib.TOMLDecodeError, RecursionError):
            same = False
        if not same:  # a theme written over several lines, or in a table
            raise SettingsError(f"{_name(path)}: its theme setting is not one plain line; "
                                "not writing over it (set it there by hand)")
    write_atomically(path, new_text)


def _with_theme(text: str, theme: str) -> str:
    line = f"theme = {toml_string(theme)}"
    header = _TABLE_HEADER.search(text)
    top = text[:header.start()] if header else text
    match = _THEME_LINE.search(top)
    if match:
        return text[:match.start()] + line + text[match.end():]
    return f"{line}\n{text}"


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string (quotes, backslashes and controls escaped)."""
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) so that a reader sees the old file or the new.

    Through a symlink (dotfiles kept in a repository), the file it points to
    is replaced and the link kept. The folder is created if need be.
    """
    target = Path(os.path.realpath(path))
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o644
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0),
                     mode)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        os.replace(temp, target)
        with contextlib.suppress(OSError):  # the rename itself, on disk
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise SettingsError(f"{_name(path)}: cannot write ({_why(exc)})") from None


def _name(path: Path) -> str:
    return str(path)


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def _quote(text: str) -> str:
    return repr(str(text))


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
