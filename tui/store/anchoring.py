"""Re-attaching tags (and undo steps, and the reading position) to an edited text.

Each thing placed on a sentence of the old text (an *item*) is re-attached to
the new text in order of confidence, and records how (``anchor``):

``exact``
    Same sentence text at the same place: its paragraph is unchanged and in
    the same order, or it is in the edited stretch that replaced its
    paragraph with its surroundings (32 characters each side) at most
    lightly edited.
``moved``
    Same sentence text elsewhere (a paragraph moved or split, a sentence added
    next to it). Among several identical sentences the one whose stored
    context fits best, then the one nearest the old place, wins.
``fuzzy``
    No sentence has the old text, but one in the edited stretch is clearly
    its edited version (a typo fixed, a number changed, a word inserted):
    rapidfuzz's ratio of the texts, with the contexts, is at least
    :data:`FUZZY_MIN` and beats the runner-up by :data:`FUZZY_MARGIN`.
``orphan``
    Nothing qualifies: the tag is kept with its old text and offsets, listed
    and exported, never placed on a guess.

Cost stays near linear: paragraphs are aligned once (rapidfuzz's
Levenshtein opcodes over the list of paragraph texts, bit-parallel), items in
unchanged paragraphs move by an offset without segmenting anything, exact
text is found through a dict of the edited paragraphs' sentences, and fuzzy
scoring compares a leftover only with the sentences of its own edited
stretch, never all against all. Two items never land on one sentence.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..text import Article, split_sentences

CONTEXT_CHARS = 32
ANCHORS = ("exact", "moved", "fuzzy", "orphan")
# Fuzzy placement: combined score (0-100) = 80 % text ratio + 10 % each
# context ratio. 85 takes a fixed typo, a changed number or an inserted word
# in a news sentence (ratios 90-99 on the Wikinews bench) and refuses two
# different sentences of one paragraph (ratios 30-65); see bench/reanchor.py.
FUZZY_MIN = 85.0
# rapidfuzz's score_cutoff for the text (a speed-up, not a second rule): a
# text below this cannot reach FUZZY_MIN even with both contexts perfect
# (0.8 x 81.25 + 20 = 85), so scoring stops early for those.
FUZZY_TEXT_MIN = (FUZZY_MIN - 20) / 0.8
# The best candidate must beat the second by this much, or the tag stays an
# orphan: a guess between two near-equal sentences is not "clearly" one.
FUZZY_MARGIN = 5.0
# Same text within its own edited stretch counts as exact when the contexts
# still match this well (mean rapidfuzz ratio of before and after, 0-1).
SAME_CONTEXT = 0.8
# Items may prefer a candidate by context (90 %) and by nearness (10 %).
CONTEXT_WEIGHT = 0.9


def context_around(body: str, start: int, end: int) -> tuple[str, str]:
    """Up to 32 characters of ``body`` before ``start`` and after ``end``."""
    return body[max(0, start - CONTEXT_CHARS):start], body[end:end + CONTEXT_CHARS]


def sentence_index(article: Article) -> dict[str, list[tuple[int, int, int, int]]]:
    """Map sentence text to (paragraph, sentence, start, end) of each occurrence."""
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    for paragraph in article.paragraphs:
        for sentence in paragraph.sentences:
            found.setdefault(sentence.text, []).append(
                (paragraph.index, sentence.index, sentence.start, sentence.end)
            )
    return found


@dataclass(frozen=True)
class Item:
    """Something placed on one sentence of the old text.

    ``placed`` is False for an orphan from an earlier edit: its offsets do
    not point into the old text, so only its exact text can bring it back.
    """

    key: Hashable
    start: int
    end: int
    text: str
    before: str
    after: str
    sentence: int | None = None
    placed: bool = True


@dataclass(frozen=True)
class Placement:
    """Where an item goes in the new text, and how sure that is."""

    paragraph: int
    sentence: int
    start: int
    end: int
    text: str
    before: str
    after: str
    anchor: str


@dataclass
class _Block:
    """One stretch of the paragraph alignment (old i1:i2 -> new j1:j2)."""

    tag: str
    i1: int
    i2: int
    j1: int
    j2: int


class Aligner:
    """The old text's paragraphs aligned with the new article's."""

    def __init__(self, old_body: str, article: Article) -> None:
        self.old_body = old_body
        self.article = article
        self.body = article.body
        self.old_texts = old_body.split("\n\n") if old_body else []
        self.old_starts: list[int] = []
        offset = 0
        for text in self.old_texts:
            self.old_starts.append(offset)
            offset += len(text) + 2
        self.new = article.paragraphs
        new_texts = [p.text for p in self.new]
        self.blocks: list[_Block] = []
        self.block_of: list[_Block] = []  # per old paragraph
        self.changed: set[int] = set()  # new paragraph indexes (0-based) not equal
        for op in Levenshtein.opcodes(self.old_texts, new_texts):
            block = _Block(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
            self.blocks.append(block)
            self.block_of.extend([block] * (op.src_end - op.src_start))
            if op.tag != "equal":
                self.changed.update(range(op.dest_start, op.dest_end))
        # The edited stretch of each changed old paragraph: every new
        # paragraph between the unchanged ones around it.
        self.gap: list[range] = [range(0)] * len(self.old_texts)
        run: list[_Block] = []
        for block in [*self.blocks, None]:
            if block is not None and block.tag != "equal":
                run.append(block)
                continue
            if run:
                stretch = range(run[0].j1, run[-1].j2)
                for item in run:
                    for i in range(item.i1, item.i2):
                        self.gap[i] = stretch
                run = []
        self._sentences: dict[int, list[tuple[int, int, int, str]]] = {}

    def old_paragraph(self, start: int) -> int:
        """The 0-based old paragraph holding offset ``start``."""
        return max(0, bisect.bisect_right(self.old_starts, start) - 1)

    def expected(self, start: int) -> int:
        """Where offset ``start`` of the old text most likely is now."""
        if not self.old_starts or not self.new:
            return 0
        i = self.old_paragraph(start)
        block = self.block_of[i] if i < len(self.block_of) else self.blocks[-1]
        j = min(block.j1 + (i - block.i1 if block.tag == "equal" else 0), len(self.new) - 1)
        return self.new[j].start + (start - self.old_starts[i])

    def window(self, start: int) -> range:
        """The new paragraphs (0-based) an edited old paragraph may have become."""
        i = self.old_paragraph(start)
        return self.gap[i] if i < len(self.gap) else range(0)

    def sentences(self, j: int) -> list[tuple[int, int, int, str]]:
        """(sentence index, start, end, text) of new paragraph ``j`` (0-based)."""
        found = self._sentences.get(j)
        if found is None:
            paragraph = self.new[j]
            found = [(index, paragraph.start + a, paragraph.start + b, paragraph.text[a:b])
                     for index, (a, b) in enumerate(split_sentences(paragraph.text), start=1)]
            self._sentences[j] = found
        return found

    def same_place(self, start: int, j: int) -> bool:
        """True if new paragraph ``j`` is where old offset ``start``'s paragraph went."""
        return j in self.window(start)


