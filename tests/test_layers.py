"""Import hygiene: only the UI layer may import Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tui"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_outside_ui_imports_textual_or_rich():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
        and _imports(path) & {"textual", "rich"}
    ]
    assert offenders == []


def test_checker_sees_textual_in_the_ui():
    # Guards the test above against checking nothing.
    ui_imports = set().union(*(_imports(p) for p in (PACKAGE / "ui").rglob("*.py")))
    assert "textual" in ui_imports


def test_importing_the_lower_layers_does_not_load_textual():
    code = (
        "import sys, tui.text, tui.store, tui.exchange, tui.cli; "
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
