"""Tests für das Audio-Modul (STFT, Mel-Skala, Filterbank, Signale) und den Spracherkenner."""

import numpy as np
import pytest
import torch

from aufmerksamkeit.models.speech.audio import (
    FORMANTS,
    SAMPLE_RATE,
    Speaker,
    hann_window,
    hz_to_mel,
    log_mel_spectrogram,
    make_speech_data,
    mel_center_frequencies,
    mel_filterbank,
    mel_to_hz,
    random_speakers,
    stft,
    synthesize,
    vowel_sound,
)
from aufmerksamkeit.models.speech.model import SpeechRecognizer


def test_mel_scale_formula_and_inverse():
    assert hz_to_mel(0.0) == 0.0
    assert hz_to_mel(700.0) == pytest.approx(2595.0 * np.log10(2.0))
    assert hz_to_mel(1000.0) == pytest.approx(1000.0, abs=0.1)  # Definition: 1000 Hz ≈ 1000 mel
    f = np.linspace(0, 4000, 50)
    np.testing.assert_allclose(mel_to_hz(hz_to_mel(f)), f, atol=1e-9)
    assert np.all(np.diff(hz_to_mel(f)) > 0)


def test_hann_window_matches_torch():
    np.testing.assert_allclose(hann_window(256), torch.hann_window(256).numpy(), atol=1e-6)


@pytest.mark.parametrize(("n_fft", "hop"), [(256, 160), (128, 64), (64, 64)])
def test_stft_matches_torch(n_fft, hop):
    signal = np.random.default_rng(0).standard_normal(2000)
    reference = torch.stft(
        torch.tensor(signal),
        n_fft,
        hop,
        window=torch.hann_window(n_fft, dtype=torch.float64),
        center=False,
        return_complex=True,
    ).T.numpy()
    np.testing.assert_allclose(stft(signal, n_fft, hop), reference, atol=1e-9)


def test_stft_frame_is_windowed_rfft():
    signal = np.random.default_rng(1).standard_normal(1000)
    np.testing.assert_allclose(
        stft(signal, 256, 100)[3], np.fft.rfft(signal[300:556] * hann_window(256)), atol=1e-10
    )


def test_sine_energy_lies_in_the_right_mel_band():
    for frequency in (300.0, 1000.0, 2500.0):
        t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
        sine = np.sin(2 * np.pi * frequency * t)
        spectrum = np.abs(stft(sine, 256, 160)) ** 2  # (T, F)
        peak_bin = spectrum.mean(0).argmax()
        assert abs(peak_bin * SAMPLE_RATE / 256 - frequency) <= SAMPLE_RATE / 256
        mel = spectrum @ mel_filterbank(32, 256).T  # (T, M)
        band = mel.mean(0).argmax()
        closest = np.abs(mel_center_frequencies(32) - frequency).argmin()
        assert abs(int(band) - int(closest)) <= 1
        assert mel.mean(0)[band] / mel.mean(0).sum() > 0.4


def test_filterbank_triangles():
    bank = mel_filterbank(20, 512, 16000)
    assert bank.shape == (20, 257)
    assert bank.min() >= 0 and bank.max() <= 1 + 1e-12
    bins = np.linspace(0, 8000, 257)
    centers = mel_center_frequencies(20, 16000)
    # Jedes Dreieck hat sein Maximum am Frequenzbin nächst seiner Mittenfrequenz.
    for row, center in zip(bank, centers):
        assert abs(bins[row.argmax()] - center) <= 8000 / 256
    # Mittenfrequenzen liegen auf der Mel-Skala gleichabständig.
    np.testing.assert_allclose(np.diff(hz_to_mel(centers)), np.diff(hz_to_mel(centers))[0])


def test_filterbank_rejects_bad_range():
    with pytest.raises(ValueError, match="f_max"):
        mel_filterbank(10, 256, 8000, f_max=6000)


def test_vowel_has_energy_at_its_formants():
    speaker = Speaker(pitch=100.0, formant_scale=1.0, tempo=1.0, noise=0.0)
    for vowel, (f1, f2) in FORMANTS.items():
        spectrum = np.abs(np.fft.rfft(vowel_sound(vowel, 0.5, speaker)))
        freqs = np.fft.rfftfreq(int(0.5 * SAMPLE_RATE), 1 / SAMPLE_RATE)
        strongest = freqs[spectrum.argmax()]
        assert abs(strongest - f1) <= 60, (vowel, strongest)
        near_f2 = spectrum[np.abs(freqs - f2) < 60].max()
        far = spectrum[(freqs > 3200)].max()
        assert near_f2 > 10 * far


def test_synthesize_is_seeded_and_segments_are_ordered():
    speaker = random_speakers(1, seed=0)[0]
    a, seg_a = synthesize("aeio", speaker, np.random.default_rng(5))
    b, seg_b = synthesize("aeio", speaker, np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    assert seg_a == seg_b and len(a) == int(1.2 * SAMPLE_RATE)
    starts, ends = np.array(seg_a).T
    assert np.all(starts < ends) and np.all(ends[:-1] < starts[1:])


def test_dataset_shapes_and_log_mel_range():
    data = make_speech_data(6, random_speakers(2, seed=0), seed=0)
    assert data.features.shape == (6, 59, 32)
    assert data.labels.shape == (6, 4) and data.segments.shape == (6, 4, 2)
    assert data.speaker_ids.tolist() == [0, 1, 0, 1, 0, 1]
    signal = np.random.default_rng(0).standard_normal(4000)
    log_mel = log_mel_spectrogram(signal)
    assert log_mel.max() - log_mel.min() <= 2.0 + 1e-6  # höchstens 8 Größenordnungen / 4


def test_speech_recognizer_shapes_and_cross_attention_rows():
    torch.manual_seed(0)
    model = SpeechRecognizer(n_mels=32, num_frames=59, num_outputs=4, embed_dim=16)
    x = torch.randn(3, 59, 32)
    assert model(x).shape == (3, 4, 5)
    weights = model.cross_attention(x)
    assert weights.shape == (1, 3, 2, 4, 59)
    torch.testing.assert_close(weights.sum(-1), torch.ones(1, 3, 2, 4))
    with pytest.raises(ValueError, match=r"\(N, 59, 32\)"):
        model(torch.randn(3, 50, 32))


def test_attention_in_segments_counts_mass_inside():
    from aufmerksamkeit.models.speech.model import attention_in_segments

    weights = np.zeros((1, 2, 10))
    weights[0, 0, [2, 3]] = 0.5  # ganz im ersten Abschnitt
    weights[0, 1, [1, 8]] = 0.5  # halb im zweiten Abschnitt
    segments = np.array([[[2.0, 4.0], [6.0, 8.0]]])
    result = attention_in_segments(weights, segments, frame_offset=0.0, margin=0.0)
    np.testing.assert_allclose(result, [[1.0, 0.5]])
