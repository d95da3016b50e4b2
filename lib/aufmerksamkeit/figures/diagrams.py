"""Schemabilder für die Kapitel 22.2–22.4: Token-Verbindungen, √dₖ-Skalierung, Köpfe."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from aufmerksamkeit.core.formatting import decimal_comma
from aufmerksamkeit.figures.plotting import plot_attention


def plot_token_links(
    weights: np.ndarray,
    tokens: Sequence[str],
    *,
    highlight: int | None = None,
    title: str = "Jedes Token schaut auf jedes Token",
    figsize: tuple[float, float] = (7.5, 3.2),
) -> Figure:
    """Verbindungsdiagramm einer Gewichtsmatrix (L, L).

    Oben stehen die Tokens als Abfragen, unten als Schlüssel; jede Linie
    verbindet eine Abfrage mit einem Schlüssel, Deckkraft und Dicke
    entsprechen dem Gewicht. Die Zeile ``highlight`` wird farbig gezeichnet.
    """
    weights = np.asarray(weights)
    length = len(tokens)
    if weights.shape != (length, length):
        raise ValueError(f"Gewichte der Form {weights.shape} passen nicht zu {length} Tokens.")
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    for i in range(length):
        for j in range(length):
            w = float(weights[i, j])
            if i == highlight or w < 0.02:
                continue
            ax.plot([i, j], [1, 0], color="0.6", alpha=min(1.0, 0.15 + w), lw=0.3 + 2 * w)
    if highlight is not None:
        for j in range(length):
            w = float(weights[highlight, j])
            if w >= 0.01:
                ax.plot([highlight, j], [1, 0], color="C3", alpha=min(1.0, 0.3 + w), lw=0.5 + 5 * w)
    for i, token in enumerate(tokens):
        bold = "bold" if i == highlight else "normal"
        ax.text(i, 1.05, token, ha="center", va="bottom", rotation=45, fontweight=bold)
        ax.text(i, -0.05, token, ha="center", va="top", rotation=45)
    ax.text(-1.2, 1, "Abfrage", ha="right", va="center")
    ax.text(-1.2, 0, "Schlüssel", ha="right", va="center")
    ax.set(xlim=(-3.5, length - 0.3), ylim=(-0.6, 1.6), title=title)
    ax.axis("off")
    return fig


def plot_head_split(embed_dim: int, num_heads: int, length: int = 12) -> Figure:
    """Schema: X (L, E) → Q, K, V → h Köpfe (L, E/h) → Concat (L, E) → ·Wᴼ → (L, E)."""
    if embed_dim % num_heads:
        raise ValueError(f"embed_dim={embed_dim} ist nicht durch num_heads={num_heads} teilbar.")
    d = embed_dim // num_heads
    fig, ax = plt.subplots(figsize=(7.5, 3.6), layout="constrained")

    def box(x: float, y: float, w: float, h: float, text: str, color: str) -> None:
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", fc=color, ec="0.3"))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=8)

    box(0.0, 1.6, 1.1, 0.8, f"X\n({length}, {embed_dim})", "0.9")
    box(1.5, 1.6, 1.4, 0.8, f"Q, K, V\nje ({length}, {embed_dim})", "#cfe2f3")
    height = 3.6 / num_heads
    for i in range(num_heads):
        y = 0.2 + i * height
        box(
            3.4,
            y,
            1.7,
            height * 0.8,
            f"Kopf {num_heads - i}\nsoftmax(QKᵀ/√{d})V\n({length}, {d})",
            "#fce5cd",
        )
        ax.annotate("", (3.4, y + height * 0.4), (2.9, 2.0), arrowprops={"arrowstyle": "->"})
        ax.annotate("", (5.6, 2.0), (5.1, y + height * 0.4), arrowprops={"arrowstyle": "->"})
    box(5.6, 1.6, 1.2, 0.8, f"Concat\n({length}, {embed_dim})", "#d9ead3")
    box(7.2, 1.6, 1.2, 0.8, f"· Wᴼ\n({length}, {embed_dim})", "#d9d2e9")
    ax.annotate("", (1.5, 2.0), (1.1, 2.0), arrowprops={"arrowstyle": "->"})
    ax.annotate("", (7.2, 2.0), (6.8, 2.0), arrowprops={"arrowstyle": "->"})
    ax.set(
        xlim=(-0.1, 8.5),
        ylim=(0, 4.0),
        title=f"Multi-Head-Attention mit h = {num_heads} Köpfen zu je dₖ = {d} Dimensionen",
    )
    ax.axis("off")
    return fig


def plot_pronoun_heads(
    rows: np.ndarray,
    tokens: Sequence[str],
    *,
    title: str = "",
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Heatmap der Pronomen-Zeile je Kopf (h, L) plus einer Zeile „Mittel“ über die Köpfe."""
    rows = np.asarray(rows)
    if rows.ndim != 2 or rows.shape[1] != len(tokens):
        raise ValueError(f"rows braucht die Form (h, {len(tokens)}), erhalten: {rows.shape}.")
    weights = np.vstack([rows, rows.mean(0, keepdims=True)])  # (h + 1, L)
    labels = [f"Kopf {i + 1}" for i in range(len(rows))] + ["Mittel"]
    return plot_attention(weights, tokens, labels, ax=ax, colorbar=False, title=title)


