"""Sphinx-Erweiterung: das Kurspaket zum Mitnehmen (``kurspaket.zip`` im gebauten Buch).

Ein heruntergeladenes Notebook allein scheitert an ``import aufmerksamkeit``.
Deshalb legt der HTML-Bau neben ``index.html`` ein ZIP mit allem, was die
Notebooks brauchen: alle Notebooks (mit gespeicherten Ausgaben), die
Bibliothek ``lib/``, ``pyproject.toml``, ``requirements.txt`` und eine kurze
deutsche ``README.md`` mit einem Installationsbefehl.

* Rolle ``{kurspaket}`„Text“``: Link auf das ZIP (im PDF nur der Text mit Hinweis).
* Jede Notebook-Seite bietet das ZIP im Download-Menü oben an (neben „.ipynb“).
* Jedes Notebook im ZIP und jede einzeln herunterladbare Kopie (``_sources/…ipynb``)
  beginnt mit einer Markdown-Zelle, die sagt, was bei ``ModuleNotFoundError: No
  module named 'aufmerksamkeit'`` zu tun ist. Die Notebooks im Projekt bleiben
  unverändert.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

ZIP_NAME = "kurspaket.zip"
FOLDER = "self-attention-kurs"  # oberster Ordner im ZIP
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt -e ."
HINT_TAG = "kurspaket-hinweis"
_SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", "_build", ".pytest_cache"}
_FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # gleiche Bytes bei jedem Bau

README = f"""# Kurspaket „Self-Attention und die Bedeutung für maschinelles Lernen“

Alle Notebooks des Kurses mit der Kursbibliothek `aufmerksamkeit`, die sie importieren.
Sie brauchen Python 3.11 und etwa 3 GB freien Platz, keine Grafikkarte.

## Einrichten (einmal)

Im entpackten Ordner `{FOLDER}`:

```bash
{INSTALL}
```

Das legt die virtuelle Umgebung `.venv` an und installiert die gepinnten Pakete aus
`requirements.txt` sowie die Bibliothek aus `lib/` (editierbar: Änderungen an `lib/` gelten sofort).
Unter Linux lädt pip sonst PyTorch mit CUDA (mehrere GB); die reine CPU-Fassung genügt und ist
viel kleiner – hängen Sie dafür `--extra-index-url https://download.pytorch.org/whl/cpu` an den
pip-Aufruf an. Unter Windows heißt der Befehl
`py -m venv .venv` und danach `.venv\\Scripts\\pip install -r requirements.txt -e .`

## Loslegen

```bash
.venv/bin/jupyter lab chapters
```

Jedes Notebook läuft in Sekunden von oben nach unten durch und zeigt dieselben Zahlen wie das
Buch. Die Regler sind in JupyterLab live (ipywidgets).

## Wenn `import aufmerksamkeit` scheitert

`ModuleNotFoundError: No module named 'aufmerksamkeit'` heißt: Das Notebook läuft in einem
Python ohne die Kursbibliothek. Führen Sie den Befehl oben in diesem Ordner aus und starten Sie
JupyterLab aus `.venv` (`.venv/bin/jupyter lab`), oder wählen Sie in JupyterLab den Kernel dieser
Umgebung.

## Inhalt

