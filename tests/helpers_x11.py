"""A real X display (Xvfb) for clipboard tests, and the rule for skipping.

Outside CI a missing Xvfb/xclip/tmux skips the test; in CI (CI=true or
TUI_REQUIRE_E2E=1) it fails, because these tests must run there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest


def require_tools(*tools: str) -> None:
    """Skip (locally) or fail (in CI) unless every tool is on PATH."""
    missing = [t for t in tools if shutil.which(t) is None]
    if not missing:
        return
    message = f"needs {', '.join(missing)} (apt-get install tmux xvfb xclip xauth)"
    if os.environ.get("CI") == "true" or os.environ.get("TUI_REQUIRE_E2E") == "1":
        pytest.fail(message)
    pytest.skip(message)


def start_xvfb(tmp_path: Path) -> tuple[subprocess.Popen, str]:
    """Start Xvfb on a free display number; return the process and DISPLAY."""
    require_tools("Xvfb", "xclip")
    for number in range(90, 140):
        if Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists():
            continue
        display = f":{number}"
        proc = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", "800x600x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                return proc, display
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        proc.kill()
    pytest.fail("could not start Xvfb")


def xclip_read(display: str, expected: str | None = None, timeout: float = 10) -> str:
    """Read the CLIPBOARD selection with xclip.

    The copying xclip forks and takes the selection in the background, so a
    read right after a copy may find no owner yet (or, with ``expected``,
    an older owner): poll until the selection is owned (and equals
    ``expected``) or ``timeout`` seconds pass, then return what was read.
    """
    deadline = time.monotonic() + timeout
    text = ""
    while True:
        result = subprocess.run(
            ["xclip", "-o", "-selection", "clipboard"],
            env={**os.environ, "DISPLAY": display}, capture_output=True, timeout=10,
        )
        if result.returncode == 0:
            text = result.stdout.decode("utf-8")
            if expected is None or text == expected:
                return text
        if time.monotonic() > deadline:
            return text
        time.sleep(0.05)
