"""Eine kleine, gemeinsame Trainingsschleife für alle Notebooks."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn


@dataclass
class TrainingLog:
    """Verlauf eines Trainings: Verlust (Loss) je Epoche."""

    losses: list[float] = field(default_factory=list)

    @property
    def final_loss(self) -> float:
        return self.losses[-1]


@dataclass
class TrainingResult:
    """Was jede ``train_*``-Funktion der Bibliothek zurückgibt.

    ``config`` sind die Argumente des Modell-Konstruktors (damit sich das
    Modell aus gespeicherten Gewichten wieder aufbauen lässt), ``metrics``
    die Messwerte auf zurückgehaltenen Daten.
    """

    model: nn.Module
    config: dict[str, Any]
    metrics: dict[str, float]
    losses: list[float]
    seed: int
    seconds: float


@dataclass(frozen=True)
class Claim:
    """Eine Aussage des Buchtextes über ein trainiertes Modell, z. B. „Testgenauigkeit ≥ 0,95“.

    Sie gilt, wenn ``metrics[metric]`` mindestens ``at_least`` bzw. höchstens
    ``at_most`` ist. ``make robustheit`` prüft jede Aussage für mehrere Seeds
    und CPU-Kernel; nur was dort immer gilt, steht im Text.
    """

    text: str
    metric: str
    at_least: float | None = None
    at_most: float | None = None

    def holds(self, metrics: Mapping[str, float]) -> bool:
        if self.metric not in metrics:
            raise KeyError(f"Messwert {self.metric!r} fehlt; vorhanden: {sorted(metrics)}.")
        value = metrics[self.metric]
        low_ok = self.at_least is None or value >= self.at_least
        high_ok = self.at_most is None or value <= self.at_most
        return bool(low_ok and high_ok)

    def report(self, metrics: Mapping[str, float]) -> str:
        """Eine Zeile für das Notebook: „erfüllt: …“ oder „NICHT erfüllt: …“."""
        return f"{'erfüllt' if self.holds(metrics) else 'NICHT erfüllt'}: {self.text}"


def train(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor],
    *,
    epochs: int = 20,
    batch_size: int = 64,
    lr: float = 3e-3,
    weight_decay: float = 0.0,
    seed: int = 0,
    warmup: float = 0.0,
    cosine: bool = False,
    clip_norm: float | None = None,
) -> TrainingLog:
    """Trainiert ``model`` mit AdamW in Mini-Batches und gibt den Verlauf zurück.

    ``loss_fn(model, x_batch, y_batch)`` berechnet den Verlust eines Batches.
    Die Reihenfolge der Batches hängt nur von ``seed`` ab.

    Robuste Rezepte: ``warmup`` (Anteil der Schritte, in denen die Lernrate
    linear von 0 ansteigt), ``cosine=True`` (Lernrate fällt danach als
    Kosinus auf 0) und ``clip_norm`` (Gradienten-Norm begrenzen) machen das
    Ergebnis weniger abhängig von Startwert und Rundung.
    """
    if len(inputs) != len(targets):
        raise ValueError(
            f"inputs ({len(inputs)} Beispiele) und targets ({len(targets)}) "
            "müssen gleich viele Beispiele haben."
        )
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    steps_per_epoch = math.ceil(len(inputs) / batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: learning_rate_factor(step, epochs * steps_per_epoch, warmup, cosine)
    )
    log = TrainingLog()
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(inputs), generator=generator)
        total = 0.0
        for start in range(0, len(inputs), batch_size):
            batch = order[start : start + batch_size]
            loss = loss_fn(model, inputs[batch], targets[batch])
            optimizer.zero_grad()
            loss.backward()
            if clip_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
            optimizer.step()
            schedule.step()
            total += loss.item() * len(batch)
        log.losses.append(total / len(inputs))
    model.eval()
    return log


def fit(
    build: Callable[..., nn.Module],
    config: Mapping[str, Any],
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor],
    budget: Mapping[str, Any],
    evaluate: Callable[[nn.Module], dict[str, float]],
    seed: int = 0,
) -> TrainingResult:
    """Das eine Trainingsrezept des Buchs: Seed setzen, Modell bauen, trainieren, messen.

    ``build(**config)`` baut das Modell, :func:`train` trainiert es mit ``budget``
    (Epochen, Lernrate …), ``evaluate(model)`` misst es. Jedes ``train_*`` der Modelle
    ruft nur ``fit`` auf; sie unterscheiden sich allein in Daten, Modell, Budget und Messung.
    """
    start = time.perf_counter()
    torch.manual_seed(seed)  # gleiche Startgewichte für gleichen Seed
    model = build(**config)
    log = train(model, inputs, targets, loss_fn, seed=seed, **budget)
    metrics = evaluate(model)
    return TrainingResult(
        model, dict(config), metrics, log.losses, seed, time.perf_counter() - start
    )


def learning_rate_factor(step: int, total: int, warmup: float, cosine: bool) -> float:
    """Faktor der Lernrate in Schritt ``step`` von ``total``: Aufwärmen, dann konstant/Kosinus."""
    warmup_steps = round(warmup * total)
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    if not cosine:
        return 1.0
    progress = (step - warmup_steps) / max(1, total - warmup_steps)
    return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))


def cross_entropy_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Kreuzentropie der Klassifikation ``model(x)`` (N, C) gegen ``y`` (N,); passt zu ``train``."""
    return nn.functional.cross_entropy(model(x), y)


def count_parameters(model: nn.Module) -> int:
    """Zahl der trainierbaren Parameter."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


@torch.no_grad()
def accuracy(predictions: torch.Tensor, targets: torch.Tensor) -> float:
    """Anteil richtiger Vorhersagen (Klassenindizes gleicher Form)."""
    return (predictions == targets).float().mean().item()
