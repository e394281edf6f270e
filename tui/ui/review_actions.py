"""The reader's review keys, its tags panel and its note bar (issue 12, "The reader").

A mixin of :class:`tui.ui.screens.reader.ReaderScreen`, kept apart so the
reader stays one job per file. Keys (ids for the user keymap in brackets):

* ``]`` / ``[`` — next / previous tagged sentence, any label (reader.next_tagged,
  reader.previous_tagged);
* ``}`` / ``{`` — next / previous tag with the *same label*: the label the
  tags panel is filtered on while it is open and filtered, else the label of
  the tag under the cursor (reader.next_same_label, reader.previous_same_label);
* ``w`` / ``W`` — next / previous sentence with no tag (reader.next_untagged,
  reader.previous_untagged);
* ``t`` — show or hide the tags panel (reader.tags_panel).

Stepping wraps around the article and says so in one line ("No more tags
below: back to the first"); with nothing to step to it says that instead
and the cursor stays. These keys need the sentences and the tags: typed
before the database is open they are kept and replayed in order (they are in
the reader's ``SENTENCE_MOVES``).

The reader feeds the tag list (:class:`tui.ui.review_nav.TagList`) with
what the store returned: ``review_tags_loaded`` (all tags: the database
opened, another window wrote), ``review_tag_changed`` (one sentence after a
committed tag, untag, undo, redo or note) and ``review_anchors_loaded``
(fuzzy/orphan states were read: moved states are read too). The panel and
the note bar redraw from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from .article_view import SPLIT_IN_WORKER_CHARS
from .keymap import key_of
from .note_bar import NoteBar

if TYPE_CHECKING:  # imported when first used (t, ], w, a tag), not before the first frame
    from .review_nav import TagList
    from .tags_panel import TagsPanel

REVIEW_MOVES = {"next_tagged", "previous_tagged", "next_same_label", "previous_same_label",
                "next_untagged", "previous_untagged"}

REVIEW_BINDINGS = [
    Binding("right_square_bracket", "next_tagged", "Next tag", id="reader.next_tagged"),
    Binding("left_square_bracket", "previous_tagged", "Previous tag", show=False,
            id="reader.previous_tagged"),
    Binding("right_curly_bracket", "next_same_label", "Next tag, same label", show=False,
            id="reader.next_same_label"),
    Binding("left_curly_bracket", "previous_same_label", "Previous tag, same label", show=False,
            id="reader.previous_same_label"),
    Binding("w", "next_untagged", "Next untagged", show=False, id="reader.next_untagged"),
    Binding("W", "previous_untagged", "Previous untagged", show=False,
            id="reader.previous_untagged"),
    Binding("t", "tags_panel", "Tags", id="reader.tags_panel"),
]


class ReviewActions:
    """Review keys, the tags panel and the note bar (mixed into ReaderScreen)."""

    # Below 100 columns the tags panel goes under the article, not beside it
    # (Textual sets -narrow / -wide on the screen; tags_panel.py's CSS reads it).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    @property
    def review(self) -> TagList:
        """This article's tags with notes and anchor states, as committed."""
        tags = self.__dict__.get("_review_tags")
        if tags is None:
            from .review_nav import TagList

            tags = self.__dict__["_review_tags"] = TagList()
        return tags

    # -- fed by the reader --------------------------------------------------

    def review_tags_loaded(self, annotations) -> None:
        """All of this coder's tags of the article (attach, another window's writes)."""
        self.review.replace(annotations)
        self._review_redraw()
        # attach() puts the cursor on the saved position without a CursorMoved.
        self.call_after_refresh(self.review_cursor_moved)

    def review_tag_changed(self, key: tuple[int, int], annotation) -> None:
        """One sentence's tag as committed (None: it has none now)."""
        self.review.put(key, annotation)
        self._review_redraw()

    def review_anchors_loaded(self, unsettled) -> None:
        """Fuzzy and orphaned tags were read: read the tags and the moved ones too.

        The anchors screen (o) re-attaches and deletes tags without the
        reader's write path, and then has these states read: reading the
        tags again here keeps the panel true after it. The store thread runs
        calls in order, so a tag typed meanwhile lands after this read.
        """
        orphans = list(unsettled)
        fuzzy = {(item.start, item.end): "fuzzy" for item in orphans if item.anchor == "fuzzy"}
        self.review.set_anchors({**self.review.anchors, **fuzzy}, orphans)
        self._review_redraw()
        if self.doc is None or not self.doc.id:
            return
        self.calls.call(lambda store, doc: (store.annotations(doc), store.anchor_states(doc)),
                        self.doc, quiet=True,
                        done=lambda read: self._review_anchor_states(*read, orphans))

    def _review_anchor_states(self, annotations, states, orphans) -> None:
        if self._alive():
            self.review.replace(annotations)
            self.review.set_anchors(states, orphans)
            self._review_redraw()

    def review_database_failed(self) -> None:
        """The database could not be opened: a panel opened meanwhile says so."""
        for panel in self.query("TagsPanel").results():
            panel.database_failed()

    def review_cursor_moved(self) -> None:
        """The cursor moved: the note bar shows its sentence's note; the panel follows."""
        if not self._alive():
            return
        self._review_note()
        panel = self._review_panel()
        if panel is not None:
            panel.follow(self._review_here())

    def _review_redraw(self) -> None:
        if not self._alive():
            return
        self._review_note()
        panel = self._review_panel()
        if panel is not None:
            panel.update_rows()

    def _review_note(self) -> None:
        bars = list(self.query(NoteBar).results())
        if not bars:
            return
        sentence = self.view.current_sentence
        note = self.review.note_at((sentence.start, sentence.end)) if sentence else ""
        bars[0].show(note, visible=self.doc is not None and self.review.has_notes())

    def _review_panel(self) -> TagsPanel | None:
        panels = list(self.query("TagsPanel").results())
        return panels[0] if panels and panels[0].display else None

    # -- keys ---------------------------------------------------------------

    def _review_here(self) -> int:
        """The cursor's body offset: its sentence's start, else its paragraph's."""
        view = self.view
        sentence = view.current_sentence
        if sentence is not None:
            return sentence.start
        paragraphs = self.article.paragraphs
        return paragraphs[view.paragraph - 1].start if paragraphs else 0

    def _review_jump_tag(self, forward: bool, label: str | None) -> None:
        from .review_nav import step_tag

        labels = self.view.labels
        step = step_tag(labels, self._review_here(), forward, label)
        which = f"{label} tags" if label else "tagged sentences"
        if step is None:
            self._say(f"No {which} in this article.")
            return
        if step.wrapped:
            if step.start == self._review_here():
                self._say(f"This is the only one of the {which}.")
                return
            self._say(f"No more {which} {'below' if forward else 'above'}: "
                      f"back to the {'first' if forward else 'last'}.")
        self.view.move_to_offset(step.start)

    def action_next_tagged(self) -> None:
        """Next tagged sentence, any label (wraps to the first)."""
        self._navigate("next_tagged", lambda: self._review_jump_tag(True, None))

    def action_previous_tagged(self) -> None:
        """Previous tagged sentence, any label (wraps to the last)."""
        self._navigate("previous_tagged", lambda: self._review_jump_tag(False, None))

    def _review_label(self) -> str | None:
        """The label } and { follow: the panel's filter, else the cursor's tag's."""
        panel = self._review_panel()
        if panel is not None and panel.label is not None:
            return panel.label
        sentence = self.view.current_sentence
        if sentence is None:
            return None
        return self.view.labels.get((sentence.start, sentence.end))

    def _review_same_label(self, forward: bool) -> None:
        label = self._review_label()
        if label is None:
            app = self.app  # the keys named are the ones bound now (the user's keymap)
            self._say(f"{key_of(app, 'reader.next_same_label')} and "
                      f"{key_of(app, 'reader.previous_same_label')} follow the label of the tag "
                      f"under the cursor: this sentence has none "
                      f"({key_of(app, 'reader.next_tagged')} goes to the next tag).")
            return
        self._review_jump_tag(forward, label)

    def action_next_same_label(self) -> None:
        """Next tag with the same label as the cursor's tag (or the panel's filter)."""
        self._navigate("next_same_label", lambda: self._review_same_label(True))

    def action_previous_same_label(self) -> None:
        """Previous tag with the same label as the cursor's tag (or the panel's filter)."""
        self._navigate("previous_same_label", lambda: self._review_same_label(False))

    def _review_untagged(self, forward: bool) -> None:
        view, paragraphs = self.view, self.article.paragraphs

        def sentences_of(index: int):
            paragraph = paragraphs[index]
            # A long paragraph is split by the view in a worker, never here.
            long = paragraph.end - paragraph.start > SPLIT_IN_WORKER_CHARS
            if long and not paragraph.has_sentences:
                return None
            return paragraph.sentences

        sentence = view.sentence if view.current_sentence is not None else 0
        from .review_nav import step_untagged

        step = step_untagged(len(paragraphs), sentences_of, view.labels, view.paragraph,
                             sentence, forward)
        if step is None:
            self._say("Every sentence is tagged." if paragraphs else "No sentences here.")
            return
        if step.wrapped:
            self._say(f"No more untagged sentences {'below' if forward else 'above'}: "
                      f"back to the {'first' if forward else 'last'}.")
        view.move_to(step.paragraph, step.sentence or 1)

    def action_next_untagged(self) -> None:
        """Next sentence without a tag (wraps to the first)."""
        self._navigate("next_untagged", lambda: self._review_untagged(True))

    def action_previous_untagged(self) -> None:
        """Previous sentence without a tag (wraps to the last)."""
        self._navigate("previous_untagged", lambda: self._review_untagged(False))

    # -- the panel ----------------------------------------------------------

    def action_tags_panel(self) -> None:
        """Show the tags panel (and give it the keys), or hide it."""
        if self._open_failed:
            self._say("No tags to list: the database is not open.")
            return
        panels = list(self.query("TagsPanel").results())
        if panels and panels[0].display:
            panels[0].display = False
            self.view.focus()
            return
        if panels:
            panel = panels[0]
            panel.display = True
            panel.update_rows()
            panel.follow(self._review_here())
        else:
            from .tags_panel import TagsPanel  # loaded when first shown

            panel = TagsPanel(self.review, id="tags-panel")
            self.query_one("#reader-body").mount(panel)  # its rows are read on mount
            self.call_after_refresh(lambda: panel.follow(self._review_here()))
        panel.focus()

    def on_tags_panel_jump(self, event: TagsPanel.Jump) -> None:
        """Enter or a click in the panel: the article's cursor goes to that tag."""
        row = event.row
        if row.paragraph is None:
            self._say("That tag's sentence is no longer in the text (orphan): "
                      f"{key_of(self.app, 'reader.anchors')} lists orphans to re-attach or delete.")
            return
        if self.doc is None:
            return
        self.view.move_to_offset(row.start)
