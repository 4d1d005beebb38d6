"""The engine's import graph has no cycle, function-level and TYPE_CHECKING imports included.

Why: a cycle hidden behind a lazy import still couples two modules both ways (each can
only be understood with the other), and it is what forced ``Any`` into typed fields.  The
graph is read from the source with ``ast`` (nothing is imported), so every ``import``
statement counts wherever it stands.  Show it with ``python tests/test_import_graph.py``.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "execdocs"


def module_name(path: Path) -> str:
    parts = ["execdocs", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(current: str, is_package: bool, level: int, module: str | None) -> str:
    """The absolute module a relative ``from ... import`` names."""
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join(base + ([module] if module else []))


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Engine modules that ``path`` imports (``from pkg import mod`` names the module)."""
    current = module_name(path)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = (resolve(current, path.name == "__init__.py", node.level, node.module)
                      if node.level else node.module or "")
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name in modules and name != current}


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, modules) for p in paths}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first == last), or None; iterative depth-first search."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return None


def test_the_engine_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_lazy_cycle(tmp_path):
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from .other import g\n")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path
    try:
        assert imports_of(source, {"execdocs.other", "execdocs.m"}) == {"execdocs.other"}
    finally:
        PACKAGE = saved


def test_stages_import_only_the_stages_above_them():
    """parse and run see only the shared values; check, store and render what their docstrings
    say (store's records compare themselves with check.compare, a leaf of pure functions)."""
    shared = {"model", "errors", "lines", "messages"}  # lines, messages: leaves like model and errors
    allowed = {"parse": shared, "run": shared,
               "check": shared | {"problem", "parse", "store"},
               "store": shared | {"problem", "check.compare", "check.noise"},
               "render": shared | {"problem", "parse", "check.compare", "store.files"}}
    for module, targets in import_graph().items():
        stage = module.split(".")[1] if module.count(".") >= 2 else ""
        for target in targets - {"execdocs"} if stage in allowed else ():  # the package: __version__
            name = target.removeprefix("execdocs.")
            assert name.split(".")[0] == stage or name in allowed[stage] or name.split(".")[0] in allowed[stage], \
                f"{module} imports {target}"


if __name__ == "__main__":
    for name, targets in sorted(import_graph().items()):
        print(f"{name} -> {', '.join(sorted(targets)) or '-'}")
    cycle = find_cycle(import_graph())
    print("cycle:", " -> ".join(cycle) if cycle else "none")
    sys.exit(1 if cycle else 0)
