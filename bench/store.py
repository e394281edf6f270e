"""Store benchmark: tag latency, and export/import of 1,000,000 annotations.

    uv run python bench/store.py [--rows 1000000] [--tags 2000]

Prints the median (and p90) latency of one committed tag, then the wall time
and peak memory (max RSS of the child process) of `tui export` to CSV and of
`tui import` of that CSV into a fresh database, side by side with the
sqlite3 shell's `.import` of the same file. Targets: <= 0.5 ms a tag,
<= 5 s for the export with flat memory, import <= 2x `.import`. Last, the
floor of any one-process import in this design, beside `.import` again: the
same staging, merge and commit fed straight by the csv module, with no
Python run per row (nothing checked or placed, articles already stored).

The annotated articles are made of real Wikinews paragraphs
(../shared/corpus/news), so the sentences carry the commas and quotes that
CSV must quote, and every annotation has its own timestamp, as real ones do.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.store import AnnotationStore  # noqa: E402
from tui.store.database import write_transaction  # noqa: E402
from tui.text import load_article  # noqa: E402

SENTENCES_PER_PARAGRAPH = 10
PARAGRAPHS_PER_ARTICLE = 1000
NEWS = ROOT.parent / "shared" / "corpus" / "news"
ARTICLE_SENTENCES = 10_000  # annotations per generated article


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


def _news_paragraphs() -> list[str]:
    """Body paragraphs of the 43 Wikinews articles in the shared corpus."""
    paragraphs = []
    for path in sorted(NEWS.glob("*.txt")):
        paragraphs.extend(path.read_text(encoding="utf-8").split("\n\n")[1:])
    return [p.strip() for p in paragraphs if p.strip()]


def build_database(folder: Path, rows: int) -> Path:
    """A database with ``rows`` annotations over articles of real news text."""
    db = folder / "big.db"
    store = AnnotationStore(db, annotator="bench")
    news = _news_paragraphs()
    base = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    made = n = 0
    while made < rows:
        path = folder / f"article-{n}.txt"
        # Whole corpus paragraphs, cycled, behind a line that makes each
        # article's text (and so its identity) its own.
        body, sentences = [f"Bench article number {n}."], 0
        for i in range(ARTICLE_SENTENCES):
            paragraph = news[(n * 7 + i) % len(news)]
            body.append(paragraph)
            sentences += paragraph.count(". ") + 1
            if sentences >= ARTICLE_SENTENCES:
                break
        path.write_text(f"4 April 2014\nArticle {n}\nBench Wire\n\n" + "\n\n".join(body) + "\n")
        doc = store.open_article(load_article(path))
        values = []
        for paragraph in doc.article.paragraphs:
            for sentence in paragraph.sentences:
                if made + len(values) >= rows:
                    break
                stamp = (base + timedelta(seconds=made + len(values))).isoformat()
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
        n += 1
    store.close()
    return db


# A command started from this process would report our peak RSS, not its
# own: Linux keeps a process's high-water mark across exec, and a child starts
# as a copy of this (big) process. A small launcher starts it instead and
# reports the command's own wall time, peak RSS and CPU time on a pipe.
_LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
report = (time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss,
          usage.ru_utime + usage.ru_stime)
os.write(int(sys.argv[1]), repr(report).encode())
"""


def run_measured(args: list[str]) -> tuple[float, float, str, float]:
    """Run a command; return wall seconds, peak RSS in MB, stdout, and CPU
    seconds (user + system: on a busy machine the steadier measure)."""
    read_end, write_end = os.pipe()
    proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(write_end), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, pass_fds=(write_end,))
    os.close(write_end)
    out, err = proc.communicate()
    with os.fdopen(read_end, "rb") as reported:
        elapsed, code, max_rss_kb, cpu = ast.literal_eval(reported.read().decode())
    if code not in (0, 1):
        raise SystemExit(f"{args} failed: {err}")
    return elapsed, max_rss_kb / 1024, out, cpu


