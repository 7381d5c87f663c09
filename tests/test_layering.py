"""Imports flow one way: dashboard -> feeds -> layers (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "layers": {"feeds", "dashboard", "redis", "sqlalchemy", "dash"},
    "feeds": {"dashboard"},
}


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_downstream(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    bad = {str(f.relative_to(ROOT)): imported(f) & FORBIDDEN[package] for f in files}
    assert {f: b for f, b in bad.items() if b} == {}


def test_only_settings_reads_the_environment() -> None:
    readers = [
        str(f.relative_to(ROOT))
        for pkg in ("feeds", "layers", "dashboard")
        for f in (ROOT / pkg).rglob("*.py")
        if "os.environ" in f.read_text() or "getenv" in f.read_text()
    ]
    # the CLI only hands its environment on to the processes it starts
    assert sorted(readers) == ["dashboard/cli/processes.py", "feeds/settings.py"]
