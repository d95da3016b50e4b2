"""Multi-Head-Attention als ``torch.nn.Module`` (Stapel-Dimension zuerst)."""

from __future__ import annotations

import math

import torch
from torch import nn

from aufmerksamkeit.core.validation import check_flag, check_positive_int

# Halbe Genauigkeit rechnen wir intern in float32: In float16 liefe schon
# q @ kᵀ ab 65504 über (→ inf, dann NaN); PyTorchs eigene Kerne tun dasselbe.
_HALF_DTYPES = (torch.float16, torch.bfloat16)


class MultiHeadAttention(nn.Module):
    """Multi-Head-Attention nach Vaswani et al. (2017), ``batch_first``.

    ``MultiHead(Q, K, V) = Concat(head_1, …, head_h) Wᴼ`` mit
    ``head_i = Attention(Q W_iᵠ, K W_iᴷ, V W_iⱽ)``.

    Masken sind boolesch und auf (N, h, L, S) broadcastbar; ``True`` heißt
    „darf beachten“ – anders als bei ``torch.nn.MultiheadAttention``, wo
    ``True`` „ausblenden“ bedeutet.
    """

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True) -> None:
        super().__init__()
        embed_dim = check_positive_int(embed_dim, "embed_dim")  # auch np.int64, kein bool
        num_heads = check_positive_int(num_heads, "num_heads")
        if embed_dim % num_heads != 0:
            raise ValueError(
                f"embed_dim={embed_dim} ist nicht durch num_heads={num_heads} teilbar; "
                "jeder Kopf braucht gleich viele Dimensionen."
            )
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.head_dim = embed_dim // num_heads
        self.q_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.k_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.v_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor | None = None,
        value: torch.Tensor | None = None,
        *,
        mask: torch.Tensor | None = None,
        causal: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Formen: ``query`` (N, L, E), ``key``/``value`` (N, S, E).

        Ohne ``key``/``value`` ist es Self-Attention (key = value = query).
        Rückgabe: Ausgabe (N, L, E) und Gewichte (N, h, L, S).
        """
        key = query if key is None else key
        value = key if value is None else value
        self._check_inputs(query, key, value)
        causal = check_flag(causal, "causal")
        n, length_q, _ = query.shape
        length_k = key.shape[1]
        dtype = query.dtype
        work = torch.float32 if dtype in _HALF_DTYPES else dtype

        q = self._split_heads(self.q_proj(query)).to(work)  # (N, h, L, d)
        k = self._split_heads(self.k_proj(key)).to(work)  # (N, h, S, d)
        v = self._split_heads(self.v_proj(value)).to(work)  # (N, h, S, d)

        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)  # (N, h, L, S)
        allowed = self._allowed(mask, causal, n, length_q, length_k, query.device)
        if allowed is not None:
            scores = scores.masked_fill(~allowed, float("-inf"))
        weights = torch.softmax(scores, dim=-1)  # (N, h, L, S)
        if allowed is not None:  # Zeilen ohne erlaubten Schlüssel: Gewichte 0 statt NaN
            weights = torch.where(allowed.any(dim=-1, keepdim=True), weights, 0.0)

        heads = (weights @ v).to(dtype)  # (N, h, L, d)
        concat = heads.transpose(1, 2).reshape(n, length_q, self.embed_dim)  # (N, L, E)
        return self.out_proj(concat), weights.to(dtype)

    def _split_heads(self, x: torch.Tensor) -> torch.Tensor:
        n, length, _ = x.shape
        return x.view(n, length, self.num_heads, self.head_dim).transpose(1, 2)

    def _check_inputs(self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor) -> None:
        parameter_dtype = self.q_proj.weight.dtype
        for name, x in (("query", query), ("key", key), ("value", value)):
            if not isinstance(x, torch.Tensor):
                raise TypeError(f"{name} muss ein torch.Tensor sein, erhalten: {type(x).__name__}.")
            if x.dim() != 3 or x.shape[-1] != self.embed_dim:
                raise ValueError(
                    f"{name} braucht die Form (N, Länge, {self.embed_dim}), "
                    f"erhalten: {tuple(x.shape)}."
                )
            if x.dtype != parameter_dtype:
                raise TypeError(
                    f"{name} hat den Datentyp {x.dtype}, die Gewichte haben {parameter_dtype}; "
                    f"wandeln Sie die Eingabe mit .to({parameter_dtype}) um."
                )
        if not (query.shape[0] == key.shape[0] == value.shape[0]):
            raise ValueError(
                "query, key und value brauchen dieselbe Stapelgröße N: "
                f"{tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}."
            )
        if key.shape[1] != value.shape[1]:
            raise ValueError(
                "key und value brauchen dieselbe Länge S: "
                f"key {tuple(key.shape)}, value {tuple(value.shape)}."
            )

    def _allowed(self, mask, causal, n, length_q, length_k, device) -> torch.Tensor | None:
        target = (n, self.num_heads, length_q, length_k)
        allowed = None
        if mask is not None:
            mask = torch.as_tensor(mask, device=device)
            if mask.dtype != torch.bool:
                raise TypeError(
                    "mask muss boolesch sein (True = darf beachten), "
                    f"erhalten: Datentyp {mask.dtype}, Form {tuple(mask.shape)}."
                )
            try:
                broadcast = torch.broadcast_shapes(mask.shape, target)
            except RuntimeError:
                broadcast = None
            if broadcast != torch.Size(target):
                raise ValueError(
                    f"Die Maske der Form {tuple(mask.shape)} lässt sich nicht auf "
                    f"(N, h, L, S) = {target} broadcasten."
                )
            allowed = mask
        if causal:
            tril = torch.ones(length_q, length_k, dtype=torch.bool, device=device).tril()
            allowed = tril if allowed is None else allowed & tril
        return allowed

    @classmethod
    def from_torch(cls, module: nn.MultiheadAttention) -> MultiHeadAttention:
        """Übernimmt die Gewichte eines ``torch.nn.MultiheadAttention``.

        Die Ausgaben stimmen danach überein (bei ``batch_first=False`` nach
        Vertauschen der ersten beiden Achsen der Eingabe).
        """
        if not isinstance(module, nn.MultiheadAttention):
            raise TypeError(
                f"Erwartet torch.nn.MultiheadAttention, erhalten: {type(module).__name__}."
            )
        if not module._qkv_same_embed_dim:
            raise ValueError("kdim/vdim ungleich embed_dim wird nicht unterstützt.")
        if module.bias_k is not None or module.add_zero_attn:
            raise ValueError("add_bias_kv und add_zero_attn werden nicht unterstützt.")
        if module.dropout > 0:
            raise ValueError(
                f"Das Modul hat dropout={module.dropout}; MultiHeadAttention kennt kein Dropout, "
                "im Training stimmten die Ausgaben also nicht überein. Erstellen Sie es mit "
                "dropout=0.0 – oder setzen Sie module.dropout = 0.0, wenn Sie nur im "
                "Auswertungsmodus (eval) vergleichen."
            )
        has_bias = module.in_proj_bias is not None
        new = cls(module.embed_dim, module.num_heads, bias=has_bias)
        new = new.to(device=module.in_proj_weight.device, dtype=module.in_proj_weight.dtype)
        with torch.no_grad():
            w_q, w_k, w_v = module.in_proj_weight.chunk(3, dim=0)
            for projection, weight in zip((new.q_proj, new.k_proj, new.v_proj), (w_q, w_k, w_v)):
                projection.weight.copy_(weight)
            new.out_proj.weight.copy_(module.out_proj.weight)
            if has_bias:
                for projection, b in zip(
                    (new.q_proj, new.k_proj, new.v_proj), module.in_proj_bias.chunk(3)
                ):
                    projection.bias.copy_(b)
                new.out_proj.bias.copy_(module.out_proj.bias)
        return new
