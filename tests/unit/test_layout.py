"""The package layout keeps its layers apart: no import cycles, and the lower layers never reach up.

Imports under `if TYPE_CHECKING:` count too: a cycle there still ties two modules together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import complaints_ledger

PACKAGE_ROOT = Path(complaints_ledger.__file__).parent
# Each layer may import only these other parts of the package (besides itself).
ALLOWED = {
    "domain": set(),
    "persistence": {"domain"},
    "readside": {"domain", "persistence"},
    "application": {"domain", "inputs", "persistence", "privacy", "settings"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield full if full in known else node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE_ROOT.rglob("*.py")}
    known = set(paths)
    return {
        name: {m for m in imported_modules(path, known) if m in known and m != name}
        for name, path in paths.items()
    }


def cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A path of imports from `start` back to itself, if there is one."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        module, path = stack.pop()
        for imported in graph[module]:
            if imported == start:
                return [*path, start]
            if imported not in seen:
                seen.add(imported)
                stack.append((imported, [*path, imported]))
    return None


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else parts[-1]  # complaints_ledger.settings -> settings


def test_no_module_imports_itself_through_others() -> None:
    graph = import_graph()
    cycles = [cycle for m in sorted(graph) if (cycle := cycle_from(m, graph)) is not None]
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_lower_layers_never_import_higher_ones() -> None:
    graph = import_graph()
    reaching_up = sorted(
        f"{module} imports {imported}"
        for module, imports in graph.items()
        if (layer := layer_of(module)) in ALLOWED
        for imported in imports
        if (other := layer_of(imported)) != layer and other not in ALLOWED[layer]
    )
    assert reaching_up == []


def test_the_package_root_holds_only_settings_and_log_set_up() -> None:
    loose = sorted(p.name for p in PACKAGE_ROOT.glob("*.py"))
    assert loose == ["__init__.py", "log_setup.py", "settings.py"]
