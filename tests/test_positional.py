"""Sinusförmige Positionskodierung: Formel und Eigenschaften."""

import math

import numpy as np
import pytest

from aufmerksamkeit import positional_encoding


@pytest.mark.parametrize("length,d_model", [(1, 1), (5, 4), (10, 7), (50, 16)])
def test_matches_formula_elementwise(length, d_model):
    pe = positional_encoding(length, d_model)
    assert pe.shape == (length, d_model)
    for p in range(length):
        for j in range(d_model):
            i2 = j - j % 2
            angle = p / 10000 ** (i2 / d_model)
            expected = math.sin(angle) if j % 2 == 0 else math.cos(angle)
            assert pe[p, j] == pytest.approx(expected, abs=1e-12)


def test_position_zero_alternates_zero_and_one():
    np.testing.assert_allclose(positional_encoding(1, 6)[0], [0, 1, 0, 1, 0, 1])


def test_relative_shift_is_a_rotation():
    """PE[p+k] entsteht aus PE[p] durch eine Drehung, die nur von k abhängt."""
    d_model, k = 8, 3
    pe = positional_encoding(20, d_model)
    freqs = 1 / 10000 ** (np.arange(0, d_model, 2) / d_model)
    for p in (0, 5, 11):
        for i, w in enumerate(freqs):
            c, s = math.cos(k * w), math.sin(k * w)
            sin_p, cos_p = pe[p, 2 * i], pe[p, 2 * i + 1]
            assert pe[p + k, 2 * i] == pytest.approx(sin_p * c + cos_p * s, abs=1e-12)
            assert pe[p + k, 2 * i + 1] == pytest.approx(cos_p * c - sin_p * s, abs=1e-12)


def test_values_bounded_and_rows_distinct():
    pe = positional_encoding(100, 32)
    assert np.abs(pe).max() <= 1.0
    assert len({row.tobytes() for row in pe}) == 100


@pytest.mark.parametrize(
    "length,d_model,error,message",
    [
        (-1, 4, ValueError, "length darf nicht negativ sein, erhalten: -1"),
        (4, 0, ValueError, "d_model muss mindestens 1 sein, erhalten: 0"),
        (2.5, 4, TypeError, "length muss eine ganze Zahl sein, erhalten: 2.5"),
        (4, "8", TypeError, "d_model muss eine ganze Zahl sein, erhalten: '8'"),
        (True, 4, TypeError, "length muss eine ganze Zahl sein, erhalten: True"),
        (4, np.True_, TypeError, "d_model muss eine ganze Zahl sein"),
    ],
)
def test_bad_arguments(length, d_model, error, message):
    with pytest.raises(error, match=message):
        positional_encoding(length, d_model)


def test_numpy_integers_give_the_same_encoding():
    np.testing.assert_array_equal(
        positional_encoding(np.int64(7), np.int32(6)), positional_encoding(7, 6)
    )


def test_zero_length_is_empty():
    assert positional_encoding(0, 4).shape == (0, 4)


def test_alt_texts_of_positional_figures_are_computed():
    from aufmerksamkeit.figures.positional import (
        describe_position_similarity,
        describe_positional_encoding,
    )

    text = describe_positional_encoding(50, 8)
    assert "Spalte 0 wechselt über die Positionen 15-mal" in text and "Spalte 6 nie" in text
    assert describe_position_similarity(24, 50, 64).endswith("(bis 24) gleich.")
    assert describe_position_similarity(0, 50, 64).endswith("bei q = 0.")
