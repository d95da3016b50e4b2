"""Speichereffiziente Aufmerksamkeit: Online-Softmax über Blöcke von Schlüsseln.

Die naive Formel ``softmax(Q Kᵀ / √d) V`` hält die ganze Matrix der Scores
(L × S) im Speicher. Hier gehen wir die Schlüssel blockweise durch und führen
für jede Abfrage drei laufende Größen mit (Milakov & Gimelshein 2018,
Rabe & Staats 2021, die Idee hinter FlashAttention von Dao et al. 2022):

- ``m`` – das bisherige Maximum der Scores,
- ``l`` – die bisherige Summe ``Σ exp(s − m)``,
- ``acc`` – die bisherige Summe ``Σ exp(s − m) · v``.

Kommt ein neuer Block mit größerem Maximum ``m'``, werden ``l`` und ``acc``
mit ``exp(m − m')`` umskaliert. Am Ende ist ``acc / l`` genau die Ausgabe der
Softmax-Attention – ohne dass je mehr als ein Block (B_q × B_k) an Scores
existiert. Auch die Abfragen werden in Blöcke geteilt, damit der Speicher
nicht mit L wächst.
"""

from __future__ import annotations

import numpy as np

from aufmerksamkeit.core.attention import _check_qkv_shapes, compute_dtype, resolve_scale
from aufmerksamkeit.core.validation import (
    as_float_array,
    broadcast_batch_shape,
    check_flag,
    check_mask,
)


def memory_efficient_attention(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None = None,
    *,
    causal: bool = False,
    scale: float | None = None,
    block_size: int = 256,
    query_block_size: int | None = None,
) -> np.ndarray:
    """Gleiche Ausgabe wie :func:`scaled_dot_product_attention`, aber blockweise.

    Formen: ``q`` (..., L, d), ``k`` (..., S, d), ``v`` (..., S, d_v) → Ausgabe
    (..., L, d_v). Masken wie dort (boolesch, ``True`` = darf beachten,
    broadcastbar auf (..., L, S)); ``causal=True`` ist die kausale Maske oben
    links. Eine Abfrage ohne erlaubten Schlüssel erhält die Ausgabe 0.

    ``block_size`` ist die Zahl der Schlüssel je Block (B_k),
    ``query_block_size`` die Zahl der Abfragen je Block (B_q, standardmäßig
    gleich ``block_size``). Der Zusatzspeicher wächst mit B_q · B_k statt
    mit L · S. Die Gewichtsmatrix wird nie gebildet und daher nicht
    zurückgegeben. float16 wird intern in float32 gerechnet.
    """
    q = as_float_array(q, "q", min_ndim=2)
    k = as_float_array(k, "k", min_ndim=2)
    v = as_float_array(v, "v", min_ndim=2)
    _check_qkv_shapes(q, k, v)
    causal = check_flag(causal, "causal")
    block_k = _check_block(block_size, "block_size")
    block_q = (
        block_k if query_block_size is None else _check_block(query_block_size, "query_block_size")
    )
    out_dtype = np.result_type(q, k, v)
    dtype = compute_dtype(out_dtype)  # float16 → float32, sonst unverändert
    q, k, v = (a.astype(dtype, copy=False) for a in (q, k, v))
    length_q, length_k, d_v = q.shape[-2], k.shape[-2], v.shape[-1]
    batch_shape = broadcast_batch_shape(q=q, k=k, v=v)
    scale = dtype.type(resolve_scale(scale, q.shape[-1]))

    allowed = None
    if mask is not None:  # nur eine Sicht (View), keine Kopie der Größe L × S
        mask = check_mask(mask, (*batch_shape, length_q, length_k))
        batch_shape = tuple(np.broadcast_shapes(batch_shape, mask.shape[:-2]))
        allowed = np.broadcast_to(mask, (*batch_shape, length_q, length_k))

    output = np.zeros((*batch_shape, length_q, d_v), dtype=dtype)  # (..., L, d_v)
    for q_start in range(0, length_q, block_q):
        q_stop = min(q_start + block_q, length_q)
        q_block = q[..., q_start:q_stop, :] * scale  # (..., B_q, d)
        k_stop_max = min(length_k, q_stop) if causal else length_k
        output[..., q_start:q_stop, :] = _attend_block(
            q_block, k, v, allowed, causal, q_start, q_stop, k_stop_max, block_k, dtype
        )
    return output.astype(out_dtype, copy=False)


def _attend_block(q_block, k, v, allowed, causal, q_start, q_stop, k_stop_max, block_k, dtype):
    """Online-Softmax für einen Block von Abfragen über alle Schlüsselblöcke."""
    shape = np.broadcast_shapes(q_block.shape[:-2], k.shape[:-2], v.shape[:-2])
    rows = q_stop - q_start
    running_max = np.full((*shape, rows, 1), -np.inf, dtype=dtype)  # (..., B_q, 1)
    running_sum = np.zeros((*shape, rows, 1), dtype=dtype)  # (..., B_q, 1)
    acc = np.zeros((*shape, rows, v.shape[-1]), dtype=dtype)  # (..., B_q, d_v)
    for k_start in range(0, k_stop_max, block_k):
        k_stop = min(k_start + block_k, k_stop_max)
        scores = q_block @ np.swapaxes(k[..., k_start:k_stop, :], -1, -2)  # (..., B_q, B_k)
        keep = None
        if allowed is not None:
            keep = allowed[..., q_start:q_stop, k_start:k_stop]  # (..., B_q, B_k)
        if causal and k_stop > q_start + 1:  # Block reicht über die Diagonale
            rows_idx = np.arange(q_start, q_stop)[:, None]
            cols_idx = np.arange(k_start, k_stop)[None, :]
            tri = cols_idx <= rows_idx  # (B_q, B_k)
            keep = tri if keep is None else keep & tri
        if keep is not None:
            scores = np.where(keep, scores, -np.inf)
        block_max = scores.max(axis=-1, keepdims=True)  # (..., B_q, 1)
        new_max = np.maximum(running_max, block_max)  # (..., B_q, 1)
        safe_max = np.where(np.isfinite(new_max), new_max, 0.0).astype(dtype)  # kein inf − inf
        probs = np.exp(scores - safe_max)  # (..., B_q, B_k), ausgeblendet → 0
        correction = np.exp(running_max - safe_max)  # (..., B_q, 1), altes −inf → 0
        running_sum = running_sum * correction + probs.sum(axis=-1, keepdims=True)
        acc = acc * correction + probs @ v[..., k_start:k_stop, :]  # (..., B_q, d_v)
        running_max = new_max
    return np.divide(acc, running_sum, out=np.zeros_like(acc), where=running_sum > 0)


def _check_block(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} muss eine positive ganze Zahl sein, erhalten: {value!r}.")
    return int(value)
