"""Ein winziger Encoder-Decoder-Transformer mit Cross-Attention (wie in der Übersetzung).

Der Encoder liest die Quellsequenz mit Self-Attention, der Decoder erzeugt die
Zielsequenz Token für Token: kausale Self-Attention über das bisher Erzeugte,
Cross-Attention auf die Ausgabe des Encoders. Die Cross-Attention-Gewichte
zeigen, welches Quell-Token der Decoder für jedes Ziel-Token „nachschlägt“ –
die Ausrichtung (Alignment) aus der maschinellen Übersetzung.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from aufmerksamkeit.core.blocks import DecoderBlock, EncoderBlock, TokenEmbedding


class Seq2SeqTransformer(nn.Module):
    """Encoder-Decoder-Transformer (Pre-LN) für kurze Sequenzen.

    ``forward(source, target_in)`` mit ``source`` (N, S) und ``target_in`` (N, T)
    liefert Logits (N, T, V_ziel). Index 0 gilt in beiden Vokabularen als
    Auffüllung (Padding): Der Decoder beachtet aufgefüllte Quellpositionen nicht.
    """

    def __init__(
        self,
        source_vocab: int,
        target_vocab: int,
        embed_dim: int = 32,
        num_heads: int = 2,
        num_layers: int = 1,
        max_len: int = 16,
        pad_index: int = 0,
    ) -> None:
        super().__init__()
        self.pad_index = pad_index
        self.source_embedding = TokenEmbedding(source_vocab, embed_dim, max_len)
        self.target_embedding = TokenEmbedding(target_vocab, embed_dim, max_len)
        self.encoder = nn.ModuleList(EncoderBlock(embed_dim, num_heads) for _ in range(num_layers))
        self.decoder = nn.ModuleList(DecoderBlock(embed_dim, num_heads) for _ in range(num_layers))
        self.norm = nn.LayerNorm(embed_dim)
        self.head = nn.Linear(embed_dim, target_vocab)

    def encode(self, source: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Quellsequenz (N, S) → Gedächtnis (N, S, E) und Maske (N, 1, 1, S)."""
        if source.dim() != 2:
            raise ValueError(f"source braucht die Form (N, S), erhalten: {tuple(source.shape)}.")
        mask = (source != self.pad_index)[:, None, None, :]  # (N, 1, 1, S)
        x = self.source_embedding(source)  # (N, S, E)
        for block in self.encoder:
            x = block(x, mask=mask)  # (N, S, E)
        return x, mask

    def decode(
        self, target_in: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        """Bisherige Zielsequenz (N, T) und Gedächtnis → Logits (N, T, V_ziel)."""
        y = self.target_embedding(target_in)  # (N, T, E)
        for block in self.decoder:
            y = block(y, memory, memory_mask=mask)  # (N, T, E)
        return self.head(self.norm(y))  # (N, T, V)

    def forward(self, source: torch.Tensor, target_in: torch.Tensor) -> torch.Tensor:
        memory, mask = self.encode(source)
        return self.decode(target_in, memory, mask)

    def cross_weights(self) -> torch.Tensor:
        """Cross-Attention-Gewichte des letzten Decoder-Blocks: (N, h, T, S)."""
        weights = self.decoder[-1].last_cross_weights
        if weights is None:
            raise ValueError("Noch keine Gewichte: Rufen Sie das Modell zuerst auf.")
        return weights


def seq2seq_loss(
    model: Seq2SeqTransformer, source: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    """Kreuzentropie mit „Teacher Forcing“: Eingabe ``target[:, :-1]``, Ziel ``target[:, 1:]``.

    Passt als ``loss_fn`` zu :func:`aufmerksamkeit.models.training.train`; aufgefüllte
    Zielpositionen zählen nicht.
    """
    logits = model(source, target[:, :-1])  # (N, T-1, V)
    return F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]),
        target[:, 1:].reshape(-1),
        ignore_index=model.pad_index,
    )


@torch.no_grad()
def greedy_decode(
    model: Seq2SeqTransformer, source: torch.Tensor, bos_index: int, eos_index: int, max_len: int
) -> torch.Tensor:
    """Erzeugt Zielsequenzen Token für Token, jeweils das wahrscheinlichste (greedy).

    Rückgabe (N, ≤ max_len) beginnt mit ``<s>``; nach ``</s>`` folgt nur noch
    Auffüllung. Danach enthält ``model.cross_weights()`` die Gewichte für
    genau diese Ausgabe.
    """
    model.eval()
    memory, mask = model.encode(source)  # (N, S, E)
    output = torch.full((source.shape[0], 1), bos_index, dtype=torch.long)  # (N, 1)
    finished = torch.zeros(source.shape[0], dtype=torch.bool)
    for _ in range(max_len - 1):
        logits = model.decode(output, memory, mask)  # (N, t, V)
        next_token = logits[:, -1].argmax(dim=-1)  # (N,)
        next_token = torch.where(finished, model.pad_index, next_token)
        output = torch.cat([output, next_token[:, None]], dim=1)  # (N, t+1)
        finished |= next_token == eos_index
        if finished.all():
            break
    model.decode(output, memory, mask)  # Gewichte für die vollständige Ausgabe merken
    return output


def exact_match(predicted: torch.Tensor, target: torch.Tensor, pad_index: int = 0) -> float:
    """Anteil der Sequenzen, die bis auf Auffüllung exakt mit ``target`` übereinstimmen."""
    length = max(predicted.shape[1], target.shape[1])
    a = F.pad(predicted, (0, length - predicted.shape[1]), value=pad_index)
    b = F.pad(target, (0, length - target.shape[1]), value=pad_index)
    return (a == b).all(dim=1).float().mean().item()
