"""Re-anchoring on real news text after newsroom edits: never a wrong sentence.

The small version of bench/reanchor.py, on three Wikinews articles in
tests/fixtures/news (CC BY 2.5, see tests/fixtures/README.md). Every sentence
(then every third) is tagged, the file edited, reopened; the counts per edit
kind are the ones observed, written out, and WRONG is 0 throughout.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "tests" / "fixtures" / "news").glob("*.txt"))


def bench():
    spec = importlib.util.spec_from_file_location("bench_reanchor", ROOT / "bench" / "reanchor.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_reanchor"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# articles, tags, right, WRONG, exact, moved, fuzzy, orphaned, lost (still there but
# edited beyond the threshold)
EVERY_SENTENCE = {
    "typo fixed": [3, 78, 78, 0, 75, 0, 3, 0, 0],
    "number changed": [3, 78, 78, 0, 75, 0, 3, 0, 0],
    "word inserted": [3, 78, 78, 0, 75, 0, 3, 0, 0],
    "sentence added": [3, 78, 78, 0, 73, 5, 0, 0, 0],
    "sentence deleted": [3, 78, 75, 0, 71, 4, 0, 3, 0],
    "sentence rewritten": [3, 78, 75, 0, 74, 1, 0, 3, 3],
    "paragraph moved": [3, 78, 78, 0, 70, 8, 0, 0, 0],
    "paragraph split": [3, 78, 78, 0, 78, 0, 0, 0, 0],
    "headline changed": [3, 78, 78, 0, 78, 0, 0, 0, 0],
}
EVERY_THIRD = {
    "typo fixed": [3, 27, 27, 0, 24, 0, 3, 0, 0],
    "number changed": [3, 27, 27, 0, 25, 0, 2, 0, 0],
    "word inserted": [3, 27, 27, 0, 26, 0, 1, 0, 0],
    "sentence added": [3, 27, 27, 0, 24, 3, 0, 0, 0],
    "sentence deleted": [3, 27, 27, 0, 25, 2, 0, 0, 0],
    "sentence rewritten": [3, 27, 26, 0, 25, 1, 0, 1, 1],
    "paragraph moved": [3, 27, 27, 0, 25, 2, 0, 0, 0],
    "paragraph split": [3, 27, 27, 0, 27, 0, 0, 0, 0],
    "headline changed": [3, 27, 27, 0, 27, 0, 0, 0, 0],
}


@pytest.mark.parametrize("every, expected", [(1, EVERY_SENTENCE), (3, EVERY_THIRD)])
def test_newsroom_edits_never_move_a_tag_to_a_wrong_sentence(every, expected):
    module = bench()
    assert len(ARTICLES) == 3
    table = module.edit_kind_table(ARTICLES, every)
    observed = {kind: [counts.get(c, 0) for c in module.COLUMNS] for kind, counts in table.items()}
    assert all(row[3] == 0 for row in observed.values())  # WRONG
    assert observed == expected
