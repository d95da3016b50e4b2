"""Abbildungen: Heatmaps der Aufmerksamkeitsgewichte und Bilder mit Alternativtext.

Jede Abbildung, die ein Notebook zeigt, geht durch :func:`figure_to_png`: Dort
bekommen alle Zahlenachsen das deutsche Dezimalkomma und das echte Minuszeichen
(:class:`DecimalCommaFormatter`). :func:`show` legt neben dem Bild eine kurze,
gerundete Zusammenfassung der gezeichneten Daten in ``text/plain`` ab
(:func:`figure_summary`), damit nbval auch die Abbildungen vergleicht.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from aufmerksamkeit.core.attention import softmax
from aufmerksamkeit.core.formatting import MINUS, decimal_comma, percent

__all__ = [
    "FIGURE_STYLE",
    "DecimalCommaFormatter",
    "decimal_comma",
    "describe_top_weight",
    "figure_summary",
    "figure_to_png",
    "german_number_axes",
    "percent",
    "plot_attention",
    "plot_softmax_scaling",
    "plot_weight_bars",
    "show",
    "softmax_scaling_weights",
]

#: Stil der Abbildungen; ``setup_notebook`` setzt ihn (nicht schon der Import).
FIGURE_STYLE = {"figure.dpi": 100, "font.size": 10, "axes.titlesize": 11}


class DecimalCommaFormatter(ScalarFormatter):
    """matplotlibs Standard-Achsenbeschriftung, aber mit Dezimalkomma und echtem Minus."""

    @staticmethod
    def _german(text: str) -> str:
        comma = "{,}" if text.startswith("$") else ","  # in Mathtext ohne Leerraum nach dem Komma
        return text.replace(".", comma).replace("-", MINUS)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self._german(super().__call__(x, pos))

    def get_offset(self) -> str:
        return self._german(super().get_offset())


def german_number_axes(fig: Figure) -> Figure:
    """Stellt jede Zahlenachse mit Standardformat (auch Farbskalen) auf Dezimalkomma um."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(DecimalCommaFormatter())
    return fig


def _annotation_size(num_keys: int) -> float:
    """Schriftgröße der Zahlen in einer Heatmap: so groß, wie die Zellen es erlauben."""
    return 10 if num_keys <= 8 else 9 if num_keys <= 12 else 7.5


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
        fontsize = _annotation_size(len(keys))
        for (row, col), w in np.ndenumerate(weights):
            if w >= 0.005:
                color = "white" if w > 0.6 else "black"
                text = decimal_comma(w, 2) if w < 0.995 else "1"  # 0,995 … 1 wäre sonst „1,00“
                ax.text(col, row, text, ha="center", va="center", fontsize=fontsize, color=color)
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


def softmax_scaling_weights(
    d_k: int, num_keys: int = 8, seed: int = 0, max_dim: int = 1024
) -> dict[str, np.ndarray]:
    """Softmax einer Score-Zeile ohne und mit Teilen durch √dₖ, für feste Vektoren.

    Einmal gezogen werden eine Abfrage q ∈ ℝ^max_dim und ``num_keys`` Schlüssel
    (Einträge ~ N(0, 1)); bei dₖ zählen ihre ersten dₖ Komponenten. So wächst mit dₖ
    dieselbe Score-Zeile, statt dass jede Reglerstellung neue Zufallszahlen zeigt.
    Bei dₖ = max_dim sind es genau q und K aus ``default_rng(seed)``.
    """
    if not 1 <= d_k <= max_dim:
        raise ValueError(f"d_k muss zwischen 1 und {max_dim} liegen, erhalten: {d_k}.")
    rng = np.random.default_rng(seed)
    q = rng.standard_normal(max_dim)[:d_k]  # (d_k,)
    k = rng.standard_normal((num_keys, max_dim))[:, :d_k]  # (S, d_k)
    scores = k @ q  # (S,)
    return {"ohne Skalierung": softmax(scores), "mit 1/√dₖ": softmax(scores / np.sqrt(d_k))}


def plot_softmax_scaling(d_k: int, num_keys: int = 8, seed: int = 0) -> Figure:
    """Zwei Balkendiagramme: :func:`softmax_scaling_weights` ohne und mit Skalierung."""
    weights = softmax_scaling_weights(d_k, num_keys, seed)
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 2.8), layout="constrained", sharey=True)
    for ax, (name, values), color in zip(axes, weights.items(), ("C3", "C0")):
        ax.bar(range(num_keys), values, color=color)
        ax.set(title=f"{name}: größtes Gewicht {decimal_comma(values.max())}", ylim=(0, 1))
        ax.set(xlabel="Schlüssel")
        ax.set_xticks(range(num_keys), [str(i + 1) for i in range(num_keys)])
    axes[0].set_ylabel("Gewicht")
    fig.suptitle(f"Softmax einer Score-Zeile bei dₖ = {d_k}")
    return fig


