"""Exchange with the outside: export, import, clipboard and quote formatting.

No Textual here; the reader passes its OSC 52 copy as the clipboard fallback.
"""

from .clipboard import SYSTEM, TERMINAL, copy_text
from .export import CSV_COLUMNS, iter_rows, write_csv, write_jsonl
from .importer import ImportFormatError, ImportReport, import_file
from .quotes import format_quotes

__all__ = [
    "CSV_COLUMNS",
    "SYSTEM",
    "TERMINAL",
    "ImportFormatError",
    "ImportReport",
    "copy_text",
    "format_quotes",
    "import_file",
    "iter_rows",
    "write_csv",
    "write_jsonl",
]
