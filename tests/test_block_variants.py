"""Tests für die Varianten des Encoder-Blocks (Restverbindung, LayerNorm, FFN), Ablationen."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

from aufmerksamkeit.core.blocks import EncoderBlock

#: Die Schlüssel des Blocks, wie sie in den mitgelieferten Checkpoints stehen.
DEFAULT_KEYS = [
    "norm1.weight", "norm1.bias",
    *(f"attention.{p}_proj.{w}" for p in "qkv" for w in ("weight", "bias")),
    "attention.out_proj.weight", "attention.out_proj.bias",
    "norm2.weight", "norm2.bias",
    "feed_forward.net.0.weight", "feed_forward.net.0.bias",
    "feed_forward.net.2.weight", "feed_forward.net.2.bias",
]  # fmt: skip


def block_and_input(seed: int = 0, **options):
    torch.manual_seed(seed)
    block = EncoderBlock(16, 4, 24, **options).eval()
    with torch.no_grad():  # LayerNorm nicht im Ausgangszustand (Gewicht 1, Bias 0) prüfen
        for module in block.modules():
            if isinstance(module, nn.LayerNorm):
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(0, 0.1)
    return block, torch.randn(3, 7, 16)


def attention_only(block: EncoderBlock, x: torch.Tensor) -> torch.Tensor:
    return block.attention(x)[0]


def test_default_block_keeps_checkpoint_keys_and_order():
    assert list(EncoderBlock(16, 4, 24).state_dict()) == DEFAULT_KEYS
    # Ausdrückliche Voreinstellungen ändern nichts – auch nicht die Reihenfolge.
    explicit = EncoderBlock(16, 4, 24, residual=True, norm="pre", feed_forward=True)
    assert list(explicit.state_dict()) == list(EncoderBlock(16, 4, 24).state_dict())


@torch.no_grad()
def test_pre_ln_is_the_formula():
    block, x = block_and_input()
    h = x + attention_only(block, block.norm1(x))
    expected = h + block.feed_forward(block.norm2(h))
    torch.testing.assert_close(block(x), expected)
    assert block.last_weights.shape == (3, 4, 7, 7)


@torch.no_grad()
def test_post_ln_normalizes_after_each_addition():
    block, x = block_and_input(norm="post")
    h = block.norm1(x + attention_only(block, x))
    expected = block.norm2(h + block.feed_forward(h))
    torch.testing.assert_close(block(x), expected)
    # Ohne eigene Gewichte der LayerNorm hat jede Ausgabeposition Mittel 0 und Streuung 1.
    for norm in (block.norm1, block.norm2):
        norm.weight.fill_(1.0)
        norm.bias.zero_()
    out = block(x)
    torch.testing.assert_close(out.mean(-1), torch.zeros(3, 7), atol=1e-5, rtol=0)
    torch.testing.assert_close(out.var(-1, unbiased=False), torch.ones(3, 7), atol=1e-3, rtol=0)


@torch.no_grad()
def test_without_norm_there_is_no_layernorm_at_all():
    block, x = block_and_input(norm="none")
    assert not any(isinstance(m, nn.LayerNorm) for m in block.modules())
    assert not any(key.startswith("norm") for key in block.state_dict())
    h = x + attention_only(block, x)
    torch.testing.assert_close(block(x), h + block.feed_forward(h))


@torch.no_grad()
def test_without_residual_the_input_is_not_added():
    block, x = block_and_input(residual=False)
    h = attention_only(block, block.norm1(x))
    torch.testing.assert_close(block(x), block.feed_forward(block.norm2(h)))


@torch.no_grad()
def test_without_feed_forward_only_attention_remains():
    block, x = block_and_input(feed_forward=False)
    assert not any(key.startswith(("feed_forward", "norm2")) for key in block.state_dict())
    torch.testing.assert_close(block(x), x + attention_only(block, block.norm1(x)))


@torch.no_grad()
@pytest.mark.parametrize("norm", ["pre", "none"])
def test_residual_block_is_identity_when_sublayers_output_zero(norm):
    """Die Restverbindung reicht x durch, wenn Attention und FFN nichts beitragen."""
    for residual in (True, False):
        block, x = block_and_input(norm=norm, residual=residual)
        for linear in (block.attention.out_proj, block.feed_forward.net[2]):
            linear.weight.zero_()
            linear.bias.zero_()
        out = block(x)
        if residual:
            torch.testing.assert_close(out, x)
        else:
            assert out.abs().max() == 0  # ohne Restverbindung ist die Eingabe verloren


def test_invalid_norm_is_rejected_in_german():
    with pytest.raises(ValueError, match="norm muss einer von"):
        EncoderBlock(16, 4, norm="mitte")


def test_block_stack_variants_and_their_final_norm():
    from aufmerksamkeit.experiments.ablation import VARIANTS, block_variant_config
    from aufmerksamkeit.models.recall import AttentionClassifier

    for variant in VARIANTS:
        model = AttentionClassifier(**block_variant_config(variant, num_layers=2))
        layer_norms = sum(isinstance(m, nn.LayerNorm) for m in model.modules())
        expected = {"pre_ln": 5, "post_ln": 4, "no_norm": 0, "no_residual": 5,
                    "no_feed_forward": 3}[variant]  # fmt: skip
        assert layer_norms == expected, variant
        assert model(torch.zeros(2, 64, dtype=torch.long)).shape == (2, 8)
    with pytest.raises(ValueError, match="variant muss einer von"):
        block_variant_config("ohne_alles")


def test_metric_ranges_and_spread_plot():
    from aufmerksamkeit.experiments.ablation import metric_ranges
    from aufmerksamkeit.figures.ablation import plot_variant_spread

    rows = [
        {"experiment": "block", "variant": v, "seed": s, "kernel": k, "metrics": {"accuracy": a}}
        for v, base in (("no_residual", 0.1), ("pre_ln", 0.9))
        for s in range(2)
        for k, a in (("native", base + 0.01 * s), ("avx2", base - 0.01 * s))
    ]
    ranges = metric_ranges(rows, "block", "accuracy")
    assert ranges == {"pre_ln": (0.89, 0.91), "no_residual": (pytest.approx(0.09), 0.11)}
    assert list(ranges) == ["pre_ln", "no_residual"]  # Reihenfolge wie VARIANT_LABELS
    fig = plot_variant_spread(rows, "block", "accuracy", title="t", ylabel="y")
    points = sum(len(c.get_offsets()) for c in fig.axes[0].collections)
    assert points == len(rows)
    plt.close(fig)
    with pytest.raises(ValueError, match="Keine Läufe"):
        metric_ranges(rows, "heads", "accuracy")


def test_shipped_ablation_results_are_complete_and_hold_their_claims():
    from aufmerksamkeit.experiments.ablation import (
        ABLATION_CLAIMS,
        EXPERIMENTS,
        load_ablation_results,
    )

    rows = load_ablation_results()
    for experiment, (_, variants, _) in EXPERIMENTS.items():
        runs = {
            (r["variant"], r["seed"], r["kernel"]) for r in rows if r["experiment"] == experiment
        }
        seeds = {s for _, s, _ in runs}
        kernels = {k for _, _, k in runs}
        assert len(seeds) >= 5 and {"native", "avx2", "default"} <= kernels
        assert len(runs) == len(variants) * len(seeds) * len(kernels)
    # Die Aussagen des Texts gelten für jeden Lauf – neu geprüft an den gespeicherten Messwerten.
    for r in rows:
        claims = ABLATION_CLAIMS[r["variant"]]
        assert claims, r["variant"]
        assert all(c.holds(r["metrics"]) for c in claims), (r["variant"], r["seed"], r["kernel"])


def test_position_similarity_is_one_for_equal_and_zero_for_orthogonal_vectors():
    from aufmerksamkeit.experiments.ablation import position_similarity

    same = torch.tensor([1.0, 2.0, 3.0]).expand(2, 4, 3)  # alle Positionen gleich
    assert position_similarity(same) == pytest.approx(1.0)
    assert position_similarity(3 * torch.eye(3).unsqueeze(0)) == pytest.approx(0.0, abs=1e-7)
    opposite = torch.tensor([[[1.0, 0.0], [-2.0, 0.0]]])
    assert position_similarity(opposite) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="L ≥ 2"):
        position_similarity(torch.ones(2, 1, 3))


def test_block_outputs_follow_the_stack():
    from aufmerksamkeit.experiments.ablation import block_outputs, block_variant_config
    from aufmerksamkeit.models.recall import AttentionClassifier

    torch.manual_seed(0)
    model = AttentionClassifier(**block_variant_config("pre_ln", num_layers=3))
    tokens = torch.randint(0, 17, (2, 10))
    outputs = block_outputs(model, tokens)
    assert len(outputs) == 4
    with torch.no_grad():
        torch.testing.assert_close(outputs[0], model.embedding(tokens))
        torch.testing.assert_close(outputs[3], model.blocks[2](outputs[2]))
