"""Going to a long paragraph nobody split yet: it is split in a worker (issue 11).

Splitting runs at ~0.1 s per MB; on the screen thread a jump to a far 5 MB
paragraph froze the reader. The view splits such a paragraph in a thread,
shows the cursor on the paragraph meanwhile, and puts it on the sentence
asked for when the sentences arrive. The threshold is lowered here so a
small paragraph plays the long one; a spy holds the split until the test
has looked at the waiting state.
"""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Static

from tui.store import AnnotationStore
from tui.text import Paragraph, parse_article
from tui.ui import article_view
from tui.ui.app import AnnotateApp
from tui.ui.article_view import ArticleView

LONG_INDEX = 101  # past the paragraphs pre-split around the position (1 + 80)


@pytest.fixture
def article():
    short = "\n\n".join(f"Short paragraph {i}. It has two sentences." for i in range(1, 101))
    long = " ".join(f"Long sentence {i} is here." for i in range(1, 3001))
    return parse_article(f"Title\n\n{short}\n\n{long}\n\nThe end is here.\n")


@pytest.fixture
def held_split(monkeypatch):
    """Make 1,000 characters 'long', and hold splits off the screen thread."""
    monkeypatch.setattr(article_view, "SPLIT_IN_WORKER_CHARS", 1000)
    release = threading.Event()
    threads: list[str] = []
    original = Paragraph.spans

    def spans(self, should_stop=None):
        if self.index == LONG_INDEX:
            threads.append(threading.current_thread().name)
            if threading.current_thread() is not threading.main_thread():
                assert release.wait(30)
        return original(self, should_stop)

    monkeypatch.setattr(Paragraph, "spans", spans)
    yield release, threads
    release.set()


async def _wait_for(pilot, condition) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the split never arrived")


async def test_a_far_long_paragraph_is_split_off_the_screen_thread(
        tmp_path, monkeypatch, article, held_split):
    release, threads = held_split
    monkeypatch.chdir(tmp_path)
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    app = AnnotateApp(store, article=article, exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.screen.query_one(ArticleView)
        await _wait_for(pilot, lambda: view.ready)  # the reader is alive
        view.move_to(LONG_INDEX, 2500)
        await pilot.pause()
        # The cursor is on the paragraph at once, without a sentence yet.
        assert (view.paragraph, view.sentence) == (LONG_INDEX, 1)
        assert view.current_sentence is None
        assert view.sentence_total() is None
        status = str(app.screen.query_one("#status", Static).render())
        assert "¶ 101/102  splitting this paragraph…" in status
        # Keys that move stay answered meanwhile: on to the next paragraph.
        view.next_sentence()
        assert (view.paragraph, view.sentence) == (102, 1)
        view.previous_sentence()  # back to its last sentence, once it is split
        assert view.paragraph == LONG_INDEX and view.current_sentence is None
        release.set()
        await _wait_for(pilot, lambda: view.current_sentence is not None)
        assert view.current_sentence.text == "Long sentence 3000 is here."
        assert view.sentence == 3000
        await pilot.pause()
        status = str(app.screen.query_one("#status", Static).render())
        assert "¶ 101/102  sentence 3000/3000" in status
        view.move_to(LONG_INDEX, 2500)
        assert view.current_sentence.text == "Long sentence 2500 is here."
    store.close()
    assert threads and all(name != threading.main_thread().name for name in threads)


async def test_a_click_in_a_long_paragraph_lands_on_its_sentence_once_split(
        tmp_path, monkeypatch, article, held_split):
    release, threads = held_split
    monkeypatch.chdir(tmp_path)
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    app = AnnotateApp(store, article=article, exports=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.screen.query_one(ArticleView)
        await _wait_for(pilot, lambda: view.ready)  # the reader is alive
        paragraph = article.paragraphs[LONG_INDEX - 1]
        offset = article.body.index("Long sentence 1234 is here.")
        assert paragraph.start < offset < paragraph.end
        view.move_to_offset(offset + 3)
        assert view.paragraph == LONG_INDEX and view.current_sentence is None
        release.set()
        await _wait_for(pilot, lambda: view.current_sentence is not None)
        assert view.current_sentence.text == "Long sentence 1234 is here."
    store.close()
    assert threads and threading.main_thread().name not in threads
