"""Abbildungen (matplotlib) mit Alternativtext: Heatmaps, Schemabilder, Messkurven.

Importiert ``core``, ``models`` und ``experiments``, nie Widgets.
"""
