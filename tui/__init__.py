"""tui: read news articles in the terminal and tag each sentence.

Layers, each in its own package:

* :mod:`tui.text` parses articles and splits sentences;
* :mod:`tui.store` keeps annotations in SQLite;
* :mod:`tui.exchange` exports, imports and copies to the clipboard;
* :mod:`tui.ui` is the Textual app, the only layer that imports Textual.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tui-annotate")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"
