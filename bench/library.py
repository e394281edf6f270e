"""Library benchmark: a folder of 100, 1,000 and 10,000 distinct articles, through a real pty.

    uv run python bench/library.py [--sizes 100,1000,10000] [--keys 40] [--launches 3]

One run, side by side with the bare Textual app (bench/bare_app.py). For
each size, in a fresh database: the first launch (every file is read) and
the second launch (the cache answers). Files come from bench/library_corpus.py:
real corpus sentences, every paragraph different, so the splitter's cache
does not flatter the figures.

Figures (seconds from launch, 120x40 pseudo-terminal, like bench/reader.py):
  rows:   the first row of the list is on screen;
  listed: the whole folder is listed (the overall line counts every article);
  checked: the scan has checked every file (the cache's rows may show before);
  key:    j/k in the list, key written -> first byte of the answering frame;
  peak:   the process's peak resident memory (VmHWM);
  helper: the largest peak of its helper processes (a first launch reads new
          files in 2 of them; sampled every 0.1 s while they run);
  cpu:    CPU seconds of the app and its helpers until it quit (the machine is
          shared: wall-clock figures vary with the load, CPU time much less).
Targets (issue 12): second launch of 10,000 files listed in <= 1.5x the bare
app's first paint; first launch shows rows within 1 s and checks all in
<= 10 s; <= 150 MB; a key <= 16 ms median.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from library_corpus import write_corpus  # noqa: E402
from reader import TUI, PtyApp  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def first_title(path: Path) -> bytes:
    """The start of the first file's headline, as the list draws it."""
    return path.read_text(encoding="utf-8").splitlines()[1][:24].encode()


def helper_peaks(pid: int, peaks: dict[int, float]) -> None:
    """Record the peak memory (VmHWM, MB) of each child process of ``pid``
    (started by any of its threads: the helpers come from the store thread)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += (task / "children").read_text().split()
        except OSError:
            continue
    for child in children:
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM"):
                peaks[int(child)] = max(peaks.get(int(child), 0.0), int(line.split()[1]) / 1024)


def wait_sampling(app: PtyApp, marker: bytes, peaks: dict[int, float], timeout: float) -> float:
    """``app.wait_for(marker)``, sampling the helpers' memory every 0.1 s meanwhile."""
    deadline = time.perf_counter() + timeout
    while marker not in app.output:
        if time.perf_counter() > deadline:
            raise SystemExit(f"timed out waiting for {marker!r}")
        helper_peaks(app.pid, peaks)
        app.read(0.1)
    return time.perf_counter() - app.started


def cpu_of_children() -> float:
    """CPU seconds of this process's finished children (and theirs)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def launch(folder: Path, db: Path, title: bytes, count: int, keys: int) -> dict:
    """One launch of the library: when rows show, when all are listed, keys, memory."""
    cpu_before = cpu_of_children()
    peaks: dict[int, float] = {}
    app = PtyApp([TUI, "read", str(folder), "--db", str(db)], folder.parent)
    try:
        rows = wait_sampling(app, title, peaks, timeout=300)
    except SystemExit:
        print(app.output[-3000:].decode("utf-8", "replace"), file=sys.stderr)
        raise
    listed = wait_sampling(app, f"untouched {count} ".encode(), peaks, timeout=300)
    checked = wait_sampling(app, f"\u2502 {count} articles".encode(), peaks, timeout=300)
    app.drain(0.5)
    latencies = [app.key_latency(b"j" if i % 2 == 0 else b"k") for i in range(keys)]
    peak = app.peak_rss_mb()
    app.close()
    return {"rows": rows, "listed": listed, "checked": checked,
            "key": statistics.median(latencies),
            "key90": sorted(latencies)[int(len(latencies) * 0.9)], "peak": peak,
            "helper": max(peaks.values(), default=0.0), "cpu": cpu_of_children() - cpu_before}


def bare_paint(launches: int, cwd: Path) -> float:
    """Median first paint of the bare Textual app."""
    times = []
    for _ in range(launches + 1):  # the first one warms the bytecode and file cache
        app = PtyApp([sys.executable, str(ROOT / "bench" / "bare_app.py")], cwd)
        times.append(app.wait_for(b"Hello bench 0"))
        app.close()
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated file counts")
    parser.add_argument("--keys", type=int, default=40, help="j/k presses per launch")
    parser.add_argument("--launches", type=int, default=3, help="second launches per size (median)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        bare = bare_paint(args.launches, base)
        for size in sizes:
            folder = base / f"lib{size}"
            started = time.perf_counter()
            paths = write_corpus(folder, size)
            made = time.perf_counter() - started
            db = base / f"lib{size}.db"
            title = first_title(sorted(paths)[0])
            first = launch(folder, db, title, size, args.keys)
            seconds = [launch(folder, db, title, size, args.keys) for _ in range(args.launches)]
            second = {k: statistics.median(r[k] for r in seconds) for k in seconds[0]}
            results.append((size, made, first, second))
            bare = min(bare, bare_paint(1, base))  # re-measured beside each size
    print(f"bare Textual app first paint: {bare:.3f} s (median); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'files':>6} {'launch':7} {'rows s':>7} {'listed s':>8} {'x bare':>6} {'checked':>7} "
          f"{'key med':>8} {'key p90':>8} {'peak MB':>7} {'helper':>6} {'cpu s':>6}")
    for size, made, first, second in results:
        for name, r in (("first", first), ("second", second)):
            print(f"{size:>6} {name:7} {r['rows']:7.3f} {r['listed']:8.3f} {r['listed'] / bare:6.2f} "
                  f"{r['checked']:7.3f} "
                  f"{r['key'] * 1000:6.1f}ms {r['key90'] * 1000:6.1f}ms {r['peak']:7.0f} "
                  f"{r['helper']:6.0f} {r['cpu']:6.2f}")
    print("rows: first row on screen; listed: every article listed (overall line complete); "
          "checked: every file checked (scan done); "
          "x bare: listed / bare app's first paint; second launch: median of "
          f"{args.launches}")
    print("targets: 10,000 second launch listed <= 1.5x bare; first launch rows <= 1 s, "
          "listed <= 10 s; peak <= 150 MB; key <= 16 ms median")


if __name__ == "__main__":
    main()
