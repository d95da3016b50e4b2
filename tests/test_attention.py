"""softmax und scaled_dot_product_attention gegen PyTorch und mathematische Identitäten."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from aufmerksamkeit import causal_mask, scaled_dot_product_attention, softmax
from aufmerksamkeit.core.attention import with_temperature


def torch_reference(q, k, v, mask=None, causal=False, scale=None):
    """PyTorch-SDPA; Masken-Konvention identisch (True = darf beachten)."""
    tq, tk, tv = (torch.from_numpy(np.ascontiguousarray(a)) for a in (q, k, v))
    length_q, length_k = q.shape[-2], k.shape[-2]
    allowed = None if mask is None else torch.from_numpy(np.asarray(mask))
    if causal:
        tril = torch.ones(length_q, length_k, dtype=torch.bool).tril()
        allowed = tril if allowed is None else allowed & tril
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    if allowed is not None:
        batch = np.broadcast_shapes(batch, allowed.shape[:-2])
        allowed = allowed.expand(*batch, length_q, length_k)
    tq, tk, tv = (t.expand(*batch, *t.shape[-2:]) for t in (tq, tk, tv))
    out = F.scaled_dot_product_attention(tq, tk, tv, attn_mask=allowed, scale=scale)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = tq @ tk.transpose(-1, -2) * scale
    if allowed is not None:
        scores = scores.masked_fill(~allowed, float("-inf"))
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
    return out.numpy(), weights.numpy()


def tolerance(dtype):
    return {"atol": 1e-5, "rtol": 1e-4} if dtype == np.float32 else {"atol": 1e-10, "rtol": 1e-9}


# ---------- softmax ----------


def test_softmax_matches_torch_and_sums_to_one():
    x = np.random.default_rng(0).normal(size=(4, 5, 7)) * 10
    for axis in (0, 1, -1):
        expected = torch.softmax(torch.from_numpy(x), dim=axis).numpy()
        np.testing.assert_allclose(softmax(x, axis=axis), expected, atol=1e-12)
        np.testing.assert_allclose(softmax(x, axis=axis).sum(axis=axis), 1.0, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_is_stable_for_huge_logits(dtype):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4]], dtype=dtype)
    y = softmax(x)
    assert y.dtype == dtype
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(y, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0]], atol=1e-6)


def test_softmax_is_shift_invariant():
    x = np.random.default_rng(1).normal(size=(3, 6))
    np.testing.assert_allclose(softmax(x), softmax(x + 123.4), atol=1e-12)


def test_softmax_of_all_minus_inf_row_is_zero():
    y = softmax(np.array([[-np.inf, -np.inf], [0.0, -np.inf]]))
    np.testing.assert_array_equal(y, [[0.0, 0.0], [1.0, 0.0]])


@pytest.mark.parametrize("bad", [np.array([1.0, np.nan]), np.array([np.inf, 0.0])])
def test_softmax_rejects_nan_and_plus_inf(bad):
    with pytest.raises(ValueError, match="NaN"):
        softmax(bad)


def test_softmax_rejects_wrong_axis_and_text():
    with pytest.raises(ValueError, match="axis=2"):
        softmax(np.zeros((2, 2)), axis=2)
    with pytest.raises(TypeError, match="Zahlen"):
        softmax(np.array(["a", "b"]))


# ---------- scaled_dot_product_attention ----------

SHAPES = [
    # (batch q, batch k, batch v, L, S, d, d_v)
    ((), (), (), 1, 1, 1, 1),
    ((), (), (), 5, 7, 4, 3),
    ((2,), (2,), (2,), 3, 3, 8, 8),
    ((2, 3), (2, 3), (2, 3), 4, 6, 5, 2),
    ((2, 1), (1, 3), (2, 3), 4, 2, 3, 6),  # Stapel-Dimensionen werden gebroadcastet
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("causal", [False, True])
def test_matches_torch_sdpa(shape, dtype, causal):
    bq, bk, bv, length_q, length_k, d, d_v = shape
    rng = np.random.default_rng(42)
    q = rng.normal(size=(*bq, length_q, d)).astype(dtype)
    k = rng.normal(size=(*bk, length_k, d)).astype(dtype)
    v = rng.normal(size=(*bv, length_k, d_v)).astype(dtype)
    out, weights = scaled_dot_product_attention(q, k, v, causal=causal)
    ref_out, ref_weights = torch_reference(q, k, v, causal=causal)
    assert out.dtype == dtype and weights.dtype == dtype
    batch = np.broadcast_shapes(bq, bk, bv)
    assert out.shape == (*batch, length_q, d_v)
    assert weights.shape == (*batch, length_q, length_k)
    np.testing.assert_allclose(out, ref_out, **tolerance(dtype))
    np.testing.assert_allclose(weights, ref_weights, **tolerance(dtype))


@pytest.mark.parametrize(
    "mask_shape", [(4, 6), (1, 6), (4, 1), (2, 1, 4, 6), (2, 3, 4, 6), (1, 1, 6)]
)
@pytest.mark.parametrize("causal", [False, True])
def test_boolean_masks_match_torch(mask_shape, causal):
    rng = np.random.default_rng(7)
    q = rng.normal(size=(2, 3, 4, 5))
    k = rng.normal(size=(2, 3, 6, 5))
    v = rng.normal(size=(2, 3, 6, 2))
    mask = rng.random(mask_shape) < 0.6
    out, weights = scaled_dot_product_attention(q, k, v, mask, causal=causal)
    ref_out, ref_weights = torch_reference(q, k, v, mask=mask, causal=causal)
    np.testing.assert_allclose(out, ref_out, atol=1e-10)
    np.testing.assert_allclose(weights, ref_weights, atol=1e-10)
    blocked = ~np.broadcast_to(mask, weights.shape)
    assert np.all(weights[blocked] == 0)


def test_fully_masked_rows_give_zero_weights_and_output():
    rng = np.random.default_rng(3)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    mask = np.ones((3, 5), dtype=bool)
    mask[1] = False
    out, weights = scaled_dot_product_attention(q, k, v, mask)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(weights))
    np.testing.assert_array_equal(weights[1], 0.0)
    np.testing.assert_array_equal(out[1], 0.0)
    np.testing.assert_allclose(weights[[0, 2]].sum(-1), 1.0)
    ref_out, _ = torch_reference(q, k, v, mask=mask)  # PyTorch ≥ 2.5 liefert ebenfalls 0
    np.testing.assert_allclose(out, ref_out, atol=1e-12)


def test_causal_is_top_left_for_rectangular_shapes():
    rng = np.random.default_rng(4)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    _, weights = scaled_dot_product_attention(q, k, v, causal=True)
    np.testing.assert_array_equal(weights > 0, np.tril(np.ones((3, 5), dtype=bool)))
    np.testing.assert_array_equal(causal_mask(3, 5), np.tril(np.ones((3, 5), dtype=bool)))


@pytest.mark.parametrize("scale", [1e-3, 0.1, 2.5, 3, np.float32(0.5), np.int64(2)])
def test_custom_scale_matches_torch(scale):
    rng = np.random.default_rng(5)
    q, k, v = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 6, 4)), rng.normal(size=(2, 6, 3))
    out, weights = scaled_dot_product_attention(q, k, v, scale=scale)
    ref_out, ref_weights = torch_reference(q, k, v, scale=scale)
    np.testing.assert_allclose(out, ref_out, atol=1e-10)
    np.testing.assert_allclose(weights, ref_weights, atol=1e-10)


def test_default_scale_is_one_over_sqrt_d():
    rng = np.random.default_rng(6)
    q, k, v = rng.normal(size=(3, 16)), rng.normal(size=(4, 16)), rng.normal(size=(4, 2))
    expected = softmax(q @ k.T / 4.0)
    np.testing.assert_allclose(scaled_dot_product_attention(q, k, v)[1], expected, atol=1e-12)


def test_huge_logits_stay_finite():
    q = np.full((2, 4), 1e3)
    k = np.array([[1e3] * 4, [-1e3] * 4])
    out, weights = scaled_dot_product_attention(q, k, np.eye(2))
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(weights, [[1, 0], [1, 0]])


def test_integer_inputs_become_float64():
    out, weights = scaled_dot_product_attention(
        np.ones((2, 3), int), np.ones((4, 3), int), np.ones((4, 1), int)
    )
    assert out.dtype == np.float64 and weights.dtype == np.float64


# ---------- Eigenschaften (hypothesis) ----------

dims = st.integers(min_value=1, max_value=6)


@settings(max_examples=60, deadline=None)
@given(
    length_q=dims, length_k=dims, d=dims, d_v=dims, seed=st.integers(0, 2**16), causal=st.booleans()
)
def test_property_rows_sum_to_one_and_match_torch(length_q, length_k, d, d_v, seed, causal):
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(2, length_q, d)).astype(np.float32)
    k = rng.normal(size=(2, length_k, d)).astype(np.float32)
    v = rng.normal(size=(2, length_k, d_v)).astype(np.float32)
    mask = rng.random((length_q, length_k)) < 0.7
    out, weights = scaled_dot_product_attention(q, k, v, mask, causal=causal)
    allowed = mask & (np.tril(np.ones_like(mask)) if causal else True)
    row_sums = weights.sum(-1)
    np.testing.assert_allclose(
        row_sums, np.broadcast_to(allowed.any(-1), row_sums.shape), atol=1e-5
    )
    ref_out, ref_weights = torch_reference(q, k, v, mask=mask, causal=causal)
    np.testing.assert_allclose(out, ref_out, atol=1e-5)
    np.testing.assert_allclose(weights, ref_weights, atol=1e-5)


@settings(max_examples=40, deadline=None)
@given(length=st.integers(2, 7), d=dims, seed=st.integers(0, 2**16))
def test_property_self_attention_is_permutation_equivariant(length, d, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(length, d))
    perm = rng.permutation(length)
    out, weights = scaled_dot_product_attention(x, x, x)
    out_p, weights_p = scaled_dot_product_attention(x[perm], x[perm], x[perm])
    np.testing.assert_allclose(out_p, out[perm], atol=1e-10)
    np.testing.assert_allclose(weights_p, weights[perm][:, perm], atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(length=st.integers(1, 6), d=dims, seed=st.integers(0, 2**16))
def test_property_output_is_convex_combination_of_values(length, d, seed):
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(3, d)), rng.normal(size=(length, d)), rng.normal(size=(length, 2))
    out, _ = scaled_dot_product_attention(q, k, v)
    assert np.all(out <= v.max(0) + 1e-12) and np.all(out >= v.min(0) - 1e-12)


# ---------- falsche Eingaben: deutsche Meldungen mit Formen ----------


def test_error_for_mismatched_feature_dims():
    with pytest.raises(ValueError, match=r"dieselbe Merkmalsdimension.*\(3, 4\).*\(5, 6\)"):
        scaled_dot_product_attention(np.zeros((3, 4)), np.zeros((5, 6)), np.zeros((5, 2)))


def test_error_for_mismatched_key_value_lengths():
    with pytest.raises(ValueError, match=r"dieselbe Sequenzlänge S.*\(5, 4\).*\(6, 2\)"):
        scaled_dot_product_attention(np.zeros((3, 4)), np.zeros((5, 4)), np.zeros((6, 2)))


def test_error_for_incompatible_batches():
    with pytest.raises(ValueError, match=r"Stapel-Dimensionen.*\(2, 3, 4\).*\(3, 5, 4\)"):
        scaled_dot_product_attention(np.zeros((2, 3, 4)), np.zeros((3, 5, 4)), np.zeros((3, 5, 4)))


def test_error_for_one_dimensional_input():
    with pytest.raises(ValueError, match=r"mindestens 2 Dimensionen.*\(4,\)"):
        scaled_dot_product_attention(np.zeros(4), np.zeros((5, 4)), np.zeros((5, 4)))


def test_error_for_non_boolean_mask():
    with pytest.raises(TypeError, match=r"boolesch.*float64.*\(3, 5\)"):
        scaled_dot_product_attention(
            np.zeros((3, 4)), np.zeros((5, 4)), np.zeros((5, 2)), np.zeros((3, 5))
        )


def test_error_for_wrongly_shaped_mask():
    with pytest.raises(ValueError, match=r"Maske der Form \(5, 3\).*L=3, S=5"):
        scaled_dot_product_attention(
            np.zeros((3, 4)), np.zeros((5, 4)), np.zeros((5, 2)), np.ones((5, 3), bool)
        )


def test_error_for_nan_input():
    q = np.zeros((3, 4))
    q[0, 0] = np.nan
    with pytest.raises(ValueError, match="q enthält NaN"):
        scaled_dot_product_attention(q, np.zeros((5, 4)), np.zeros((5, 2)))


@pytest.mark.parametrize("temperature", [0.25, 0.5, 1.0, 2.0, 5.0])
def test_with_temperature_equals_softmax_of_scaled_scores(temperature):
    scores = np.random.default_rng(8).normal(size=(3, 6)) * 3
    scores[0, 2] = -np.inf  # ausgeblendet
    weights = softmax(scores)
    expected = softmax(scores / temperature)
    np.testing.assert_allclose(with_temperature(weights, temperature), expected, atol=1e-12)


def test_with_temperature_rejects_bad_values():
    with pytest.raises(ValueError, match="positiv"):
        with_temperature(np.array([0.5, 0.5]), 0.0)
    with pytest.raises(ValueError, match="nichtnegativ"):
        with_temperature(np.array([-0.5, 1.5]), 1.0)


# ---------- Randfälle: leere Achsen und halbe Genauigkeit (wie PyTorch) ----------


@pytest.mark.parametrize("shape,axis", [((3, 0), -1), ((0, 4), -1), ((2, 0, 3), 1), ((0,), 0)])
def test_softmax_of_empty_axis_is_empty_like_torch(shape, axis):
    x = np.zeros(shape, dtype=np.float32)
    y = softmax(x, axis=axis)
    expected = torch.softmax(torch.from_numpy(x), dim=axis).numpy()
    assert y.shape == expected.shape == shape and y.dtype == np.float32


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("use_mask", [False, True])
def test_no_keys_give_zero_output_like_torch(causal, use_mask):
    """S = 0: keine Schlüssel, also Ausgabe 0 – wie PyTorch, keine numpy-Fehlermeldung."""
    rng = np.random.default_rng(11)
    q, k, v = rng.normal(size=(2, 3, 4)), np.zeros((2, 0, 4)), np.zeros((2, 0, 5))
    mask = np.ones((3, 0), dtype=bool) if use_mask else None
    out, weights = scaled_dot_product_attention(q, k, v, mask, causal=causal)
    assert out.shape == (2, 3, 5) and weights.shape == (2, 3, 0)
    np.testing.assert_array_equal(out, 0.0)
    ref_out, _ = torch_reference(q, k, v, mask=mask, causal=causal)
    np.testing.assert_array_equal(out, ref_out)


def test_float16_scores_beyond_65504_stay_finite_like_torch():
    """q·k = 64 · 40² = 102400 passt nicht in float16; PyTorch rechnet trotzdem richtig."""
    q = np.full((2, 64), 40.0, dtype=np.float16)
    v = np.random.default_rng(12).normal(size=(2, 3)).astype(np.float16)
    out, weights = scaled_dot_product_attention(q, q, v)
    tq, tv = torch.from_numpy(q), torch.from_numpy(v)
    expected = F.scaled_dot_product_attention(tq, tq, tv).numpy()
    assert out.dtype == weights.dtype == np.float16
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(weights))
    np.testing.assert_allclose(out, expected, atol=2e-3)
    np.testing.assert_allclose(weights, 0.5, atol=1e-3)


def test_float16_softmax_of_huge_logits_matches_torch():
    x = np.array([[6e4, 6e4, 6e4], [6e4, -6e4, 0.0]], dtype=np.float16)
    y = softmax(x)
    assert y.dtype == np.float16
    np.testing.assert_allclose(y, torch.softmax(torch.from_numpy(x), -1).numpy(), atol=1e-3)


def test_torch_float16_tensors_are_accepted():
    q = torch.randn(3, 4, dtype=torch.float16, generator=torch.Generator().manual_seed(0))
    out, _ = scaled_dot_product_attention(q, q, q)
    assert out.dtype == np.float16
    expected = F.scaled_dot_product_attention(q, q, q).numpy()
    np.testing.assert_allclose(out, expected, atol=2e-3)


sizes = st.integers(min_value=0, max_value=5)


@settings(max_examples=80, deadline=None)
@given(
    dtype=st.sampled_from([np.float16, np.float32, np.float64]),
    length_q=sizes,
    length_k=sizes,
    d=sizes,
    d_v=sizes,
    causal=st.booleans(),
    use_mask=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_property_dtypes_and_empty_axes_match_torch(
    dtype, length_q, length_k, d, d_v, causal, use_mask, seed
):
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(2, length_q, d)).astype(dtype)
    k = rng.normal(size=(2, length_k, d)).astype(dtype)
    v = rng.normal(size=(2, length_k, d_v)).astype(dtype)
    mask = rng.random((length_q, length_k)) < 0.7 if use_mask else None
    out, weights = scaled_dot_product_attention(q, k, v, mask, causal=causal)
    assert out.dtype == weights.dtype == dtype
    assert out.shape == (2, length_q, d_v) and weights.shape == (2, length_q, length_k)
    allowed = torch.ones(length_q, length_k, dtype=torch.bool)
    if use_mask:
        allowed &= torch.from_numpy(mask)
    if causal:
        allowed &= torch.ones(length_q, length_k, dtype=torch.bool).tril()
    tq, tk, tv = (torch.from_numpy(a) for a in (q, k, v))
    expected = F.scaled_dot_product_attention(tq, tk, tv, attn_mask=allowed).numpy()
    tol = {"atol": 2e-3, "rtol": 2e-3} if dtype == np.float16 else tolerance(dtype)
    np.testing.assert_allclose(out, expected, **tol)
    # Gewichte: Referenz in float64, nicht erlaubte Schlüssel 0, Zeilensumme 1 oder 0
    scores = tq.double() @ tk.double().transpose(-1, -2) / (np.sqrt(d) if d else 1.0)
    ref_weights = torch.softmax(scores.masked_fill(~allowed, float("-inf")), -1).nan_to_num(0.0)
    np.testing.assert_allclose(weights, ref_weights.numpy(), **tol)


# ---------- falsche Schalter und Skalierungen ----------


@pytest.mark.parametrize("causal", ["no", "False", 1, 0, None, np.array([True])])
def test_causal_must_be_a_real_bool(causal):
    q = np.zeros((3, 4))
    with pytest.raises(TypeError, match=r"causal muss True oder False sein, erhalten: .*"):
        scaled_dot_product_attention(q, q, q, causal=causal)


def test_causal_accepts_numpy_bool():
    rng = np.random.default_rng(13)
    q = rng.normal(size=(3, 4))
    expected = scaled_dot_product_attention(q, q, q, causal=True)[1]
    np.testing.assert_array_equal(
        scaled_dot_product_attention(q, q, q, causal=np.True_)[1], expected
    )


@pytest.mark.parametrize(
    "scale,error,shown",
    [
        ("2", TypeError, "'2'"),
        (np.array([1.0, 2.0]), TypeError, "array"),
        (torch.tensor(2.0), TypeError, "tensor"),
        (True, TypeError, "True"),
        (10**400, ValueError, "1000"),
        (float("nan"), ValueError, "nan"),
        (float("inf"), ValueError, "inf"),
        (0.0, ValueError, "0.0"),
        (-1.5, ValueError, "-1.5"),
    ],
    ids=["text", "array", "tensor", "bool", "10**400", "nan", "inf", "null", "negativ"],
)
def test_scale_must_be_finite_positive_number(scale, error, shown):
    q = np.zeros((3, 4))
    with pytest.raises(error, match=r"scale muss") as info:
        scaled_dot_product_attention(q, q, q, scale=scale)
    message = str(info.value)
    assert shown in message and len(message) < 200  # nennt den Wert, aber gekürzt


def test_bfloat16_tensor_gets_german_type_error():
    q = torch.zeros(3, 4, dtype=torch.bfloat16)
    with pytest.raises(TypeError, match=r"q hat den Datentyp torch\.bfloat16 \(Form \(3, 4\)\)"):
        scaled_dot_product_attention(q, q.float(), q.float())
    with pytest.raises(TypeError, match=r"bfloat16.*\.float\(\)"):
        softmax(q)


def test_minimal_attention_equals_the_library_version() -> None:
    from aufmerksamkeit.core.attention import minimal_attention

    rng = np.random.default_rng(3)
    q, k, v = (
        rng.standard_normal((2, 5, 4)),
        rng.standard_normal((2, 7, 4)),
        rng.standard_normal((2, 7, 3)),
    )
    expected, _ = scaled_dot_product_attention(q, k, v)
    np.testing.assert_allclose(minimal_attention(q, k, v), expected, atol=1e-12)
