"""Ein Notebook mit Fehler lässt den Buchbau scheitern – auch beim zweiten Bau (Cache)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def _notebook(source: str) -> str:
    title = {"cell_type": "markdown", "id": "titel", "metadata": {}, "source": ["# Rechnung"]}
    cell = {"cell_type": "code", "execution_count": None, "id": "zelle", "metadata": {},
            "outputs": [], "source": [source]}  # fmt: skip
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
        "title: Test\nexecute:\n  execute_notebooks: cache\nsphinx:\n  local_extensions:\n"
        f"    notebook_fehler: {ROOT / '_ext'}\n",
        encoding="utf-8",
    )
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n  - file: rechnung\n", encoding="utf-8"
    )
    (tmp_path / "index.md").write_text("# Start\n", encoding="utf-8")
    notebook = tmp_path / "rechnung.ipynb"
    notebook.write_text(_notebook("1 / 0"), encoding="utf-8")
    for attempt in (1, 2):
        result = _build(tmp_path)
        assert result.returncode != 0, f"Bau {attempt} hätte scheitern müssen:\n{result.stdout}"
        assert "Fehlerausgabe: ZeroDivisionError" in result.stdout + result.stderr
    notebook.write_text(_notebook("1 / 2"), encoding="utf-8")
    result = _build(tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
