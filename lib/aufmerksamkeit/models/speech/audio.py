"""Audio ohne Download: künstliche Vokalfolgen, STFT, Mel-Filterbank, Log-Mel-Spektrogramm.

Ein „Sprecher“ spricht eine Folge von Vokalen. Jeder Vokal entsteht nach dem
Quelle-Filter-Prinzip: die Obertöne einer Grundfrequenz (Tonhöhe des Sprechers)
werden von zwei Resonanzen (Formanten) verstärkt. Die Formantlagen sind grob an
deutsche Vokale angelehnt und werden je Sprecher etwas verschoben – so wie
Stimmen unterschiedlich lange Vokaltrakte haben. Dazu kommen Rauschen,
zufällige Dauern und Pausen.

Das Spektrogramm rechnen wir selbst mit NumPy: Rahmen (Frames) mit
Hann-Fenster, ``numpy.fft.rfft``, Dreiecksfilter auf der Mel-Skala, Logarithmus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 8000  # Abtastrate in Hz
VOWELS = ("a", "e", "i", "o", "u")
# Erster und zweiter Formant in Hz (gerundet, grob an deutsche Vokale angelehnt).
FORMANTS = {"a": (800, 1300), "e": (450, 2000), "i": (280, 2400), "o": (480, 850), "u": (300, 650)}


# ---------------------------------------------------------------- Mel-Skala und STFT


def hz_to_mel(frequency: np.ndarray | float) -> np.ndarray:
    """Frequenz in Hz → Mel (HTK-Formel): m = 2595 · log10(1 + f / 700)."""
    return 2595.0 * np.log10(1.0 + np.asarray(frequency, dtype=np.float64) / 700.0)


def mel_to_hz(mel: np.ndarray | float) -> np.ndarray:
    """Mel → Frequenz in Hz, Umkehrung von :func:`hz_to_mel`."""
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


def hann_window(length: int) -> np.ndarray:
    """Periodisches Hann-Fenster (wie ``torch.hann_window``): (length,)."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(length) / length)


def frame_signal(signal: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """Zerlegt ein Signal (S,) in überlappende Rahmen (T, n_fft) mit Abstand ``hop``."""
    signal = np.asarray(signal)
    if signal.ndim != 1:
        raise ValueError(f"signal muss eindimensional sein, erhalten: Form {signal.shape}.")
    if len(signal) < n_fft:
        raise ValueError(f"Das Signal ({len(signal)} Werte) ist kürzer als n_fft = {n_fft}.")
    num_frames = 1 + (len(signal) - n_fft) // hop
    index = np.arange(n_fft)[None, :] + hop * np.arange(num_frames)[:, None]  # (T, n_fft)
    return signal[index]  # (T, n_fft)


def stft(signal: np.ndarray, n_fft: int = 256, hop: int = 160) -> np.ndarray:
    """Kurzzeit-Fourier-Transformation (ohne Randauffüllung): (S,) → komplex (T, n_fft/2 + 1).

    Entspricht ``torch.stft(x, n_fft, hop, window=torch.hann_window(n_fft), center=False)``,
    nur mit der Zeit in der ersten Achse.
    """
    frames = frame_signal(signal, n_fft, hop) * hann_window(n_fft)  # (T, n_fft)
    return np.fft.rfft(frames, axis=-1)  # (T, F)


def mel_filterbank(
    n_mels: int,
    n_fft: int,
    sample_rate: int = SAMPLE_RATE,
    f_min: float = 0.0,
    f_max: float | None = None,
) -> np.ndarray:
    """Dreiecksfilter mit gleichen Abständen auf der Mel-Skala: (n_mels, n_fft/2 + 1).

    Filter m steigt von Mittenfrequenz m−1 linear auf 1 bei Mittenfrequenz m und fällt bis m+1
    auf 0 (HTK-Stil, ohne Flächennormierung).
    """
    f_max = sample_rate / 2 if f_max is None else f_max
    if not 0 <= f_min < f_max <= sample_rate / 2:
        raise ValueError(
            f"Es muss 0 ≤ f_min < f_max ≤ {sample_rate / 2} gelten, erhalten: {f_min}, {f_max}."
        )
    edges = mel_to_hz(np.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2))  # (M+2,)
    bins = np.linspace(0, sample_rate / 2, n_fft // 2 + 1)  # (F,)
    lower, center, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]  # (M, 1)
    rising = (bins[None, :] - lower) / (center - lower)  # (M, F)
    falling = (upper - bins[None, :]) / (upper - center)  # (M, F)
    return np.maximum(0.0, np.minimum(rising, falling))  # (M, F)


