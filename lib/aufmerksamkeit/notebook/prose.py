"""Zahlen für den Fließtext: Notebooks legen sie ab, der Buchtext setzt sie ein.

So steht im Text immer genau die Zahl, die das Notebook berechnet hat – keine
Zahl kann veralten. Im Notebook::

    glue_text("pronomen_test", percent(0.984, 1))  # percent aus core.formatting

im Markdown-Text des Kapitels (Format ``:s`` nicht vergessen)::

    {glue:text}`beispiel.ipynb::pronomen_test:s`

Die Zahlen selbst formatiert :mod:`aufmerksamkeit.core.formatting` (``decimal_comma``,
``percent``) – derselbe Formatierer wie in Abbildungen und Laboren.
"""

from __future__ import annotations


def glue_text(key: str, text: str) -> None:
    """Legt ``text`` unter ``key`` für den Buchtext ab (myst-nb ``glue``, ohne Anzeige)."""
    from myst_nb import glue

    if not isinstance(text, str) or not text:
        raise TypeError(f"glue_text erwartet einen nicht leeren Text, erhalten: {text!r}.")
    glue(key, text, display=False)
