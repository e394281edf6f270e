"""A library scan stops when asked (issue 11: quit answers within a second).

``collect`` polls ``should_stop`` between files and passes it to each
file's sentence count, so a quitting app does not wait for a folder of long
articles to be counted.
"""

from __future__ import annotations

import pytest

from tui.store import AnnotationStore
from tui.store.status import collect
from tui.text import SplitCancelled


def _folder(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(1, 4):
        # Text unique to this test: the segmenter's cache must not answer.
        sentences = " ".join(f"File {number} {tmp_path.name} sentence {i} is here."
                             for i in range(1, 200))
        (folder / f"a{number}.txt").write_text(f"Title {number}\n\n{sentences}\n", encoding="utf-8")
    return folder


def test_a_scan_runs_to_the_end_when_not_stopped(tmp_path):
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    rows = collect(store, _folder(tmp_path), should_stop=lambda: False)
    store.close()
    assert sorted((row.title, row.sentences) for row in rows) == [
        ("Title 1", 199), ("Title 2", 199), ("Title 3", 199)]


@pytest.mark.parametrize("stop_after", [0, 1, 2])
def test_a_scan_stops_at_the_first_poll_that_says_so(tmp_path, stop_after):
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    polls = []

    def should_stop() -> bool:
        polls.append(1)
        return len(polls) > stop_after

    with pytest.raises(SplitCancelled):
        collect(store, _folder(tmp_path), should_stop=should_stop)
    store.close()
    assert len(polls) == stop_after + 1  # nothing polled (nor counted) after the stop


def test_the_stop_is_polled_between_files_not_only_while_counting(tmp_path):
    # Files that cannot be read are never counted: only the poll between
    # files can stop this scan.
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(1, 4):
        (folder / f"b{number}.txt").write_bytes(b"binary\x00file")
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    polls = []
    with pytest.raises(SplitCancelled):
        collect(store, folder, should_stop=lambda: polls.append(1) or len(polls) > 1)
    store.close()
    assert len(polls) == 2


def test_a_file_count_passes_the_stop_on(tmp_path):
    from tui.store.status import file_status

    path = _folder(tmp_path) / "a1.txt"
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    with pytest.raises(SplitCancelled):
        file_status(store, path, should_stop=lambda: True)
    assert file_status(store, path, should_stop=lambda: False).sentences == 199
    store.close()