def plot_qkv_matrices(
    x: np.ndarray,
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    tokens: Sequence[str],
    *,
    highlight: int | None = None,
) -> Figure:
    """Die Matrizen X (L, d_model) und Q, K, V (L, d_k) als beschriftete Zahlenfelder.

    Jede Zeile ist der Vektor eines Tokens (x_i, q_i, k_i, v_i); die Zeile
    ``highlight`` wird umrandet. Farbe: blau positiv, rot negativ, auf einer
    gemeinsamen Skala für alle vier Matrizen.
    """
    tokens = list(tokens)
    mats = {"X": np.asarray(x), "Q": np.asarray(q), "K": np.asarray(k), "V": np.asarray(v)}
    for name, m in mats.items():
        if m.ndim != 2 or m.shape[0] != len(tokens):
            raise ValueError(
                f"{name} braucht die Form ({len(tokens)}, Breite) für {len(tokens)} Tokens, "
                f"erhalten: {m.shape}."
            )
    if mats["Q"].shape[1] != mats["K"].shape[1]:
        raise ValueError(
            "Q und K brauchen dieselbe Breite d_k, erhalten: "
            f"{mats['Q'].shape} und {mats['K'].shape}."
        )
    limit = max(float(np.abs(m).max()) for m in mats.values())
    # 2 × 2 statt 1 × 4: bei Seitenbreite bleiben Zahlen und Beschriftungen lesbar
    fig, grid = plt.subplots(2, 2, figsize=(8.0, 5.8), layout="constrained")
    axes = grid.ravel()
    titles = {
        "X": "$X$: Einbettungen",
        "Q": "$Q = XW^Q$: Abfragen",
        "K": "$K = XW^K$: Schlüssel",
        "V": "$V = XW^V$: Werte",
    }
    for ax, (name, m) in zip(axes, mats.items()):
        image = ax.imshow(m, cmap="RdBu", vmin=-limit, vmax=limit, aspect="auto")
        for (row, col), value in np.ndenumerate(m):
            color = "white" if abs(value) > 0.6 * limit else "black"
            ax.text(
                col,
                row,
                decimal_comma(value, 1),
                ha="center",
                va="center",
                fontsize=10,
                color=color,
            )
        symbol = name.lower()
        ax.set_yticks(
            range(len(tokens)), [f"${symbol}_{i + 1}$  {t}" for i, t in enumerate(tokens)]
        )
        ax.set_xticks(range(m.shape[1]), [str(j + 1) for j in range(m.shape[1])])
        ax.set_title(f"{titles[name]}  ({m.shape[0]} × {m.shape[1]})", fontsize=11)
        ax.tick_params(length=0, labelsize=10)
        if highlight is not None:
            ax.add_patch(
                plt.Rectangle((-0.5, highlight - 0.5), m.shape[1], 1, fill=False, ec="black", lw=2)
            )
    for ax in axes[2:]:
        ax.set_xlabel("Komponente")
    fig.colorbar(image, ax=list(axes), label="Wert", shrink=0.8)
    return fig


