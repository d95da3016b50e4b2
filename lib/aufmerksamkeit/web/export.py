"""Die mitgelieferten Modelle für das Buch exportieren: kompakte float32-Dateien.

Das Labor im gebauten Buch (``_vendor/labor/transformer.js``) rechnet die
Vorwärtsrechnung der Modelle in JavaScript nach. Seine Gewichte kommen aus
denselben Checkpoints wie die Notebooks (``data/modelle/<name>.pt``) – es gibt
keine zweite Quelle. Der Build (``_ext/labor.py``) ruft :func:`export_lab`
auf und legt die Dateien neben das Skript.

Dateiformat (little endian)::

    b"AUFM" | uint32 n | n Bytes JSON-Kopf (UTF-8, mit Leerzeichen auf 4 Bytes aufgefüllt)
           | float32-Daten aller Tensoren hintereinander

Der Kopf nennt je Tensor ``name``, ``shape`` und ``offset`` (in Zahlen, nicht
Bytes), die Kopfzahl jeder Attention-Schicht (``heads``), modellspezifische
Angaben (``extra``: Vokabular, Positionen, Beispiele …) und Metadaten des
Checkpoints (``meta``: Seed, Messwerte). Alle Größen liest das Skript aus dem
Kopf – ein größeres Modell braucht keine Änderung am JavaScript.
"""

from __future__ import annotations

import base64
import json
import re
import struct
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from aufmerksamkeit.core.multihead import MultiHeadAttention
from aufmerksamkeit.models.char_gpt import CharGPT, load_text
from aufmerksamkeit.models.pronoun.model import PronounResolver
from aufmerksamkeit.models.registry import LAB_MODELS, lab_model
from aufmerksamkeit.models.vision import VisionTransformer

MAGIC = b"AUFM"


def encode_export(tensors: dict[str, torch.Tensor], header: dict[str, Any]) -> bytes:
    """Tensoren (float32) und Kopf → Bytes im Labor-Format."""
    entries, chunks, offset = [], [], 0
    for name, value in tensors.items():
        array = np.ascontiguousarray(value.detach().cpu().numpy(), dtype="<f4")
        if not np.all(np.isfinite(array)):
            raise ValueError(
                f"Der Tensor {name} enthält NaN oder ∞ – so lässt er sich nicht exportieren."
            )
        entries.append({"name": name, "shape": list(array.shape), "offset": offset})
        chunks.append(array.tobytes())
        offset += array.size
    text = json.dumps({**header, "tensors": entries}, ensure_ascii=False, separators=(",", ":"))
    raw = text.encode("utf-8")
    raw += b" " * (-(8 + len(raw)) % 4)
    return MAGIC + struct.pack("<I", len(raw)) + raw + b"".join(chunks)


def decode_export(data: bytes) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """Umkehrung von :func:`encode_export`: ``(kopf, {name: Tensor})``."""
    if data[:4] != MAGIC:
        raise ValueError(f"Keine Labor-Gewichtsdatei: Kennung {data[:4]!r} statt {MAGIC!r}.")
    (length,) = struct.unpack("<I", data[4:8])
    header = json.loads(data[8 : 8 + length].decode("utf-8"))
    values = np.frombuffer(data, dtype="<f4", offset=8 + length)
    tensors = {}
    for entry in header["tensors"]:
        size = int(np.prod(entry["shape"], dtype=np.int64))
        chunk = values[entry["offset"] : entry["offset"] + size]
        tensors[entry["name"]] = torch.tensor(chunk.reshape(entry["shape"]).copy())
    return header, tensors


def _heads(model: nn.Module) -> dict[str, int]:
    """Kopfzahl jeder Attention-Schicht, benannt wie im state_dict."""
    return {
        name: module.num_heads
        for name, module in model.named_modules()
        if isinstance(module, MultiHeadAttention)
    }


def _meta(meta: dict[str, Any]) -> dict[str, Any]:
    keep = ("name", "seed", "metrics", "config", "torch")
    return json.loads(json.dumps({k: meta[k] for k in keep if k in meta}, default=float))


def export_model(model: nn.Module, kind: str, extra: dict[str, Any], meta: dict[str, Any]) -> bytes:
    """Exportiert das ``state_dict`` von ``model`` mit Kopf (Art, Köpfe, Extras, Metadaten)."""
    state = model.state_dict()
    header = {
        "format": 1,
        "kind": kind,
        "name": meta.get("name", kind),
        "heads": _heads(model),
        "extra": extra,
        "meta": _meta(meta),
    }
    return encode_export(dict(state.items()), header)