def mel_center_frequencies(
    n_mels: int, sample_rate: int = SAMPLE_RATE, f_min: float = 0.0, f_max: float | None = None
) -> np.ndarray:
    """Mittenfrequenzen (n_mels,) der Filter aus :func:`mel_filterbank` in Hz."""
    f_max = sample_rate / 2 if f_max is None else f_max
    return mel_to_hz(np.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2))[1:-1]


def log_mel_spectrogram(
    signal: np.ndarray,
    sample_rate: int = SAMPLE_RATE,
    n_fft: int = 256,
    hop: int = 160,
    n_mels: int = 32,
) -> np.ndarray:
    """Log-Mel-Spektrogramm (T, n_mels), skaliert wie bei Whisper.

    Leistung |STFT|² → Mel-Filter → log10; der Bereich wird auf 8 Größenordnungen unter dem
    Maximum begrenzt und mit (x + 4) / 4 grob auf −1 … 1 gebracht.
    """
    power = np.abs(stft(signal, n_fft, hop)) ** 2  # (T, F)
    mel = power @ mel_filterbank(n_mels, n_fft, sample_rate).T  # (T, M)
    log_mel = np.log10(np.maximum(mel, 1e-10))  # (T, M)
    log_mel = np.maximum(log_mel, log_mel.max() - 8.0)
    return ((log_mel + 4.0) / 4.0).astype(np.float32)  # (T, M)


# ---------------------------------------------------------------- Sprecher und Signale


@dataclass(frozen=True)
class Speaker:
    """Ein künstlicher Sprecher: Tonhöhe, Formantverschiebung, Sprechtempo, Rauschen."""

    pitch: float  # Grundfrequenz in Hz
    formant_scale: float  # Faktor für alle Formanten (Länge des Vokaltrakts)
    tempo: float  # Faktor für alle Dauern (> 1: langsamer)
    noise: float  # Standardabweichung des Rauschens


def random_speakers(count: int, seed: int) -> list[Speaker]:
    """``count`` zufällige Sprecher; andere Seeds ergeben andere Stimmen."""
    rng = np.random.default_rng(seed)
    return [
        Speaker(
            pitch=float(rng.uniform(90, 240)),
            formant_scale=float(rng.uniform(0.9, 1.1)),
            tempo=float(rng.uniform(0.85, 1.2)),
            noise=float(rng.uniform(0.01, 0.06)),
        )
        for _ in range(count)
    ]


