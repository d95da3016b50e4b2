"""Zahlen auf Deutsch: Dezimalkomma, echtes Minuszeichen, Prozent.

Das einzige Zuhause der Zahlformatierung im Kurs. Abbildungen
(:mod:`aufmerksamkeit.figures.plotting`), Alternativtexte und der Buchtext
(:mod:`aufmerksamkeit.notebook.prose`) benutzen diese Funktionen; ohne matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MINUS = "\u2212"  # echtes Minuszeichen „−“ statt Bindestrich
NARROW_NBSP = "\u202f"  # schmales geschütztes Leerzeichen, etwa vor „%“


def decimal_comma(value: float, digits: int = 2) -> str:
    """Zahl mit Dezimalkomma und echtem Minus, etwa ``0,25`` oder ``−1,5``.

    Gerundet wie ``f"{value:.{digits}f}"``; was zu null rundet, steht ohne Vorzeichen
    (``−0,001`` → ``0,00``).
    """
    text = f"{value:.{digits}f}"
    if text.startswith("-"):
        text = text[1:] if not text.strip("-0.") else MINUS + text[1:]
    return text.replace(".", ",")


def percent(share: float, digits: int = 0) -> str:
    """Anteil als Prozentangabe mit schmalem geschütztem Leerzeichen, etwa ``71 %``, ``98,4 %``."""
    return f"{decimal_comma(100 * share, digits)}{NARROW_NBSP}%"


def largest_remainder(shares: Sequence[float], total: int = 100) -> list[int]:
    """Ganze Zahlen ``≈ total · share``, deren Summe ``round(total · sum(shares))`` ist.

    Methode der größten Reste: jeder Wert abgerundet, die fehlenden Einheiten gehen an die
    größten Reste (bei Gleichstand an den früheren). ``[0.335, 0.335, 0.33]`` → ``[34, 33, 33]``
    statt einzeln gerundet 34 + 34 + 33 = 101. Wie ``largestRemainder`` in ``transformer.js``.
    """
    raw = [total * float(s) for s in shares]
    whole = [math.floor(r) for r in raw]
    missing = round(sum(raw)) - sum(whole)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - whole[i]), i))
    for i in order[: max(0, missing)]:
        whole[i] += 1
    return whole


def percents(shares: Sequence[float]) -> list[str]:
    """Ganze Prozente, die sich wie die Anteile summieren (:func:`largest_remainder`).

    Einzeln gerundet ergäbe ``[0.335, 0.335, 0.33]`` 101 %; hier 34 % + 33 % + 33 % = 100 %.
    """
    return [percent(w / 100) for w in largest_remainder(shares)]


def leading_digit_floor(value: float) -> int:
    """Abgerundet auf die erste Ziffer: ``9.4`` → ``9``, ``97.5`` → ``90``, ``265.6`` → ``200``.

    Für Messwerte, deren letzte Stellen vom Rechner abhängen (etwa ein Speicherverhältnis,
    das auf ARM um ein Promille anders ausfällt): „mindestens 200“ bleibt auf jedem Rechner
    wahr, während „266“ auf einem anderen zu „265“ werden kann.
    """
    if not value >= 1:
        raise ValueError(f"leading_digit_floor erwartet einen Wert ≥ 1, erhalten: {value!r}.")
    magnitude = 10 ** (len(str(int(value))) - 1)
    return int(value) // magnitude * magnitude
