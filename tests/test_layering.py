"""The library never imports the CLI stack; dependencies point one way (cli -> report -> engine -> ...)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "checker"
# Every module of the library: everything but the front ends (cli/, server, service) and the output formats (report/).
CORE = sorted(
    str(path.relative_to(PACKAGE).with_suffix(""))
    for path in PACKAGE.rglob("*.py")
    if not str(path.relative_to(PACKAGE)).startswith(("cli/", "report/", "__main__", "server", "service"))
)


def imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def test_core_never_imports_typer_rich_or_the_cli() -> None:
    for module in CORE:
        found = imports(module)
        assert not {name for name in found if name.split(".")[0] in ("typer", "rich", "click")}, module
        assert not {name for name in found if name.lstrip(".").startswith(("cli", "report"))}, module


def test_core_never_prints() -> None:
    for module in CORE:
        tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "print"]
        assert calls == [], module


def test_only_the_cli_package_imports_typer() -> None:
    for path in PACKAGE.rglob("*.py"):
        module = str(path.relative_to(PACKAGE).with_suffix(""))
        if not module.startswith("cli/"):
            assert "typer" not in {name.split(".")[0] for name in imports(module)}, module
