"""Langfristige Abhängigkeiten: eine Abrufaufgabe über den Abstand d (Kapitel 22.5.2).

Aufgabe: Eine Sequenz der Länge L besteht aus Rauschtokens; an genau einer
Stelle steht ein *Symbol* (eine von ``num_classes`` Klassen), am Ende steht
das Abfragetoken „?“. Das Modell soll am Ende sagen, welches Symbol es war.
Der Abstand d zwischen Symbol und Abfrage ist frei wählbar (1 ≤ d ≤ L − 1):

    Position:  0   1   2  …  L−1−d  …  L−2   L−1
    Token:     r   r   r  …    S    …   r     ?        → Ziel: S

Ein rekurrentes Netz muss S über d Schritte im Zustand tragen; eine
Self-Attention-Schicht kann von „?“ aus direkt auf S blicken (Pfadlänge 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import torch
from torch import nn

from aufmerksamkeit.core.blocks import EncoderBlock, TokenEmbedding
from aufmerksamkeit.models.checkpoints import load_checkpoint, restore
from aufmerksamkeit.models.training import Claim, TrainingResult, cross_entropy_loss, fit


@dataclass(frozen=True)
class RecallVocabulary:
    """Aufteilung der Token-Nummern: Rauschen, Symbole, Abfragetoken „?“."""

    num_noise: int = 8
    num_classes: int = 8

    @property
    def size(self) -> int:
        return self.num_noise + self.num_classes + 1

    @property
    def query(self) -> int:
        return self.num_noise + self.num_classes

    def symbol(self, label: torch.Tensor) -> torch.Tensor:
        return label + self.num_noise


def make_recall_data(
    num_samples: int,
    length: int,
    distances: torch.Tensor | list[int],
    vocab: RecallVocabulary = RecallVocabulary(),
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Erzeugt ``num_samples`` Beispiele der Abrufaufgabe.

    ``distances``: erlaubte Abstände d; jedes Beispiel zieht einen davon
    gleichverteilt. Rückgabe: Tokens (N, L) long, Ziele (N,) long (Klasse
    0 … num_classes − 1) und Abstände (N,) long.
    """
    distances = torch.as_tensor(distances, dtype=torch.long).flatten()
    if num_samples < 1 or length < 2:
        raise ValueError(
            f"Brauche num_samples ≥ 1 und length ≥ 2, erhalten: {num_samples} und {length}."
        )
    if distances.numel() == 0 or distances.min() < 1 or distances.max() > length - 1:
        raise ValueError(
            f"Abstände müssen zwischen 1 und length − 1 = {length - 1} liegen, "
            f"erhalten: {distances.tolist()}."
        )
    generator = torch.Generator().manual_seed(seed)
    tokens = torch.randint(vocab.num_noise, (num_samples, length), generator=generator)  # (N, L)
    labels = torch.randint(vocab.num_classes, (num_samples,), generator=generator)  # (N,)
    choice = torch.randint(distances.numel(), (num_samples,), generator=generator)
    sample_distances = distances[choice]  # (N,)
    rows = torch.arange(num_samples)
    tokens[rows, length - 1 - sample_distances] = vocab.symbol(labels)
    tokens[:, -1] = vocab.query
    return tokens, labels, sample_distances


class LSTMClassifier(nn.Module):
    """Einbettung → LSTM → Klassifikation aus dem letzten Zustand: (N, L) → (N, C)."""

    def __init__(self, vocab_size: int, embed_dim: int, hidden_dim: int, num_classes: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, batch_first=True)
        self.head = nn.Linear(hidden_dim, num_classes)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        states, _ = self.lstm(self.embedding(tokens))  # (N, L, H)
        return self.head(states[:, -1])  # (N, C)


class AttentionClassifier(nn.Module):
    """Einbettung mit Position → Encoder-Blöcke → Klassifikation an der letzten Position.

    (N, L) → (N, C). Die Gewichte des letzten Blocks liegen danach in
    ``blocks[-1].last_weights`` (N, h, L, L). ``block_options`` (etwa
    ``residual=False`` oder ``norm="post"``) gehen an jeden :class:`EncoderBlock`;
    die LayerNorm vor dem Klassifikator gibt es nur bei Pre-LN-Blöcken (Post-LN-Blöcke
    normalisieren ihre Ausgabe schon selbst, ``norm="none"`` soll gar keine enthalten).
    """

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int,
        num_heads: int,
        num_classes: int,
        max_len: int,
        num_layers: int = 1,
        hidden_dim: int | None = None,
        **block_options: Any,
    ) -> None:
        super().__init__()
        self.embedding = TokenEmbedding(vocab_size, embed_dim, max_len)
        self.blocks = nn.ModuleList(
            EncoderBlock(embed_dim, num_heads, hidden_dim, **block_options)
            for _ in range(num_layers)
        )
        pre_ln = block_options.get("norm", "pre") == "pre"
        self.norm = nn.LayerNorm(embed_dim) if pre_ln else nn.Identity()
        self.head = nn.Linear(embed_dim, num_classes)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.embedding(tokens)  # (N, L, E)
        for block in self.blocks:
            x = block(x)  # (N, L, E)
        return self.head(self.norm(x[:, -1]))  # (N, C)


