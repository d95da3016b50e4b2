"""Sphinx-Erweiterung: das Buch lädt nichts von fremden Hosts und wirft keine JS-Fehler.

Jupyter Book 1.x bindet ``sphinx-thebe`` immer ein, auch mit ``thebe: false``.
Die Erweiterung schreibt dann in jede Seite einen Skriptblock mit
``const THEBE_JS_URL = "https://unpkg.com/…"`` – bei einem zweiten Lauf von
``env-before-read-docs`` sogar zweimal, was im Browser den Fehler „Identifier
'THEBE_JS_URL' has already been declared“ auslöst. Dieses Buch braucht Thebe
nicht (kein Live-Kernel im Browser; zum Ausführen gibt es JupyterLab). Wir
entfernen deshalb Thebes Skripte und Stile aus jeder Seite.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

_THEBE_FILES = ("sphinx-thebe.js", "sphinx-thebe.css")


def _is_thebe(asset: object) -> bool:
    filename = str(getattr(asset, "filename", "") or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return (
        filename.endswith(_THEBE_FILES) or "unpkg.com/thebe" in filename or "THEBE_JS_URL" in body
    )


def _drop_thebe(
    app: Sphinx, pagename: str, templatename: str, context: dict, *args: object
) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def _drop_thebe_config(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Entfernt den ``text/x-thebe-config``-Block (Binder-Adresse), den Thebe anhängt."""
    for node in list(doctree.findall(nodes.raw)):
        if "x-thebe-config" in node.astext() or "kernelName = " in node.astext():
            node.parent.remove(node)


def setup(app: Sphinx) -> dict:
    # sphinx-thebe meldet seine Skripte bei „env-before-read-docs“ an; in die Liste
    # einer Seite gelangen sie während „html-page-context“. Priorität 900 (> 500):
    # wir filtern nach allen anderen Erweiterungen, kurz bevor das Template rendert.
    app.connect("html-page-context", _drop_thebe, priority=900)
    # Den Konfigurationsblock hängt sphinx-thebe bei „doctree-resolved“ (Priorität
    # 500) als raw-Knoten in den Doctree – mit 900 entfernen wir ihn gleich danach.
    app.connect("doctree-resolved", _drop_thebe_config, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
