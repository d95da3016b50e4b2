"""Bausteine eines Transformers: Einbettung mit Position, Encoder- und Decoder-Block.

Alle Blöcke nutzen :class:`aufmerksamkeit.MultiHeadAttention` und arbeiten mit
der Stapel-Dimension zuerst: (N, L, E). Sie merken sich die Gewichte ihres
letzten Aufrufs in ``last_weights`` (bzw. ``last_cross_weights``), damit
Notebooks sie ohne Umbau des Modells anzeigen können.
"""

from __future__ import annotations

import torch
from torch import nn

from aufmerksamkeit.multihead import MultiHeadAttention
from aufmerksamkeit.positional import positional_encoding


class TokenEmbedding(nn.Module):
    """Token-Einbettung plus Positionskodierung: (N, L) Indizes → (N, L, E).

    ``positions="sinus"`` nutzt die feste Kodierung von Vaswani et al.,
    ``"gelernt"`` eine trainierbare Tabelle, ``None`` gar keine.
    """

    def __init__(
        self, vocab_size: int, embed_dim: int, max_len: int, positions: str | None = "sinus"
    ) -> None:
        super().__init__()
        if positions not in ("sinus", "gelernt", None):
            raise ValueError(
                f"positions muss 'sinus', 'gelernt' oder None sein, erhalten: {positions!r}."
            )
        self.token = nn.Embedding(vocab_size, embed_dim)
        self.max_len = max_len
        self.positions = positions
        if positions == "gelernt":
            self.position = nn.Parameter(torch.zeros(max_len, embed_dim))
            nn.init.normal_(self.position, std=0.02)
        else:
            table = torch.tensor(positional_encoding(max_len, embed_dim), dtype=torch.float32)
            self.register_buffer("position", table if positions else torch.zeros_like(table))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        length = tokens.shape[1]
        if length > self.max_len:
            raise ValueError(
                f"Die Sequenz hat {length} Tokens, erlaubt sind höchstens {self.max_len}."
            )
        return self.token(tokens) + self.position[:length]  # (N, L, E)


class FeedForward(nn.Module):
    """Positionsweises Feed-Forward-Netz: Linear → GELU → Linear."""

    def __init__(self, embed_dim: int, hidden_dim: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(embed_dim, hidden_dim), nn.GELU(), nn.Linear(hidden_dim, embed_dim)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class EncoderBlock(nn.Module):
    """Pre-LN-Encoder-Block: x + Attention(LN(x)), dann x + FFN(LN(x)).

    Mit ``causal=True`` im Aufruf wird er zum Decoder-only-Block (wie GPT).
    """

    def __init__(self, embed_dim: int, num_heads: int, hidden_dim: int | None = None) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(embed_dim)
        self.attention = MultiHeadAttention(embed_dim, num_heads)
        self.norm2 = nn.LayerNorm(embed_dim)
        self.feed_forward = FeedForward(embed_dim, hidden_dim or 4 * embed_dim)
        self.last_weights: torch.Tensor | None = None

    def forward(
        self, x: torch.Tensor, *, mask: torch.Tensor | None = None, causal: bool = False
    ) -> torch.Tensor:
        attended, weights = self.attention(self.norm1(x), mask=mask, causal=causal)
        self.last_weights = weights.detach()  # (N, h, L, L)
        x = x + attended  # (N, L, E)
        return x + self.feed_forward(self.norm2(x))  # (N, L, E)


class DecoderBlock(nn.Module):
    """Pre-LN-Decoder-Block: kausale Self-Attention, Cross-Attention auf den Encoder, FFN."""

    def __init__(self, embed_dim: int, num_heads: int, hidden_dim: int | None = None) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(embed_dim)
        self.self_attention = MultiHeadAttention(embed_dim, num_heads)
        self.norm2 = nn.LayerNorm(embed_dim)
        self.cross_attention = MultiHeadAttention(embed_dim, num_heads)
        self.norm3 = nn.LayerNorm(embed_dim)
        self.feed_forward = FeedForward(embed_dim, hidden_dim or 4 * embed_dim)
        self.last_weights: torch.Tensor | None = None
        self.last_cross_weights: torch.Tensor | None = None

    def forward(
        self,
        x: torch.Tensor,
        memory: torch.Tensor,
        *,
        memory_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        attended, weights = self.self_attention(self.norm1(x), causal=True)
        self.last_weights = weights.detach()  # (N, h, T, T)
        x = x + attended  # (N, T, E)
        crossed, cross_weights = self.cross_attention(self.norm2(x), memory, mask=memory_mask)
        self.last_cross_weights = cross_weights.detach()  # (N, h, T, S)
        x = x + crossed  # (N, T, E)
        return x + self.feed_forward(self.norm3(x))  # (N, T, E)
