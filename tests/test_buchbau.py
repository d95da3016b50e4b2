"""Ein Notebook mit Fehler lässt den Buchbau scheitern – auch beim zweiten Bau.

Beim zweiten Bau liest Sphinx ein unverändertes Notebook nicht neu ein; ohne
``_ext/notebook_fehler.py`` ginge die Seite samt Traceback durch. Damit der Test
schnell bleibt, steht die Fehlerausgabe schon gespeichert im Notebook
(``execute_notebooks: "off"``, kein Kernel) – derselbe Weg, den ein Notebook aus dem
Cache nimmt.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def _notebook(source: str, outputs: list[dict]) -> str:
    title = {"cell_type": "markdown", "id": "titel", "metadata": {}, "source": ["# Rechnung"]}
    cell = {"cell_type": "code", "execution_count": 1, "id": "zelle", "metadata": {},
            "outputs": outputs, "source": [source]}  # fmt: skip
    kernel = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return json.dumps({"cells": [title, cell], "metadata": {"kernelspec": kernel},
                       "nbformat": 4, "nbformat_minor": 5})  # fmt: skip


def _build(book: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(JUPYTER_BOOK), "build", str(book), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


@pytest.mark.skipif(not JUPYTER_BOOK.exists(), reason="jupyter-book fehlt in der Umgebung")
def test_fehlerhaftes_notebook_scheitert_bei_jedem_bau(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text(
        "title: Test\nexecute:\n  execute_notebooks: 'off'\nsphinx:\n  local_extensions:\n"
        f"    notebook_fehler: {ROOT / '_ext'}\n",
        encoding="utf-8",
    )
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n  - file: rechnung\n", encoding="utf-8"
    )
    (tmp_path / "index.md").write_text("# Start\n", encoding="utf-8")
    notebook = tmp_path / "rechnung.ipynb"
    error = {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
             "traceback": ["Traceback …", "ZeroDivisionError: division by zero"]}  # fmt: skip
    notebook.write_text(_notebook("1 / 0", [error]), encoding="utf-8")
    for attempt in (1, 2):
        result = _build(tmp_path)
        assert result.returncode != 0, f"Bau {attempt} hätte scheitern müssen:\n{result.stdout}"
        assert "Fehlerausgabe: ZeroDivisionError" in result.stdout + result.stderr
    result = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
              "data": {"text/plain": ["0.5"]}}  # fmt: skip
    notebook.write_text(_notebook("1 / 2", [result]), encoding="utf-8")
    result = _build(tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
