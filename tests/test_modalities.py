"""Patches und Frames aus aufmerksamkeit.modalities."""

import numpy as np
import pytest
import torch

from aufmerksamkeit.modalities import image_to_patches, spectrogram_frames


def test_patches_match_torch_unfold():
    image = np.random.default_rng(0).normal(size=(8, 12, 3))
    patches = image_to_patches(image, 4)
    assert patches.shape == (2 * 3, 4 * 4 * 3)
    # Referenz: torch.nn.functional.unfold liefert (C·p·p, L) mit Kanal zuerst
    unfolded = torch.nn.functional.unfold(
        torch.from_numpy(image).permute(2, 0, 1)[None], kernel_size=4, stride=4
    )[0].T  # (L, C·p·p)
    reordered = unfolded.reshape(6, 3, 4, 4).permute(0, 2, 3, 1).reshape(6, -1)
    np.testing.assert_allclose(patches, reordered.numpy())


def test_patches_keep_every_pixel_once():
    image = np.arange(64).reshape(8, 8)
    patches = image_to_patches(image, 2)
    assert sorted(patches.ravel().tolist()) == list(range(64))
    np.testing.assert_array_equal(patches[1], [2, 3, 10, 11])  # zweiter Patch der ersten Reihe


def test_spectrogram_finds_the_frequency_of_a_sine():
    rate, frequency = 8000, 1000
    t = np.arange(rate // 2) / rate
    frames = spectrogram_frames(np.sin(2 * np.pi * frequency * t), frame_length=200, hop=80)
    assert frames.shape == ((4000 - 200) // 80 + 1, 101)
    bin_hz = rate / 200
    assert np.all(frames.argmax(axis=1) == round(frequency / bin_hz))


def test_errors_are_german_and_name_shapes():
    with pytest.raises(ValueError, match=r"teilen"):
        image_to_patches(np.zeros((8, 8)), 3)
    with pytest.raises(ValueError, match=r"\(2, 2, 2, 2\)"):
        image_to_patches(np.zeros((2, 2, 2, 2)), 1)
    with pytest.raises(ValueError, match="Signal der Länge 10"):
        spectrogram_frames(np.zeros(10), frame_length=20, hop=5)


def test_position_similarity_depends_only_on_offset():
    from aufmerksamkeit.positional_plots import position_similarity

    similarity = position_similarity(40, 32)
    np.testing.assert_allclose(np.diag(similarity), 1.0, atol=1e-12)
    for offset in (1, 5, 17):
        diagonal = np.diagonal(similarity, offset=offset)
        np.testing.assert_allclose(diagonal, diagonal[0], atol=1e-12)
