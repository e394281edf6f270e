"""tui: read news articles in the terminal and tag each sentence.

Layers, each in its own package:

* :mod:`tui.text` parses articles and splits sentences;
* :mod:`tui.store` keeps annotations in SQLite;
* :mod:`tui.exchange` exports, imports and copies to the clipboard;
* :mod:`tui.ui` is the Textual app, the only layer that imports Textual.

The version comes from the installed package's metadata, looked up only
when asked for (``tui --version``): importing importlib.metadata costs
~80 ms, which every start of the reader would otherwise pay.
"""
