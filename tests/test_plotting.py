"""Abbildungshilfen: Dezimalkomma, Prozent und die Heatmap der Gewichte."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from aufmerksamkeit.plotting import decimal_comma, percent, plot_attention

NNBSP = "\u202f"  # schmales geschütztes Leerzeichen vor „%“


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ---------- Zahlen auf Deutsch ----------


@pytest.mark.parametrize(
    "value,digits,expected",
    [
        (0.25, 2, "0,25"),
        (3.14159, 3, "3,142"),
        (-1.5, 1, "-1,5"),
        (2.0, 0, "2"),
        (0.005, 3, "0,005"),
        (1234.5, 1, "1234,5"),
        (np.float32(0.125), 2, "0,12"),  # Rundung wie f"{:.2f}"
    ],
)
def test_decimal_comma(value, digits, expected):
    assert decimal_comma(value, digits) == expected


def test_decimal_comma_default_is_two_digits():
    assert decimal_comma(0.5) == "0,50"


@pytest.mark.parametrize(
    "value,expected",
    [
        (0.714, "71"),
        (1.0, "100"),
        (0.0, "0"),
        (0.996, "100"),
        (0.004, "0"),
        (np.float64(0.5), "50"),
    ],
)
def test_percent_is_whole_number_with_narrow_space(value, expected):
    assert percent(value) == f"{expected}{NNBSP}%"


# ---------- Heatmap ----------

KEYS = ["Die", "Katze", "sprang"]
QUERIES = ["sie", "war"]
WEIGHTS = np.array([[0.25, 0.004, 0.746], [0.9961, 0.0039, 0.0]])


def test_plot_attention_shows_exactly_the_matrix():
    ax = plot_attention(WEIGHTS, KEYS, QUERIES, title="Test")
    (image,) = ax.images
    np.testing.assert_array_equal(image.get_array(), WEIGHTS)
    assert image.get_clim() == (0.0, 1.0)  # Farben vergleichbar über Abbildungen hinweg
    assert [t.get_text() for t in ax.get_xticklabels()] == KEYS
    assert [t.get_text() for t in ax.get_yticklabels()] == QUERIES
    assert ax.get_title() == "Test"
    assert ax.get_xlabel() == "Schlüssel (Key)" and ax.get_ylabel() == "Abfrage (Query)"


def test_plot_attention_annotates_with_decimal_comma():
    ax = plot_attention(WEIGHTS, KEYS, QUERIES)
    labels = {
        (round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts
    }
    # Zeile, Spalte → Text; Gewichte unter 0,005 bleiben unbeschriftet, ab 0,995 steht „1“
    assert labels == {(0, 0): ",25", (0, 2): ",75", (1, 0): "1"}


def test_plot_attention_without_annotation_and_colorbar():
    fig, ax = plt.subplots()
    returned = plot_attention(WEIGHTS, KEYS, QUERIES, ax=ax, annotate=False, colorbar=False)
    assert returned is ax
    assert len(ax.texts) == 0
    assert len(fig.axes) == 1
    plot_attention(WEIGHTS, KEYS, QUERIES, ax=ax)
    assert len(fig.axes) == 2  # jetzt mit Farbskala


def test_plot_attention_rejects_wrong_shape():
    with pytest.raises(
        ValueError, match=r"Form \(3, 2\) passen nicht zu 2 Abfragen und 3 Schlüsseln"
    ):
        plot_attention(WEIGHTS.T, KEYS, QUERIES)
