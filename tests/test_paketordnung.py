"""Die Ordnung des Pakets: ein Ordner je Schicht, Importe nur nach unten (siehe ``__init__``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import aufmerksamkeit

PACKAGE = Path(aufmerksamkeit.__file__).parent
#: Schicht jedes Ordners; ein Modul darf nur aus derselben oder einer tieferen Schicht importieren.
LAYERS = {"core": 1, "models": 2, "figures": 3, "experiments": 3, "web": 3, "notebook": 4}
#: Was ein Ordner nie importiert (Kernmathematik und Modelle zeichnen nicht; nur notebook/ kennt
#: Widgets).
FORBIDDEN = {
    "core": {"matplotlib", "ipywidgets"},
    "models": {"matplotlib", "ipywidgets"},
    "experiments": {"matplotlib", "ipywidgets"},
    "web": {"matplotlib", "ipywidgets"},
    "figures": {"ipywidgets"},
}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def folder_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_every_module_lives_in_a_layer_folder():
    top_level = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert not top_level, f"Module ohne Ordner (eine Regel: ein Ordner je Schicht): {top_level}"
    assert {folder_of(p) for p in MODULES} == set(LAYERS)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_only_down_the_layers(path: Path):
    own = folder_of(path)
    upward = []
    for name in imported_modules(path):
        parts = name.split(".")
        if parts[0] == "aufmerksamkeit" and len(parts) > 1 and parts[1] in LAYERS:
            if LAYERS[parts[1]] > LAYERS[own]:
                upward.append(name)
        if parts[0] in FORBIDDEN.get(own, set()):
            upward.append(name)
    assert not upward, f"{own}/ darf nicht importieren: {sorted(upward)}"


def test_module_map_in_the_package_docstring_names_every_module():
    doc = aufmerksamkeit.__doc__
    missing = [p.stem for p in MODULES if p.name != "__init__.py" and f"``{p.stem}``" not in doc]
    assert not missing, f"Modulkarte in __init__ nennt nicht: {missing}"
