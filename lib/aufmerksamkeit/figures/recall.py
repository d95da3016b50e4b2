"""Abbildungen zur Abrufaufgabe: Genauigkeit je Abstand, Aufmerksamkeit der Abfrage (22.5.2)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from aufmerksamkeit.models.recall import RecallVocabulary


def plot_accuracy_by_distance(
    results: dict[str, dict[int, float]], chance: float | None = None
) -> Figure:
    """Genauigkeit über dem Abstand d für mehrere Modelle (log. x-Achse)."""
    fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    for (name, accuracies), style in zip(results.items(), ("o-", "^-", "s-", "d-")):
        distances = sorted(accuracies)
        ax.plot(distances, [accuracies[d] for d in distances], style, label=name)
    if chance is not None:
        ax.axhline(chance, color="gray", linestyle=":", label="Raten")
    ax.set_xscale("log", base=2)
    ticks = sorted({d for accuracies in results.values() for d in accuracies})
    ax.set_xticks(ticks, [str(d) for d in ticks])
    ax.minorticks_off()
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("Abstand Δ zwischen Symbol und Abfrage")
    ax.set_ylabel("Genauigkeit")
    ax.set_title("Abruf über den Abstand Δ (gleiches Trainingsbudget)")
    ax.legend()
    ax.grid(True, alpha=0.3)
    return fig


def plot_query_attention(
    weights: torch.Tensor, tokens: torch.Tensor, vocab: RecallVocabulary
) -> Figure:
    """Balken: Aufmerksamkeit des Abfragetokens „?“ auf jede Position, gemittelt über die Köpfe.

    ``weights``: (h, L, L) eines Beispiels, ``tokens``: (L,).
    """
    row = weights[:, -1].mean(dim=0)  # (L,)
    is_symbol = (tokens >= vocab.num_noise) & (tokens < vocab.query)  # (L,)
    colors = ["tab:red" if s else "tab:blue" for s in is_symbol.tolist()]
    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    ax.bar(range(len(row)), row.numpy(), color=colors)
    ax.set_xlabel("Position (rot: das Symbol)")
    ax.set_ylabel("Gewicht")
    ax.set_title("Wohin schaut das Abfragetoken „?“? (Mittel über die Köpfe)")
    return fig
