"""Sphinx-Erweiterung: Ein Notebook mit Fehlerausgabe lässt den Buchbau immer scheitern.

myst-nb meldet einen Fehler nur beim *Ausführen* eines Notebooks. Beim zweiten
``jupyter-book build`` liest Sphinx ein unverändertes Notebook gar nicht neu
ein (die Umgebung ist zwischengespeichert), und mit ``execute_notebooks:
cache`` oder ``"off"`` käme es auch nicht zur Ausführung – die Seite samt
Traceback würde dann stillschweigend ausgeliefert.

Deshalb:

* ``doctree-read`` (beim Einlesen eines Dokuments, egal woher seine Ausgaben
  stammen): Jede Fehlerausgabe (Knoten der Klasse ``traceback``) wird als
  Warnung gemeldet – ``-W`` macht daraus einen Fehler – und in der
  Sphinx-Umgebung vermerkt. ``env-purge-doc`` löscht den Vermerk, bevor ein
  Dokument neu eingelesen wird.
* ``env-get-outdated`` (bei *jedem* Bau, bevor Sphinx entscheidet, was neu
  einzulesen ist): Dokumente mit Vermerk gelten als geändert und werden neu
  eingelesen – so meldet auch der zweite Bau den Fehler.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
_KEY = "notebook_fehler"


def error_outputs(doctree: nodes.Node) -> list[str]:
    """Letzte Zeile jeder Fehlerausgabe (Knoten der Klasse ``traceback``) im Dokument."""
    found = []
    for node in doctree.findall(nodes.Element):
        if "traceback" in node.get("classes", []):
            lines = node.astext().strip().splitlines() or [""]
            found.append(lines[-1][:200])
    return found


def _remember(app: Sphinx, doctree: nodes.document) -> None:
    errors = error_outputs(doctree)
    for error in errors:
        LOGGER.warning(
            "Notebook enthält eine Fehlerausgabe: %s", error, location=app.env.docname,
            type="notebook_fehler",
        )  # fmt: skip
    if errors:
        setattr(app.env, _KEY, {**getattr(app.env, _KEY, {}), app.env.docname: errors})


def _forget(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, _KEY, {}).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set, other: BuildEnvironment) -> None:
    setattr(env, _KEY, {**getattr(env, _KEY, {}), **getattr(other, _KEY, {})})


def _reread(
    app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set
) -> list[str]:
    return sorted(set(getattr(env, _KEY, {})) - removed)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", _remember)
    app.connect("env-purge-doc", _forget)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _reread)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
