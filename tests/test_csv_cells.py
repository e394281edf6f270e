"""The bulk CSV formatter writes exactly what csv.writer writes."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from tui.exchange.csv_cells import csv_cell, csv_lines
from tui.exchange.csv_safety import neutralise

# Text with every character that matters to CSV and to formula neutralising
# (full-width and small forms, white space before a formula), NUL (the
# formatter's own column separator) and some non-ASCII.
TEXT = st.text(alphabet=st.sampled_from(list(',"\r\n\t\x00=+-@\' aZé“\u00a0\uff1d\ufe63')),
               max_size=12)
ROWS = st.lists(st.tuples(st.integers(0, 10**6) | st.just(""), TEXT, TEXT, st.integers(0, 99)),
                max_size=8)


def reference(prefix_cells, rows, neutralise_cells: bool) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        cells = [neutralise(c) if neutralise_cells and i in (1, 2) else c for i, c in enumerate(row)]
        writer.writerow([*prefix_cells, *cells])
    return out.getvalue()


@given(ROWS, st.booleans(), TEXT)
def test_lines_equal_csv_writer(rows, neutralise_cells, title):
    prefix_cells = [7, neutralise(title) if neutralise_cells else title]
    prefix = ",".join(csv_cell(c, neutralise_cells and i == 1) for i, c in enumerate([7, title]))
    assert csv_lines(prefix, rows, frozenset({1, 2}), neutralise_cells) == reference(
        prefix_cells, rows, neutralise_cells)


def test_a_column_with_a_non_text_cell_still_formats():
    assert csv_lines("1", [(1, 5, "a,b"), (2, "x", "=c")], frozenset({1, 2}), True) == (
        '1,1,5,"a,b"\r\n1,2,x,\'=c\r\n')


def test_none_is_an_empty_cell():
    assert csv_cell(None, True) == ""
