"""Adjudication (issue 13): step through the sentences where coders disagree
and record the settled label as the adjudicating coder (``gold`` by default).

The reader, with three changes: its store's coder is the adjudicator, so
`c`/`q`/`b`, `x`, `a`, `u`/`ctrl+r` write and undo the adjudicator's tags
like any tag; `d`/`D` jump to the next/previous disagreement; the status
line says how many are settled and shows each coder's label and note on
the cursor's sentence (through printable(): names and notes are data).
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content

from ...text.safe import printable
from .reader import ReaderScreen


class AdjudicateScreen(ReaderScreen):
    """The reader in adjudication mode (`tui read PATH --adjudicate`)."""

    # A second status line: progress and the coders' labels.
    DEFAULT_CSS = "AdjudicateScreen #status { height: 2; }"

    # d/D step through disagreements here; the reader's D (mark done) is not
    # an adjudicator's key, so it gives way.
    BINDINGS = [
        *(binding for binding in ReaderScreen.BINDINGS if binding.id != "reader.done"),
        Binding("d", "next_disagreement", "Next disagreement", id="adjudicate.next"),
        Binding("D", "previous_disagreement", "Prev disagreement", show=False,
                id="adjudicate.previous"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.disputes: dict[tuple[int, int], dict[str, tuple[str, str]]] = {}

    def attach(self, store, doc, annotations, *rest) -> None:
        """Then load the disagreements (the adjudicator's own tags left out) on
        the store thread, and put the cursor on the first one not settled."""
        super().attach(store, doc, annotations, *rest)
        if self.doc is not None:
            self.calls.call(lambda store, doc: store.disagreements(doc, exclude=(store.annotator,)),
                            self.doc, done=self._disputes_known, what="Can't list disagreements")

    def _disputes_known(self, disputes) -> None:
        if not self._alive():
            return
        self.disputes = disputes
        if not disputes:
            self._say("No disagreements in this article.")
        else:
            self._jump_to_dispute(forward=True, unsettled=True)
        self._update_status()

    def _status_text(self, view) -> Content:
        base = super()._status_text(view)
        if self.doc is None:
            return base
        settled = sum(1 for key in self.disputes if key in view.labels)
        sentence = view.current_sentence
        here = self.disputes.get((sentence.start, sentence.end)) if sentence is not None else None
        if here is None:
            coders = "agreed or untagged"
        else:
            coders = " | ".join(f"{name} {label}" + (f" ({note})" if note else "")
                                for name, (label, note) in here.items())
        line = printable(f"{settled} of {len(self.disputes)} disagreements settled · {coders}")
        return Content(f"{line}\n") + base

    def action_next_disagreement(self) -> None:
        """The next sentence where the coders disagree."""
        self._jump_to_dispute(forward=True)

    def action_previous_disagreement(self) -> None:
        """The previous sentence where the coders disagree."""
        self._jump_to_dispute(forward=False)

    def _jump_to_dispute(self, forward: bool, unsettled: bool = False) -> None:
        view = self.view
        if not self.disputes or not view.ready:
            return
        current = view.current_sentence
        here = current.start if current is not None else -1
        starts = sorted(self.disputes)
        if unsettled:
            starts = [key for key in starts if key not in view.labels] or starts
            target = starts[0]
        elif forward:
            target = next((key for key in starts if key[0] > here), starts[0])
        else:
            target = next((key for key in reversed(starts) if key[0] < here), starts[-1])
        view.move_to_offset(target[0])
