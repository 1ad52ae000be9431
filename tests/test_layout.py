"""The layout holds: the library never reads settings or the environment, imports run one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

LIBRARY = ("parsing", "corpus", "index", "qa")
# What each package may import from the project (imports run one way, no cycles).
ALLOWED = {
    "parsing": {"parsing"},
    "index": {"index", "parsing"},
    "corpus": {"corpus", "index", "parsing"},
    "qa": {"qa", "index", "parsing"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _environment_reads(path: Path) -> list[int]:
    """Lines that read ``os.environ`` / ``os.getenv`` (writing a variable is allowed)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "getenv":
            lines.append(node.lineno)
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) \
                and isinstance(node.value, ast.Attribute) and node.value.attr == "environ":
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "environ":
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("package", LIBRARY)
def test_the_library_imports_only_below_itself(package):
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top in {"gongkai", *LIBRARY} and top not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_index_tables_never_import_the_passage_index():
    wrong = [f"{p.relative_to(ROOT)}:{line} imports {m}" for p in sorted((ROOT / "index" / "tables").rglob("*.py"))
             for line, m in _imports(p) if m.startswith("index.passages")]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", LIBRARY)
def test_the_library_never_reads_the_environment(package):
    wrong = [f"{p.relative_to(ROOT)}:{line}" for p in sorted((ROOT / package).rglob("*.py"))
             for line in _environment_reads(p)]
    assert not wrong, "settings are read by gongkai/ (CLI and app) only:\n" + "\n".join(wrong)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_graph() -> dict[str, set[str]]:
    """Project module → project modules it imports (anywhere in the file, lazily too)."""
    modules = {_module_name(p): p for package in (*LIBRARY, "gongkai") for p in (ROOT / package).rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
                    break
    return graph


def test_no_module_imports_itself_through_others():
    graph = _module_graph()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            pytest.fail("import cycle: " + " → ".join(cycle))
