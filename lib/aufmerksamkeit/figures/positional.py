"""Abbildungen zur sinusförmigen Positionskodierung (Kapitel 22.5.3)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from aufmerksamkeit.core.formatting import decimal_comma
from aufmerksamkeit.core.positional import positional_encoding


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


def describe_positional_encoding(length: int, d_model: int) -> str:
    """Alternativtext zu :func:`plot_positional_encoding`, aus der Kodierung berechnet:
    wie oft die erste und die vorletzte Spalte (beide Sinus) das Vorzeichen wechseln."""
    encoding = positional_encoding(length, d_model)[1:]  # (L − 1, d_model), ohne sin(0) = 0
    changes = (np.diff(np.sign(encoding), axis=0) != 0).sum(axis=0)  # (d_model,)
    counts = [f"{n}-mal" if n else "nie" for n in (changes[0], changes[-2])]
    return (
        f"Heatmap der Positionskodierung für {length} Positionen und d_model = {d_model}: "
        f"Spalte 0 wechselt über die Positionen {counts[0]} das Vorzeichen, "
        f"Spalte {d_model - 2} {counts[1]}"
        + (" – von links nach rechts immer langsamere Wellen." if changes[0] > changes[-2] else ".")
    )


def describe_position_similarity(position: int, length: int, d_model: int) -> str:
    """Alternativtext zu :func:`plot_position_similarity`, aus den Werten berechnet."""
    row = position_similarity(length, d_model)[position]  # (L,)
    best = int(row.argmax())
    text = (
        f"Linie: Ähnlichkeit der Kodierung von Position {position} zu allen {length} "
        f"Positionen; Maximum {decimal_comma(row[best])} bei q = {best}"
    )
    reach = min(position, length - 1 - position)  # so weit reicht die Linie zu beiden Seiten
    if reach == 0:
        return text + "."
    left, right = row[position - reach : position][::-1], row[position + 1 : position + 1 + reach]
    gap = np.abs(left - right).max()
    same = "gleich" if gap < 1e-9 else f"verschieden (bis {decimal_comma(gap)})"
    return text + f"; in gleichem Abstand links und rechts (bis {reach}) {same}."
