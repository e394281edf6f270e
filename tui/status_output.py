"""Printing ``tui status`` rows: an aligned table, TSV or JSON.

Text from files and the database goes through ``printable()`` before it
reaches the terminal (table and TSV); JSON escapes control characters itself.
"""

from __future__ import annotations

import unicodedata

import click

from .store.labels import LABELS
from .text.safe import printable

HEADER = ("title", "outlet", "date", "path", "sentences", *(label.name for label in LABELS),
          "fuzzy", "orphans", "state", "last_opened")
MAX_TITLE = 40


def header_for(rows) -> tuple[str, ...]:
    """HEADER, plus a column for each label another client wrote (``opinion``),
    after ours: such tags are counted, never hidden."""
    known = {label.name for label in LABELS}
    foreign = sorted({name for row in rows for name in row.tagged} - known)
    at = HEADER.index("fuzzy")
    return (*HEADER[:at], *foreign, *HEADER[at:])


def cells(row, header: tuple[str, ...] = HEADER) -> list[str]:
    """A row's cells as text, in ``header`` order."""
    opened = row.last_opened[:16].replace("T", " ") if row.last_opened else "never"
    labels = header[HEADER.index("sentences") + 1:header.index("fuzzy")]
    return [row.title, row.outlet, row.date, row.path,
            "" if row.sentences is None else str(row.sentences),
            *(str(row.tagged.get(name, 0)) for name in labels),
            str(row.fuzzy), str(row.orphans), row.state, opened]


def width(text: str) -> int:
    """Terminal cells taken by ``text`` (wide East Asian characters count two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` cells, with an ellipsis when cut."""
    if width(text) <= limit:
        return text
    out, used = [], 0
    for char in text:
        used += width(char)
        if used > limit - 1:
            break
        out.append(char)
    return "".join(out) + "…"


def print_status(rows, fmt: str) -> None:
    """Echo ``rows`` in ``fmt`` (table, tsv or json)."""
    if fmt == "json":
        # DEL, C1 and bidi controls escaped too (json.dumps leaves them raw),
        # as `tui parse` does: the JSON is meant for a terminal as well.
        from .cli import json_for_terminal

        click.echo(json_for_terminal([row.as_dict() for row in rows]))
        return
    header = header_for(rows)
    table = [[printable(cell) for cell in cells(row, header)] for row in rows]
    if fmt == "tsv":
        # A spreadsheet opens TSV as it opens CSV: a headline or outlet from
        # a file ('=HYPERLINK("http://…?"&A1)') would run as a formula. Such
        # cells get a leading ' as in a CSV export; JSON stays exact.
        from .exchange.csv_safety import neutralise

        click.echo("\t".join(neutralise(printable(name)) for name in header))
        for line in table:
            click.echo("\t".join(neutralise(cell) for cell in line))
        return
    table = [[clip(line[0], MAX_TITLE), *line[1:]] for line in table]
    header = [printable(name) for name in header]
    widths = [max([width(h)] + [width(line[i]) for line in table]) for i, h in enumerate(header)]
    numeric = set(range(header.index("sentences"), header.index("orphans") + 1))
    for line in [header, *table]:
        padded = [(" " * (widths[i] - width(c)) + c) if i in numeric else c + " " * (widths[i] - width(c))
                  for i, c in enumerate(line)]
        click.echo("  ".join(padded).rstrip())
    missing = sum(1 for row in rows if row.state == "missing")
    click.echo(f"{len(rows)} article(s)" + (f", {missing} with no file (tags kept)" if missing else ""),
               err=True)
