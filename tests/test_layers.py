"""Import hygiene: the layers, and only the UI layer may import Textual.

The layers are import-linter contracts in pyproject.toml
(``[tool.importlinter]``), run here with the venv's ``lint-imports``.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tui"
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def _lint_imports(folder: Path) -> subprocess.CompletedProcess:
    # PYTHONPATH first: the copy in a test's folder is the `tui` analysed.
    return subprocess.run([LINT_IMPORTS, "--no-cache", str(folder / "pyproject.toml")],
                          cwd=folder, env={**os.environ, "PYTHONPATH": str(folder)},
                          capture_output=True, text=True, timeout=300)


def test_import_linter_contracts_are_kept():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.mark.parametrize("module,line,broken", [
    ("store/labels.py", "import tui.exchange.quotes", "Layers: cli > ui > exchange > store > text"),
    ("text/dates.py", "from tui.store import labels", "Layers: cli > ui > exchange > store > text"),
    ("exchange/quotes.py", "import tui.ui.wrap", "Layers: cli > ui > exchange > store > text"),
    ("exchange/quotes.py", "import rich.text", "Only tui.ui imports Textual or rich"),
    ("cli.py", "import textual", "tui.cli reaches Textual only through tui.ui"),
])
def test_import_linter_catches_a_forbidden_import(tmp_path, module, line, broken):
    # The contracts bite: one forbidden import added to a copy of the package.
    shutil.copytree(PACKAGE, tmp_path / "tui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    path = tmp_path / "tui" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1
    assert f"{broken} BROKEN" in result.stdout
    # exchange -> ui also reaches rich through the UI: two contracts then.
    assert ("Contracts: 2 kept, 1 broken." in result.stdout
            or ("tui.ui" in line and "Contracts: 1 kept, 2 broken." in result.stdout))


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
