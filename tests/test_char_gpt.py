"""Zeichen-GPT: kausale Maske, Bigramm-Baseline, Sampling, mitgelieferter Text."""

import math

import pytest
import torch
import torch.nn.functional as F

from aufmerksamkeit.models.char_gpt import (
    CharGPT,
    CharVocab,
    bigram_log_probs,
    bigram_loss,
    evaluate_loss,
    load_text,
    make_windows,
    next_char_loss,
    sample,
)


@pytest.fixture
def model():
    torch.manual_seed(0)
    return CharGPT(vocab_size=7, context=10, embed_dim=16, num_heads=2, num_layers=2).eval()


def test_output_at_t_does_not_depend_on_later_tokens(model):
    x = torch.randint(0, 7, (3, 10), generator=torch.Generator().manual_seed(1))
    for t in range(9):
        changed = x.clone()
        changed[:, t + 1 :] = (changed[:, t + 1 :] + 3) % 7
        torch.testing.assert_close(model(x)[:, : t + 1], model(changed)[:, : t + 1])
        assert not torch.allclose(model(x)[:, t + 1 :], model(changed)[:, t + 1 :])


def test_attention_is_lower_triangular(model):
    model(torch.randint(0, 7, (2, 10)))
    weights = model.attention_weights(0)
    assert weights.shape == (2, 2, 10, 10)
    upper = torch.ones(10, 10, dtype=torch.bool).triu(1)
    assert (weights[..., upper] == 0).all()
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 2, 10))


def test_bigram_loss_by_hand():
    vocab = CharVocab.from_text("ab")
    data = vocab.encode("aaab")
    # Übergänge: a→a, a→a, a→b. Mit Laplace-Glättung: P(a|a) = 3/5, P(b|a) = 2/5.
    expected = -(2 * math.log(3 / 5) + math.log(2 / 5)) / 3
    log_probs = bigram_log_probs(data, len(vocab))
    assert bigram_loss(log_probs, data) == pytest.approx(expected)
    # Zeile b: nie gesehen → gleichverteilt.
    assert log_probs[1].exp().tolist() == pytest.approx([0.5, 0.5])
    torch.testing.assert_close(log_probs.exp().sum(1), torch.ones(2, dtype=torch.float64))


def test_bigram_equals_cross_entropy_of_its_table():
    vocab = CharVocab.from_text("abcab cba")
    data = vocab.encode("abcab cba")
    log_probs = bigram_log_probs(data, len(vocab), smoothing=0.5)
    reference = F.cross_entropy(log_probs[data[:-1]], data[1:]).item()
    assert bigram_loss(log_probs, data) == pytest.approx(reference)


def test_windows_are_shifted_by_one():
    data = torch.arange(20)
    x, y = make_windows(data, context=5, stride=3)
    assert x.shape == y.shape == (5, 5)
    assert torch.equal(y, x + 1)
    assert x[1, 0] == 3
    with pytest.raises(ValueError, match="context=30"):
        make_windows(data, context=30, stride=1)


def test_evaluate_loss_matches_single_batch(model):
    x = torch.randint(0, 7, (5, 10), generator=torch.Generator().manual_seed(2))
    y = torch.randint(0, 7, (5, 10), generator=torch.Generator().manual_seed(3))
    assert evaluate_loss(model, x, y, batch_size=2) == pytest.approx(
        next_char_loss(model, x, y).item(), rel=1e-5
    )


def test_sample_is_reproducible_and_cold_sampling_is_greedy(model):
    vocab = CharVocab(list("abcdefg"))
    first = sample(model, vocab, "abc", 15, temperature=1.0, seed=5)
    assert len(first) == 15 and set(first) <= set("abcdefg")
    assert sample(model, vocab, "abc", 15, temperature=1.0, seed=5) == first
    cold = sample(model, vocab, "abc", 12, temperature=1e-4, seed=9)
    tokens = vocab.encode("abc")
    for _ in range(12):  # unabhängige gierige Rechnung
        next_token = model(tokens[-10:][None])[0, -1].argmax()
        tokens = torch.cat([tokens, next_token[None]])
    assert cold == vocab.decode(tokens[3:])
    with pytest.raises(ValueError, match="temperature"):
        sample(model, vocab, "a", 3, temperature=0.0)


def test_vocab_roundtrip_and_unknown_char():
    vocab = CharVocab.from_text("Hallo Welt")
    assert vocab.decode(vocab.encode("Welt Hallo")) == "Welt Hallo"
    with pytest.raises(ValueError, match="'x'"):
        vocab.encode("xa")


def test_bundled_text_is_german_and_large_enough():
    text = load_text()
    assert 20_000 <= len(text.encode("utf-8")) <= 60_000
    assert "Aufmerksamkeit" in text and "ä" in text and "ß" in text
