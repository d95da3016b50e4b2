"""Sphinx-Erweiterung: leichtere Seiten ohne Funktionsverlust.

* ``fontawesome.js`` (1,5 MB) des pydata-Themes ersetzt die Symbole durch SVG.
  Dieselben Symbole liefert das Theme-CSS schon als Webfont – wir lassen das
  Skript weg.
* MathJax (gut 1 MB) wird nur auf Seiten geladen, die Formeln enthalten.
  (myst-nb stellt Sphinx so ein, dass alle Skripte auf jeder Seite landen.)

Der Browsertest (``tests/book``) prüft, dass Symbole und Formeln trotzdem
erscheinen und jede Seite unter 3 MB bleibt.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

# Vom Theme fest ins Template geschrieben (webpack-macros.html), daher erst in
# den fertigen Seiten entfernbar.
_FONTAWESOME_JS = re.compile(
    r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?'
)


def _filename(asset: object) -> str:
    return str(getattr(asset, "filename", "") or "")


def _slim(app: Sphinx, pagename: str, templatename: str, context: dict, *args: object) -> None:
    scripts = context.get("script_files")
    if scripts is None:
        return
    drop = set()
    # Nicht ``has_equations(pagename)``: Das zählt auch alle Seiten im Inhaltsverzeichnis
    # der Seite mit (für singlehtml) – die Startseite hätte dann immer Formeln.
    has_math = app.env.get_domain("math").data.get("has_equations", {}).get(pagename, False)
    if not has_math:
        drop.add(app.config.mathjax_path.rsplit("/", 1)[-1])
    kept = []
    for asset in scripts:
        name = _filename(asset).split("?", 1)[0].rsplit("/", 1)[-1]
        if name in drop:
            continue
        body = str(getattr(asset, "attributes", {}).get("body", ""))
        if "window.MathJax" in body and drop:
            continue
        kept.append(asset)
    context["script_files"] = kept


def _drop_fontawesome(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        slim = _FONTAWESOME_JS.sub("", text)
        if slim != text:
            path.write_text(slim, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    # sphinx.ext.mathjax fügt MathJax bei „html-page-context“ (Priorität 500) in die
    # Skriptliste der Seite ein; mit 900 sehen wir die fertige Liste und kürzen sie.
    app.connect("html-page-context", _slim, priority=900)
    # fontawesome.js steht fest im Template, nicht in der Skriptliste: erst in der
    # geschriebenen Seite entfernbar, also nach dem Bau („build-finished“).
    app.connect("build-finished", _drop_fontawesome)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