def vowel_sound(
    vowel: str, duration: float, speaker: Speaker, sample_rate: int = SAMPLE_RATE
) -> np.ndarray:
    """Ein Vokal (S,): Obertöne der Grundfrequenz, gewichtet mit zwei Formant-Resonanzen."""
    if vowel not in FORMANTS:
        raise ValueError(f"Unbekannter Vokal {vowel!r}; erlaubt sind {VOWELS}.")
    t = np.arange(int(duration * sample_rate)) / sample_rate  # (S,)
    harmonics = speaker.pitch * np.arange(1, int(0.45 * sample_rate / speaker.pitch) + 1)  # (K,)
    gain = np.zeros_like(harmonics)
    for formant, strength in zip(FORMANTS[vowel], (1.0, 0.6)):
        center = formant * speaker.formant_scale
        gain += strength * np.exp(-0.5 * ((harmonics - center) / 90.0) ** 2)
    wave = (gain[:, None] * np.sin(2 * np.pi * harmonics[:, None] * t[None, :])).sum(axis=0)
    ramp = min(len(t) // 2, int(0.01 * sample_rate))  # 10 ms Ein- und Ausblenden
    envelope = np.ones_like(t)
    envelope[:ramp] = np.linspace(0, 1, ramp)
    envelope[len(t) - ramp :] = np.linspace(1, 0, ramp)
    return wave * envelope / max(np.abs(wave).max(), 1e-9)  # (S,)


def synthesize(
    vowels: Sequence[str],
    speaker: Speaker,
    rng: np.random.Generator,
    *,
    total_duration: float = 1.2,
    sample_rate: int = SAMPLE_RATE,
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Spricht eine Vokalfolge: Signal (S,) fester Länge und (Beginn, Ende) je Vokal in Sekunden.

    Wie Whisper (30 s) füllen wir jede Aufnahme mit Stille (hier: Rauschen) auf eine feste
    Länge auf; so haben alle Spektrogramme gleich viele Rahmen.
    """
    signal = np.zeros(int(total_duration * sample_rate))
    segments = []
    time = rng.uniform(0.02, 0.1)
    for vowel in vowels:
        duration = speaker.tempo * rng.uniform(0.08, 0.16)
        start = int(time * sample_rate)
        sound = rng.uniform(0.5, 1.0) * vowel_sound(vowel, duration, speaker, sample_rate)
        if start + len(sound) > len(signal):
            raise ValueError(
                f"{len(vowels)} Vokale passen nicht in {total_duration} s; "
                "total_duration vergrößern oder weniger Vokale wählen."
            )
        signal[start : start + len(sound)] += sound
        segments.append((time, time + len(sound) / sample_rate))
        time += duration + speaker.tempo * rng.uniform(0.03, 0.07)
    signal += speaker.noise * rng.standard_normal(len(signal))
    return signal.astype(np.float32), segments


@dataclass
class SpeechData:
    """Log-Mel-Spektrogramme, Vokal-Indizes und Zeitabschnitte einer Menge von Aufnahmen."""

    features: np.ndarray  # (N, T, M)
    labels: np.ndarray  # (N, K) Indizes in VOWELS
    segments: np.ndarray  # (N, K, 2) Beginn und Ende in Rahmen
    speaker_ids: np.ndarray  # (N,)
    hop: int = 160
    sample_rate: int = SAMPLE_RATE


def make_speech_data(
    num_examples: int,
    speakers: Sequence[Speaker],
    *,
    num_vowels: int = 4,
    seed: int = 0,
    n_mels: int = 32,
    n_fft: int = 256,
    hop: int = 160,
) -> SpeechData:
    """Erzeugt Aufnahmen zufälliger Vokalfolgen, reihum von den gegebenen Sprechern."""
    if not speakers:
        raise ValueError("Es wird mindestens ein Sprecher gebraucht.")
    rng = np.random.default_rng(seed)
    features, labels, segments, ids = [], [], [], []
    for i in range(num_examples):
        speaker_id = i % len(speakers)
        label = rng.integers(0, len(VOWELS), size=num_vowels)
        signal, spans = synthesize([VOWELS[k] for k in label], speakers[speaker_id], rng)
        features.append(log_mel_spectrogram(signal, SAMPLE_RATE, n_fft, hop, n_mels))
        labels.append(label)
        segments.append([(s * SAMPLE_RATE / hop, e * SAMPLE_RATE / hop) for s, e in spans])
        ids.append(speaker_id)
    return SpeechData(np.stack(features), np.array(labels), np.array(segments), np.array(ids), hop)


# ---------------------------------------------------------------- Abbildungen
