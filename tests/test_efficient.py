"""memory_efficient_attention gegen die naive Formel, PyTorch und eine Speichermessung."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from aufmerksamkeit import scaled_dot_product_attention
from aufmerksamkeit.core.efficient import memory_efficient_attention
from aufmerksamkeit.experiments.benchmarks import MIB, MemoryRow, fit_slope, peak_memory
from aufmerksamkeit.figures.benchmarks import plot_memory
from aufmerksamkeit.figures.plotting import figure_summary


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


# ---------- Randfälle wie bei der naiven Attention ----------


@pytest.mark.parametrize("causal", [False, True])
def test_empty_axes_like_torch(causal):
    rng = np.random.default_rng(8)
    no_keys = memory_efficient_attention(
        rng.normal(size=(2, 3, 4)), np.zeros((2, 0, 4)), np.zeros((2, 0, 5)), causal=causal
    )
    assert no_keys.shape == (2, 3, 5)
    np.testing.assert_array_equal(no_keys, 0.0)
    no_queries = memory_efficient_attention(
        np.zeros((2, 0, 4)), rng.normal(size=(2, 6, 4)), rng.normal(size=(2, 6, 5)), causal=causal
    )
    assert no_queries.shape == (2, 0, 5)


def test_float16_beyond_65504_stays_finite_like_torch():
    q = np.full((3, 64), 200.0, dtype=np.float16)  # (q/√d)·k = 25 · 200 · 64 = 320000 > 65504
    v = np.random.default_rng(9).normal(size=(3, 2)).astype(np.float16)
    result = memory_efficient_attention(q, q, v, block_size=2)
    tq, tv = torch.from_numpy(q), torch.from_numpy(v)
    expected = F.scaled_dot_product_attention(tq, tq, tv).numpy()
    assert result.dtype == np.float16 and np.all(np.isfinite(result))
    np.testing.assert_allclose(result, expected, atol=2e-3)


def test_rejects_non_bool_causal_and_bad_scale():
    q = np.zeros((3, 2))
    with pytest.raises(TypeError, match="causal muss True oder False sein, erhalten: 'no'"):
        memory_efficient_attention(q, q, q, causal="no")
    with pytest.raises(ValueError, match="scale muss eine endliche positive Zahl sein"):
        memory_efficient_attention(q, q, q, scale=-2.0)


# ---------- fit_slope: Steigung im Log-log-Diagramm ----------


@pytest.mark.parametrize("power", [0.5, 1.0, 2.0, 3.0])
def test_fit_slope_recovers_exact_power_law(power):
    lengths = [64, 128, 256, 512, 1024]
    values = [3e-6 * n**power for n in lengths]
    assert fit_slope(lengths, values) == pytest.approx(power, abs=1e-9)


def test_fit_slope_is_least_squares_with_noise():
    lengths = np.array([10.0, 20.0, 40.0, 80.0])
    noise = np.array([1.1, 0.9, 1.05, 0.95])
    values = 2.0 * lengths**2 * noise
    expected = np.polyfit(np.log(lengths), np.log(values), 1)[0]
    assert fit_slope(lengths, values) == pytest.approx(expected, abs=1e-12)
    assert 1.9 < fit_slope(lengths, values) < 2.1


@pytest.mark.parametrize("lengths,values", [([1, 2, 3], [1, 2]), ([5], [7])])
def test_fit_slope_rejects_too_few_or_unequal_pairs(lengths, values):
    with pytest.raises(ValueError, match="mindestens zwei Wertepaare gleicher Länge"):
        fit_slope(lengths, values)


def test_memory_plot_is_robust_against_a_few_kib_of_noise():
    # Zwei Läufe, die sich wie unter nbval beobachtet um wenige KiB unterscheiden (13.05 → 13.06)
    base = [
        MemoryRow(1024, 13_685_584, 1_450_083, 0.0),
        MemoryRow(8192, 872_491_648, 3_285_016, 0.0),
    ]
    noisy = [MemoryRow(r.length, r.naive_bytes + 4096, r.efficient_bytes - 4096, 0.0) for r in base]
    summaries = []
    for rows in (base, noisy):
        fig = plot_memory(rows)
        summaries.append(figure_summary(fig))
        plt.close(fig)
    assert summaries[0] == summaries[1]
    assert "[13.00 832.00]" in summaries[0] and "[1.40 3.10]" in summaries[0]
    assert abs(13_685_584 / MIB - 13) < 0.1  # gezeichnet wird gerundet, nicht verfälscht
