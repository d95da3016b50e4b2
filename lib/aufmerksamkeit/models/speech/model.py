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

from aufmerksamkeit.core.blocks import DecoderBlock, EncoderBlock
from aufmerksamkeit.core.positional import positional_encoding
from aufmerksamkeit.models.checkpoints import load_checkpoint, restore
from aufmerksamkeit.models.speech.audio import SpeechData, make_speech_data, random_speakers
from aufmerksamkeit.models.training import Claim, TrainingResult, fit


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


def sequence_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Kreuzentropie über alle K Ausgabepositionen (passt zu ``train``)."""
    logits = model(x)  # (N, K, C)
    return F.cross_entropy(logits.flatten(0, 1), y.flatten())


@dataclass
class SpeechReport:
    """Genauigkeiten auf zurückgehaltenen Sprechern."""

    symbol_accuracy: float  # Anteil richtig erkannter Vokale
    sequence_accuracy: float  # Anteil vollständig richtig erkannter Aufnahmen


SPEECH_BUDGET = {"epochs": 12, "batch_size": 32, "lr": 5e-3, "weight_decay": 1e-2, "clip_norm": 1.0,
                 "cosine": True}  # fmt: skip
SPEECH_CLAIMS = (
    Claim("Vokale unbekannter Sprecher: mindestens 0,9 richtig", "test_symbol_accuracy", 0.9),
    Claim(
        "Jede Abfrage legt im Mittel mehr als die Hälfte ihrer Aufmerksamkeit auf ihren Vokal",
        "min_attention_in_segment",
        0.5,
    ),
)


def make_speech_splits() -> tuple[SpeechData, SpeechData]:
    """Feste Trainings- (600 Aufnahmen, 12 Sprecher) und Testdaten (200, 4 andere Sprecher)."""
    train_data = make_speech_data(600, random_speakers(12, seed=1), seed=2)
    test_data = make_speech_data(200, random_speakers(4, seed=3), seed=4)
    return train_data, test_data


def train_speech_model(
    seed: int = 0, data: tuple[SpeechData, SpeechData] | None = None
) -> TrainingResult:
    """Trainiert einen :class:`SpeechRecognizer` (wenige Sekunden) und misst ihn."""
    train_data, test_data = data if data is not None else make_speech_splits()
    _, num_frames, n_mels = train_data.features.shape
    config = {"n_mels": n_mels, "num_frames": num_frames, "num_outputs": train_data.labels.shape[1],
              "embed_dim": 32, "num_heads": 2}  # fmt: skip
    x, y = torch.tensor(train_data.features), torch.tensor(train_data.labels, dtype=torch.long)

    def evaluate(model: SpeechRecognizer) -> dict[str, float]:
        test = evaluate_speech(model, test_data)
        cross = model.cross_attention(test_data.features)[-1].mean(1).numpy()  # (N, K, T)
        inside = attention_in_segments(cross, test_data.segments).mean(0)  # (K,)
        return {
            "train_symbol_accuracy": evaluate_speech(model, train_data).symbol_accuracy,
            "test_symbol_accuracy": test.symbol_accuracy,
            "test_sequence_accuracy": test.sequence_accuracy,
            "min_attention_in_segment": float(inside.min()),
        }

    return fit(SpeechRecognizer, config, x, y, sequence_loss, SPEECH_BUDGET, evaluate, seed)


def load_speech_model() -> tuple[SpeechRecognizer, dict]:
    """Der mitgelieferte Spracherkenner und seine Metadaten."""
    state, meta = load_checkpoint("sprache")
    return restore(SpeechRecognizer(**meta["config"]), state), meta


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
