"""Sinusförmige Positionskodierung nach Vaswani et al. (2017)."""

from __future__ import annotations

import numpy as np


def positional_encoding(length: int, d_model: int) -> np.ndarray:
    """Positionskodierung der Form ``(length, d_model)``.

    ``PE[p, 2i] = sin(p / 10000^(2i/d_model))`` und
    ``PE[p, 2i+1] = cos(p / 10000^(2i/d_model))``.
    """
    for name, value in (("length", length), ("d_model", d_model)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} muss eine ganze Zahl sein, erhalten: {value!r}.")
    if length < 0:
        raise ValueError(f"length darf nicht negativ sein, erhalten: {length}.")
    if d_model < 1:
        raise ValueError(f"d_model muss mindestens 1 sein, erhalten: {d_model}.")
    positions = np.arange(length, dtype=np.float64)[:, None]  # (length, 1)
    even_dims = np.arange(0, d_model, 2, dtype=np.float64)  # (⌈d/2⌉,) – die Werte 2i
    angles = positions / np.power(10000.0, even_dims / d_model)  # (length, ⌈d/2⌉)
    encoding = np.zeros((length, d_model))
    encoding[:, 0::2] = np.sin(angles)
    encoding[:, 1::2] = np.cos(angles[:, : d_model // 2])
    return encoding
