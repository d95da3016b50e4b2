"""Zeit- und Speichermessungen auf diesem Rechner (``make bench``).

Die Messfunktionen liegen in :mod:`aufmerksamkeit.experiments.benchmarks` (die Notebooks
nutzen sie); hier stehen nur der Aufruf als Tabelle und die Laufzeit je Notebook.
Aufruf: ``python tools/bench.py [--ohne-notebooks]``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch

from aufmerksamkeit.experiments.benchmarks import (
    MIB,
    compare_memory,
    compare_with_torch,
    time_sequence_layers,
)

# ---------- 4. Notebooks ----------


def notebook_runtimes(root: str | Path = "chapters") -> Iterator[tuple[str, float | None]]:
    """Führt jedes Notebook unter ``root`` in einer Kopie seines Ordners aus.

    Liefert nacheinander (Pfad, Sekunden); bricht ein Notebook mit einem Fehler
    ab, ist die Zeit ``None``. Die Notebooks im Repository bleiben unberührt.
    """
    from nbclient.exceptions import CellExecutionError
    from notebooks import execute_notebook, find_notebooks

    root = Path(root)
    with tempfile.TemporaryDirectory(prefix="aufm-bench-") as tmp:
        for notebook in find_notebooks([str(root)]):
            copy_dir = Path(tmp) / notebook.parent.relative_to(root.parent)
            if not copy_dir.exists():
                shutil.copytree(notebook.parent, copy_dir, ignore=shutil.ignore_patterns("_build"))
            try:
                seconds: float | None = execute_notebook(copy_dir / notebook.name)
            except CellExecutionError:
                seconds = None
            yield str(notebook), seconds


# ---------- Tabelle für make bench ----------


def main(argv: Sequence[str] = ()) -> int:
    """Druckt alle Messungen als Tabelle (``make bench``)."""
    torch.set_num_threads(1)
    print(f"Threads: 1 (NumPy und PyTorch), NumPy {np.__version__}, torch {torch.__version__}")

    print("\n1) Attention: lib (NumPy) gegen torch.nn.functional.scaled_dot_product_attention")
    print(f"{'n':>6} {'lib [ms]':>10} {'torch [ms]':>11} {'lib/torch':>10}")
    for length, ours, theirs in compare_with_torch():
        print(f"{length:>6} {ours * 1e3:>10.2f} {theirs * 1e3:>11.2f} {ours / theirs:>10.1f}")

    print("\n2) Spitzen-Speicher naiv gegen speichereffizient (float32, d = 64, Block 256)")
    header = ("n", "naiv [MiB]", "effizient [MiB]", "Verhältnis", "max. Abw.")
    print("".join(f"{h:>{w}}" for h, w in zip(header, (6, 12, 17, 12, 11))))
    for row in compare_memory():
        print(
            f"{row.length:>6} {row.naive_bytes / MIB:>11.1f} {row.efficient_bytes / MIB:>16.2f} "
            f"{row.ratio:>11.0f} {row.max_difference:>10.1e}"
        )

    print("\n3) Rekurrenz gegen Attention (Vorwärtsdurchlauf, d = 64, Median aus 5)")
    scaling = time_sequence_layers()
    print(f"{'n':>6} " + " ".join(f"{name + ' [ms]':>15}" for name in scaling.times))
    for i, length in enumerate(scaling.lengths):
        print(f"{length:>6} " + " ".join(f"{t[i] * 1e3:>15.2f}" for t in scaling.times.values()))
    slopes = scaling.slopes(start=2)
    print("Steigung (log-log, ab n = 256): " + ", ".join(f"{k} {v:.2f}" for k, v in slopes.items()))

    if "--ohne-notebooks" not in argv:
        print("\n4) Laufzeit je Notebook (Kopie in einem temporären Ordner)")
        for path, seconds in notebook_runtimes():
            shown = "Fehler" if seconds is None else f"{seconds:.1f} s"
            print(f"{shown:>9}  {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
