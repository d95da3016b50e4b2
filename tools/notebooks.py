"""Notebooks neu ausführen und ihre Ausgaben speichern (``make notebooks``).

Aufruf: ``python tools/notebooks.py [Ordner oder Notebooks …]``.
Jedes Notebook läuft in seinem eigenen Ordner, von oben nach unten; der
Widget-Zustand wird nicht gespeichert (er wäre groß und zufällig benannt).
Damit ein zweiter Lauf dieselben Bytes schreibt, bekommen alle Notebooks
dieselbe Kernel-Angabe (die JupyterLab beim Speichern ohnehin schreibt).

Gespeichert wird von einem Regler nur sein statischer Zwilling (``text/html``),
nicht die Widget-Ansicht: Ohne laufenden Kernel zeigte JupyterLab für sie nur
„Error displaying widget: model not found“, und ihre ``model_id`` wäre bei
jedem Lauf eine andere. So funktioniert der Zwilling in JupyterLab schon vor dem
Ausführen (``make lab`` vertraut den Notebooks, damit sein Skript laufen darf);
nach dem Ausführen einer Zelle zeigt JupyterLab den Live-Regler des Kernels.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def make_stable(notebook: nbformat.NotebookNode) -> None:
    """Entfernt Zufälliges: Zeitstempel, Widget-Zustand und -Ansichten, Kernel-Namen."""
    notebook.metadata.pop("widgets", None)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # Zeitstempel älterer Läufe wären nur Rauschen
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)  # der HTML-Zwilling bleibt
        if "outputs" in cell:
            cell.outputs = merge_streams(cell.outputs)


def merge_streams(outputs: list) -> list:
    """Fasst aufeinanderfolgende Textausgaben desselben Stroms zusammen.

    Wie der Kernel ``print`` in Stücke teilt, hängt vom Zeitpunkt ab, zu dem er
    puffert; zusammengefasst ist die Ausgabe bei jedem Lauf dieselbe (nbval fasst
    beim Vergleich ebenso zusammen).
    """
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and output.get("output_type") == previous.get("output_type") == "stream"
            and output.get("name") == previous.get("name")
        ):
            previous["text"] = "".join(previous["text"]) + "".join(output["text"])
        else:
            merged.append(output)
    return merged


def find_notebooks(paths: list[str]) -> list[Path]:
    """Alle Notebooks unter den angegebenen Pfaden, ohne Build- und Prüfpunktordner."""
    found: list[Path] = []
    for path in map(Path, paths):
        candidates = [path] if path.suffix == ".ipynb" else sorted(path.rglob("*.ipynb"))
        found += [nb for nb in candidates if not {"_build", ".ipynb_checkpoints"} & set(nb.parts)]
    return found


def execute_notebook(path: Path, timeout: int = 600) -> float:
    """Führt ein Notebook aus, speichert es und gibt die Laufzeit in Sekunden zurück."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    make_stable(notebook)
    nbformat.write(notebook, path)
    return seconds


def main(argv: list[str]) -> int:
    notebooks = find_notebooks(argv or ["chapters"])
    if not notebooks:
        print("Keine Notebooks gefunden.", file=sys.stderr)
        return 1
    for path in notebooks:
        seconds = execute_notebook(path)
        print(f"{seconds:6.1f} s  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
