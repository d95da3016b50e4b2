"""Encoder-Decoder-Transformer: Masken, Kausalität, greedy decoding."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from aufmerksamkeit.core.seq2seq import Seq2SeqTransformer, exact_match, greedy_decode, seq2seq_loss


@pytest.fixture
def model():
    torch.manual_seed(0)
    return Seq2SeqTransformer(12, 9, embed_dim=16, num_heads=2, num_layers=2).eval()


def test_shapes_and_cross_weights(model):
    source = torch.tensor([[3, 4, 5, 0, 0], [1, 2, 3, 4, 5]])
    logits = model(source, torch.tensor([[1, 4, 6], [1, 7, 8]]))
    assert logits.shape == (2, 3, 9)
    weights = model.cross_weights()
    assert weights.shape == (2, 2, 3, 5)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 2, 3))
    assert (weights[0, :, :, 3:] == 0).all()  # Auffüllung bekommt kein Gewicht


def test_padding_does_not_change_output(model):
    target = torch.tensor([[1, 4, 6, 7]])
    short = model(torch.tensor([[3, 4, 5]]), target)
    padded = model(torch.tensor([[3, 4, 5, 0, 0, 0]]), target)
    torch.testing.assert_close(short, padded)


def test_decoder_is_causal(model):
    source = torch.tensor([[3, 4, 5, 6]])
    a = model(source, torch.tensor([[1, 4, 6, 7, 2]]))
    b = model(source, torch.tensor([[1, 4, 6, 3, 8]]))
    torch.testing.assert_close(a[:, :3], b[:, :3])
    assert not torch.allclose(a[:, 3:], b[:, 3:])


def test_loss_ignores_padding(model):
    source = torch.tensor([[3, 4, 5]])
    target = torch.tensor([[1, 4, 2]])
    padded_target = torch.tensor([[1, 4, 2, 0, 0]])
    torch.testing.assert_close(
        seq2seq_loss(model, source, target), seq2seq_loss(model, source, padded_target)
    )
    logits = model(source, target[:, :-1])
    expected = F.cross_entropy(logits[0], target[0, 1:])
    torch.testing.assert_close(seq2seq_loss(model, source, target), expected)


def test_greedy_decode_is_argmax_of_own_output(model):
    source = torch.tensor([[3, 4, 5, 0], [6, 7, 8, 9]])
    output = greedy_decode(model, source, bos_index=1, eos_index=2, max_len=6)
    assert (output[:, 0] == 1).all()
    logits = model(source, output)
    for row in range(2):
        for t in range(1, output.shape[1]):
            if output[row, t - 1] in (0, 2):  # nach </s> nur Auffüllung
                assert output[row, t] == 0
                continue
            assert output[row, t] == logits[row, t - 1].argmax()


def test_exact_match_by_hand():
    predicted = torch.tensor([[1, 5, 2], [1, 6, 2]])
    target = torch.tensor([[1, 5, 2, 0], [1, 7, 2, 0]])
    assert exact_match(predicted, target) == 0.5


def test_encode_rejects_wrong_shape(model):
    with pytest.raises(ValueError, match=r"\(N, S\)"):
        model.encode(torch.tensor([1, 2, 3]))


def test_translate_returns_alignment_per_generated_token():
    from aufmerksamkeit.models.translation import (
        BOS,
        EOS,
        SOURCE_TOKENS,
        TARGET_TOKENS,
        alignment_alt,
        decode_digits,
        encode_numbers,
        translate,
    )

    torch.manual_seed(0)
    model = Seq2SeqTransformer(len(SOURCE_TOKENS), len(TARGET_TOKENS), embed_dim=16, num_heads=2)
    numbers = [7, 427]
    results = translate(model, numbers)
    assert results[1].source_tokens == ["vier", "hundert", "sieben", "und", "zwanzig"]
    # Unabhängig nachgerechnet: dieselbe greedy-Dekodierung, eigene Auswertung der Ziffern
    source = encode_numbers(numbers).source
    bos, eos = TARGET_TOKENS.index(BOS), TARGET_TOKENS.index(EOS)
    decoded = greedy_decode(model, source, bos, eos, max_len=5)
    for row, r in enumerate(results):
        assert r.weights.shape == (len(r.target_tokens), len(r.source_tokens))
        assert abs(r.weights.sum(axis=1) - 1).max() < 1e-5  # Auffüllung abgeschnitten, Zeilen = 1
        assert r.prediction == decode_digits(decoded[row, 1:])
        assert r.correct == (decode_digits(decoded[row, 1:]) == str(numbers[row]))
    assert alignment_alt(results[1]).startswith("Cross-Attention beim Übersetzen von „vierhundert")


def test_translation_correct_by_hand():
    from aufmerksamkeit.models.translation import EOS, Translation

    weights = np.zeros((3, 1))
    assert Translation(27, ["x"], ["2", "7", EOS], weights).correct
    assert not Translation(27, ["x"], ["7", "2", EOS], weights).correct
    assert not Translation(27, ["x"], ["2", EOS, EOS], weights).correct
