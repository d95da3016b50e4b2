"""Gleiche Ergebnisse auf jedem Rechner: Zufallszahlen und Threads festlegen."""

from __future__ import annotations

import matplotlib
import numpy as np
import torch

from aufmerksamkeit.plotting import FIGURE_STYLE


def setup_notebook(seed: int = 0) -> np.random.Generator:
    """Legt Startwerte (Seeds), Thread-Zahl, Druckformat und Abbildungsstil fest.

    PyTorch rechnet mit genau einem Thread, damit Summen immer in derselben
    Reihenfolge entstehen und gespeicherte Ausgaben auf jedem Rechner gleich
    sind. Verändert bewusst globalen Zustand (torch, NumPy, matplotlib) – für
    Notebooks gedacht, nicht für Bibliothekscode. Gibt einen
    NumPy-Zufallsgenerator mit diesem Seed zurück.
    """
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    np.set_printoptions(precision=3, suppress=True)
    torch.set_printoptions(precision=3, sci_mode=False)
    matplotlib.rcParams.update(FIGURE_STYLE)
    return np.random.default_rng(seed)
