"""Jede Übung läuft so, wie die Leserin sie trifft: nach den Code-Zellen ihres Notebooks.

Die Blöcke stehen in ``{exercise}``/``{solution}``-Direktiven der Kapiteltexte (``.md``)
und der Markdown-Zellen der Notebooks. Ein Übungsblock mit Lücken (``...``) wird durch
seine Lösung ersetzt, wenn die Lösung derselbe Block ohne Lücken ist (Zeile für Zeile,
``...`` steht für ein beliebiges Stück); sonst füllt ``complete`` die Lücken: Eine Zeile
``ziel = ...`` ersetzt die Lösungszeile mit demselben Ziel, eine Zeile ``...`` allein die
Lösungszeilen, die in der Übung noch fehlen.

Zusammenhang – genau der, den die Leserin hat, ohne geborgte Namen: Ein Block in einem
Notebook läuft in einem frischen Namensraum nach **allen** Code-Zellen *seines* Notebooks
über ihm (in Reihenfolge, gegen die mitgelieferten Modelle). Ein Block in einem Kapiteltext
(``index.md`` und die anderen ``.md``-Seiten) gehört zu einem Notebook desselben Kapitels
(``MD_CONTEXT``) und läuft nach allen seinen Code-Zellen – so, als fügte die Leserin ihn am
Ende dieses Notebooks ein. Damit nicht jeder Block das Notebook neu ausführt, wird jeder
Notebook-Anfang einmal ausgeführt und jeder Block in einer flachen Kopie dieses
Namensraums ausgeführt. Danach prüft ``CHECKS`` das Ergebnis; jeder Block braucht eine
Prüfung.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"

# Kapiteltexte ohne eigene Code-Zellen: nach welchem Notebook ihres Kapitels ihre Blöcke
# laufen. Gewählt ist das Notebook, dessen Stoff die Übungen aufgreifen (22.5: Speicher →
# Effizienz; 22.6: Zahlwörter → Übersetzung); für Seiten ohne Code-Blöcke ist die Zuordnung
# die erste Notebook-Seite des Kapitels.
MD_CONTEXT = {
    "22_1_einfuehrung/index.md": "22_1_einfuehrung/erste_heatmap.ipynb",
    "22_2_was_ist_self_attention/index.md": "22_2_was_ist_self_attention/beispiel.ipynb",
    "22_3_mathematik/index.md": "22_3_mathematik/rechnung.ipynb",
    "22_4_multi_head/index.md": "22_4_multi_head/koepfe.ipynb",
    "22_5_bedeutung/index.md": "22_5_bedeutung/effizienz.ipynb",
    "22_6_anwendungen/index.md": "22_6_anwendungen/uebersetzung.ipynb",
    "22_6_anwendungen/textgenerierung_live.md": "22_6_anwendungen/textgenerierung.ipynb",
    "22_6_anwendungen/ziffer_zeichnen.md": "22_6_anwendungen/bilderkennung.ipynb",
}

DIRECTIVE = re.compile(r"^(`{3,})\{(exercise|solution)\}[ \t]*(.*?)\n(.*?)^\1[ \t]*$", re.M | re.S)
CODE = re.compile(r"^(`{3,})python[ \t]*\n(.*?)^\1[ \t]*$", re.M | re.S)
FENCE = re.compile(r"^(`{3,}).*?^\1[ \t]*$", re.M | re.S)
INDENTED = re.compile(r"\n[ \t]*\n(    \S.*)")
LABEL = re.compile(r"^:label:\s*(\S+)", re.M)


@dataclass
class Block:
    label: str
    kind: str  # "exercise" oder "solution"
    code: str
    source: str  # Datei, bei Notebooks mit Zellnummer
    notebook: Path
    cell: int  # Index der Markdown-Zelle (für .md-Dateien: hinter der letzten Zelle)
    body: str  # ganzer Text der Direktive


def _texts():
    for path in sorted(CHAPTERS.rglob("*.md")):
        relative = path.relative_to(CHAPTERS).as_posix()
        assert relative in MD_CONTEXT, f"{relative}: kein Notebook in MD_CONTEXT zugeordnet."
        yield relative, path.read_text(), CHAPTERS / MD_CONTEXT[relative], 10**6
    for path in sorted(CHAPTERS.rglob("*.ipynb")):
        if "_build" in path.parts or ".ipynb_checkpoints" in path.parts:
            continue
        for index, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"])
                yield f"{path.relative_to(CHAPTERS).as_posix()}#{index}", text, path, index


def collect_blocks() -> list[Block]:
    blocks = []
    for source, text, notebook, cell in _texts():
        for match in DIRECTIVE.finditer(text):
            kind, argument, body = match.group(2), match.group(3).strip(), match.group(4)
            found = LABEL.search(body)
            label = argument if kind == "solution" else (found.group(1) if found else argument)
            for code in CODE.finditer(body):
                blocks.append(Block(label, kind, code.group(2), source, notebook, cell, body))
    return blocks


def _matches(exercise: str, solution: str) -> bool:
    """Ist ``solution`` Zeile für Zeile die Übung, mit Text anstelle jeder Lücke ``...``?"""
    lines = [line for line in exercise.splitlines() if line.strip()]
    answers = [line for line in solution.splitlines() if line.strip()]
    if len(lines) != len(answers):
        return False
    for line, answer in zip(lines, answers):
        code = line.split("#")[0].rstrip() if "..." in line else line.rstrip()
        pattern = ".+?".join(re.escape(piece) for piece in code.split("..."))
        if not re.match(pattern, answer.rstrip()):
            return False
    return True


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


@cache
def _prefix(notebook: Path, before: int) -> dict:
    """Namensraum nach allen Code-Zellen von ``notebook`` vor Zelle ``before`` (einmal je Ort)."""
    cells = json.loads(notebook.read_text())["cells"]
    namespace: dict = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()), plt.rc_context():
        for index, cell in enumerate(cells[:before]):
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                exec(compile(source, f"{notebook.name}, Zelle {index}", "exec"), namespace)
    plt.close("all")
    return namespace


def run(block_code: str, notebook: Path, cell: int) -> tuple[dict, str]:
    """Führt den Block nach den Code-Zellen über ihm aus; gibt Namensraum und Ausgabe zurück."""
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    stdout = io.StringIO()
    try:
        namespace = dict(_prefix(notebook, cell))  # frische Kopie: kein Name von anderswo
        with contextlib.redirect_stdout(stdout), plt.rc_context():
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


def _two_heads(ns, out):
    assert float(out) > 0.8  # Lösungstext: „eine ähnliche Genauigkeit“ wie mit einem Kopf
    assert ns["model2"].cross_weights().shape[1] == 2  # (N, h, T, S)


def _peeking(ns, out):
    assert ns["log2"].losses[-1] < ns["meta"]["losses"][-1]  # abschreiben ist leichter


def _weights_per_head(ns, out):
    counts = [int(line.split()[-6]) for line in out.strip().splitlines()]
    assert counts == [25, 1048576, 38809, 2250000]


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
    "ex-22-6-uebersetzung-koepfe": _two_heads,
    "ex-22-6-text-maske": _peeking,
    "ex-22-6-gewichte": _weights_per_head,
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


def test_exercise_code_is_fenced_python():
    """Code in Übungen steht in ```python-Blöcken – eingerückter Code entginge diesem Test."""
    for source, text, _, _ in _texts():
        for match in DIRECTIVE.finditer(text):
            rest = FENCE.sub("", match.group(4))
            found = INDENTED.search(rest)
            assert found is None, f"{source}: eingerückter Code-Block {found.group(1)!r}."


def test_solution_replaces_gaps_line_by_line():
    assert _matches("m = f(a, b=...)  # Lücke\nprint(m)\n", "m = f(a, b=2)  # Lücke\nprint(m)\n")
    assert not _matches("m = f(a, b=...)\n", "m = g(a, b=2)\n")
    assert not _matches("x = 1\n", "x = 1\ny = 2\n")


@pytest.mark.parametrize("label", RUNS)
def test_exercise_block_runs_and_gives_the_expected_result(label):
    exercise, solution = EXERCISES.get(label), SOLUTIONS.get(label)
    block = exercise or solution
    code = block.code
    if exercise is not None and "..." in exercise.code:
        assert solution is not None, f"{label}: Übung mit Lücken, aber ohne Lösungsblock."
        if _matches(exercise.code, solution.code):
            code = solution.code
        else:
            code = complete(exercise.code, solution.code)
    if solution is not None and exercise is not None and solution.code.strip() != code.strip():
        # Die Lösung als Ganzes (wenn sie ein vollständiger Block ist) muss genauso laufen.
        assert all(line.strip() in code for line in solution.code.splitlines()), label
    namespace, output = run(code, block.notebook, block.cell)
    CHECKS[label](namespace, output)
