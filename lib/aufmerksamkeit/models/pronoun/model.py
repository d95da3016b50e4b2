"""Ein kleines Self-Attention-Modell, das Pronomen auflöst (Kapitel 22.2, 22.4).

Aufbau (E = ``embed_dim``, h = ``num_heads``, L = 12)::

    Tokens (N, L)
      → TokenEmbedding (mit Positionskodierung)       (N, L, E)
      → EncoderBlock (Self-Attention + FFN)           (N, L, E)   „Kontext-Schicht“
      → LayerNorm → Aufmerksamkeitsgewichte           (N, h, L, L) „Auflösungs-Schicht“
      → Zeile des Pronomens (Position 8), Mittel über die Köpfe       (N, L)
      → Gewichte je Nomen aufsummiert                 (N, Nomen)  welches Nomen ist gemeint?

Das Modell *zeigt* auf das gemeinte Nomen: Die Wahrscheinlichkeit eines
Nomens ist das Aufmerksamkeitsgewicht, das das Pronomen in der
Auflösungs-Schicht auf dieses Nomen legt (ein Zeiger-Netz, englisch
„pointer network“, Vinyals et al. 2015). Die Gewichte *sind* also die
Entscheidung – es gibt keinen weiteren Klassifikator, der sie umgehen könnte.
Die Kontext-Schicht davor braucht das Modell, damit das Pronomen überhaupt
„weiß“, welches Adjektiv im Satz steht, bevor es seine Abfrage (Query) stellt.

Benutzung::

    model, corpus, meta = load_pronoun_model()               # mitgeliefertes Modell
    result = train_pronoun_model(seed=0)                     # neu trainieren, wenige Sekunden
    result.metrics["test_accuracy"]                          # z. B. 1.0
    w = attention_weights(model, corpus, "Die Katze sprang über die Mauer, weil sie hoch war.")
    w.shape                                                   # (h, 12, 12)
    row = pronoun_attention(model, corpus, "…")               # (h, 12): Zeile von „sie“
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from aufmerksamkeit.core.blocks import EncoderBlock, TokenEmbedding
from aufmerksamkeit.core.multihead import MultiHeadAttention
from aufmerksamkeit.models.checkpoints import load_checkpoint, restore
from aufmerksamkeit.models.pronoun import corpus as p
from aufmerksamkeit.models.pronoun.corpus import (
    ADJECTIVE_POSITION,
    PRONOUN_POSITION,
    SENTENCE_LENGTH,
    PronounCorpus,
    make_pronoun_corpus,
)
from aufmerksamkeit.models.training import Claim, TrainingResult, accuracy, fit

LAYERS = ("context", "resolver")


class PronounResolver(nn.Module):
    """Kontext-Schicht, Auflösungs-Schicht und Zeiger auf das gemeinte Nomen.

    ``noun_of_token`` ordnet jedem Token-Index den Index seines Nomens in der
    Klassenliste zu (−1 für Wörter, die kein Nomen sind).
    """

    def __init__(
        self,
        noun_of_token: list[int],
        num_nouns: int,
        embed_dim: int = 32,
        num_heads: int = 2,
        context_heads: int = 4,
        pronoun_position: int = PRONOUN_POSITION,
        max_len: int = SENTENCE_LENGTH,
    ) -> None:
        super().__init__()
        self.pronoun_position = pronoun_position
        self.embedding = TokenEmbedding(len(noun_of_token), embed_dim, max_len)
        self.context = EncoderBlock(embed_dim, context_heads)
        self.norm = nn.LayerNorm(embed_dim)
        self.resolver = MultiHeadAttention(embed_dim, num_heads)
        pointer = torch.zeros(len(noun_of_token), num_nouns)  # (V, Nomen)
        for token, noun in enumerate(noun_of_token):
            if noun >= 0:
                pointer[token, noun] = 1.0
        self.register_buffer("noun_pointer", pointer, persistent=False)
        self.last_weights: torch.Tensor | None = None

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Token-Indizes (N, L) → Log-Wahrscheinlichkeiten der Nomen (N, Nomen)."""
        x = self.norm(self.context(self.embedding(tokens)))  # (N, L, E)
        _, weights = self.resolver(x)  # (N, h, L, L)
        self.last_weights = weights.detach()
        row = weights[:, :, self.pronoun_position].mean(dim=1)  # (N, L)
        per_noun = torch.einsum("nl,nlc->nc", row, self.noun_pointer[tokens])  # (N, Nomen)
        return per_noun.clamp_min(1e-6).log()  # (N, Nomen)


