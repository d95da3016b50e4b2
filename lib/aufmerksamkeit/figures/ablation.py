"""Abbildung zu den Ablationen des Transformer-Blocks (Kapitel 22.4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from aufmerksamkeit.core.formatting import decimal_comma
from aufmerksamkeit.experiments.ablation import VARIANT_LABELS, ordered


def plot_variant_spread(
    rows: Sequence[dict[str, Any]], experiment: str, metric: str, *, title: str, ylabel: str
) -> Figure:
    """Punkte je Variante: ein Punkt je Seed und Kernel, Kernel an der Form erkennbar."""
    variants = ordered({r["variant"] for r in rows if r["experiment"] == experiment})
    kernels = list(dict.fromkeys(r["kernel"] for r in rows if r["experiment"] == experiment))
    if not variants:
        raise ValueError(f"Keine Läufe für das Experiment {experiment!r}.")
    fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
    for k, (kernel, marker) in enumerate(zip(kernels, "oso^D")):
        points = [r for r in rows if r["experiment"] == experiment and r["kernel"] == kernel]
        xs = [variants.index(r["variant"]) + 0.18 * (k - 1) for r in points]
        ys = [r["metrics"][metric] for r in points]
        ax.scatter(xs, ys, marker=marker, s=22, alpha=0.7, label=f"Kernel {kernel}")
    ax.set_xticks(range(len(variants)), [VARIANT_LABELS.get(v, v) for v in variants])
    ax.tick_params(axis="x", labelrotation=20)
    ax.set(ylim=(0, 1.05), ylabel=ylabel, title=title)
    ax.yaxis.set_major_formatter(lambda value, _: decimal_comma(value, 1))
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    return fig
