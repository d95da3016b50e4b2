"""Tests für den Miniatur-ViT: Patch-Zerlegung, Modellformen, Aufmerksamkeit des Klassen-Tokens."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from aufmerksamkeit.models.vision import (
    VisionTransformer,
    attention_map,
    image_to_patches,
    load_digit_data,
    patches_to_image,
)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 3),
    patch=st.sampled_from([1, 2, 4]),
    rows=st.integers(1, 3),
    cols=st.integers(1, 3),
)
def test_patches_roundtrip(n, patch, rows, cols):
    images = torch.randn(n, rows * patch, cols * patch)
    patches = image_to_patches(images, patch)
    assert patches.shape == (n, rows * cols, patch * patch)
    torch.testing.assert_close(patches_to_image(patches, patch, rows * patch, cols * patch), images)


def test_patches_match_unfold():
    """Unabhängige Referenz: torch.nn.functional.unfold liefert dieselben Patches."""
    images = torch.randn(2, 8, 8)
    reference = torch.nn.functional.unfold(images[:, None], kernel_size=4, stride=4)
    torch.testing.assert_close(image_to_patches(images, 4), reference.transpose(1, 2))


def test_first_patch_is_top_left_block():
    image = torch.arange(16.0).reshape(1, 4, 4)
    assert image_to_patches(image, 2)[0, 0].tolist() == [0.0, 1.0, 4.0, 5.0]
    assert image_to_patches(image, 2)[0, 1].tolist() == [2.0, 3.0, 6.0, 7.0]


def test_bad_patch_size_raises_german_error():
    with pytest.raises(ValueError, match="nicht durch die Patch-Größe 3 teilbar"):
        image_to_patches(torch.zeros(1, 8, 8), 3)


def test_vit_shapes_and_class_attention():
    torch.manual_seed(0)
    model = VisionTransformer(8, 2, embed_dim=16, num_heads=2, num_layers=2)
    images = torch.rand(5, 8, 8)
    assert model(images).shape == (5, 10)
    weights = model.class_attention(images)
    assert weights.shape == (2, 5, 2, 16)
    full = model.blocks[0].last_weights  # (N, h, 17, 17)
    torch.testing.assert_close(full.sum(-1), torch.ones(5, 2, 17))
    assert torch.all(weights.sum(-1) <= 1 + 1e-6)


def test_vit_rejects_wrong_image_size():
    with pytest.raises(ValueError, match=r"\(N, 8, 8\)"):
        VisionTransformer()(torch.zeros(2, 4, 4))


def test_vit_is_permutation_sensitive_only_through_positions():
    """Ohne Positionseinbettung ist die Ausgabe gegenüber vertauschten Patches invariant."""
    torch.manual_seed(0)
    model = VisionTransformer(4, 2, embed_dim=8, num_heads=2, num_layers=1).eval()
    with torch.no_grad():
        model.position.zero_()
    image = torch.rand(1, 4, 4)
    patches = image_to_patches(image, 2)
    swapped = patches_to_image(patches[:, [3, 2, 1, 0]], 2, 4, 4)
    torch.testing.assert_close(model(image), model(swapped))


def test_digit_split_is_fixed_and_disjoint():
    a, b = load_digit_data(seed=0), load_digit_data(seed=0)
    torch.testing.assert_close(a.x_test, b.x_test)
    assert len(a.x_train) + len(a.x_test) == 1797
    assert float(a.x_train.max()) == 1.0 and float(a.x_train.min()) == 0.0
    train = {bytes(x.numpy()) for x in a.x_train}
    overlap = sum(bytes(x.numpy()) in train for x in a.x_test)
    assert overlap < 10  # load_digits enthält nur wenige exakte Doppelungen


def test_attention_map_repeats_patch_weights():
    weights = np.arange(4.0)
    expected = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]], dtype=float)
    np.testing.assert_array_equal(attention_map(weights, 4, 2), expected)
