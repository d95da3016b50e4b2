"""Zeit- und Speichermessungen auf dem Rechner des Lesers (``make bench``).

Dieselben Funktionen erzeugen die Abbildungen in Kapitel 22.5.1; ``main()``
druckt eine Übersichtstabelle:

1. NumPy-Attention aus ``lib`` gegen ``torch``-SDPA (Zeitverhältnis),
2. naive gegen speichereffiziente Attention (Spitzen-Speicher),
3. die Laufzeit jedes Notebooks unter ``chapters/`` (in einer Kopie
   ausgeführt, die gespeicherten Ausgaben bleiben unverändert).

Zeiten sind Mediane mehrerer Wiederholungen; Speicher misst ``tracemalloc``,
das alle Allokationen von NumPy sieht (die von PyTorch dagegen nicht).
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from threadpoolctl import threadpool_limits
from torch import nn

from aufmerksamkeit.attention import scaled_dot_product_attention
from aufmerksamkeit.efficient import memory_efficient_attention
from aufmerksamkeit.formatting import decimal_comma
from aufmerksamkeit.multihead import MultiHeadAttention

MIB = 2**20


# ---------- Messwerkzeuge ----------


def median_time(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median der Laufzeit von ``fn()`` in Sekunden über ``repeats`` Wiederholungen."""
    if repeats < 1:
        raise ValueError(f"repeats muss mindestens 1 sein, erhalten: {repeats}.")
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory(fn: Callable[[], object]) -> int:
    """Spitzen-Speicher (Bytes), den ``fn()`` zusätzlich belegt, laut ``tracemalloc``.

    Erfasst werden Python- und NumPy-Allokationen, nicht die von PyTorch.
    """
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    try:
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        if not already:
            tracemalloc.stop()
    return peak - baseline


def fit_slope(lengths: Sequence[float], values: Sequence[float]) -> float:
    """Steigung der Ausgleichsgeraden im Log-log-Diagramm: values ≈ c · lengthsᵖ → p."""
    lengths, values = np.asarray(lengths, float), np.asarray(values, float)
    if lengths.shape != values.shape or lengths.size < 2:
        raise ValueError(
            f"Brauche mindestens zwei Wertepaare gleicher Länge, erhalten: "
            f"{lengths.shape} und {values.shape}."
        )
    return float(np.polyfit(np.log(lengths), np.log(values), 1)[0])


# ---------- Theorie: Rechenaufwand und sequentielle Schritte ----------


def attention_flops(length: int, width: int) -> int:
    """Gleitkomma-Operationen von softmax(QKᵀ)V ohne Projektionen: ≈ 4 · n² · d.

    Q Kᵀ kostet n² · d Multiplikationen und ebenso viele Additionen, die
    gewichtete Summe mit V noch einmal so viel.
    """
    return 4 * length**2 * width


def lstm_flops(length: int, width: int) -> int:
    """Gleitkomma-Operationen einer LSTM-Schicht: n Schritte à 4 Tore · 2 Matrizen · 2 d²."""
    return length * 16 * width**2


def sequential_steps(kind: str, length: int) -> int:
    """Schritte, die nacheinander passieren müssen: n für RNN/LSTM, 1 für Attention."""
    if kind not in ("RNN", "LSTM", "Attention"):
        raise ValueError(f"kind muss 'RNN', 'LSTM' oder 'Attention' sein, erhalten: {kind!r}.")
    return 1 if kind == "Attention" else length


# ---------- 1. Rekurrenz gegen Attention ----------


@dataclass
class ScalingResult:
    """Medianzeiten (Sekunden) je Schichtart über den Sequenzlängen."""

    lengths: list[int]
    width: int
    times: dict[str, list[float]]

    def slopes(self, start: int = 0) -> dict[str, float]:
        """Log-log-Steigungen ab dem Index ``start`` der Längen."""
        return {
            name: fit_slope(self.lengths[start:], values[start:])
            for name, values in self.times.items()
        }


def sequence_layers(width: int = 64, num_heads: int = 4, seed: int = 0) -> dict[str, nn.Module]:
    """Eine RNN-, LSTM- und Attention-Schicht gleicher Breite (batch first)."""
    torch.manual_seed(seed)
    return {
        "RNN": nn.RNN(width, width, batch_first=True),
        "LSTM": nn.LSTM(width, width, batch_first=True),
        "Attention": MultiHeadAttention(width, num_heads),
    }


@torch.no_grad()
def time_sequence_layers(
    lengths: Sequence[int] = (64, 128, 256, 512, 1024, 2048),
    width: int = 64,
    repeats: int = 5,
    seed: int = 0,
) -> ScalingResult:
    """Misst den Vorwärtsdurchlauf jeder Schicht für eine Sequenz (1, n, width)."""
    layers = sequence_layers(width, seed=seed)
    generator = torch.Generator().manual_seed(seed)
    times: dict[str, list[float]] = {name: [] for name in layers}
    for length in lengths:
        x = torch.randn(1, length, width, generator=generator)  # (1, n, d)
        for name, layer in layers.items():
            times[name].append(median_time(partial(layer, x), repeats=repeats))
    return ScalingResult(list(lengths), width, times)


