"""Sphinx-Erweiterung: Barrierefreiheits-Korrekturen am Theme (sphinx-book-theme 1.3).

axe-core (siehe ``tests/book/test_browser.py``) meldet im unveränderten Theme
Verstöße der Stufe „serious“, die aus den Theme-Templates stammen. Wir
korrigieren sie in den fertigen Seiten (``build-finished``), weil sie in
Python-Code bzw. fest verdrahteten Templates des Themes entstehen:

* Symbole (``<i class="fa-…">``) sind Dekoration: ``aria-hidden="true"``.
  Sonst zählt ihr Webfont-Zeichen bzw. ``title`` als sichtbarer Text.
* Die Suchknöpfe tragen ``aria-label="Suche"``, zeigen aber „Suche Ctrl+K“
  (Regel ``label-content-name-mismatch``): Der Name muss den sichtbaren Text
  enthalten – wir lassen ihn aus dem Inhalt entstehen.
* Das Literaturverzeichnis ist eine ``role="list"`` mit Einträgen der
  veralteten Rolle ``doc-biblioentry`` (Regel ``aria-required-children``,
  „critical“): Die Einträge werden ``role="listitem"``.
* Die Linkfarbe ist auf getönten Kästen zu hell (``color-contrast``):
  ``_assets/barrierefreiheit.css`` dunkelt sie ab.
* Breite abgesetzte Formeln sind scrollbar, aber ohne MathJax-Menü nicht per
  Tastatur erreichbar (``scrollable-region-focusable``):
  ``_assets/mathjax-tastatur.js`` gibt ihnen einen Tabstopp.
* Die Auf-/Zuklapp-Dreiecke im Inhaltsverzeichnis sind ``<summary>``-Elemente
  ohne Text (Regel ``summary-name``): Sie bekommen eine deutsche Beschriftung.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

_ICON = re.compile(r'<i class="([^"]*\bfa-[^"]*)"(?![^>]*aria-hidden)')
_SEARCH_LABEL = re.compile(
    r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="[^"]*"'
)
_BIBLIOENTRY = re.compile(r'(<div class="citation" id="[^"]*") role="doc-biblioentry"')
_SUMMARY = re.compile(r'<summary>(\s*<span class="toctree-toggle")')


# myst-nb schreibt über ausgeblendete Zellen (Tag ``hide-cell``) ein englisches
# ``aria-label``, das nicht zum sichtbaren deutschen Text passt
# (Regel ``label-content-name-mismatch``): Der Name entsteht dann aus dem Inhalt.
_TOGGLE_LABEL = '<summary aria-label="Toggle hidden content">'


def fix_html(text: str) -> str:
    """Wendet alle Korrekturen auf eine HTML-Seite an (idempotent)."""
    text = text.replace(_TOGGLE_LABEL, "<summary>")
    text = _ICON.sub(r'<i class="\1" aria-hidden="true"', text)
    text = _SEARCH_LABEL.sub(r"\1", text)
    text = _BIBLIOENTRY.sub(r'\1 role="listitem"', text)
    text = _SUMMARY.sub(r'<summary aria-label="Unterabschnitte ein- oder ausblenden">\1', text)
    return text


def _fix_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        fixed = fix_html(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    # CSS und Skript einmal beim Start anmelden: Sphinx hängt sie an jede Seite.
    app.add_css_file("barrierefreiheit.css")  # liegt in _assets (html_static_path)
    app.add_js_file("mathjax-tastatur.js", defer="defer")
    app.add_js_file("drucken.js", defer="defer")  # Kästen vor dem Drucken aufklappen
    # Erst „build-finished“: Die korrigierten Stellen entstehen in Jinja-Templates und
    # Python-Code des Themes beim Schreiben der Seiten – vorher gibt es sie nicht, und
    # im Doctree kommen sie nie vor. Nach einem abgebrochenen Bau ändern wir nichts.
    app.connect("build-finished", _fix_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