RECALL_LENGTH = 64
TEST_DISTANCES = (1, 2, 4, 8, 16, 32, 48, 63)
RECALL_MODELS = ("lstm", "attention")


def make_recall_splits(
    vocab: RecallVocabulary = RecallVocabulary(), length: int = RECALL_LENGTH
) -> tuple[tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]:
    """Feste Trainings- (3000, alle Abstände) und Testdaten (2000, ``TEST_DISTANCES``)."""
    train_data = make_recall_data(3000, length, range(1, length), vocab, seed=1)
    test_data = make_recall_data(2000, length, TEST_DISTANCES, vocab, seed=2)
    return train_data, test_data


def build_recall_model(kind: str, **config: int) -> nn.Module:
    """Baut das LSTM (``kind="lstm"``) oder das Attention-Modell (``"attention"``)."""
    if kind == "lstm":
        return LSTMClassifier(**config)
    if kind == "attention":
        return AttentionClassifier(**config)
    raise ValueError(f"kind muss einer von {RECALL_MODELS} sein, erhalten: {kind!r}.")


def recall_config(kind: str, vocab: RecallVocabulary = RecallVocabulary()) -> dict[str, int]:
    """Konstruktor-Argumente beider Modelle: etwa gleich viele Parameter."""
    common = {"vocab_size": vocab.size, "embed_dim": 32, "num_classes": vocab.num_classes}
    if kind == "lstm":
        return {**common, "hidden_dim": 40}
    return {**common, "num_heads": 2, "max_len": RECALL_LENGTH}


#: Gleiches Budget für beide Modelle.
RECALL_BUDGET = {"epochs": 4, "batch_size": 64, "lr": 3e-3, "warmup": 0.1, "cosine": True,
                 "clip_norm": 1.0}  # fmt: skip


def train_recall_model(kind: str, seed: int = 0, epochs: int | None = None) -> TrainingResult:
    """Trainiert LSTM oder Attention-Modell auf der Abrufaufgabe und misst je Abstand d.

    ``metrics`` enthält ``accuracy_d<d>`` für jeden Testabstand, ``min_accuracy``,
    ``near_accuracy`` (d ≤ 2), ``far_accuracy`` (d ≥ 32) und ihre Differenz ``decay``.
    """
    (x_train, y_train, _), (x_test, y_test, d_test) = make_recall_splits()
    budget = RECALL_BUDGET if epochs is None else {**RECALL_BUDGET, "epochs": epochs}

    def evaluate(model: nn.Module) -> dict[str, float]:
        by_distance = accuracy_by_distance(model, x_test, y_test, d_test)
        metrics = {f"accuracy_d{d}": a for d, a in by_distance.items()}
        metrics["min_accuracy"] = min(by_distance.values())
        metrics["near_accuracy"] = sum(by_distance[d] for d in (1, 2)) / 2
        metrics["far_accuracy"] = sum(by_distance[d] for d in (32, 48, 63)) / 3
        metrics["decay"] = metrics["near_accuracy"] - metrics["far_accuracy"]
        return metrics

    return fit(partial(build_recall_model, kind), recall_config(kind), x_train, y_train,
               cross_entropy_loss, budget, evaluate, seed)  # fmt: skip


def load_recall_model(kind: str) -> tuple[nn.Module, dict]:
    """Das mitgelieferte LSTM bzw. Attention-Modell und seine Metadaten."""
    state, meta = load_checkpoint(f"abruf_{kind}")
    return restore(build_recall_model(kind, **meta["config"]), state), meta


RECALL_CLAIMS = {
    "attention": (
        Claim("Attention: bei jedem Abstand mindestens 0,95 richtig", "min_accuracy", 0.95),
    ),
    "lstm": (
        Claim("LSTM: bei großem Abstand (Δ ≥ 32) höchstens 0,5 richtig", "far_accuracy",
              at_most=0.5),
        Claim("LSTM: bei Δ ≤ 2 mindestens 0,2 besser als bei Δ ≥ 32", "decay", 0.2),
    ),
}  # fmt: skip


@torch.no_grad()
def accuracy_by_distance(
    model: nn.Module, tokens: torch.Tensor, labels: torch.Tensor, distances: torch.Tensor
) -> dict[int, float]:
    """Genauigkeit je Abstand d: {d: Anteil richtiger Vorhersagen}."""
    if not (len(tokens) == len(labels) == len(distances)):
        raise ValueError(
            f"tokens ({len(tokens)}), labels ({len(labels)}) und distances ({len(distances)}) "
            "müssen gleich viele Beispiele haben."
        )
    model.eval()
    correct = model(tokens).argmax(dim=-1) == labels  # (N,)
    return {int(d): correct[distances == d].float().mean().item() for d in torch.unique(distances)}
