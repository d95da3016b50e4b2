"""Sphinx-Erweiterung: kein ipywidgets-Zustand im gebauten Buch.

Beim Ausführen der Notebooks speichert jupyter-cache den Zustand aller
Widgets im Notebook; myst-nb bettet ihn dann in jede Seite ein. Im Buch gibt
es aber keinen Kernel – die Regler erscheinen dort als eigenständiges HTML
(siehe ``aufmerksamkeit.notebook.interactive``). Der Zustand wäre nur Ballast (er
enthält alle vorab berechneten Bilder ein zweites Mal).
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _drop_widget_state(app: Sphinx, pagename: str, *args: object) -> None:
    metadata = getattr(app.env, "nb_metadata", {}).get(pagename, {})
    js_files = metadata.get("js_files", {})
    for key in [k for k in js_files if k.startswith("ipywidgets_")]:
        del js_files[key]


def setup(app: Sphinx) -> dict:
    # myst-nb macht aus ``nb_metadata[…]["js_files"]`` bei „html-page-context“ mit
    # Priorität 500 Skript-Tags. Mit 400 laufen wir vorher und löschen den
    # Widget-Zustand, bevor er als Skript in die Seite gelangt.
    app.connect("html-page-context", _drop_widget_state, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
