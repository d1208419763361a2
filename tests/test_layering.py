"""Dependencies flow one way: ui -> app -> inference.

inference/ may import numpy, onnxruntime and the standard library only;
app/ never imports Qt widgets or GUI classes (QtCore at most), nor ui/;
no runtime package imports torch.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def python_files(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no Python files"
    return files


def offending(package: str, allowed) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in python_files(package)
        for line, name in imported_modules(path)
        if not allowed(name)
    ]


def test_inference_imports_only_numpy_onnxruntime_and_stdlib():
    def allowed(name: str) -> bool:
        top = name.split(".")[0]
        return top in sys.stdlib_module_names or top in {"numpy", "onnxruntime", "inference",
                                                         "__future__"}

    assert offending("inference", allowed) == []


@pytest.mark.parametrize("package", ["app", "inference"])
def test_core_never_imports_widgets_gui_or_ui(package):
    def allowed(name: str) -> bool:
        forbidden = ("PySide6.QtWidgets", "PySide6.QtGui", "ui", "torch")
        return not any(name == f or name.startswith(f + ".") for f in forbidden)

    assert offending(package, allowed) == []


def test_ui_never_imports_torch():
    assert offending("ui", lambda n: n.split(".")[0] != "torch") == []


def test_the_check_sees_a_forbidden_import(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtWidgets import QLabel\nimport numpy\n")
    names = [name for _line, name in imported_modules(sample)]
    assert "PySide6.QtWidgets" in names and "numpy" in names
