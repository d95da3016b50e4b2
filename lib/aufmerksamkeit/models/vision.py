"""Ein winziger Vision Transformer (ViT) nach Dosovitskiy et al. (2021).

Ein Bild wird in quadratische Bildausschnitte (Patches) zerlegt; jeder Patch
wird zu einem Token. Ein zusätzliches Klassen-Token sammelt per Self-Attention
die Information aller Patches und entscheidet über die Klasse.

Daten: 1797 handgeschriebene Ziffern, Graustufenbilder mit 8 × 8 Pixeln (UCI „Optical
Recognition of Handwritten Digits“, CC BY 4.0; dieselben Bilder wie ``load_digits`` aus
scikit-learn). Sie liegen dem Paket bei: ``data/ziffern.npz``, Herkunft in ``data/ziffern.txt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import torch
from torch import nn

from aufmerksamkeit.core.blocks import EncoderBlock
from aufmerksamkeit.models.checkpoints import load_checkpoint, restore
from aufmerksamkeit.models.training import (
    Claim,
    TrainingResult,
    accuracy,
    cross_entropy_loss,
    fit,
)


def image_to_patches(images: torch.Tensor, patch_size: int) -> torch.Tensor:
    """Zerlegt Bilder (N, H, W) in Patches (N, P, p·p), zeilenweise von links oben.

    P = (H/p)·(W/p). Jeder Patch wird zeilenweise zu einem Vektor abgerollt.
    """
    if images.dim() != 3:
        raise ValueError(f"images muss die Form (N, H, W) haben, erhalten: {tuple(images.shape)}.")
    n, height, width = images.shape
    if patch_size < 1 or height % patch_size or width % patch_size:
        raise ValueError(
            f"Die Bildgröße {height}×{width} ist nicht durch die Patch-Größe {patch_size} teilbar."
        )
    rows, cols = height // patch_size, width // patch_size
    x = images.reshape(n, rows, patch_size, cols, patch_size)  # (N, R, p, C, p)
    x = x.permute(0, 1, 3, 2, 4)  # (N, R, C, p, p)
    return x.reshape(n, rows * cols, patch_size * patch_size)  # (N, P, p·p)


def patches_to_image(
    patches: torch.Tensor, patch_size: int, height: int, width: int
) -> torch.Tensor:
    """Umkehrung von :func:`image_to_patches`: (N, P, p·p) → (N, H, W)."""
    rows, cols = height // patch_size, width // patch_size
    if patches.dim() != 3 or patches.shape[1:] != (rows * cols, patch_size * patch_size):
        raise ValueError(
            f"patches der Form {tuple(patches.shape)} passen nicht zu Bildern {height}×{width} "
            f"mit Patch-Größe {patch_size} (erwartet (N, {rows * cols}, {patch_size**2}))."
        )
    n = patches.shape[0]
    x = patches.reshape(n, rows, cols, patch_size, patch_size)  # (N, R, C, p, p)
    return x.permute(0, 1, 3, 2, 4).reshape(n, height, width)  # (N, H, W)


class VisionTransformer(nn.Module):
    """Winziger ViT: Patch-Einbettung + Klassen-Token + gelernte Positionen → Encoder → Klasse.

    ``forward(images)`` nimmt Bilder (N, H, W) und gibt Logits (N, Klassen) zurück.
    Die Encoder-Blöcke merken sich ihre Gewichte in ``last_weights`` (N, h, 1+P, 1+P).
    """

    def __init__(
        self,
        image_size: int = 8,
        patch_size: int = 2,
        embed_dim: int = 32,
        num_heads: int = 2,
        num_layers: int = 2,
        num_classes: int = 10,
    ) -> None:
        super().__init__()
        if image_size % patch_size:
            raise ValueError(
                f"Die Bildgröße {image_size} ist nicht durch die Patch-Größe {patch_size} teilbar."
            )
        self.image_size = image_size
        self.patch_size = patch_size
        self.num_patches = (image_size // patch_size) ** 2
        self.patch_embedding = nn.Linear(patch_size * patch_size, embed_dim)
        self.class_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.position = nn.Parameter(torch.zeros(1, 1 + self.num_patches, embed_dim))
        nn.init.normal_(self.class_token, std=0.02)
        nn.init.normal_(self.position, std=0.02)
        self.blocks = nn.ModuleList(EncoderBlock(embed_dim, num_heads) for _ in range(num_layers))
        self.norm = nn.LayerNorm(embed_dim)
        self.head = nn.Linear(embed_dim, num_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if images.dim() != 3 or images.shape[1:] != (self.image_size, self.image_size):
            raise ValueError(
                f"Erwartet Bilder der Form (N, {self.image_size}, {self.image_size}), "
                f"erhalten: {tuple(images.shape)}."
            )
        patches = image_to_patches(images, self.patch_size)  # (N, P, p·p)
        x = self.patch_embedding(patches)  # (N, P, E)
        cls = self.class_token.expand(len(x), -1, -1)  # (N, 1, E)
        x = torch.cat([cls, x], dim=1) + self.position  # (N, 1+P, E)
        for block in self.blocks:
            x = block(x)  # (N, 1+P, E)
        return self.head(self.norm(x[:, 0]))  # (N, Klassen)

    @torch.no_grad()
    def class_attention(self, images: torch.Tensor) -> torch.Tensor:
        """Aufmerksamkeit des Klassen-Tokens auf die Patches: (Schichten, N, h, P).

        Zeile 0 der Gewichte gehört zum Klassen-Token; Spalte 0 (es selbst) fällt weg.
        Die verbleibenden Gewichte summieren sich daher zu höchstens 1.
        """
        self.eval()
        self(images)
        return torch.stack([block.last_weights[:, :, 0, 1:] for block in self.blocks])


@dataclass
class DigitData:
    """Ziffernbilder (Werte 0 … 1) mit festem Trainings-/Test-Split."""

    x_train: torch.Tensor  # (N_train, 8, 8)
    y_train: torch.Tensor  # (N_train,)
    x_test: torch.Tensor  # (N_test, 8, 8)
    y_test: torch.Tensor  # (N_test,)


def _digit_arrays() -> dict[str, np.ndarray]:
    """Die Felder von ``data/ziffern.npz`` (Herkunft und Lizenz: ``data/ziffern.txt``)."""
    with (resources.files("aufmerksamkeit") / "data" / "ziffern.npz").open("rb") as file:
        with np.load(file) as data:
            return {name: data[name] for name in data.files}


def load_digit_images() -> tuple[np.ndarray, np.ndarray]:
    """Alle 1797 Ziffern: Bilder (1797, 8, 8) mit ganzen Grauwerten 0 … 16 und Klassen (1797,)."""
    arrays = _digit_arrays()
    return arrays["images"], arrays["labels"].astype(np.int64)


def load_digit_data(test_fraction: float = 0.25, seed: int = 0) -> DigitData:
    """Die Ziffern (Werte 0 … 1) mit dem festen, nach Klassen geschichteten Split 75 % / 25 %.

    Mitgeliefert ist genau der Split, den scikit-learn mit ``train_test_split(…, test_size=0.25,
    random_state=0, stratify=…)`` zieht – auf ihm sind der gespeicherte ViT und seine Zahlen
    gemessen. Andere Werte für ``test_fraction`` oder ``seed`` gibt es daher nicht.
    """
    if (test_fraction, seed) != (0.25, 0):
        raise ValueError(
            "Mitgeliefert ist nur der Split test_fraction=0.25, seed=0; "
            f"erhalten: test_fraction={test_fraction}, seed={seed}."
        )
    arrays = _digit_arrays()
    images = arrays["images"].astype(np.float32) / 16.0  # (1797, 8, 8), Werte 0 … 1
    labels, train, test = arrays["labels"], arrays["train_index"], arrays["test_index"]
    return DigitData(
        torch.tensor(images[train]),  # (1347, 8, 8)
        torch.tensor(labels[train], dtype=torch.long),
        torch.tensor(images[test]),  # (450, 8, 8)
        torch.tensor(labels[test], dtype=torch.long),
    )


VIT_CONFIG = {"image_size": 8, "patch_size": 2, "embed_dim": 32, "num_heads": 4, "num_layers": 1}
VIT_BUDGET = {"epochs": 20, "batch_size": 32, "lr": 5e-3, "weight_decay": 1e-2, "clip_norm": 1.0,
              "cosine": True}  # fmt: skip
VIT_CLAIMS = (Claim("Genauigkeit auf den Testbildern mindestens 0,93", "test_accuracy", 0.93),)


def train_vit(
    seed: int = 0, data: DigitData | None = None, patch_size: int | None = None
) -> TrainingResult:
    """Trainiert den :class:`VisionTransformer` auf den Trainingsbildern (wenige Sekunden).

    ``patch_size`` ersetzt die Patch-Größe aus ``VIT_CONFIG`` (etwa 4 statt 2).
    """
    data = data if data is not None else load_digit_data()
    config = VIT_CONFIG if patch_size is None else {**VIT_CONFIG, "patch_size": patch_size}

    def evaluate(model: nn.Module) -> dict[str, float]:
        return {
            "train_accuracy": classification_accuracy(model, data.x_train, data.y_train),
            "test_accuracy": classification_accuracy(model, data.x_test, data.y_test),
        }

    return fit(VisionTransformer, config, data.x_train, data.y_train, cross_entropy_loss,
               VIT_BUDGET, evaluate, seed)  # fmt: skip


def load_vit() -> tuple[VisionTransformer, dict]:
    """Der mitgelieferte ViT und seine Metadaten."""
    state, meta = load_checkpoint("vit")
    return restore(VisionTransformer(**meta["config"]), state), meta


@torch.no_grad()
def classification_accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Genauigkeit des Modells auf Bildern (N, H, W) mit Klassen (N,)."""
    model.eval()
    return accuracy(model(images).argmax(dim=-1), labels)