def plan(old_body: str, article: Article, items: Iterable[Item]) -> dict[Hashable, Placement | None]:
    """Re-attach every item to the new text; None for an orphan."""
    aligner = Aligner(old_body, article)
    body = article.body
    result: dict[Hashable, Placement | None] = {}
    taken: set[tuple[int, int]] = set()
    leftovers: list[Item] = []

    # 1. Unchanged paragraphs at the same place: shift by the paragraph's offset.
    for item in items:
        result[item.key] = None
        if not item.placed or not aligner.old_starts:
            leftovers.append(item)
            continue
        i = aligner.old_paragraph(item.start)
        block = aligner.block_of[i] if i < len(aligner.block_of) else None
        if block is None or block.tag != "equal":
            leftovers.append(item)
            continue
        j = block.j1 + (i - block.i1)
        paragraph = aligner.new[j]
        start = item.start + paragraph.start - aligner.old_starts[i]
        end = start + (item.end - item.start)
        if body[start:end] != item.text or (start, end) in taken or item.sentence is None:
            leftovers.append(item)
            continue
        taken.add((start, end))
        result[item.key] = Placement(paragraph.index, item.sentence, start, end, item.text,
                                     *context_around(body, start, end), "exact")

    if not leftovers:
        return result
    # 2. The same text in an edited stretch: by context, then nearness.
    by_text: dict[str, list[tuple[int, int, int, int]]] = {}
    for j in sorted(aligner.changed):
        for index, start, end, text in aligner.sentences(j):
            by_text.setdefault(text, []).append((j, index, start, end))
    pairs = []
    length = max(1, len(body))
    for order, item in enumerate(leftovers):
        candidates = by_text.get(item.text)
        if not candidates:
            continue
        expected = aligner.expected(item.start) if item.placed else item.start
        for j, index, start, end in candidates:
            before, after = context_around(body, start, end)
            context = (fuzz.ratio(item.before, before) + fuzz.ratio(item.after, after)) / 200
            near = 1 - abs(start - expected) / length
            score = CONTEXT_WEIGHT * context + (1 - CONTEXT_WEIGHT) * near
            # Exact: in its own edited stretch, with surroundings at most
            # lightly edited (a neighbour's typo does not make it "moved").
            same = (item.placed and context >= SAME_CONTEXT
                    and aligner.same_place(item.start, j))
            pairs.append((-score, order, item, Placement(j + 1, index, start, end, item.text,
                                                         before, after,
                                                         "exact" if same else "moved")))
    _assign(pairs, result, taken)

    # 3. Fuzzy: a leftover against the free sentences of its own edited stretch.
    pairs = []
    for order, item in enumerate(leftovers):
        if result[item.key] is not None or not item.placed:
            continue
        scored = []
        for j in aligner.window(item.start):
            if j not in aligner.changed:
                continue
            for index, start, end, text in aligner.sentences(j):
                if (start, end) in taken:
                    continue
                text_score = fuzz.ratio(item.text, text, score_cutoff=FUZZY_TEXT_MIN)
                if not text_score:
                    continue
                before, after = context_around(body, start, end)
                score = (0.8 * text_score + 0.1 * fuzz.ratio(item.before, before)
                         + 0.1 * fuzz.ratio(item.after, after))
                scored.append((score, Placement(j + 1, index, start, end, text, before, after,
                                                "fuzzy")))
        scored.sort(key=lambda pair: -pair[0])
        if not scored or scored[0][0] < FUZZY_MIN:
            continue
        if len(scored) > 1 and scored[0][0] - scored[1][0] < FUZZY_MARGIN:
            continue  # two near-equal candidates: not clearly one of them
        pairs.append((-scored[0][0], order, item, scored[0][1]))
    _assign(pairs, result, taken)
    return result