#: Was der Buchtext über jedes neu trainierte Modell sagt; ``make robustheit`` prüft es
#: für mehrere Seeds und CPU-Kernel.
PRONOUN_CLAIMS = (
    Claim("Genauigkeit auf den Testsätzen mindestens 0,98", "test_accuracy", at_least=0.98),
    Claim(
        "„sie“/„er“ legt im Mittel mindestens 90 % seiner Aufmerksamkeit auf das gemeinte Nomen",
        "weight_on_referent",
        at_least=0.9,
    ),
    Claim(
        "In der Kontext-Schicht schaut das Pronomen in mindestens einem Kopf im Mittel "
        "mit mindestens 30 % auf das Adjektiv",
        "context_adjective_max",
        at_least=0.3,
    ),
)
ROLES = ("actor", "obstacle")


def pronoun_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Negative Log-Wahrscheinlichkeit des gemeinten Nomens (passt zu ``train``)."""
    return F.nll_loss(model(x), y)


def build_pronoun_model(corpus: PronounCorpus, **config: int) -> PronounResolver:
    """Baut das Modell für ``corpus`` mit den Konstruktor-Argumenten ``config``."""
    noun_of_token = [corpus.noun_to_id.get(token, -1) for token in corpus.vocab]
    return PronounResolver(noun_of_token, len(corpus.nouns), **config)


def train_pronoun_model(
    seed: int = 0,
    *,
    embed_dim: int = 32,
    num_heads: int = 2,
    context_heads: int = 4,
    epochs: int = 10,
    lr: float = 5e-3,
    batch_size: int = 32,
) -> TrainingResult:
    """Erzeugt das Korpus zu ``seed``, trainiert das Modell (wenige Sekunden) und misst es.

    Das Korpus gehört zum Seed: ``make_pronoun_corpus(result.seed)``.
    """
    corpus = make_pronoun_corpus(seed)
    config = {"embed_dim": embed_dim, "num_heads": num_heads, "context_heads": context_heads}
    x_train, y_train = corpus.tensors("train")
    budget = {"epochs": epochs, "batch_size": batch_size, "lr": lr}
    return fit(
        partial(build_pronoun_model, corpus), config, x_train, y_train, pronoun_loss, budget,
        partial(evaluate_pronoun_model, corpus=corpus), seed,
    )  # fmt: skip


def load_pronoun_model() -> tuple[PronounResolver, PronounCorpus, dict]:
    """Das mitgelieferte Modell, sein Korpus und seine Metadaten (Seed, Messwerte …)."""
    state, meta = load_checkpoint("pronomen")
    corpus = make_pronoun_corpus(meta["seed"])
    return restore(build_pronoun_model(corpus, **meta["config"]), state), corpus, meta


@torch.no_grad()
def evaluate_pronoun_model(model: PronounResolver, corpus: PronounCorpus) -> dict[str, float]:
    """Genauigkeiten auf beiden Splits und Gewichte des Pronomens auf den Nomen (Test-Split).

    ``weight_on_referent`` und ``weight_on_other_noun`` sind über Köpfe und Sätze
    gemittelt, ``weight_on_referent_head_<i>`` nur über die Sätze.
    ``context_adjective_max``: das größte mittlere Gewicht, das das Pronomen in einem Kopf der
    Kontext-Schicht auf das Adjektiv legt (je Rolle des gemeinten Nomens gemittelt).
    """
    model.eval()
    metrics = {}
    for name in ("train", "test"):
        x, y = corpus.tensors(name)  # (N, L), (N,)
        metrics[f"{name}_accuracy"] = accuracy(model(x).argmax(-1), y)
    test = corpus.split("test")
    rows = model.last_weights[:, :, model.pronoun_position]  # (N, h, L), Test-Split
    idx = torch.arange(len(test))
    referent = torch.tensor([e.referent_position for e in test])
    other = torch.tensor([e.other_position for e in test])
    metrics["weight_on_referent"] = rows.mean(1)[idx, referent].mean().item()
    metrics["weight_on_other_noun"] = rows.mean(1)[idx, other].mean().item()
    for head, weight in enumerate(rows[idx, :, referent].mean(0).tolist(), start=1):
        metrics[f"weight_on_referent_head_{head}"] = weight
    rows_by_role = mean_pronoun_rows(model, corpus, "test")
    adjective = [rows_by_role["context", role][:, ADJECTIVE_POSITION] for role in ROLES]  # je (h,)
    metrics["context_adjective_max"] = float(np.max(adjective))
    metrics["num_train"], metrics["num_test"] = len(corpus.train_indices), len(test)
    return metrics


@torch.no_grad()
def attention_weights(
    model: PronounResolver,
    corpus: PronounCorpus,
    sentence: str | list[str] | tuple[str, ...],
    layer: str = "resolver",
) -> np.ndarray:
    """Aufmerksamkeitsgewichte (h, L, L) einer Schicht für einen Satz.

    ``layer="resolver"`` (Standard) ist die Auflösungs-Schicht, deren gemittelte Gewichte auf
    das gemeinte Nomen zeigen; ``"context"`` die erste, die Kontext-Schicht.
    Zeile i, Spalte j: wie stark Token i auf Token j schaut.
    """
    if layer not in LAYERS:
        raise ValueError(f"layer muss einer von {LAYERS} sein, erhalten: {layer!r}.")
    model.eval()
    model(corpus.encode(sentence))
    weights = model.last_weights if layer == "resolver" else model.context.last_weights
    return weights[0].numpy().astype(np.float64)  # (h, L, L)


def pronoun_attention(
    model: PronounResolver,
    corpus: PronounCorpus,
    sentence: str | list[str] | tuple[str, ...],
    layer: str = "resolver",
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
    """Mittlere Pronomen-Zeile je Schicht und Rolle: ``{(layer, role): (h, L)}``.

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
        ("context", model.context.last_weights),
        ("resolver", model.last_weights),
    ):
        rows = weights[:, :, model.pronoun_position].numpy()  # (N, h, L)
        for role in ("actor", "obstacle"):
            result[(layer, role)] = rows[roles == role].mean(0).astype(np.float64)  # (h, L)
    return result


def pronoun_extra(model: nn.Module, corpus: Any) -> dict[str, Any]:
    """Vokabular, Nomen, Zeiger und die Wortlisten der Satzschablone fürs Pronomen-Labor."""
    noun_of_token = [corpus.noun_to_id.get(token, -1) for token in corpus.vocab]
    return {
        "vocab": list(corpus.vocab),
        "nouns": list(corpus.nouns),
        "noun_of_token": noun_of_token,
        "pronoun_position": int(model.pronoun_position),
        "max_len": int(model.embedding.max_len),
        "held_out": sorted([list(pair) for pair in corpus.held_out]),
        "slots": {
            "actors": {"f": list(p.FEMININE_ACTORS), "m": list(p.MASCULINE_ACTORS)},
            "obstacles": {"f": list(p.FEMININE_OBSTACLES), "m": list(p.MASCULINE_OBSTACLES)},
            "adjectives": {
                "actor": list(p.ACTOR_ADJECTIVES),
                "obstacle": list(p.OBSTACLE_ADJECTIVES),
            },
        },
    }
