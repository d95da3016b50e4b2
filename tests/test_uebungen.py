"""Jeder Python-Block in Übungen und Lösungen läuft – mit der Lösung in den Lücken.

Die Blöcke stehen in ``{exercise}``/``{solution}``-Direktiven der Kapiteltexte (``.md``)
und der Markdown-Zellen der Notebooks. Ein Übungsblock mit Lücken (``...``) wird mit
den Zeilen seiner Lösung vervollständigt: Eine Zeile ``ziel = ...`` ersetzt die
Lösungszeile mit demselben Ziel, eine Zeile ``...`` allein die Lösungszeilen, die in
der Übung noch fehlen. Der Block läuft im Zusammenhang seines Notebooks: Vorher laufen
die erste Code-Zelle (Importe, Seed) und die Code-Zellen, die die im Block benutzten
Namen festlegen – gegen die mitgelieferten Modelle. Danach prüft ``CHECKS`` das
Ergebnis; jeder Block braucht eine Prüfung.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"

# Kapiteltexte ohne eigenes Notebook-Umfeld: in welchem Notebook ihre Blöcke laufen
MD_CONTEXT = {"22_1_einfuehrung/index.md": "22_1_einfuehrung/erste_heatmap.ipynb"}

DIRECTIVE = re.compile(r"^(`{3,})\{(exercise|solution)\}[ \t]*(.*?)\n(.*?)^\1[ \t]*$", re.M | re.S)
CODE = re.compile(r"^(`{3,})python[ \t]*\n(.*?)^\1[ \t]*$", re.M | re.S)
LABEL = re.compile(r"^:label:\s*(\S+)", re.M)


@dataclass
class Block:
    label: str
    kind: str  # "exercise" oder "solution"
    code: str
    source: str  # Datei, bei Notebooks mit Zellnummer
    notebook: Path | None
    cell: int  # Index der Markdown-Zelle (für .md-Dateien: Zahl der Zellen)


def _texts():
    for path in sorted(CHAPTERS.rglob("*.md")):
        context = MD_CONTEXT.get(path.relative_to(CHAPTERS).as_posix())
        notebook = CHAPTERS / context if context else None
        yield path.relative_to(ROOT).as_posix(), path.read_text(), notebook, 10**6
    for path in sorted(CHAPTERS.rglob("*.ipynb")):
        if "_build" in path.parts or ".ipynb_checkpoints" in path.parts:
            continue
        for index, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"])
                yield f"{path.relative_to(ROOT).as_posix()}#{index}", text, path, index


def collect_blocks() -> list[Block]:
    blocks = []
    for source, text, notebook, cell in _texts():
        for match in DIRECTIVE.finditer(text):
            kind, argument, body = match.group(2), match.group(3).strip(), match.group(4)
            found = LABEL.search(body)
            label = argument if kind == "solution" else (found.group(1) if found else argument)
            for code in CODE.finditer(body):
                blocks.append(Block(label, kind, code.group(2), source, notebook, cell))
    return blocks


def _target(line: str) -> str | None:
    """Ziel einer Zeile: ``a, b = …`` → ``a, b``; ``print(…)`` → ``print(``; ``...`` → None."""
    stripped = line.split("#")[0].strip()
    if stripped in ("...", ""):
        return None
    assignment = re.match(r"^([\w\[\], .]+?)\s*=(?!=)", stripped)
    if assignment:
        return assignment.group(1).strip()
    call = re.match(r"^([\w.]+\()", stripped)
    return call.group(1) if call else stripped


def complete(exercise: str, solution: str) -> str:
    """Füllt die Lücken (``...``) der Übung mit den passenden Zeilen der Lösung."""
    solution_lines = [line for line in solution.splitlines() if line.strip()]
    by_target = {_target(line): line.strip() for line in solution_lines}
    present = {line.strip() for line in exercise.splitlines()}
    targets = {_target(line) for line in exercise.splitlines()} - {None}
    result = []
    for line in exercise.splitlines():
        if "..." not in line.split("#")[0]:
            result.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        target = _target(line)
        if target is None:  # eine ganze Zeile fehlt: die Lösungszeilen, die noch nicht dastehen
            missing = [
                s.strip()
                for s in solution_lines
                if s.strip() not in present and _target(s) not in targets
            ]
            assert missing, f"Zur Lücke {line.strip()!r} passt keine Lösungszeile."
            result += [indent + s for s in missing]
        else:
            assert target in by_target, f"Keine Lösungszeile für {target!r} (Lücke {line!r})."
            result.append(indent + by_target[target])
    return "\n".join(result) + "\n"


def _names(code: str) -> tuple[set[str], set[str]]:
    """(benutzte, festgelegte) Namen eines Code-Stücks."""
    tree = ast.parse(code)
    used, defined = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else defined).add(node.id)
        elif isinstance(node, ast.alias):
            defined.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
    return used, defined


def context_cells(notebook: Path, before: int, code: str) -> list[str]:
    """Erste Code-Zelle und alle früheren Zellen, von denen ``code`` (transitiv) abhängt."""
    cells = json.loads(notebook.read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells[:before] if c["cell_type"] == "code"]
    needed, _ = _names(code)
    chosen = []
    for source in reversed(sources[1:]):
        used, defined = _names(source)
        if defined & needed:
            chosen.append(source)
            needed |= used
    return [sources[0], *reversed(chosen)]


def run(block_code: str, notebook: Path | None, cell: int, needs: str = "") -> tuple[dict, str]:
    """Führt die Zusammenhangszellen und den Block aus; gibt Namensraum und Ausgabe zurück.

    ``needs``: weitere Namen aus dem Notebook, die erst die Prüfung braucht.
    """
    namespace: dict = {"__name__": "__uebung__"}
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    stdout = io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout), plt.rc_context():
            if notebook is not None:
                for source in context_cells(notebook, cell, f"{block_code}\n{needs}"):
                    exec(compile(source, f"{notebook.name} (Zusammenhang)", "exec"), namespace)
            stdout.seek(0)
            stdout.truncate()
            exec(compile(block_code, "Übungsblock", "exec"), namespace)
    finally:
        plt.close("all")
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)
    return namespace, stdout.getvalue()


# ---------- was jeder Block ergeben muss ----------


def _temperature(ns, out):
    threshold = float(out.split()[-1])
    assert ns["with_temperature"](ns["k1_hoch"], threshold)[ns["mauer"]] < 0.5
    assert threshold == pytest.approx(ns["schwelle"])  # dieselbe Zahl wie im Lösungstext (glue)


def _memory(ns, out):
    naive, efficient = map(float, out.split())
    assert ns["row"].length == 16384
    assert naive > 100 * efficient  # quadratisch gegen linear


def _accuracy(ns, out):
    computed = (ns["vorhersage"] == ns["y"]).float().mean().item()
    assert computed == pytest.approx(ns["metrics"]["test_accuracy"], abs=1e-6)
    printed = out.strip().removeprefix("tensor(").removesuffix(")")
    assert float(printed) == pytest.approx(computed, abs=1e-3)


def _padding(ns, out):
    columns = ns["w"][0].sum(axis=0)  # (S,)
    np.testing.assert_allclose(columns[3:], 0.0)
    np.testing.assert_allclose(ns["w"].sum(-1), 1.0)
    assert ns["maske"].shape == (2, 1, 5)


def _cross_shapes(ns, out):
    assert tuple(ns["ausgabe"].shape) == (1, 7, 64)
    assert tuple(ns["gewichte"].shape) == (1, 4, 7, 12)


def _concat(ns, out):
    assert out.strip() == "True"
    for head in range(4):
        assert torch.equal(ns["concat"][:, :, 8 * head : 8 * head + 8], ns["heads"][:, head])


def _gradient(ns, out):
    far, near = map(float, out.split())
    assert near / 10 < far < near  # Lösungstext: kleiner, aber nicht um Größenordnungen
    assert ns["emb"].grad.shape == ns["emb"].shape


def _online(ns, out):
    assert out.strip() == "True"


def _causal(ns, out):
    assert out.strip() == "False"  # Lösungstext: die kausale Maske bricht die Äquivarianz


def _patches(ns, out):
    assert out.startswith("Tokens: 5, Test: ")
    assert float(out.split()[-1]) > 0.5  # „in derselben Größenordnung“


def _errors(ns, out):
    k = ns["k"]
    model, data = ns["model"], ns["data"]
    assert model(data.x_test[k : k + 1]).argmax(-1).item() != data.y_test[k].item()
    assert ns["w"].shape == (16,)
    assert (ns["w"] >= 0).all() and 0.5 < float(ns["w"].sum()) <= 1 + 1e-5  # ohne Klassen-Token


def _noise(ns, out):
    noisy = ns["evaluate_speech"](ns["model"], ns["noisy_data"]).symbol_accuracy
    clean = ns["evaluate_speech"](ns["model"], ns["test_data"]).symbol_accuracy
    assert noisy < clean - 0.2  # „sinkt deutlich“


CHECKS = {
    "ex-22-1-temperatur": _temperature,
    "ex-22-5-speicher": _memory,
    "ex-22-2-genauigkeit": _accuracy,
    "ex-22-3-padding": _padding,
    "ex-22-3-kreuzformen": _cross_shapes,
    "ex-22-4-concat": _concat,
    "ex-22-5-2-gradient": _gradient,
    "ex-22-5-1-online": _online,
    "ex-22-5-3-kausal": _causal,
    "ex-22-6-vit-patches": _patches,
    "ex-22-6-vit-fehler": _errors,
    "ex-22-6-asr-rauschen": _noise,
}

# Namen, die nur die Prüfung braucht (nicht der Block selbst)
NEEDS = {
    "ex-22-1-temperatur": "schwelle",
    "ex-22-2-genauigkeit": "metrics",
    "ex-22-6-asr-rauschen": "test_data",
}

BLOCKS = collect_blocks()
SOLUTIONS = {b.label: b for b in BLOCKS if b.kind == "solution"}
EXERCISES = {b.label: b for b in BLOCKS if b.kind == "exercise"}
# Was läuft: jede Übung (vervollständigt) und jede Lösung ohne Übungsblock
RUNS = sorted(EXERCISES) + sorted(set(SOLUTIONS) - set(EXERCISES))


def test_blocks_are_found_and_every_one_has_a_check():
    assert len(BLOCKS) >= 20, "Zu wenige Code-Blöcke gefunden – stimmt das Muster noch?"
    assert len({b.label for b in BLOCKS}) == len(RUNS)
    assert set(RUNS) == set(CHECKS), "Jeder Block braucht eine Prüfung in CHECKS (und umgekehrt)."


def test_complete_fills_assignments_and_missing_lines():
    exercise = "x = 1\ny = ...  # Lücke\nwith a:\n    z = ...\n...\nprint(x, ...)\n"
    solution = "y = x + 1\nwith a:\n    z = 2\nw = 3\nprint(x, y)\n"
    assert complete(exercise, solution) == (
        "x = 1\ny = x + 1\nwith a:\n    z = 2\nw = 3\nprint(x, y)\n"
    )
    with pytest.raises(AssertionError, match="Keine Lösungszeile"):
        complete("q = ...\n", "r = 1\n")


@pytest.mark.parametrize("label", RUNS)
def test_exercise_block_runs_and_gives_the_expected_result(label):
    exercise, solution = EXERCISES.get(label), SOLUTIONS.get(label)
    block = exercise or solution
    code = block.code
    if exercise is not None and "..." in exercise.code:
        assert solution is not None, f"{label}: Übung mit Lücken, aber ohne Lösungsblock."
        code = complete(exercise.code, solution.code)
    if solution is not None and exercise is not None and solution.code.strip() != code.strip():
        # Die Lösung als Ganzes (wenn sie ein vollständiger Block ist) muss genauso laufen.
        assert all(line.strip() in code for line in solution.code.splitlines()), label
    namespace, output = run(code, block.notebook, block.cell, NEEDS.get(label, ""))
    CHECKS[label](namespace, output)