def describe_top_weight(weights: np.ndarray, labels: Sequence[str]) -> str:
    """Kurzer deutscher Satz über das größte Gewicht, etwa für Alternativtexte."""
    top = int(np.argmax(weights))
    return f"„{labels[top]}“ erhält mit {percent(weights[top])} das größte Gewicht."


def _number(value: float) -> str:
    """Auf 2 Stellen gerundet, ohne „-0.00“ (robust gegen winzige Unterschiede der CPU)."""
    rounded = round(float(value), 2)
    return f"{rounded + 0.0:.2f}"


def _values(values: np.ndarray, limit: int = 12) -> str:
    """Bis zu ``limit`` Werte einzeln, sonst Anzahl, Minimum, Maximum und Mittel."""
    values = np.ma.masked_invalid(np.asarray(values, dtype=float)).compressed()
    if values.size == 0:
        return "leer"
    if values.size <= limit:
        return "[" + " ".join(_number(v) for v in values) + "]"
    return (
        f"{values.size} Werte {_number(values.min())} … {_number(values.max())}, "
        f"Mittel {_number(values.mean())}"
    )


def _image_summary(data: np.ndarray) -> str:
    """Form, Wertebereich, Mittel und Schwerpunkt (Zeile, Spalte) von |Wert|.

    Schwerpunkt und (bis 12 Zeilen) die Schwerpunkte der Zeilen unterscheiden eine Matrix
    von ihrer Transponierten und von vertauschten Zeilen, die dieselben Werte in anderer
    Anordnung enthalten. Alles gerundet, nichts hängt an einem knappen Maximum.
    """
    data = np.ma.masked_invalid(np.asarray(data, dtype=float))
    shape = "×".join(map(str, data.shape[:2]))
    weight = np.abs(data.filled(0.0))
    if data.ndim != 2 or weight.sum() == 0:
        return f"Bild {shape}: {_values(data.compressed(), limit=0)}"
    rows, cols = np.indices(weight.shape)
    centre = [(weight * i).sum() / weight.sum() for i in (rows, cols)]
    text = (
        f"Bild {shape}: {_values(data.compressed(), limit=0)}, "
        f"Schwerpunkt ({_number(centre[0])}, {_number(centre[1])})"
    )
    if weight.shape[0] <= 12:  # kleine Matrizen: der Schwerpunkt (Spalte) jeder Zeile
        row_sums = np.maximum(weight.sum(1), 1e-12)  # (Zeilen,)
        row_centres = (weight * cols).sum(1) / row_sums  # (Zeilen,)
        text += ", Zeilenschwerpunkte " + " ".join(_number(c) for c in row_centres)
    return text


def figure_summary(fig: Figure) -> str:
    """Kurze, gerundete Beschreibung der gezeichneten Daten, eine Zeile je Achse.

    Für Bilder (``imshow``) Form, Wertebereich, Mittel und Schwerpunkt, für Balken
    die Höhen, für Datenlinien (nicht ``axhline``/``axvline``) die y-Werte (ab 13 Werten
    nur Bereich und Mittel). Alle Zahlen
    auf 2 Nachkommastellen gerundet, damit sie auf jeder CPU gleich sind.
    """
    lines = []
    for number, ax in enumerate(fig.axes, start=1):
        parts = [_image_summary(image.get_array()) for image in ax.get_images()]
        bars = [c for c in ax.containers if isinstance(c, BarContainer)]
        parts += [f"Balken {_values([r.get_height() for r in c])}" for c in bars]
        data_lines = [line for line in ax.get_lines() if line.get_transform() == ax.transData]
        parts += [f"Linie {_values(line.get_ydata())}" for line in data_lines]  # ohne axhline
        if parts:
            lines.append(f"Achse {number}: " + "; ".join(parts))
    return "\n".join(lines)


def figure_to_png(fig: Figure) -> bytes:
    """PNG-Bytes (Zahlenachsen mit Dezimalkomma), ohne Versionsangabe; schließt die Abbildung."""
    german_number_axes(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class FigureWithAlt:
    """Eine Abbildung mit deutschem Alternativtext (für Screenreader und das Buch)."""

    def __init__(self, fig: Figure, alt: str) -> None:
        self.summary = figure_summary(fig)
        self.png = figure_to_png(fig)
        self.alt = alt

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        tag = f'<img src="{png_data_uri(self.png)}" alt="{html.escape(self.alt)}" />'
        return {"image/png": self.png, "text/html": tag, "text/plain": self.text}

    @property
    def text(self) -> str:
        """Alternativtext und Datenzusammenfassung – das, was nbval vergleicht."""
        return (
            f"Abbildung: {self.alt}\nDaten: {self.summary}"
            if self.summary
            else f"Abbildung: {self.alt}"
        )


def show(fig: Figure | None = None, alt: str = "") -> FigureWithAlt:
    """Zeigt eine Abbildung mit Alternativtext an (letzte Zeile einer Zelle)."""
    if not alt.strip():
        raise ValueError("Jede Abbildung braucht einen Alternativtext (alt).")
    return FigureWithAlt(plt.gcf() if fig is None else fig, alt)