def _assign(pairs: list, result: dict, taken: set[tuple[int, int]]) -> None:
    """Best score first; an item or a sentence is used once."""
    pairs.sort(key=lambda pair: (pair[0], pair[1]))
    for _, _, item, placement in pairs:
        if result[item.key] is not None or (placement.start, placement.end) in taken:
            continue
        taken.add((placement.start, placement.end))
        result[item.key] = placement


def position_item(old_body: str, paragraph: int, sentence: int) -> Item | None:
    """The reading position (1-based paragraph, sentence) as an item of the old text."""
    texts = old_body.split("\n\n") if old_body else []
    if not 1 <= paragraph <= len(texts):
        return None
    start_of = sum(len(t) + 2 for t in texts[:paragraph - 1])
    spans = split_sentences(texts[paragraph - 1])
    if not spans:
        return None
    a, b = spans[min(max(sentence, 1), len(spans)) - 1]
    start, end = start_of + a, start_of + b
    return Item("position", start, end, old_body[start:end],
                *context_around(old_body, start, end), sentence=min(max(sentence, 1), len(spans)))


@dataclass(frozen=True)
class Reanchored:
    """What re-anchoring did: tags per anchor state, the new reading position."""

    counts: dict[str, int]
    position: tuple[int, int]
    history_dropped: int = 0


def _key(start: int, end: int) -> tuple[str, int, int]:
    return ("s", start, end)


