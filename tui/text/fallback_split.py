"""A pure-Python sentence splitter for machines where blingfire cannot load.

blingfire ships x86-64 binaries only: on Apple Silicon or ARM Linux its
import fails (OSError from ctypes), or its first call does. Rather than a
traceback, :mod:`tui.text.segment` then takes its boundaries from
:func:`fallback_cuts` and every article carries :data:`FALLBACK_WARNING`,
so the user knows the splits are rougher than usual.

The rule is deliberately simple: a sentence ends at ``.``, ``!``, ``?`` or
``…`` (after any closing quotes or brackets) followed by white space and a
capital letter, a digit or an opening quote/bracket. The segmenter's own
corrections (lists, lower-case attributions, no space after a full stop)
still apply on top, and spans are built from the cut positions, so they
tile the paragraph exactly as blingfire's do.
"""

from __future__ import annotations

import re

FALLBACK_WARNING = (
    "the sentence splitter blingfire could not be loaded on this machine; "
    "sentences are split by a simpler built-in rule"
)

# End punctuation, any closing quotes/brackets, then white space. The next
# character is checked in code: re has no class for "upper-case letter".
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
_OPENERS = "\"'“‘«([¿¡"
# Common abbreviations before a capital that do not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt lt col gen gov sen rep rev sgt capt maj cmdr "
    "adm pres inc ltd co corp no vs etc jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def fallback_cuts(text: str) -> set[int]:
    """Positions in ``text`` where a new sentence starts (never 0)."""
    cuts: set[int] = set()
    for match in _END.finditer(text):
        cut = match.end()
        if cut >= len(text):
            continue
        following = text[cut]
        if not (following.isupper() or following.isdigit() or following in _OPENERS):
            continue
        # The word before the stop; a short window keeps this linear.
        before = text[max(0, match.start() - 40):match.start()].split()
        if text[match.start()] == "." and before and _is_abbreviation(before[-1]):
            continue
        cuts.add(cut)
    return cuts


def _is_abbreviation(word: str) -> bool:
    """True for "Mr", "Gen", "U.S" or a single initial such as "M"."""
    bare = word.lstrip("\"'“‘([")
    if bare.lower() in _ABBREVIATIONS:
        return True
    # An initial ("M. Elaine") or dotted letters ("U.S. officials").
    return len(bare) == 1 and bare.isalpha() or bool(re.fullmatch(r"(?:\w\.)+\w", bare))
