"""Abbildungen zu den Zeit- und Speichermessungen (Kapitel 22.5.1)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from aufmerksamkeit.core.formatting import decimal_comma
from aufmerksamkeit.experiments.benchmarks import MIB, MemoryRow, ScalingResult


def plot_scaling(result: ScalingResult, start: int = 0) -> Figure:
    """Log-log-Diagramm der Laufzeiten mit angepassten Steigungen in der Legende."""
    slopes = result.slopes(start)
    fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    styles = {"RNN": "s--", "LSTM": "o-", "Attention": "^-"}
    for name, values in result.times.items():
        label = f"{name} (Steigung {decimal_comma(slopes[name], 1)})"
        ax.loglog(result.lengths, np.asarray(values) * 1e3, styles.get(name, "o-"), label=label)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("Sequenzlänge n")
    ax.set_ylabel("Zeit je Vorwärtsdurchlauf (ms)")
    ax.set_title(f"Laufzeit einer Schicht der Breite d = {result.width} (1 Thread)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    return fig


def plot_memory(rows: Sequence[MemoryRow]) -> Figure:
    """Log-log-Diagramm des Spitzen-Speichers beider Varianten.

    Gezeichnet auf ganze (naiv) bzw. zehntel MiB (blockweise) gerundet: Die letzten KiB
    schwanken von Lauf zu Lauf (tracemalloc sieht auch Allokationen anderer Threads, etwa
    des Jupyter-Kernels), die gerundeten Werte nicht.
    """
    lengths = [row.length for row in rows]
    fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    naive = [round(r.naive_bytes / MIB) for r in rows]
    ax.loglog(lengths, naive, "o-", label="naiv (ganze n×n-Matrix)")
    efficient = [round(r.efficient_bytes / MIB, 1) for r in rows]
    ax.loglog(lengths, efficient, "^-", label="blockweise (Online-Softmax)")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("Sequenzlänge n")
    ax.set_ylabel("Spitzen-Speicher (MiB)")
    ax.set_title("Zusätzlicher Speicher einer Attention-Auswertung (float32, d = 64)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    return fig
