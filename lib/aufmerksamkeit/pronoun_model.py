"""Ein kleines Self-Attention-Modell, das Pronomen auflöst (Kapitel 22.2, 22.4).

Aufbau (E = ``embed_dim``, h = ``num_heads``, L = 12)::

    Tokens (N, L)
      → TokenEmbedding (mit Positionskodierung)       (N, L, E)
      → EncoderBlock (Self-Attention + FFN)           (N, L, E)   „Kontext-Schicht“
      → LayerNorm → MultiHeadAttention                (N, L, E)   „Auflösungs-Schicht“
      → Ausgabe am Pronomen (Position 8)              (N, E)
      → Linear                                        (N, Nomen)  welches Nomen ist gemeint?

Das Modell soll das *gemeinte Nomen selbst* vorhersagen (z. B. „Mauer“).
Weil die Vorhersage nur aus der Ausgabe der Auflösungs-Schicht am Pronomen
kommt (ohne Restverbindung), muss diese Schicht das Nomen über ihre
Aufmerksamkeit holen: Die Gewichte der Pronomen-Zeile tragen die Entscheidung.
Die Kontext-Schicht davor braucht das Modell, damit das Pronomen überhaupt
„weiß“, welches Adjektiv im Satz steht, bevor es seine Abfrage (Query) stellt.

Benutzung::

    model, corpus, report = train_pronoun_model(seed=0)      # wenige Sekunden
    report.test_accuracy                                      # z. B. 1.0
    w = attention_weights(model, corpus, "Die Katze sprang über die Mauer, weil sie hoch war.")
    w.shape                                                   # (h, 12, 12)
    row = pronoun_attention(model, corpus, "…")               # (h, 12): Zeile von „sie“
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from aufmerksamkeit.blocks import EncoderBlock, TokenEmbedding
from aufmerksamkeit.multihead import MultiHeadAttention
from aufmerksamkeit.pronouns import (
    PRONOUN_POSITION,
    SENTENCE_LENGTH,
    PronounCorpus,
    make_pronoun_corpus,
)
from aufmerksamkeit.training import TrainingLog, accuracy, train

LAYERS = ("kontext", "aufloesung")


class PronounResolver(nn.Module):
    """Zwei Attention-Schichten und ein linearer Kopf auf dem Pronomen-Token."""

    def __init__(
        self,
        vocab_size: int,
        num_nouns: int,
        embed_dim: int = 32,
        num_heads: int = 2,
        context_heads: int | None = None,
        pronoun_position: int = PRONOUN_POSITION,
        max_len: int = SENTENCE_LENGTH,
    ) -> None:
        super().__init__()
        self.pronoun_position = pronoun_position
        self.embedding = TokenEmbedding(vocab_size, embed_dim, max_len)
        self.context = EncoderBlock(embed_dim, context_heads or num_heads)
        self.norm = nn.LayerNorm(embed_dim)
        self.resolver = MultiHeadAttention(embed_dim, num_heads)
        self.classifier = nn.Linear(embed_dim, num_nouns)
        self.last_weights: torch.Tensor | None = None

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Token-Indizes (N, L) → Logits über die Nomen (N, Nomen)."""
        words = self.embedding(tokens)  # (N, L, E)
        x = self.norm(self.context(words))  # (N, L, E)
        resolved, weights = self.resolver(x, x, words)  # (N, L, E), (N, h, L, L)
        self.last_weights = weights.detach()  # (N, h, L, L)
        return self.classifier(resolved[:, self.pronoun_position])  # (N, Nomen)


@dataclass
class PronounReport:
    """Ergebnis von :func:`train_pronoun_model` (alle Anteile zwischen 0 und 1)."""

    train_accuracy: float
    test_accuracy: float
    test_role_accuracy: float  # Handelnder vs. Hindernis richtig erkannt
    mean_weight_on_referent: float  # Test-Split, Mittel über Köpfe und Sätze
    mean_weight_on_other_noun: float
    weight_on_referent_per_head: list[float]  # Test-Split, je Kopf gemittelt über die Sätze
    num_train: int
    num_test: int
    final_loss: float

    def __str__(self) -> str:
        return (
            f"Training: {self.num_train} Sätze, Genauigkeit {self.train_accuracy:.3f}\n"
            f"Test (nie gesehene Nomen-Adjektiv-Paare): {self.num_test} Sätze, "
            f"Genauigkeit {self.test_accuracy:.3f}\n"
            f"Mittleres Gewicht des Pronomens auf dem gemeinten Nomen (Test): "
            f"{self.mean_weight_on_referent:.3f}, auf dem anderen Nomen: "
            f"{self.mean_weight_on_other_noun:.3f}\n"
            "Je Kopf auf dem gemeinten Nomen: "
            + ", ".join(f"{w:.3f}" for w in self.weight_on_referent_per_head)
        )


def _loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(model(x), y)


