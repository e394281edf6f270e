"""Reader benchmark: first paint, key latency and memory through a real pty.

    uv run python bench/reader.py [--keys 60] [--launches 7]

One run, side by side: a bare Textual app showing one Static, the seed,
Moby-Dick (../shared/corpus/long/moby-dick.txt) and a generated article of
10,000 paragraphs. Each runs in its own pseudo-terminal (120x40), as in a
real terminal: first paint is launch -> the first frame that shows the
content, the median of several launches taken in turns (bare, seed, Moby,
10k, bare, ...) so that a noisy moment hits every case alike; a key's
latency is key written -> the first byte of the frame that answers it
(Textual writes a frame in one go). Peak memory is the process's VmHWM.
Not measured with pilot.press, whose ~60 ms floor would hide the app.

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

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM"))
        return int(line.split()[1]) / 1024

    def close(self) -> None:
        os.write(self.fd, b"\x11")  # ctrl+q
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            self.read(0.05)
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)


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


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def first_paint(argv: list[str], marker: bytes, cwd: Path) -> float:
    """Seconds from launch to the first frame showing ``marker``; then quit."""
    app = PtyApp(argv, cwd)
    painted = app.wait_for(marker)
    app.close()
    return painted


def measure(name: str, argv: list[str], marker: bytes, ready: bytes | None, cwd: Path,
            keys: int, paints: list[float]) -> dict:
    app = PtyApp(argv, cwd)
    first_paint = statistics.median(paints)
    # Keys that write work once the database is open; the sentence count
    # (a background split of the whole article) is done when "tagged" shows.
    alive = app.wait_for(b"sentence 1/") if ready else app.wait_for(marker)
    counted = app.wait_for(ready) if ready else alive
    app.drain(0.5)
    navigation = [app.key_latency(b"j" if i % 2 == 0 else b"k") for i in range(keys)]
    # G and g: last and first paragraph, so the whole view scrolls and redraws.
    jumps = [app.key_latency(b"G" if i % 2 == 0 else b"g") for i in range(keys)]
    tagging = [app.key_latency(b"c") for _ in range(keys)]
    rss = app.peak_rss_mb()
    app.close()
    return {"name": name, "paint": first_paint, "alive": alive, "counted": counted,
            "nav": navigation, "jump": jumps, "tag": tagging, "rss": rss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=60, help="presses per key kind")
    parser.add_argument("--launches", type=int, default=7, help="launches per case for paint")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = generated_article(folder)
        cases = [
            ("bare Textual app", [sys.executable, str(ROOT / "bench" / "bare_app.py")],
             b"Hello bench 0", None),
            ("seed (8 paragraphs)", [TUI, str(ROOT / "seeds" / "000_e8d66d810416afee.txt"),
                                     "--db", str(folder / "seed.db")], PAINTED, b"tagged"),
            ("Moby-Dick (2,802 paragraphs)", [TUI, str(CORPUS / "long" / "moby-dick.txt"),
                                              "--db", str(folder / "moby.db")], PAINTED, b"tagged"),
            ("10,000 paragraphs", [TUI, str(big), "--db", str(folder / "big.db")],
             PAINTED, b"tagged"),
        ]
        for _name, argv, marker, _ready in cases:  # warm-up: bytecode, file cache
            first_paint(argv, marker, folder)
        paints: list[list[float]] = [[] for _ in cases]
        for _ in range(args.launches):
            for times, (_name, argv, marker, _ready) in zip(paints, cases):
                times.append(first_paint(argv, marker, folder))
        results = [measure(name, argv, marker, ready, folder, args.keys, times)
                   for times, (name, argv, marker, ready) in zip(paints, cases)]
    bare = results[0]["paint"]
    kinds = ("nav", "jump", "tag")
    print(f"{'case':28} {'paint s':>7} {'x bare':>6} {'alive s':>7} {'counted':>7} "
          + " ".join(f"{k + ' med':>8} {k + ' p90':>8}" for k in kinds) + f" {'peak MB':>7}")
    for r in results:
        keys_text = " ".join(f"{statistics.median(r[k]) * 1000:6.1f}ms "
                             f"{percentile(r[k], .9) * 1000:6.1f}ms" for k in kinds)
        print(f"{r['name']:28} {r['paint']:7.3f} {r['paint'] / bare:6.2f} "
              f"{r['alive']:7.3f} {r['counted']:7.3f} {keys_text} {r['rss']:7.0f}")
    print(f"paint: text on screen (median of {args.launches} launches); alive: database open, "
          "tags drawn, writing keys work; counted: every sentence split (background)")
    print("nav: j/k one paragraph; jump: G/g last/first paragraph (scroll, full redraw); "
          "tag: c on the cursor's sentence")
    print("targets: seed paint <= 1.3x bare; Moby-Dick and 10k <= 1 s; keys <= 16 ms median; "
          "10k <= 150 MB")


if __name__ == "__main__":
    main()