def reanchor(db, article_id: int, old_body: str, article: Article,
             position: tuple[int, int] = (1, 1)) -> Reanchored:
    """Re-place the article's tags, undo steps and reading position in its new text.

    Runs inside the caller's write transaction. Tags keep their label, note,
    author and times; their text and context follow the sentence they now sit
    on (an orphan keeps its old text, offsets and context). Undo steps are
    rewritten to the new offsets; a step whose sentence is gone is dropped.
    """
    conn = db.conn if hasattr(db, "conn") else db
    rows = conn.execute(
        'SELECT id, paragraph, sentence, start, "end", text, context_before, context_after, '
        "anchor, old_text, old_position FROM annotations WHERE article_id = ?", [article_id]
    ).fetchall()
    items: dict[Hashable, Item] = {}
    for (row_id, paragraph, sentence, start, end, text, before, after, *_rest) in rows:
        if paragraph is None:
            items[("o", row_id)] = Item(("o", row_id), start, end, text, before, after, placed=False)
        else:
            key = _key(start, end)
            items.setdefault(key, Item(key, start, end, text, before, after, sentence))
    history_cols = {r[1] for r in conn.execute("PRAGMA table_info(history)")}
    steps = conn.execute("SELECT id, before, after FROM history WHERE article_id = ?",
                         [article_id]).fetchall()
    parsed = []
    for step_id, before_json, after_json in steps:
        sides = [json.loads(side) if side else None for side in (before_json, after_json)]
        parsed.append((step_id, sides))
        for side in sides:
            if side and side.get("paragraph") is not None:
                key = _key(side["start"], side["end"])
                items.setdefault(key, Item(key, side["start"], side["end"], side["text"],
                                           side.get("context_before", ""),
                                           side.get("context_after", ""), side.get("sentence")))
    where = position_item(old_body, *position)
    if where is not None:
        items.setdefault(_key(where.start, where.end),
                         Item(_key(where.start, where.end), where.start, where.end, where.text,
                              where.before, where.after, where.sentence))
    placed = plan(old_body, article, items.values())

    counts = dict.fromkeys(ANCHORS, 0)
    # Park every placed tag first, so the one-tag-per-sentence index does not
    # trip while tags move past one another.
    conn.execute("UPDATE annotations SET paragraph = NULL, sentence = NULL "
                 "WHERE article_id = ? AND paragraph IS NOT NULL", [article_id])
    updates, orphans = [], []
    for (row_id, paragraph, sentence, start, end, text, before, after, anchor, old_text,
         old_position) in rows:
        spot = placed[("o", row_id) if paragraph is None else _key(start, end)]
        if spot is None:
            if paragraph is not None:
                orphans.append([f"{paragraph}.{sentence}", row_id])
            counts["orphan"] += 1
            continue
        state = spot.anchor
        if anchor == "fuzzy" and state in ("exact", "moved"):
            state = "fuzzy"  # a guess stays marked until someone accepts it
        if state == "fuzzy":
            old_text = old_text or (text if text != spot.text else "")
            old_position = old_position or (f"{paragraph}.{sentence}" if paragraph else "")
        else:
            old_text = old_position = ""
        counts[state] += 1
        updates.append([spot.paragraph, spot.sentence, spot.start, spot.end, spot.text,
                        spot.before, spot.after, state, old_text, old_position, row_id])
    conn.executemany(
        'UPDATE annotations SET paragraph = ?, sentence = ?, start = ?, "end" = ?, text = ?, '
        "context_before = ?, context_after = ?, anchor = ?, old_text = ?, old_position = ? "
        "WHERE id = ?", updates)
    conn.executemany("UPDATE annotations SET anchor = 'orphan', old_position = ? WHERE id = ?",
                     orphans)

    dropped = _reanchor_history(conn, parsed, placed, "start" in history_cols)
    if where is not None and placed.get(_key(where.start, where.end)) is not None:
        spot = placed[_key(where.start, where.end)]
        new_position = (spot.paragraph, spot.sentence)
    else:
        new_position = _nearest_paragraph(old_body, article, where.start if where else 0)
    return Reanchored(counts, new_position, dropped)


def _reanchor_history(conn, parsed, placed, has_columns: bool) -> int:
    """Rewrite each undo step to the new offsets; drop steps whose sentence is gone.

    The before/after JSON (fields of Annotation) always; the ``start``/``end``
    columns too once migration m002 (keying history on the sentence) has
    added them. A step whose sentence no longer exists could only be replayed
    onto the wrong text, so it is dropped (its tag itself is kept, as an orphan).
    """
    dropped, rewrites = [], []
    for step_id, sides in parsed:
        new_sides = []
        gone = False
        for side in sides:
            if side is None or side.get("paragraph") is None:
                new_sides.append(side)
                continue
            spot = placed.get(_key(side["start"], side["end"]))
            if spot is None:
                gone = True
                break
            new_sides.append({**side, "paragraph": spot.paragraph, "sentence": spot.sentence,
                              "start": spot.start, "end": spot.end, "text": spot.text,
                              "context_before": spot.before, "context_after": spot.after})
        if gone:
            dropped.append([step_id])
            continue
        # The step's sentence, as the store records it: after's, else before's.
        key = new_sides[1] or new_sides[0]
        rewrites.append((
            *[json.dumps(s, ensure_ascii=False) if s is not None else None for s in new_sides],
            key["start"] if key else None, key["end"] if key else None, step_id))
    if has_columns:
        conn.executemany('UPDATE history SET before = ?, after = ?, start = ?, "end" = ? '
                         "WHERE id = ?", rewrites)
    else:
        conn.executemany("UPDATE history SET before = ?, after = ? WHERE id = ?",
                         [(b, a, i) for b, a, _s, _e, i in rewrites])
    conn.executemany("DELETE FROM history WHERE id = ?", dropped)
    return len(dropped)


def _nearest_paragraph(old_body: str, article: Article, start: int) -> tuple[int, int]:
    """The paragraph where old offset ``start`` most likely is now (its first sentence)."""
    if not article.paragraphs:
        return (1, 1)
    offset = Aligner(old_body, article).expected(start)
    starts = [p.start for p in article.paragraphs]
    return (max(1, bisect.bisect_right(starts, offset)), 1)
