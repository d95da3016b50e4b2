"""Abbildungen: Heatmaps der Aufmerksamkeitsgewichte und Bilder mit Alternativtext."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

plt.rcParams.update({"figure.dpi": 100, "font.size": 10, "axes.titlesize": 11})


def decimal_comma(value: float, digits: int = 2) -> str:
    """Zahl mit deutschem Dezimalkomma, etwa ``0,25``."""
    return f"{value:.{digits}f}".replace(".", ",")


def percent(value: float) -> str:
    """Anteil als ganze Prozentzahl mit geschütztem Leerzeichen, etwa ``71 %``."""
    return f"{round(100 * value)}\u202f%"


def plot_attention(
    weights: np.ndarray,
    keys: Sequence[str],
    queries: Sequence[str],
    *,
    title: str = "Aufmerksamkeitsgewichte",
    ax: plt.Axes | None = None,
    annotate: bool = True,
    colorbar: bool = True,
) -> plt.Axes:
    """Heatmap einer Gewichtsmatrix (L, S): Zeilen = Abfragen, Spalten = Schlüssel."""
    weights = np.asarray(weights)
    if weights.shape != (len(queries), len(keys)):
        raise ValueError(
            f"Gewichte der Form {weights.shape} passen nicht zu {len(queries)} Abfragen "
            f"und {len(keys)} Schlüsseln."
        )
    if ax is None:
        size = (min(7.5, 0.5 * len(keys) + 2.5), max(2.8, 0.42 * len(queries) + 1.6))
        _, ax = plt.subplots(figsize=size, layout="constrained")
    image = ax.imshow(weights, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(keys)), keys, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(queries)), queries)
    ax.set_xlabel("Schlüssel (Key)")
    ax.set_ylabel("Abfrage (Query)")
    ax.set_title(title)
    if annotate:
        for (row, col), w in np.ndenumerate(weights):
            if w >= 0.005:
                color = "white" if w > 0.6 else "black"
                text = decimal_comma(w, 2)[1:] if w < 0.995 else "1"  # 0,995 … 1 wäre sonst „,00“
                ax.text(col, row, text, ha="center", va="center", fontsize=7, color=color)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="Gewicht", shrink=0.8)
    return ax


def plot_weight_bars(
    weights: np.ndarray,
    labels: Sequence[str],
    *,
    title: str = "Aufmerksamkeitsgewichte",
    figsize: tuple[float, float] = (7, 2.8),
) -> Figure:
    """Balkendiagramm einer Gewichtszeile (S,): wie stark eine Abfrage jeden Schlüssel beachtet."""
    weights = np.asarray(weights)
    if weights.shape != (len(labels),):
        raise ValueError(
            f"Gewichte der Form {weights.shape} passen nicht zu {len(labels)} Beschriftungen."
        )
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.bar(range(len(labels)), weights, color="C0")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", rotation_mode="anchor")
    ax.set(ylim=(0, 1), ylabel="Gewicht", title=title)
    return fig


def describe_top_weight(weights: np.ndarray, labels: Sequence[str]) -> str:
    """Kurzer deutscher Satz über das größte Gewicht, etwa für Alternativtexte."""
    top = int(np.argmax(weights))
    return f"„{labels[top]}“ erhält mit {percent(weights[top])} das größte Gewicht."


def figure_to_png(fig: Figure) -> bytes:
    """PNG-Bytes einer Abbildung, ohne Versionsangabe in den Metadaten; schließt sie."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class FigureWithAlt:
    """Eine Abbildung mit deutschem Alternativtext (für Screenreader und das Buch)."""

    def __init__(self, fig: Figure, alt: str) -> None:
        self.png = figure_to_png(fig)
        self.alt = alt

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        tag = f'<img src="{png_data_uri(self.png)}" alt="{html.escape(self.alt)}" />'
        return {"image/png": self.png, "text/html": tag, "text/plain": f"Abbildung: {self.alt}"}


def show(fig: Figure | None = None, alt: str = "") -> FigureWithAlt:
    """Zeigt eine Abbildung mit Alternativtext an (letzte Zeile einer Zelle)."""
    if not alt.strip():
        raise ValueError("Jede Abbildung braucht einen Alternativtext (alt).")
    return FigureWithAlt(plt.gcf() if fig is None else fig, alt)
