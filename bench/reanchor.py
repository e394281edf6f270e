"""Re-anchoring benchmark on real text: are tags kept on the right sentence after edits?

    uv run python bench/reanchor.py [--no-timing] [--articles N]

Part 1 (edit kinds). Each Wikinews article of ../shared/corpus/news is
opened, every sentence tagged, then the file is edited the way newsrooms edit
(a typo fixed, a number changed, a word inserted, a sentence added, a sentence
deleted, a sentence rewritten, a paragraph moved, a paragraph split in two,
the headline changed) and reopened. Each edit knows where every old sentence
went, so each tag is counted as placed on the RIGHT sentence (by anchor:
exact, moved, fuzzy), placed on a WRONG sentence (must be 0), or orphaned
(``lost`` when its sentence still exists in some form, else correctly
orphaned because its sentence was deleted).

Part 2 (timing). One 10,000-paragraph article of real paragraphs with
10,000 tags, re-anchored after a one-paragraph edit and after 10% of its
sentences changed: the median of 3 runs of ``open_article`` (parsing the
file is not counted). Targets: <= 0.5 s and <= 2 s.

The same edit-kind check, on three articles copied into tests/fixtures/news,
runs in tests/test_identity_real.py.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.store import AnnotationStore  # noqa: E402
from tui.store.anchoring import context_around  # noqa: E402
from tui.store.database import write_transaction  # noqa: E402
from tui.text import load_article, parse_article  # noqa: E402

NEWS = ROOT.parent / "shared" / "corpus" / "news"
LABELS = ("claim", "quote", "background")

# A paragraph is a list of (origin, sentence text); origin is the index of the
# sentence in the original article, or None for a sentence the edit added.
Structure = list[list[tuple[int | None, str]]]


@dataclass
class Doc:
    """An article as header lines and a structure of sentences."""

    header: list[str]
    paragraphs: Structure

    def text(self) -> str:
        """The file's text."""
        body = "\n\n".join(" ".join(s for _, s in p) for p in self.paragraphs)
        return "\n".join(self.header) + "\n\n" + body + "\n"

    def spans(self) -> dict[tuple[int, int], int | None]:
        """(start, end) in the body -> origin, for each sentence."""
        found, offset = {}, 0
        for paragraph in self.paragraphs:
            for number, (origin, text) in enumerate(paragraph):
                found[(offset, offset + len(text))] = origin
                offset += len(text) + (1 if number < len(paragraph) - 1 else 0)
            offset += 2
        return found

    def copy(self) -> Doc:
        """A deep copy."""
        return Doc(list(self.header), [list(p) for p in self.paragraphs])


def load_doc(path: Path) -> Doc | None:
    """The article as our segmenter splits it; None if rebuilding it is not exact."""
    raw = path.read_text(encoding="utf-8")
    header = raw.split("\n\n", 1)[0].split("\n")
    article = parse_article(raw, path=str(path))
    number = 0
    paragraphs: Structure = []
    for paragraph in article.paragraphs:
        items = []
        for sentence in paragraph.sentences:
            items.append((number, sentence.text))
            number += 1
        paragraphs.append(items)
    doc = Doc(header, paragraphs)
    # Keep only articles whose rebuilt text splits back into the same sentences.
    again = parse_article(doc.text(), path=str(path))
    if [s.text for p in again.paragraphs for s in p.sentences] != [
            s for p in paragraphs for _, s in p]:
        return None
    return doc


# -- the edits ------------------------------------------------------------------------------

