"""Tests für das Pronomen-Korpus und das Pronomen-Modell (Kapitel 22.2)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib
import numpy as np
import pytest
import torch

from aufmerksamkeit.models.pronoun.corpus import (
    ACTOR_ADJECTIVES,
    ACTOR_POSITION,
    ADJECTIVE_POSITION,
    FEMININE_ACTORS,
    FEMININE_OBSTACLES,
    OBSTACLE_ADJECTIVES,
    OBSTACLE_POSITION,
    PRONOUN_POSITION,
    detokenize,
    make_pronoun_corpus,
    make_sentence,
    tokenize,
)
from aufmerksamkeit.models.pronoun.model import (
    PRONOUN_CLAIMS,
    attention_weights,
    evaluate_pronoun_model,
    load_pronoun_model,
    predict_referent,
    pronoun_attention,
    train_pronoun_model,
)
from aufmerksamkeit.notebook.reproducibility import setup_notebook

SEED_SENTENCE = "Die Katze sprang über die Mauer, weil sie hoch war."


@contextmanager
def notebook_state(seed: int = 0) -> Iterator[None]:
    """``setup_notebook`` nur für die Dauer des Blocks: Threads, Determinismus,
    Druckformat und Abbildungsstil sind danach wieder wie vorher (kein Leck in
    spätere Tests)."""
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    numpy_print = np.get_printoptions()
    with matplotlib.rc_context():
        try:
            setup_notebook(seed)
            yield
        finally:
            torch.set_num_threads(threads)
            torch.use_deterministic_algorithms(deterministic)
            np.set_printoptions(**numpy_print)
            torch.set_printoptions(profile="default")


SEED_PAIR = "Die Katze sprang über die Mauer, weil sie müde war."


@pytest.fixture(scope="module")
def corpus():
    return make_pronoun_corpus(0)


@pytest.fixture(scope="module")
def trained():
    with notebook_state(0):
        result = train_pronoun_model(0)
    return result.model, make_pronoun_corpus(result.seed), result.metrics


def test_seed_sentence_is_in_corpus_exactly(corpus):
    example = corpus.example(SEED_SENTENCE)
    assert example.text == SEED_SENTENCE
    assert example.referent == "Mauer"
    assert corpus.example(SEED_PAIR).referent == "Katze"
    assert tokenize(SEED_SENTENCE)[PRONOUN_POSITION] == "sie"


def test_gender_agrees_and_only_meaning_decides(corpus):
    pronoun = {"f": "sie", "m": "er"}
    for e in corpus.examples:
        actor_gender = "f" if e.actor in FEMININE_ACTORS else "m"
        obstacle_gender = "f" if e.obstacle in FEMININE_OBSTACLES else "m"
        assert actor_gender == obstacle_gender == e.gender
        assert e.tokens[PRONOUN_POSITION] == pronoun[e.gender]
        assert e.tokens[ACTOR_POSITION] == e.actor
        assert e.tokens[OBSTACLE_POSITION] == e.obstacle
        assert e.tokens[ADJECTIVE_POSITION] == e.adjective
        expected = "actor" if e.adjective in ACTOR_ADJECTIVES else "obstacle"
        assert e.referent_role == expected
    # Minimalpaare: derselbe Satz bis auf das Adjektiv hat zwei verschiedene Bezüge.
    roles = {
        e.referent_role
        for e in corpus.examples
        if e.tokens[:9] == tuple(tokenize(SEED_SENTENCE)[:9])
    }
    assert roles == {"actor", "obstacle"}


def test_held_out_combinations_never_in_training(corpus):
    train_pairs = {(e.referent, e.adjective) for e in corpus.split("train")}
    test_pairs = {(e.referent, e.adjective) for e in corpus.split("test")}
    assert test_pairs and train_pairs
    assert not (train_pairs & test_pairs)
    assert ("Mauer", "hoch") in test_pairs and ("Katze", "müde") in test_pairs
    # Jedes Adjektiv und jedes Nomen kommt trotzdem im Training vor.
    assert {e.adjective for e in corpus.split("train")} == set(
        ACTOR_ADJECTIVES + OBSTACLE_ADJECTIVES
    )
    assert {e.referent for e in corpus.split("train")} == set(corpus.nouns)
    assert len(corpus.train_indices) + len(corpus.test_indices) == len(corpus.examples)


def test_corpus_is_deterministic():
    a, b = make_pronoun_corpus(0), make_pronoun_corpus(0)
    assert a.held_out == b.held_out and a.test_indices == b.test_indices
    assert make_pronoun_corpus(1).held_out != a.held_out


def test_tokenize_roundtrip_and_errors(corpus):
    assert detokenize(tokenize(SEED_SENTENCE)) == SEED_SENTENCE
    assert corpus.encode(SEED_SENTENCE).shape == (1, 12)
    with pytest.raises(ValueError, match="Unbekannte Tokens"):
        corpus.encode("Die Katze sprang über das Sofa, weil sie hoch war.")
    with pytest.raises(ValueError, match="Genus"):
        make_sentence("Katze", "Zaun", "hoch")
    with pytest.raises(ValueError, match="Adjektiv"):
        make_sentence("Katze", "Mauer", "blau")


def test_training_reaches_target_accuracy(trained):
    model, corpus, metrics = trained
    assert all(claim.holds(metrics) for claim in PRONOUN_CLAIMS)
    assert metrics["train_accuracy"] >= 0.99
    # Aufmerksamkeit trägt die Entscheidung: mehr Gewicht auf dem gemeinten Nomen.
    assert metrics["weight_on_referent"] > 3 * metrics["weight_on_other_noun"]
    assert predict_referent(model, corpus, SEED_SENTENCE) == "Mauer"
    assert predict_referent(model, corpus, SEED_PAIR) == "Katze"


def test_seed_sentence_attention_points_to_referent(trained):
    model, corpus, _ = trained
    high = pronoun_attention(model, corpus, SEED_SENTENCE).mean(0)  # (L,)
    tired = pronoun_attention(model, corpus, SEED_PAIR).mean(0)  # (L,)
    assert high[OBSTACLE_POSITION] > high[ACTOR_POSITION]
    assert tired[ACTOR_POSITION] > tired[OBSTACLE_POSITION]


def test_attention_weights_shape_and_rows(trained):
    model, corpus, _ = trained
    for layer in ("context", "resolver"):
        w = attention_weights(model, corpus, SEED_SENTENCE, layer=layer)
        assert w.shape[1:] == (12, 12)
        np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)
    with pytest.raises(ValueError, match="layer"):
        attention_weights(model, corpus, SEED_SENTENCE, layer="dritte")


def test_training_is_deterministic(trained):
    model, _, metrics = trained
    with notebook_state(0):
        again = train_pronoun_model(0)
    assert again.metrics == metrics
    for p, q in zip(model.parameters(), again.model.parameters()):
        assert torch.equal(p, q)


def test_prediction_is_the_attention(trained):
    """Zeiger-Netz: Die Wahrscheinlichkeit eines Nomens ist das Gewicht des Pronomens darauf."""
    model, corpus, _ = trained
    log_probs = model(corpus.encode(SEED_SENTENCE))[0]  # (Nomen,)
    row = pronoun_attention(model, corpus, SEED_SENTENCE).mean(0)  # (L,)
    for position in (ACTOR_POSITION, OBSTACLE_POSITION):
        noun = corpus.noun_to_id[tokenize(SEED_SENTENCE)[position]]
        assert log_probs[noun].exp().item() == pytest.approx(max(row[position], 1e-6), abs=1e-6)


def test_shipped_model_loads_and_keeps_its_claims():
    model, corpus, meta = load_pronoun_model()
    assert meta["seed"] == 0 and all(meta["claims"].values())
    assert evaluate_pronoun_model(model, corpus) == pytest.approx(meta["metrics"], abs=1e-4)


def test_notebook_state_restores_global_torch_state():
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    with notebook_state(0):
        assert torch.get_num_threads() == 1 and torch.are_deterministic_algorithms_enabled()
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == deterministic