def attention_map(weights: np.ndarray, image_size: int, patch_size: int) -> np.ndarray:
    """Patch-Gewichte (P,) als Bild (H, W): jeder Pixel erhält das Gewicht seines Patches."""
    grid = image_size // patch_size
    weights = np.asarray(weights)
    if weights.shape != (grid * grid,):
        raise ValueError(
            f"Erwartet {grid * grid} Patch-Gewichte für {image_size}×{image_size} mit "
            f"Patch-Größe {patch_size}, erhalten: Form {weights.shape}."
        )
    return np.kron(weights.reshape(grid, grid), np.ones((patch_size, patch_size)))


def vit_extra(model: nn.Module, examples: list[tuple[np.ndarray, int]]) -> dict[str, Any]:
    return {
        "image_size": int(model.image_size),
        "patch_size": int(model.patch_size),
        "num_layers": len(model.blocks),
        "num_classes": int(model.head.out_features),
        "examples": [
            {"label": int(label), "pixels": [round(float(v), 4) for v in np.ravel(image)]}
            for image, label in examples
        ],
    }


def digit_examples(per_class: int = 1) -> list[tuple[np.ndarray, int]]:
    """Je Ziffer das erste Testbild (8 × 8, Werte 0 … 1) als Beispiel zum Laden."""
    data = load_digit_data(test_fraction=0.25, seed=0)
    chosen = []
    for digit in range(10):
        indices = (data.y_test == digit).nonzero().flatten()[:per_class].tolist()
        chosen.extend((data.x_test[i].numpy(), digit) for i in indices)
    return chosen


