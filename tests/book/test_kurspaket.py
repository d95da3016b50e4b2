"""Das Kurspaket ``_build/html/kurspaket.zip``: vollständig, verlinkt, installierbar.

Ein heruntergeladenes Notebook braucht die Kursbibliothek. Das Paket muss deshalb
alle Notebooks, ``lib/``, ``pyproject.toml`` und ``requirements.txt`` enthalten,
von der Startseite und jeder Notebook-Seite aus erreichbar sein – und nach dem
Entpacken muss ein Notebook seine Bibliothek aus dem Paket importieren.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from buchumgebung import BOOK_HTML, ROOT, require_book

ZIP = BOOK_HTML / "kurspaket.zip"
FOLDER = "self-attention-kurs"
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt -e ."
_SKIP = {"__pycache__", ".ipynb_checkpoints", "_build"}


def _repo_files(folder: str, pattern: str = "*") -> set[str]:
    return {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / folder).rglob(pattern)
        if p.is_file()
        and not (_SKIP & set(p.relative_to(ROOT).parts))
        and not any(part.endswith(".egg-info") for part in p.parts)
        and p.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def archive() -> zipfile.ZipFile:
    require_book()
    assert ZIP.is_file(), f"{ZIP} fehlt – der Buchbau legt es an (_ext/kurspaket.py)."
    with zipfile.ZipFile(ZIP) as zf:
        yield zf


def _names(archive: zipfile.ZipFile) -> set[str]:
    prefix = f"{FOLDER}/"
    assert all(n.startswith(prefix) for n in archive.namelist()), "Alles liegt in einem Ordner"
    return {n[len(prefix) :] for n in archive.namelist()}


def test_inhalt_vollstaendig(archive: zipfile.ZipFile) -> None:
    names = _names(archive)
    expected = (
        {"README.md", "pyproject.toml", "requirements.txt"}
        | _repo_files("lib")
        | _repo_files("chapters", "*.ipynb")
    )
    missing = sorted(expected - names)
    assert not missing, f"Im Kurspaket fehlen {len(missing)} Dateien: {missing[:10]}"
    junk = sorted(n for n in names if "__pycache__" in n or ".egg-info" in n or "_build" in n)
    assert not junk, f"Überflüssiges im Kurspaket: {junk[:10]}"
    requirements = archive.read(f"{FOLDER}/requirements.txt").decode()
    assert requirements == (ROOT / "requirements.txt").read_text(encoding="utf-8")


def test_readme_mit_einem_befehl(archive: zipfile.ZipFile) -> None:
    readme = archive.read(f"{FOLDER}/README.md").decode("utf-8")
    assert INSTALL in readme, "README nennt den Installationsbefehl nicht"
    assert "jupyter lab" in readme and "ModuleNotFoundError" in readme


def test_notebooks_mit_hinweiszelle(archive: zipfile.ZipFile) -> None:
    for rel in sorted(_repo_files("chapters", "*.ipynb")):
        packed = json.loads(archive.read(f"{FOLDER}/{rel}"))
        original = json.loads((ROOT / rel).read_text(encoding="utf-8"))
        hint = "".join(packed["cells"][0]["source"])
        assert packed["cells"][0]["cell_type"] == "markdown", rel
        assert "ModuleNotFoundError" in hint and INSTALL in hint, f"{rel}: Hinweiszelle fehlt"
        assert packed["cells"][1:] == original["cells"], f"{rel}: Zellen verändert"


def _links(page: Path) -> list[str]:
    return re.findall(r'href="([^"]*kurspaket\.zip)"', page.read_text(encoding="utf-8"))


def test_verlinkt_von_startseite_und_notebook_seiten(archive: zipfile.ZipFile) -> None:
    pages = [BOOK_HTML / "intro.html"]
    pages += [
        BOOK_HTML / Path(rel).with_suffix(".html")
        for rel in sorted(_repo_files("chapters", "*.ipynb"))
    ]
    for page in pages:
        links = _links(page)
        rel = page.relative_to(BOOK_HTML).as_posix()
        assert links, f"{rel}: kein Link auf kurspaket.zip"
        for link in links:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), link))
            assert target == "kurspaket.zip", f"{rel}: Link {link} zeigt auf {target}"
    downloads = sorted((BOOK_HTML / "_sources").rglob("*.ipynb"))
    assert downloads, "Keine einzeln herunterladbaren Notebooks unter _sources/"
    for copy in downloads:
        first = json.loads(copy.read_text(encoding="utf-8"))["cells"][0]
        assert "ModuleNotFoundError" in "".join(first["source"]), f"{copy.name}: ohne Hinweis"


def test_entpackt_installierbar(archive: zipfile.ZipFile, tmp_path: Path) -> None:
    """``pip install`` aus dem entpackten Paket; ein Notebook importiert dann von dort."""
    archive.extractall(tmp_path)
    course, site = tmp_path / FOLDER, tmp_path / "site"
    shipped = {p.relative_to(course / "lib").as_posix() for p in (course / "lib").rglob("*.*")}
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-compile", "--disable-pip-version-check", "--target", str(site), str(course)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    installed = {p.relative_to(site).as_posix() for p in site.rglob("*.*")}
    data = {f for f in shipped if not f.endswith(".py")}
    assert not data - installed, f"Nicht mitinstalliert: {sorted(data - installed)[:10]}"
    notebook = course / "chapters" / "22_1_einfuehrung" / "erste_heatmap.ipynb"
    first = next(c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code")
    code = "".join(first["source"]) + "\nimport aufmerksamkeit\nprint(aufmerksamkeit.__file__)"
    env = {**os.environ, "PYTHONPATH": str(site), "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r})\n{code}"],
        cwd=notebook.parent, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, f"Erste Code-Zelle scheitert:\n{result.stderr[-2000:]}"
    assert result.stdout.strip().splitlines()[-1].startswith(str(site)), result.stdout
