"""Abbildungen für die Anwendungs-Notebooks (Kapitel 22.6): Ausrichtung, Textproben, Verluste."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from aufmerksamkeit.core.formatting import decimal_comma
from aufmerksamkeit.figures.plotting import plot_attention
from aufmerksamkeit.models.speech.audio import SAMPLE_RATE
from aufmerksamkeit.models.translation import Translation
from aufmerksamkeit.models.vision import attention_map


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


def plot_patch_attention(
    image: np.ndarray,
    weights: np.ndarray,
    patch_size: int,
    *,
    ax: plt.Axes | None = None,
    title: str = "",
    vmax: float | None = None,
    colorbar: bool = True,
) -> plt.Axes:
    """Bild (H, W) in Grau mit den Patch-Gewichten (P,) als halbdurchsichtiger Überlagerung.

    Die Farbskala reicht von 0 bis ``vmax`` (Vorgabe: das größte Gewicht des Bildes);
    mehrere Bilder nebeneinander teilen sich ein ``vmax`` und eine Farbskala.
    """
    image = np.asarray(image)
    if ax is None:
        _, ax = plt.subplots(figsize=(3.6, 3), layout="constrained")
    overlay = attention_map(weights, image.shape[0], patch_size)
    top = float(overlay.max()) if vmax is None else vmax
    ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
    shown = ax.imshow(overlay, cmap="Reds", alpha=0.55, vmin=0, vmax=max(top, 1e-9))
    if colorbar:
        ax.figure.colorbar(shown, ax=ax, label="Gewicht", shrink=0.8)
    for k in range(patch_size, image.shape[0], patch_size):
        ax.axhline(k - 0.5, color="white", lw=0.5)
        ax.axvline(k - 0.5, color="white", lw=0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)
    return ax


def plot_spectrogram_attention(
    features: np.ndarray,
    weights: np.ndarray,
    *,
    segments: np.ndarray | None = None,
    query_labels: Sequence[str] | None = None,
    hop: int = 160,
    sample_rate: int = SAMPLE_RATE,
    title: str = "",
    figsize: tuple[float, float] = (6, 3.2),
) -> plt.Figure:
    """Oben das Log-Mel-Spektrogramm (T, M), darunter die Gewichte (K, T) jeder Abfrage.

    ``segments`` (K, 2) markiert, wo die Vokale wirklich liegen (in Rahmen).
    """
    features, weights = np.asarray(features), np.asarray(weights)
    if weights.ndim != 2 or weights.shape[1] != features.shape[0]:
        raise ValueError(
            f"Gewichte der Form {weights.shape} passen nicht zu {features.shape[0]} Rahmen."
        )
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=figsize, sharex=True, layout="constrained", height_ratios=(1.2, 1)
    )
    seconds = features.shape[0] * hop / sample_rate
    extent = (0, seconds, -0.5, features.shape[1] - 0.5)
    top.imshow(features.T, origin="lower", aspect="auto", cmap="magma", extent=extent)
    top.set(ylabel="Mel-Band", title=title)
    frame_extent = (0, seconds, weights.shape[0] - 0.5, -0.5)
    bottom.imshow(weights, aspect="auto", cmap="Blues", vmin=0, extent=frame_extent)
    labels = query_labels or [f"Abfrage {k + 1}" for k in range(weights.shape[0])]
    bottom.set_yticks(range(weights.shape[0]), labels)
    bottom.set(xlabel="Zeit in Sekunden")
    if segments is not None:
        for k, (start, end) in enumerate(np.asarray(segments) * hop / sample_rate):
            top.axvspan(start, end, ymin=0.97, ymax=1.0, color="C2")
            bottom.plot([start, end], [k, k], color="C2", lw=1.5)
    return fig
