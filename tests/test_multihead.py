"""MultiHeadAttention gegen torch.nn.MultiheadAttention."""

import numpy as np
import pytest
import torch
from torch import nn

from aufmerksamkeit import MultiHeadAttention, scaled_dot_product_attention


def make_pair(embed_dim, num_heads, bias=True, batch_first=True, dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    reference = nn.MultiheadAttention(
        embed_dim, num_heads, bias=bias, batch_first=batch_first, dtype=dtype
    )
    if bias:  # PyTorch initialisiert Biases mit 0 – zufällige Werte prüfen mehr
        with torch.no_grad():
            reference.in_proj_bias.normal_()
            reference.out_proj.bias.normal_()
    return reference.eval(), MultiHeadAttention.from_torch(reference).eval()


def run_reference(reference, query, key, value, allowed=None):
    """PyTorch-Referenz; dort bedeutet True in attn_mask „ausblenden“."""
    n, length_q, length_k = query.shape[0], query.shape[1], key.shape[1]
    attn_mask = None
    if allowed is not None:
        full = allowed.expand(n, reference.num_heads, length_q, length_k)
        attn_mask = ~full.reshape(n * reference.num_heads, length_q, length_k)
    if not reference.batch_first:
        query, key, value = (t.transpose(0, 1) for t in (query, key, value))
    out, weights = reference(
        query, key, value, attn_mask=attn_mask, need_weights=True, average_attn_weights=False
    )
    if not reference.batch_first:
        out = out.transpose(0, 1)
    return out, weights


CASES = [(8, 1), (8, 2), (12, 3), (16, 4), (6, 6)]


@pytest.mark.parametrize("embed_dim,num_heads", CASES)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batch_first", [True, False])
def test_self_attention_matches_torch(embed_dim, num_heads, bias, batch_first):
    reference, ours = make_pair(embed_dim, num_heads, bias, batch_first)
    x = torch.randn(3, 5, embed_dim)
    with torch.no_grad():
        out, weights = ours(x)
        ref_out, ref_weights = run_reference(reference, x, x, x)
    assert out.shape == (3, 5, embed_dim) and weights.shape == (3, num_heads, 5, 5)
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(weights, ref_weights, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_cross_attention_with_other_lengths_matches_torch(dtype):
    reference, ours = make_pair(12, 3, dtype=dtype)
    query = torch.randn(2, 4, 12, dtype=dtype)
    memory = torch.randn(2, 7, 12, dtype=dtype)
    value = torch.randn(2, 7, 12, dtype=dtype)
    with torch.no_grad():
        out, weights = ours(query, memory, value)
        ref_out, ref_weights = run_reference(reference, query, memory, value)
    assert out.dtype == dtype
    torch.testing.assert_close(out, ref_out)
    torch.testing.assert_close(weights, ref_weights)


@pytest.mark.parametrize("mask_shape", [(5, 5), (3, 1, 5, 5), (3, 2, 5, 5), (3, 1, 1, 5)])
def test_masks_match_torch_with_inverted_convention(mask_shape):
    reference, ours = make_pair(8, 2)
    x = torch.randn(3, 5, 8)
    allowed = torch.rand(mask_shape) < 0.7
    allowed[..., 0] = True  # jede Zeile darf mindestens einen Schlüssel sehen
    with torch.no_grad():
        out, weights = ours(x, mask=allowed)
        ref_out, ref_weights = run_reference(reference, x, x, x, allowed)
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(weights, ref_weights, atol=1e-5, rtol=1e-4)
    assert torch.all(weights[~allowed.expand_as(weights)] == 0)


def test_causal_matches_torch_causal_mask():
    reference, ours = make_pair(8, 2)
    x = torch.randn(2, 6, 8)
    tril = torch.ones(6, 6, dtype=torch.bool).tril()
    with torch.no_grad():
        out, weights = ours(x, causal=True)
        ref_out, _ = run_reference(reference, x, x, x, tril)
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-4)
    assert torch.all(weights.triu(diagonal=1) == 0)
    assert torch.allclose(weights.sum(-1), torch.ones(2, 2, 6))


def test_causal_output_ignores_the_future():
    _, ours = make_pair(8, 2)
    x = torch.randn(1, 6, 8)
    changed = x.clone()
    changed[:, 4:] = torch.randn(1, 2, 8)
    with torch.no_grad():
        a, _ = ours(x, causal=True)
        b, _ = ours(changed, causal=True)
    torch.testing.assert_close(a[:, :4], b[:, :4])


def test_fully_masked_row_gives_zero_weights_not_nan():
    _, ours = make_pair(8, 2, bias=False)
    x = torch.randn(1, 4, 8)
    allowed = torch.ones(4, 4, dtype=torch.bool)
    allowed[2] = False
    with torch.no_grad():
        out, weights = ours(x, mask=allowed)
    assert torch.isfinite(out).all() and torch.isfinite(weights).all()
    assert torch.all(weights[:, :, 2] == 0)
    assert torch.all(out[:, 2] == 0)  # ohne Bias: Ausgabe 0


def test_heads_are_scaled_dot_product_attention_of_projections():
    _, ours = make_pair(12, 3)
    x = torch.randn(2, 5, 12)
    with torch.no_grad():
        _, weights = ours(x)
        q = ours.q_proj(x).view(2, 5, 3, 4).transpose(1, 2).numpy()
        k = ours.k_proj(x).view(2, 5, 3, 4).transpose(1, 2).numpy()
    _, expected = scaled_dot_product_attention(q, k, k)
    np.testing.assert_allclose(weights.numpy(), expected, atol=1e-5)


def test_parameter_count_is_four_d_squared_plus_biases():
    assert sum(p.numel() for p in MultiHeadAttention(16, 4).parameters()) == 4 * 16 * 16 + 4 * 16
    assert sum(p.numel() for p in MultiHeadAttention(16, 4, bias=False).parameters()) == 4 * 16 * 16


def test_gradients_match_torch():
    reference, ours = make_pair(8, 2)
    x = torch.randn(2, 4, 8)
    ours(x)[0].sum().backward()
    run_reference(reference, x, x, x)[0].sum().backward()
    w_q, _, _ = reference.in_proj_weight.grad.chunk(3)
    torch.testing.assert_close(ours.q_proj.weight.grad, w_q, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(ours.out_proj.weight.grad, reference.out_proj.weight.grad)


# ---------- falsche Eingaben ----------


def test_num_heads_must_divide_embed_dim():
    with pytest.raises(ValueError, match="embed_dim=10 ist nicht durch num_heads=3 teilbar"):
        MultiHeadAttention(10, 3)


@pytest.mark.parametrize(
    "embed_dim,num_heads",
    [(0, 1), (8, 0), (8.0, 2), (-4, 2), (True, 1), (8, True), (np.True_, 1), ("8", 2)],
)
def test_invalid_sizes(embed_dim, num_heads):
    with pytest.raises(ValueError, match=r"(embed_dim|num_heads) muss eine positive ganze Zahl"):
        MultiHeadAttention(embed_dim, num_heads)


def test_numpy_integers_are_accepted_like_in_positional_encoding():
    module = MultiHeadAttention(np.int64(8), np.int32(2))
    assert type(module.embed_dim) is int and type(module.num_heads) is int
    assert (module.embed_dim, module.num_heads, module.head_dim) == (8, 2, 4)
    out, weights = module(torch.randn(1, 3, 8))
    assert out.shape == (1, 3, 8) and weights.shape == (1, 2, 3, 3)


@pytest.mark.parametrize("causal", ["no", 1, None])
def test_causal_must_be_a_real_bool(causal):
    with pytest.raises(TypeError, match="causal muss True oder False sein"):
        MultiHeadAttention(8, 2)(torch.randn(1, 3, 8), causal=causal)


def test_from_torch_refuses_dropout():
    with pytest.raises(ValueError, match=r"dropout=0\.1.*kein Dropout"):
        MultiHeadAttention.from_torch(nn.MultiheadAttention(8, 2, dropout=0.1))
    MultiHeadAttention.from_torch(nn.MultiheadAttention(8, 2, dropout=0.0))  # ohne Dropout: gut


def test_float16_matches_torch_without_overflow():
    """Scores über 65504 (float16-Grenze): PyTorch bleibt endlich, wir auch."""
    reference, _ = make_pair(64, 1, dtype=torch.float16)
    with torch.no_grad():
        reference.in_proj_weight.mul_(20)
        ours = MultiHeadAttention.from_torch(reference).eval()
        x = torch.randn(2, 5, 64, generator=torch.Generator().manual_seed(1)).half() * 5
        out, weights = ours(x)
        ref_out, ref_weights = run_reference(reference, x, x, x)
        q, k = ours.q_proj(x).float(), ours.k_proj(x).float()
    assert (q @ k.transpose(-1, -2)).abs().max() > 65504  # der Fall tritt wirklich ein
    assert out.dtype == weights.dtype == torch.float16
    assert torch.isfinite(out).all() and torch.isfinite(weights).all()
    torch.testing.assert_close(out, ref_out, atol=2e-2, rtol=1e-2)
    torch.testing.assert_close(weights, ref_weights, atol=2e-2, rtol=1e-2)


def test_bfloat16_matches_torch():
    reference, ours = make_pair(16, 4, dtype=torch.bfloat16)
    x = torch.randn(2, 5, 16, generator=torch.Generator().manual_seed(2)).bfloat16()
    with torch.no_grad():
        out, weights = ours(x, causal=True)
        tril = torch.ones(5, 5, dtype=torch.bool).tril()
        ref_out, ref_weights = run_reference(reference, x, x, x, tril)
    assert out.dtype == weights.dtype == torch.bfloat16
    torch.testing.assert_close(out, ref_out, atol=5e-2, rtol=2e-2)
    torch.testing.assert_close(weights, ref_weights, atol=2e-2, rtol=2e-2)


def test_wrong_embedding_size_names_shapes():
    with pytest.raises(ValueError, match=r"query braucht die Form \(N, Länge, 8\).*\(2, 5, 6\)"):
        MultiHeadAttention(8, 2)(torch.randn(2, 5, 6))


def test_key_value_length_mismatch():
    with pytest.raises(ValueError, match=r"dieselbe Länge S.*\(2, 4, 8\).*\(2, 3, 8\)"):
        MultiHeadAttention(8, 2)(torch.randn(2, 5, 8), torch.randn(2, 4, 8), torch.randn(2, 3, 8))


def test_batch_mismatch():
    with pytest.raises(ValueError, match="dieselbe Stapelgröße"):
        MultiHeadAttention(8, 2)(torch.randn(2, 5, 8), torch.randn(3, 5, 8))


def test_non_boolean_mask():
    with pytest.raises(TypeError, match="boolesch"):
        MultiHeadAttention(8, 2)(torch.randn(2, 5, 8), mask=torch.zeros(5, 5))


def test_wrongly_shaped_mask():
    with pytest.raises(ValueError, match=r"Maske der Form \(4, 5\).*\(2, 2, 5, 5\)"):
        MultiHeadAttention(8, 2)(torch.randn(2, 5, 8), mask=torch.ones(4, 5, dtype=torch.bool))


def test_dtype_mismatch():
    with pytest.raises(TypeError, match=r"Datentyp torch\.float64"):
        MultiHeadAttention(8, 2)(torch.randn(2, 5, 8, dtype=torch.float64))


def test_from_torch_rejects_other_modules():
    with pytest.raises(TypeError, match="MultiheadAttention"):
        MultiHeadAttention.from_torch(nn.Linear(4, 4))
    with pytest.raises(ValueError, match="kdim"):
        MultiHeadAttention.from_torch(nn.MultiheadAttention(8, 2, kdim=4, vdim=4))
