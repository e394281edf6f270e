"""Shared fixtures: paths to the seed and to the installed `tui` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_e8d66d810416afee.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def seed_path() -> Path:
    """The bundled seed article."""
    return SEED


def run_tui(*args: str, cwd: Path | None = None, env: dict | None = None, input: str | None = None):
    """Run the installed `tui` console script and capture its output."""
    exe = Path(sys.executable).parent / "tui"
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(exe), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        input=input,
        timeout=120,
    )
