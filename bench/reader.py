"""Reader benchmark: first paint, key latency and memory through a real pty.

    uv run python bench/reader.py [--keys 60] [--launches 7]    # everything (~10 min)
    uv run python bench/reader.py --cases seed,moby,para5 --launches 2 --keys 20   # quick

One run, side by side: a bare Textual app showing one Static, the seed,
Moby-Dick (../shared/corpus/long/moby-dick.txt), a generated article of
10,000 paragraphs, Moby-Dick's text as ONE paragraph of 5 MB and of 20 MB
(joined with spaces: a court transcript pasted whole), and a 50 MB article
(Moby-Dick's paragraphs repeated, each copy's paragraphs numbered so that
no two are alike). Each runs in its own pseudo-terminal (120x40), as in a
real terminal: first paint is launch -> the first frame that shows the
content; alive is launch -> the database open and the keys that write
working; counted is launch -> every sentence split (the background count);
each the median of several launches taken in turns (bare, seed, Moby, ...)
so that a noisy moment hits every case alike. quit@paint is ctrl+q sent at
the first frame, while the background work runs -> the process gone (one
launch). A key's latency is key written -> the first byte of the frame
that answers it (Textual writes a frame in one go); keys move FORWARD
through the text as a reader does (l: next sentence, j: next paragraph;
back to the top with an unmeasured g at the end), since going back and
forth is served by the line cache. Peak memory is the process's VmHWM.
Not measured with pilot.press, whose ~60 ms floor would hide the app.

With --cold, each case is also launched on a new database (the article
not stored yet: parsed, hashed and written as on a user's first open), in
a table of its own: paint, alive and peak memory, medians of --launches.

Every case is launched once before anything is measured, with
PYTHONDONTWRITEBYTECODE removed from the environment, so that all of them
start from compiled bytecode and a warm file cache, as a user's second
launch does.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
TUI = str(Path(sys.executable).parent / "tui")
# The status line's "¶ 1/N" is drawn with the first frame of text.
PAINTED = "¶ 1/".encode()


class PtyApp:
    """A program running in a pseudo-terminal of 120x40."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
        for name in ("COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            os.chdir(cwd)
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.output = b""

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.fd, 1 << 20)
        except OSError:
            return b""
        self.output += data
        return data

    def wait_for(self, marker: bytes, timeout: float = 60) -> float:
        """Seconds since launch when ``marker`` first appeared in the output."""
        deadline = time.perf_counter() + timeout
        while marker not in self.output:
            if time.perf_counter() > deadline:
                raise SystemExit(f"timed out waiting for {marker!r}")
            self.read(0.05)
        return time.perf_counter() - self.started

    def drain(self, quiet: float = 0.3) -> None:
        """Read until the program has been silent for ``quiet`` seconds."""
        while self.read(quiet):
            pass

    def key_latency(self, key: bytes) -> float:
        """Seconds from writing ``key`` to the first byte of the answering frame."""
        self.drain(0.05)
        start = time.perf_counter()
        os.write(self.fd, key)
        while not self.read(5.0):
            if time.perf_counter() - start > 5:
                raise SystemExit(f"no frame after key {key!r}")
        elapsed = time.perf_counter() - start
        self.drain(0.03)
        return elapsed

    def press(self, key: bytes) -> None:
        """Send ``key`` unmeasured (it may change nothing on screen) and let it settle."""
        os.write(self.fd, key)
        self.drain(0.3)

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM"))
        return int(line.split()[1]) / 1024

    def close(self, timeout: float = 5) -> float:
        """Send ctrl+q; seconds until the process is gone (killed after ``timeout``)."""
        start = time.perf_counter()
        os.write(self.fd, b"\x11")  # ctrl+q
        deadline = start + timeout
        while time.perf_counter() < deadline:
            self.read(0.05)
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return time.perf_counter() - start
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        return float("inf")


def generated_article(folder: Path, paragraphs: int = 10_000) -> Path:
    """A 10,000-paragraph article of ~470 characters a paragraph."""
    sentence = "The committee said on {d} that the figure of {n} units rose again in the region."
    body = "\n\n".join(
        " ".join(sentence.format(d=f"day {p}", n=p * 7 + s) for s in range(5))
        for p in range(paragraphs)
    )
    path = folder / "generated-10k.txt"
    path.write_text(f"4 April 2014\nA Generated Article of 10,000 Paragraphs\nBench Wire\n\n{body}\n")
    return path


