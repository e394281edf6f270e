"""Writing output files so that a failed run leaves the old file untouched."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


@contextlib.contextmanager
def atomic_text_output(target: str | Path, bom: bool = False) -> Iterator[TextIO]:
    """Yield a text stream for ``target`` ('-' is standard output).

    A file is written beside the target under a temporary name and renamed
    over it only when the block succeeds. It gets the permissions a plain
    ``open`` would give (those of the file it replaces, else the umask's),
    not mkstemp's owner-only 0600.
    """
    encoding = "utf-8-sig" if bom else "utf-8"
    if str(target) == "-":
        out = sys.stdout
        if bom:
            out.write("\ufeff")
        yield out
        out.flush()
        return
    path = Path(target)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                         dir=path.parent if str(path.parent) else ".")
    try:
        os.chmod(temp_name, _mode_for(path))
        with os.fdopen(handle, "w", encoding=encoding, newline="") as out:
            yield out
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