# --- die drei Modelle


def export_lab(lab: str) -> bytes:
    """Die Gewichtsdatei eines Labors (``pronomen``, ``textgenerierung`` oder ``ziffern``)."""
    entry = lab_model(lab)
    model, data, meta = entry.load()
    return export_model(model, entry.lab.kind, entry.lab.extra(model, data), meta)


def slim_script(text: str, labs: set[str] | None = None) -> str:
    """``transformer.js`` für eine Seite: nur die Labore ``labs``, ohne Kommentare und Einrückung.

    Abschnitte ``// <labor name>`` … ``// </labor>`` anderer Labore fallen weg.
    Gedacht nur für ``transformer.js``: Es enthält keine mehrzeiligen Zeichenketten
    und kein ``/*`` oder ``//`` am Zeilenanfang innerhalb von Zeichenketten.
    """
    if labs is not None:
        unknown = set(labs) - set(LAB_MODELS)
        if unknown:
            raise ValueError(
                f"Unbekannte Labore {sorted(unknown)}; bekannt sind {sorted(LAB_MODELS)}."
            )

        def keep(match: re.Match) -> str:
            return match.group(0) if match.group(1) in labs else ""

        text = re.sub(
            r"^[ \t]*// <labor (\w+)>.*?^[ \t]*// </labor>[^\n]*\n", keep, text, flags=re.S | re.M
        )
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


def write_lab_files(lab: str, directory: Path) -> list[Path]:
    """Schreibt ``<datei>.bin`` und die Base64-Ersatzdatei ``<datei>.js`` (für file://)."""
    data = export_lab(lab)
    name = lab_model(lab).name
    directory.mkdir(parents=True, exist_ok=True)
    binary = directory / f"{name}.bin"
    binary.write_bytes(data)
    fallback = directory / f"{name}.js"
    encoded = base64.b64encode(data).decode("ascii")
    fallback.write_text(
        "/* Gewichte für Seiten, die direkt aus einer Datei (file://) geöffnet werden. */\n"
        "(window.AufmerksamkeitLaborDaten = window.AufmerksamkeitLaborDaten || {})"
        f"[{json.dumps(name)}] = {json.dumps(encoded)};\n",
        encoding="utf-8",
    )
    return [binary, fallback]


# --- zurück nach PyTorch


def model_from_export(data: bytes) -> tuple[nn.Module, dict[str, Any]]:
    """Baut aus einer exportierten Datei wieder ein PyTorch-Modell: ``(model, kopf)``."""
    header, tensors = decode_export(data)
    extra, heads, kind = header["extra"], header["heads"], header["kind"]
    if kind == "pronomen":
        embed_dim = tensors["embedding.token.weight"].shape[1]
        model = PronounResolver(
            extra["noun_of_token"],
            len(extra["nouns"]),
            extra["pronoun_ids"],
            embed_dim=embed_dim,
            num_heads=heads["resolver"],
            context_heads=heads["context.attention"],
            max_len=extra["max_len"],
        )
    elif kind == "char_gpt":
        vocab_size, embed_dim = tensors["embedding.token.weight"].shape
        model = CharGPT(
            vocab_size,
            extra["context"],
            embed_dim,
            heads["blocks.0.attention"],
            extra["num_layers"],
        )
    elif kind == "vit":
        model = VisionTransformer(
            extra["image_size"],
            extra["patch_size"],
            tensors["class_token"].shape[-1],
            heads["blocks.0.attention"],
            extra["num_layers"],
            extra["num_classes"],
        )
    else:
        raise ValueError(f"Unbekannte Modellart {kind!r} in der Gewichtsdatei.")
    model.load_state_dict(tensors, strict=True)
    return model.eval(), header


# --- Vergleich JS ↔ PyTorch


