"""Ein winziges zeichenbasiertes Sprachmodell im Stil von GPT (nur Decoder, kausale Maske).

Dazu: der mitgelieferte deutsche Lehrtext, ein Zeichen-Vokabular, Trainings-
fenster, eine Bigramm-Baseline zum Vergleich und das Ziehen (Sampling) von
Text mit Temperatur.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from aufmerksamkeit.core.blocks import EncoderBlock, TokenEmbedding
from aufmerksamkeit.models.checkpoints import load_checkpoint, restore
from aufmerksamkeit.models.training import Claim, TrainingResult, fit


def load_text(name: str = "lehrtext.txt") -> str:
    """Lädt einen mitgelieferten Text aus ``aufmerksamkeit/data`` (UTF-8)."""
    return resources.files("aufmerksamkeit").joinpath("data", name).read_text(encoding="utf-8")


@dataclass
class CharVocab:
    """Zeichen ↔ Index; ``chars`` ist sortiert, damit die Zuordnung feststeht."""

    chars: list[str]

    @classmethod
    def from_text(cls, text: str) -> CharVocab:
        return cls(sorted(set(text)))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> torch.Tensor:
        """Text → Indizes (L,)."""
        lookup = {c: i for i, c in enumerate(self.chars)}
        unknown = sorted(set(text) - set(lookup))
        if unknown:
            raise ValueError(f"Zeichen nicht im Vokabular: {unknown!r}.")
        return torch.tensor([lookup[c] for c in text], dtype=torch.long)

    def decode(self, indices: torch.Tensor | list[int]) -> str:
        return "".join(self.chars[int(i)] for i in indices)


def make_windows(
    data: torch.Tensor, context: int, stride: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Schneidet Trainingsfenster: Eingabe ``x`` (N, context), Ziel ``y`` = ``x`` um 1 verschoben.

    ``y[n, t]`` ist das Zeichen, das auf ``x[n, t]`` folgt.
    """
    if data.dim() != 1 or len(data) <= context:
        raise ValueError(
            f"data braucht die Form (L,) mit L > context={context}, erhalten: {tuple(data.shape)}."
        )
    starts = torch.arange(0, len(data) - context, stride)  # (N,)
    offsets = torch.arange(context)  # (context,)
    x = data[starts[:, None] + offsets]  # (N, context)
    y = data[starts[:, None] + offsets + 1]  # (N, context)
    return x, y


