"""Ablationen des Transformer-Blocks für mehrere Seeds und CPU-Kernel (Kapitel 22.4).

Trainiert jede Variante aus ``aufmerksamkeit.experiments.ablation.EXPERIMENTS`` (Block-Varianten
auf der Abrufaufgabe, ein Kopf gegen mehrere beim Pronomen-Modell) für mehrere
Seeds unter mehreren CPU-Kerneln (siehe ``kerne.py``), je Variante und Kernel ein
eigener Prozess (der Kernel wird beim Start von PyTorch festgelegt), zwei parallel.
Schreibt alle Messwerte nach ``lib/aufmerksamkeit/data/ablation.json``; das
Notebook ``chapters/22_4_multi_head/transformer_block.ipynb`` liest sie von dort.

Aufruf: ``python tools/block_ablation.py [--seeds 5] [--kerne native,avx2,default] [experiment …]``;
mit Namen (etwa ``heads``) misst es nur diese Experimente neu und behält die übrigen Messwerte.
Exit-Code 1, wenn eine Aussage des Texts für einen Lauf nicht gilt.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kerne import KERNELS, grid_arguments, report_failures, run_grid, run_json_worker

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "lib" / "aufmerksamkeit" / "data" / "ablation.json"


def worker(experiment: str, variant: str, seeds: list[int]) -> None:
    """Im Kindprozess: trainiert eine Variante für alle Seeds, eine JSON-Zeile je Seed."""
    from aufmerksamkeit.experiments.ablation import ABLATION_CLAIMS, EXPERIMENTS
    from aufmerksamkeit.notebook.reproducibility import deterministic_cpu

    deterministic_cpu()
    train_variant, _, _ = EXPERIMENTS[experiment]
    for seed in seeds:
        result = train_variant(variant, seed)
        line = {
            "experiment": experiment,
            "variant": variant,
            "seed": seed,
            "metrics": {k: round(v, 6) for k, v in result.metrics.items()},
            "claims": {c.text: c.holds(result.metrics) for c in ABLATION_CLAIMS[variant]},
            "seconds": round(result.seconds, 1),
        }
        print(json.dumps(line, ensure_ascii=False), flush=True)


def run_job(experiment: str, variant: str, kernel: str, seeds: list[int]) -> list[dict]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        experiment,
        variant,
        "--seeds",
        str(len(seeds)),
    ]
    rows = run_json_worker(command, kernel, f"{experiment}/{variant}")
    print(f"fertig: {experiment}/{variant} unter {kernel}", file=sys.stderr, flush=True)
    return rows


def table(rows: list[dict], experiment: str, metric: str, kernels: list[str]) -> str:
    """Markdown-Tabelle Variante × Seed → Messwert je Kernel, ✓/✗ für die Aussagen."""
    header = "| Variante | Seed | " + " | ".join(kernels) + " |"
    lines = [f"### {experiment} – {metric}", "", header, "|---" * (len(kernels) + 2) + "|"]
    cell = {
        (r["variant"], r["seed"], r["kernel"]): r for r in rows if r["experiment"] == experiment
    }
    for variant, seed in sorted({(v, s) for v, s, _ in cell}, key=lambda vs: vs):
        entries = [
            f"{cell[variant, seed, k]['metrics'][metric]:.3f} "
            f"{'✓' if all(cell[variant, seed, k]['claims'].values()) else '✗'}"
            for k in kernels
        ]
        lines.append(f"| {variant} | {seed} | " + " | ".join(entries) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    args = grid_arguments(__doc__.splitlines()[0]).parse_args()
    seeds = list(range(args.seeds))
    if args.worker:
        worker(args.names[0], args.names[1], seeds)
        return 0
    from aufmerksamkeit.experiments.ablation import EXPERIMENTS

    kernels = args.kerne.split(",")
    if unknown := sorted(set(kernels) - set(KERNELS)):
        sys.exit(f"Unbekannte Kernel: {unknown}")
    chosen = args.names or list(EXPERIMENTS)
    if unknown := sorted(set(chosen) - set(EXPERIMENTS)):
        sys.exit(f"Unbekannte Experimente: {unknown}; möglich: {sorted(EXPERIMENTS)}")
    kept = []
    if args.names:  # nur diese Experimente neu messen, die übrigen Messwerte behalten
        stored = json.loads(OUTPUT.read_text(encoding="utf-8"))
        if stored["seeds"] != len(seeds) or stored["kernels"] != kernels:
            sys.exit("Seeds und Kernel müssen zu den gespeicherten Messwerten passen.")
        kept = [r for r in stored["runs"] if r["experiment"] not in chosen]
    jobs = [(e, v, k, seeds) for e in chosen for v in EXPERIMENTS[e][1] for k in kernels]
    rows = kept + run_grid(jobs, run_job, args.parallel)
    rows.sort(key=lambda r: (r["experiment"], r["variant"], r["seed"], kernels.index(r["kernel"])))
    for experiment, (_, _, metric) in EXPERIMENTS.items():
        print(table(rows, experiment, metric, kernels))
    OUTPUT.write_text(
        json.dumps({"seeds": len(seeds), "kernels": kernels, "runs": rows}, ensure_ascii=False,
                   indent=1) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    return report_failures(rows, lambda r: r["variant"])


if __name__ == "__main__":
    sys.exit(main())
