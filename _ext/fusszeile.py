"""Sphinx-Erweiterung: Fußzeile ohne „Durch“.

sphinx-book-theme schreibt unter jede Seite ``translate('By') + author``; die
deutsche Übersetzung ergibt „Durch Das Kursteam“. Wir lassen das Wort „By“ weg,
sodass nur der Name steht („Das Kursteam“). Alle anderen Texte übersetzt das
Theme wie bisher.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _without_by(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    translate = context.get("translate")
    if translate is None:
        return

    def translate_without_by(text: str) -> str:
        return "" if text == "By" else translate(text)

    context["translate"] = translate_without_by


def setup(app: Sphinx) -> dict:
    # Das Theme legt ``translate`` bei „html-page-context“ (Priorität 500) in den
    # Kontext; erst danach (900) können wir es einpacken – die Fußzeile rendert später.
    app.connect("html-page-context", _without_by, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