class CharGPT(nn.Module):
    """Decoder-only-Transformer: Einbettung → Blöcke mit kausaler Maske → Logits.

    ``forward(x)`` mit ``x`` (N, L) liefert Logits (N, L, V). Das Token an
    Position t sieht nur die Positionen ≤ t (kausale Maske).
    """

    def __init__(
        self,
        vocab_size: int,
        context: int,
        embed_dim: int = 64,
        num_heads: int = 4,
        num_layers: int = 2,
    ) -> None:
        super().__init__()
        self.context = context
        self.embedding = TokenEmbedding(vocab_size, embed_dim, context, positions="learned")
        self.blocks = nn.ModuleList(EncoderBlock(embed_dim, num_heads) for _ in range(num_layers))
        self.norm = nn.LayerNorm(embed_dim)
        self.head = nn.Linear(embed_dim, vocab_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embedding(x)  # (N, L, E)
        for block in self.blocks:
            h = block(h, causal=True)  # (N, L, E)
        return self.head(self.norm(h))  # (N, L, V)

    def attention_weights(self, layer: int = -1) -> torch.Tensor:
        """Gewichte des letzten Aufrufs in Block ``layer``: (N, h, L, L)."""
        weights = self.blocks[layer].last_weights
        if weights is None:
            raise ValueError("Noch keine Gewichte: Rufen Sie das Modell zuerst auf.")
        return weights


def next_char_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mittlere Kreuzentropie (in nats) für das jeweils nächste Zeichen; passt zu ``train``."""
    logits = model(x)  # (N, L, V)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


@torch.no_grad()
def evaluate_loss(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int = 256
) -> float:
    """Mittlerer Verlust über alle Fenster (ohne Gradienten)."""
    model.eval()
    total = 0.0
    for start in range(0, len(x), batch_size):
        xb, yb = x[start : start + batch_size], y[start : start + batch_size]
        total += next_char_loss(model, xb, yb).item() * yb.numel()
    return total / y.numel()


def bigram_log_probs(data: torch.Tensor, vocab_size: int, smoothing: float = 1.0) -> torch.Tensor:
    """Bigramm-Modell aus Zählungen: log P(b | a) als Matrix (V, V).

    ``P(b | a) = (n(a, b) + α) / (n(a) + α V)`` mit Laplace-Glättung α = ``smoothing``;
    ``n(a, b)`` zählt, wie oft ``b`` direkt auf ``a`` folgt.
    """
    if smoothing <= 0:
        raise ValueError(f"smoothing muss positiv sein, erhalten: {smoothing}.")
    counts = torch.zeros(vocab_size, vocab_size, dtype=torch.float64)  # (V, V)
    counts.index_put_(
        (data[:-1], data[1:]), torch.ones(len(data) - 1, dtype=torch.float64), accumulate=True
    )
    counts += smoothing
    return (counts / counts.sum(dim=1, keepdim=True)).log()  # (V, V)


def bigram_loss(log_probs: torch.Tensor, data: torch.Tensor) -> float:
    """Mittlere negative Log-Wahrscheinlichkeit (nats) je Zeichenübergang in ``data``."""
    return -log_probs[data[:-1], data[1:]].mean().item()


CONTEXT = 32
CHAR_GPT_BUDGET = {"epochs": 3, "batch_size": 32, "lr": 3e-3, "clip_norm": 1.0}
CHAR_GPT_CLAIMS = (
    Claim(
        "Validierungsverlust mindestens 0,2 nats je Zeichen unter dem Bigramm-Modell",
        "margin_to_bigram",
        0.2,
    ),
)


@dataclass
class CharData:
    """Der Lehrtext, sein Vokabular und die Fenster für Training und Validierung."""

    vocab: CharVocab
    train_data: torch.Tensor  # (Zeichen,) die ersten 90 %
    val_data: torch.Tensor  # (Zeichen,) die letzten 10 %
    x_train: torch.Tensor  # (N, CONTEXT)
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor


def make_char_data(context: int = CONTEXT) -> CharData:
    """Teilt den Lehrtext 90/10 und schneidet Fenster (Training überlappend, Validierung nicht)."""
    text = load_text()
    vocab = CharVocab.from_text(text)
    data = vocab.encode(text)
    split = int(0.9 * len(data))
    train_data, val_data = data[:split], data[split:]
    x_train, y_train = make_windows(train_data, context, stride=6)
    x_val, y_val = make_windows(val_data, context, stride=context)
    return CharData(vocab, train_data, val_data, x_train, y_train, x_val, y_val)


def train_char_gpt(seed: int = 0, context: int = CONTEXT) -> TrainingResult:
    """Trainiert das Zeichen-GPT auf dem Lehrtext und vergleicht mit dem Bigramm-Modell.

    ``context`` ist die Fensterlänge in Zeichen (im Buch 32; Übung: 4).
    """
    data = make_char_data(context)
    config = {"vocab_size": len(data.vocab), "context": context, "embed_dim": 48,
              "num_heads": 4, "num_layers": 2}  # fmt: skip
    bigram = bigram_loss(bigram_log_probs(data.train_data, len(data.vocab)), data.val_data)

    def evaluate(model: nn.Module) -> dict[str, float]:
        val_loss = evaluate_loss(model, data.x_val, data.y_val)
        return {
            "val_loss": val_loss,
            "bigram_val_loss": bigram,
            "margin_to_bigram": bigram - val_loss,
        }

    return fit(CharGPT, config, data.x_train, data.y_train, next_char_loss, CHAR_GPT_BUDGET,
               evaluate, seed)  # fmt: skip


def load_char_gpt() -> tuple[CharGPT, CharVocab, dict]:
    """Das mitgelieferte Zeichen-GPT, sein Vokabular und seine Metadaten."""
    state, meta = load_checkpoint("zeichen_gpt")
    model = restore(CharGPT(**meta["config"]), state)
    return model, CharVocab.from_text(load_text()), meta


@torch.no_grad()
def sample(
    model: CharGPT,
    vocab: CharVocab,
    prompt: str,
    length: int,
    temperature: float = 1.0,
    seed: int = 0,
) -> str:
    """Zieht ``length`` Zeichen nach ``prompt``; Temperatur teilt die Logits.

    Kleine Temperatur → fast immer das wahrscheinlichste Zeichen, große →
    gleichmäßiger, „kreativer“, fehlerhafter. Derselbe ``seed`` gibt denselben Text.
    """
    if temperature <= 0 or not math.isfinite(temperature):
        raise ValueError(f"temperature muss positiv und endlich sein, erhalten: {temperature}.")
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    tokens = vocab.encode(prompt)  # (L,)
    for _ in range(length):
        window = tokens[-model.context :][None]  # (1, ≤ context)
        logits = model(window)[0, -1].double() / temperature  # (V,)
        probs = torch.softmax(logits, dim=-1)  # (V,)
        next_token = torch.multinomial(probs, 1, generator=generator)  # (1,)
        tokens = torch.cat([tokens, next_token])
    return vocab.decode(tokens[len(prompt) :])


def char_gpt_extra(model: nn.Module, vocab: Any) -> dict[str, Any]:
    return {
        "chars": list(vocab.chars),
        "context": int(model.context),
        "num_layers": len(model.blocks),
    }
