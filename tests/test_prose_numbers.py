"""Zahlen, die der Fließtext nennt, müssen zu den gespeicherten Notebook-Ausgaben passen.

Wird ein Notebook mit anderem Ergebnis neu ausgeführt, scheitert dieser Test, bis
der Text nachgezogen ist – so veraltet keine Zahl unbemerkt.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ANWENDUNGEN = "chapters/22_6_anwendungen"


def comma(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


# (Textdatei, Notebook, Muster in der Ausgabe, Text, der daraus im Fließtext folgen muss)
CLAIMS = [
    (
        f"{ANWENDUNGEN}/index.md",
        f"{ANWENDUNGEN}/uebersetzung.ipynb",
        r"Test \(nie gesehen\): (\d\.\d+)",
        lambda acc: f"{comma(100 * float(acc), 1)} %",
    ),
    (
        f"{ANWENDUNGEN}/index.md",
        f"{ANWENDUNGEN}/textgenerierung.ipynb",
        r"Validierung – Transformer: (\d\.\d+), Bigramm: (\d\.\d+)",
        lambda model, bigram: f"{comma(float(model), 2)} gegenüber {comma(float(bigram), 2)}",
    ),
]


def stored_text(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "".join(
        "".join(output.get("text", ""))
        for cell in cells
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    )


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: f"{c[0]}<-{Path(c[1]).name}")
def test_prose_numbers_match_notebook_outputs(claim):
    text_file, notebook, pattern, expected = claim
    match = re.search(pattern, stored_text(ROOT / notebook))
    assert match, f"{notebook}: Ausgabe „{pattern}“ nicht gefunden."
    wanted = expected(*match.groups())
    text = " ".join((ROOT / text_file).read_text(encoding="utf-8").split())
    assert wanted in text, f"{text_file} nennt nicht „{wanted}“ (aus {notebook})."
