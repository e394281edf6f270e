"""The reader's search: the query, the match the cursor went to, the count.

The finding is :class:`tui.text.search.ArticleSearch` (case- and
accent-insensitive, block by block); this holds what the status line says
("match 3 of 9", "no match for “x”") and where ``n`` / ``N`` go next, with a
notice when they wrap. On a long article the count, and the first match,
are found on a worker thread: the status line says "searching…" and then
"match 1 of …" until the count is in.
"""

from __future__ import annotations

from functools import partial

from textual.worker import get_current_worker

from ..text.search import ArticleSearch, SearchCancelled
from .keymap import key_of

# Up to this many characters the first match and the count are found at
# once (a few ms); a longer article is searched on a worker thread.
SYNC_CHARS = 1_000_000
# The query as quoted in the status line: at most this many characters.
QUOTED = 40


def quoted(query: str) -> str:
    """The query for the status line (cut if long; the caller makes it printable)."""
    return query if len(query) <= QUOTED else query[:QUOTED - 1] + "…"


class ReaderSearch:
    """One reader's search state; the screen calls in from its search actions."""

    def __init__(self, screen) -> None:
        self._screen = screen
        self.search: ArticleSearch | None = None
        self.current: tuple[int, int] | None = None  # the match the cursor went to
        self.searching = False  # the first match is being looked for (worker)
        self.wrapped = ""  # "start" / "end" after the last jump wrapped, else ""

    @property
    def active(self) -> bool:
        """True while a query is set (the screen clears ``query_text`` on Escape)."""
        return self.search is not None and bool(self._screen.query_text)

    def start(self, query: str) -> None:
        """Search the article for ``query`` and go to the first match after the cursor."""
        screen = self._screen
        article = screen.article
        search = ArticleSearch(article.body, article.paragraphs.starts,
                               article.paragraphs.ends, query)
        self.search, self.current, self.wrapped = search, None, ""
        if not search.needle:
            screen.query_text = ""
            self.search = None
            screen.view.set_search(None)
            screen._say("Nothing to search for (the query folds to nothing).")
            return
        screen.view.set_search(search)
        if len(article.body) <= SYNC_CHARS:
            search.count()
            screen.action_next_match()
            return
        self.searching = True
        origin = self._origin(forward=True)
        screen.run_worker(partial(self._search_worker, search, origin or 0), thread=True,
                          group="search",
                          exclusive=True, exit_on_error=False,
                          description="search the article")

    def _search_worker(self, search: ArticleSearch, origin: int) -> None:
        """First match after the cursor, shown at once; then the count."""
        worker = get_current_worker()
        app = self._screen.app

        def stop() -> bool:
            # A thread cannot be killed: it stops itself once the search is
            # replaced, cleared (Escape) or the app quits.
            return (worker.is_cancelled or search is not self.search
                    or not self._screen.query_text)

        search.next_after(origin)  # its blocks are cached for the jump itself
        if stop():
            return
        app.call_from_thread(self._first_found, search)
        try:
            search.count(should_stop=stop)
        except SearchCancelled:
            return
        app.call_from_thread(self._counted, search)

    def _first_found(self, search: ArticleSearch) -> None:
        if search is not self.search or not self._screen._alive():
            return
        self.searching = False
        self._screen.action_next_match()

    def _counted(self, search: ArticleSearch) -> None:
        if search is self.search and self._screen._alive():
            self._screen._update_status()

    def _origin(self, forward: bool) -> int | None:
        """Where a jump starts: just past the current match if the cursor is still
        on its sentence, else after (before) the cursor's sentence."""
        view = self._screen.view
        sentence = view.current_sentence
        if sentence is None:
            return None
        current = self.current
        if current is not None and sentence.start <= current[0] < sentence.end:
            return current[0] + 1 if forward else current[0]
        return sentence.end if forward else sentence.start

    def jump(self, forward: bool) -> None:
        """Go to the next (previous) match; say so when it wraps round."""
        screen = self._screen
        if not self.active:
            screen._say(f"No search yet: press {key_of(screen.app, 'reader.search')} to search.")
            return
        if self.searching:
            screen._say("Still searching…")
            return
        origin = self._origin(forward)
        if origin is None:
            return
        search = self.search
        match, wrapped = (search.next_after(origin) if forward
                          else search.previous_before(origin))
        if match is None:
            self.current, self.wrapped = None, ""
            screen._say(f"No match for “{quoted(search.query)}”")
            screen._update_status()
            return
        self.current = match
        self.wrapped = ("start" if forward else "end") if wrapped else ""
        screen.view.move_to_offset(match[0])
        if wrapped:
            screen._say(f"Search wrapped to the {self.wrapped}.")
        screen._update_status()

    def status(self) -> str:
        """The search's part of the status line ("" without a search)."""
        if not self.active:
            return ""
        search = self.search
        query = quoted(search.query)
        if self.searching:
            return f"  /{query} searching…"
        total = search.total
        if total == 0:
            return f"  no match for “{query}”"
        if self.current is None:
            return f"  /{query} {total if total is not None else 'counting…'} match(es)"
        rank = search.rank(self.current)
        # Until the worker has counted: "match … of …".
        where = (f"match {rank if rank is not None else '…'} "
                 f"of {total if total is not None else '…'}")
        wrapped = f" (wrapped to the {self.wrapped})" if self.wrapped else ""
        return f"  /{query} {where}{wrapped}"
