"""Mitgelieferte Modelle: vorhanden, klein, sicher ladbar, und sie halten, was der Text sagt."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aufmerksamkeit.models.char_gpt import evaluate_loss, load_char_gpt, make_char_data
from aufmerksamkeit.models.checkpoints import MODEL_DIR, checkpoint_path, load_checkpoint
from aufmerksamkeit.models.pronoun.model import evaluate_pronoun_model, load_pronoun_model
from aufmerksamkeit.models.recall import accuracy_by_distance, load_recall_model, make_recall_splits
from aufmerksamkeit.models.registry import MODELS
from aufmerksamkeit.models.speech.model import (
    evaluate_speech,
    load_speech_model,
    make_speech_splits,
)
from aufmerksamkeit.models.training import Claim
from aufmerksamkeit.models.translation import load_translation_model, translate, translation_split
from aufmerksamkeit.models.vision import classification_accuracy, load_digit_data, load_vit


def test_every_recipe_has_a_small_checkpoint():
    files = sorted(MODEL_DIR.glob("*.pt"))
    assert {f.stem for f in files} == set(MODELS)
    assert sum(f.stat().st_size for f in files) <= 2 * 1024 * 1024


@pytest.mark.parametrize("name", sorted(MODELS))
def test_checkpoint_loads_safely_with_metadata(name):
    content = torch.load(checkpoint_path(name), weights_only=True)  # keine beliebigen Objekte
    meta = content["meta"]
    assert {"seed", "config", "metrics", "claims", "torch", "training_seconds"} <= set(meta)
    assert meta["torch"] == torch.__version__.split("+")[0]
    assert all(meta["claims"].values()), meta["claims"]
    assert set(meta["claims"]) == {claim.text for claim in MODELS[name].claims}
    assert all(
        t.dtype == torch.float32 for t in content["state_dict"].values() if t.is_floating_point()
    )


def test_unknown_model_gets_german_error():
    with pytest.raises(FileNotFoundError, match="make modelle"):
        load_checkpoint("gibt_es_nicht")
    with pytest.raises(ValueError, match="Modellnamen"):
        checkpoint_path("../boese")


def test_claim_holds_and_reports():
    claim = Claim("mindestens 0,9", "acc", at_least=0.9)
    assert claim.holds({"acc": 0.95}) and not claim.holds({"acc": 0.85})
    assert Claim("höchstens 0,5", "acc", at_most=0.5).holds({"acc": 0.5})
    assert claim.report({"acc": 0.95}) == "erfüllt: mindestens 0,9"
    assert claim.report({"acc": 0.1}) == "NICHT erfüllt: mindestens 0,9"
    with pytest.raises(KeyError, match="fehlt"):
        claim.holds({"loss": 1.0})


# Die gespeicherten Messwerte entstanden direkt nach dem Training. Die Vorwärtsrechnung des
# geladenen Modells muss sie wiederfinden (auf jeder CPU bis auf Rundung: ±1 Beispiel).
def _close(value: float, stored: float, tolerance: float = 0.005) -> None:
    assert value == pytest.approx(stored, abs=tolerance)


def test_shipped_pronoun_model_reproduces_its_metrics():
    model, corpus, meta = load_pronoun_model()
    metrics = evaluate_pronoun_model(model, corpus)
    for key in ("test_accuracy", "weight_on_referent", "context_adjective_max"):
        _close(metrics[key], meta["metrics"][key])


@pytest.mark.parametrize("kind", ["lstm", "attention"])
def test_shipped_recall_models_reproduce_their_metrics(kind):
    model, meta = load_recall_model(kind)
    _, (x, y, d) = make_recall_splits()
    by_distance = accuracy_by_distance(model, x, y, d)
    for distance, value in by_distance.items():
        _close(value, meta["metrics"][f"accuracy_d{distance}"], 0.01)


def test_shipped_translation_model_reproduces_its_metrics():
    model, meta = load_translation_model()
    _, test_numbers = translation_split()
    _close(
        np.mean([r.correct for r in translate(model, test_numbers)]), meta["metrics"]["test_exact"]
    )


def test_shipped_char_gpt_reproduces_its_metrics():
    model, vocab, meta = load_char_gpt()
    data = make_char_data()
    assert vocab.chars == data.vocab.chars
    _close(evaluate_loss(model, data.x_val, data.y_val), meta["metrics"]["val_loss"], 1e-3)


def test_shipped_vit_reproduces_its_metrics():
    model, meta = load_vit()
    data = load_digit_data()
    _close(
        classification_accuracy(model, data.x_test, data.y_test), meta["metrics"]["test_accuracy"]
    )


def test_shipped_speech_model_reproduces_its_metrics():
    model, meta = load_speech_model()
    _, test_data = make_speech_splits()
    _close(
        evaluate_speech(model, test_data).symbol_accuracy, meta["metrics"]["test_symbol_accuracy"]
    )
