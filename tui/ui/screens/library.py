"""The library: a folder's articles as a work queue.

Rows come from :mod:`tui.store.library` (a cached scan on top of
tui/store/status.py, the same rows as ``tui status``): files the cache
vouches for show at once, new or changed ones are read in short steps on
the store thread while the list is already usable, with a progress bar.

Keys: Enter opens; ``/`` filters on title and outlet; ``f`` cycles the
state filter (all, untouched, in progress, done); ``s`` cycles the sort
(path, title, date, outlet, progress, last opened), ``S`` reverses it;
``d`` marks the article done (or not); ``i`` / ``I`` summarise the article /
the library (this coder's tags and notes, as everywhere). The sort, the filters and the selected file are remembered per
folder in the database (``library_views``), so they follow the database
(``--db``) rather than the machine. Untouched: no tag and not done; in
progress: tagged, not done; done: marked done.

Keys typed before the list is usable (no row shown yet, or the filter box
not mounted) are kept in order and applied once it is, as the reader does
with keys typed before its database opens: ``j j Enter`` typed at launch
opens the third article, ``/word`` filters on "word".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from ...store import LABELS, StoreError
from ...text import ArticleError, load_article
from ...text.safe import printable
from ..footer_order import HelpAndQuitFirst
from ..keymap import key_of
from ..library_table import Line, Lines, LibraryTable
from ..store_calls import one_line
from ..key_order import pass_on, run_binding
from .modals import OrderedInput

if TYPE_CHECKING:  # the store's modules load sqlite-utils: not before the first paint
    from ...store.status_row import StatusRow

SORTS = ("path", "title", "date", "outlet", "progress", "opened")
SORT_NAMES = {"path": "File", "title": "Title", "date": "Date", "outlet": "Outlet",
              "progress": "Progress", "opened": "Last opened"}
SHOWS = ("all", "untouched", "in progress", "done")
# Rows are re-sorted and redrawn at most this often while a scan runs (seconds):
# each redraw sorts and counts every row (~10 ms at 10,000).
REDRAW_EVERY = 0.5
# With cached rows shown, the scan starts this long after (seconds; see _peeked).
SCAN_AFTER_ROWS_S = 0.15
# A first launch reads files for this long before the store opens, to show rows at once.
FIRST_ROWS_S = 0.05
# ... and starts helper processes then if at least this many files are left (tui.store.library).
POOL_MIN_FILES = 64
_fallback_lock = threading.Lock()


def find_articles(folder: Path) -> list[Path]:
    """The ``.txt`` files below ``folder``, sorted by path."""
    from ...store.status import find_articles as found

    return found(folder)


def work_state(row: StatusRow) -> str:
    """untouched, in progress or done."""
    if row.done:
        return "done"
    return "in progress" if sum(row.tagged.values()) else "untouched"


# How often the list asks whether another window wrote (seconds).
POLL_EVERY_S = 1.0


def store_call(app, job: Callable[..., Any], *args: Any, done: Callable[[Any], None] | None = None,
               what: str = "Library", failed: Callable[[Exception], None] | None = None,
               opens: bool = True) -> None:
    """Run ``job(store, *args)`` off the UI thread, one store call at a time; ``done(result)`` on it.

    Through the app's store thread when it has one (``app.store_calls``),
    else a thread worker serialised by a lock. A StoreError becomes one
    notification line. ``opens`` False: ``job(*args)``, before (without)
    opening the store, in its place in the queue.
    """
    def call(*a: Any) -> Any:
        return job(app.get_store(), *a) if opens else job(*a)

    calls = getattr(app, "store_calls", None)
    if calls is not None:
        calls.call(call, *args, done=done, what=what, needs_store=False, failed=failed)
        return

    def run() -> None:
        with _fallback_lock:
            try:
                result = call(*args)
            except StoreError as exc:
                app.call_from_thread(app.notify, one_line(f"{what}: {exc}"), severity="error",
                                     markup=False)
                if failed is not None:
                    app.call_from_thread(failed, exc)
                return
        if done is not None:
            app.call_from_thread(done, result)

    app.run_worker(run, thread=True, group="library-store")


def _store_api(name: str) -> Callable[..., Any]:
    """``tui.store.library.<name>``, imported when called (on the store's thread)."""

    def call(store, *args: Any) -> Any:
        from ...store import library

        return getattr(library, name)(store, *args)

    return call


def overall_counts(rows: list[StatusRow]) -> tuple[dict[str, int], dict[str, int]]:
    """Articles done / in progress / untouched, and tags per label, over ``rows``."""
    states = {"done": 0, "in progress": 0, "untouched": 0}
    per_label: dict[str, int] = {}
    for row in rows:
        tagged = sum(row.tagged.values())
        states["done" if row.done else "in progress" if tagged else "untouched"] += 1
        if tagged:  # most rows of a large library are untouched: nothing to add
            for name, count in row.tagged.items():
                per_label[name] = per_label.get(name, 0) + count
    return states, per_label


class FilterBox(OrderedInput):
    """The filter box: Enter keeps the filter and gives the keys back to the list
    at once, so the keys typed after it go there (see OrderedInput)."""

    async def action_submit(self) -> None:
        """Enter: keep the filter (the screen's, now rather than by a message)."""
        screen = self.screen
        if hasattr(screen, "filter_kept"):
            screen.filter_kept()


class LibraryScreen(HelpAndQuitFirst, Screen):
    """Lists a folder's articles; Enter opens one in the reader."""

    BINDINGS = [
        # Not a priority key: it goes through the focused filter box (Enter
        # closes it) and keeps its place among keys typed before it.
        Binding("enter", "open", "Open", id="library.open"),
        Binding("slash", "filter", "Filter", id="library.filter"),
        Binding("f", "show", "State filter", id="library.show"),
        Binding("s", "sort", "Sort", id="library.sort"),
        Binding("S", "reverse", "Reverse", show=False, id="library.reverse"),
        Binding("d", "done", "Done", id="library.done"),
        Binding("i", "summary", "Summary", id="library.summary"),
        Binding("I", "library_summary", "Library summary", show=False,
                id="library.summary.all"),
        Binding("r", "reload", "Reload", show=False, id="library.reload"),
        Binding("escape", "clear_filter", "Clear filter", show=False,
                id="library.clear_filter"),
        Binding("question_mark", "help", "Help", id="library.help"),
    ]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.rows: list[StatusRow] = []
        self.shown: list[StatusRow] = []
        self.sort, self.descending, self.show, self.text_filter = "path", False, "all", ""
        self.selected = ""  # path of the selected row (remembered)
        self.scanning = True  # until the first scan has finished (it starts at mount)
        self._status_shown = ""  # the overall line as drawn (see _status)
        self._early_counts: tuple[dict[str, int], dict[str, int]] | None = None
        self._scan_running = False  # a scan is under way
        self.parsed = 0
        self._scan = None
        self._drawn_at = 0.0
        self._draw_cost = 0.0
        self._save_timer = None
        self._view_loaded = False
        self._listed = False  # the first scan has finished
        # Rows shown from the cache before the store opened, by path: the scan
        # replaces them one by one (see _peeked).
        self._early: dict[str, int] = {}
        # Keys typed before the list is usable: (key, character), in order.
        self._typed: list[tuple[str, str | None]] = []
        self._usable = False
        self._releasing = False
        self._mounted_later = False
        self._scan_ended = False  # the first scan finished or failed
        self._closed = False

    def compose(self) -> ComposeResult:
        yield Static(Content.from_markup("[b]Library[/b]  [dim]$folder[/dim]",
                                         folder=printable(str(self.folder))),
                     id="library-header")
        yield LibraryTable(id="library")
        # The cached rows `tui read` read before Textual loaded (see on_mount).
        self._found_early = None
        db_path = getattr(self.app, "_db_path", None)
        if self.app.store is None and db_path is not None:
            from ...store.library_peek import take_early

            self._found_early = take_early(db_path, self.folder)
        text = "Loading articles…"
        if self._found_early is not None and self._found_early[0]:
            # The overall line of the cached rows, in the first frame: set in
            # on_mount (update without layout, before the first layout) it
            # was blank until the next frame.
            # (counted once: the first redraw of these same rows reuses the counts)
            self._early_counts = overall_counts(self._found_early[0])
            text = self._status_text(self._found_early[0], self._early_counts)
        self._status_shown = text
        yield Static(Content(text), id="library-status")
        # The filter box, the progress bar and the Footer come after the first
        # frame (as in the reader): the list's first paint does not wait for them.
        yield Static(id="footer-slot")

    async def _mount_later(self) -> None:
        if not self.is_attached:  # quit before the first refresh: nothing to add to
            return
        # Imported here, after the first frame, as they are mounted.
        from textual.widgets import Footer, ProgressBar

        clear = key_of(self.app, "library.clear_filter")  # as the user's keymap bound it
        await self.mount(FilterBox(placeholder=f"filter title or outlet (Enter keeps, {clear} clears)",
                                   id="library-filter", compact=True),
                         ProgressBar(id="library-progress", show_eta=False),
                         before=self.query_one("#library-status"))
        self.query_one("#library-filter").display = False
        self.query_one("#library-progress").display = self._scan is not None and self.scanning \
            and self._scan.parsed > 0
        slot = self.query_one("#footer-slot")
        await self.mount(Footer(), before=slot)
        await slot.remove()
        self.refresh_bindings()
        self._mounted_later = True
        self._maybe_usable()

    @property
    def table(self) -> LibraryTable:
        """The list widget."""
        return self.query_one(LibraryTable)

    def on_mount(self) -> None:
        """Scan the folder without blocking the screen."""
        self.table.focus()
        # Another window (or `tui import`) may write meanwhile: the rows follow
        # within about a second (SQLite's data_version, as the reader does).
        self._polling = False
        self._data_version: int | None = None
        self.set_interval(POLL_EVERY_S, self._poll_data_version)
        db_path = getattr(self.app, "_db_path", None)
        if self.app.store is None and db_path is not None:
            # The cached rows first; the scan starts once they are drawn (its
            # imports would compete with them for the GIL). `tui read` began
            # reading them before Textual loaded: usually they are here, and
            # the first frame shows them.
            early = self._found_early
            if early is not None:
                self._peeked(*early)
            else:
                self.run_worker(lambda: self._peek(db_path), thread=True, group="library-peek")
        else:
            # After the first frame: the store's imports (sqlite-utils) would
            # hold the GIL while the screen is being painted.
            self.call_after_refresh(self.start_scan)
        if self.rows:
            # A first frame full of rows is large: let Textual's writer thread
            # send it before mounting more (which holds the GIL); keys typed
            # meanwhile are kept.
            self.set_timer(SCAN_AFTER_ROWS_S, self._mount_later)
        else:
            self.call_after_refresh(self._mount_later)

    # -- keys typed before the list is usable ---------------------------------

    async def on_key(self, event: events.Key) -> None:
        """Until the list is usable, every key that reaches the screen is kept.

        Bindings act when a key has bubbled up to the app, so a key stopped
        here acts only when replayed (:meth:`_replay_typed`). Once usable, a
        key's binding runs here, in the order typed: the app would run it
        behind the keys typed after it in the same burst (SSH, tmux), and
        `/ rus Enter Enter c` lost the filter, the article and the tag.
        """
        if not self._usable:
            self._typed.append((event.key, event.character))
            event.stop()
            event.prevent_default()
            return
        box = self._filter_box()
        if self.app.screen is not self or (box is not None and self.focused is box
                                           and event not in box.seen):
            # Behind a key that opened the reader or the filter box: theirs.
            pass_on(self.app, event)
            return
        if await run_binding(self, event.key):
            event.stop()
            event.prevent_default()

    def _maybe_usable(self) -> None:
        """The first rows are shown (or there are none), in the remembered view, and
        the filter box is mounted: replay the kept keys, then let keys act as they come."""
        if (self._usable or self._releasing or not self._mounted_later
                or not (self.rows or self._scan_ended)
                or not (self._view_loaded or self._scan_ended)):
            return
        self._releasing = True
        # On the screen's own queue, after any key already on its way here
        # (those are kept too, so the order typed is the order applied).
        self.call_later(self._replay_typed)

    async def _replay_typed(self) -> None:
        while self._typed:
            if not self.is_current:
                # A kept key opened another screen: the rest go to it, in order.
                for key, character in self._typed:
                    self.app.post_message(events.Key(key, character))
                self._typed = []
                break
            key, character = self._typed.pop(0)
            await self._apply_key(key, character)
        self._usable = True

    async def _apply_key(self, key: str, character: str | None) -> None:
        """What the key would have done: its binding (keymap applied, from the
        focused widget up, as Textual looks it up), else text for the filter box."""
        if await run_binding(self, key, priority=True):
            return
        focused = self.focused
        if isinstance(focused, Input) and character is not None and character.isprintable():
            focused.insert_text_at_cursor(character)

    def on_unmount(self) -> None:
        """Leaving (the app quits): a scan's helper processes end now."""
        self._closed = True
        if self._scan is not None:
            self._scan.close()

    def _alive(self) -> bool:
        """False once the screen is going (a store call's answer may come after)."""
        return not self._closed and bool(self.query("#library"))

    # -- scanning ------------------------------------------------------------

    def start_scan(self) -> None:
        """Read the remembered view, then scan the folder in steps."""
        if self._scan_running:
            return
        self._scan_running = self.scanning = True
        folder = self.folder
        first = not self.rows  # nothing cached was shown: likely a first launch
        found = []

        def walk():
            # Before the store opens (its imports take a few tenths of a
            # second): find the files; on a first launch read the first ones,
            # shown at once, and start the helper processes that read the
            # rest, so they load while the database opens.
            from ...store.library_parse import prelude

            found.append(prelude(folder, FIRST_ROWS_S if first else 0.0,
                                 POOL_MIN_FILES if first else None))
            return found[0].rows

        def begin(store):
            # Imported here, on the store's thread: sqlite-utils takes a few
            # tenths of a second to load, which the screen need not wait for.
            from ...store.library import FolderScan, load_view

            scan = FolderScan(folder)
            view = load_view(store, folder)
            scan.begin(store, found[0] if found else None)
            return scan, view

        store_call(self.app, walk, done=self._first_rows, failed=self._scan_failed, opens=False)
        store_call(self.app, begin, done=self._begun, failed=self._scan_failed)

    def _first_rows(self, rows: list[StatusRow]) -> None:
        """A first launch: the first files, read before the store opened (replaced
        as the scan checks them)."""
        if not self._alive():
            return
        if not rows or self.rows:
            return
        self.rows = list(rows)
        self._early = {row.path: index for index, row in enumerate(self.rows)}
        self.redraw()
        self._maybe_usable()

    def _scan_failed(self, _exc: Exception) -> None:
        """The database could not be read: the list stays as it is; r tries again."""
        if not self._alive():
            return
        self._scan_running = self.scanning = False
        self._scan_ended = True
        self.redraw()
        self._maybe_usable()

    def _peek(self, db_path: Path) -> None:
        from ...store.library_peek import peek, take_early

        try:
            found = take_early(db_path, self.folder)
            rows, view = found if found is not None else peek(db_path, self.folder)
        except Exception:  # noqa: BLE001  (only a head start: the scan will list them)
            rows, view = [], None
        self.app.call_from_thread(self._peeked, rows, view)

    def _peeked(self, rows: list[StatusRow], view: dict[str, Any] | None) -> None:
        """Rows from the cache, shown until the scan has checked each file; then the scan."""
        if not self._alive():
            return
        if rows:
            # The scan's first work (sqlite-utils' imports) holds the GIL: it
            # would hold up Textual's writer thread, which sends this frame
            # (tens of KB) to the terminal in pieces. Let it go out first.
            self.set_timer(SCAN_AFTER_ROWS_S, self.start_scan)
        else:
            self.call_after_refresh(self.start_scan)
        if (view is not None and view["sort"] in SORTS and view["show"] in SHOWS
                and not self._view_loaded):
            self._apply_view(view)  # even with no rows: keys typed meanwhile act on it
        elif rows and view is None:
            self._view_loaded = True  # read, and none remembered: the defaults
        if not rows or self.rows or self._listed:
            return
        early = self._found_early
        counts = self._early_counts if early is not None and rows is early[0] else None
        self.rows = list(rows)
        self._early = {row.path: index for index, row in enumerate(self.rows)}
        self.redraw(counts)
        self._maybe_usable()

    def _apply_view(self, view: dict[str, Any]) -> None:
        self.sort, self.descending = view["sort"], view["descending"]
        self.show, self.selected = view["show"], view["selected"]
        self._view_loaded = True

    def _begun(self, begun) -> None:
        if not self._alive():
            begun[0].close()  # its helper processes end
            return
        self._scan, view = begun
        if not self._view_loaded:  # a reload keeps the user's current view
            self._apply_view(view)
        if self.rows and not self._early:
            # A reload: the list stays, each row replaced as its file is checked.
            self._early = {row.path: index for index, row in enumerate(self.rows)}
        self.redraw()  # in the remembered order
        self._maybe_usable()
        self._step()

    def _step(self) -> None:
        # The first step is short: the first rows show as soon as possible.
        seconds = 0.05 if not self.rows else 0.15
        store_call(self.app, lambda store: self._scan.step(store, seconds), done=self._stepped,
                   failed=self._scan_failed)

    def _stepped(self, found: list[StatusRow]) -> None:
        if not self._alive():
            return
        scan = self._scan
        if self._early:
            for row in found:
                index = self._early.get(row.path)
                if index is None:
                    self._early[row.path] = len(self.rows)
                    self.rows.append(row)
                else:
                    self.rows[index] = row
        else:
            self.rows.extend(found)
        # Redrawing sorts and counts every row (~10 ms for 10,000), and the
        # bar's percentage is a layout pass: not so often that it slows the
        # scan down.
        if (time.perf_counter() - self._drawn_at > max(REDRAW_EVERY, 4 * self._draw_cost)
                or scan.finished or not self._usable):
            for bar in self.query("#library-progress").results():  # (a ProgressBar)
                bar.update(total=max(1, scan.total), progress=scan.done)
                # The bar shows only while files are being read (a cached
                # launch is instant). Set only when it changes: a layout pass.
                shown = scan.parsed > 0 and not scan.finished
                if bar.display != shown:
                    bar.display = shown
            self.redraw()
            self._maybe_usable()
        if scan.finished:
            store_call(self.app, lambda store: scan.finish(store), done=self._finished,
                       failed=self._scan_failed)
        else:
            self._step()

    def _finished(self, rows: list[StatusRow]) -> None:
        if not self._alive():
            return
        self.rows = list(rows)
        self._early = {}
        self._listed = True
        self._scan_running = False
        self.parsed = self._scan.parsed
        self.scanning = False
        for bar in self.query("#library-progress"):
            bar.display = False
        self._scan_ended = True
        self.redraw()
        self._maybe_usable()
        if self.app.open_single and len(self.rows) == 1 and self._openable(self.rows[0]):
            self.app.open_single = False
            self.open_row(self.rows[0])

    def _poll_data_version(self) -> None:
        """About once a second: another window or program wrote? Refresh the rows."""
        if self._polling or self.scanning or not self.rows or not self.is_current:
            return
        self._polling = True

        def changed(store) -> bool:
            version = store.data_version()
            seen, self._data_version = self._data_version, version
            return seen is not None and version != seen

        def then(was_changed: bool) -> None:
            self._polling = False
            if was_changed:
                self.on_screen_resume()

        store_call(self.app, changed, done=then, failed=lambda _exc: setattr(self, "_polling", False))

    def on_screen_resume(self) -> None:
        """Coming back from the reader, or another window wrote: refresh the counts."""
        if self.rows and not self.scanning:
            def again(store):
                from ...store.status import file_status, refresh

                # Articles opened or marked for the first time now have a record.
                recorded = {path for (path,) in store.db.conn.execute("SELECT path FROM articles")}
                for index, row in enumerate(self.rows):
                    if row.article_id is None and row.state == "new" and row.path in recorded:
                        self.rows[index] = file_status(store, Path(row.path))
                refresh(store, self.rows)

            store_call(self.app, again, done=lambda _r: self.redraw())

    # -- showing -------------------------------------------------------------

    def _sort_key(self) -> Callable[[StatusRow], Any]:
        """The key the current sort orders rows by, before their path (which
        breaks ties: see _filtered). A function per sort, not a test of
        ``self.sort`` per row: 10,000 rows are sorted before the first frame."""
        if self.sort == "title":
            return lambda row: row.title.casefold()
        if self.sort == "date":
            # Dates are read as ISO (YYYY-MM-DD: text order is date order);
            # one the parser did not know keeps its text and sorts after them.
            return lambda row: (not row.date[:4].isdigit(), row.date)
        if self.sort == "outlet":
            return lambda row: row.outlet.casefold()
        if self.sort == "progress":
            def progress(row: StatusRow) -> tuple[float, int]:
                tagged = sum(row.tagged.values())
                return (tagged / row.sentences if row.sentences else 0.0, tagged)

            return progress
        if self.sort == "opened":
            return attrgetter("last_opened")
        # Articles whose file is gone come last.
        return lambda row: row.state == "missing"

    def _filtered(self) -> list[StatusRow]:
        """The rows the filters let through, in the current order."""
        query = self.text_filter.casefold()
        if self.show == "all" and not query:
            shown = list(self.rows)
        else:
            shown = [row for row in self.rows
                     if (self.show == "all" or work_state(row) == self.show)
                     and (not query or query in row.title.casefold()
                          or query in row.outlet.casefold())]
        # By path, then (stable, so the path order stays among equals) by
        # the sort's own key: the same order as sorting by (key, path), a
        # third faster than building that tuple for each of 10,000 rows.
        shown.sort(key=attrgetter("path"), reverse=self.descending)
        shown.sort(key=self._sort_key(), reverse=self.descending)
        return shown

    def redraw(self, counts: tuple[dict[str, int], dict[str, int]] | None = None) -> None:
        """Filter, sort and show the rows; the cursor stays on its article.

        ``counts``: :func:`overall_counts` of ``self.rows`` when the caller has them."""
        started = time.perf_counter()
        shown = self.shown = self._filtered()
        table = self.table
        current = table.cursor_key or self.selected
        table.sort_label = f"{SORT_NAMES[self.sort]} {'▼' if self.descending else '▲'}"
        # Only the lines drawn are formatted (Lines makes each when first drawn).
        table.set_lines(Lines([row.path for row in shown], lambda index: self._line(shown[index])),
                        keep=current or self.selected)
        self._status(counts)
        self._drawn_at = time.perf_counter()
        self._draw_cost = self._drawn_at - started

    def _line(self, row: StatusRow) -> Line:
        opened = (row.last_opened or "never")[:16].replace("T", " ")
        if len(opened) == 16:
            opened = opened[5:]  # 11-27 07:00: the year is rarely news
        state = row.error if row.state == "unreadable" else row.state
        return Line(row.path, printable(row.title), printable(row.date), printable(row.outlet),
                    sum(row.tagged.values()), row.sentences, printable(state), opened, row.done,
                    bad=not self._openable(row),
                    unsettled=f"{row.fuzzy}/{row.orphans}" if row.fuzzy or row.orphans else "")

    def _status(self, counts: tuple[dict[str, int], dict[str, int]] | None = None) -> None:
        # One line, fixed height (app.tcss): no layout pass (80 ms a time at 10,000 rows).
        text = self._status_text(counts=counts)
        if text != self._status_shown:  # unchanged: not redrawn (nor blanked before the first layout)
            self._status_shown = text
            self.query_one("#library-status", Static).update(Content(text), layout=False)

    def _status_text(self, rows: list[StatusRow] | None = None,
                     counts: tuple[dict[str, int], dict[str, int]] | None = None) -> str:
        """The overall line for ``rows`` (default: the library's rows);
        ``counts``: their :func:`overall_counts`, if already counted."""
        rows = self.rows if rows is None else rows
        states, per_label = overall_counts(rows) if counts is None else counts
        # Label marks (C, Q, B) keep the line within 80 columns; foreign labels by name.
        known = [(label.mark, per_label.get(label.name, 0)) for label in LABELS]
        foreign = [(name, count) for name, count in sorted(per_label.items())
                   if name not in {label.name for label in LABELS}]
        labels = " ".join(f"{printable(mark)} {count}" for mark, count in known + foreign)
        parts = [f"done {states['done']} · in progress {states['in progress']} · "
                 f"untouched {states['untouched']}",
                 f"tagged {sum(per_label.values())}: {labels}"]
        if self.show != "all" or self.text_filter:
            parts.append(f"{len(self.shown)}/{len(rows)} shown: {self.show}"
                         + (f" “{printable(self.text_filter)}”" if self.text_filter else ""))
        elif self.scanning:
            parts.append(f"{len(rows)} found")
        else:
            parts.append(f"{len(rows)} articles")
        if self.scanning:
            parts.insert(0, "scanning…")
        return " │ ".join(parts)

    # -- keys ----------------------------------------------------------------

    def _current(self) -> StatusRow | None:
        table = self.table
        if self.shown and 0 <= table.cursor_row < len(self.shown):
            return self.shown[table.cursor_row]
        return None

    def _filter_box(self) -> Input | None:
        found = self.query("#library-filter").results(Input)
        return next(iter(found), None)

    def action_open(self) -> None:
        """Open the selected article (Enter in the filter box just closes it)."""
        box = self._filter_box()
        if box is not None and box.has_focus:
            box.display = False
            self.set_focus(self.table)
            return
        row = self._current()
        if row is not None:
            self.open_row(row)

    def on_library_table_chosen(self, event: LibraryTable.Chosen) -> None:
        """A click on the selected row opens it."""
        self.action_open()

    def on_library_table_moved(self, event: LibraryTable.Moved) -> None:
        """Remember the selection (a moment after the cursor stops)."""
        row = self._current()
        if row is not None:
            self.selected = row.path
            self._save_soon()

    @staticmethod
    def _openable(row: StatusRow) -> bool:
        return row.state not in ("missing", "unreadable")

    def open_row(self, row: StatusRow) -> None:
        """Open one article in the reader (re-read: the file may have changed)."""
        if row.state == "missing":
            self.notify(one_line(f"{row.title}: its file is gone ({row.path}); "
                                 "its tags are kept (tui status, tui export)."),
                        severity="warning", markup=False)
            return
        try:
            article = load_article(row.path)
        except ArticleError as exc:
            self.notify(one_line(str(exc)), severity="error", markup=False)
            return
        self.selected = row.path
        self._save_view()
        self.app.open_reader(article)

    def next_after(self, path: str) -> StatusRow | None:
        """The openable row after ``path`` in the current order (None at the end)."""
        paths = [row.path for row in self.shown]
        start = paths.index(path) + 1 if path in paths else 0
        for row in self.shown[start:]:
            if self._openable(row):
                return row
        return None

    def action_filter(self) -> None:
        """Show the filter box (title and outlet)."""
        box = self._filter_box()
        if box is None:
            return
        box.display = True
        # Now, not after the next frame: a key typed (or replayed) right after
        # `/` goes into the box.
        self.set_focus(box)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as the user types."""
        self.text_filter = event.value
        self.redraw()
        self._save_soon()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter keeps the filter and returns to the list."""
        self.filter_kept()

    def filter_kept(self) -> None:
        """Enter in the filter box: keep the filter, back to the list (at once)."""
        box = self._filter_box()
        if box is not None:
            box.display = False
        self.set_focus(self.table)

    def action_clear_filter(self) -> None:
        """Escape: clear the text filter (and close its box)."""
        box = self._filter_box()
        if box is None:
            return
        box.display = False
        if box.value:
            box.value = ""  # posts Changed: redraws
        self.text_filter = ""
        self.set_focus(self.table)
        self.redraw()

    def action_show(self) -> None:
        """Cycle the state filter: all, untouched, in progress, done."""
        self.show = SHOWS[(SHOWS.index(self.show) + 1) % len(SHOWS)]
        self.redraw()
        self._save_view()

    def action_sort(self) -> None:
        """Cycle the sort: path, title, date, outlet, progress, last opened."""
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.redraw()
        self._save_view()

    def action_reverse(self) -> None:
        """Reverse the order."""
        self.descending = not self.descending
        self.redraw()
        self._save_view()

    def action_done(self) -> None:
        """Mark the selected article done, or not done."""
        row = self._current()
        if row is None or not self._openable(row):
            self.notify("Only an article with a readable file can be marked done.", markup=False)
            return
        self.toggle_done(row)

    def toggle_done(self, row: StatusRow, done: bool | None = None) -> None:
        """Set the done mark of ``row`` (flip it when ``done`` is None); redraw when saved."""
        wanted = not row.done if done is None else done
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")

        def saved(_row) -> None:
            self.redraw()
            self.notify(one_line(f"{row.title}: {'done' if wanted else 'not done'}"), markup=False)

        store_call(self.app, _store_api("set_done"), row, wanted, stamp, done=saved,
                   what="Not marked")

    def action_summary(self) -> None:
        """Counts of the selected article."""
        from .summary import Summary, SummaryScreen

        row = self._current()
        if row is None:
            return
        tagged = sum(row.tagged.values())
        total = row.sentences or 0

        def show(notes: int) -> None:
            labels = [(name, count, total) for name, count in row.tagged.items()]
            extra = [("fuzzy", row.fuzzy, tagged), ("orphaned", row.orphans, tagged + row.orphans)]
            self.app.push_screen(SummaryScreen(Summary(
                row.title, [("Tagged sentences", [("tagged", tagged, total)]),
                            ("Per label", labels), ("Anchors", extra)], notes)))

        if row.article_id is None:
            show(0)
        else:
            store_call(self.app, _store_api("notes_count"), row.article_id, done=show)

    def action_library_summary(self) -> None:
        """Counts of the whole library."""
        from .summary import Summary, SummaryScreen

        rows = list(self.rows)
        states = {"done": 0, "in progress": 0, "untouched": 0}
        per_label: dict[str, int] = {}
        for row in rows:
            states[work_state(row)] += 1
            for name, count in row.tagged.items():
                per_label[name] = per_label.get(name, 0) + count
        total = sum(row.sentences or 0 for row in rows)
        tagged = sum(per_label.values())

        def show(notes: int) -> None:
            self.app.push_screen(SummaryScreen(Summary(
                f"Library: {self.folder}",
                [("Articles", [(name, count, len(rows)) for name, count in states.items()]),
                 ("Tagged sentences", [("tagged", tagged, total)]),
                 ("Per label", [(name, count, tagged) for name, count in per_label.items()])],
                notes)))

        ids = [row.article_id for row in rows if row.article_id is not None]
        store_call(self.app, _store_api("notes_count"), None, ids, done=show)

    def action_reload(self) -> None:
        """Scan the folder again (only new or changed files are read)."""
        self.start_scan()

    def action_help(self) -> None:
        """Show the library's and the reader's keys."""
        from ..article_view import ArticleView
        from .help import HelpScreen
        from .reader import ReaderScreen

        self.app.push_screen(HelpScreen([*self.BINDINGS, *LibraryTable.BINDINGS],
                                        ("In the reader", [*ReaderScreen.BINDINGS,
                                                           *ArticleView.BINDINGS])))

    # -- remembering ---------------------------------------------------------

    def _save_soon(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(0.5, self._save_view)

    def _save_view(self) -> None:
        store_call(self.app, _store_api("save_view"), self.folder, self.sort, self.descending,
                   self.show, self.selected, what="View not remembered")


def _library_of(reader) -> LibraryScreen | None:
    for screen in reversed(reader.app.screen_stack):
        if isinstance(screen, LibraryScreen):
            return screen
    return None


def reader_toggle_done(reader) -> None:
    """``D`` in the reader: mark its article done (or not)."""
    doc = getattr(reader, "doc", None)
    if doc is None:
        reader.notify("The database is not open yet.", markup=False)
        return
    path = str(Path(doc.article.path).resolve())
    library = _library_of(reader)
    row = next((r for r in library.rows if r.path == path), None) if library else None
    if row is None or row.article_id != doc.id:
        from ...store.status_row import StatusRow

        row = StatusRow(doc.article.title, doc.article.source, doc.article.date, path, None,
                        article_id=doc.id)

    def flip(store):
        from ...store.library import set_done
        from ...store.status import conn_row as record

        found = record(store, doc.id)
        wanted = not (found and found.get("done_at"))
        set_done(store, row, wanted, datetime.now(timezone.utc).isoformat(timespec="seconds"))
        return wanted

    def saved(wanted: bool) -> None:
        reader.notify(f"Marked {'done' if wanted else 'not done'}.", markup=False)
        if library is not None:
            library.redraw()

    store_call(reader.app, flip, done=saved, what="Not marked")


def reader_next_article(reader) -> None:
    """The next-article key in the reader: the next article of the library's order."""
    library = _library_of(reader)
    if library is None:
        reader.notify("No library behind this article.", markup=False)
        return
    path = str(Path(reader.article.path).resolve()) if getattr(reader, "article", None) else ""
    following = library.next_after(path)
    if following is None:
        reader.notify("This is the last article of the list.", markup=False)
        return
    reader.app.pop_screen()
    library.table.move_cursor(library.shown.index(following))
    library.open_row(following)
