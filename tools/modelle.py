"""Alle Modelle des Buchs einmal trainieren und klein speichern (``make modelle``).

Jedes Modell wird mit seinem festen Seed trainiert und mit Metadaten (Seed,
Konstruktor-Argumente, Messwerte, geprüfte Aussagen, PyTorch-Version,
CPU-Kernel, Trainingsdauer) nach ``lib/aufmerksamkeit/data/modelle`` gespeichert.
Die Notebooks zeigen Zahlen und Abbildungen dieser gespeicherten Modelle.

Aufruf: ``python tools/modelle.py [name …]`` (ohne Namen: alle).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import torch

from aufmerksamkeit.char_gpt import CHAR_GPT_CLAIMS, train_char_gpt
from aufmerksamkeit.checkpoints import save_checkpoint
from aufmerksamkeit.long_range import RECALL_CLAIMS, train_recall_model
from aufmerksamkeit.number_words import TRANSLATION_CLAIMS, train_translation_model
from aufmerksamkeit.pronoun_model import PRONOUN_CLAIMS, train_pronoun_model
from aufmerksamkeit.reproducibility import deterministic_cpu
from aufmerksamkeit.speech_model import SPEECH_CLAIMS, train_speech_model
from aufmerksamkeit.training import Claim, TrainingResult
from aufmerksamkeit.vision import VIT_CLAIMS, train_vit

SHIPPED_SEED = 0


@dataclass(frozen=True)
class Recipe:
    """Ein Modell des Buchs: wie es trainiert wird, was der Text behauptet, welche Zahl zählt."""

    train: Callable[[int], TrainingResult]
    claims: tuple[Claim, ...]
    metric: str


RECIPES: dict[str, Recipe] = {
    "pronomen": Recipe(train_pronoun_model, PRONOUN_CLAIMS, "test_accuracy"),
    "abruf_lstm": Recipe(
        partial(train_recall_model, "lstm"), RECALL_CLAIMS["lstm"], "far_accuracy"
    ),
    "abruf_attention": Recipe(
        partial(train_recall_model, "attention"), RECALL_CLAIMS["attention"], "min_accuracy"
    ),
    "zahlwort": Recipe(train_translation_model, TRANSLATION_CLAIMS, "test_exact"),
    "zeichen_gpt": Recipe(train_char_gpt, CHAR_GPT_CLAIMS, "val_loss"),
    "vit": Recipe(train_vit, VIT_CLAIMS, "test_accuracy"),
    "sprache": Recipe(train_speech_model, SPEECH_CLAIMS, "test_symbol_accuracy"),
}


def train_and_save(name: str) -> TrainingResult:
    recipe = RECIPES[name]
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
    unknown = sorted(set(names) - set(RECIPES))
    if unknown:
        sys.exit(f"Unbekannte Modelle {unknown}; möglich: {sorted(RECIPES)}")
    for name in names or RECIPES:
        train_and_save(name)


if __name__ == "__main__":
    main(sys.argv[1:])
