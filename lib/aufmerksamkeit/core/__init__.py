"""Rechenkern: Attention, Masken, Positionskodierung und Bausteine des Transformers.

Nur NumPy und PyTorch – kein matplotlib, keine Widgets, keine Daten. Alles andere im
Paket darf von hier importieren, ``core`` importiert nur aus ``core``.
"""
