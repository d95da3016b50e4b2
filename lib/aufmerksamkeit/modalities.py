"""Folgen aus allem: Bilder in Patches, Audiosignale in Frames zerlegen (Kapitel 22.5.3).

Self-Attention arbeitet auf einer Folge von Vektoren (L, E). Damit derselbe
Block Wörter, Bilder und Töne verarbeiten kann, bringen wir jede Modalität
in diese Form: ein Bild als Folge seiner Patches (Dosovitskiy et al. 2021),
ein Audiosignal als Folge kurzer Frames mit ihrem Betragsspektrum (wie der
Encoder von Whisper, Radford et al. 2023, der Log-Mel-Frames sieht).
"""

from __future__ import annotations

import numpy as np


def image_to_patches(image: np.ndarray, patch_size: int) -> np.ndarray:
    """Zerlegt ein Bild (H, W) oder (H, W, C) in Patches, zeilenweise von links oben.

    Rückgabe: (H/p · W/p, p · p · C) – jede Zeile ist ein flach gelegter Patch.
    """
    image = np.asarray(image)
    if image.ndim == 2:
        image = image[:, :, None]  # (H, W, 1)
    if image.ndim != 3:
        raise ValueError(
            f"Erwartet ein Bild der Form (H, W) oder (H, W, C), erhalten: {image.shape}."
        )
    height, width, channels = image.shape
    if patch_size < 1 or height % patch_size or width % patch_size:
        raise ValueError(
            f"Die Patchgröße {patch_size} muss Höhe {height} und Breite {width} ohne Rest teilen."
        )
    rows, cols = height // patch_size, width // patch_size
    patches = image.reshape(rows, patch_size, cols, patch_size, channels)  # (r, p, c, p, C)
    patches = patches.transpose(0, 2, 1, 3, 4)  # (r, c, p, p, C)
    return patches.reshape(rows * cols, patch_size * patch_size * channels)  # (L, p·p·C)


def spectrogram_frames(signal: np.ndarray, frame_length: int, hop: int) -> np.ndarray:
    """Zerlegt ein Signal (T,) in überlappende Frames und nimmt das Betragsspektrum.

    Jeder Frame wird mit einem Hann-Fenster gewichtet. Rückgabe:
    (Zahl der Frames, frame_length // 2 + 1) – ein Vektor je Frame.
    """
    signal = np.asarray(signal, dtype=np.float64)
    if signal.ndim != 1:
        raise ValueError(
            f"Erwartet ein einkanaliges Signal der Form (T,), erhalten: {signal.shape}."
        )
    if frame_length < 1 or hop < 1 or len(signal) < frame_length:
        raise ValueError(
            f"Brauche frame_length ≥ 1, hop ≥ 1 und ein Signal mit mindestens frame_length Werten; "
            f"erhalten: frame_length={frame_length}, hop={hop}, Signal der Länge {len(signal)}."
        )
    starts = np.arange(0, len(signal) - frame_length + 1, hop)  # (F,)
    frames = signal[starts[:, None] + np.arange(frame_length)]  # (F, frame_length)
    return np.abs(np.fft.rfft(frames * np.hanning(frame_length), axis=-1))  # (F, frame_length/2+1)
