"""Messreihen über mehrere Modelle: Zeit und Speicher (``benchmarks``), Ablationen.

Importiert ``core`` und ``models``; ihre Abbildungen liegen in ``figures``.
"""
