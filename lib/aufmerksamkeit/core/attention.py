"""Skalierte Skalarprodukt-Aufmerksamkeit (Scaled Dot-Product Attention) in NumPy.

Die Funktionen folgen der Formel aus Vaswani et al. (2017):

    Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V
"""

from __future__ import annotations

import numpy as np

from aufmerksamkeit.core.validation import (
    as_float_array,
    broadcast_batch_shape,
    check_flag,
    check_mask,
    check_positive_number,
)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerisch stabile Softmax entlang ``axis``.

    Vor dem Exponenzieren wird das Maximum abgezogen; so laufen auch
    Logits wie ±1e4 nicht über. Zeilen, die nur aus ``-inf`` bestehen,
    ergeben Nullen statt NaN; eine leere Achse ergibt ein leeres Ergebnis
    (wie ``torch.softmax``). float16 wird intern in float32 gerechnet.
    """
    x = as_float_array(x, "x", allow_minus_inf=True)
    if x.ndim == 0:
        raise ValueError("softmax braucht mindestens eine Achse, erhalten: ein Skalar.")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis={axis} passt nicht zu einem Array der Form {x.shape}.")
    return _softmax(x, axis)


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    dtype = x.dtype
    x = x.astype(compute_dtype(dtype), copy=False)
    if x.shape[axis] == 0:  # nichts zu normieren; np.max hätte kein neutrales Element
        return np.zeros(x.shape, dtype=dtype)
    x_max = np.max(x, axis=axis, keepdims=True)
    x_max = np.where(np.isfinite(x_max), x_max, 0.0)
    exp = np.exp(x - x_max)
    total = np.sum(exp, axis=axis, keepdims=True)
    weights = np.divide(exp, total, out=np.zeros_like(exp), where=total > 0)
    return weights.astype(dtype, copy=False)


def compute_dtype(dtype: np.dtype) -> np.dtype:
    """Datentyp für Zwischenergebnisse: float16 wird in float32 gerechnet.

    In float16 liefe schon ``q @ kᵀ`` ab 65504 über (→ inf, dann NaN);
    PyTorch rechnet auf der CPU intern ebenfalls in float32.
    """
    return np.dtype(np.float32) if dtype == np.float16 else np.dtype(dtype)


def causal_mask(length_q: int, length_k: int | None = None) -> np.ndarray:
    """Kausale Maske der Form ``(L, S)``: Position i darf die Positionen 0…i beachten.

    Wie ``is_causal`` in PyTorch ist sie oben links ausgerichtet
    (untere Dreiecksmatrix, ``True`` = darf beachten).
    """
    length_k = length_q if length_k is None else length_k
    return np.tril(np.ones((length_q, length_k), dtype=bool))


def scaled_dot_product_attention(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None = None,
    *,
    causal: bool = False,
    scale: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Skalierte Skalarprodukt-Aufmerksamkeit.

    Formen: ``q`` (..., L, d), ``k`` (..., S, d), ``v`` (..., S, d_v);
    die Stapel-Dimensionen (...) werden gebroadcastet.

    ``mask`` ist boolesch und auf (..., L, S) broadcastbar; ``True`` heißt
    „darf beachten“ (wie bei ``torch.nn.functional.scaled_dot_product_attention``).
    ``causal=True`` fügt die kausale Maske hinzu. ``scale`` ist standardmäßig
    ``1/√d``. Eine Abfragezeile ohne erlaubten Schlüssel erhält Gewichte 0
    und Ausgabe 0.

    Rückgabe: ``(ausgabe, gewichte)`` mit den Formen (..., L, d_v) und (..., L, S).
    """
    q = as_float_array(q, "q", min_ndim=2)
    k = as_float_array(k, "k", min_ndim=2)
    v = as_float_array(v, "v", min_ndim=2)
    dtype = np.result_type(q, k, v)
    _check_qkv_shapes(q, k, v)
    causal = check_flag(causal, "causal")
    length_q, length_k = q.shape[-2], k.shape[-2]
    batch_shape = broadcast_batch_shape(q=q, k=k, v=v)

    scale = resolve_scale(scale, q.shape[-1])

    allowed = np.ones((length_q, length_k), dtype=bool)
    if mask is not None:
        allowed = check_mask(mask, (*batch_shape, length_q, length_k))
    if causal:
        allowed = allowed & causal_mask(length_q, length_k)

    work = compute_dtype(dtype)  # float16 → float32, sonst unverändert
    q, k, v = (a.astype(work, copy=False) for a in (q, k, v))
    scores = (q @ np.swapaxes(k, -1, -2)) * work.type(scale)  # (..., L, S)
    scores = np.where(allowed, scores, -np.inf)
    weights = _softmax(scores, axis=-1).astype(work, copy=False)  # (..., L, S)
    output = weights @ v  # (..., L, d_v); bei S = 0 lauter Nullen
    return output.astype(dtype, copy=False), weights.astype(dtype, copy=False)


def resolve_scale(scale: float | None, d: int) -> float:
    """Der Skalierungsfaktor: ``1/√d``, falls ``scale`` fehlt; sonst geprüft übernommen.

    ``scale`` muss eine endliche positive reelle Zahl sein (kein Text, kein Array).
    """
    if scale is None:
        return 1.0 / np.sqrt(d) if d > 0 else 1.0
    return check_positive_number(scale, "scale")


def _check_qkv_shapes(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> None:
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            "Abfrage und Schlüssel brauchen dieselbe Merkmalsdimension d: "
            f"q hat die Form {q.shape} (d={q.shape[-1]}), "
            f"k hat die Form {k.shape} (d={k.shape[-1]})."
        )
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            "Schlüssel und Werte brauchen dieselbe Sequenzlänge S: "
            f"k hat die Form {k.shape} (S={k.shape[-2]}), "
            f"v hat die Form {v.shape} (S={v.shape[-2]})."
        )


def with_temperature(weights: np.ndarray, temperature: float, axis: int = -1) -> np.ndarray:
    """Rechnet Softmax-Gewichte auf eine andere Temperatur T um.

    Aus ``w = softmax(s)`` folgt ``softmax(s / T) = w^(1/T) / Σ w^(1/T)``;
    die ursprünglichen Scores ``s`` werden dafür nicht gebraucht.
    ``T < 1`` schärft die Verteilung, ``T > 1`` glättet sie.
    """
    weights = as_float_array(weights, "weights")
    if np.any(weights < 0):
        raise ValueError("weights müssen nichtnegativ sein (Softmax-Gewichte).")
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"Die Temperatur muss positiv sein, erhalten: {temperature}.")
    with np.errstate(divide="ignore"):
        logits = np.log(weights) / temperature  # log 0 = −inf: ausgeblendete Schlüssel bleiben 0
    return _softmax(logits, axis)


def minimal_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Die Lehrfassung von :func:`scaled_dot_product_attention`: nur die Formel, ohne Prüfungen.

    softmax(Q Kᵀ / √d_k) V – keine Maske, keine Form- oder Typprüfung, keine Sonderfälle.
    ``q`` (..., L, d_k), ``k`` (..., S, d_k), ``v`` (..., S, d_v) → Ausgabe (..., L, d_v).
    Für echte Rechnungen dient :func:`scaled_dot_product_attention`.
    """
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])  # (..., L, S) skalierte Scores
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))  # (..., L, S) stabil
    weights = weights / weights.sum(axis=-1, keepdims=True)  # Softmax: Zeilen summieren zu 1
    return weights @ v  # (..., L, d_v) gewichtete Summe der Werte
