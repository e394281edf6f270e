"""Reading article files for the library's scan in helper processes.

A first launch on 10,000 files spends ~1 ms a file splitting sentences, all
of it Python holding the GIL: in the app's process that is 10 s, with the
screen waiting behind it. :class:`ParsePool` hands the files to a few child
processes (``python -c "...serve()"``, one per core) and collects what each
file gave: its identity hash, header and sentence count, or why it could not
be read (:func:`read_entry`, the very code the scan runs in-process).

The protocol is length-prefixed pickles on the children's standard input and
output: a list of ``(index, path)`` in, a list of ``(index, fields)`` out,
``fields`` None when the file is better read in the app's process (an
unexpected error: it then fails or succeeds there exactly as before). A
child's standard error goes nowhere (a traceback must not reach the
terminal Textual draws on); a child whose parent is gone sees its input
close and exits. A child that dies takes nothing with it: its files are
read in the app's process.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from ..text import ArticleError, load_article
from .identity import file_hash
from .labels import LABELS
from .status_row import StatusRow

_HEADER = struct.Struct("<I")
# Files per request; requests a child may have waiting (so none idles).
CHUNK = 16
AHEAD = 3

# (file_hash, title, outlet, date, sentences, error)
Fields = tuple[str | None, str, str, str, int | None, str]


def read_entry(path: Path) -> Fields:
    """What the library keeps of one file; an unreadable file gives its error.

    Raises only on the unexpected (a bug, memory): the caller decides.
    """
    try:
        article = load_article(path)
        total = article.sentence_count()
    except ArticleError as exc:
        return None, path.name, "", "", None, str(exc)
    return file_hash(article), article.title, article.source, article.date, total, ""


def walk_articles(folder: Path) -> list[tuple[str, str, os.stat_result]]:
    """The ``.txt`` files below ``folder`` as ``Path.rglob("*.txt")`` finds them
    (linked folders not entered, linked files kept, unreadable folders
    skipped), sorted as those paths sort; each as ``(str(path), its resolved
    path, its stat)``.

    One ``os.scandir`` per folder and no Path per file: rglob built a Path
    per entry and matched each name with a regular expression (0.3 s for
    10,000 files, this ~0.1 s). A file that is not a link resolves to the
    resolved folder plus its relative path, without a system call.
    """
    base = str(folder.resolve()).rstrip("/")
    shown = str(folder)  # what str(folder / name) starts with
    prefix = "" if shown == "." else shown.rstrip("/") + "/"
    found: list[tuple[tuple[str, ...], bool, os.stat_result]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(shown, ())]
    while stack:
        directory, parts = stack.pop()
        try:
            with os.scandir(directory) as entries:
                listed = list(entries)
        except OSError:  # no permission, gone meanwhile: as rglob, skipped
            continue
        for entry in listed:
            name = entry.name
            try:
                if entry.is_dir():
                    if not entry.is_symlink():
                        stack.append((entry.path, (*parts, name)))
                elif name.endswith(".txt") and entry.is_file():
                    found.append(((*parts, name), entry.is_symlink(), entry.stat()))
            except OSError:  # gone meanwhile, or a link to nowhere
                continue
    found.sort(key=lambda item: item[0])  # Path order: part by part
    walked = []
    for parts, linked, stat in found:
        relative = "/".join(parts)
        path = prefix + relative
        walked.append((path, str(Path(path).resolve()) if linked else f"{base}/{relative}", stat))
    return walked


@dataclass
class Prelude:
    """What a scan can do before the database is open: find the files, read the
    first few (rows to show at once on a first launch), start the helpers."""

    paths: list[str]
    resolved: list[str]
    stats: list[os.stat_result]
    read: dict[int, Fields] = field(default_factory=dict)  # by index in paths
    rows: list[StatusRow] = field(default_factory=list)  # provisional: never opened
    pool: ParsePool | None = None


def prelude(folder: Path, first_seconds: float = 0.0, pool_min: int | None = None,
            workers: int = 2) -> Prelude:
    """Walk ``folder``; read its first files for up to ``first_seconds``; start
    ``workers`` helper processes if at least ``pool_min`` files are left unread
    (None: none started). No database is touched (nor sqlite-utils imported)."""
    walked = walk_articles(folder)
    found = Prelude([p for p, _r, _s in walked], [r for _p, r, _s in walked],
                    [s for _p, _r, s in walked])
    started = time.perf_counter()
    for index, path in enumerate(found.paths):
        if time.perf_counter() - started >= first_seconds:
            break
        fields = found.read[index] = read_entry(Path(path))
        file_hash_, title, outlet, date, sentences, error = fields
        if error:
            found.rows.append(StatusRow(Path(path).name, "", "", found.resolved[index], None,
                                        state="unreadable", error=error))
        else:
            found.rows.append(StatusRow(title, outlet, date, found.resolved[index], sentences,
                                        {label.name: 0 for label in LABELS}, state="new"))
    if (pool_min is not None and len(found.paths) - len(found.read) >= pool_min
            and (os.cpu_count() or 1) >= 2):
        try:
            found.pool = ParsePool(min(workers, os.cpu_count() or 1))
        except OSError:  # no processes to be had: the files are read in-process
            found.pool = None
    return found


def _read_exactly(stream, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        more = stream.read(size - len(data))
        if not more:
            return None
        data += more
    return data


def serve() -> None:
    """A child's loop: read requests from stdin, answer on stdout, until stdin closes."""
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = _read_exactly(source, _HEADER.size)
        if header is None:
            return
        body = _read_exactly(source, _HEADER.unpack(header)[0])
        if body is None:
            return
        answers = []
        for index, name in pickle.loads(body):
            try:
                answers.append((index, read_entry(Path(name))))
            except Exception:  # noqa: BLE001  (read again in the app, which reports it)
                answers.append((index, None))
        data = pickle.dumps(answers, protocol=pickle.HIGHEST_PROTOCOL)
        sink.write(_HEADER.pack(len(data)) + data)
        sink.flush()


