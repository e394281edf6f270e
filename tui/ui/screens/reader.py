"""The reader: one article, paragraph by paragraph, a sentence cursor, tags.

The screen talks to the store only through the app's store thread
(:class:`tui.ui.store_calls.StoreCalls`); the view draws. A tag is drawn only
after the store has committed it; while it waits (another program holding
the lock) the status line says "saving…" and keys keep working; if the save
fails the user sees one line and no tag.

Keys typed before the database is open are kept, not dropped. Until then the
view knows paragraphs but not sentences: its cursor is on a paragraph, and a
sentence key there means that paragraph's first sentence, which is where
the cursor shows once the sentences appear. Paragraph keys (j, k, g, G) move
at once; the first key that needs the database or the sentences (c, q, b,
x, u, ctrl+r, a, l, h) starts a queue, and every cursor, writing or Escape
key after it joins the queue, so that when the database opens they are replayed in the
order typed, each acting on the sentence the cursor was on when it was
pressed. The saved reading position is applied only if nothing was typed.
If the database cannot be opened, the queued writes are refused in one line.

Other instances may write the same database: the reader polls SQLite's data
version about once a second and, when it changes, reloads the tags.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.worker import get_current_worker
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from ...store import LABELS, LABELS_BY_NAME
from ...text import Article, SplitCancelled
from ...text.safe import printable, unprintable
from ..article_view import ArticleView
from ..compare import compare_text
from ..note_bar import NoteBar
from ..review_actions import REVIEW_BINDINGS, REVIEW_MOVES, ReviewActions
from ..footer_order import HelpAndQuitFirst
from ..key_order import pass_on, run_binding
from ..keymap import key_of, tag_keys
from ..store_calls import one_line

if TYPE_CHECKING:  # imported when first used: not needed for the first frame
    from ..search import ReaderSearch

# The reading position is saved at most this often (and on leaving).
POSITION_EVERY_S = 0.3
# How often the reader asks whether another instance changed the database.
POLL_EVERY_S = 1.0
# Keys that need the sentences: kept until the database (and they) are there.
SENTENCE_MOVES = {"next_sentence", "previous_sentence", *REVIEW_MOVES}
# Kept keys that change nothing in the database: applied even if it never opens.
MOVES = SENTENCE_MOVES | {"next_paragraph", "previous_paragraph", "first_paragraph",
                          "last_paragraph", "back", "page", "click", "key"}


class ReaderScreen(HelpAndQuitFirst, ReviewActions, Screen):
    """Read and tag one article."""

    # Help comes first so that the footer shows it however narrow the terminal.
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="reader.help"),
        Binding("j,down", "next_paragraph", "Next ¶", id="reader.paragraph.next"),
        Binding("k,up", "previous_paragraph", "Prev ¶", id="reader.paragraph.previous"),
        Binding("l,right", "next_sentence", "Next sentence", show=False,
                id="reader.sentence.next"),
        Binding("h,left", "previous_sentence", "Prev sentence", show=False,
                id="reader.sentence.previous"),
        Binding("g,home", "first_paragraph", "First paragraph", show=False,
                id="reader.paragraph.first"),
        Binding("G,end", "last_paragraph", "Last paragraph", show=False,
                id="reader.paragraph.last"),
        *(Binding(label.key, f"tag('{label.name}')", label.name.capitalize(),
                  id=f"reader.tag.{label.name}") for label in LABELS),
        Binding("x", "untag", "Untag", id="reader.untag"),
        Binding("u", "undo", "Undo", id="reader.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="reader.redo"),
        Binding("a", "note", "Note", id="reader.note"),
        Binding("y", "copy_sentence", "Copy", id="reader.copy.sentence"),
        Binding("Y", "copy_quotes", "Copy quotes", show=False, id="reader.copy.quotes"),
        Binding("e", "export", "Export", id="reader.export"),
        Binding("o", "anchors", "Fuzzy/orphan tags", show=False, id="reader.anchors"),
        Binding("slash", "search", "Search", id="reader.search"),
        Binding("n", "next_match", "Next match", show=False, id="reader.search.next"),
        Binding("N", "previous_match", "Previous match", show=False,
                id="reader.search.previous"),
        Binding("escape", "back", "Library", id="reader.back"),
        # issue 13, tui/ui/compare.py
        Binding("C", "compare", "Compare coders", show=False, id="reader.compare"),
        Binding("D", "done", "Mark done", show=False, id="reader.done"),
        Binding("greater_than_sign", "next_article", "Next article", show=False,
                id="reader.next_article"),
        *REVIEW_BINDINGS,  # ] [ } { w W t: tui/ui/review_actions.py
    ]

    def __init__(self, article: Article, exports: Path) -> None:
        super().__init__()
        self.article = article
        self.store = None  # set by attach() once the database is open
        self.doc = None
        self._pending = None  # what attach() got before the screen mounted
        self._ready_for_attach = False
        self._total: int | None = None  # sentences in the article, once counted
        self.exports = exports
        self.query_text = ""
        self._unsettled = {"fuzzy": 0, "orphan": 0}  # tags to review after an edit (o)
        self._others = None  # other coders' labels while the compare view is on
        self._team = False  # other coders have tagged this article
        # Why tags cannot be saved (read-only store, database not opened), else None.
        self.cannot_save: str | None = None
        self._open_failed = False
        # Keys typed before the database opened: (action, args), replayed in order.
        self._typed: list[tuple[str, tuple]] = []
        self._moved = False  # the user moved the cursor before the database opened
        # Writes sent to the store and not yet back: how many per sentence, and
        # the label the screen will show once they land (what the next key sees).
        self._saving = 0
        # Undo/redo steps on their way, and where the last reply put the cursor.
        self._steps = 0
        self._step_cursor: tuple[int, int] | None = None
        self._in_flight: dict[tuple[int, int], int] = {}
        self._landing: dict[tuple[int, int], str | None] = {}
        # Coalesced position saving (never on the UI thread).
        self._position_wanted: tuple[int, int] | None = None
        self._position_saved: tuple[int, int] | None = None
        self._position_busy = False
        self._position_timer = None
        # The database's data version when the tags were last read.
        self._data_version: int | None = None
        self._polling = False

    @property
    def view(self) -> ArticleView:
        """The article body widget."""
        return self.query_one(ArticleView)

    @property
    def calls(self):
        """The app's store thread."""
        return self.app.store_calls

    def compose(self) -> ComposeResult:
        article = self.article
        meta = " · ".join(part for part in (article.source, article.date) if part)
        # Title, outlet and date come from the file: data, never markup, and
        # never a raw control character on the terminal.
        yield Static(
            Content.from_markup("[b]$title[/b]\n[dim]$meta[/dim]",
                                title=printable(article.title), meta=printable(meta)),
            id="reader-header",
        )
        banner = Static(id="banner")
        banner.display = False  # shown when tags cannot be saved
        yield banner
        view = ArticleView(article, id="article")
        view.ready = False  # no sentences until the database is attached
        view.hold_page = self._hold_page  # PageUp/PageDown join the type-ahead queue
        view.hold_click = self._hold_click  # and so does a click on a sentence
        with Horizontal(id="reader-body"):  # the tags panel (t) comes beside it
            yield view
        yield NoteBar(id="note-bar")  # the cursor sentence's note (review_actions.py)
        yield Static(self._status_text(view), id="status")
        # Textual's Footer mounts a widget per key (~0.1 s): it comes right
        # after the first frame, into this reserved line, so the text
        # paints without waiting for it and nothing moves when it arrives.
        yield Static(id="footer-slot")

    def on_mount(self) -> None:
        """Show the text at once; tags and writes wait for attach()."""
        self._ready_for_attach = True
        self.view.focus()
        self.call_after_refresh(self._mount_footer)
        if self._pending is not None:
            self.attach(*self._pending)

    def on_unmount(self) -> None:
        """Leaving the article: save the latest position (queued behind any save in flight)."""
        self._save_position(final=True)

    async def _mount_footer(self) -> None:
        if not self.is_attached:  # quit or left before the first refresh: nothing to add to
            return
        from textual.widgets import Footer  # after the first frame, as the Footer itself

        slot = self.query_one("#footer-slot")
        await self.mount(Footer(), before=slot)
        await slot.remove()
        self.refresh_bindings()  # the Footer draws its keys on this signal

    async def on_key(self, event: events.Key) -> None:
        """Keys arrive in bursts (SSH, tmux, a fast typist), and Textual runs a
        key's binding only once the key has bubbled up to the app, behind the
        keys typed after it: `a h i Enter` opened the note box after `h i Enter`
        had gone by, and they were lost. So a key's binding runs here, in the
        order typed; and a key behind one that opened another screen (a, /, ?,
        o) is that screen's: sent again, in order (see screens/modals.py)."""
        if self.app.screen is not self:
            pass_on(self.app, event)
            return
        if self._waiting_for_database() and any(action == "back" for action, _ in self._typed):
            # Behind a kept Escape: maybe the library's keys (`Escape j Enter`).
            # Kept as typed, and sent again once that Escape has been replayed.
            event.stop()
            event.prevent_default()
            self._keep("key", event.key, event.character)
            return
        if await run_binding(self, event.key):
            event.stop()
            event.prevent_default()

    def _alive(self) -> bool:
        """False once the screen is closed (a store result may arrive after it)."""
        # Popped screens leave the stack at once; their widgets go a little later.
        return self.is_mounted and self in self.app.screen_stack

    def _say(self, text: str, severity: str = "information") -> None:
        """One notification line; its text may quote files or the database."""
        self.notify(one_line(text), severity=severity, markup=False)

    def _show_banner(self, text: str) -> None:
        banner = self.query_one("#banner", Static)
        banner.update(Content(one_line(text)))
        banner.display = True

    # -- the database arrives ---------------------------------------------

    def attach(self, store, doc, annotations, version: int | None = None) -> None:
        """The database is open: show tags, resume the position, replay typed keys."""
        if not self._ready_for_attach:
            self._pending = (store, doc, annotations, version)
            return
        if not self._alive():  # the reader was closed before the database opened
            return
        self._pending = None
        self.store, self.doc = store, doc
        self._data_version = version
        reason = getattr(store, "read_only", None)
        if reason:
            self.cannot_save = f"tags can't be saved: {reason}"
            self._show_banner(f"Read-only: {self.cannot_save}")
        view = self.view
        view.ready = True
        view.set_labels({key: a.label for key, a in annotations.items()})
        view.set_notes(key for key, a in annotations.items() if a.note)
        self.review_tags_loaded(annotations)
        typed, self._typed = self._typed, []
        if self._moved or typed:
            view.move_to(view.paragraph, view.sentence, post=False)  # show its sentence
            self._position_wanted = (view.paragraph, view.sentence)
            self._schedule_position()
        else:
            view.move_to(*doc.position, post=False)
        self._position_saved = tuple(doc.position)
        for warning in doc.article.warnings:
            self._say(warning, severity="warning")
        fuzzy = getattr(doc, "fuzzy", 0)
        if doc.orphaned or fuzzy:
            self._say(f"The text changed: {doc.orphaned} tag(s) no longer match it, "
                      f"{fuzzy} were placed on an edited sentence. "
                      f"Press {key_of(self.app, 'reader.anchors')} to review them.",
                      severity="warning")
        self._update_status()
        self._count_sentences()
        self._load_anchor_states()
        self._check_team()
        self.set_interval(POLL_EVERY_S, self._poll_data_version)
        self._replay_typed(typed)

    def _replay_typed(self, typed: list[tuple[str, tuple]]) -> None:
        """Apply kept keys in the order typed (a kept Escape may close the screen:
        the keys kept as typed after it go to the screen then shown)."""
        for action, args in typed:
            if action == "key":
                self.app.post_message(events.Key(*args))
            elif self._alive():
                getattr(self, f"action_{action}")(*args)

    def database_failed(self, error: Exception) -> None:
        """The database could not be opened: the text stays readable, writes are refused."""
        if not self._ready_for_attach:
            self.call_after_refresh(self.database_failed, error)
            return
        if not self._alive():
            return
        self._open_failed = True
        self.review_database_failed()
        self.cannot_save = f"tags can't be saved: {error}"
        self._show_banner(f"No database: {self.cannot_save}")
        self.view.ready = True
        typed, self._typed = self._typed, []
        refused = sum(1 for action, _ in typed if action not in MOVES)
        self._replay_typed([(action, args) for action, args in typed if action in MOVES])
        if refused:
            self._say(f"{refused} key(s) typed while the database was opening were not "
                      f"applied: {error}", severity="error")
        else:
            self._say(f"The database could not be opened: {error}", severity="error")
        self._update_status()

    @work(thread=True, exclusive=True, description="count the article's sentences")
    def _count_sentences(self) -> None:
        # Splitting a long article takes a while: do it off the UI thread,
        # and give up when the app quits (a thread cannot be killed).
        worker = get_current_worker()
        try:
            total = self.doc.article.sentence_count(should_stop=lambda: worker.is_cancelled)
        except SplitCancelled:
            return
        self.app.call_from_thread(self._sentences_counted, total)

    def _sentences_counted(self, total: int) -> None:
        self._total = total
        if self.cannot_save is None:  # only a cache for the library: no error box
            self.calls.call(lambda store, doc: store.save_sentence_count(doc, total), self.doc,
                            quiet=True)
        self._update_status()

    def _waiting_for_database(self) -> bool:
        return self.doc is None and not self._open_failed

    def _keep(self, action: str, *args) -> bool:
        """Before the database opens: keep this key to replay; True if kept."""
        if not self._waiting_for_database():
            return False
        self._typed.append((action, args))
        self._update_status()
        return True

    def _may_write(self, action: str, *args) -> bool:
        """True if a writing key can go to the store now (else kept or refused)."""
        if self._keep(action, *args):
            return False
        if self.cannot_save is not None:
            self._say(self.cannot_save.capitalize(), severity="error")
            return False
        return True

    # -- status -----------------------------------------------------------

    def _update_status(self) -> None:
        if self._alive():
            self.query_one("#status", Static).update(self._status_text(self.view), layout=False)

    def _status_text(self, view: ArticleView) -> Content:
        """Where the cursor is, the counts per label, the search, a save in progress."""
        article = self.article
        if self.doc is None:
            where = f"¶ {view.paragraph}/{len(article.paragraphs)}"
            if self._open_failed:
                return Content(f"{where}   the database is not open: tags can't be saved")
            typed = f"   {len(self._typed)} key(s) waiting" if self._typed else ""
            return Content(f"{where}   opening the database…{typed}")
        counts = {label.name: 0 for label in LABELS}
        other = 0
        for name in view.labels.values():
            if LABELS_BY_NAME.get(name) is None:
                other += 1  # a label another program wrote; shown as ?
            else:
                counts[name] += 1
        if article.paragraphs:
            sentences = view.sentence_total()  # None: a long paragraph being split
            where = (f"¶ {view.paragraph}/{len(article.paragraphs)}  "
                     + (f"sentence {view.sentence}/{sentences}" if sentences is not None
                        else "splitting this paragraph…"))
        else:
            where = "empty article"
        tags = "  ".join(f"{label.mark} {label.name} {counts[label.name]}" for label in LABELS)
        if other:
            tags += f"  ? other {other}"
        total = self._total
        tagged = f"{len(view.labels)}/{total} tagged" if total is not None else "counting…"
        search = self._searcher.status() if self.query_text else ""
        review = "  ".join(f"{count} {name}" for name, count in self._unsettled.items() if count)
        anchors = f"   {review} ({key_of(self.app, 'reader.anchors')})" if review else ""
        saving = "   saving…" if self._saving else ""
        read_only = "   read-only" if self.cannot_save else ""
        compare = compare_text(self.store.annotator, self._others, view.current_sentence,
                               self._team)
        # The search and saving… first: at 80 columns the counts fill the
        # line, and what is cut off its end is never seen (read-only also has
        # the banner).
        return Content(printable(f"{where}{search}{saving}   {tags}   {tagged}{anchors}{read_only}"
                                 f"{compare}"))

    # -- other coders (issue 13) --------------------------------------------

    def _check_team(self) -> None:
        """Ask (on the store thread) whether other coders tagged this article:
        the status line then names the coder."""
        self.calls.call(lambda store, doc: bool(store.other_coders_labels(doc)), self.doc,
                        done=self._team_known, quiet=True)

    def _team_known(self, team: bool) -> None:
        self._team = team
        if self._alive():
            self._update_status()

    def action_compare(self) -> None:
        """Show or hide the other coders' labels on the cursor's sentence."""
        if self.doc is None:
            self._say("Still opening the database…")
            return
        if self._others is not None:
            self._others = None
            self._update_status()
            return
        self.calls.call(lambda store, doc: store.other_coders_labels(doc), self.doc,
                        done=self._others_known, what="Can't compare")

    def _others_known(self, others) -> None:
        self._others = others
        if self._alive():
            self._update_status()

    # -- the reading position ---------------------------------------------

    def on_article_view_cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        """Refresh the status line; remember the position (saved off the UI thread)."""
        self._update_status()
        self.review_cursor_moved()
        if self.doc is None:
            return
        self._position_wanted = (event.paragraph, event.sentence)
        self._schedule_position()

    def _schedule_position(self) -> None:
        if self._position_timer is None:
            self._position_timer = self.set_timer(POSITION_EVERY_S, self._save_position)

    def _save_position(self, final: bool = False) -> None:
        """Send the latest position to the store, one save at a time (``final``:
        the screen is leaving, so no later save will follow: send it anyway)."""
        self._position_timer = None
        wanted = self._position_wanted
        if (self.doc is None or self.cannot_save is not None or wanted is None
                or wanted == self._position_saved or (self._position_busy and not final)):
            return
        self._position_busy = True
        self.calls.call(lambda store, doc: store.save_position(doc, *wanted), self.doc,
                        done=lambda _: self._position_done(wanted),
                        failed=lambda _: self._position_done(None), quiet=True)

    def _position_done(self, saved: tuple[int, int] | None) -> None:
        # Losing the resume point is not worth an error box: no message.
        self._position_busy = False
        if saved is not None:
            self._position_saved = saved
        if self._position_wanted != self._position_saved and self._alive():
            self._schedule_position()

    # -- other instances ---------------------------------------------------

    def _poll_data_version(self) -> None:
        if self._polling or self.doc is None:
            return
        self._polling = True
        self.calls.call(lambda store: store.data_version(), done=self._version_seen,
                        failed=lambda _: setattr(self, "_polling", False), quiet=True)

    def _version_seen(self, version: int) -> None:
        self._polling = False
        if version != self._data_version:
            self._data_version = version
            self._reload_tags()

    def _reload_tags(self) -> None:
        """Read the article's tags again (another instance changed them)."""
        self.calls.call(lambda store, doc: store.annotations(doc), self.doc,
                        done=self._tags_reloaded, quiet=True)

    def _tags_reloaded(self, annotations) -> None:
        if not self._alive():
            return
        self.view.set_labels({key: a.label for key, a in annotations.items()})
        self.view.set_notes(key for key, a in annotations.items() if a.note)
        self.review_tags_loaded(annotations)
        self._update_status()
        self._load_anchor_states()

    def _load_anchor_states(self) -> None:
        """Ask which tags are fuzzy or orphaned (they are never silent)."""
        if self.doc is None or not self.doc.id:
            return
        self.calls.call(lambda store, doc: store.unsettled(doc), self.doc,
                        done=self._anchor_states_loaded, quiet=True)

    def _anchor_states_loaded(self, unsettled) -> None:
        if not self._alive():
            return
        self._unsettled = {"fuzzy": 0, "orphan": 0}
        for item in unsettled:
            self._unsettled[item.anchor] = self._unsettled.get(item.anchor, 0) + 1
        self.view.set_fuzzy((item.start, item.end) for item in unsettled
                            if item.anchor == "fuzzy")
        self.review_anchors_loaded(unsettled)
        self._update_status()

    # -- navigation -------------------------------------------------------

    def _navigate(self, action: str, move) -> None:
        """Move now, or keep the key in order behind keys that wait for the database."""
        if self._waiting_for_database():
            if self._typed or action in SENTENCE_MOVES:
                self._keep(action)
                return
            self._moved = True
        move()

    def _hold_page(self, down: bool) -> bool:
        """A page key before the database opens: kept behind keys already
        waiting (scrolling now would move the page they act on away), else
        it scrolls at once, the cursor comes along to a paragraph in view, and
        the saved position no longer applies. True if kept."""
        if not self._waiting_for_database():
            return False
        if self._typed:
            return self._keep("page", down)
        self._moved = True
        return False

    def _hold_click(self, offset: int) -> bool:
        """A click before the database opens: it means a sentence, known only
        then, so it is kept (in order, as a sentence key) and replayed; the
        cursor shows its paragraph at once if no key waits before it."""
        if not self._waiting_for_database():
            return False
        if not self._typed:
            self.view.show_paragraph_of(offset)
        return self._keep("click", offset)

    def action_click(self, offset: int) -> None:
        """A click kept while the database was opening, replayed."""
        self.view.move_to_offset(offset)

    def action_page(self, down: bool) -> None:
        """A page key kept while the database was opening, replayed."""
        try:
            self.view.action_page_down() if down else self.view.action_page_up()
        except SkipAction:  # nothing to scroll
            pass

    def action_next_paragraph(self) -> None:
        """Next paragraph, cursor on its first sentence."""
        self._navigate("next_paragraph", lambda: self.view.move_to(self.view.paragraph + 1))

    def action_previous_paragraph(self) -> None:
        """Previous paragraph, cursor on its first sentence."""
        self._navigate("previous_paragraph", lambda: self.view.move_to(self.view.paragraph - 1))

    def action_first_paragraph(self) -> None:
        """First paragraph."""
        self._navigate("first_paragraph", lambda: self.view.move_to(1))

    def action_last_paragraph(self) -> None:
        """Last paragraph."""
        self._navigate("last_paragraph", lambda: self.view.move_to(len(self.article.paragraphs)))

    def action_next_sentence(self) -> None:
        """Next sentence, crossing into the next paragraph."""
        self._navigate("next_sentence", self.view.next_sentence)

    def action_previous_sentence(self) -> None:
        """Previous sentence, crossing into the previous paragraph."""
        self._navigate("previous_sentence", self.view.previous_sentence)

    # -- tagging ----------------------------------------------------------

    def _shown(self, key: tuple[int, int]) -> str | None:
        """The label the user sees (or will, once their earlier keys land) on a sentence."""
        if key in self._landing:
            return self._landing[key]
        return self.view.labels.get(key)

    def _send_write(self, key: tuple[int, int], landing, job, *args) -> None:
        """Send a tag/untag to the store; draw when it has committed."""
        self._saving += 1
        self._in_flight[key] = self._in_flight.get(key, 0) + 1
        self._landing[key] = landing
        self._update_status()
        self.calls.call(job, *args, write=True,
                        done=partial(self._written, key), failed=partial(self._write_failed, key))

    def _write_landed(self, key: tuple[int, int]) -> None:
        self._saving -= 1
        self._in_flight[key] -= 1
        if not self._in_flight[key]:
            del self._in_flight[key]
            self._landing.pop(key, None)

    def _written(self, key: tuple[int, int], result) -> None:
        """A tag/untag committed: draw the sentence's tag now, say what differed."""
        self._write_landed(key)
        if not self._alive():
            return
        annotation = result.annotation
        self.view.set_label(*key, annotation.label if annotation is not None else None)
        self.view.set_note(*key, bool(annotation is not None and annotation.note))
        self.review_tag_changed(key, annotation)
        if result.message:  # the database was not what this screen showed
            self._say(result.message, severity="warning")
        if key in self.view.fuzzy:  # an untag may have removed a fuzzy tag
            self._load_anchor_states()
        self._update_status()

    def _write_failed(self, key: tuple[int, int], _error: Exception) -> None:
        # The store thread has told the user; nothing is drawn.
        self._write_landed(key)
        self._update_status()

    def _sentence(self):
        sentence = self.view.current_sentence
        if sentence is None:
            self._say("No sentence here to change.")
        return sentence

    def action_tag(self, label: str) -> None:
        """Toggle ``label`` on the current sentence (commit first, then draw)."""
        if not self._may_write("tag", label):
            return
        sentence = self._sentence()
        if sentence is None:
            return
        key = (sentence.start, sentence.end)
        shown = self._shown(key)
        paragraph = self.view.paragraph
        self._send_write(key, None if shown == label else label,
                         lambda store, doc: store.tag(doc, paragraph, sentence, label, shown=shown),
                         self.doc)

    def action_untag(self) -> None:
        """Remove the current sentence's tag (the one shown)."""
        if not self._may_write("untag"):
            return
        sentence = self._sentence()
        if sentence is None:
            return
        key = (sentence.start, sentence.end)
        shown = self._shown(key)
        if shown is None:
            self._say("This sentence has no tag.")
            return
        self._send_write(key, None, lambda store, doc: store.untag(doc, sentence, shown=shown),
                         self.doc)

    def _replay(self, undo: bool) -> None:
        if not self._may_write("undo" if undo else "redo"):
            return
        self._saving += 1
        self._update_status()
        step = (lambda store, doc: store.undo(doc)) if undo else (lambda store, doc: store.redo(doc))
        at = (self.view.paragraph, self.view.sentence)  # where the key was pressed
        if not self._steps:
            self._step_cursor = None
        self._steps += 1
        self.calls.call(step, self.doc, write=True, done=partial(self._replayed, undo, at),
                        failed=self._replay_failed)

    def _replay_failed(self, _error: Exception) -> None:
        self._saving -= 1
        self._steps -= 1
        self._update_status()

    def _replayed(self, undo: bool, at: tuple[int, int], change) -> None:
        self._saving -= 1
        self._steps -= 1
        if not self._alive():
            return
        if change is None:
            self._say("Nothing to undo" if undo else "Nothing to redo")
        elif getattr(change, "orphan", False):  # an orphan has no sentence to draw on
            if change.skipped:
                self._say(change.message or "changed elsewhere; skipped", severity="warning")
            else:
                self._say("Orphaned tag restored or removed: "
                          f"{key_of(self.app, 'reader.anchors')} lists them.")
        else:
            label = change.annotation.label if change.annotation else None
            self.view.set_label(change.start, change.end, label)  # its tag now, either way
            self.view.set_note(change.start, change.end, bool(label and change.annotation.note))
            self.review_tag_changed((change.start, change.end), change.annotation)
            if change.skipped:  # someone else changed that sentence since
                self._say(change.message or "changed elsewhere; skipped", severity="warning")
            else:
                # The cursor follows the step only if no key moved it since
                # (`u g` typed fast, or a step that waited for a lock): a
                # reply arriving later must not pull it from where the user is.
                view = self.view
                if (view.paragraph, view.sentence) in (at, self._step_cursor):
                    view.move_to_offset(change.start)
                    self._step_cursor = (view.paragraph, view.sentence)
                if change.message:
                    self._say(change.message)
        if any(self._unsettled.values()) or getattr(change, "orphan", False):
            self._load_anchor_states()
        self._update_status()

    def action_undo(self) -> None:
        """Undo your last tag, untag or note change (survives restarts)."""
        self._replay(undo=True)

    def action_redo(self) -> None:
        """Redo what was undone."""
        self._replay(undo=False)

    def action_note(self) -> None:
        """Add or edit the note on the current sentence's tag."""
        if not self._may_write("note"):
            return
        sentence = self._sentence()
        if sentence is None:
            return
        text = printable(sentence.text)
        excerpt = text if len(text) <= 70 else text[:69] + "…"
        doc = self.doc
        # The box opens at once, so what is typed next lands in it even while
        # a tag typed just before waits for the database; the tag's note is
        # filled in when read (the store thread is FIFO: after that tag).
        from .modals import PromptModal  # (about 0.5 ms, once)

        modal = PromptModal(f"Note on: {excerpt}", "", "Why this tag? (empty clears)")
        read: dict[str, str] = {}

        def save(note: str | None) -> None:
            if note is None or read.get("gone"):
                return
            if note == read.get("shown", ""):  # an empty box before the read clears nothing
                self._say("Note unchanged")
                return
            note = unprintable(note, read.get("note", ""))  # its ␊ are line breaks again
            self.calls.call(lambda store, doc: store.set_note(doc, sentence, note), doc,
                            write=True, what="Note not saved",
                            done=partial(self._note_saved, note))

        def fill(annotation) -> None:
            if annotation is None:
                read["gone"] = "yes"
                if modal.is_attached and self.app.screen is modal:
                    modal.dismiss(None)
                if self._alive():
                    self._say(f"Tag the sentence first ({tag_keys(self.app)}), "
                              "then add a note.")
                return
            # The note may come from an import: shown with visible control
            # characters; saved only if the user changed what was shown.
            read["note"] = annotation.note
            read["shown"] = printable(annotation.note)
            put_note(read["shown"])
            if modal.is_attached:  # its box may be mounting yet
                modal.call_after_refresh(put_note, read["shown"])

        def put_note(note: str) -> None:
            modal._value = note  # the box opens with it if not composed yet
            boxes = list(modal.query("#prompt-input").results(Input)) if modal.is_attached else []
            if boxes and not boxes[0].value:  # nothing typed yet
                boxes[0].value = note
                boxes[0].cursor_position = len(note)

        self.app.push_screen(modal, save)
        self.calls.call(lambda store, doc: store.annotation_at(doc, sentence), doc,
                        what="Cannot read the tag", done=fill)

    def _note_saved(self, note: str, annotation) -> None:
        if annotation is None:
            self._say("The tag is gone (removed elsewhere): note not saved.", severity="warning")
        else:
            self.view.set_note(annotation.start, annotation.end, bool(annotation.note))
            self.review_tag_changed((annotation.start, annotation.end), annotation)
            self._say("Note cleared" if not note.strip() else "Note saved")

    # -- clipboard and export ---------------------------------------------

    def _copy(self, text: str, what: str) -> None:
        # Imported on use, as the export's modules: not before the first paint.
        from ...exchange.clipboard import copy_message, copy_text

        try:
            way = copy_text(text, fallback=self.app.copy_to_clipboard)
        except Exception as exc:  # a clipboard tool that fails oddly
            self._say(f"Copy failed: {exc}", severity="error")
            return
        self._say(copy_message(way, what, len(text.encode("utf-8", "surrogatepass"))))

    def action_copy_sentence(self) -> None:
        """Copy the current sentence's text exactly."""
        sentence = self.view.current_sentence
        if sentence is None:
            self._say("Still opening the database…" if self._waiting_for_database()
                      else "No sentence here to copy.")
            return
        self._copy(sentence.text, f"sentence {self.view.paragraph}.{self.view.sentence}")

    def action_copy_quotes(self) -> None:
        """Copy all quotes of the article, with a citation line."""
        if self.doc is None:
            self._say("Still opening the database…" if not self._open_failed
                      else "No tags: the database is not open.")
            return
        if self.app.store_calls.writes_pending:
            # A tag typed just before Y is still on its way to the database:
            # copy once it is committed and drawn (the store thread is FIFO).
            self.calls.call(lambda store: None, done=lambda _: self._copy_quotes(),
                            what="Not copied")
            return
        self._copy_quotes()

    def _copy_quotes(self) -> None:
        from ...exchange.quotes import format_quotes, passages

        article = self.article
        spans = [span for span, label in self.view.labels.items() if label == "quote"]
        if not spans:
            self._say("No sentence is tagged as a quote yet "
                      f"({key_of(self.app, 'reader.tag.quote')}).")
            return
        found = passages(article.body, spans, article.paragraphs.starts)
        what = f"{len(found)} passage{'s' if len(found) != 1 else ''}"
        if len(found) != len(spans):
            what += f" ({len(spans)} quotes)"
        self._copy(format_quotes(found, article.title, article.source, article.date), what)

    def action_export(self) -> None:
        """Export this article's annotations as CSV into exports/."""
        if self.doc is None:
            self._say("Still opening the database…" if not self._open_failed
                      else "Nothing to export: the database is not open.")
            return
        exports, title, doc = self.exports, self.article.title, self.doc

        def export(store):
            from ...exchange.export import write_csv
            from ...exchange.files import atomic_text_output
            from ..exports_folder import export_path

            path = export_path(exports, title, doc.uid or str(doc.id))
            with atomic_text_output(path) as out:
                count = write_csv(store.db, out, article_id=doc.id)
            return path, count

        self.calls.call(export, write=True, what="Export failed",
                        done=lambda result: self._say(
                            f"Exported {result[1]} annotation(s) to {result[0]}"))

    def action_anchors(self) -> None:
        """List this article's fuzzy and orphaned tags: accept, re-attach, delete."""
        if self.doc is None:
            self._say("Still opening the database…" if not self._open_failed
                      else "No tags: the database is not open.")
            return
        from .anchors import AnchorsScreen

        self.app.push_screen(AnchorsScreen(self), lambda _: self._load_anchor_states())

    # -- search -----------------------------------------------------------

    def action_search(self) -> None:
        """Ask for text to find (case and accents ignored); Enter goes to the
        first match after the cursor. The logic is in tui/ui/search.py."""

        def found(query: str | None) -> None:
            if query is None:
                return
            self.query_text = query.strip()
            if not self.query_text:
                self.view.set_search(None)
                self._update_status()
                return
            self._searcher.start(self.query_text)
            self._update_status()

        from .modals import PromptModal

        self.app.push_screen(PromptModal("Search", self.query_text, "text to find",
                                         "search"), found)

    @property
    def _searcher(self) -> ReaderSearch:
        searcher = self.__dict__.get("_search_state")
        if searcher is None:
            from ..search import ReaderSearch

            searcher = self.__dict__["_search_state"] = ReaderSearch(self)
        return searcher

    def _jump(self, forward: bool) -> None:
        # A move that needs the sentences: kept until the database opens.
        if self._keep("next_match" if forward else "previous_match"):
            return
        self._searcher.jump(forward)

    def action_next_match(self) -> None:
        """Jump to the next search match (wraps to the start, and says so)."""
        self._jump(forward=True)

    def action_previous_match(self) -> None:
        """Jump to the previous search match (wraps to the end, and says so)."""
        self._jump(forward=False)

    # -- screens ----------------------------------------------------------

    def action_help(self) -> None:
        """Show every key."""
        from .help import HelpScreen

        self.app.push_screen(HelpScreen([*self.BINDINGS, *ArticleView.BINDINGS]))

    def action_done(self) -> None:
        """Mark this article done in the library (D again: not done)."""
        from .library import reader_toggle_done

        reader_toggle_done(self)

    def action_next_article(self) -> None:
        """Open the next article of the library's current order."""
        from .library import reader_next_article

        reader_next_article(self)

    def action_back(self) -> None:
        """Clear an active search; else back to the library (if the reader was opened from one)."""
        if self._waiting_for_database() and self._typed:
            self._keep("back")  # after the keys typed before it, not before them
            return
        if self.query_text:  # Escape first clears an active search
            self.query_text = ""
            self.view.set_search(None)
            self._update_status()
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            from ..keymap import quit_hint  # the key as the user's keymap bound it

            self._say(f"No library behind this article; {quit_hint(self.app)}.")
