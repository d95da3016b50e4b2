"""Hausregeln für alle Notebooks unter chapters/ (siehe README, „Mitmachen“)."""

import ast
import json
import re
from pathlib import Path

import pytest

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
NOTEBOOKS = sorted(
    p for p in CHAPTERS.rglob("*.ipynb") if not {"_build", ".ipynb_checkpoints"} & set(p.parts)
)
MAX_LINES = 15
MAX_LINES_IMPORT_CELL = 25  # die erste Zelle darf längere Importlisten haben


def code_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_there_are_notebooks():
    assert NOTEBOOKS, "Keine Notebooks unter chapters/ gefunden."


FRESH_TRAINING = "# frisches Training: Zahl hängt von der CPU ab"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(CHAPTERS)))
def test_first_code_cell_seeds_everything(path):
    first = "".join(code_cells(path)[0]["source"])
    assert "setup_notebook(" in first, "Die erste Code-Zelle muss setup_notebook(seed) aufrufen."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(CHAPTERS)))
def test_outputs_are_stored_without_errors(path):
    cells = code_cells(path)
    assert all(c.get("execution_count") for c in cells), "Nicht alle Zellen wurden ausgeführt."
    for cell in cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", "Gespeicherte Fehlerausgabe."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(CHAPTERS)))
def test_code_cells_are_short_and_define_nothing_reusable(path):
    for number, cell in enumerate(code_cells(path), start=1):
        source = "".join(cell["source"])
        lines = [line for line in source.splitlines() if line.strip()]
        limit = MAX_LINES_IMPORT_CELL if number == 1 else MAX_LINES
        assert len(lines) <= limit, f"Code-Zelle {number} hat {len(lines)} Zeilen."
        tree = ast.parse(source)
        defined = [
            n.name
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]
        assert not defined, (
            f"Code-Zelle {number} definiert {defined}; wiederverwendbarer Code gehört nach lib/."
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(CHAPTERS)))
def test_ignored_outputs_are_justified_timings(path):
    """nbval darf eine Ausgabe nur aus zwei Gründen übergehen, die die Zelle selbst nennt.

    - ``# Zeitmessung …``: Laufzeiten hängen vom Rechner und seiner Auslastung ab.
    - ``# frisches Training: Zahl hängt von der CPU ab`` – nur in einer Zelle, die wirklich
      frisch trainiert (``train(`` oder ``train_…(``): Rundungen der CPU-Kernel machen aus
      demselben Seed ein anderes Modell (STACK.md). Was gespeicherte Gewichte rechnen, wird
      weiter verglichen.
    """
    for number, cell in enumerate(code_cells(path), start=1):
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            first = source.lstrip().splitlines()[0] if source.strip() else ""
            if first.startswith("# Zeitmessung"):
                continue
            assert first == FRESH_TRAINING, (
                f"Code-Zelle {number} ignoriert ihre Ausgabe ohne Grund; erlaubt sind "
                f"„# Zeitmessung …“ und „{FRESH_TRAINING}“."
            )
            assert re.search(r"\btrain(_\w+)?\(", source), (
                f"Code-Zelle {number} nennt frisches Training, trainiert aber nicht."
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(CHAPTERS)))
def test_every_show_cell_displays_its_figure(path):
    """``show(fig, alt=…)`` zeigt nur als letzter Ausdruck einer Zelle etwas an."""
    for number, cell in enumerate(code_cells(path), start=1):
        source = "".join(cell["source"])
        if "show(" not in source:
            continue
        kinds = {kind for out in cell.get("outputs", []) for kind in out.get("data", {})}
        assert "image/png" in kinds, (
            f"Code-Zelle {number} ruft show() auf, zeigt aber kein Bild – steht show() nicht "
            "als letzter Ausdruck der Zelle?"
        )
