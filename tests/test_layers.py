"""The package's layers: core <- io <- render <- gui <- cli, dependencies pointing down only, and no cycle.

Every import in every module counts, lazy ones inside functions included: the
modules are read as source (ast), not imported, so nothing hides in a branch
that a test run never takes.
"""
import ast
import sys
from pathlib import Path

import armsim

PACKAGE = Path(armsim.__file__).parent
#: Each layer and what it may import from armsim (besides itself).
LAYERS = {"core": set(), "io": {"core"}, "render": {"core", "io"}, "gui": {"core", "io", "render"},
          "cli": {"core", "io", "render", "gui"}}
THIRD_PARTY = {"core": {"numpy"}, "io": {"numpy", "tomli_w"}}     # what else a Qt-free layer may import
QT = ("PySide6", "pyqtgraph", "superqt", "shiboken6")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved, at any depth of the code."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)   # "from armsim.io import scenario"
    return found


def layer_of(module: str) -> str | None:
    """The layer an armsim module belongs to.

    The package itself (``armsim/__init__``, the library's names) re-exports the core, so it
    counts as core: ``from armsim import solve`` in core would be a cycle, anywhere else fine.
    ``armsim.__main__`` runs the command line.
    """
    parts = module.split(".")
    if parts[0] != "armsim":
        return None
    if module == "armsim":
        return "core"
    # the command line's entry and its map and train commands
    if module in ("armsim.__main__", "armsim.map_command", "armsim.train_command"):
        return "cli"
    return parts[1] if parts[1] in LAYERS else None


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def armsim_imports(path: Path) -> set[str]:
    """The armsim modules ``path`` imports (names that are modules, not functions or classes)."""
    return {m for m in imports(path) if m in MODULES}


def test_every_module_belongs_to_a_layer():
    loose = [m for m in MODULES if layer_of(m) is None]
    assert not loose, f"modules outside the layers: {loose}"


def test_dependencies_point_down_only():
    wrong = []
    for module, path in MODULES.items():
        layer = layer_of(module)
        if layer is None:
            continue
        for target in armsim_imports(path):
            other = layer_of(target)
            if other is not None and other != layer and other not in LAYERS[layer]:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports that point up: " + "; ".join(wrong)


def test_core_and_io_import_no_qt_and_only_their_libraries():
    wrong = []
    for module, path in MODULES.items():
        layer = layer_of(module)
        if layer not in THIRD_PARTY:
            continue
        for target in imports(path):
            top = target.split(".")[0]
            if top.startswith(QT) or (top not in THIRD_PARTY[layer] and top != "armsim"
                                      and top not in sys.stdlib_module_names):
                wrong.append(f"{module} -> {target}")
    assert not wrong, "; ".join(wrong)


def test_there_is_no_import_cycle():
    graph = {m: {t for t in armsim_imports(p) if t != m} for m, p in MODULES.items()}
    # "from armsim.io import scenario" names the package and the module; the module is the edge.
    for m in graph:
        graph[m] = {t for t in graph[m] if not any(u.startswith(t + ".") for u in graph[m])}
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not cycles, "import cycles: " + "; ".join(cycles)


def test_the_checks_see_a_lazy_upward_import(tmp_path, monkeypatch):
    """The real walk finds an upward import inside a function (so a passing test means something)."""
    path = tmp_path / "kinematics.py"
    path.write_text((PACKAGE / "core" / "kinematics.py").read_text()
                    + "\n\ndef _late():\n    from armsim.gui import state\n")
    monkeypatch.setattr(sys.modules[__name__], "module_name", lambda p: "armsim.core.kinematics")
    found = imports(path)
    assert "armsim.gui.state" in found and layer_of("armsim.gui.state") not in LAYERS["core"]
