"""Hilfen für die Notebooks: Einrichtung (``reproducibility``), Zahlen für den Buchtext
(``prose``), Regler mit statischem Zwilling (``interactive``) und die Labore in
JupyterLab (``labor``). Die oberste Schicht: darf alles importieren.
"""
