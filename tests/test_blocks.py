"""Transformer-Bausteine: Formen, Kausalität, Masken und Restverbindungen (Residuals)."""

import pytest
import torch
from torch import nn

from aufmerksamkeit import positional_encoding
from aufmerksamkeit.core.blocks import DecoderBlock, EncoderBlock, TokenEmbedding


def seeded(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def silence(*layers: nn.Linear) -> None:
    """Setzt Gewichte und Bias auf 0: Der Zweig liefert dann überall 0."""
    with torch.no_grad():
        for layer in layers:
            layer.weight.zero_()
            layer.bias.zero_()


def randomize_norms(block: nn.Module) -> nn.Module:
    """LayerNorms starten als Identität (γ = 1, β = 0) und wären alle gleich –
    zufällige Parameter machen sie unterscheidbar, so fällt eine Verwechslung auf."""
    with torch.no_grad():
        for module in block.modules():
            if isinstance(module, nn.LayerNorm):
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(std=0.1)
    return block


@pytest.fixture
def encoder() -> EncoderBlock:
    torch.manual_seed(0)
    return randomize_norms(EncoderBlock(16, 4)).eval()


@pytest.fixture
def decoder() -> DecoderBlock:
    torch.manual_seed(0)
    return randomize_norms(DecoderBlock(16, 4)).eval()


# ---------- TokenEmbedding ----------


def test_token_embedding_adds_the_sinusoidal_encoding():
    torch.manual_seed(0)
    embedding = TokenEmbedding(vocab_size=10, embed_dim=6, max_len=8)
    tokens = torch.tensor([[1, 2, 3, 4, 5], [9, 0, 0, 0, 0]])
    out = embedding(tokens)
    assert out.shape == (2, 5, 6)
    expected = embedding.token(tokens) + torch.tensor(
        positional_encoding(5, 6), dtype=torch.float32
    )
    torch.testing.assert_close(out, expected)
    # Gleiches Token an verschiedenen Positionen: verschiedene Vektoren
    assert not torch.allclose(out[1, 1], out[1, 2])


def test_token_embedding_without_positions_is_permutation_blind():
    torch.manual_seed(0)
    embedding = TokenEmbedding(vocab_size=10, embed_dim=6, max_len=8, positions=None)
    out = embedding(torch.tensor([[7, 7, 7]]))
    torch.testing.assert_close(out[0, 0], out[0, 2])
    torch.testing.assert_close(out, embedding.token(torch.tensor([[7, 7, 7]])))


def test_token_embedding_rejects_too_long_sequences_and_unknown_positions():
    embedding = TokenEmbedding(vocab_size=10, embed_dim=4, max_len=3)
    with pytest.raises(ValueError, match="4 Tokens, erlaubt sind höchstens 3"):
        embedding(torch.zeros(1, 4, dtype=torch.long))
    with pytest.raises(ValueError, match="positions muss"):
        TokenEmbedding(vocab_size=10, embed_dim=4, max_len=3, positions="rotary")


# ---------- EncoderBlock ----------


def test_encoder_block_keeps_shape_and_stores_weights(encoder):
    x = torch.randn(3, 7, 16, generator=seeded())
    with torch.no_grad():
        out = encoder(x)
    assert out.shape == (3, 7, 16)
    assert encoder.last_weights.shape == (3, 4, 7, 7)
    torch.testing.assert_close(encoder.last_weights.sum(-1), torch.ones(3, 4, 7))


def test_encoder_block_causal_puts_no_weight_on_the_future(encoder):
    x = torch.randn(2, 6, 16, generator=seeded(1))
    changed = x.clone()
    changed[:, 4:] = torch.randn(2, 2, 16, generator=seeded(2))
    with torch.no_grad():
        a = encoder(x, causal=True)
        weights = encoder.last_weights
        b = encoder(changed, causal=True)
    assert torch.all(weights.triu(diagonal=1) == 0)
    torch.testing.assert_close(a[:, :4], b[:, :4])  # Vergangenheit unberührt
    assert not torch.allclose(a[:, 4:], b[:, 4:])


def test_encoder_block_without_causal_sees_the_future(encoder):
    x = torch.randn(1, 6, 16, generator=seeded(3))
    changed = x.clone()
    changed[:, 5] = torch.randn(16, generator=seeded(17))
    with torch.no_grad():
        a, b = encoder(x), encoder(changed)
    assert not torch.allclose(a[:, 0], b[:, 0])


def test_encoder_block_padding_mask_gets_no_weight(encoder):
    x = torch.randn(2, 5, 16, generator=seeded(4))
    allowed = torch.tensor([[True] * 5, [True, True, True, False, False]])[:, None, None, :]
    with torch.no_grad():
        encoder(x, mask=allowed)
    assert torch.all(encoder.last_weights[1, :, :, 3:] == 0)
    assert torch.all(encoder.last_weights[0, :, :, 3:] > 0)


def test_encoder_block_is_identity_when_both_branches_are_zero(encoder):
    """Restverbindung: x + Attention(LN(x)) + FFN(…) – ohne Beitrag der Zweige bleibt x."""
    silence(encoder.attention.out_proj, encoder.feed_forward.net[-1])
    x = torch.randn(2, 5, 16, generator=seeded(5))
    with torch.no_grad():
        torch.testing.assert_close(encoder(x), x)


def test_encoder_block_adds_attention_to_the_input(encoder):
    """Nur der FFN-Zweig ist 0: Ausgabe = x + Attention(LN(x))."""
    silence(encoder.feed_forward.net[-1])
    x = torch.randn(2, 5, 16, generator=seeded(6))
    with torch.no_grad():
        attended, _ = encoder.attention(encoder.norm1(x))
        torch.testing.assert_close(encoder(x), x + attended)


# ---------- DecoderBlock ----------


def test_decoder_block_shapes_and_weights(decoder):
    x = torch.randn(2, 4, 16, generator=seeded(7))
    memory = torch.randn(2, 6, 16, generator=seeded(8))
    with torch.no_grad():
        out = decoder(x, memory)
    assert out.shape == (2, 4, 16)
    assert decoder.last_weights.shape == (2, 4, 4, 4)
    assert decoder.last_cross_weights.shape == (2, 4, 4, 6)
    torch.testing.assert_close(decoder.last_cross_weights.sum(-1), torch.ones(2, 4, 4))


def test_decoder_block_is_causal(decoder):
    x = torch.randn(1, 5, 16, generator=seeded(9))
    memory = torch.randn(1, 3, 16, generator=seeded(10))
    changed = x.clone()
    changed[:, 3:] = torch.randn(1, 2, 16, generator=seeded(11))
    with torch.no_grad():
        a = decoder(x, memory)
        weights = decoder.last_weights
        b = decoder(changed, memory)
    assert torch.all(weights.triu(diagonal=1) == 0)
    torch.testing.assert_close(a[:, :3], b[:, :3])
    assert not torch.allclose(a[:, 3:], b[:, 3:])


def test_decoder_block_memory_mask_hides_padding(decoder):
    x = torch.randn(1, 3, 16, generator=seeded(12))
    memory = torch.randn(1, 5, 16, generator=seeded(13))
    allowed = torch.tensor([True, True, True, False, False])
    other_padding = memory.clone()
    other_padding[:, 3:] = torch.randn(1, 2, 16, generator=seeded(14))
    with torch.no_grad():
        a = decoder(x, memory, memory_mask=allowed)
        assert torch.all(decoder.last_cross_weights[..., 3:] == 0)
        b = decoder(x, other_padding, memory_mask=allowed)
    torch.testing.assert_close(a, b)


def test_decoder_block_is_identity_when_all_branches_are_zero(decoder):
    silence(
        decoder.self_attention.out_proj,
        decoder.cross_attention.out_proj,
        decoder.feed_forward.net[-1],
    )
    x = torch.randn(2, 4, 16, generator=seeded(15))
    memory = torch.randn(2, 3, 16, generator=seeded(16))
    with torch.no_grad():
        torch.testing.assert_close(decoder(x, memory), x)
