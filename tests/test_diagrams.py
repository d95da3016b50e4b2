"""Tests für die Schemabilder (aufmerksamkeit.figures.diagrams)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from aufmerksamkeit.figures.diagrams import plot_head_split, plot_token_links


def test_token_links_checks_shape_and_draws_highlight():
    tokens = ["a", "b", "c"]
    weights = np.full((3, 3), 1 / 3)
    fig = plot_token_links(weights, tokens, highlight=1)
    red = [line for line in fig.axes[0].lines if line.get_color() == "C3"]
    assert len(red) == 3
    plt.close(fig)
    with pytest.raises(ValueError, match="3 Tokens"):
        plot_token_links(np.ones((2, 2)), tokens)


def test_head_split_rejects_indivisible_width():
    plt.close(plot_head_split(32, 4))
    with pytest.raises(ValueError, match="nicht durch num_heads=3 teilbar"):
        plot_head_split(32, 3)


def test_pronoun_heads_adds_mean_row():
    from aufmerksamkeit.figures.diagrams import plot_pronoun_heads

    rows = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
    ax = plot_pronoun_heads(rows, ["a", "b", "c"])
    shown = ax.images[0].get_array()
    np.testing.assert_allclose(shown[2], [0.5, 0.25, 0.25])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Kopf 1", "Kopf 2", "Mittel"]
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="Form"):
        plot_pronoun_heads(np.ones((2, 4)), ["a", "b", "c"])


def test_qkv_matrices_show_the_data_with_labels():
    from aufmerksamkeit.figures.diagrams import plot_qkv_matrices

    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 5))
    w_q, w_k, w_v = rng.standard_normal((3, 5, 2))
    q, k, v = x @ w_q, x @ w_k, x @ w_v
    fig = plot_qkv_matrices(x, q, k, v, ["a", "b", "c"], highlight=2)
    panels = fig.axes[:4]
    for ax, expected in zip(panels, (x, q, k, v)):
        np.testing.assert_allclose(ax.images[0].get_array(), expected)
        # Eine beschriftete Zahl je Eintrag, mit Dezimalkomma statt Punkt.
        texts = [t.get_text() for t in ax.texts]
        assert len(texts) == expected.size
        assert not any("." in t for t in texts)
        # Umrandet ist genau die hervorgehobene Zeile.
        (box,) = ax.patches
        assert box.get_y() == pytest.approx(1.5)
    assert panels[1].get_yticklabels()[0].get_text() == "$q_1$  a"
    # Alle vier Matrizen teilen sich eine Farbskala, die den größten Betrag umfasst.
    limit = max(np.abs(m).max() for m in (x, q, k, v))
    assert panels[2].images[0].get_clim() == pytest.approx((-limit, limit))
    plt.close(fig)
    with pytest.raises(ValueError, match="3 Tokens"):
        plot_qkv_matrices(x, q, k, v[:2], ["a", "b", "c"])
    with pytest.raises(ValueError, match="dieselbe Breite d_k"):
        plot_qkv_matrices(x, q, k[:, :1], v, ["a", "b", "c"])


def test_block_layout_puts_layernorm_before_or_after_each_sublayer():
    from aufmerksamkeit.figures.diagrams import block_layout

    pre, post = block_layout("pre"), block_layout("post")
    for parts in (pre, post):
        assert parts.count("+") == 2 and parts.count("LayerNorm") == 2
    # Pre-LN: LayerNorm direkt vor Attention und FFN; Post-LN: direkt nach jedem „+“.
    for sublayer in ("Multi-Head-Attention", "Feed-Forward-Netz"):
        assert pre[pre.index(sublayer) - 1] == "LayerNorm"
    assert [post[i + 1] for i, p in enumerate(post) if p == "+"] == ["LayerNorm", "LayerNorm"]
    assert pre[-1] == "+" and post[-1] == "LayerNorm"
    with pytest.raises(ValueError, match="'pre' oder 'post'"):
        block_layout("none")


def test_transformer_block_draws_layout_bottom_to_top_with_two_residuals():
    from aufmerksamkeit.figures.diagrams import block_layout, plot_transformer_block

    fig = plot_transformer_block(("pre", "post"))
    for ax, norm in zip(fig.axes, ("pre", "post")):
        names = {"LayerNorm", "Multi-Head-Attention", "Feed-Forward-Netz", "+"}
        parts = sorted(
            (t.get_position()[1], t.get_text()) for t in ax.texts if t.get_text() in names
        )
        assert [text for _, text in parts] == block_layout(norm)
        red_lines = [line for line in ax.lines if line.get_color() == "C3"]
        assert len(red_lines) == 2
        # Jede Restverbindung beginnt unterhalb ihrer Teilschicht.
        sublayers = [
            y for y, text in parts if text in ("Multi-Head-Attention", "Feed-Forward-Netz")
        ]
        for line, y in zip(sorted(red_lines, key=lambda line: line.get_ydata()[0]), sublayers):
            assert line.get_ydata()[0] < y - 0.25
    assert fig.axes[0].get_title() == "Pre-LN (dieses Buch)"
    plt.close(fig)


def test_decoder_block_schema_has_three_sublayers_with_residuals():
    from aufmerksamkeit.figures.diagrams import DECODER_LAYOUT, plot_decoder_block

    assert DECODER_LAYOUT.count("+") == 3 and DECODER_LAYOUT.count("LayerNorm") == 3
    assert DECODER_LAYOUT.index("Maskierte Self-Attention") < DECODER_LAYOUT.index(
        "Cross-Attention"
    )
    fig = plot_decoder_block()
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"Cross-Attention", "Maskierte Self-Attention", "Feed-Forward-Netz"} <= texts
