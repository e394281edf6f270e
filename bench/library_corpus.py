"""Distinct article files for bench/library.py, made from real corpus text.

Every paragraph of every file is different: the sentences are real (the
Wikinews articles and Moby-Dick of ../shared/corpus), drawn per file by a
seeded random generator, and each paragraph carries the file's and the
paragraph's number in a sentence of its own. Repeated paragraphs would hit
the splitter's cache and flatter the figures 3-4x (issue 12).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
OUTLETS = ("Wikinews", "Bench Wire", "The Daily Sample", "Corpus Herald", "Northern Post")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def sentence_pool() -> list[str]:
    """Real sentences: the Wikinews bodies and Moby-Dick, roughly split."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "news").glob("*.txt"))]
    texts.append((CORPUS / "long" / "moby-dick.txt").read_text(encoding="utf-8"))
    pool: list[str] = []
    for text in texts:
        for paragraph in text.split("\n\n")[1:]:
            flat = " ".join(paragraph.split())
            pool.extend(s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", flat) if 30 <= len(s) <= 300)
    return pool


def write_corpus(folder: Path, count: int, seed: int = 12) -> list[Path]:
    """``count`` distinct articles of 6-12 paragraphs in ``folder`` (nested by hundreds)."""
    pool = sentence_pool()
    rng = random.Random(seed)
    paths = []
    for number in range(count):
        lines = [f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2004, 2024)}",
                 f"{' '.join(rng.choice(pool).split()[:8]).rstrip('.,;:')} ({number})",
                 rng.choice(OUTLETS), ""]
        for paragraph in range(rng.randint(6, 12)):
            sentences = rng.sample(pool, rng.randint(2, 5))
            sentences.insert(rng.randint(0, len(sentences)),
                             f"Report {number} noted item {paragraph} on page {rng.randint(1, 999)}.")
            lines.append(" ".join(sentences))
            lines.append("")
        path = folder / f"{number // 100:03d}" / f"article-{number:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths
