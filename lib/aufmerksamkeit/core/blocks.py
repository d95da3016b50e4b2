"""Bausteine eines Transformers: Einbettung mit Position, Encoder- und Decoder-Block.

Alle Blöcke nutzen :class:`aufmerksamkeit.MultiHeadAttention` und arbeiten mit
der Stapel-Dimension zuerst: (N, L, E). Sie merken sich die Gewichte ihres
letzten Aufrufs in ``last_weights`` (bzw. ``last_cross_weights``), damit
Notebooks sie ohne Umbau des Modells anzeigen können.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch
from torch import nn

from aufmerksamkeit.core.multihead import MultiHeadAttention
from aufmerksamkeit.core.positional import positional_encoding


class TokenEmbedding(nn.Module):
    """Token-Einbettung plus Positionskodierung: (N, L) Indizes → (N, L, E).

    ``positions="sinusoidal"`` nutzt die feste Kodierung von Vaswani et al.,
    ``"learned"`` eine trainierbare Tabelle, ``None`` gar keine.
    """

    def __init__(
        self, vocab_size: int, embed_dim: int, max_len: int, positions: str | None = "sinusoidal"
    ) -> None:
        super().__init__()
        if positions not in ("sinusoidal", "learned", None):
            raise ValueError(
                f"positions muss 'sinusoidal', 'learned' oder None sein, erhalten: {positions!r}."
            )
        self.token = nn.Embedding(vocab_size, embed_dim)
        self.max_len = max_len
        self.positions = positions
        if positions == "learned":
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


NORMS = ("pre", "post", "none")


class EncoderBlock(nn.Module):
    """Pre-LN-Encoder-Block: x + Attention(LN(x)), dann x + FFN(LN(x)).

    Mit ``causal=True`` im Aufruf wird er zum Decoder-only-Block (wie GPT).

    Für Experimente lassen sich Bauteile abschalten oder umstellen (die
    Voreinstellung ist der Block oben):

    - ``residual=False``: ohne Restverbindung, f(LN(x)) statt x + f(LN(x));
    - ``norm="post"``: LayerNorm *nach* der Addition wie bei Vaswani et al.,
      LN(x + f(x)); ``norm="none"``: ohne LayerNorm, x + f(x);
    - ``feed_forward=False``: nur die Attention-Teilschicht, ohne FFN.
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        hidden_dim: int | None = None,
        *,
        residual: bool = True,
        norm: str = "pre",
        feed_forward: bool = True,
    ) -> None:
        super().__init__()
        if norm not in NORMS:
            raise ValueError(f"norm muss einer von {NORMS} sein, erhalten: {norm!r}.")
        self.residual = residual
        self.norm_kind = norm
        self.norm1 = nn.LayerNorm(embed_dim) if norm != "none" else nn.Identity()
        self.attention = MultiHeadAttention(embed_dim, num_heads)
        self.norm2: nn.Module | None = None
        self.feed_forward: FeedForward | None = None
        if feed_forward:
            self.norm2 = nn.LayerNorm(embed_dim) if norm != "none" else nn.Identity()
            self.feed_forward = FeedForward(embed_dim, hidden_dim or 4 * embed_dim)
        self.last_weights: torch.Tensor | None = None

    def forward(
        self, x: torch.Tensor, *, mask: torch.Tensor | None = None, causal: bool = False
    ) -> torch.Tensor:
        x = self.sublayer(x, self.norm1, partial(self.attend, mask=mask, causal=causal))
        if self.feed_forward is not None:
            x = self.sublayer(x, self.norm2, self.feed_forward)
        return x  # (N, L, E)

    def sublayer(
        self, x: torch.Tensor, norm: nn.Module, layer: Callable[[torch.Tensor], torch.Tensor]
    ) -> torch.Tensor:
        """Eine Teilschicht f mit Restverbindung: Pre-LN x + f(LN(x)), Post-LN LN(x + f(x))."""
        if self.norm_kind == "post":
            out = layer(x)  # (N, L, E)
            return norm(x + out if self.residual else out)
        out = layer(norm(x))  # (N, L, E); bei norm="none" ist norm die Identität
        return x + out if self.residual else out

    def attend(
        self, x: torch.Tensor, *, mask: torch.Tensor | None = None, causal: bool = False
    ) -> torch.Tensor:
        """Self-Attention, die Gewichte landen in ``last_weights``."""
        attended, weights = self.attention(x, mask=mask, causal=causal)
        self.last_weights = weights.detach()  # (N, h, L, L)
        return attended  # (N, L, E)


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