def one_paragraph_article(folder: Path, megabytes: int) -> Path:
    """Moby-Dick's paragraphs joined by spaces into ONE paragraph of ``megabytes`` MB."""
    from tui.text import load_article

    moby = " ".join(p.text for p in load_article(CORPUS / "long" / "moby-dick.txt").paragraphs)
    size = megabytes * 1_000_000
    text = " ".join([moby] * (size // len(moby) + 1))[:size]
    path = folder / f"paragraph-{megabytes}mb.txt"
    path.write_text(f"One Paragraph of {megabytes} MB\n\n{text[:text.rfind('. ') + 1]}\n")
    return path


def big_article(folder: Path, megabytes: int = 50) -> Path:
    """Moby-Dick's paragraphs, copy after copy, each numbered ("Copy 3: ..."), to 50 MB."""
    paragraphs = (CORPUS / "long" / "moby-dick.txt").read_text(encoding="utf-8").strip().split("\n\n")
    out, size, copy = [], 0, 0
    while size < megabytes * 1_000_000:
        copy += 1
        for paragraph in paragraphs:
            out.append(f"Copy {copy}: {paragraph}")
            size += len(out[-1].encode()) + 2
    path = folder / f"article-{megabytes}mb.txt"
    path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    return path


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def launch(argv: list[str], marker: bytes, ready: bytes | None, cwd: Path) -> tuple[float, ...]:
    """Seconds to first paint, alive and counted for one launch; then quit."""
    app = PtyApp(argv, cwd)
    painted = app.wait_for(marker)
    alive = app.wait_for(b"sentence 1/", 300) if ready else painted
    counted = app.wait_for(ready, 600) if ready else alive
    app.close(60)
    return painted, alive, counted


def quit_at_paint(argv: list[str], marker: bytes, cwd: Path) -> float:
    """Seconds from ctrl+q, sent at the first frame (work still running), to exit."""
    app = PtyApp(argv, cwd)
    app.wait_for(marker)
    return app.close(300)


def first_open(case: "Case", cwd: Path, launches: int) -> tuple[float, float, float]:
    """Paint, alive and peak MB (medians) of launches that each open the
    article in a NEW database: the article is parsed, hashed and stored, as
    on a user's first open (the other launches find it stored)."""
    runs = []
    for n in range(launches):
        argv = list(case.argv)
        if "--db" in argv:
            argv[argv.index("--db") + 1] = str(cwd / f"{case.key}-cold-{n}.db")
        app = PtyApp(argv, cwd)
        painted = app.wait_for(case.marker)
        alive = app.wait_for(b"sentence 1/", 300) if case.ready else painted
        if case.ready:
            app.wait_for(case.ready, 600)  # the background count: its peak counts too
        app.drain(0.5)
        runs.append((painted, alive, app.peak_rss_mb()))
        app.close(60)
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))


def forward(app: PtyApp, key: bytes, presses: int, room: int | None) -> list[float]:
    """Latencies of ``presses`` of ``key`` moving forward; an unmeasured g at the end."""
    times, position = [], 0
    for _ in range(presses):
        if room is not None and position >= room:
            app.press(b"g")  # back to the top: not a forward move
            position = 0
        times.append(app.key_latency(key))
        position += 1
    return times


def measure(case: "Case", keys: int, cwd: Path) -> dict:
    """Key latencies and peak memory of one launch of ``case``."""
    app = PtyApp(case.argv, cwd)
    app.wait_for(case.marker)
    if case.ready:
        app.wait_for(case.ready, 600)  # measure keys once the background work is done
    app.drain(0.5)
    app.press(b"g")
    result = {"l": forward(app, b"l", keys, case.sentences - 1 if case.sentences else None)}
    app.press(b"g")
    single = case.paragraphs == 1  # j, G and g change nothing there
    result["j"] = [] if single else forward(
        app, b"j", keys, case.paragraphs - 1 if case.paragraphs else None)
    # G and g: last and first paragraph, so the whole view scrolls and redraws.
    app.press(b"g")
    result["jump"] = [] if single else [app.key_latency(b"G" if i % 2 == 0 else b"g")
                                        for i in range(keys)]
    result["tag"] = [app.key_latency(b"c") for _ in range(keys)]
    result["rss"] = app.peak_rss_mb()
    app.close(60)
    return result


class Case:
    """One program to launch, what shows it painted and counted, and its size."""

    def __init__(self, key: str, name: str, argv: list[str], marker: bytes,
                 ready: bytes | None, article: Path | None = None, keys: int = 60) -> None:
        self.key, self.name, self.argv, self.marker, self.ready = key, name, argv, marker, ready
        self.paragraphs = self.sentences = None  # None: more than any run presses
        if article is not None:
            from tui.text import load_article

            parsed = load_article(article)
            self.paragraphs = len(parsed.paragraphs) if len(parsed.paragraphs) <= keys else None
            count = 0
            for paragraph in parsed.paragraphs:
                count += len(paragraph.sentences)
                if count > keys:
                    break
            self.sentences = count if count <= keys else None


CASE_KEYS = ("bare", "seed", "moby", "10k", "para5", "para20", "article50")


