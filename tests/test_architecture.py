"""The house's boundaries, read from the import statements of the product's packages:

- views never import views: what several pages share lives in a module of its own;
- no two packages import each other, directly or round a longer loop (``scoring/`` is checked for purity
  by tests/scoring/test_purity.py);
- ``web/`` (what every blueprint stands on) imports none of the product's packages.

Imports under ``if TYPE_CHECKING:`` are for the type checker only and are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
NOT_PRODUCT = {"tests", "bench", "migrations", "deploy", "docs", "static", "templates", "translations",
               "node_modules"}


def packages() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir()
                  if (p / "__init__.py").is_file() and p.name not in NOT_PRODUCT and not p.name.startswith("."))


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imported_modules(source: str) -> set[str]:
    """Every absolute module a file imports, at any depth, except under ``if TYPE_CHECKING:``."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def module_files() -> dict[str, Path]:
    return {".".join(path.relative_to(ROOT).with_suffix("").parts): path
            for package in packages() for path in (ROOT / package).rglob("*.py")}


def package_graph(files: dict[str, Path], names: list[str]) -> dict[str, dict[str, str]]:
    """package -> {package it imports: one module that does, for the message}."""
    graph: dict[str, dict[str, str]] = {name: {} for name in names}
    for module, path in files.items():
        own = module.split(".")[0]
        for imported in imported_modules(path.read_text(encoding="utf-8")):
            other = imported.split(".")[0]
            if other in graph and other != own:
                graph[own].setdefault(other, f"{module} imports {imported}")
    return graph


def find_cycle(graph: dict[str, dict[str, str]]) -> list[str] | None:
    """One loop of imports between packages, as the path that closes it, or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state and (loop := walk(target)):
                return loop
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (loop := walk(node)):
            return loop
    return None


def test_views_never_import_views():
    files = module_files()
    views = {module for module in files if module.rsplit(".", 1)[-1].endswith("views")}
    offences = sorted(f"{module} imports {imported}" for module in views
                      for imported in imported_modules(files[module].read_text(encoding="utf-8"))
                      if imported in views and imported != module)
    assert not offences


def test_no_import_cycle_between_packages():
    graph = package_graph(module_files(), packages())
    loop = find_cycle(graph)
    assert loop is None, " -> ".join(loop) + ": " + "; ".join(
        graph[a][b] for a, b in zip(loop, loop[1:], strict=False))


def test_web_imports_none_of_the_product_packages():
    graph = package_graph(module_files(), packages())
    assert graph["web"] == {}


def test_the_checks_find_what_they_look_for():
    assert find_cycle({"a": {"b": "x"}, "b": {"c": "y"}, "c": {"a": "z"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": "x"}, "b": {}, "c": {"a": "y"}}) is None
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import reports.views\n"
              "def f():\n    from partnerships.views import load_round\n")
    assert "partnerships.views" in imported_modules(source)
    assert "reports.views" not in imported_modules(source)