def vit_lab_extra(model: nn.Module, data: object = None) -> dict[str, Any]:
    """Angaben fürs Labor „Ziffer zeichnen“: Bildgröße, Patches und je Ziffer ein Testbild."""
    return vit_extra(model, digit_examples())


def logistic_regression_accuracy(
    data: DigitData, l2: float = 1.0, max_iter: int = 1000
) -> tuple[float, torch.Tensor]:
    """Vergleichsverfahren: multinomiale logistische Regression direkt auf den 64 Pixeln.

    Minimiert ``Σ Kreuzentropie + l2/2 · ‖W‖²`` (ohne den Achsenabschnitt zu bestrafen) – dieselbe
    Zielfunktion wie scikit-learns ``LogisticRegression()`` mit ``C = 1/l2``. Sie ist streng
    konvex; L-BFGS in float64 findet ihr einziges Minimum, unabhängig von Startwert und CPU.
    Gibt die Test-Genauigkeit und die Logits der Testbilder (N_test, Klassen) zurück.
    """
    x_train = data.x_train.flatten(1).double()  # (N, 64)
    x_test = data.x_test.flatten(1).double()  # (N_test, 64)
    classes = int(data.y_train.max()) + 1
    weight = torch.zeros(x_train.shape[1], classes, dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(classes, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS(
        [weight, bias], max_iter=max_iter, tolerance_grad=1e-6, tolerance_change=0.0,
        history_size=20, line_search_fn="strong_wolfe",
    )  # fmt: skip

    def objective() -> torch.Tensor:
        optimizer.zero_grad()
        logits = x_train @ weight + bias  # (N, Klassen)
        loss = nn.functional.cross_entropy(logits, data.y_train, reduction="sum")
        loss = loss + 0.5 * l2 * weight.square().sum()
        loss.backward()
        return loss

    optimizer.step(objective)
    with torch.no_grad():
        logits = x_test @ weight + bias  # (N_test, Klassen)
    return accuracy(logits.argmax(dim=-1), data.y_test), logits
