"""Abbildungen zur sinusförmigen Positionskodierung (Kapitel 22.5.3)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from aufmerksamkeit.positional import positional_encoding


def position_similarity(length: int, d_model: int) -> np.ndarray:
    """Skalarprodukte der Kodierungen aller Positionspaare, geteilt durch d_model/2: (L, L).

    Für jedes Frequenzpaar gilt sin·sin + cos·cos = cos(ω (p − q)); die Matrix
    hängt daher nur vom Abstand p − q ab (und ist auf der Diagonale 1).
    """
    encoding = positional_encoding(length, d_model)  # (L, d_model)
    return encoding @ encoding.T / (d_model / 2)  # (L, L)


def plot_positional_encoding(length: int, d_model: int) -> Figure:
    """Heatmap der Positionskodierung (Positionen × Dimensionen)."""
    encoding = positional_encoding(length, d_model)  # (L, d_model)
    fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    image = ax.imshow(
        encoding, cmap="RdBu", vmin=-1, vmax=1, aspect="auto", interpolation="nearest"
    )
    ax.set_xlabel("Dimension i")
    ax.set_ylabel("Position p")
    ax.set_title(f"Sinusförmige Positionskodierung, d_model = {d_model}")
    fig.colorbar(image, ax=ax, label="Wert")  # Beschriftung mit Dezimalkomma: plotting.show
    return fig


def plot_position_similarity(position: int, length: int, d_model: int) -> Figure:
    """Ähnlichkeit der Kodierung von ``position`` zu allen Positionen 0 … length − 1."""
    row = position_similarity(length, d_model)[position]  # (L,)
    fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    ax.plot(range(length), row, "o-", markersize=3)
    ax.axvline(position, color="tab:red", linestyle=":", label=f"Position p = {position}")
    ax.set_ylim(-0.3, 1.05)
    ax.set_xlabel("Position q")
    ax.set_ylabel("PE[p] · PE[q] / (d_model/2)")
    ax.set_title(f"Ähnlichkeit der Positionskodierungen (d_model = {d_model})")
    ax.legend(loc="lower right")
    ax.grid(True, alpha=0.3)
    return fig
