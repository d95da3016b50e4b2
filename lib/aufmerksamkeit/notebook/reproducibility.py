"""Gleiche Ergebnisse auf jedem Rechner: Zufallszahlen und Threads festlegen."""

from __future__ import annotations

import matplotlib
import numpy as np
import torch

from aufmerksamkeit.figures.plotting import FIGURE_STYLE


def deterministic_cpu() -> None:
    """Ein Thread und deterministische Algorithmen: gleiche Summenreihenfolge auf *dieser* CPU.

    Andere CPUs (AVX2, AVX-512, ARM) runden trotzdem anders; ein frisches Training
    ergibt dort ein etwas anderes Modell. Gleich bleibt auf jedem Rechner nur, was ein
    *gespeichertes* Modell auf wenige Stellen gerundet ausrechnet.
    """
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def setup_notebook(seed: int = 0) -> np.random.Generator:
    """Legt Startwerte (Seeds), Thread-Zahl, Druckformat und Abbildungsstil fest.

    Mit :func:`deterministic_cpu` gibt derselbe Code auf demselben Rechner dieselben
    Zahlen. Verändert bewusst globalen Zustand (torch, NumPy, matplotlib) – für
    Notebooks gedacht, nicht für Bibliothekscode. Gibt einen
    NumPy-Zufallsgenerator mit diesem Seed zurück.
    """
    torch.manual_seed(seed)
    deterministic_cpu()
    np.set_printoptions(precision=3, suppress=True)
    torch.set_printoptions(precision=3, sci_mode=False)
    matplotlib.rcParams.update(FIGURE_STYLE)
    return np.random.default_rng(seed)
