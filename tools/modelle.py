"""Alle Modelle des Buchs einmal trainieren und klein speichern (``make modelle``).

Jedes Modell wird mit seinem festen Seed trainiert und mit Metadaten (Seed,
Konstruktor-Argumente, Messwerte, geprüfte Aussagen, PyTorch-Version,
CPU-Kernel, Trainingsdauer) nach ``lib/aufmerksamkeit/data/modelle`` gespeichert.
Die Notebooks zeigen Zahlen und Abbildungen dieser gespeicherten Modelle.

Aufruf: ``python tools/modelle.py [name …]`` (ohne Namen: alle).
"""

from __future__ import annotations

import sys

import torch

from aufmerksamkeit.models.checkpoints import save_checkpoint
from aufmerksamkeit.models.registry import MODELS, SHIPPED_SEED, shipped_model
from aufmerksamkeit.models.training import TrainingResult
from aufmerksamkeit.notebook.reproducibility import deterministic_cpu


def train_and_save(name: str) -> TrainingResult:
    recipe = shipped_model(name)
    result = recipe.train(SHIPPED_SEED)
    claims = {claim.text: claim.holds(result.metrics) for claim in recipe.claims}
    if not all(claims.values()):
        raise SystemExit(f"{name}: Aussagen des Texts gelten nicht für das Modell: {claims}")
    meta = {
        "seed": result.seed,
        "config": result.config,
        "metrics": result.metrics,
        "claims": claims,
        "losses": [round(loss, 6) for loss in result.losses],
        "training_seconds": round(result.seconds, 1),
        "cpu_kernel": torch.backends.cpu.get_cpu_capability(),
    }
    path = save_checkpoint(name, result.model, meta)
    print(f"{name:16s} {result.seconds:5.1f} s  {path.stat().st_size / 1024:6.1f} KiB  "
          f"{recipe.metric} = {result.metrics[recipe.metric]:.3f}")  # fmt: skip
    return result


def main(names: list[str]) -> None:
    deterministic_cpu()
    unknown = sorted(set(names) - set(MODELS))
    if unknown:
        sys.exit(f"Unbekannte Modelle {unknown}; möglich: {sorted(MODELS)}")
    for name in names or MODELS:
        train_and_save(name)


if __name__ == "__main__":
    main(sys.argv[1:])
