"""Compare sentence segmenters side by side, in one run.

For each segmenter: precision, recall and F1 of exact sentences on the 43
Wikinews articles with GUM gold splits, the English Golden Rules score, and
the time to segment Moby-Dick (median of runs, paragraph by paragraph).
Then ours on single paragraphs of 1, 5 and 20 MB (Moby-Dick's paragraphs
joined with spaces, repeated: no blank line anywhere), in seconds per MB:
linear cost means the same figure at every size.

    uv run python bench/segment.py [--runs 3]          # everything (~1 min)
    uv run python bench/segment.py --only big --sizes 1,5   # a quick subset

Reads ../shared/corpus (see its README for licences).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"

Segmenter = Callable[[str], list[str]]


def _ours() -> Segmenter:
    from tui.text.segment import split_uncached

    def run(text: str) -> list[str]:
        # Bypass the cache so the timing is honest.
        return [text[a:b] for a, b in split_uncached(text)]

    return run


def _pysbd() -> Segmenter:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False)
    return lambda text: seg.segment(text) if text.strip() else []


def _syntok() -> Segmenter:
    from syntok import segmenter

    def run(text: str) -> list[str]:
        out = []
        for paragraph in segmenter.analyze(text):
            for sentence in paragraph:
                out.append("".join(t.spacing + t.value for t in sentence))
        return out

    return run


def _blingfire() -> Segmenter:
    import blingfire

    return lambda text: blingfire.text_to_sentences(text).split("\n") if text.strip() else []


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _keyed(sentences: list[str]) -> set[tuple[int, str]]:
    """Sentences keyed by their position, so a repeated sentence counts twice."""
    out, pos = set(), 0
    for s in sentences:
        out.add((pos, s))
        pos += len(s) + 1
    return out


def news_scores(seg: Segmenter) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for txt in sorted((CORPUS / "news").glob("*.txt")):
        body = txt.read_text(encoding="utf-8").split("\n", 4)[4]
        gold = [json.loads(x) for x in txt.with_suffix(".gold.jsonl").read_text().splitlines()]
        for i, paragraph in enumerate(body.rstrip("\n").split("\n\n")):
            g = _keyed([x["text"] for x in gold if x["paragraph"] == i])
            s = _keyed([_norm(x) for x in seg(paragraph) if _norm(x)])
            tp += len(g & s)
            fp += len(s - g)
            fn += len(g - s)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall)


def golden_score(seg: Segmenter) -> int:
    ok = 0
    for line in (CORPUS / "golden-rules" / "english.jsonl").read_text().splitlines():
        rule = json.loads(line)
        got = [_norm(s) for s in seg(rule["text"]) if _norm(s)]
        ok += got == [_norm(s) for s in rule["sentences"]]
    return ok


def moby_seconds(seg: Segmenter, runs: int) -> float:
    paragraphs = (CORPUS / "long" / "moby-dick.txt").read_text(encoding="utf-8").split("\n\n")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for p in paragraphs:
            seg(p)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def one_paragraph(megabytes: float) -> str:
    """Moby-Dick's paragraphs joined by spaces, repeated to ``megabytes`` MB."""
    from tui.text import load_article

    moby = " ".join(p.text for p in load_article(CORPUS / "long" / "moby-dick.txt").paragraphs)
    size = int(megabytes * 1_000_000)
    text = " ".join([moby] * (size // len(moby) + 1))[:size]
    return text[:text.rfind(". ") + 1]  # end on a sentence


def big_rows(sizes: list[float], runs: int) -> None:
    """Ours on single huge paragraphs: seconds, seconds per MB, peak memory."""
    import resource

    from tui.text.segment import split_uncached

    split_uncached("Warm up. Loads blingfire and numpy, which is not what is timed.")
    print(f"{'one paragraph':14} {'spans':>8} {'s':>7} {'s/MB':>6}")
    per_mb = []
    for size in sizes:
        text = one_paragraph(size)
        times, spans = [], ()
        for _ in range(runs):
            start = time.perf_counter()
            spans = split_uncached(text)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        per_mb.append(seconds / size)
        print(f"{size:>11g} MB {len(spans):8d} {seconds:7.2f} {seconds / size:6.3f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"largest/smallest s/MB: {max(per_mb) / min(per_mb):.2f} (target <= 1.5); "
          f"process peak {peak:.0f} MB")
    print("targets: <= 0.3 s per MB; 20 MB in <= 10 s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Quick subset: --only big --sizes 1,5 --runs 1 (a few seconds).")
    parser.add_argument("--runs", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--only", choices=("compare", "big"),
                        help="only the segmenter comparison, or only the huge paragraphs")
    parser.add_argument("--sizes", default="1,5,20",
                        help="megabytes of the single-paragraph rows (default 1,5,20)")
    args = parser.parse_args()
    if not (CORPUS / "long" / "moby-dick.txt").exists():
        raise SystemExit(f"bench/segment.py: the corpus is missing: {CORPUS} "
                         "(expected ../shared/corpus next to the repository; see its README)")
    if args.only != "big":
        compare(args.runs)
    if args.only != "compare":
        if args.only is None:
            print()
        big_rows([float(x) for x in args.sizes.split(",")], args.runs)


def compare(runs_wanted: int) -> None:
    """The segmenters side by side: scores and Moby-Dick time."""
    candidates = {"ours (blingfire+fixes)": _ours, "pysbd": _pysbd, "syntok": _syntok,
                  "blingfire": _blingfire}
    rows = []
    for name, make in candidates.items():
        try:
            seg = make()
        except ImportError:
            print(f"{name}: not installed, skipped")
            continue
        p, r, f1 = news_scores(seg)
        runs = 1 if name == "pysbd" else runs_wanted  # pysbd takes ~8 s a run
        rows.append((name, p, r, f1, golden_score(seg), moby_seconds(seg, runs)))
    ours_time = rows[0][5]
    print(f"{'segmenter':24} {'P':>6} {'R':>6} {'F1':>6} {'golden':>7} {'moby s':>7} {'x ours':>7}")
    for name, p, r, f1, golden, secs in rows:
        print(f"{name:24} {p:6.3f} {r:6.3f} {f1:6.3f} {golden:4}/52 {secs:7.2f} {secs / ours_time:7.1f}")
    print("targets: F1 >= 0.960, golden >= 48, Moby-Dick <= 2 s")


if __name__ == "__main__":
    main()
