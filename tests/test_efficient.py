"""memory_efficient_attention gegen die naive Formel, PyTorch und eine Speichermessung."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from aufmerksamkeit import scaled_dot_product_attention
from aufmerksamkeit.benchmarks import peak_memory
from aufmerksamkeit.efficient import memory_efficient_attention


def random_qkv(rng, batch, length_q, length_k, d, d_v, dtype=np.float64):
    q = rng.normal(size=(*batch, length_q, d)).astype(dtype)
    k = rng.normal(size=(*batch, length_k, d)).astype(dtype)
    v = rng.normal(size=(*batch, length_k, d_v)).astype(dtype)
    return q, k, v


@settings(max_examples=60, deadline=None)
@given(
    length_q=st.integers(1, 40),
    length_k=st.integers(1, 40),
    block=st.integers(1, 17),
    query_block=st.integers(1, 17),
    causal=st.booleans(),
    use_mask=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_matches_naive_attention(length_q, length_k, block, query_block, causal, use_mask, seed):
    rng = np.random.default_rng(seed)
    q, k, v = random_qkv(rng, (2, 3), length_q, length_k, 8, 5)
    mask = rng.random((3, length_q, length_k)) < 0.6 if use_mask else None
    expected, _ = scaled_dot_product_attention(q, k, v, mask, causal=causal)
    result = memory_efficient_attention(
        q, k, v, mask, causal=causal, block_size=block, query_block_size=query_block
    )
    assert result.shape == expected.shape
    np.testing.assert_allclose(result, expected, atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("causal", [False, True])
def test_matches_torch_sdpa(dtype, causal):
    rng = np.random.default_rng(1)
    q, k, v = random_qkv(rng, (2, 4), 100, 100, 16, 16, dtype)
    expected = F.scaled_dot_product_attention(
        *(torch.from_numpy(a) for a in (q, k, v)), is_causal=causal
    ).numpy()
    result = memory_efficient_attention(q, k, v, causal=causal, block_size=32)
    assert result.dtype == dtype
    atol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(result, expected, atol=atol)


def test_broadcasts_batch_dimensions_and_mask():
    rng = np.random.default_rng(2)
    q = rng.normal(size=(4, 1, 9, 6))
    k = rng.normal(size=(1, 3, 11, 6))
    v = rng.normal(size=(11, 2))  # ohne Stapel-Dimension
    mask = rng.random((1, 3, 1, 11)) < 0.5  # Padding-Maske je Stapel
    expected, _ = scaled_dot_product_attention(q, k, v, mask)
    result = memory_efficient_attention(q, k, v, mask, block_size=4)
    assert result.shape == (4, 3, 9, 2)
    np.testing.assert_allclose(result, expected, atol=1e-12)


def test_mask_may_add_batch_dimensions():
    rng = np.random.default_rng(7)
    q, k, v = random_qkv(rng, (), 5, 6, 4, 3)
    mask = rng.random((2, 5, 6)) < 0.5  # zwei Masken für dieselben q, k, v
    expected, _ = scaled_dot_product_attention(q, k, v, mask)
    result = memory_efficient_attention(q, k, v, mask, block_size=4)
    assert result.shape == expected.shape == (2, 5, 3)
    np.testing.assert_allclose(result, expected, atol=1e-12)


def test_rows_without_allowed_key_give_zero():
    rng = np.random.default_rng(3)
    q, k, v = random_qkv(rng, (), 6, 10, 4, 3)
    mask = np.ones((6, 10), dtype=bool)
    mask[2] = False
    result = memory_efficient_attention(q, k, v, mask, block_size=3)
    assert np.all(np.isfinite(result))
    np.testing.assert_array_equal(result[2], 0.0)


def test_huge_scores_do_not_overflow():
    rng = np.random.default_rng(4)
    q, k, v = random_qkv(rng, (), 20, 30, 4, 3)
    result = memory_efficient_attention(q, k, v, scale=1e4, block_size=7)
    expected, _ = scaled_dot_product_attention(q, k, v, scale=1e4)
    assert np.all(np.isfinite(result))
    np.testing.assert_allclose(result, expected, atol=1e-10)


def test_causal_with_more_queries_than_keys():
    rng = np.random.default_rng(5)
    q, k, v = random_qkv(rng, (2,), 12, 5, 4, 3)
    expected, _ = scaled_dot_product_attention(q, k, v, causal=True)
    result = memory_efficient_attention(q, k, v, causal=True, block_size=2, query_block_size=4)
    np.testing.assert_allclose(result, expected, atol=1e-12)


def test_peak_memory_is_much_smaller_than_naive():
    rng = np.random.default_rng(6)
    q, k, v = random_qkv(rng, (), 1024, 1024, 32, 32, np.float32)
    naive = peak_memory(lambda: scaled_dot_product_attention(q, k, v))
    efficient = peak_memory(lambda: memory_efficient_attention(q, k, v, block_size=128))
    assert naive >= 3 * 1024 * 1024 * 4  # mindestens drei L×S-Matrizen in float32
    assert naive / efficient >= 10
    assert efficient < 2 * 1024 * 1024  # nie eine L×S-Matrix (4 MiB)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_rejects_bad_block_size(bad):
    q = np.zeros((3, 2))
    with pytest.raises(ValueError, match="block_size"):
        memory_efficient_attention(q, q, q, block_size=bad)


def test_rejects_bad_shapes_and_masks_in_german():
    q = np.zeros((3, 4))
    with pytest.raises(ValueError, match="Merkmalsdimension"):
        memory_efficient_attention(q, np.zeros((3, 5)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="Sequenzlänge"):
        memory_efficient_attention(q, q, np.zeros((2, 4)))
    with pytest.raises(TypeError, match="boolesch"):
        memory_efficient_attention(q, q, q, np.ones((3, 3)))
    with pytest.raises(ValueError, match="broadcasten"):
        memory_efficient_attention(q, q, q, np.ones((2, 3), dtype=bool))
