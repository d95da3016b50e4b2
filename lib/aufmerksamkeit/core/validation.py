"""Eingabeprüfungen mit deutschen Fehlermeldungen.

Falsche Eingaben sollen früh und verständlich scheitern – nicht erst tief in
NumPy mit einer kryptischen Broadcast-Meldung oder still mit NaN.
"""

from __future__ import annotations

import math
import numbers
import reprlib

import numpy as np


def as_float_array(
    x: object, name: str, min_ndim: int = 0, *, allow_minus_inf: bool = False
) -> np.ndarray:
    """Wandelt ``x`` in ein Gleitkomma-Array um und prüft es.

    Gleitkomma-Eingaben behalten ihren Datentyp (float32 bleibt float32),
    ganze Zahlen werden zu float64. Nicht-endliche Werte (NaN, ±inf) sind
    nicht erlaubt; mit ``allow_minus_inf`` ist −inf erlaubt (ausgeblendete Logits).
    """
    array = np.asarray(_to_numpy(x, name))
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} muss Zahlen enthalten, erhalten: Datentyp {array.dtype}.")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} darf nicht komplex sein (Datentyp {array.dtype}).")
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    if array.ndim < min_ndim:
        raise ValueError(
            f"{name} braucht mindestens {min_ndim} Dimensionen (…, Länge, Merkmale), "
            f"erhalten: Form {array.shape}."
        )
    allowed = np.isfinite(array) | (allow_minus_inf & (array == -np.inf))
    if not np.all(allowed):
        what = "NaN oder +inf" if allow_minus_inf else "NaN oder unendliche Werte"
        raise ValueError(f"{name} enthält {what} (Form {array.shape}).")
    return array


def broadcast_batch_shape(**arrays: np.ndarray) -> tuple[int, ...]:
    """Gemeinsame Stapelform (alle Dimensionen außer den letzten beiden)."""
    shapes = {name: a.shape[:-2] for name, a in arrays.items()}
    try:
        return tuple(np.broadcast_shapes(*shapes.values()))
    except ValueError:
        described = ", ".join(
            f"{name} {a.shape} (Stapel {shapes[name]})" for name, a in arrays.items()
        )
        raise ValueError(f"Die Stapel-Dimensionen passen nicht zusammen: {described}.") from None


def check_mask(mask: object, target_shape: tuple[int, ...]) -> np.ndarray:
    """Prüft eine boolesche Maske (``True`` = darf beachten) gegen (..., L, S)."""
    mask = np.asarray(_to_numpy(mask, "mask"))
    if mask.dtype != bool:
        raise TypeError(
            "mask muss boolesch sein (True = darf beachten), "
            f"erhalten: Datentyp {mask.dtype}, Form {mask.shape}."
        )
    length_q, length_k = target_shape[-2:]
    try:
        shape = np.broadcast_shapes(mask.shape, target_shape)
    except ValueError:
        shape = None
    if shape is None or shape[-2:] != (length_q, length_k):
        raise ValueError(
            f"Die Maske der Form {mask.shape} lässt sich nicht auf "
            f"(…, L={length_q}, S={length_k}) bzw. {target_shape} broadcasten."
        )
    return mask


def check_flag(value: object, name: str) -> bool:
    """Ein Schalter wie ``causal`` muss wirklich ``True`` oder ``False`` sein.

    Sonst zählte etwa ``causal="nein"`` als wahr – still und falsch.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{name} muss True oder False sein, erhalten: {reprlib.repr(value)} "
            f"({type(value).__name__})."
        )
    return bool(value)


def check_positive_number(value: object, name: str) -> float:
    """Eine endliche, positive reelle Zahl (etwa ``scale``) als ``float``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} muss eine reelle Zahl sein, erhalten: {reprlib.repr(value)} "
            f"({type(value).__name__})."
        )
    try:
        number = float(value)
    except OverflowError:  # etwa 10**400: als float nicht darstellbar
        number = math.inf
    if not math.isfinite(number) or number <= 0:
        raise ValueError(
            f"{name} muss eine endliche positive Zahl sein, erhalten: {reprlib.repr(value)}."
        )
    return number


def check_positive_int(value: object, name: str) -> int:
    """Eine positive ganze Zahl (auch ``np.int64``, aber kein ``bool``) als ``int``."""
    is_int = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not is_int or value < 1:
        raise ValueError(f"{name} muss eine positive ganze Zahl sein, erhalten: {value!r}.")
    return int(value)


def _to_numpy(x: object, name: str) -> object:
    """PyTorch-Tensoren werden als NumPy-Arrays gelesen, alles andere bleibt."""
    if type(x).__module__.startswith("torch") and hasattr(x, "detach"):
        if str(x.dtype) == "torch.bfloat16":
            raise TypeError(
                f"{name} hat den Datentyp torch.bfloat16 (Form {tuple(x.shape)}), den NumPy "
                f"nicht kennt; wandeln Sie den Tensor mit {name}.float() in float32 um."
            )
        return x.detach().cpu().numpy()
    return x