def _target(doc: Doc, test: Callable[[str], bool] = lambda s: True,
            paragraph_test: Callable[[list], bool] = lambda p: True) -> tuple[int, int] | None:
    """A sentence near the middle of the article that passes ``test``."""
    places = [(i, j) for i, p in enumerate(doc.paragraphs) if paragraph_test(p)
              for j, (_, s) in enumerate(p) if test(s)]
    if not places:
        return None
    return places[len(places) // 2]


def _replace(doc: Doc, where: tuple[int, int], text: str, keep_origin: bool = True) -> Doc:
    new = doc.copy()
    i, j = where
    origin = new.paragraphs[i][j][0] if keep_origin else None
    new.paragraphs[i][j] = (origin, text)
    return new


def typo_fixed(doc: Doc) -> Doc | None:
    """Two different letters of a long word swapped back (the original had them swapped)."""
    pattern = re.compile(r"\b[a-z]{2}([a-z])(?!\1)([a-z])[a-z]{3,}\b")
    where = _target(doc, lambda s: pattern.search(s) is not None)
    if where is None:
        return None
    text = doc.paragraphs[where[0]][where[1]][1]
    word = pattern.search(text)
    a, b = word.start(1), word.start(2)
    return _replace(doc, where, text[:a] + text[b] + text[a] + text[b + 1:])


def number_changed(doc: Doc) -> Doc | None:
    """A figure corrected (107 -> 111)."""
    where = _target(doc, lambda s: re.search(r"\d+", s) is not None)
    if where is None:
        return None
    text = doc.paragraphs[where[0]][where[1]][1]
    match = re.search(r"\d+", text)
    changed = str(int(match.group()) + 4)
    return _replace(doc, where, text[:match.start()] + changed + text[match.end():])


def word_inserted(doc: Doc) -> Doc | None:
    """'reportedly' inserted after the sentence's third word."""
    where = _target(doc, lambda s: len(s.split()) >= 6)
    if where is None:
        return None
    words = doc.paragraphs[where[0]][where[1]][1].split(" ")
    return _replace(doc, where, " ".join(words[:3] + ["reportedly"] + words[3:]))


def sentence_added(doc: Doc) -> Doc | None:
    """A new sentence after the target, in the same paragraph."""
    where = _target(doc)
    new = doc.copy()
    new.paragraphs[where[0]].insert(where[1] + 1, (None, "Officials declined to give details."))
    return new


def sentence_deleted(doc: Doc) -> Doc | None:
    """The target sentence removed (its tag has no right place: orphan)."""
    where = _target(doc, paragraph_test=lambda p: len(p) >= 2)
    if where is None:
        return None
    new = doc.copy()
    del new.paragraphs[where[0]][where[1]]
    return new


def sentence_rewritten(doc: Doc) -> Doc | None:
    """The target sentence said differently: same opening, the rest rewritten."""
    where = _target(doc, lambda s: len(s.split()) >= 8)
    if where is None:
        return None
    words = doc.paragraphs[where[0]][where[1]][1].split(" ")
    return _replace(doc, where, " ".join(words[:3]) + " said this again in other words later.")


def paragraph_moved(doc: Doc) -> Doc | None:
    """A paragraph of two or more sentences, a third of the way in, moved two thirds in.

    Not to the very end: a short last paragraph is read as a trailer line.
    """
    candidates = [i for i, p in enumerate(doc.paragraphs) if len(p) >= 2]
    if len(doc.paragraphs) < 4 or not candidates:
        return None
    i = min(candidates, key=lambda c: abs(c - len(doc.paragraphs) // 3))
    new = doc.copy()
    moving = new.paragraphs.pop(i)
    new.paragraphs.insert(max(i + 1, 2 * len(doc.paragraphs) // 3), moving)
    return new


def paragraph_split(doc: Doc) -> Doc | None:
    """The target paragraph split in two after its first sentence."""
    where = _target(doc, paragraph_test=lambda p: len(p) >= 2)
    if where is None:
        return None
    new = doc.copy()
    i = where[0]
    first, rest = new.paragraphs[i][:1], new.paragraphs[i][1:]
    new.paragraphs[i:i + 1] = [first, rest]
    return new


def headline_changed(doc: Doc) -> Doc | None:
    """A new headline; the body is unchanged."""
    new = doc.copy()
    new.header[1] = new.header[1] + " (updated)"
    return new


EDITS: dict[str, Callable[[Doc], Doc | None]] = {
    "typo fixed": typo_fixed,
    "number changed": number_changed,
    "word inserted": word_inserted,
    "sentence added": sentence_added,
    "sentence deleted": sentence_deleted,
    "sentence rewritten": sentence_rewritten,
    "paragraph moved": paragraph_moved,
    "paragraph split": paragraph_split,
    "headline changed": headline_changed,
}
COLUMNS = ("articles", "tags", "right", "WRONG", "exact", "moved", "fuzzy", "orphaned", "lost")


def run_edit(folder: Path, doc: Doc, edit: Callable[[Doc], Doc | None], every: int = 1
             ) -> Counter | None:
    """Tag every sentence (or every ``every``-th), edit, reopen; count where the tags went."""
    edited = edit(doc)
    if edited is None:
        return None
    path = folder / "article.txt"
    db = folder / "a.db"
    for stale in folder.glob("a.db*"):
        stale.unlink()
    path.write_text(doc.text(), encoding="utf-8")
    store = AnnotationStore(db, annotator="bench")
    try:
        opened = store.open_article(load_article(path))
        origin_of_tag = {}
        number = 0
        for paragraph in opened.article.paragraphs:
            for sentence in paragraph.sentences:
                number += 1
                if (number - 1) % every:
                    continue
                result = store.tag(opened, paragraph.index, sentence, LABELS[(number - 1) % 3])
                annotation = getattr(result, "annotation", result)
                origin_of_tag[annotation.id] = number - 1
        path.write_text(edited.text(), encoding="utf-8")
        store.open_article(load_article(path))
        new_spans = edited.spans()
        where_now = {origin: span for span, origin in new_spans.items() if origin is not None}
        survivors = set(where_now)
        counts: Counter = Counter(articles=1)
        for row_id, paragraph, start, end, anchor in store.db.execute(
                'SELECT id, paragraph, start, "end", anchor FROM annotations'):
            counts["tags"] += 1
            origin = origin_of_tag[row_id]
            if paragraph is None:
                counts["orphaned"] += 1
                if origin in survivors:
                    counts["lost"] += 1
                continue
            # Right when the sentence it sits on holds its sentence's new text
            # (the segmenter may join an edited sentence with a new neighbour).
            home = where_now.get(origin)
            if home is not None and start <= home[0] and home[1] <= end:
                counts["right"] += 1
                counts[anchor] += 1
            else:
                counts["WRONG"] += 1
        return counts
    finally:
        store.close()


def edit_kind_table(paths: list[Path], every: int = 1) -> dict[str, Counter]:
    """Per edit kind, the summed counts over ``paths``."""
    docs = [d for d in (load_doc(p) for p in paths) if d is not None]
    table: dict[str, Counter] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, edit in EDITS.items():
            total: Counter = Counter()
            for doc in docs:
                counts = run_edit(Path(tmp), doc, edit, every)
                if counts is not None:
                    total.update(counts)
            table[name] = total
    return table


def print_table(table: dict[str, Counter]) -> None:
    """The edit-kind table as Markdown."""
    print("| edit | " + " | ".join(COLUMNS) + " |")
    print("|---|" + "---:|" * len(COLUMNS))
    for name, counts in table.items():
        print(f"| {name} | " + " | ".join(str(counts.get(c, 0)) for c in COLUMNS) + " |")
    print("right = on the sentence it became (exact/moved/fuzzy split it); WRONG must be 0; "
          "orphaned includes lost (its sentence still exists, edited beyond the threshold).")


# -- timing ----------------------------------------------------------------------------------

def big_article(paths: list[Path], paragraphs: int) -> tuple[str, list[str]]:
    """A newswire file of ``paragraphs`` real paragraphs, each made unique by a number."""
    pool = []
    for path in paths:
        pool.extend(path.read_text(encoding="utf-8").split("\n\n")[1:])
    pool = [p.strip() for p in pool if len(p.split()) >= 8]
    body = []
    for n in range(paragraphs):
        words = pool[n % len(pool)].split(" ")
        body.append(" ".join(words[:2] + [f"#{n}"] + words[2:]))
    return "4 April 2014\nA Very Long Article\nWikinews", body


def time_reanchor(paths: list[Path], paragraphs: int = 10_000, runs: int = 3) -> None:
    """Median open_article time after a one-paragraph edit and after 10% of sentences changed."""
    header, body = big_article(paths, paragraphs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "long.txt"
        path.write_text(header + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
        db = folder / "base.db"
        store = AnnotationStore(db, annotator="bench")
        doc = store.open_article(load_article(path))
        # 10,000 tags in one transaction (a bench shortcut: 10,000 commits would
        # only measure fsync): one on the first sentence of each paragraph.
        body_text = doc.article.body
        rows = []
        for paragraph in doc.article.paragraphs:
            sentence = paragraph.sentences[0]
            rows.append([doc.id, paragraph.index, 1, sentence.start, sentence.end, sentence.text,
                         *context_around(body_text, sentence.start, sentence.end),
                         LABELS[paragraph.index % 3], "", "bench", "t", "t"])
        with write_transaction(store.db):
            store.db.conn.executemany(
                'INSERT INTO annotations (article_id, paragraph, sentence, start, "end", text, '
                "context_before, context_after, label, note, annotator, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        sentences = [(p.index - 1, s.text) for p in doc.article.paragraphs for s in p.sentences]
        store.close()
        one = list(body)
        one[paragraphs // 2] = one[paragraphs // 2].replace(" ", " newly ", 1)
        tenth = list(body)
        for n, (p, text) in enumerate(sentences):
            if n % 10 == 5:
                words = text.split(" ")
                if len(words) > 3:
                    tenth[p] = tenth[p].replace(text, " ".join(words[:2] + ["also"] + words[2:]), 1)
        print(f"\nRe-anchoring {paragraphs:,} paragraphs, {len(rows):,} tags "
              f"({len(sentences):,} sentences; median of {runs}):")
        for name, new_body, target in (("one paragraph edited", one, 0.5),
                                       ("10% of sentences changed", tenth, 2.0)):
            times, result = [], None
            article = None
            for _ in range(runs):
                run_db = folder / "run.db"
                for stale in folder.glob("run.db*"):
                    stale.unlink()
                shutil.copy(db, run_db)
                path.write_text(header + "\n\n" + "\n\n".join(new_body) + "\n", encoding="utf-8")
                article = load_article(path)
                store = AnnotationStore(run_db, annotator="bench")
                started = time.perf_counter()
                result = store.open_article(article)
                times.append(time.perf_counter() - started)
                counts = store.anchor_counts(result)
                placed = len(store.annotations(result))
                store.close()
            median = statistics.median(times)
            verdict = "ok" if median <= target else "OVER TARGET"
            print(f"  {name:26} {median:6.2f} s  (target {target} s, {verdict}); "
                  f"placed {placed:,}, fuzzy {counts['fuzzy']:,}, orphans {counts['orphan']:,}")


def main() -> None:
    """Run the edit-kind table and (unless --no-timing) the timing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-timing", action="store_true", help="Only the edit-kind table.")
    parser.add_argument("--articles", type=int, default=0, help="Use only the first N articles.")
    args = parser.parse_args()
    if not NEWS.is_dir():
        print(f"bench/reanchor.py: {NEWS} is missing: this benchmark needs the shared corpus "
              "(../shared/corpus/news, Wikinews articles). Nothing measured.")
        sys.exit(1)
    paths = sorted(NEWS.glob("*.txt"))
    if args.articles:
        paths = paths[:args.articles]
    print(f"Edit kinds on {len(paths)} Wikinews articles (every sentence tagged):\n")
    print_table(edit_kind_table(paths))
    # With untagged sentences around, a fuzzy match has free neighbours to
    # land on by mistake: the harder case for WRONG.
    print("\nThe same, every third sentence tagged:\n")
    print_table(edit_kind_table(paths, every=3))
    if not args.no_timing:
        time_reanchor(paths)


if __name__ == "__main__":
    main()