def train_pronoun_model(
    seed: int = 0,
    *,
    embed_dim: int = 32,
    num_heads: int = 2,
    context_heads: int | None = 4,
    epochs: int = 25,
    lr: float = 5e-3,
    batch_size: int = 32,
    corpus: PronounCorpus | None = None,
) -> tuple[PronounResolver, PronounCorpus, PronounReport]:
    """Erzeugt das Korpus, trainiert das Modell (wenige Sekunden auf der CPU) und wertet es aus.

    Deterministisch für festen ``seed`` (bei ``torch.set_num_threads(1)``).
    Gibt ``(model, corpus, report)`` zurück; das Modell ist im eval-Modus.
    """
    corpus = corpus if corpus is not None else make_pronoun_corpus(seed)
    torch.manual_seed(seed)
    model = PronounResolver(
        len(corpus.vocab), len(corpus.nouns), embed_dim, num_heads, context_heads
    )
    x_train, y_train = corpus.tensors("train")
    log: TrainingLog = train(
        model, x_train, y_train, _loss, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed
    )
    report = evaluate(model, corpus)
    report.final_loss = log.final_loss
    return model, corpus, report


@torch.no_grad()
def evaluate(model: PronounResolver, corpus: PronounCorpus) -> PronounReport:
    """Genauigkeiten auf beiden Splits und das Gewicht des Pronomens auf den Nomen (Test)."""
    model.eval()
    results = {}
    for name in ("train", "test"):
        x, y = corpus.tensors(name)  # (N, L), (N,)
        results[name] = accuracy(model(x).argmax(-1), y)
    test = corpus.split("test")
    x, y = corpus.tensors("test")
    predicted = model(x).argmax(-1)  # (N,)
    rows = model.last_weights[:, :, model.pronoun_position]  # (N, h, L)
    row = rows.mean(1)  # (N, L), Mittel über Köpfe
    idx = torch.arange(len(test))
    referent = torch.tensor([e.referent_position for e in test])
    other = torch.tensor([e.other_position for e in test])
    role_correct = [  # vorhergesagtes Nomen ist das gemeinte (nicht das andere) Nomen des Satzes
        corpus.nouns[p] == (e.actor if e.referent_role == "actor" else e.obstacle)
        for p, e in zip(predicted.tolist(), test)
    ]
    return PronounReport(
        train_accuracy=results["train"],
        test_accuracy=results["test"],
        test_role_accuracy=float(np.mean(role_correct)),
        mean_weight_on_referent=row[idx, referent].mean().item(),
        mean_weight_on_other_noun=row[idx, other].mean().item(),
        weight_on_referent_per_head=rows[idx, :, referent].mean(0).tolist(),
        num_train=len(corpus.train_indices),
        num_test=len(corpus.test_indices),
        final_loss=float("nan"),
    )


@torch.no_grad()
def attention_weights(
    model: PronounResolver,
    corpus: PronounCorpus,
    sentence: str | list[str] | tuple[str, ...],
    layer: str = "aufloesung",
) -> np.ndarray:
    """Aufmerksamkeitsgewichte (h, L, L) einer Schicht für einen Satz.

    ``layer="aufloesung"`` (Standard) ist die Schicht, deren Ausgabe am
    Pronomen klassifiziert wird; ``"kontext"`` die erste Schicht.
    Zeile i, Spalte j: wie stark Token i auf Token j schaut.
    """
    if layer not in LAYERS:
        raise ValueError(f"layer muss einer von {LAYERS} sein, erhalten: {layer!r}.")
    model.eval()
    model(corpus.encode(sentence))
    weights = model.last_weights if layer == "aufloesung" else model.context.last_weights
    return weights[0].numpy().astype(np.float64)  # (h, L, L)


def pronoun_attention(
    model: PronounResolver,
    corpus: PronounCorpus,
    sentence: str | list[str] | tuple[str, ...],
    layer: str = "aufloesung",
) -> np.ndarray:
    """Die Zeile des Pronomens: (h, L) Gewichte, mit denen „sie“/„er“ auf jedes Token schaut."""
    return attention_weights(model, corpus, sentence, layer)[:, model.pronoun_position]  # (h, L)


@torch.no_grad()
def predict_referent(
    model: PronounResolver, corpus: PronounCorpus, sentence: str | list[str] | tuple[str, ...]
) -> str:
    """Das Nomen, auf das sich das Pronomen laut Modell bezieht."""
    model.eval()
    return corpus.nouns[model(corpus.encode(sentence)).argmax(-1).item()]


@torch.no_grad()
def mean_pronoun_rows(
    model: PronounResolver, corpus: PronounCorpus, split: str = "test"
) -> dict[tuple[str, str], np.ndarray]:
    """Mittlere Pronomen-Zeile je Schicht und Rolle: ``{(schicht, rolle): (h, L)}``.

    ``rolle`` ist ``"actor"`` (das Pronomen meint den Handelnden) oder
    ``"obstacle"`` (das Hindernis). Weil alle Sätze dieselbe Schablone haben,
    lässt sich über die Sätze Position für Position mitteln.
    """
    model.eval()
    x, _ = corpus.tensors(split)  # (N, L)
    model(x)
    roles = np.array([e.referent_role for e in corpus.split(split)])
    result = {}
    for layer, weights in (
        ("kontext", model.context.last_weights),
        ("aufloesung", model.last_weights),
    ):
        rows = weights[:, :, model.pronoun_position].numpy()  # (N, h, L)
        for role in ("actor", "obstacle"):
            result[(layer, role)] = rows[roles == role].mean(0).astype(np.float64)  # (h, L)
    return result
