"""Sphinx-Erweiterung: Übungen je Abschnitt nummerieren („Übung 22.3.1“ statt „Übung 9“).

sphinx-exercise zählt alle Übungen des Buches durch. Ein Lehrbuch nummeriert sie
je Abschnitt: Die Übungen in ``chapters/22_3_…/`` (Text und Notebooks, in der
Reihenfolge des Inhaltsverzeichnisses) heißen 22.3.1, 22.3.2, … Übungen außerhalb
von ``chapters/`` behalten ihre Nummer.

Die Nummern stehen in ``env.toc_fignumbers``; Sphinx vergibt sie beim Ereignis
``env-get-updated``. Wir nummerieren danach um (höhere Priorität = später). Titel,
Lösungsüberschriften („Lösung zu Übung 22.3.1“) und ``{numref}``-Verweise lesen
alle dieselbe Tabelle.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

_ABSCHNITT = re.compile(r"^chapters/(\d+)_(\d+)_[^/]+/")


def documents_in_toc_order(env: BuildEnvironment, root: str) -> list[str]:
    """Alle Dokumente in der Reihenfolge des Inhaltsverzeichnisses (Tiefensuche)."""
    order: list[str] = []
    stack = [root]
    while stack:
        doc = stack.pop()
        if doc in order:
            continue
        order.append(doc)
        stack.extend(reversed(env.toctree_includes.get(doc, [])))
    return order


def section_of(docname: str) -> tuple[int, int] | None:
    """``chapters/22_3_mathematik/rechnung`` → ``(22, 3)``; sonst ``None``."""
    match = _ABSCHNITT.match(docname)
    return (int(match[1]), int(match[2])) if match else None


def renumber_exercises(app: Sphinx, env: BuildEnvironment) -> list[str]:
    counters: dict[tuple[int, int], int] = {}
    changed: list[str] = []
    for doc in documents_in_toc_order(env, app.config.root_doc):
        section = section_of(doc)
        numbers = env.toc_fignumbers.get(doc, {}).get("exercise")
        if section is None or not numbers:
            continue
        for node_id, _old in sorted(numbers.items(), key=lambda item: item[1]):
            counters[section] = counters.get(section, 0) + 1
            numbers[node_id] = (*section, counters[section])
        changed.append(doc)
    return changed


def setup(app: Sphinx) -> dict:
    # Sphinx vergibt die Nummern (toc_fignumbers) selbst bei „env-get-updated“ mit
    # Priorität 500. Mit 900 nummerieren wir danach um – und noch bevor Titel und
    # Verweise beim Schreiben die Tabelle lesen. Die Rückgabe (geänderte Dokumente)
    # lässt Sphinx diese Seiten neu schreiben.
    app.connect("env-get-updated", renumber_exercises, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