def conformance_inputs(header: dict[str, Any], count: int = 50, seed: int = 0) -> list[list]:
    """``count`` Eingaben für den Vergleich von ``transformer.js`` mit PyTorch.

    Pronomen: Sätze aller Satzrahmen und zufällige Wortfolgen mit „sie“/„er“ an
    zufälliger Stelle; Char-GPT: Textstücke aller Längen bis zum Kontext und
    Zufallszeichen; ViT: Beispielbilder, Rauschen und Schwarz-Weiß-Muster.
    """
    rng = np.random.default_rng(seed)
    extra, kind = header["extra"], header["kind"]
    inputs: list[list] = []
    if kind == "pronomen":
        vocab, slots, frames = extra["vocab"], extra["slots"], extra["frames"]
        pronouns = [vocab[i] for i in extra["pronoun_ids"]]
        adjectives = slots["adjectives"]["actor"] + slots["adjectives"]["obstacle"]
        for i in range(count):
            if i % 2 == 0:  # ein Satz aus einem der Rahmen
                g = "f" if i % 4 == 0 else "m"
                words = extra["forms"][g] | {
                    "ACTOR": str(rng.choice(slots["actors"][g])),
                    "OBSTACLE": str(rng.choice(slots["obstacles"][g])),
                    "ADJECTIVE": str(rng.choice(adjectives)),
                }
                frame = frames[sorted(frames)[(i // 2) % len(frames)]]
                tokens = [words.get(slot, slot) for slot in frame]
            else:  # Zufallswörter, das Pronomen an einer zufälligen Stelle
                length = int(rng.integers(2, extra["max_len"] + 1))
                tokens = list(rng.choice(vocab, size=length))
                tokens[int(rng.integers(length))] = pronouns[i % 3 == 0]
            inputs.append([vocab.index(str(t)) for t in tokens])
    elif kind == "char_gpt":
        chars, context = extra["chars"], extra["context"]
        lookup = {c: i for i, c in enumerate(chars)}
        text = [lookup[c] for c in load_text() if c in lookup]
        for i in range(count):
            length = 1 + i % context
            if i % 5 == 4:
                inputs.append(rng.integers(0, len(chars), size=length).tolist())
            else:
                start = int(rng.integers(0, len(text) - length))
                inputs.append(text[start : start + length])
    elif kind == "vit":
        size = extra["image_size"]
        examples = [e["pixels"] for e in extra.get("examples", [])]
        for i in range(count):
            if i < len(examples):
                inputs.append(list(examples[i]))
            elif i % 2:
                inputs.append(rng.random(size * size).round(4).tolist())
            else:
                inputs.append((rng.random(size * size) < 0.3).astype(float).tolist())
    else:
        raise ValueError(f"Unbekannte Modellart {kind!r}.")
    return inputs


@torch.no_grad()
def reference_outputs(model: nn.Module, kind: str, inputs: list[list]) -> list[dict[str, Any]]:
    """PyTorch-Ausgaben in derselben Form wie ``referenceOutputs`` in ``transformer.js``.

    Je Eingabe ``{"logits": …, "weights": [Schicht][Kopf][i][j]}``; Logits sind beim
    Pronomen-Modell die Log-Wahrscheinlichkeiten der Nomen, beim Char-GPT (L, V).
    """
    model.eval()
    results = []
    for item in inputs:
        if kind == "pronomen":
            logits = model(torch.tensor([item]))[0]
            weights = [model.context.last_weights[0], model.last_weights[0]]
        elif kind == "char_gpt":
            logits = model(torch.tensor([item]))[0]
            weights = [block.last_weights[0] for block in model.blocks]
        elif kind == "vit":
            size = model.image_size
            logits = model(torch.tensor(item, dtype=torch.float32).reshape(1, size, size))[0]
            weights = [block.last_weights[0] for block in model.blocks]
        else:
            raise ValueError(f"Unbekannte Modellart {kind!r}.")
        results.append(
            {"logits": logits.double().tolist(), "weights": [w.double().tolist() for w in weights]}
        )
    return results


def max_abs_difference(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> dict[str, float]:
    """Größte Abweichung von Logits und Gewichten zweier Ausgabelisten (gleiche Formen verlangt)."""
    diffs = {"logits": 0.0, "weights": 0.0}
    if len(a) != len(b):
        raise ValueError(f"Verschieden viele Ausgaben: {len(a)} und {len(b)}.")
    for x, y in zip(a, b):
        pairs = [("logits", x["logits"], y["logits"])]
        if len(x["weights"]) != len(y["weights"]):
            raise ValueError(
                f"Verschieden viele Schichten: {len(x['weights'])} und {len(y['weights'])}."
            )
        pairs += [("weights", u, v) for u, v in zip(x["weights"], y["weights"])]
        for key, u, v in pairs:
            left, right = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
            if left.shape != right.shape:
                raise ValueError(f"{key}: Formen {left.shape} und {right.shape} passen nicht.")
            diffs[key] = max(diffs[key], float(np.max(np.abs(left - right))))
    return diffs