class _Child:
    """One helper process and the requests it has not answered."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.fd = process.stdout.fileno()
        self.buffer = bytearray()
        self.waiting: deque[list[tuple[int, str]]] = deque()


class ParsePool:
    """Files handed to child processes; :meth:`collect` gathers their answers."""

    def __init__(self, workers: int) -> None:
        # The children import this very package: from where this process did.
        root = str(Path(__file__).resolve().parent.parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
        self.children: list[_Child] = []
        try:
            for _ in range(workers):
                process = subprocess.Popen(
                    [sys.executable, "-c", "from tui.store.library_parse import serve; serve()"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                    env=env, close_fds=True)
                self.children.append(_Child(process))
        except OSError:  # no more processes: none is left running
            self.close()
            raise
        self.todo: deque[tuple[int, str]] = deque()
        self.returned: list[tuple[int, str]] = []  # files of a dead child: read in-process

    @property
    def busy(self) -> bool:
        """True while files are queued or being read."""
        return bool(self.todo) or any(child.waiting for child in self.children)

    def add(self, index: int, path: str) -> None:
        """Queue one file (``index`` identifies it in the answer)."""
        self.todo.append((index, path))

    def take(self, count: int) -> list[tuple[int, str]]:
        """Up to ``count`` queued files not yet sent, first first (the caller reads them)."""
        taken = []
        while self.todo and len(taken) < count:
            taken.append(self.todo.popleft())
        return taken

    def _feed(self) -> None:
        for child in list(self.children):
            while self.todo and len(child.waiting) < AHEAD:
                chunk = [self.todo.popleft() for _ in range(min(CHUNK, len(self.todo)))]
                data = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
                try:
                    child.process.stdin.write(_HEADER.pack(len(data)) + data)
                    child.process.stdin.flush()
                except (OSError, ValueError):  # the child is gone
                    self.todo.extendleft(reversed(chunk))
                    self._lost(child)
                    break
                child.waiting.append(chunk)

    def _lost(self, child: _Child) -> None:
        """A child died: its unanswered files are read in the app's process."""
        for chunk in child.waiting:
            self.returned.extend(chunk)
        child.waiting.clear()
        if child in self.children:
            self.children.remove(child)
        _stop(child.process)
        if not self.children:
            self.returned.extend(self.todo)
            self.todo.clear()

    def collect(self, timeout: float) -> list[tuple[int, Fields | None]]:
        """Answers that arrive within ``timeout`` seconds (at least one if any is coming)."""
        self._feed()
        answers: list[tuple[int, Fields | None]] = []
        waiting = [child for child in self.children if child.waiting]
        if not waiting:
            return answers
        ready, _, _ = select.select([child.fd for child in waiting], [], [], max(0.0, timeout))
        for child in waiting:
            if child.fd not in ready:
                continue
            data = os.read(child.fd, 1 << 20)
            if not data:
                self._lost(child)
                continue
            child.buffer += data
            while len(child.buffer) >= _HEADER.size:
                size = _HEADER.unpack_from(child.buffer)[0]
                if len(child.buffer) < _HEADER.size + size:
                    break
                body = bytes(child.buffer[_HEADER.size:_HEADER.size + size])
                del child.buffer[:_HEADER.size + size]
                child.waiting.popleft()
                answers.extend(pickle.loads(body))
        self._feed()
        return answers

    def close(self) -> None:
        """End the children now (a finished scan); on the thread that collects."""
        for child in self.children:
            _stop(child.process)
        self.children = []

    def kill(self) -> None:
        """End the children from another thread (the app quits mid-scan): the
        collecting thread then sees their output close."""
        for child in list(self.children):
            try:
                child.process.kill()
            except OSError:
                pass


def _stop(process: subprocess.Popen) -> None:
    try:
        process.stdin.close()
    except OSError:
        pass
    if process.poll() is None:
        process.kill()
    process.wait()
    process.stdout.close()
