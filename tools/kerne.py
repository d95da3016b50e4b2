"""CPU-Kernel nachstellen: einen Befehl so ausführen, als liefe er auf einer anderen CPU.

PyTorch (ATen, MKL, oneDNN) und NumPy wählen beim Start die schnellsten
Befehlssätze der CPU (AVX-512, AVX2 …). Andere Befehlssätze runden anders.
Mit diesen Umgebungsvariablen rechnet derselbe Rechner wie ein anderer:
``avx2`` wie ein typischer Laptop, ``default`` ganz ohne Vektorbefehle.

Die Variablen gelten nur für x86-64. Auf anderen CPUs (ARM: Apple Silicon, Raspberry Pi,
Graviton) gibt es weder AVX2 noch MKL; PyTorch warnte dort bei ``ATEN_CPU_CAPABILITY=avx2``
auf stderr, und strenges nbval sähe die Warnung in jeder Zelle. Dort läuft ``avx2`` deshalb
nativ – die ARM-Kerne runden ohnehin anders als die AVX-512-Kerne, mit denen die Ausgaben
gespeichert wurden –, und ``default`` wählt nur PyTorchs Kerne ohne eigene Vektorbefehle
(``ATEN_CPU_CAPABILITY=default`` gibt es auf jeder CPU).

Aufruf: ``python tools/kerne.py <kern> -- <befehl …>``; ``native`` ändert nichts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

KERNELS: dict[str, dict[str, str]] = {
    "native": {},
    "avx2": {
        "ATEN_CPU_CAPABILITY": "avx2",
        "MKL_ENABLE_INSTRUCTIONS": "AVX2",
        "ONEDNN_MAX_CPU_ISA": "AVX2",
        "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
        "OPENBLAS_CORETYPE": "Haswell",
    },
    "default": {
        "ATEN_CPU_CAPABILITY": "default",
        "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
        "ONEDNN_MAX_CPU_ISA": "SSE41",
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
        "OPENBLAS_CORETYPE": "Nehalem",
    },
}


# Auf CPUs ohne x86-Befehlssätze: nur, was PyTorch dort kennt (siehe oben).
OTHER_CPU_KERNELS: dict[str, dict[str, str]] = {
    "native": {},
    "avx2": {},
    "default": {"ATEN_CPU_CAPABILITY": "default"},
}

X86_MACHINES = {"x86_64", "amd64", "x64", "i386", "i686"}


def is_x86(machine: str | None = None) -> bool:
    """Ob ``machine`` (Vorgabe: ``platform.machine()``) eine x86-CPU bezeichnet."""
    return (platform.machine() if machine is None else machine).lower() in X86_MACHINES


def kernel_variables(kernel: str, machine: str | None = None) -> dict[str, str]:
    """Die Umgebungsvariablen für ``kernel`` auf der CPU ``machine`` (Vorgabe: diese)."""
    if kernel not in KERNELS:
        raise ValueError(f"Unbekannter Kernel {kernel!r}; möglich: {sorted(KERNELS)}.")
    return dict((KERNELS if is_x86(machine) else OTHER_CPU_KERNELS)[kernel])


def kernel_note(kernel: str, machine: str | None = None) -> str | None:
    """Hinweis, wenn sich ``kernel`` auf dieser CPU nicht nachstellen lässt, sonst ``None``."""
    machine = platform.machine() if machine is None else machine
    if is_x86(machine) or kernel == "native":
        return None
    if kernel == "avx2":
        return (
            f"Hinweis: Kernel „avx2“ gibt es nur auf x86-64; auf dieser CPU ({machine}) läuft "
            "der Befehl mit den nativen Kernen – auch sie runden anders als die AVX-512-Kerne, "
            "mit denen die Ausgaben gespeichert wurden."
        )
    return (
        f"Hinweis: Auf dieser CPU ({machine}) stellt Kernel „{kernel}“ nur PyTorchs Kerne "
        "ohne Vektorbefehle ein (ATEN_CPU_CAPABILITY=default); NumPy rechnet nativ."
    )


def kernel_environment(kernel: str, machine: str | None = None) -> dict[str, str]:
    """Die Umgebung des aktuellen Prozesses, ergänzt um die Variablen für ``kernel``."""
    return {**os.environ, **kernel_variables(kernel, machine)}


def run_json_worker(command: list[str], kernel: str, label: str) -> list[dict]:
    """Führt ``command`` unter ``kernel`` aus; jede Ausgabezeile ``{…}`` ist ein Messwert.

    Gibt die Zeilen als Wörterbücher zurück, jeweils um ``"kernel"`` ergänzt. Scheitert
    der Prozess, folgt ein Fehler mit dem Ende seiner Fehlerausgabe.
    """
    done = subprocess.run(
        command, env=kernel_environment(kernel), capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"{label} unter {kernel} scheiterte:\n{done.stderr[-2000:]}")
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return [{**row, "kernel": kernel} for row in rows]


def grid_arguments(description: str) -> argparse.ArgumentParser:
    """Die gemeinsamen Argumente der Messreihen Seed × Kernel (robustheit.py, block_ablation.py)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("names", nargs="*")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--kerne", default="native,avx2,default")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--parallel", type=int, default=2)
    return parser


def run_grid(
    jobs: Sequence[tuple], run_job: Callable[..., list[dict]], parallel: int
) -> list[dict]:
    """Führt ``run_job(*job)`` für alle Jobs aus, ``parallel`` Kindprozesse zugleich."""
    with ThreadPoolExecutor(parallel) as pool:
        return [row for batch in pool.map(lambda job: run_job(*job), jobs) for row in batch]


def report_failures(rows: Sequence[dict], label: Callable[[dict], str]) -> int:
    """Nennt jede Zeile, in der eine Aussage nicht gilt; Rückgabe 1, wenn es eine gibt."""
    failed = [r for r in rows if not all(r["claims"].values())]
    for r in failed:
        print(f"✗ {label(r)} Seed {r['seed']} {r['kernel']}: {r['claims']}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "--":
        sys.exit("Aufruf: python tools/kerne.py <native|avx2|default> -- <befehl …>")
    environment = kernel_environment(argv[0])
    if note := kernel_note(argv[0]):
        print(note, file=sys.stderr, flush=True)
    os.execvpe(argv[2], argv[2:], environment)


if __name__ == "__main__":
    main(sys.argv[1:])