#: Farben der Bauteile im Schema des Transformer-Blocks.
BLOCK_COLORS = {
    "LayerNorm": "#fff2cc",
    "Multi-Head-Attention": "#cfe2f3",
    "Feed-Forward-Netz": "#fce5cd",
    "+": "white",
}


def block_layout(norm: str = "pre") -> list[str]:
    """Die Bauteile eines Encoder-Blocks von unten (Eingabe) nach oben (Ausgabe).

    ``norm="pre"``: LayerNorm vor jeder Teilschicht (der Block dieses Buchs),
    ``"post"``: LayerNorm nach jeder Addition (Vaswani et al. 2017).
    """
    attention = ["Multi-Head-Attention", "+"]
    ffn = ["Feed-Forward-Netz", "+"]
    if norm == "pre":
        return ["LayerNorm", *attention, "LayerNorm", *ffn]
    if norm == "post":
        return [*attention, "LayerNorm", *ffn, "LayerNorm"]
    raise ValueError(f"norm muss 'pre' oder 'post' sein, erhalten: {norm!r}.")


def plot_transformer_block(norms: Sequence[str] = ("pre", "post")) -> Figure:
    """Schema des Encoder-Blocks, je Normalisierungsart eine Spalte, Fluss von unten nach oben.

    Jede Restverbindung ist ein Pfeil, der an ihrer Teilschicht vorbei zum
    „+“ führt; ihre Zahl ist zwei je Block (Attention und FFN).
    """
    titles = {"pre": "Pre-LN (dieses Buch)", "post": "Post-LN (Vaswani et al. 2017)"}
    fig, axes = plt.subplots(1, len(norms), figsize=(3.4 * len(norms), 5.2), layout="constrained")
    for ax, norm in zip(np.atleast_1d(axes), norms):
        parts = block_layout(norm)
        ys = {i: 1.0 + i for i in range(len(parts))}
        arrow = {"arrowstyle": "->", "color": "0.3"}
        ax.annotate("", (0, ys[0] - 0.25), (0, 0.25), arrowprops=arrow)
        ax.text(0, 0.1, "Eingabe $x$  (N, L, d_model)", ha="center", va="top")
        for i, part in enumerate(parts):
            y = ys[i]
            if part == "+":
                ax.add_patch(plt.Circle((0, y), 0.22, fc="white", ec="0.3", zorder=2))
                ax.text(0, y, "+", ha="center", va="center", fontsize=13, zorder=3)
            else:
                box = FancyBboxPatch((-1.1, y - 0.25), 2.2, 0.5, boxstyle="round,pad=0.03")
                box.set(facecolor=BLOCK_COLORS[part], edgecolor="0.3", zorder=2)
                ax.add_patch(box)
                ax.text(0, y, part, ha="center", va="center", fontsize=9, zorder=3)
            top = y + (0.22 if part == "+" else 0.28)
            end = ys.get(i + 1, len(parts) + 0.6) - (0.22 if i + 1 < len(parts) else 0)
            ax.annotate("", (0, end - 0.03), (0, top), arrowprops=arrow)
        for i, part in enumerate(parts):
            if part == "+":  # Restverbindung: vom Eingang der Teilschicht vorbei zum „+“
                start = ys[i - 1] - (0.6 if norm == "post" else 1.6)
                ax.annotate("", (-0.24, ys[i]), (-1.5, ys[i]),
                            arrowprops={"arrowstyle": "->", "color": "C3", "lw": 1.6})  # fmt: skip
                ax.plot([0, -1.5, -1.5], [start, start, ys[i]], color="C3", lw=1.6)
        ax.text(-1.6, ys[1] - 1.0, "Restverbindung", color="C3", rotation=90, ha="right",
                va="center", fontsize=8)  # fmt: skip
        ax.text(0, len(parts) + 0.7, "Ausgabe  (N, L, d_model)", ha="center", va="bottom")
        ax.set(xlim=(-2.0, 1.4), ylim=(-0.4, len(parts) + 1.3), title=titles.get(norm, norm))
        ax.set_aspect("equal")
        ax.axis("off")
    return fig


