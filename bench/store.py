"""Store benchmark: tag latency, and export/import of 1,000,000 annotations.

    uv run python bench/store.py [--rows 1000000] [--tags 2000]

Prints the median (and p90) latency of one committed tag, then the wall time
and peak memory (max RSS of the child process) of `tui export` to CSV and of
`tui import` of that CSV into a fresh database. Targets: <= 0.5 ms a tag,
<= 5 s for the export with flat memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.store import AnnotationStore  # noqa: E402
from tui.store.annotations import now  # noqa: E402
from tui.store.database import write_transaction  # noqa: E402
from tui.text import load_article  # noqa: E402

SENTENCES_PER_PARAGRAPH = 10
PARAGRAPHS_PER_ARTICLE = 1000


def tag_latency(folder: Path, tags: int) -> list[float]:
    """Seconds per committed tag call, toggling labels over many sentences."""
    article = folder / "latency.txt"
    article.write_text(_article_text(0, paragraphs=max(1, tags // SENTENCES_PER_PARAGRAPH)))
    store = AnnotationStore(folder / "latency.db")
    doc = store.open_article(load_article(article))
    sentences = [(p.index, s) for p in doc.article.paragraphs for s in p.sentences]
    times = []
    for i in range(tags):
        paragraph, sentence = sentences[i % len(sentences)]
        start = time.perf_counter()
        store.tag(doc, paragraph, sentence, ("claim", "quote", "background")[i % 3])
        times.append(time.perf_counter() - start)
    store.close()
    return times


def _article_text(n: int, paragraphs: int = PARAGRAPHS_PER_ARTICLE) -> str:
    return "\n\n".join(
        " ".join(
            f"Report {n}-{p}-{s} says the figure rose by {s + p} percent in the year."
            for s in range(SENTENCES_PER_PARAGRAPH)
        )
        for p in range(paragraphs)
    )


def build_database(folder: Path, rows: int) -> Path:
    """A database with ``rows`` annotations over generated articles."""
    db = folder / "big.db"
    store = AnnotationStore(db, annotator="bench")
    per_article = SENTENCES_PER_PARAGRAPH * PARAGRAPHS_PER_ARTICLE
    made = 0
    for n in range((rows + per_article - 1) // per_article):
        path = folder / f"article-{n}.txt"
        path.write_text(f"4 April 2014\nArticle {n}\nBench Wire\n\n{_article_text(n)}\n")
        doc = store.open_article(load_article(path))
        stamp = now()
        values = []
        for paragraph in doc.article.paragraphs:
            for sentence in paragraph.sentences:
                if made + len(values) >= rows:
                    break
                values.append((doc.id, paragraph.index, sentence.index, sentence.start,
                               sentence.end, sentence.text, "", "",
                               ("claim", "quote", "background")[len(values) % 3],
                               "", "bench", stamp, stamp))
        with write_transaction(store.db):
            store.db.conn.executemany(
                'INSERT INTO annotations (article_id, paragraph, sentence, start, "end", text, '
                "context_before, context_after, label, note, annotator, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
        made += len(values)
    store.close()
    return db


def run_measured(args: list[str]) -> tuple[float, float, str]:
    """Run a command; return wall seconds, peak RSS in MB, and stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = "", ""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{args} failed: {err}")
    return elapsed, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tags", type=int, default=2000)
    args = parser.parse_args()
    tui = str(Path(sys.executable).parent / "tui")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        times = sorted(tag_latency(folder, args.tags))
        median, p90 = statistics.median(times), times[int(len(times) * 0.9)]
        print(f"tag commit: median {median * 1000:.3f} ms, p90 {p90 * 1000:.3f} ms "
              f"over {len(times)} tags (target <= 0.5 ms)")

        start = time.perf_counter()
        db = build_database(folder, args.rows)
        print(f"setup: {args.rows:,} annotations written in {time.perf_counter() - start:.1f} s")

        small_db = build_database(folder / "small", 10_000) if (folder / "small").mkdir() is None else None
        small_secs, small_rss, _ = run_measured([tui, "export", "--db", str(small_db), "-o", str(folder / "small.csv")])
        secs, rss, _ = run_measured([tui, "export", "--db", str(db), "-o", str(folder / "out.csv")])
        size = (folder / "out.csv").stat().st_size / 1e6
        print(f"export CSV {args.rows:,} rows: {secs:.2f} s, peak RSS {rss:.0f} MB, {size:.0f} MB file "
              f"(target <= 5 s)")
        print(f"export CSV 10,000 rows: {small_secs:.2f} s, peak RSS {small_rss:.0f} MB "
              f"-> memory ratio {rss / small_rss:.2f}x for {args.rows / 10_000:.0f}x the rows")

        secs, rss, out = run_measured([tui, "import", "--db", str(folder / "fresh.db"), str(folder / "out.csv")])
        print(f"import CSV {args.rows:,} rows into a fresh database: {secs:.2f} s, peak RSS {rss:.0f} MB")
        print(f"  {out.strip()}")


if __name__ == "__main__":
    main()
