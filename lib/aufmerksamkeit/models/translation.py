"""Deutsche Zahlwörter als kleine Übersetzungsaufgabe: „dreiundzwanzig“ → „2 3“.

Im Deutschen steht der Einer vor dem Zehner („drei|und|zwanzig“), in Ziffern
dahinter („23“). Wer übersetzt, muss die Reihenfolge also kreuzen – genau das
soll die Cross-Attention eines kleinen Encoder-Decoder-Transformers lernen.

Die Zahlwörter werden in Bestandteile (Morpheme) zerlegt, etwa
``dreihundertvierundfünfzig`` → ``drei | hundert | vier | und | fünfzig``.
Zusammengesetzt ergeben die Bestandteile wieder genau das Zahlwort.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from aufmerksamkeit.core.formatting import percent
from aufmerksamkeit.core.seq2seq import Seq2SeqTransformer, greedy_decode, seq2seq_loss
from aufmerksamkeit.models.checkpoints import load_checkpoint, restore
from aufmerksamkeit.models.training import Claim, TrainingResult, fit

PAD, BOS, EOS = "<pad>", "<s>", "</s>"

_UNITS = ["", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]
_TEENS = {
    10: ["zehn"],
    11: ["elf"],
    12: ["zwölf"],
    13: ["drei", "zehn"],
    14: ["vier", "zehn"],
    15: ["fünf", "zehn"],
    16: ["sech", "zehn"],
    17: ["sieb", "zehn"],
    18: ["acht", "zehn"],
    19: ["neun", "zehn"],
}
_TENS = [
    "",
    "",
    "zwanzig",
    "dreißig",
    "vierzig",
    "fünfzig",
    "sechzig",
    "siebzig",
    "achtzig",
    "neunzig",
]

#: Alle Bestandteile, die in Zahlwörtern von 1 bis 999 vorkommen.
SOURCE_TOKENS: list[str] = [PAD, "eins", *_UNITS[1:], "zehn", "elf", "zwölf", "sech", "sieb",
                            *_TENS[2:], "und", "hundert"]  # fmt: skip
#: Ziffern und Steuerzeichen der Zielsprache.
TARGET_TOKENS: list[str] = [PAD, BOS, EOS, *"0123456789"]


def _check_number(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"Erwartet eine ganze Zahl, erhalten: {n!r}.")
    if not 1 <= n <= 999:
        raise ValueError(f"Zahlwörter gibt es hier nur für 1 bis 999, erhalten: {n}.")


def _below_hundred(n: int) -> list[str]:
    """Bestandteile für 1 ≤ n ≤ 99 (mit „eins“ am Wortende)."""
    if n == 1:
        return ["eins"]
    if n < 10:
        return [_UNITS[n]]
    if n < 20:
        return list(_TEENS[n])
    tens, units = divmod(n, 10)
    if units == 0:
        return [_TENS[tens]]
    return [_UNITS[units], "und", _TENS[tens]]


def number_to_parts(n: int) -> list[str]:
    """Zerlegt das Zahlwort von ``n`` (1–999) in Bestandteile.

    ``number_to_parts(354) == ["drei", "hundert", "vier", "und", "fünfzig"]``;
    100 heißt „hundert“ (nicht „einhundert“), 101 „hunderteins“.
    """
    _check_number(n)
    hundreds, rest = divmod(int(n), 100)
    parts: list[str] = []
    if hundreds == 1:
        parts.append("hundert")
    elif hundreds > 1:
        parts += [_UNITS[hundreds], "hundert"]
    if rest:
        parts += _below_hundred(rest)
    return parts


def number_to_german(n: int) -> str:
    """Das deutsche Zahlwort von ``n`` (1–999), klein geschrieben, z. B. „einundzwanzig“."""
    return "".join(number_to_parts(n))


def number_to_digits(n: int) -> list[str]:
    """Die Ziffern von ``n`` als Tokens, z. B. ``["2", "3"]``."""
    _check_number(n)
    return list(str(int(n)))


@dataclass
class NumberDataset:
    """Zahlen mit Quell- und Zielsequenzen als Tensoren.

    ``source``: (N, S) Indizes der Bestandteile, rechts mit ``<pad>`` aufgefüllt.
    ``target``: (N, T) ``<s>`` Ziffern ``</s>``, rechts aufgefüllt.
    """

    numbers: list[int]
    source: torch.Tensor  # (N, S)
    target: torch.Tensor  # (N, T)


def encode_numbers(numbers: list[int], source_len: int = 5, target_len: int = 5) -> NumberDataset:
    """Wandelt Zahlen in aufgefüllte Index-Tensoren um (siehe :class:`NumberDataset`)."""
    source = torch.zeros(len(numbers), source_len, dtype=torch.long)
    target = torch.zeros(len(numbers), target_len, dtype=torch.long)
    for row, n in enumerate(numbers):
        parts = number_to_parts(n)
        digits = [BOS, *number_to_digits(n), EOS]
        if len(parts) > source_len or len(digits) > target_len:
            raise ValueError(
                f"{n} braucht {len(parts)} Quell- und {len(digits)} Ziel-Tokens, "
                f"erlaubt sind {source_len} und {target_len}."
            )
        source[row, : len(parts)] = torch.tensor([SOURCE_TOKENS.index(p) for p in parts])
        target[row, : len(digits)] = torch.tensor([TARGET_TOKENS.index(d) for d in digits])
    return NumberDataset(list(numbers), source, target)


def split_numbers(
    high: int = 999, test_fraction: float = 0.2, seed: int = 0, always_train: int = 20
) -> tuple[list[int], list[int]]:
    """Teilt die Zahlen 1…``high`` zufällig in Trainings- und Testzahlen.

    Die Testzahlen sieht das Modell im Training nie (zurückgehaltene Daten).
    Die unregelmäßigen Wörter 1…``always_train`` („eins“ bis „zwanzig“) lernt
    es wie Vokabeln: Sie liegen immer im Training; ``test_fraction`` ist der
    Anteil der übrigen Zahlen, der zurückgehalten wird.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction muss zwischen 0 und 1 liegen, erhalten: {test_fraction}.")
    if not 0 <= always_train < high <= 999:
        raise ValueError(
            f"Erwartet 0 ≤ always_train < high ≤ 999, erhalten: {always_train}, {high}."
        )
    candidates = np.arange(always_train + 1, high + 1)
    order = np.random.default_rng(seed).permutation(candidates)
    n_test = round(test_fraction * len(candidates))
    train = list(range(1, always_train + 1)) + order[n_test:].tolist()
    return sorted(train), sorted(order[:n_test].tolist())


