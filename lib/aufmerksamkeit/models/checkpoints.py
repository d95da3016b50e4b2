"""Mitgelieferte Modelle: trainierte Gewichte mit Metadaten speichern und laden.

Ein frisch trainiertes Modell hängt im letzten Bit von der CPU ab (AVX2,
AVX-512 und ARM runden verschieden, das Training verstärkt das). Die Notebooks
zeigen deshalb Zahlen und Abbildungen eines *gespeicherten* Modells: Dessen
Vorwärtsrechnung ergibt auf jedem Rechner dieselben gerundeten Werte.

Jede Datei ``data/modelle/<name>.pt`` enthält ``{"state_dict": …, "meta": …}``
und lässt sich mit ``torch.load(…, weights_only=True)`` sicher laden. Die
Metadaten nennen Seed, Konstruktor-Argumente (``config``), Messwerte
(``metrics``), PyTorch-Version, CPU-Kernel und Trainingsdauer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "modelle"


def checkpoint_path(name: str) -> Path:
    """Pfad der Datei des mitgelieferten Modells ``name``."""
    if not name.isidentifier():
        raise ValueError(f"Modellnamen bestehen aus Buchstaben, Ziffern und _, erhalten: {name!r}.")
    return MODEL_DIR / f"{name}.pt"


def save_checkpoint(name: str, model: nn.Module, meta: dict[str, Any]) -> Path:
    """Speichert die Gewichte (float32) und die Metadaten von ``model`` unter ``name``."""
    path = checkpoint_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {key: value.detach().clone() for key, value in model.state_dict().items()}
    meta = {**meta, "name": name, "torch": torch.__version__.split("+")[0]}
    torch.save({"state_dict": state, "meta": meta}, path)
    return path


def load_checkpoint(name: str) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Lädt ``(state_dict, meta)`` des mitgelieferten Modells ``name`` (nur Tensoren und Daten)."""
    path = checkpoint_path(name)
    if not path.exists():
        known = sorted(p.stem for p in MODEL_DIR.glob("*.pt"))
        raise FileNotFoundError(
            f"Kein mitgeliefertes Modell {name!r} unter {MODEL_DIR}; vorhanden: {known}. "
            "`make modelle` trainiert und speichert alle Modelle."
        )
    content = torch.load(path, weights_only=True)
    return content["state_dict"], content["meta"]


def restore(model: nn.Module, state_dict: dict[str, torch.Tensor]) -> nn.Module:
    """Lädt ``state_dict`` streng in ``model`` und schaltet in den eval-Modus."""
    model.load_state_dict(state_dict, strict=True)
    return model.eval()
