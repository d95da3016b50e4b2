"""Was trägt welches Bauteil des Transformer-Blocks bei? Ablationen (Kapitel 22.4).

Zwei Experimente, beide mit dem festen Trainingsbudget ihres Kapitels:

- **Block-Varianten** auf der Abrufaufgabe aus 22.5.2: ein Stapel aus
  ``ABLATION_LAYERS`` Encoder-Blöcken, einmal wie im Buch (Pre-LN) und
  einmal je Variante mit einem umgebauten oder fehlenden Bauteil
  (``VARIANTS``, siehe :class:`aufmerksamkeit.core.blocks.EncoderBlock`).
- **Ein Kopf oder mehrere** beim Pronomen-Modell aus 22.2 (``HEAD_VARIANTS``).

``tools/block_ablation.py`` trainiert alles für mehrere Seeds und CPU-Kernel
und legt die Messwerte in ``data/ablation.json`` ab; das Notebook liest sie
mit :func:`load_ablation_results`.

Benutzung::

    result = train_block_variant("no_residual", seed=0)   # ca. 10–20 s
    result.metrics["accuracy"]                             # z. B. 0.12
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any

import torch
from torch import nn

from aufmerksamkeit.models.char_gpt import CHAR_GPT_CLAIMS, train_char_gpt
from aufmerksamkeit.models.pronoun.model import train_pronoun_model
from aufmerksamkeit.models.recall import (
    RECALL_BUDGET,
    RECALL_CLAIMS,
    RECALL_LENGTH,
    AttentionClassifier,
    RecallVocabulary,
    accuracy_by_distance,
    make_recall_splits,
    train_recall_model,
)
from aufmerksamkeit.models.training import (
    Claim,
    TrainingResult,
    accuracy,
    cross_entropy_loss,
    fit,
)

#: Zahl der Blöcke im Stapel: tief genug, dass Restverbindung und Normalisierung zählen können.
ABLATION_LAYERS = 4

#: Varianten des Blocks als Argumente von ``EncoderBlock``; ``"pre_ln"`` ist der Block des Buchs.
VARIANTS: dict[str, dict[str, Any]] = {
    "pre_ln": {},
    "post_ln": {"norm": "post"},
    "no_norm": {"norm": "none"},
    "no_residual": {"residual": False},
    "no_feed_forward": {"feed_forward": False},
}

#: Deutsche Namen für Tabellen und Abbildungen.
VARIANT_LABELS = {
    "pre_ln": "Pre-LN (Buch)",
    "post_ln": "Post-LN",
    "no_norm": "ohne LayerNorm",
    "no_residual": "ohne Restverbindung",
    "no_feed_forward": "ohne FFN",
    "one_head": "1 Kopf",
    "several_heads": "mehrere Köpfe (4 + 2)",
}


@torch.no_grad()
def block_outputs(model: AttentionClassifier, tokens: torch.Tensor) -> list[torch.Tensor]:
    """Die Darstellungen (N, L, E) nach der Einbettung und nach jedem Block des Stapels."""
    model.eval()
    outputs = [model.embedding(tokens)]  # (N, L, E)
    for block in model.blocks:
        outputs.append(block(outputs[-1]))  # (N, L, E)
    return outputs


def position_similarity(x: torch.Tensor) -> float:
    """Mittlere Kosinus-Ähnlichkeit zwischen den Vektoren verschiedener Positionen.

    ``x``: (N, L, E) mit L ≥ 2. 1 heißt: Alle Positionen einer Sequenz tragen
    (bis auf die Länge) denselben Vektor; Mittel über alle Paare i ≠ j und den Stapel.
    """
    if x.ndim != 3 or x.shape[1] < 2:
        raise ValueError(f"x braucht die Form (N, L, E) mit L ≥ 2, erhalten: {tuple(x.shape)}.")
    unit = nn.functional.normalize(x, dim=-1)  # (N, L, E)
    cosine = unit @ unit.transpose(1, 2)  # (N, L, L)
    length = x.shape[1]
    off_diagonal = cosine.sum(dim=(1, 2)) - cosine.diagonal(dim1=1, dim2=2).sum(dim=1)  # (N,)
    return (off_diagonal / (length * (length - 1))).mean().item()


def choose_variant(variants: dict[str, Any], variant: str) -> Any:
    """``variants[variant]``; eine unbekannte Variante gibt eine deutsche Fehlermeldung."""
    if variant not in variants:
        raise ValueError(f"variant muss einer von {sorted(variants)} sein, erhalten: {variant!r}.")
    return variants[variant]


def block_variant_config(variant: str, num_layers: int = ABLATION_LAYERS) -> dict[str, Any]:
    """Konstruktor-Argumente des Blockstapels (:class:`AttentionClassifier`) für eine Variante."""
    options = choose_variant(VARIANTS, variant)
    vocab = RecallVocabulary()
    return {
        "vocab_size": vocab.size,
        "embed_dim": 32,
        "num_heads": 2,
        "num_classes": vocab.num_classes,
        "max_len": RECALL_LENGTH,
        "num_layers": num_layers,
        **options,
    }


def train_block_variant(
    variant: str, seed: int = 0, num_layers: int = ABLATION_LAYERS
) -> TrainingResult:
    """Trainiert den Blockstapel einer Variante auf der Abrufaufgabe (Budget wie in 22.5.2).

    ``metrics``: ``accuracy`` (Anteil richtiger Testbeispiele), ``min_accuracy``
    (schlechtester Testabstand Δ) und ``final_loss`` (Trainingsverlust der letzten Epoche).
    """
    (x_train, y_train, _), (x_test, y_test, d_test) = make_recall_splits()

    def evaluate(model: nn.Module) -> dict[str, float]:
        with torch.no_grad():
            predictions = model(x_test).argmax(dim=-1)  # (N,)
        return {
            "accuracy": accuracy(predictions, y_test),
            "min_accuracy": min(accuracy_by_distance(model, x_test, y_test, d_test).values()),
        }

    result = fit(AttentionClassifier, block_variant_config(variant, num_layers), x_train, y_train,
                 cross_entropy_loss, RECALL_BUDGET, evaluate, seed)  # fmt: skip
    result.metrics["final_loss"] = result.losses[-1]
    return result


#: Ein Kopf gegen mehrere beim Pronomen-Modell (Argumente von ``train_pronoun_model``).
HEAD_VARIANTS: dict[str, dict[str, int]] = {
    "one_head": {"num_heads": 1, "context_heads": 1},
    "several_heads": {},
}


def train_head_variant(variant: str, seed: int = 0) -> TrainingResult:
    """Trainiert das Pronomen-Modell aus 22.2 mit einem Kopf je Schicht oder wie im Buch."""
    return train_pronoun_model(seed, **choose_variant(HEAD_VARIANTS, variant))


#: Mehr Budget für das LSTM aus 22.5.2 (Epochen; Übung „Mehr Budget für das LSTM“).
LSTM_BUDGETS: dict[str, int] = {"lstm_4_epochs": 4, "lstm_12_epochs": 12}


def train_lstm_budget(variant: str, seed: int = 0) -> TrainingResult:
    """Trainiert das LSTM der Abrufaufgabe mit 4 (wie im Buch) oder 12 Epochen."""
    return train_recall_model("lstm", seed, epochs=choose_variant(LSTM_BUDGETS, variant))


#: Wie weit das Zeichen-GPT aus 22.6 zurückschaut (Zeichen; Übung „Wie weit schaut das Modell
#: zurück?“).
CHAR_CONTEXTS: dict[str, int] = {"context_32": 32, "context_4": 4}


def train_char_context(variant: str, seed: int = 0) -> TrainingResult:
    """Trainiert das Zeichen-GPT mit 32 (wie im Buch) oder 4 Zeichen Kontext."""
    return train_char_gpt(seed, context=choose_variant(CHAR_CONTEXTS, variant))


#: Was der Text über jede Variante sagt; ``tools/block_ablation.py`` prüft es für
#: mehrere Seeds und CPU-Kernel.
ABLATION_CLAIMS: dict[str, tuple[Claim, ...]] = {
    "pre_ln": (Claim("Pre-LN: bei jedem Abstand mindestens 0,95 richtig", "min_accuracy", 0.95),),
    "post_ln": (Claim("Post-LN: bei jedem Abstand mindestens 0,95 richtig", "min_accuracy", 0.95),),
    "no_norm": (
        Claim("Ohne LayerNorm: bei jedem Abstand mindestens 0,95 richtig", "min_accuracy", 0.95),
    ),
    "no_feed_forward": (
        Claim("Ohne FFN: bei jedem Abstand mindestens 0,95 richtig", "min_accuracy", 0.95),
    ),
    "no_residual": (
        Claim("Ohne Restverbindung: höchstens 0,6 der Testbeispiele richtig", "accuracy",
              at_most=0.6),
    ),
    "one_head": (
        Claim("Ein Kopf: Testgenauigkeit mindestens 0,95", "test_accuracy", 0.95),
    ),
    "several_heads": (
        Claim("Mehrere Köpfe: Testgenauigkeit mindestens 0,98", "test_accuracy", 0.98),
    ),
    "context_32": CHAR_GPT_CLAIMS,
    "context_4": (
        Claim("Zeichen-GPT, 4 Zeichen Kontext: Validierungsverlust höchstens so groß wie der des "
              "Bigramm-Modells", "margin_to_bigram", 0.0),
    ),
    "lstm_4_epochs": RECALL_CLAIMS["lstm"],
    "lstm_12_epochs": (
        Claim("LSTM, 12 Epochen: bei großem Abstand (Δ ≥ 32) mindestens 0,5 richtig",
              "far_accuracy", 0.5),
    ),
}  # fmt: skip

#: Experiment → (Trainingsfunktion, Varianten, Messwert für Tabelle und Abbildung).
EXPERIMENTS = {
    "block": (train_block_variant, tuple(VARIANTS), "accuracy"),
    "heads": (train_head_variant, tuple(HEAD_VARIANTS), "test_accuracy"),
    "lstm_budget": (train_lstm_budget, tuple(LSTM_BUDGETS), "far_accuracy"),
    "char_context": (train_char_context, tuple(CHAR_CONTEXTS), "val_loss"),
}


def load_ablation_results() -> list[dict[str, Any]]:
    """Die mitgelieferten Messwerte aus ``data/ablation.json``: eine Zeile je Lauf.

    Jede Zeile hat ``experiment``, ``variant``, ``seed``, ``kernel``,
    ``metrics`` und ``claims`` (Aussage → gilt?).
    """
    path = resources.files("aufmerksamkeit") / "data" / "ablation.json"
    return json.loads(path.read_text(encoding="utf-8"))["runs"]


def metric_ranges(
    rows: Sequence[dict[str, Any]], experiment: str, metric: str
) -> dict[str, tuple[float, float]]:
    """Spannweite (kleinster, größter Wert) von ``metric`` je Variante über Seeds und Kernel."""
    values: dict[str, list[float]] = {}
    for row in rows:
        if row["experiment"] == experiment:
            values.setdefault(row["variant"], []).append(row["metrics"][metric])
    if not values:
        raise ValueError(f"Keine Läufe für das Experiment {experiment!r}.")
    return {variant: (min(values[variant]), max(values[variant])) for variant in ordered(values)}


def ordered(variants: Iterable[str]) -> list[str]:
    """Varianten in der Reihenfolge von ``VARIANT_LABELS`` (unbekannte am Ende)."""
    order = list(VARIANT_LABELS)
    return sorted(variants, key=lambda v: order.index(v) if v in order else len(order))