@torch.no_grad()
def time_sequential_vs_parallel(
    lengths: Sequence[int] = (256, 1024, 4096), width: int = 64, repeats: int = 5, seed: int = 0
) -> list[tuple[int, float, float]]:
    """Dieselbe LSTM-Arbeit zweimal angeordnet: (n, Zeit nacheinander, Zeit nebeneinander).

    Nacheinander: eine Sequenz (1, n, d) – n abhängige Schritte. Nebeneinander:
    n Sequenzen der Länge 1 (n, 1, d) – ein Schritt für alle zugleich. Beide
    Varianten führen genau dieselben Rechenoperationen aus.
    """
    lstm = sequence_layers(width, seed=seed)["LSTM"]
    generator = torch.Generator().manual_seed(seed)
    rows = []
    for length in lengths:
        x = torch.randn(1, length, width, generator=generator)  # (1, n, d)
        side_by_side = x.reshape(length, 1, width)  # (n, 1, d)
        sequential = median_time(partial(lstm, x), repeats=repeats)
        parallel = median_time(partial(lstm, side_by_side), repeats=repeats)
        rows.append((length, sequential, parallel))
    return rows


def plot_scaling(result: ScalingResult, start: int = 0) -> Figure:
    """Log-log-Diagramm der Laufzeiten mit angepassten Steigungen in der Legende."""
    slopes = result.slopes(start)
    fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    styles = {"RNN": "s--", "LSTM": "o-", "Attention": "^-"}
    for name, values in result.times.items():
        label = f"{name} (Steigung {decimal_comma(slopes[name], 1)})"
        ax.loglog(result.lengths, np.asarray(values) * 1e3, styles.get(name, "o-"), label=label)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("Sequenzlänge n")
    ax.set_ylabel("Zeit je Vorwärtsdurchlauf (ms)")
    ax.set_title(f"Laufzeit einer Schicht der Breite d = {result.width} (1 Thread)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    return fig


# ---------- 2. naive gegen speichereffiziente Attention ----------


@dataclass
class MemoryRow:
    """Spitzen-Speicher beider Varianten und ihre größte Abweichung für eine Länge n."""

    length: int
    naive_bytes: int
    efficient_bytes: int
    max_difference: float

    @property
    def ratio(self) -> float:
        return self.naive_bytes / self.efficient_bytes


def compare_memory(
    lengths: Sequence[int] = (1024, 2048, 4096, 8192),
    width: int = 64,
    block_size: int = 256,
    seed: int = 0,
) -> list[MemoryRow]:
    """Spitzen-Speicher (tracemalloc) naiv vs. speichereffizient, float32, Form (n, width)."""
    rng = np.random.default_rng(seed)
    rows = []
    for length in lengths:
        q, k, v = (rng.standard_normal((length, width), dtype=np.float32) for _ in range(3))
        results: dict[str, np.ndarray] = {}

        def naive(q=q, k=k, v=v, results=results):
            results["naive"] = scaled_dot_product_attention(q, k, v)[0]

        def efficient(q=q, k=k, v=v, results=results):
            results["efficient"] = memory_efficient_attention(q, k, v, block_size=block_size)

        with threadpool_limits(1):  # NumPy rechnet wie PyTorch im Kurs mit einem Thread
            naive_bytes, efficient_bytes = peak_memory(naive), peak_memory(efficient)
        difference = float(np.max(np.abs(results["naive"] - results["efficient"])))
        rows.append(MemoryRow(length, naive_bytes, efficient_bytes, difference))
    return rows


def plot_memory(rows: Sequence[MemoryRow]) -> Figure:
    """Log-log-Diagramm des Spitzen-Speichers beider Varianten.

    Gezeichnet auf ganze (naiv) bzw. zehntel MiB (blockweise) gerundet: Die letzten KiB
    schwanken von Lauf zu Lauf (tracemalloc sieht auch Allokationen anderer Threads, etwa
    des Jupyter-Kernels), die gerundeten Werte nicht.
    """
    lengths = [row.length for row in rows]
    fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    naive = [round(r.naive_bytes / MIB) for r in rows]
    ax.loglog(lengths, naive, "o-", label="naiv (ganze n×n-Matrix)")
    efficient = [round(r.efficient_bytes / MIB, 1) for r in rows]
    ax.loglog(lengths, efficient, "^-", label="blockweise (Online-Softmax)")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("Sequenzlänge n")
    ax.set_ylabel("Spitzen-Speicher (MiB)")
    ax.set_title("Zusätzlicher Speicher einer Attention-Auswertung (float32, d = 64)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    return fig


# ---------- 3. NumPy aus lib gegen PyTorch ----------


def compare_with_torch(
    lengths: Sequence[int] = (256, 1024, 4096), width: int = 64, repeats: int = 5, seed: int = 0
) -> list[tuple[int, float, float]]:
    """(n, Zeit lib-NumPy, Zeit torch-SDPA) je Länge, float32, eine Sequenz (n, width)."""
    rng = np.random.default_rng(seed)
    rows = []
    for length in lengths:
        q, k, v = (rng.standard_normal((1, length, width), dtype=np.float32) for _ in range(3))
        tq, tk, tv = (torch.from_numpy(a) for a in (q, k, v))
        with threadpool_limits(1), torch.no_grad():  # beide mit einem Thread
            ours = median_time(partial(scaled_dot_product_attention, q, k, v), repeats=repeats)
            theirs = median_time(
                partial(F.scaled_dot_product_attention, tq, tk, tv), repeats=repeats
            )
        rows.append((length, ours, theirs))
    return rows
