"""Date lines as newsrooms write them: "Sept" (AP style) in any case, also
before a comma; it was read only as "Sept " with a capital S."""

from __future__ import annotations

from datetime import date

import pytest

from tui.text.dates import normalise_date, parse_date


@pytest.mark.parametrize("line", [
    "Sept 4, 2014", "Sept. 4, 2014", "sept 4, 2014", "SEPT 4 2014", "4 Sept, 2014",
    "4 sept 2014", "Thursday, Sept. 4th, 2014", "4 September 2014",
])
def test_sept_in_any_case_and_before_a_comma(line):
    assert parse_date(line) == date(2014, 9, 4)


def test_a_sept_line_is_stored_as_iso():
    assert normalise_date("4 Sept, 2014") == "2014-09-04"


@pytest.mark.parametrize("line, expected", [
    ("Septembre 4, 2014", None),  # not an English month name
    ("Sep 31, 2014", None),  # no such day
])
def test_other_odd_lines(line, expected):
    assert parse_date(line) == expected
