"""Gelten die Aussagen des Buchs für jeden Seed und jede CPU? (``make robustheit``)

Trainiert jedes Modell für mehrere Seeds unter mehreren CPU-Kerneln (siehe
``kerne.py``) und druckt je Modell eine Tabelle Seed × Kernel → Messwert,
mit ✓, wenn alle Aussagen des Texts gelten, und ✗ sonst. Die Läufe gehen in
eigene Prozesse, weil der Kernel beim Start von PyTorch festgelegt wird.

Aufruf: ``python tools/robustheit.py [--seeds 5] [--kerne native,avx2,default] [name …]``.
Ergebnis zusätzlich in ``_build/robustheit.json`` und ``_build/robustheit.md``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kerne import KERNELS, grid_arguments, report_failures, run_grid, run_json_worker

from aufmerksamkeit.models.registry import MODELS

ROOT = Path(__file__).resolve().parents[1]


def worker(name: str, seeds: list[int]) -> None:
    """Im Kindprozess: trainiert ``name`` für alle Seeds, eine JSON-Zeile je Seed."""
    import torch

    from aufmerksamkeit.notebook.reproducibility import deterministic_cpu

    deterministic_cpu()
    recipe = MODELS[name]
    for seed in seeds:
        result = recipe.train(seed)
        line = {
            "model": name,
            "seed": seed,
            "kernel": torch.backends.cpu.get_cpu_capability(),
            "value": result.metrics[recipe.metric],
            "claims": {c.text: c.holds(result.metrics) for c in recipe.claims},
            "seconds": round(result.seconds, 1),
        }
        print(json.dumps(line, ensure_ascii=False), flush=True)


def run_job(name: str, kernel: str, seeds: list[int]) -> list[dict]:
    command = [sys.executable, __file__, "--worker", name, "--seeds", str(len(seeds))]
    return run_json_worker(command, kernel, name)


def table(name: str, rows: list[dict], kernels: list[str], seeds: list[int]) -> str:
    recipe = MODELS[name]
    cell = {(r["seed"], r["kernel"]): r for r in rows if r["model"] == name}
    lines = [f"### {name} – {recipe.metric}", ""]
    lines += ["| Seed | " + " | ".join(kernels) + " |", "|---" * (len(kernels) + 1) + "|"]
    for seed in seeds:
        entries = []
        for kernel in kernels:
            r = cell[seed, kernel]
            entries.append(f"{r['value']:.3f} {'✓' if all(r['claims'].values()) else '✗'}")
        lines.append(f"| {seed} | " + " | ".join(entries) + " |")
    lines += ["", "Aussagen: " + "; ".join(f"„{c.text}“" for c in recipe.claims), ""]
    return "\n".join(lines)


def main() -> int:
    args = grid_arguments(__doc__.splitlines()[0]).parse_args()
    seeds = list(range(args.seeds))
    if args.worker:
        worker(args.names[0], seeds)
        return 0
    names = args.names or list(MODELS)
    kernels = args.kerne.split(",")
    unknown = sorted(set(kernels) - set(KERNELS)) + sorted(set(names) - set(MODELS))
    if unknown:
        sys.exit(f"Unbekannt: {unknown}")
    jobs = [(name, kernel, seeds) for name in names for kernel in kernels]
    rows = run_grid(jobs, run_job, args.parallel)
    report = "\n".join(table(name, rows, kernels, seeds) for name in names)
    print(report)
    out = ROOT / "_build"
    out.mkdir(exist_ok=True)
    (out / "robustheit.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    (out / "robustheit.md").write_text(report + "\n", encoding="utf-8")
    return report_failures(rows, lambda r: r["model"])


if __name__ == "__main__":
    sys.exit(main())
