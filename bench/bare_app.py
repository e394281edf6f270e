"""The baseline for bench/reader.py: a bare Textual app showing one Static.

`j`, `k`, `l`, `g`, `G` and `c` change the text, so a key costs one repaint, as in
the reader.
"""

from textual.app import App, ComposeResult
from textual.widgets import Static


class BareApp(App):
    """One Static; j/k update it."""

    BINDINGS = [("j", "bump(1)", "Down"), ("k", "bump(-1)", "Up"), ("c", "bump(0)", "Tag"),
                ("l", "bump(1)", "Next"),
                ("G", "bump(100)", "End"), ("g", "bump(-100)", "Home")]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static("Hello bench 0", id="text", markup=False)

    def action_bump(self, step: int) -> None:
        self.count += step or 1
        self.query_one("#text", Static).update(f"Hello bench {self.count}")


if __name__ == "__main__":
    BareApp().run()