#: Bauteile des Decoder-Blocks (Pre-LN) von unten nach oben, wie ``core.blocks.DecoderBlock``.
DECODER_LAYOUT = [
    "LayerNorm", "Maskierte Self-Attention", "+",
    "LayerNorm", "Cross-Attention", "+",
    "LayerNorm", "Feed-Forward-Netz", "+",
]  # fmt: skip


def plot_decoder_block() -> Figure:
    """Schema des Decoder-Blocks (Pre-LN): kausale Self-Attention, Cross-Attention, FFN.

    Drei Teilschichten, jede mit Restverbindung (roter Pfeil zum „+“); Schlüssel und
    Werte der Cross-Attention kommen von rechts aus der Encoder-Ausgabe.
    """
    colors = {**BLOCK_COLORS, "Maskierte Self-Attention": "#cfe2f3", "Cross-Attention": "#d9ead3"}
    parts = DECODER_LAYOUT
    fig, ax = plt.subplots(figsize=(5.2, 6.4), layout="constrained")
    arrow = {"arrowstyle": "->", "color": "0.3"}
    ax.annotate("", (0, 0.75), (0, 0.25), arrowprops=arrow)
    ax.text(0, 0.1, "Ziel-Tokens $y$  (N, T, d_model)", ha="center", va="top", fontsize=11)
    for i, part in enumerate(parts):
        y = 1.0 + i
        if part == "+":
            ax.add_patch(plt.Circle((0, y), 0.22, fc="white", ec="0.3", zorder=2))
            ax.text(0, y, "+", ha="center", va="center", fontsize=13, zorder=3)
            start = y - 2.6  # Restverbindung: vom Eingang der LayerNorm vorbei zum „+“
            ax.plot([0, -1.75, -1.75], [start, start, y], color="C3", lw=1.6)
            ax.annotate("", (-0.24, y), (-1.75, y),
                        arrowprops={"arrowstyle": "->", "color": "C3", "lw": 1.6})  # fmt: skip
        else:
            box = FancyBboxPatch((-1.45, y - 0.25), 2.9, 0.5, boxstyle="round,pad=0.03")
            box.set(facecolor=colors[part], edgecolor="0.3", zorder=2)
            ax.add_patch(box)
            ax.text(0, y, part, ha="center", va="center", fontsize=10, zorder=3)
        top, end = (
            y + (0.22 if part == "+" else 0.28),
            y + 1 - (0.22 if i + 1 < len(parts) and parts[i + 1] == "+" else 0.28),
        )
        ax.annotate("", (0, end), (0, top), arrowprops=arrow)
    cross = 1.0 + parts.index("Cross-Attention")
    ax.annotate(
        "", (1.5, cross), (2.3, cross), arrowprops={"arrowstyle": "->", "color": "C2", "lw": 1.6}
    )
    encoder = "K, V aus dem\nEncoder\n(N, S, d_model)"
    ax.text(2.35, cross, encoder, ha="left", va="center", color="C2", fontsize=10)
    masked = 1.0 + parts.index("Maskierte Self-Attention")
    ax.text(1.6, masked, "kausal: nur\nfrühere\nZiel-Tokens", ha="left", va="center", fontsize=9)
    ax.text(
        -1.6, 2.0, "Restverbindung", color="C3", rotation=90, ha="right", va="center", fontsize=9
    )
    ax.text(0, len(parts) + 0.8, "Ausgabe  (N, T, d_model)", ha="center", va="bottom", fontsize=11)
    ax.set(xlim=(-2.3, 3.8), ylim=(-0.4, len(parts) + 1.4), title="Decoder-Block (Pre-LN)")
    ax.set_aspect("equal")
    ax.axis("off")
    return fig
