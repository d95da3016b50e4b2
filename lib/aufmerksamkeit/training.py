"""Eine kleine, gemeinsame Trainingsschleife für alle Notebooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn


@dataclass
class TrainingLog:
    """Verlauf eines Trainings: Verlust (Loss) je Epoche."""

    losses: list[float] = field(default_factory=list)

    @property
    def final_loss(self) -> float:
        return self.losses[-1]


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
) -> TrainingLog:
    """Trainiert ``model`` mit Adam in Mini-Batches und gibt den Verlauf zurück.

    ``loss_fn(model, x_batch, y_batch)`` berechnet den Verlust eines Batches.
    Die Reihenfolge der Batches hängt nur von ``seed`` ab.
    """
    if len(inputs) != len(targets):
        raise ValueError(
            f"inputs ({len(inputs)} Beispiele) und targets ({len(targets)}) "
            "müssen gleich viele Beispiele haben."
        )
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
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
            optimizer.step()
            total += loss.item() * len(batch)
        log.losses.append(total / len(inputs))
    model.eval()
    return log


@torch.no_grad()
def accuracy(predictions: torch.Tensor, targets: torch.Tensor) -> float:
    """Anteil richtiger Vorhersagen (Klassenindizes gleicher Form)."""
    return (predictions == targets).float().mean().item()
