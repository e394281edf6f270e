"""Benchmark for issue 13: `tui merge` of three coders' databases and `tui agreement`.

3 coders x 1,000 articles x 30 sentences. Each sentence has a "true"
category (background 50 %, none 25 %, claim 15 %, quote 10 %); each coder
gives it with probability ``--rate`` (default 0.8), else another category at
random; `none` is a sentence left untagged. Each coder's database is built
with the store (articles registered by open_article, tags written in one
transaction per coder), then the real CLI runs:

    tui merge --db team.db ana.db ben.db cem.db
    tui agreement --db team.db --format json

Reported: wall time and peak memory (max RSS of the command's process) of
each. Targets (issue 13): merge <= 10 s, agreement <= 5 s, <= 200 MB.

    uv run python bench/agreement.py [--articles 1000] [--rate 0.8] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.store import AnnotationStore  # noqa: E402
from tui.store.anchoring import context_around  # noqa: E402
from tui.store.annotations import now  # noqa: E402
from tui.store.database import write_transaction  # noqa: E402
from tui.text import load_article  # noqa: E402

CODERS = ("ana", "ben", "cem")
CATEGORIES = ("background", "none", "claim", "quote")
WEIGHTS = (0.50, 0.25, 0.15, 0.10)
SENTENCES = 30
PER_PARAGRAPH = 5

# The child runs the command and reports its own peak memory (KB on Linux).
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "elapsed = time.perf_counter() - t\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stderr.write(r.stderr)\n"
    "print(r.returncode, elapsed, peak)\n"
    "print(r.stdout)\n"
)


def make_article(folder: Path, number: int):
    """A real file (an article whose file is missing may be taken for a moved one)."""
    paragraphs = []
    for p in range(SENTENCES // PER_PARAGRAPH):
        paragraphs.append(" ".join(
            f"In article {number} the reporter wrote statement {p * PER_PARAGRAPH + s + 1} "
            f"about the figure of {number * 31 + s} percent."
            for s in range(PER_PARAGRAPH)))
    body = "\n\n".join(paragraphs)
    path = folder / "articles" / f"{number:04d}.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"4 April 2014\nArticle {number}\nOutlet {number % 7}\n\n{body}\n",
                    encoding="utf-8")
    return load_article(path)


def build(folder: Path, articles: int, rate: float, seed: int) -> list[Path]:
    rng = random.Random(seed)
    made = [make_article(folder, n) for n in range(1, articles + 1)]
    truth = [[rng.choices(CATEGORIES, WEIGHTS)[0] for _ in range(SENTENCES)] for _ in made]
    paths = []
    for coder in CODERS:
        path = folder / f"{coder}.db"
        store = AnnotationStore(path, annotator=coder)
        stamp = now()
        rows = []
        for article, truths in zip(made, truth):
            doc = store.open_article(article)
            sentences = [(p.index, s) for p in article.paragraphs for s in p.sentences]
            assert len(sentences) == SENTENCES, len(sentences)
            for (paragraph, sentence), true in zip(sentences, truths):
                label = true if rng.random() < rate else rng.choice(
                    [c for c in CATEGORIES if c != true])
                if label == "none":
                    continue
                rows.append((doc.id, paragraph, sentence.index, sentence.start, sentence.end,
                             sentence.text, *context_around(article.body, sentence.start,
                                                            sentence.end),
                             label, "", coder, stamp, stamp))
        with write_transaction(store.db):
            store.db.conn.executemany(
                'INSERT INTO annotations (article_id, paragraph, sentence, start, "end", text, '
                "context_before, context_after, label, note, annotator, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        store.close()
        paths.append(path)
    return paths


def measure(*args: str) -> tuple[int, float, float, str]:
    tui = Path(sys.executable).parent / "tui"
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(tui), *args],
                         capture_output=True, text=True, check=True)
    first, _, rest = out.stdout.partition("\n")
    code, elapsed, peak = first.split()
    return int(code), float(elapsed), int(peak) / 1024, rest + out.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=0.8)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", type=Path, help="build the databases here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        sources = build(folder, args.articles, args.rate, args.seed)
        print(f"built {len(CODERS)} x {args.articles} articles x {SENTENCES} sentences "
              f"(agreement rate {args.rate}) in {time.perf_counter() - started:.1f} s")
        team = folder / "team.db"
        code, elapsed, peak, output = measure("merge", "--db", str(team), *map(str, sources))
        assert code == 0, output
        print(f"tui merge      {elapsed:6.2f} s  peak {peak:6.1f} MB   (targets 10 s, 200 MB)")
        code, elapsed, peak, output = measure("agreement", "--db", str(team), "--format", "json")
        assert code == 0, output
        report = json.loads(output[:output.rindex("}") + 1])
        print(f"tui agreement  {elapsed:6.2f} s  peak {peak:6.1f} MB   (targets 5 s, 200 MB)")
        print(f"  units {report['units']}, alpha {report['alpha']}, "
              + ", ".join(f"{p['a']}/{p['b']} kappa {p['kappa']} AC1 {p['ac1']}"
                          for p in report["pairs"]))


if __name__ == "__main__":
    main()
