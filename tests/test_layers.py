"""The code's layers: imports point only down (ui → exports → models → forms), no cycles.

Read from the source with ``ast`` (every import, including those inside functions), so
a lazy import cannot hide an upward arrow. Imports guarded by ``if TYPE_CHECKING:`` are
annotations only: they still count for the direction of arrows, not for cycles.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("forms", "models", "exports", "ui")
# A package may import itself and the packages listed after it.
ALLOWED = {
    "forms": {"forms"},
    "models": {"models", "forms"},
    "exports": {"exports", "models", "forms"},
    "ui": {"ui", "exports", "models", "forms"},
}
QT = ("PySide6", "shiboken6")


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    out = {"main": ROOT / "main.py"}
    for pkg in PACKAGES:
        for p in (ROOT / pkg).rglob("*.py"):
            out[_module_name(p)] = p
    return out


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path) -> list[tuple[str, bool, int]]:
    """(imported module or module.name, runtime?, line) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for inner in node.body:
                for sub in ast.walk(inner):
                    typing_only.add(id(sub))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        runtime = id(node) not in typing_only
        if isinstance(node, ast.Import):
            out.extend((a.name, runtime, node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            out.append((mod, runtime, node.lineno))
            out.extend((f"{mod}.{a.name}", runtime, node.lineno) for a in node.names)
    return out


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    upward: list[str] = []
    seen: set[tuple[Path, int, str]] = set()
    for name, path in mods.items():
        layer = name.split(".")[0]
        for target, runtime, line in _imports(name, path):
            top = target.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line} imports {target}"
            if layer in ALLOWED and (path, line, top) not in seen:
                seen.add((path, line, top))
                if top in PACKAGES and top not in ALLOWED[layer]:
                    upward.append(where)
                if top == "main":
                    upward.append(where)
                if top in QT and layer != "ui":
                    upward.append(where + " (Qt outside ui/)")
            if runtime and target in mods and target != name:
                graph[name].add(target)
    return graph, upward


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_imports_point_only_down() -> None:
    _, upward = _graph()
    assert upward == [], "imports against the layers (ui → exports → models → forms):\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    graph, _ = _graph()
    cycles = _cycles(graph)
    assert cycles == [], "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_the_checker_sees_upward_arrows_and_cycles(tmp_path: Path) -> None:
    """The checks themselves: a lazy upward import and a two-module cycle are found."""
    graph = {"a": {"b"}, "b": {"a"}, "c": set()}
    assert _cycles(graph) == [["a", "b"]]
    src = tmp_path / "m.py"
    src.write_text("def f():\n    import main\n    from ui import app\n", encoding="utf-8")
    found = [t for t, _, _ in _imports("models.m", src)]
    assert "main" in found and "ui.app" in found
    guarded = tmp_path / "g.py"
    guarded.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from models.store import Store\n",
                       encoding="utf-8")
    assert ("models.store", False, 3) in _imports("models.g", guarded)


def test_modules_stay_small() -> None:
    """No module over 400 lines unless its docstring says why (a line starting "Size:")."""
    too_long = []
    for path in _modules().values():
        text = path.read_text(encoding="utf-8")
        n = text.count("\n")
        if n > 400:
            doc = ast.get_docstring(ast.parse(text)) or ""
            if not any(line.strip().startswith("Size:") for line in doc.splitlines()):
                too_long.append(f"{path.relative_to(ROOT)}: {n} lines")
    assert too_long == [], "modules over 400 lines without a reason (\"Size: …\" in the docstring):\n" + \
        "\n".join(too_long)
