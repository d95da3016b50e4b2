"""Das Buch im Browser: Labor-Verzeichnis und Platzhalter (``labs``), Export der Gewichte
(``export``) und das eigene JavaScript der Labore (``static/labor``).

Importiert ``core`` und ``models``, nie Widgets.
"""
