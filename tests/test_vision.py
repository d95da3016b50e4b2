"""Tests für den Miniatur-ViT: Patch-Zerlegung, Modellformen, Aufmerksamkeit des Klassen-Tokens."""

import hashlib

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from aufmerksamkeit.models.vision import (
    VisionTransformer,
    attention_map,
    image_to_patches,
    load_digit_data,
    load_digit_images,
    logistic_regression_accuracy,
    patches_to_image,
)

# SHA-256 der Bilder (uint8, 1797 × 8 × 8) aus sklearn.datasets.load_digits (scikit-learn 1.9.1),
# einmal berechnet, als scikit-learn noch installiert war: Die mitgelieferten Ziffern sind genau
# die Bilder, auf denen der gespeicherte ViT trainiert und gemessen wurde.
SKLEARN_DIGITS_SHA256 = "8f26b2bd9d135c256808f68f14fdabddde6d9c7f869ae419704b051f0f14b3b3"
# SHA-256 der Bytes von x_train, y_train, x_test, y_test (float32 / int64) auf dem alten Weg:
# train_test_split(load_digits().images / 16, …, test_size=0.25, random_state=0, stratify=…).
SKLEARN_SPLIT_SHA256 = "df28d677843d0623c392d16707dd34a4b7f26fc877f879ed3d0d0e973af58bb1"


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


def test_shipped_digits_are_the_sklearn_digits():
    images, labels = load_digit_images()
    assert images.dtype == np.uint8 and images.shape == (1797, 8, 8)
    assert hashlib.sha256(images.tobytes()).hexdigest() == SKLEARN_DIGITS_SHA256
    assert int(images.max()) == 16 and labels.dtype == np.int64
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digit_split_is_byte_identical_to_the_sklearn_split():
    data = load_digit_data()
    digest = hashlib.sha256()
    for tensor in (data.x_train, data.y_train, data.x_test, data.y_test):
        digest.update(tensor.numpy().tobytes())
    assert digest.hexdigest() == SKLEARN_SPLIT_SHA256
    assert data.x_train.dtype == torch.float32 and data.y_train.dtype == torch.long
    # geschichtet: jede Ziffer zu etwa 25 % im Test
    share = np.bincount(data.y_test.numpy()) / np.bincount(load_digit_images()[1])
    assert np.all(np.abs(share - 0.25) < 0.01)


def test_only_the_shipped_split_exists():
    with pytest.raises(ValueError, match=r"nur der Split test_fraction=0\.25, seed=0"):
        load_digit_data(test_fraction=0.2)
    with pytest.raises(ValueError, match="seed=1"):
        load_digit_data(seed=1)


def test_logistic_regression_baseline_reaches_its_unique_optimum():
    data = load_digit_data()
    accuracy, logits = logistic_regression_accuracy(data)
    assert logits.shape == (450, 10)
    # scikit-learn 1.9.1, LogisticRegression(max_iter=2000) auf demselben Split: 436 von 450 richtig
    assert round(accuracy * 450) == 436
    # streng konvex: mit stärkerer Bestrafung ein anderes, aber wieder eindeutiges Ergebnis
    _, stronger = logistic_regression_accuracy(data, l2=100.0)
    assert stronger.abs().max() < logits.abs().max()


def test_attention_map_repeats_patch_weights():
    weights = np.arange(4.0)
    expected = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]], dtype=float)
    np.testing.assert_array_equal(attention_map(weights, 4, 2), expected)