def decode_digits(indices: list[int] | torch.Tensor) -> str:
    """Ziel-Indizes bis zum ersten ``</s>`` als Ziffernfolge, z. B. ``"23"``."""
    digits = []
    for index in list(map(int, indices)):
        token = TARGET_TOKENS[index]
        if token == EOS:
            break
        if token not in (PAD, BOS):
            digits.append(token)
    return "".join(digits)


@dataclass
class Translation:
    """Eine übersetzte Zahl mit der Cross-Attention, die dabei entstand.

    ``weights`` (T, S): Zeile t gehört zum erzeugten Token ``target_tokens[t]``,
    Spalte s zum Quell-Token ``source_tokens[s]``; gemittelt über die Köpfe.
    """

    number: int
    source_tokens: list[str]
    target_tokens: list[str]
    weights: np.ndarray  # (T, S)

    @property
    def prediction(self) -> str:
        return "".join(t for t in self.target_tokens if t.isdigit())

    @property
    def correct(self) -> bool:
        return self.prediction == str(self.number)


def translate(model: torch.nn.Module, numbers: list[int], max_len: int = 5) -> list[Translation]:
    """Übersetzt Zahlwörter mit dem :class:`~aufmerksamkeit.core.seq2seq.Seq2SeqTransformer`."""
    data = encode_numbers(numbers)
    output = greedy_decode(model, data.source, TARGET_TOKENS.index(BOS), TARGET_TOKENS.index(EOS),
                           max_len)  # fmt: skip
    weights = model.cross_weights().mean(dim=1).numpy()  # (N, T, S)
    result = []
    for row, n in enumerate(numbers):
        tokens = [TARGET_TOKENS[i] for i in output[row, 1:].tolist()]
        length = tokens.index(EOS) + 1 if EOS in tokens else len(tokens)
        parts = number_to_parts(n)
        result.append(
            Translation(n, parts, tokens[:length], weights[row, :length, : len(parts)].copy())
        )
    return result


TRANSLATION_CONFIG = {
    "source_vocab": len(SOURCE_TOKENS),
    "target_vocab": len(TARGET_TOKENS),
    "embed_dim": 32,
    "num_heads": 1,
    "num_layers": 1,
}
TRANSLATION_BUDGET = {"epochs": 30, "batch_size": 64, "lr": 3e-3, "clip_norm": 1.0, "cosine": True}
TRANSLATION_CLAIMS = (
    Claim("Zahlwörter, die es nie gesehen hat: mindestens 0,95 exakt richtig", "test_exact", 0.95),
)


def translation_split() -> tuple[list[int], list[int]]:
    """Der feste Split des Buchs: Trainings- und zurückgehaltene Testzahlen."""
    return split_numbers(test_fraction=0.2, seed=0)


def train_translation_model(seed: int = 0) -> TrainingResult:
    """Trainiert den Encoder-Decoder auf den Trainingszahlen und misst exakte Treffer."""
    train_numbers, test_numbers = translation_split()
    data = encode_numbers(train_numbers)

    def evaluate(model: torch.nn.Module) -> dict[str, float]:
        return {
            "train_exact": float(np.mean([r.correct for r in translate(model, train_numbers)])),
            "test_exact": float(np.mean([r.correct for r in translate(model, test_numbers)])),
        }

    return fit(Seq2SeqTransformer, TRANSLATION_CONFIG, data.source, data.target, seq2seq_loss,
               TRANSLATION_BUDGET, evaluate, seed)  # fmt: skip


def load_translation_model() -> tuple[torch.nn.Module, dict]:
    """Der mitgelieferte Encoder-Decoder für Zahlwörter und seine Metadaten."""
    state, meta = load_checkpoint("zahlwort")
    return restore(Seq2SeqTransformer(**meta["config"]), state), meta


def alignment_alt(translation: Translation) -> str:
    """Deutscher Alternativtext: Wohin schaut der Decoder beim Erzeugen jeder Ziffer?"""
    pieces = []
    for token, row in zip(translation.target_tokens, translation.weights):
        if token.isdigit():
            best = int(row.argmax())
            share = percent(float(row[best]))
            pieces.append(f"„{token}“ ← „{translation.source_tokens[best]}“ ({share})")
    word = "".join(translation.source_tokens)
    return (
        f"Cross-Attention beim Übersetzen von „{word}“ in {translation.prediction}: "
        + ", ".join(pieces)
    )
