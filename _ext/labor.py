"""Sphinx-Erweiterung: die Labore – trainierte Modelle rechnen im gebauten Buch.

* Direktive ``labor`` (``pronomen``, ``textgenerierung`` oder ``ziffern``) setzt
  einen Platzhalter ``<div data-aufm-labor="…">`` in die Seite; dasselbe Element
  darf auch als HTML-Ausgabe einer Notebook-Zelle kommen (``aufmerksamkeit.notebook.labor``).
* Nur Seiten mit einem Labor laden ``_static/labor/transformer-<labore>.js`` und
  ``labor.css`` (Jupyter Book hängt sonst alle Skripte an jede Seite).
* Am Ende des Builds exportiert ``aufmerksamkeit.web.export`` die mitgelieferten
  Checkpoints (``lib/aufmerksamkeit/data/modelle/*.pt``) als float32-Dateien
  neben das Skript – die einzige Quelle der Gewichte bleibt der Checkpoint.
  Jede Seite bekommt das Skript nur mit ihren Laboren, ohne Kommentare und
  Einrückung (``web_export.slim_script``) – so bleibt sie klein.

Benutzung in MyST::

    ```{labor} pronomen
    ```
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from aufmerksamkeit.models.registry import LAB_MODELS as LABS
from aufmerksamkeit.web.labs import LAB_SCRIPT, placeholder_html

logger = logging.getLogger(__name__)

SCRIPT = "labor/transformer.js"
STYLE = "labor/labor.css"
_MARKER = re.compile(r'data-aufm-labor="(\w+)"')


class LaborDirective(SphinxDirective):
    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        lab = self.arguments[0].strip()
        if lab not in LABS:
            raise self.error(f"Unbekanntes Labor „{lab}“; möglich sind: {', '.join(sorted(LABS))}.")
        return [nodes.raw("", placeholder_html(lab), format="html")]


def _labs(env: object) -> dict[str, set[str]]:
    if not hasattr(env, "aufm_labore"):
        env.aufm_labore = {}
    return env.aufm_labore


def _collect(app: Sphinx, doctree: nodes.document) -> None:
    found = set()
    for node in doctree.findall(nodes.raw):
        if "html" in node.get("format", "").split():
            found.update(lab for lab in _MARKER.findall(node.astext()) if lab in LABS)
    labs = _labs(app.env)
    if found:
        labs[app.env.docname] = found
    else:
        labs.pop(app.env.docname, None)


def _purge(app: Sphinx, env: object, docname: str) -> None:
    _labs(env).pop(docname, None)


def _merge(app: Sphinx, env: object, docnames: set[str], other: object) -> None:
    _labs(env).update({d: labs for d, labs in _labs(other).items() if d in docnames})


def bundle_name(labs: set[str]) -> str:
    """Skript einer Seite mit genau diesen Laboren, z. B. ``labor/transformer-pronomen.js``."""
    return f"labor/transformer-{'-'.join(sorted(labs))}.js"


def _add_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict, *args: object
) -> None:
    labs = _labs(app.env).get(pagename)
    if labs:
        # Im html-page-context-Handler gelten add_js_file/add_css_file nur für diese Seite.
        app.add_js_file(bundle_name(labs), defer="defer")
        app.add_css_file(STYLE)


def _export(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    page_labs = [labs for labs in _labs(app.env).values() if labs]
    if not page_labs:
        return
    from aufmerksamkeit.web.export import slim_script, write_lab_files

    target = Path(app.outdir) / "_static" / "labor"
    source = LAB_SCRIPT.read_text(encoding="utf-8")
    target.mkdir(parents=True, exist_ok=True)
    for labs in {frozenset(labs) for labs in page_labs}:
        bundle = Path(app.outdir) / "_static" / bundle_name(set(labs))
        bundle.write_text(slim_script(source, set(labs)), encoding="utf-8")
    for lab in sorted(set().union(*page_labs)):
        written = write_lab_files(lab, target)
        logger.info(f"Labor {lab}: {written[0].name} ({written[0].stat().st_size / 1e3:.0f} kB)")


def setup(app: Sphinx) -> dict:
    app.add_directive("labor", LaborDirective)
    app.connect("doctree-read", _collect)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("html-page-context", _add_assets, priority=500)
    app.connect("build-finished", _export)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 2,
    }
