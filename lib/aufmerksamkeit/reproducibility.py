"""Gleiche Ergebnisse auf jedem Rechner: Zufallszahlen und Threads festlegen."""

from __future__ import annotations

import numpy as np
import torch


def setup_notebook(seed: int = 0) -> np.random.Generator:
    """Legt Startwerte (Seeds), Thread-Zahl und Druckformat fest.

    PyTorch rechnet mit genau einem Thread, damit Summen immer in derselben
    Reihenfolge entstehen und gespeicherte Ausgaben auf jedem Rechner gleich
    sind. Gibt einen NumPy-Zufallsgenerator mit diesem Seed zurück.
    """
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    np.set_printoptions(precision=3, suppress=True)
    torch.set_printoptions(precision=3, sci_mode=False)
    return np.random.default_rng(seed)
