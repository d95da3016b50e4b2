"""Abbildungshilfen: Dezimalkomma, Prozent und die Heatmap der Gewichte."""

import re
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

import aufmerksamkeit
from aufmerksamkeit import softmax
from aufmerksamkeit.core.formatting import (
    decimal_comma,
    largest_remainder,
    leading_digit_floor,
    percent,
    percents,
)
from aufmerksamkeit.figures.plotting import (
    DecimalCommaFormatter,
    figure_summary,
    figure_to_png,
    plot_attention,
    plot_softmax_scaling,
    plot_weight_bars,
    show,
    softmax_scaling_weights,
)

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
        (-1.5, 1, "\u22121,5"),  # echtes Minuszeichen
        (-0.001, 2, "0,00"),  # was zu null rundet, hat kein Vorzeichen
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


@pytest.mark.parametrize(
    "value,expected",
    [(1, 1), (9.438, 9), (9.999, 9), (31.883, 30), (97.54, 90), (100.0, 100), (265.597, 200),
     (299.99, 200), (1999.9, 1000), (np.float64(12.5), 10)],
)  # fmt: skip
def test_leading_digit_floor_is_a_lower_bound_with_one_digit(value, expected):
    assert leading_digit_floor(value) == expected
    assert leading_digit_floor(value) <= value


@pytest.mark.parametrize("value", [0.99, 0, -5, float("nan")])
def test_leading_digit_floor_refuses_values_below_one(value):
    with pytest.raises(ValueError, match="Wert ≥ 1"):
        leading_digit_floor(value)


def test_percent_with_digits():
    assert percent(0.9843, 1) == f"98,4{NNBSP}%"


@pytest.mark.parametrize(
    ("shares", "expected"),
    [([0.335, 0.335, 0.33], [34, 33, 33]), ([0.494, 0.506], [49, 51]), ([1 / 12] * 12, None)],
)
def test_largest_remainder_rows_sum_to_100(shares, expected):
    whole = largest_remainder(shares)
    assert sum(whole) == 100
    assert all(abs(w - 100 * s) < 1 for w, s in zip(whole, shares))
    if expected is not None:
        assert whole == expected
    assert percents([0.986, 0.014]) == [f"99{NNBSP}%", f"1{NNBSP}%"]


def test_numbers_for_readers_are_formatted_in_one_place():
    """Nur core/formatting.py setzt Dezimalkomma und Prozentzeichen (ein Formatierer)."""
    package = Path(aufmerksamkeit.__file__).parent
    pattern = re.compile(r"""replace\(["']\.["'], ["'],["']\)|\} ?%["']|\)} %""")
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "formatting.py" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"Eigene Zahlformatierung statt core.formatting in {offenders}"


def test_axis_formatter_uses_decimal_comma_and_minus():
    fig, ax = plt.subplots()
    ax.plot([-0.5, 0.5], [-0.25, 0.75])
    figure_to_png(fig)  # stellt alle Zahlenachsen um
    formatter = ax.yaxis.get_major_formatter()
    assert isinstance(formatter, DecimalCommaFormatter)
    labels = formatter.format_ticks([-0.2, 0.0, 0.4])
    assert labels == ["\u22120,2", "0,0", "0,4"]


def test_colorbar_ticks_get_decimal_comma_with_enough_digits():
    fig, ax = plt.subplots()
    image = ax.imshow([[-1.0, 0.25], [0.5, 1.0]], vmin=-1, vmax=1)
    colorbar = fig.colorbar(image, ax=ax)
    figure_to_png(fig)
    labels = [t.get_text() for t in colorbar.ax.get_yticklabels()]
    assert "\u22120,75" in labels and "0,25" in labels and not any("." in t for t in labels)


_IMPORT_CHECK = """
import importlib, pkgutil
import matplotlib, torch
import aufmerksamkeit
before = {k: str(v) for k, v in matplotlib.rcParams.items()}
threads = torch.get_num_threads()
for module in pkgutil.walk_packages(aufmerksamkeit.__path__, "aufmerksamkeit."):
    importlib.import_module(module.name)
after = {k: str(v) for k, v in matplotlib.rcParams.items()}
changed = sorted(k for k in before if before[k] != after[k])
assert not changed and torch.get_num_threads() == threads, changed
"""


def test_importing_the_package_changes_no_global_state():
    # In einem eigenen Prozess: Ein ``importlib.reload`` hier würde Klassen neu anlegen, und
    # ``isinstance`` in späteren Tests desselben Prozesses schlüge fehl.
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_CHECK], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]


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
    assert labels == {(0, 0): "0,25", (0, 2): "0,75", (1, 0): "1"}
    assert min(t.get_fontsize() for t in ax.texts) >= 9  # lesbar, nicht 7 pt


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


# ---------- show(): Alternativtext und Datenzusammenfassung ----------


def heatmap_text(weights: np.ndarray) -> str:
    ax = plot_attention(weights, KEYS[: weights.shape[1]], ["a", "b", "c"][: weights.shape[0]])
    return show(ax.figure, alt="Heatmap")._repr_mimebundle_()["text/plain"]


def test_show_records_rounded_summary_of_the_heatmap():
    text = heatmap_text(WEIGHTS)
    assert text.startswith("Abbildung: Heatmap\nDaten: Achse 1: Bild 2×3: 6 Werte 0.00 … 1.00")
    assert "Mittel 0.33" in text and "Schwerpunkt (0.50, 0.75)" in text
    assert text.endswith("Zeilenschwerpunkte 1.50 0.00")


def test_summary_tells_a_matrix_from_its_transpose_and_from_another_matrix():
    square = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    assert heatmap_text(square) != heatmap_text(square.T)
    assert heatmap_text(square) != heatmap_text(square[::-1])
    assert heatmap_text(square) == heatmap_text(square + 1e-4)  # Rundung: robust je CPU


def test_summary_lists_bars_and_lines_rounded():
    fig = plot_weight_bars(np.array([0.123, 0.877]), ["x", "y"])
    fig.axes[0].plot([0, 1], [-0.0001, 2.5])
    fig.axes[0].axhline(0.5)  # Hilfslinie, keine Daten
    assert figure_summary(fig) == "Achse 1: Balken [0.12 0.88]; Linie [0.00 2.50]"


def test_show_requires_alt_text():
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="Alternativtext"):
        show(fig, alt=" ")


# ---------- √dₖ-Regler mit festen Vektoren ----------


def test_scaling_demo_uses_fixed_vectors_prefixes():
    rng = np.random.default_rng(0)
    q, k = rng.standard_normal(1024), rng.standard_normal((8, 1024))
    for d_k in (1, 16, 1024):
        weights = softmax_scaling_weights(d_k)
        scores = k[:, :d_k] @ q[:d_k]
        np.testing.assert_allclose(weights["ohne Skalierung"], softmax(scores))
        np.testing.assert_allclose(weights["mit 1/√dₖ"], softmax(scores / np.sqrt(d_k)))


def test_scaling_demo_bars_are_the_weights():
    fig = plot_softmax_scaling(64)
    weights = softmax_scaling_weights(64)
    for ax, values in zip(fig.axes, weights.values()):
        np.testing.assert_allclose([p.get_height() for p in ax.patches], values)
    with pytest.raises(ValueError, match="d_k"):
        softmax_scaling_weights(0)