def _medians(runs: list[tuple[float, float, str, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


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
        # Export runs in turns, small then big, three times: medians.
        small_runs, big_runs = [], []
        for _ in range(3):
            small_runs.append(run_measured([tui, "export", "--db", str(small_db),
                                            "-o", str(folder / "small.csv")]))
            big_runs.append(run_measured([tui, "export", "--db", str(db), "-o", str(folder / "out.csv")]))
        small_secs, small_rss = _medians(small_runs)
        secs, rss = _medians(big_runs)
        size = (folder / "out.csv").stat().st_size / 1e6
        print(f"export CSV {args.rows:,} rows: median {secs:.2f} s of "
              f"{', '.join(f'{r[0]:.2f}' for r in big_runs)}; peak RSS {rss:.0f} MB, {size:.0f} MB file "
              f"(target <= 5 s)")
        print(f"export CSV 10,000 rows: median {small_secs:.2f} s, peak RSS {small_rss:.0f} MB "
              f"-> memory ratio {rss / small_rss:.2f}x for {args.rows / 10_000:.0f}x the rows")

        import_side_by_side(tui, folder, args.rows)


def import_side_by_side(tui: str, folder: Path, rows: int) -> None:
    """`tui import` of the exported CSV against the sqlite3 shell's `.import`
    of the same file, in turns, three times each: medians and their ratio
    (target <= 2x), then a second import of the same file (all unchanged)."""
    csv_file = folder / "out.csv"
    shell = shutil.which("sqlite3")
    if shell is None:
        print("sqlite3 shell not found (apt-get install sqlite3): tui import is timed alone")
    tui_runs, shell_runs = [], []
    for turn in range(3):
        for db in folder.glob("fresh*.db*"):
            db.unlink()
        tui_runs.append(run_measured([tui, "import", "--db", str(folder / "fresh.db"), str(csv_file)]))
        if shell is not None:
            shell_runs.append(run_measured([shell, str(folder / f"fresh-shell-{turn}.db"),
                                            f'.import --csv "{csv_file}" annotations']))
    secs, rss = _medians(tui_runs)
    cpu = statistics.median(r[3] for r in tui_runs)
    print(f"import CSV {rows:,} rows into a fresh database: median {secs:.2f} s of "
          f"{', '.join(f'{r[0]:.2f}' for r in tui_runs)}; CPU {cpu:.2f} s; peak RSS {rss:.0f} MB")
    print(f"  {tui_runs[-1][2].strip()}")
    if shell_runs:
        shell_secs, shell_rss = _medians(shell_runs)
        shell_cpu = statistics.median(r[3] for r in shell_runs)
        print(f"sqlite3 .import of the same CSV: median {shell_secs:.2f} s of "
              f"{', '.join(f'{r[0]:.2f}' for r in shell_runs)}; CPU {shell_cpu:.2f} s; "
              f"peak RSS {shell_rss:.0f} MB -> tui import is {secs / shell_secs:.2f}x "
              f"(target <= 2x), {cpu / shell_cpu:.2f}x in CPU time")
    again, rss, out, cpu = run_measured([tui, "import", "--db", str(folder / "fresh.db"),
                                         str(csv_file)])
    print(f"import again (idempotent): {again:.2f} s, CPU {cpu:.2f} s, peak RSS {rss:.0f} MB; "
          f"{out.strip()}")
    if shell_runs:
        floor_side_by_side(folder, csv_file, shell_secs)


def floor_side_by_side(folder: Path, csv_file: Path, shell_secs: float) -> None:
    """What any one-process import in this design costs before it checks or
    places a single row: :func:`import_floor` in turns with `.import`."""
    template = folder / "floor-template.db"
    with sqlite3.connect(folder / "fresh.db") as conn:  # its articles, none of its tags
        conn.execute("VACUUM INTO ?", [str(template)])
    with sqlite3.connect(template) as conn:
        conn.execute("DELETE FROM annotations")
        conn.execute("DELETE FROM history")
    runs, shell_runs = [], []
    for turn in range(3):
        target = folder / "floor.db"
        for old in folder.glob("floor.db*"):
            old.unlink()
        shutil.copyfile(template, target)
        runs.append(run_measured([sys.executable, __file__, "--floor", str(target), str(csv_file)]))
        shell_runs.append(run_measured([shutil.which("sqlite3") or "sqlite3",
                                        str(folder / f"floor-shell-{turn}.db"),
                                        f'.import --csv "{csv_file}" annotations']))
    secs, rss = _medians(runs)
    shell_secs, _ = _medians(shell_runs)
    print(f"one-process floor (csv module -> staging -> set-based upsert -> commit; no check, no "
          f"placing, articles already stored): median {secs:.2f} s of "
          f"{', '.join(f'{r[0]:.2f}' for r in runs)}; peak RSS {rss:.0f} MB -> "
          f"{secs / shell_secs:.2f}x .import ({shell_secs:.2f} s, same turns)")


def import_floor(db: Path, csv_file: Path) -> None:
    """The import's writing alone, as `tui import` does it (the same staging
    table, merge statement, writer thread and bulk label check), fed by the
    csv module through C-level itemgetter: no Python runs per row. The CSV
    is one this bench exported, so its cells need nothing done to them."""
    import csv
    import gc
    from itertools import islice
    from operator import itemgetter

    from tui.exchange import importer
    from tui.exchange.batch_writer import BatchWriter
    from tui.store.bulk import labels_checked_at_end

    gc.disable()
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("BEGIN IMMEDIATE")
    with labels_checked_at_end(conn, 0):
        conn.execute(importer._STAGE_CREATE)
        writer = BatchWriter(conn, importer._STAGE_INSERT, merge=importer._MERGE,
                             clear=importer._STAGE_CLEAR)
        csv.field_size_limit(importer.MAX_CELL_CHARS)
        with open(csv_file, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            at = {name: i for i, name in enumerate(next(reader))}
            # article_id, paragraph, sentence, start, end, text, two contexts
            # (the anchor cell: 5 characters), label, note, annotator, created,
            # updated, anchor, old_text and old_position (the note: empty).
            cells = itemgetter(*(at[name] for name in (
                "article_id", "paragraph", "sentence", "start", "end", "text", "anchor", "anchor",
                "label", "note", "annotator", "created_at", "updated_at", "anchor", "note",
                "note")))
            rows = map(cells, reader)
            while batch := list(islice(rows, importer.BATCH)):
                writer.put(batch)
        writer.drain()
        writer.close()
        conn.execute(importer._STAGE_DROP)
    conn.execute("COMMIT")
    conn.close()
    print(f"floor: {writer.changed} rows written")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--floor"]:  # a child of floor_side_by_side
        import_floor(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
