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
    FEMININE_ACTORS,
    FEMININE_OBSTACLES,
    FRAMES,
    OBSTACLE_ADJECTIVES,
    OBSTACLE_POSITION,
    PRONOUN_POSITION,
    SEED_FRAME,
    SWAPPED_FRAMES,
    detokenize,
    make_pronoun_corpus,
    make_sentence,
    tokenize,
)
from aufmerksamkeit.models.pronoun.model import (
    PRONOUN_CLAIMS,
    SHORTCUT_CLAIMS,
    attention_weights,
    evaluate_pronoun_model,
    load_pronoun_model,
    load_shortcut_model,
    predict_referent,
    pronoun_attention,
    resolve_pronoun,
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
        assert e.tokens[e.pronoun_position] == pronoun[e.gender]
        assert e.tokens[e.actor_position] == e.actor
        assert e.tokens[e.obstacle_position] == e.obstacle
        assert e.tokens[e.adjective_position] == e.adjective
        expected = "actor" if e.adjective in ACTOR_ADJECTIVES else "obstacle"
        assert e.referent_role == expected
    # Minimalpaare: in jedem Rahmen hat derselbe Satz bis auf das Adjektiv zwei Bezüge.
    for frame in FRAMES:
        stem = make_sentence("Katze", "Mauer", "hoch", frame).tokens
        where = FRAMES[frame].index("ADJECTIVE")
        roles = {
            e.referent_role
            for e in corpus.examples
            if e.tokens[:where] == stem[:where] and e.tokens[where + 1 :] == stem[where + 1 :]
        }
        assert roles == {"actor", "obstacle"}, frame


def test_position_and_frame_do_not_decide(corpus):
    """Keine Stelle trägt immer dieselbe Rolle, und in jedem Rahmen kommen beide Bezüge vor."""
    for position in (ACTOR_POSITION, OBSTACLE_POSITION):
        at_position = {e.actor_position == position for e in corpus.examples}
        assert at_position == {True, False}, position
    assert set(SWAPPED_FRAMES) and set(SWAPPED_FRAMES) != set(FRAMES)
    for frame in FRAMES:
        roles = [e.referent_role for e in corpus.split("test", frame)]
        assert 0.4 < roles.count("actor") / len(roles) < 0.6, frame
        # Stelle des gemeinten Nomens im Rahmen: je nach Adjektiv beide möglich.
        assert len({e.referent_position for e in corpus.split("train", frame)}) == 2


def test_held_out_combinations_never_in_training(corpus):
    train_pairs = {(e.referent, e.adjective) for e in corpus.split("train")}
    test_pairs = {(e.referent, e.adjective) for e in corpus.split("test")}
    assert test_pairs and train_pairs
    assert not (train_pairs & set(corpus.held_out))
    assert {("Mauer", "hoch"), ("Katze", "müde")} <= set(corpus.held_out)
    # Rahmen × Paar: nie in diesem Rahmen im Training, wohl aber in einem anderen.
    train_triples = {(e.frame, e.referent, e.adjective) for e in corpus.split("train")}
    assert corpus.held_out_in_frame and not (train_triples & corpus.held_out_in_frame)
    for frame, noun, adjective in corpus.held_out_in_frame:
        assert (noun, adjective) in train_pairs
        assert any(e.frame == frame for e in corpus.split("test") if e.referent == noun)
    # Jedes Adjektiv und jedes Nomen kommt trotzdem im Training vor.
    assert {e.adjective for e in corpus.split("train")} == set(
        ACTOR_ADJECTIVES + OBSTACLE_ADJECTIVES
    )
    assert {e.referent for e in corpus.split("train")} == set(corpus.nouns)
    assert len(corpus.train_indices) + len(corpus.test_indices) == len(corpus.examples)


def test_single_frame_corpus_is_part_of_the_full_one(corpus):
    single = make_pronoun_corpus(0, frames=(SEED_FRAME,))
    assert single.frames == [SEED_FRAME] and single.vocab == corpus.vocab
    full_test = {e.tokens for e in corpus.split("test", SEED_FRAME)}
    assert {e.tokens for e in single.split("test")} == full_test
    with pytest.raises(ValueError, match="Satzrahmen"):
        make_pronoun_corpus(0, frames=("gibt_es_nicht",))


def test_corpus_is_deterministic():
    a, b = make_pronoun_corpus(0), make_pronoun_corpus(0)
    assert a.held_out == b.held_out and a.test_indices == b.test_indices
    assert make_pronoun_corpus(1).held_out != a.held_out


def test_tokenize_roundtrip_and_errors(corpus):
    assert detokenize(tokenize(SEED_SENTENCE)) == SEED_SENTENCE
    assert corpus.encode(SEED_SENTENCE).shape == (1, 12)
    with pytest.raises(ValueError, match=r"Unbekannte Wörter.*„das“, „Sofa“"):
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
    for frame in FRAMES:  # auch in den Rahmen mit vertauschter Reihenfolge
        assert metrics[f"test_accuracy_{frame}"] >= 0.95, frame
        swapped = make_sentence("Katze", "Mauer", "hoch", frame).text
        assert predict_referent(model, corpus, swapped) == "Mauer", frame


def test_seed_sentence_attention_points_to_referent(trained):
    model, corpus, _ = trained
    high = pronoun_attention(model, corpus, SEED_SENTENCE).mean(0)  # (L,)
    tired = pronoun_attention(model, corpus, SEED_PAIR).mean(0)  # (L,)
    assert high[OBSTACLE_POSITION] > high[ACTOR_POSITION]
    assert tired[ACTOR_POSITION] > tired[OBSTACLE_POSITION]
    swapped = make_sentence("Katze", "Mauer", "hoch", "hielt_auf")
    row = pronoun_attention(model, corpus, swapped.text).mean(0)  # (L,)
    assert row[swapped.obstacle_position] > row[swapped.actor_position]


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


@pytest.mark.parametrize("load", [load_pronoun_model, load_shortcut_model])
def test_shipped_model_loads_and_keeps_its_claims(load):
    model, corpus, meta = load()
    assert meta["seed"] == 0 and all(meta["claims"].values())
    assert evaluate_pronoun_model(model, corpus) == pytest.approx(meta["metrics"], abs=1e-4)


def test_shortcut_model_fails_where_position_misleads():
    """Das Ein-Rahmen-Modell: im eigenen Rahmen richtig, mit vertauschter Reihenfolge nicht."""
    model, corpus, _ = load_shortcut_model()
    metrics = evaluate_pronoun_model(model, corpus)
    assert all(claim.holds(metrics) for claim in SHORTCUT_CLAIMS)
    new = evaluate_pronoun_model(*load_pronoun_model()[:2])
    assert new["test_accuracy_swapped"] - metrics["test_accuracy_swapped"] > 0.3


@pytest.fixture(scope="module")
def shipped():
    return load_pronoun_model()


def test_resolve_pronoun_is_the_models_forward(shipped):
    model, corpus, _ = shipped
    for frame in FRAMES:
        sentence = make_sentence("Hund", "Zaun", "müde", frame).text
        result = resolve_pronoun(model, corpus, sentence)
        assert list(result) == ["Hund", "Zaun"] or list(result) == ["Zaun", "Hund"]
        probs = model(corpus.encode(sentence))[0].exp()  # (Nomen,)
        for noun, p in result.items():
            assert p == pytest.approx(probs[corpus.noun_to_id[noun]].item(), abs=1e-7)
        assert list(result.values()) == sorted(result.values(), reverse=True)
    # Das Tripel von load_pronoun_model geht auch; freie Sätze aus dem Wortschatz ebenso.
    free = "Die Mauer sprang über die Katze, weil sie hoch war."
    assert resolve_pronoun(shipped, sentence=free) == resolve_pronoun(model, corpus, free)


def test_pronoun_is_found_wherever_it_stands(shipped):
    model, corpus, _ = shipped
    tokens = tokenize("sie war hoch, weil die Katze über die Mauer sprang.")
    model(corpus.encode(tokens))
    assert model.last_pronoun_positions.tolist() == [0]
    row = model.last_weights[0, :, 0].mean(0)  # (L,) Zeile von „sie“
    probs = model(corpus.encode(tokens))[0].exp()
    katze, mauer = tokens.index("Katze"), tokens.index("Mauer")
    assert probs[corpus.noun_to_id["Katze"]].item() == pytest.approx(row[katze].item(), abs=1e-6)
    assert probs[corpus.noun_to_id["Mauer"]].item() == pytest.approx(row[mauer].item(), abs=1e-6)


@pytest.mark.parametrize(
    ("sentence", "message"),
    [
        ("Die Katze sprang über das Sofa, weil sie hoch war.", "Unbekannte Wörter.*„das“, „Sofa“"),
        ("Die Katze sprang über die Mauer, weil hoch war.", "kein Pronomen"),
        ("Die Katze sprang über die Katze, weil sie hoch war.", "genau zwei.*1 \\(Katze\\)"),
        ("Die Katze sprang über Mauer Kiste, weil sie hoch war.", "genau zwei.*3"),
        ("Die Katze sprang über die Mauer, weil sie hoch war, weil sie müde war.", "höchstens"),
    ],
)
def test_resolve_pronoun_errors_are_german(shipped, sentence, message):
    with pytest.raises(ValueError, match=message):
        resolve_pronoun(shipped, sentence=sentence)


def test_notebook_state_restores_global_torch_state():
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    with notebook_state(0):
        assert torch.get_num_threads() == 1 and torch.are_deterministic_algorithms_enabled()
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == deterministic
