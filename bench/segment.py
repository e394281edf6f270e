"""Compare sentence segmenters side by side, in one run.

For each segmenter: precision, recall and F1 of exact sentences on the 43
Wikinews articles with GUM gold splits, the English Golden Rules score, and
the time to segment Moby-Dick (median of runs, paragraph by paragraph).

    uv run python bench/segment.py [--runs 3]

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
    from tui.text.segment import _split_cached

    def run(text: str) -> list[str]:
        # Bypass the cache so the timing is honest.
        return [text[a:b] for a, b in _split_cached.__wrapped__(text)]

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Moby-Dick runs (median)")
    args = parser.parse_args()
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
        runs = 1 if name == "pysbd" else args.runs  # pysbd takes ~8 s a run
        rows.append((name, p, r, f1, golden_score(seg), moby_seconds(seg, runs)))
    ours_time = rows[0][5]
    print(f"{'segmenter':24} {'P':>6} {'R':>6} {'F1':>6} {'golden':>7} {'moby s':>7} {'x ours':>7}")
    for name, p, r, f1, golden, secs in rows:
        print(f"{name:24} {p:6.3f} {r:6.3f} {f1:6.3f} {golden:4}/52 {secs:7.2f} {secs / ours_time:7.1f}")
    print("targets: F1 >= 0.960, golden >= 48, Moby-Dick <= 2 s")


if __name__ == "__main__":
    main()
