"""Zahlen für den Fließtext: Notebooks legen sie ab, der Buchtext setzt sie ein.

So steht im Text immer genau die Zahl, die das Notebook berechnet hat – keine
Zahl kann veralten. Im Notebook::

    glue_text("pronomen_test", percent_text(0.984, 1))

im Markdown-Text des Kapitels (Format ``:s`` nicht vergessen)::

    {glue:text}`beispiel.ipynb::pronomen_test:s`

``comma_text`` und ``percent_text`` sind die Formatierer aus
:mod:`aufmerksamkeit.formatting` unter ihren bisherigen Namen.
"""

from __future__ import annotations

from aufmerksamkeit.formatting import decimal_comma as comma_text
from aufmerksamkeit.formatting import percent as percent_text

__all__ = ["comma_text", "glue_text", "percent_text"]


def glue_text(key: str, text: str) -> None:
    """Legt ``text`` unter ``key`` für den Buchtext ab (myst-nb ``glue``, ohne Anzeige)."""
    from myst_nb import glue

    if not isinstance(text, str) or not text:
        raise TypeError(f"glue_text erwartet einen nicht leeren Text, erhalten: {text!r}.")
    glue(key, text, display=False)
