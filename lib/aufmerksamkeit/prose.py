"""Zahlen für den Fließtext: Notebooks legen sie ab, der Buchtext setzt sie ein.

So steht im Text immer genau die Zahl, die das Notebook berechnet hat – keine
Zahl kann veralten. Im Notebook::

    glue_text("pronomen_test", percent_text(0.984))

im Markdown-Text des Kapitels (Format ``:s`` nicht vergessen)::

    {glue:text}`beispiel.ipynb::pronomen_test:s`
"""

from __future__ import annotations


def glue_text(key: str, text: str) -> None:
    """Legt ``text`` unter ``key`` für den Buchtext ab (myst-nb ``glue``, ohne Anzeige)."""
    from myst_nb import glue

    if not isinstance(text, str) or not text:
        raise TypeError(f"glue_text erwartet einen nicht leeren Text, erhalten: {text!r}.")
    glue(key, text, display=False)


def comma_text(value: float, digits: int = 2) -> str:
    """Zahl mit Dezimalkomma und Minuszeichen, etwa ``0,25`` oder ``−1,5``."""
    return f"{value:.{digits}f}".replace(".", ",").replace("-", "\u2212")


def percent_text(share: float, digits: int = 0) -> str:
    """Anteil als Prozentangabe mit schmalem geschütztem Leerzeichen, etwa ``98,4 %``."""
    return f"{comma_text(100 * share, digits)}\u202f%"
