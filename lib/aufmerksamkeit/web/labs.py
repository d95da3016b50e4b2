"""Die Labore im Buch: der HTML-Platzhalter, den das Labor-Skript ausbaut, und das Skript.

Welche Labore es gibt, welches Modell in welchem rechnet und wie sie heißen, steht nur im
Verzeichnis der Modelle (:mod:`aufmerksamkeit.models.registry`).
"""

from __future__ import annotations

import html
from pathlib import Path

from aufmerksamkeit.models.registry import lab_model

#: Das Labor-Skript (eigenes JavaScript, rechnet die Modelle im Buch nach) und sein Stil.
STATIC_DIR = Path(__file__).parent / "static"
LAB_SCRIPT = STATIC_DIR / "labor" / "transformer.js"


def placeholder_html(lab: str) -> str:
    """HTML-Platzhalter, den ``transformer.js`` im Buch zum Labor ``lab`` ausbaut.

    Er nennt die Datei der Gewichte (``data-aufm-datei``, der Name des Checkpoints) und den
    Titel (``aria-label``) – das Skript selbst kennt keine Dateinamen.
    """
    entry = lab_model(lab)
    title = html.escape(entry.lab.title)
    return (
        f'<div class="aufm-labor" data-aufm-labor="{lab}" data-aufm-datei="{entry.name}" '
        f'role="region" aria-label="{title}">'
        f'<p class="aufm-laden">Das {title} lädt … (Es braucht JavaScript; ohne JavaScript '
        "bleiben die Abbildungen der Seite.)</p></div>"
    )
