"""Abrufaufgabe und Modelle aus aufmerksamkeit.models.recall."""

import pytest
import torch

from aufmerksamkeit.models.recall import (
    AttentionClassifier,
    LSTMClassifier,
    RecallVocabulary,
    accuracy_by_distance,
    make_recall_data,
)
from aufmerksamkeit.models.training import count_parameters, cross_entropy_loss, train


def test_recall_data_places_symbol_at_distance():
    vocab = RecallVocabulary(num_noise=5, num_classes=3)
    tokens, labels, distances = make_recall_data(500, 20, [1, 7, 19], vocab, seed=3)
    assert tokens.shape == (500, 20) and labels.shape == distances.shape == (500,)
    assert set(distances.tolist()) == {1, 7, 19}
    assert torch.all(tokens[:, -1] == vocab.query)
    is_symbol = (tokens >= vocab.num_noise) & (tokens < vocab.query)
    assert torch.all(is_symbol.sum(dim=1) == 1)  # genau ein Symbol je Sequenz
    position = is_symbol.int().argmax(dim=1)
    assert torch.equal(position, 20 - 1 - distances)
    assert torch.equal(tokens[torch.arange(500), position] - vocab.num_noise, labels)


def test_recall_data_is_deterministic_per_seed():
    a = make_recall_data(50, 10, range(1, 10), seed=1)
    b = make_recall_data(50, 10, range(1, 10), seed=1)
    c = make_recall_data(50, 10, range(1, 10), seed=2)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(a[0], c[0])


@pytest.mark.parametrize("bad", [[0], [10], []])
def test_recall_data_rejects_bad_distances(bad):
    with pytest.raises(ValueError, match="Abstände"):
        make_recall_data(5, 10, bad)


def test_models_have_comparable_size_and_right_shapes():
    vocab = RecallVocabulary()
    lstm = LSTMClassifier(vocab.size, 32, 40, vocab.num_classes)
    attention = AttentionClassifier(vocab.size, 32, 2, vocab.num_classes, max_len=64)
    tokens, _, _ = make_recall_data(3, 64, [5])
    assert lstm(tokens).shape == attention(tokens).shape == (3, vocab.num_classes)
    assert 0.8 < count_parameters(lstm) / count_parameters(attention) < 1.2
    # LSTM-Parameter: 4 Tore · (H·(E+H) + 2·H), dazu Einbettung und Ausgabeschicht
    assert count_parameters(lstm.lstm) == 4 * (40 * (32 + 40) + 2 * 40)


@pytest.fixture
def one_thread():
    """Ein Thread wie in den Notebooks: schnell auch auf einem ausgelasteten Rechner."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_attention_model_learns_long_range_recall_quickly(one_thread):
    torch.manual_seed(0)
    vocab = RecallVocabulary(num_noise=4, num_classes=4)
    x, y, _ = make_recall_data(800, 24, range(1, 24), vocab, seed=0)
    xt, yt, dt = make_recall_data(400, 24, [1, 23], vocab, seed=1)
    model = AttentionClassifier(vocab.size, 16, 2, vocab.num_classes, max_len=24)
    train(model, x, y, cross_entropy_loss, epochs=4, batch_size=32, lr=3e-3)
    accuracies = accuracy_by_distance(model, xt, yt, dt)
    assert set(accuracies) == {1, 23}
    assert min(accuracies.values()) > 0.9  # auch der größte Abstand


def test_accuracy_by_distance_checks_lengths():
    model = LSTMClassifier(17, 4, 4, 8)
    with pytest.raises(ValueError, match="gleich viele"):
        tokens = torch.zeros(3, 5, dtype=torch.long)
        accuracy_by_distance(model, tokens, torch.zeros(2), torch.zeros(3))