def cases(folder: Path, wanted: list[str], keys: int) -> list[Case]:
    """The cases asked for, skipping (with a message) those that need the corpus."""
    out = []
    has_corpus = (CORPUS / "long" / "moby-dick.txt").exists()
    if not has_corpus:
        print(f"corpus missing: {CORPUS} (expected ../shared/corpus next to the repository); "
              "Moby-Dick, the 5/20 MB paragraphs and the 50 MB article are skipped")
    for key in wanted:
        if key in ("moby", "para5", "para20", "article50") and not has_corpus:
            continue
        db = ["--db", str(folder / f"{key}.db")]
        if key == "bare":
            out.append(Case(key, "bare Textual app",
                            [sys.executable, str(ROOT / "bench" / "bare_app.py")],
                            b"Hello bench 0", None))
            continue
        article, name = {
            "seed": (lambda: ROOT / "seeds" / "000_e8d66d810416afee.txt", "seed (8 paragraphs)"),
            "moby": (lambda: CORPUS / "long" / "moby-dick.txt", "Moby-Dick (2,802 paragraphs)"),
            "10k": (lambda: generated_article(folder), "10,000 paragraphs"),
            "para5": (lambda: one_paragraph_article(folder, 5), "one 5 MB paragraph"),
            "para20": (lambda: one_paragraph_article(folder, 20), "one 20 MB paragraph"),
            "article50": (lambda: big_article(folder), "50 MB article (111k ¶)"),
        }[key]
        path = article()
        out.append(Case(key, name, [TUI, str(path), *db], PAINTED, b"tagged", path, keys))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Quick subset: --cases seed,moby,para5 --launches 2 --keys 20 (about a minute). "
               f"Cases: {', '.join(CASE_KEYS)}.")
    parser.add_argument("--keys", type=int, default=60, help="presses per key kind")
    parser.add_argument("--launches", type=int, default=7,
                        help="launches per case for paint, alive and counted (median)")
    parser.add_argument("--cases", default=",".join(CASE_KEYS),
                        help="comma-separated cases to run (default: all)")
    parser.add_argument("--cold", action="store_true",
                        help="also launch each case on a new database (first open: the article "
                             "stored), reported in its own table")
    args = parser.parse_args()
    wanted = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in wanted if c not in CASE_KEYS]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASE_KEYS)}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs = cases(folder, wanted, args.keys)
        for case in runs:  # warm-up: bytecode, file cache, the database made
            launch(case.argv, case.marker, case.ready, folder)
        # After the warm-up (compiled bytecode, file cache), but a new database each.
        colds = [first_open(case, folder, args.launches) for case in runs] if args.cold else []
        timings: list[list[tuple[float, ...]]] = [[] for _ in runs]
        for _ in range(args.launches):
            for times, case in zip(timings, runs):
                times.append(launch(case.argv, case.marker, case.ready, folder))
        quits = [quit_at_paint(case.argv, case.marker, folder) for case in runs]
        results = [measure(case, args.keys, folder) for case in runs]
    kinds = ("l", "j", "jump", "tag")
    bare = next((statistics.median(t[0] for t in times)
                 for times, case in zip(timings, runs) if case.key == "bare"), None)
    print(f"{'case':28} {'paint s':>7} {'x bare':>6} {'alive s':>7} {'counted':>7} {'quit@p':>6} "
          + " ".join(f"{k + ' med':>8} {k + ' p90':>8}" for k in kinds) + f" {'peak MB':>7}")
    for case, times, quit, r in zip(runs, timings, quits, results):
        paint, alive, counted = (statistics.median(t[i] for t in times) for i in range(3))
        keys_text = " ".join(
            (f"{statistics.median(r[k]) * 1000:6.1f}ms {percentile(r[k], .9) * 1000:6.1f}ms"
             if r[k] else f"{'-':>8} {'-':>8}") for k in kinds)
        ratio = f"{paint / bare:6.2f}" if bare else f"{'-':>6}"
        print(f"{case.name:28} {paint:7.3f} {ratio} {alive:7.3f} {counted:7.3f} {quit:6.2f} "
              f"{keys_text} {r['rss']:7.0f}")
    if colds:
        print(f"\n{'first open (new database)':28} {'paint s':>7} {'alive s':>7} {'peak MB':>7}")
        for case, (paint, alive, peak) in zip(runs, colds):
            print(f"{case.name:28} {paint:7.3f} {alive:7.3f} {peak:7.0f}")
        print()
    print(f"paint: text on screen; alive: database open, tags drawn, writing keys work; "
          f"counted: every sentence split (background); medians of {args.launches} launches. "
          "quit@p: ctrl+q at the first frame -> exit")
    print("l: next sentence, j: next paragraph, both forward; jump: G/g last/first paragraph "
          "(scroll, full redraw); tag: c on the cursor's sentence")
    print("targets: seed paint <= 1.3x bare; Moby-Dick, 10k and 50 MB paint <= 1 s; keys <= 16 ms "
          "median (also l in the 5 MB paragraph); quit <= 1 s; 10k <= 150 MB; "
          "50 MB article peak <= 150 MB (3x the file)")


if __name__ == "__main__":
    main()
