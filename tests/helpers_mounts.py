"""Real faults for the store's tests: tmpfs mounts, read-only remounts, no root powers.

These need root (mount, chattr, setpriv). Like tmux and Xvfb, they skip
only on a developer's machine without root; in CI (CI=true or
TUI_REQUIRE_E2E=1) a missing power fails the test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def require_root(*tools: str) -> None:
    """Skip (locally) or fail (in CI) unless we are root and have ``tools``."""
    missing = [t for t in tools if shutil.which(t) is None]
    problem = "needs root" if os.geteuid() != 0 else (
        f"needs {', '.join(missing)}" if missing else None)
    if problem is None:
        return
    if os.environ.get("CI") == "true" or os.environ.get("TUI_REQUIRE_E2E") == "1":
        pytest.fail(problem)
    pytest.skip(problem)


@contextlib.contextmanager
def tmpfs(where: Path, size: str = "4m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where`` (made here), unmounted after."""
    require_root("mount", "umount")
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def remount_read_only(where: Path) -> None:
    """Make a mounted tmpfs read-only (it is unmounted by ``tmpfs`` after)."""
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


# Run a command as root without the power to ignore file permissions: what
# an ordinary user meets with a 0444 file or a 0555 folder.
WITHOUT_ROOT_POWERS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
