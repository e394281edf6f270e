"""An article's quotes as a journalist pastes them: passages and a citation.

Quote sentences that follow one another in one paragraph are one passage
(the text between them, white space, is kept as it is). A passage is put in
“curly quotes” only if it carries no quotation marks of its own: a tagged
sentence such as ``"Talks or no talks," he said.`` already shows where the
quote is, and wrapping it again gave ``“"Talks or no talks," he said.”``.
The text itself is never changed: a quote is copied exactly. The last line
cites title, outlet, date and the paragraph(s):
``— Title, Outlet, 2024-05-01, ¶4, ¶6``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Double quotation marks of any style, guillemets, CJK corner brackets, and
# the opening single curly and low-9 quotes (never used as apostrophes).
_MARKS = re.compile("[\"“”„‟«»‹›〝〞＂「」『』‘‚]"
                    # A single straight or curly quote opening a word ('Talks…),
                    # unlike an apostrophe inside or at the end of one (don't).
                    r"|(?:^|(?<=[\s(\[{—–-]))['’](?=\w)")


@dataclass(frozen=True)
class Passage:
    """Quote sentences in a row from one paragraph (1-based), as one text."""

    paragraph: int
    text: str


def has_quotation_marks(text: str) -> bool:
    """True if ``text`` carries quotation marks of its own (an apostrophe is not one)."""
    return _MARKS.search(text) is not None


def passages(body: str, spans: Iterable[tuple[int, int]],
             paragraph_starts: Sequence[int]) -> list[Passage]:
    """Group quote sentences (``(start, end)`` body offsets) into passages.

    Two sentences join when they are in the same paragraph and only white
    space lies between them (sentences tile a paragraph: anything else
    between them is an untagged or otherwise tagged sentence).
    """
    groups: list[list[int]] = []  # [paragraph, start, end]
    for start, end in sorted(spans):
        paragraph = bisect_right(paragraph_starts, start)
        last = groups[-1] if groups else None
        if last and last[0] == paragraph and not body[last[2]:start].strip():
            last[2] = max(last[2], end)
        else:
            groups.append([paragraph, start, end])
    return [Passage(paragraph, body[start:end].strip()) for paragraph, start, end in groups]


def quoted(text: str) -> str:
    """``text`` in “curly quotes”, unless it has quotation marks of its own."""
    return text if has_quotation_marks(text) else f"“{text}”"


def citation(title: str, source: str, date: str, paragraphs: Iterable[int]) -> str:
    """``— title, source, date, ¶4, ¶6`` (empty parts left out)."""
    numbers = list(dict.fromkeys(paragraphs))  # in order, once each
    parts = [title, source, date, ", ".join(f"¶{n}" for n in numbers)]
    return "— " + ", ".join(part for part in parts if part)


def format_quotes(quotes: Iterable[Passage | str], title: str, source: str, date: str) -> str:
    """Each passage on its own line, then the citation line.

    Plain strings are accepted as passages of an unknown paragraph.
    """
    lines, paragraphs = [], []
    for quote in quotes:
        if isinstance(quote, Passage):
            paragraphs.append(quote.paragraph)
            quote = quote.text
        lines.append(quoted(quote))
    lines.append(citation(title, source, date, paragraphs))
    return "\n".join(lines)
