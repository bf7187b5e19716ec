"""The layering rule: the law (core) and the store never import Qt; core never touches SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import desktop

ROOT = Path(desktop.__file__).parent


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_and_store_do_not_import_qt() -> None:
    for package in ("core", "store", "services"):
        for path in (ROOT / package).rglob("*.py"):
            bad = {n for n in imports(path) if n.split(".")[0] in ("PySide6", "shiboken6")}
            assert not bad, f"{path} imports {bad}"


def test_core_is_pure() -> None:
    for path in (ROOT / "core").rglob("*.py"):
        bad = {
            n
            for n in imports(path)
            if n.split(".")[0] in ("sqlite3", "sqlite_utils", "PySide6", "reportlab", "os", "pathlib")
            or n.startswith(("desktop.store", "desktop.services", "desktop.gui", "desktop.documents"))
        }
        assert not bad, f"{path} imports {bad}"