- `chapters/` – die Notebooks der Abschnitte 22.1–22.6 (mit gespeicherten Ausgaben)
- `lib/aufmerksamkeit/` – die Kursbibliothek mit den mitgelieferten, trainierten Modellen
- `pyproject.toml`, `requirements.txt` – Paketbeschreibung und gepinnte Abhängigkeiten
"""

HINT_CELL = {
    "cell_type": "markdown",
    "metadata": {"tags": [HINT_TAG]},
    "source": (
        "> **Vor dem Ausführen:** Dieses Notebook importiert die Kursbibliothek "
        "`aufmerksamkeit`. Meldet die erste Code-Zelle `ModuleNotFoundError: No module named "
        "'aufmerksamkeit'`, fehlt sie in diesem Python. Laden Sie das Kurspaket "
        f"(`{ZIP_NAME}`, verlinkt auf der Startseite des Buchs) herunter, entpacken Sie es und "
        f"führen Sie im Ordner `{FOLDER}` einmal `{INSTALL}` aus; danach "
        "`.venv/bin/jupyter lab chapters`. Die `README.md` im Paket erklärt mehr."
    ),
}


# ---------- reine Funktionen (getestet in tests/test_ext.py und tests/book/test_kurspaket.py)


def package_files(root: Path) -> list[tuple[Path, str]]:
    """Dateien des Pakets: ``(Quelle, Pfad im ZIP)``, sortiert."""
    files = [root / "pyproject.toml", root / "requirements.txt"]
    files += [p for p in (root / "lib").rglob("*") if p.is_file()]
    files += [p for p in (root / "chapters").rglob("*.ipynb") if p.is_file()]
    keep = []
    for path in files:
        rel = path.relative_to(root)
        if _SKIP_PARTS & set(rel.parts) or any(part.endswith(".egg-info") for part in rel.parts):
            continue
        if path.suffix in {".pyc", ".pyo"}:
            continue
        keep.append((path, f"{FOLDER}/{rel.as_posix()}"))
    return sorted(keep, key=lambda item: item[1])


def with_hint(notebook_text: str) -> str:
    """Das Notebook mit der Hinweiszelle vorn (idempotent)."""
    notebook = json.loads(notebook_text)
    cells = notebook.get("cells", [])
    if not (cells and HINT_TAG in cells[0].get("metadata", {}).get("tags", [])):
        notebook["cells"] = [dict(HINT_CELL), *cells]
    return json.dumps(notebook, ensure_ascii=False, indent=1) + "\n"


def write_package(root: Path, target: Path) -> int:
    """Schreibt das ZIP nach ``target``; gibt die Zahl der Notebooks zurück."""
    notebooks = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        add(f"{FOLDER}/README.md", README.encode("utf-8"))
        for source, name in package_files(root):
            if source.suffix == ".ipynb":
                notebooks += 1
                add(name, with_hint(source.read_text(encoding="utf-8")).encode("utf-8"))
            else:
                add(name, source.read_bytes())
    return notebooks


def relative_zip_uri(docname: str) -> str:
    """Pfad vom HTML der Seite ``docname`` zum ZIP (es liegt neben ``index.html``)."""
    return "../" * docname.count("/") + ZIP_NAME


# ---------- Sphinx


def kurspaket_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    node = nodes.reference(rawtext, text, refuri=relative_zip_uri(env.docname))
    node["classes"].append("aufm-kurspaket")
    return [node], []


class KurspaketImPdf(SphinxPostTransform):
    """Im PDF gibt es kein ZIP daneben: Link → Text mit Hinweis auf das Online-Buch."""

    default_priority = 5
    formats = ("latex",)

    def run(self, **kwargs: object) -> None:
        for ref in list(self.document.findall(nodes.reference)):
            if "aufm-kurspaket" in ref.get("classes", []):
                text = f"{ref.astext()} ({ZIP_NAME} auf der Startseite des Online-Buchs)"
                ref.parent.replace(ref, nodes.Text(text))


def _menu_entry(app: Sphinx, pagename: str, templatename: str, context: dict, *args) -> None:
    """Download-Menü der Notebook-Seiten: zusätzlich das Kurspaket."""
    if context.get("page_source_suffix") != ".ipynb" and not context.get("ipynb_source"):
        return  # keine Notebook-Seite
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].insert(
                1,
                {
                    "type": "link",
                    "url": relative_zip_uri(pagename),
                    "text": "Kurspaket (.zip)",
                    "tooltip": "Alle Notebooks mit der Kursbibliothek herunterladen",
                    "icon": "fas fa-file-zipper",
                    "label": "download-kurspaket-button",
                },
            )


def _build_package(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir, srcdir = Path(app.outdir), Path(app.srcdir)
    notebooks = write_package(srcdir, outdir / ZIP_NAME)
    # Einzeln herunterladbare Notebooks (Knopf „.ipynb“) mit demselben Hinweis.
    for copy in (outdir / "_sources").rglob("*.ipynb"):
        text = copy.read_text(encoding="utf-8")
        hinted = with_hint(text)
        if hinted != text:
            copy.write_text(hinted, encoding="utf-8")
    size = (outdir / ZIP_NAME).stat().st_size / 1e6
    logger.info(f"Kurspaket: {ZIP_NAME} mit {notebooks} Notebooks ({size:.1f} MB)")


def setup(app: Sphinx) -> dict:
    app.add_role("kurspaket", kurspaket_role)
    app.add_post_transform(KurspaketImPdf)
    # sphinx-book-theme füllt ``header_buttons`` bei „html-page-context“ (Priorität 501);
    # mit 900 ergänzen wir die fertige Download-Gruppe.
    app.connect("html-page-context", _menu_entry, priority=900)
    app.connect("build-finished", _build_package)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
