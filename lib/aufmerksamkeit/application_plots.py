"""Abbildungen für die Anwendungs-Notebooks (Kapitel 22.6): Ausrichtung, Textproben, Verluste."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from aufmerksamkeit.number_words import Translation
from aufmerksamkeit.plotting import decimal_comma, plot_attention


def plot_alignment(
    weights: np.ndarray,
    source_tokens: Sequence[str],
    target_tokens: Sequence[str],
    *,
    title: str = "Cross-Attention",
    figsize: tuple[float, float] = (6, 3.5),
) -> Figure:
    """Ausrichtungsmatrix (T, S): Zeilen = erzeugte Ziel-Tokens, Spalten = Quell-Tokens."""
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    plot_attention(weights, list(source_tokens), list(target_tokens), title=title, ax=ax)
    ax.set_xlabel("Quell-Token (Schlüssel)")
    ax.set_ylabel("erzeugt wird …")
    return fig


def plot_text_sample(
    text: str,
    *,
    title: str,
    prompt: str = "",
    width: int = 56,
    figsize: tuple[float, float] = (6, 2.2),
) -> Figure:
    """Zeigt ``prompt + text`` umbrochen in Festbreitenschrift, darunter den Anfang."""
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.set_axis_off()
    ax.set_title(title)
    body = (prompt + text).replace("\n", " ⏎ ")
    lines = textwrap.wrap(body, width=width) or [""]
    ax.text(0, 1, "\n".join(lines), family="monospace", fontsize=10, va="top", ha="left",
            transform=ax.transAxes)  # fmt: skip
    if prompt:
        ax.text(0, 0, f"Anfang (vorgegeben): „{prompt.strip()}“", fontsize=8, style="italic",
                transform=ax.transAxes)  # fmt: skip
    return fig


def plot_losses(
    losses: Sequence[float],
    references: dict[str, float],
    *,
    figsize: tuple[float, float] = (6, 3.5),
) -> Figure:
    """Trainingsverlust je Epoche als Kurve, Vergleichswerte als waagerechte Linien."""
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    epochs = np.arange(1, len(losses) + 1)
    ax.plot(epochs, losses, marker="o", label="Training (Mittel je Epoche)")
    styles = ["--", ":", "-."]
    for (label, value), style in zip(references.items(), styles * len(references)):
        ax.axhline(value, linestyle=style, color="gray" if "Bigramm" in label else "C1",
                   label=f"{label}: {decimal_comma(value, 3)}")  # fmt: skip
    ax.set_xlabel("Epoche")
    ax.set_ylabel("Verlust (nats je Zeichen)")
    ax.set_xticks(epochs)
    ax.legend()
    ax.set_title("Verlust (Loss): Transformer gegen Bigramm")
    return fig


def plot_translation(translation: Translation) -> Figure:
    """Ausrichtungsmatrix einer übersetzten Zahl mit dem Zahlwort und dem Ergebnis als Titel."""
    word = "".join(translation.source_tokens)
    return plot_alignment(
        translation.weights,
        translation.source_tokens,
        translation.target_tokens,
        title=f"„{word}“ → {translation.prediction}",
    )
