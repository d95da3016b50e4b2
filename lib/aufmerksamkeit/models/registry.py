"""Das eine Verzeichnis aller mitgelieferten Modelle des Buchs und ihrer Labore.

Jeder Eintrag sagt, wie das Modell trainiert wird (``train(seed)``), was der Text über es
behauptet (``claims``), welche Zahl ``make modelle`` meldet (``metric``), wie das
mitgelieferte Modell geladen wird (``load()``) und – falls es im Buch im Browser rechnet –
welches Labor es nutzt. ``make modelle``, ``make robustheit``, der Export für die Labore
(:mod:`aufmerksamkeit.web.export`), die Sphinx-Erweiterung ``_ext/labor.py`` und die Tests
lesen nur hier; ein neues Modell braucht genau einen neuen Eintrag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from torch import nn

from aufmerksamkeit.models.char_gpt import (
    CHAR_GPT_CLAIMS,
    char_gpt_extra,
    load_char_gpt,
    train_char_gpt,
)
from aufmerksamkeit.models.pronoun.model import (
    PRONOUN_CLAIMS,
    SHORTCUT_CLAIMS,
    load_pronoun_model,
    load_shortcut_model,
    pronoun_extra,
    train_pronoun_model,
    train_shortcut_model,
)
from aufmerksamkeit.models.recall import RECALL_CLAIMS, load_recall_model, train_recall_model
from aufmerksamkeit.models.speech.model import SPEECH_CLAIMS, load_speech_model, train_speech_model
from aufmerksamkeit.models.training import Claim, TrainingResult
from aufmerksamkeit.models.translation import (
    TRANSLATION_CLAIMS,
    load_translation_model,
    train_translation_model,
)
from aufmerksamkeit.models.vision import VIT_CLAIMS, load_vit, train_vit, vit_lab_extra

#: Der Seed, mit dem ``make modelle`` jedes mitgelieferte Modell trainiert.
SHIPPED_SEED = 0


@dataclass(frozen=True)
class Lab:
    """Ein Labor im gebauten Buch: das Modell rechnet dort in JavaScript."""

    name: str  # Name in der Direktive ``{labor} <name>`` und im Platzhalter
    title: str  # Überschrift für Leserinnen und Leser
    kind: str  # Bauart, nach der das Skript die Vorwärtsrechnung wählt
    extra: Callable[[nn.Module, Any], dict[str, Any]]  # Angaben für das Skript (Vokabular …)


@dataclass(frozen=True)
class ShippedModel:
    """Ein mitgeliefertes Modell: Rezept, Aussagen des Texts, Laden, Labor."""

    name: str  # Datei ``data/modelle/<name>.pt`` (und ``<name>.bin`` im Buch)
    train: Callable[[int], TrainingResult]
    claims: tuple[Claim, ...]
    metric: str  # die Zahl, die ``make modelle`` und ``make robustheit`` berichten
    load: Callable[[], tuple[nn.Module, Any, dict[str, Any]]]  # (Modell, Daten, Metadaten)
    lab: Lab | None = None


def _with_data(load: Callable[[], tuple[nn.Module, dict]]) -> tuple[nn.Module, None, dict]:
    model, meta = load()
    return model, None, meta


_ENTRIES = (
    ShippedModel(
        "pronomen", train_pronoun_model, PRONOUN_CLAIMS, "test_accuracy", load_pronoun_model,
        Lab("pronomen", "Pronomen-Labor", "pronomen", pronoun_extra),
    ),
    ShippedModel(
        "pronomen_abkuerzung", train_shortcut_model, SHORTCUT_CLAIMS, "test_accuracy_swapped",
        load_shortcut_model,
    ),
    ShippedModel(
        "abruf_lstm", partial(train_recall_model, "lstm"), RECALL_CLAIMS["lstm"],
        "far_accuracy", partial(_with_data, partial(load_recall_model, "lstm")),
    ),
    ShippedModel(
        "abruf_attention", partial(train_recall_model, "attention"),
        RECALL_CLAIMS["attention"], "min_accuracy",
        partial(_with_data, partial(load_recall_model, "attention")),
    ),
    ShippedModel(
        "zahlwort", train_translation_model, TRANSLATION_CLAIMS, "test_exact",
        partial(_with_data, load_translation_model),
    ),
    ShippedModel(
        "zeichen_gpt", train_char_gpt, CHAR_GPT_CLAIMS, "val_loss", load_char_gpt,
        Lab("textgenerierung", "Textgenerierung live", "char_gpt", char_gpt_extra),
    ),
    ShippedModel(
        "vit", train_vit, VIT_CLAIMS, "test_accuracy", partial(_with_data, load_vit),
        Lab("ziffern", "Ziffer zeichnen", "vit", vit_lab_extra),
    ),
    ShippedModel(
        "sprache", train_speech_model, SPEECH_CLAIMS, "test_symbol_accuracy",
        partial(_with_data, load_speech_model),
    ),
)  # fmt: skip

#: Alle mitgelieferten Modelle nach Name (= Dateiname des Checkpoints).
MODELS: dict[str, ShippedModel] = {entry.name: entry for entry in _ENTRIES}
#: Die Modelle mit einem Labor im Buch, nach Name des Labors.
LAB_MODELS: dict[str, ShippedModel] = {e.lab.name: e for e in _ENTRIES if e.lab is not None}


def shipped_model(name: str) -> ShippedModel:
    """Der Eintrag zu ``name``; ein unbekannter Name gibt eine deutsche Fehlermeldung."""
    if name not in MODELS:
        raise ValueError(f"Unbekanntes Modell {name!r}; mitgeliefert sind {sorted(MODELS)}.")
    return MODELS[name]


def lab_model(lab: str) -> ShippedModel:
    """Der Eintrag des Modells, das im Labor ``lab`` rechnet."""
    if lab not in LAB_MODELS:
        raise ValueError(f"Unbekanntes Labor {lab!r}; bekannt sind {sorted(LAB_MODELS)}.")
    return LAB_MODELS[lab]
