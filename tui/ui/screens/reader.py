"""The reader: one article, paragraph by paragraph, a sentence cursor, tags.

The screen talks to the store; the view draws. A tag is drawn only after
the store has committed it; if the save fails the user sees an error and
no tag.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual import work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...exchange.clipboard import copy_text
from ...exchange.export import write_csv
from ...exchange.files import atomic_text_output
from ...exchange.quotes import format_quotes
from ...store import LABELS, StoreError
from ...text import Article, SplitCancelled
from ..article_view import ArticleView
from ..exports_folder import export_path
from .help import HelpScreen
from .modals import PromptModal

SAVE_ERRORS = (sqlite3.Error, StoreError, OSError)


class ReaderScreen(Screen):
    """Read and tag one article."""

    # Help comes first so that the footer shows it however narrow the terminal.
    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("j,down", "next_paragraph", "Next ¶"),
        Binding("k,up", "previous_paragraph", "Prev ¶"),
        Binding("l,right", "next_sentence", "Next sentence", show=False),
        Binding("h,left", "previous_sentence", "Prev sentence", show=False),
        Binding("g,home", "first_paragraph", "First paragraph", show=False),
        Binding("G,end", "last_paragraph", "Last paragraph", show=False),
        *(Binding(label.key, f"tag('{label.name}')", label.name.capitalize()) for label in LABELS),
        Binding("x", "untag", "Untag"),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+r", "redo", "Redo", show=False),
        Binding("a", "note", "Note"),
        Binding("y", "copy_sentence", "Copy"),
        Binding("Y", "copy_quotes", "Copy quotes", show=False),
        Binding("e", "export", "Export"),
        Binding("o", "anchors", "Fuzzy/orphan tags", show=False),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next match", show=False),
        Binding("N", "previous_match", "Previous match", show=False),
        Binding("escape", "back", "Library"),
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

    @property
    def view(self) -> ArticleView:
        """The article body widget."""
        return self.query_one(ArticleView)

    def compose(self) -> ComposeResult:
        article = self.article
        meta = " · ".join(part for part in (article.source, article.date) if part)
        yield Static(
            Content.from_markup("[b]$title[/b]\n[dim]$meta[/dim]", title=article.title, meta=meta),
            id="reader-header",
        )
        view = ArticleView(article, id="article")
        view.ready = False  # no sentences until the database is attached
        yield view
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

    async def _mount_footer(self) -> None:
        slot = self.query_one("#footer-slot")
        await self.mount(Footer(), before=slot)
        await slot.remove()
        self.refresh_bindings()  # the Footer draws its keys on this signal

    def attach(self, store, doc, annotations) -> None:
        """The database is open: show tags, resume the position, enable writes."""
        if not self._ready_for_attach:
            self._pending = (store, doc, annotations)
            return
        self._pending = None
        self.store, self.doc = store, doc
        self.view.ready = True
        self.view.set_labels({key: a.label for key, a in annotations.items()})
        self.view.move_to(*self.doc.position, post=False)
        for warning in self.doc.article.warnings:
            self.notify(warning, severity="warning", markup=False)
        if self.doc.orphaned or getattr(self.doc, "fuzzy", 0):
            self.notify(f"The text changed: {self.doc.orphaned} tag(s) no longer match it, "
                        f"{getattr(self.doc, 'fuzzy', 0)} were placed on an edited sentence. "
                        "Press o to review them.", severity="warning", markup=False)
        self._update_status()
        self._count_sentences()

    @work(thread=True, exclusive=True)
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
        try:
            self.store.save_sentence_count(self.doc, total)
        except SAVE_ERRORS:
            pass  # only a cache for the library
        self._update_status()

    def _writable(self) -> bool:
        if self.doc is None:
            self.notify("Still opening the database…", markup=False)
            return False
        return True

    def _sentence_to_change(self):
        """The cursor's sentence, if the database is open to change it."""
        return self.view.current_sentence if self._writable() else None

    def _update_status(self) -> None:
        self.query_one("#status", Static).update(self._status_text(self.view), layout=False)

    def _status_text(self, view: ArticleView) -> Content:
        """Where the cursor is, the counts per label, the search."""
        article = self.article
        if self.doc is None:
            return Content(f"¶ {view.paragraph}/{len(article.paragraphs)}   opening the database…")
        counts = {label.name: 0 for label in LABELS}
        for name in view.labels.values():
            counts[name] = counts.get(name, 0) + 1
        if article.paragraphs:
            sentences = view.sentence_total()  # None: a long paragraph being split
            where = (f"¶ {view.paragraph}/{len(article.paragraphs)}  "
                     + (f"sentence {view.sentence}/{sentences}" if sentences is not None
                        else "splitting this paragraph…"))
        else:
            where = "empty article"
        tags = "  ".join(f"{label.mark} {label.name} {counts[label.name]}" for label in LABELS)
        total = self._total
        tagged = f"{len(view.labels)}/{total} tagged" if total is not None else "counting…"
        search = f"  /{self.query_text} {len(view.matches)} match(es)" if self.query_text else ""
        return Content(f"{where}   {tags}   {tagged}{search}")

    def on_article_view_cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        """Remember the position and refresh the status line."""
        if self.doc is None:
            self._update_status()
            return
        try:
            self.store.save_position(self.doc, event.paragraph, event.sentence)
        except SAVE_ERRORS:
            pass  # losing the resume point is not worth an error box
        self._update_status()

    # -- navigation -------------------------------------------------------

    def action_next_paragraph(self) -> None:
        """Next paragraph, cursor on its first sentence."""
        self.view.move_to(self.view.paragraph + 1)

    def action_previous_paragraph(self) -> None:
        """Previous paragraph, cursor on its first sentence."""
        self.view.move_to(self.view.paragraph - 1)

    def action_first_paragraph(self) -> None:
        """First paragraph."""
        self.view.move_to(1)

    def action_last_paragraph(self) -> None:
        """Last paragraph."""
        self.view.move_to(len(self.article.paragraphs))

    def action_next_sentence(self) -> None:
        """Next sentence, crossing into the next paragraph."""
        self.view.next_sentence()

    def action_previous_sentence(self) -> None:
        """Previous sentence, crossing into the previous paragraph."""
        self.view.previous_sentence()

    # -- tagging ----------------------------------------------------------

    def action_tag(self, label: str) -> None:
        """Toggle ``label`` on the current sentence (commit first, then draw)."""
        sentence = self._sentence_to_change()
        if sentence is None:
            return
        shown = self.view.labels.get((sentence.start, sentence.end))
        try:
            result = self.store.tag(self.doc, self.view.paragraph, sentence, label, shown=shown)
        except SAVE_ERRORS as exc:
            self.notify(f"Not saved: {exc}", title="Tag failed", severity="error", markup=False)
            return
        annotation = result.annotation
        self.view.set_label(sentence.start, sentence.end, annotation.label if annotation else None)
        if result.message:
            self.notify(result.message, severity="warning", markup=False)
        self._update_status()

    def action_untag(self) -> None:
        """Remove the current sentence's tag."""
        sentence = self._sentence_to_change()
        if sentence is None:
            return
        shown = self.view.labels.get((sentence.start, sentence.end))
        try:
            result = self.store.untag(self.doc, sentence, shown=shown)
        except SAVE_ERRORS as exc:
            self.notify(f"Not saved: {exc}", title="Untag failed", severity="error", markup=False)
            return
        annotation = result.annotation
        self.view.set_label(sentence.start, sentence.end, annotation.label if annotation else None)
        if result.message and shown is not None:
            self.notify(result.message, severity="warning", markup=False)
        self._update_status()

    def _replay(self, undo: bool) -> None:
        if not self._writable():
            return
        try:
            change = self.store.undo(self.doc) if undo else self.store.redo(self.doc)
        except SAVE_ERRORS as exc:
            self.notify(f"Not saved: {exc}", severity="error", markup=False)
            return
        if change is None:
            self.notify("Nothing to undo" if undo else "Nothing to redo", markup=False)
            return
        if change.message:
            self.notify(change.message, severity="warning", markup=False)
        if getattr(change, "orphan", False):  # an orphan has no sentence to draw on
            if not change.skipped:
                self.notify("Orphaned tag restored or removed: o lists them.", markup=False)
            return
        label = change.annotation.label if change.annotation else None
        self.view.set_label(change.start, change.end, label)
        self.view.move_to_offset(change.start)
        self._update_status()

    def action_undo(self) -> None:
        """Undo the last tag, untag or note change (survives restarts)."""
        self._replay(undo=True)

    def action_redo(self) -> None:
        """Redo what was undone."""
        self._replay(undo=False)

    def action_note(self) -> None:
        """Add or edit the note on the current sentence's tag."""
        sentence = self._sentence_to_change()
        if sentence is None:
            return
        annotation = self.store.annotation_at(self.doc, sentence)
        if annotation is None:
            self.notify("Tag the sentence first (c, q or b), then add a note.", markup=False)
            return
        excerpt = sentence.text if len(sentence.text) <= 70 else sentence.text[:69] + "…"

        def save(note: str | None) -> None:
            if note is None:
                return
            try:
                self.store.set_note(self.doc, sentence, note)
            except SAVE_ERRORS as exc:
                self.notify(f"Note not saved: {exc}", severity="error", markup=False)
                return
            self.notify("Note cleared" if not note.strip() else "Note saved", markup=False)

        self.app.push_screen(
            PromptModal(f"Note on: {excerpt}", annotation.note, "Why this tag? (empty clears)"),
            save,
        )

    # -- clipboard and export ---------------------------------------------

    def _copy(self, text: str, what: str) -> None:
        try:
            way = copy_text(text, fallback=self.app.copy_to_clipboard)
        except Exception as exc:  # a clipboard tool that fails oddly
            self.notify(f"Copy failed: {exc}", severity="error", markup=False)
            return
        self.notify(f"Copied {what} to the {way}.", markup=False)

    def action_copy_sentence(self) -> None:
        """Copy the current sentence's text exactly."""
        sentence = self.view.current_sentence
        if sentence is not None:
            self._copy(sentence.text, f"sentence {self.view.paragraph}.{self.view.sentence}")

    def action_copy_quotes(self) -> None:
        """Copy all quotes of the article, with a citation line."""
        if not self._writable():
            return
        body = self.article.body
        quotes = [body[start:end] for (start, end), label in sorted(self.view.labels.items())
                  if label == "quote"]
        if not quotes:
            self.notify("No sentence is tagged as a quote yet (q).", markup=False)
            return
        article = self.article
        self._copy(format_quotes(quotes, article.title, article.source, article.date),
                   f"{len(quotes)} quote(s)")

    def action_export(self) -> None:
        """Export this article's annotations as CSV into exports/."""
        if not self._writable():
            return
        try:
            path = export_path(self.exports, self.article.title, self.doc.uid or str(self.doc.id))
            with atomic_text_output(path) as out:
                count = write_csv(self.store.db, out, article_id=self.doc.id)
        except (*SAVE_ERRORS, ValueError) as exc:
            self.notify(f"Export failed: {exc}", severity="error", markup=False)
            return
        self.notify(f"Exported {count} annotation(s) to {path}", markup=False)

    def action_anchors(self) -> None:
        """List this article's fuzzy and orphaned tags: accept, re-attach, delete."""
        if not self._writable():
            return
        from .anchors import AnchorsScreen

        self.app.push_screen(AnchorsScreen(self), lambda _: self._update_status())

    # -- search -----------------------------------------------------------

    def action_search(self) -> None:
        """Ask for text to find; Enter jumps to the first match after the cursor."""

        def found(query: str | None) -> None:
            if query is None:
                return
            self.query_text = query.strip()
            self.view.set_matches(self._find(self.query_text))
            if self.query_text and not self.view.matches:
                self.notify("No match", markup=False)
            self._jump(forward=True)
            self._update_status()

        self.app.push_screen(PromptModal("Search", self.query_text, "text to find",
                                         "Enter to search · Escape to cancel"), found)

    def _find(self, query: str) -> list[tuple[int, int]]:
        if not query:
            return []
        body = self.article.body.casefold()
        needle = query.casefold()
        found, start = [], body.find(needle)
        while start != -1:
            found.append((start, start + len(needle)))
            start = body.find(needle, start + 1)
        return found

    def _jump(self, forward: bool) -> None:
        matches = self.view.matches
        sentence = self.view.current_sentence
        if not matches or sentence is None:
            return
        if forward:
            after = [m for m in matches if m[0] >= sentence.end]
            target = after[0] if after else matches[0]
        else:
            before = [m for m in matches if m[0] < sentence.start]
            target = before[-1] if before else matches[-1]
        self.view.move_to_offset(target[0])

    def action_next_match(self) -> None:
        """Jump to the next search match."""
        self._jump(forward=True)

    def action_previous_match(self) -> None:
        """Jump to the previous search match."""
        self._jump(forward=False)

    # -- screens ----------------------------------------------------------

    def action_help(self) -> None:
        """Show every key."""
        self.app.push_screen(HelpScreen(self.BINDINGS))

    def action_back(self) -> None:
        """Back to the library (if the reader was opened from one)."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.notify("No library behind this article; ctrl+q quits.", markup=False)
