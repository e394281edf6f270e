"""Issue 12: `Y` that a journalist can paste — passages, no doubled quotation
marks, a citation with the paragraphs; and what the copy notice claims."""

from __future__ import annotations

from tests.test_ui_reader import messages, settle
from tui.exchange.quotes import Passage, format_quotes, has_quotation_marks, passages
from tui.store import AnnotationStore
from tui.text import parse_article
from tui.ui.app import AnnotateApp

ARTICLE = (
    "2024-05-01\n"
    "Talks Stall Again\n"
    "Example Wire\n\n"
    "The talks ended on Tuesday. Nobody was surprised.\n\n"
    "The minister spoke first. We will not sign this text. It is not a treaty. "
    "Then she left the room.\n\n"
    '"Talks or no talks, they don\'t make a difference anyway," he said. He smiled.\n\n'
    "‘It is over,’ said the envoy. “We go home,” she added. Then silence.\n"
)


def test_the_doubled_quote_of_the_issue_is_gone():
    text = format_quotes([Passage(6, '"Talks or no talks, they don\'t make a difference anyway," '
                                     'he said.')],
                         "Russia Unfazed", "Global Security Newswire", "2014-04-04")
    assert text == ('"Talks or no talks, they don\'t make a difference anyway," he said.\n'
                    "— Russia Unfazed, Global Security Newswire, 2014-04-04, ¶6")


def test_quotation_marks_of_every_style_but_not_apostrophes():
    assert has_quotation_marks('"Straight," he said.')
    assert has_quotation_marks("“Curly,” he said.")
    assert has_quotation_marks("‘Single curly,’ he said.")
    assert has_quotation_marks("'Single straight,' he said.")
    assert has_quotation_marks("«Guillemets», dit-il.")
    assert has_quotation_marks("„Deutsch“, sagte er.")
    assert not has_quotation_marks("We don't sign the ministers' text.")
    assert not has_quotation_marks("It’s over, the envoy’s aide said.")


def test_a_multi_passage_article_is_copied_as_passages_with_paragraphs():
    article = parse_article(ARTICLE, path="talks.txt")
    body = article.paragraphs
    quote = {  # the sentences tagged as quotes, by (paragraph, sentence)
        (2, 2), (2, 3),  # two in a row: one passage
        (3, 1),  # already in quotation marks: kept as it is
        (4, 1), (4, 2),  # two in a row, both quoted
    }
    spans = [(s.start, s.end) for p in body for s in p.sentences if (p.index, s.index) in quote]
    found = passages(article.body, spans, article.paragraphs.starts)
    assert found == [
        Passage(2, "We will not sign this text. It is not a treaty."),
        Passage(3, '"Talks or no talks, they don\'t make a difference anyway," he said.'),
        Passage(4, "‘It is over,’ said the envoy. “We go home,” she added."),
    ]
    assert format_quotes(found, article.title, article.source, article.date) == (
        "“We will not sign this text. It is not a treaty.”\n"
        '"Talks or no talks, they don\'t make a difference anyway," he said.\n'
        "‘It is over,’ said the envoy. “We go home,” she added.\n"
        "— Talks Stall Again, Example Wire, 2024-05-01, ¶2, ¶3, ¶4"
    )
    # A sentence between two quotes (untagged) splits them into two passages.
    apart = [(s.start, s.end) for s in body[1].sentences if s.index in (1, 3)]
    assert passages(article.body, apart, article.paragraphs.starts) == [
        Passage(2, "The minister spoke first."), Passage(2, "It is not a treaty.")]
    two = passages(article.body, apart, article.paragraphs.starts)
    assert format_quotes(two, "T", "", "") == (
        "“The minister spoke first.”\n“It is not a treaty.”\n— T, ¶2")


async def test_Y_says_it_sent_the_passages_through_osc52_and_how_to_enable_it(
        tmp_path, monkeypatch):
    import pyperclip

    def no_clipboard(text):
        raise pyperclip.PyperclipException("headless")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    monkeypatch.chdir(tmp_path)
    article = parse_article(ARTICLE, path=str(tmp_path / "talks.txt"))
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="t"), article=article,
                      exports=tmp_path / "exports")
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "l", "q", "l", "q", "j", "q", "Y")
        await settle(pilot)
        assert copied == [
            "“We will not sign this text. It is not a treaty.”\n"
            '"Talks or no talks, they don\'t make a difference anyway," he said.\n'
            "— Talks Stall Again, Example Wire, 2024-05-01, ¶2, ¶3"]
        assert messages(app)[-1] == (
            "Sent 2 passages (3 quotes) to the terminal clipboard (OSC 52); if it does not "
            "paste, the terminal blocks OSC 52 (in tmux: set -g set-clipboard on).")


async def test_Y_with_a_system_clipboard_says_copied(tmp_path, monkeypatch):
    import pyperclip

    pasted: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", pasted.append)
    monkeypatch.chdir(tmp_path)
    article = parse_article(ARTICLE, path=str(tmp_path / "talks.txt"))
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="t"), article=article,
                      exports=tmp_path / "exports")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "q", "Y")
        await settle(pilot)
        assert pasted == ['"Talks or no talks, they don\'t make a difference anyway," he said.\n'
                          "— Talks Stall Again, Example Wire, 2024-05-01, ¶3"]
        assert messages(app)[-1] == "Copied 1 passage to the system clipboard."


def test_a_big_osc52_copy_says_it_may_be_cut():
    """Many terminals take at most 100,000 bytes of OSC 52 payload (base64:
    4 bytes for 3); a copy over that is sent but may arrive cut or not at
    all, and the message says so with its size. Under it: no size talk."""
    from tui.exchange.clipboard import SYSTEM, TERMINAL, copy_message

    assert copy_message(TERMINAL, "sentence 1.1", 75_000) == (
        "Sent sentence 1.1 to the terminal clipboard (OSC 52); if it does not paste, the "
        "terminal blocks OSC 52 (in tmux: set -g set-clipboard on).")
    assert copy_message(TERMINAL, "40 passages", 75_001) == (
        "Sent 40 passages to the terminal clipboard (OSC 52), 100,004 bytes encoded: over "
        "the 100,000 many terminals accept, so it may arrive cut or not at all; copy less "
        "at once (in tmux also: set -g set-clipboard on).")
    assert copy_message(SYSTEM, "40 passages", 10_000_000) == (
        "Copied 40 passages to the system clipboard.")
