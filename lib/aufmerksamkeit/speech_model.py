"""Ein Miniatur-Spracherkenner: Self-Attention über Spektrogramm-Rahmen, Abfrage-Tokens lesen ab.

Aufbau (angelehnt an den Encoder–Decoder von Whisper, Radford et al. 2023, stark vereinfacht):

1. Jeder Rahmen des Log-Mel-Spektrogramms (M Mel-Bänder) wird linear auf E Dimensionen
   abgebildet, dazu kommt die sinusförmige Positionskodierung (Whisper: zwei Faltungen).
2. Encoder-Blöcke mit Self-Attention über alle Rahmen.
3. K gelernte Abfrage-Tokens – eines je Ausgabeposition – gehen durch Decoder-Blöcke:
   kausale Self-Attention untereinander, Cross-Attention auf die Rahmen. Whisper erzeugt
   stattdessen Text-Tokens autoregressiv, eines nach dem anderen.
4. Ein linearer Kopf sagt für jede Position den Vokal voraus.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from aufmerksamkeit.audio import SpeechData
from aufmerksamkeit.blocks import DecoderBlock, EncoderBlock
from aufmerksamkeit.positional import positional_encoding
from aufmerksamkeit.training import TrainingLog, train


class SpeechRecognizer(nn.Module):
    """Spektrogramme (N, T, M) → Logits (N, K, Klassen) für K Ausgabepositionen."""

    def __init__(
        self,
        n_mels: int,
        num_frames: int,
        num_outputs: int = 4,
        num_classes: int = 5,
        embed_dim: int = 32,
        num_heads: int = 2,
        num_encoder_layers: int = 1,
        num_decoder_layers: int = 1,
    ) -> None:
        super().__init__()
        self.n_mels = n_mels
        self.num_frames = num_frames
        self.frame_embedding = nn.Linear(n_mels, embed_dim)
        table = torch.tensor(positional_encoding(num_frames, embed_dim), dtype=torch.float32)
        self.register_buffer("position", table)  # (T, E)
        self.encoder = nn.ModuleList(
            EncoderBlock(embed_dim, num_heads) for _ in range(num_encoder_layers)
        )
        self.encoder_norm = nn.LayerNorm(embed_dim)
        self.queries = nn.Parameter(torch.randn(num_outputs, embed_dim))  # (K, E)
        self.decoder = nn.ModuleList(
            DecoderBlock(embed_dim, num_heads) for _ in range(num_decoder_layers)
        )
        self.norm = nn.LayerNorm(embed_dim)
        self.head = nn.Linear(embed_dim, num_classes)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        if features.dim() != 3 or features.shape[1:] != (self.num_frames, self.n_mels):
            raise ValueError(
                f"Erwartet Spektrogramme der Form (N, {self.num_frames}, {self.n_mels}), "
                f"erhalten: {tuple(features.shape)}."
            )
        x = self.frame_embedding(features) + self.position  # (N, T, E)
        for block in self.encoder:
            x = block(x)  # (N, T, E)
        memory = self.encoder_norm(x)  # (N, T, E)
        y = self.queries.expand(len(x), -1, -1)  # (N, K, E)
        for block in self.decoder:
            y = block(y, memory)  # (N, K, E)
        return self.head(self.norm(y))  # (N, K, Klassen)

    @torch.no_grad()
    def cross_attention(self, features: torch.Tensor | np.ndarray) -> torch.Tensor:
        """Cross-Attention der Abfrage-Tokens auf die Rahmen: (Decoder-Schichten, N, h, K, T)."""
        self.eval()
        self(torch.as_tensor(features))
        return torch.stack([block.last_cross_weights for block in self.decoder])


def _sequence_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    logits = model(x)  # (N, K, C)
    return F.cross_entropy(logits.flatten(0, 1), y.flatten())


@dataclass
class SpeechReport:
    """Genauigkeiten auf zurückgehaltenen Sprechern."""

    symbol_accuracy: float  # Anteil richtig erkannter Vokale
    sequence_accuracy: float  # Anteil vollständig richtig erkannter Aufnahmen


def train_speech_model(
    data: SpeechData,
    *,
    embed_dim: int = 32,
    num_heads: int = 2,
    num_encoder_layers: int = 1,
    epochs: int = 12,
    lr: float = 5e-3,
    seed: int = 0,
) -> tuple[SpeechRecognizer, TrainingLog]:
    """Trainiert einen :class:`SpeechRecognizer` auf ``data`` (wenige Sekunden auf der CPU)."""
    torch.manual_seed(seed)
    _, num_frames, n_mels = data.features.shape
    model = SpeechRecognizer(
        n_mels,
        num_frames,
        num_outputs=data.labels.shape[1],
        embed_dim=embed_dim,
        num_heads=num_heads,
        num_encoder_layers=num_encoder_layers,
    )
    log = train(
        model,
        torch.tensor(data.features),
        torch.tensor(data.labels, dtype=torch.long),
        _sequence_loss,
        epochs=epochs,
        batch_size=32,
        lr=lr,
        weight_decay=1e-2,
        seed=seed,
    )
    return model, log


@torch.no_grad()
def predict(model: SpeechRecognizer, features: np.ndarray) -> np.ndarray:
    """Vorhergesagte Vokal-Indizes (N, K) für Spektrogramme (N, T, M)."""
    model.eval()
    return model(torch.tensor(features)).argmax(dim=-1).numpy()


def evaluate_speech(model: SpeechRecognizer, data: SpeechData) -> SpeechReport:
    """Vokal- und Folgengenauigkeit auf ``data``."""
    correct = predict(model, data.features) == data.labels  # (N, K)
    return SpeechReport(float(correct.mean()), float(correct.all(axis=1).mean()))


def attention_in_segments(
    weights: np.ndarray, segments: np.ndarray, *, frame_offset: float = 0.8, margin: float = 1.0
) -> np.ndarray:
    """Anteil der Aufmerksamkeit (N, K), den Abfrage k auf den Abschnitt des k-ten Vokals legt.

    ``weights`` (N, K, T) sind Cross-Attention-Gewichte, ``segments`` (N, K, 2) Beginn und Ende
    in Rahmen. Rahmen t gilt als innerhalb, wenn seine Mitte t + ``frame_offset``
    (n_fft / 2 / hop) höchstens ``margin`` Rahmen außerhalb des Abschnitts liegt.
    """
    weights, segments = np.asarray(weights), np.asarray(segments)
    if weights.ndim != 3 or segments.shape != (*weights.shape[:2], 2):
        raise ValueError(
            f"weights (N, K, T) und segments (N, K, 2) passen nicht: {weights.shape}, "
            f"{segments.shape}."
        )
    centers = np.arange(weights.shape[-1]) + frame_offset  # (T,)
    inside = (centers >= segments[..., :1] - margin) & (centers <= segments[..., 1:] + margin)
    return (weights * inside).sum(axis=-1)  # (N, K)
