"""Exchange with the outside: export, import, clipboard and quote formatting.

No Textual here; the reader passes its OSC 52 copy as the clipboard fallback.
Import the submodules directly (``tui.exchange.export``, ``.importer``,
``.clipboard``, ``.quotes``): the reader must not pay for sqlite-utils
before its first paint.
"""
