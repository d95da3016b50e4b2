"""Die Labore in JupyterLab: dieselben Versuche wie im Buch, mit ipywidgets und PyTorch.

Im gebauten Buch rechnen die Labore in JavaScript (``_vendor/labor/transformer.js``);
im Notebook mit laufendem Kernel rechnet PyTorch. Jede Funktion gibt ein
:class:`Labor` zurück: In JupyterLab erscheint das ipywidget (``labor.widget``),
im Buch der Platzhalter, den das Skript zum selben Labor ausbaut – so sieht
niemand ein Widget, das ohne Kernel nichts tut.

Benutzung im Notebook::

    model, corpus, meta = load_pronoun_model()
    pronoun_lab(model, corpus)

Das Sampling (:func:`sample_seeded`) ist Zeichen für Zeichen dasselbe wie im
Browser (gleicher Zufallsgenerator Mulberry32, gleiche Ziehung): Derselbe Seed
gibt im Notebook und im Buch denselben Text.
"""

from __future__ import annotations

import difflib
import html
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch
from torch import nn

from aufmerksamkeit.core.formatting import decimal_comma, largest_remainder, percent, percents
from aufmerksamkeit.models.pronoun.corpus import (
    ADJECTIVES,
    FEMININE_ACTORS,
    FEMININE_OBSTACLES,
    FRAMES,
    MASCULINE_ACTORS,
    MASCULINE_OBSTACLES,
    NOUNS,
    PRONOUNS,
    SEED_FRAME,
    detokenize,
    make_sentence,
    tokenize,
)
from aufmerksamkeit.models.pronoun.model import pronoun_position
from aufmerksamkeit.models.registry import lab_model
from aufmerksamkeit.models.vision import digit_examples
from aufmerksamkeit.web.labs import placeholder_html

_MASK32 = 0xFFFFFFFF


# --- Platzhalter


@dataclass
class Labor:
    """Ein Labor: ``widget`` für JupyterLab, Platzhalter fürs Buch (``text/html``)."""

    lab: str
    widget: widgets.Widget

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["text/html"] = placeholder_html(self.lab)
        bundle["text/plain"] = (
            f"{lab_model(self.lab).lab.title} (interaktiv, braucht einen laufenden Kernel)"
        )
        return bundle


# --- Zufall wie im Browser


def mulberry32(seed: int) -> Iterator[float]:
    """Zufallszahlen in [0, 1) – dieselbe Folge wie ``mulberry32`` in ``transformer.js``."""
    a = seed & _MASK32
    while True:
        a = (a + 0x6D2B79F5) & _MASK32
        t = ((a ^ (a >> 15)) * (1 | a)) & _MASK32
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & _MASK32)) & _MASK32) ^ t
        yield ((t ^ (t >> 14)) & _MASK32) / 4294967296


def sample_index(logits: Sequence[float], temperature: float, u: float) -> int:
    """Index aus softmax(logits / temperatur), gezogen mit der Zufallszahl ``u`` (wie im Buch)."""
    if not (temperature > 0 and math.isfinite(temperature)):
        raise ValueError(f"temperature muss positiv und endlich sein, erhalten: {temperature}.")
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    probs = np.exp(scaled - scaled.max())
    probs /= probs.sum()
    cumulative = 0.0
    for index, p in enumerate(probs):
        cumulative += p
        if u < cumulative:
            return index
    return len(probs) - 1


@torch.no_grad()
def sample_seeded(
    model: nn.Module, vocab, prompt: str, length: int, temperature: float = 0.8, seed: int = 1
) -> tuple[str, list[dict]]:
    """Erzeugt ``length`` Zeichen wie das Labor im Buch: ``(text, schritte)``.

    Jeder Schritt enthält das Fenster (Indizes) und die Gewichte aller Blöcke
    (Block, Kopf, Fensterlänge) der letzten Fensterposition.
    """
    model.eval()
    ids = vocab.encode(prompt).tolist()
    if not ids:
        raise ValueError("Der Anfang (prompt) braucht mindestens ein Zeichen.")
    rng, steps = mulberry32(seed), []
    for _ in range(length):
        window = ids[-model.context :]
        logits = model(torch.tensor([window]))[0, -1]  # (V,)
        next_id = sample_index(logits.double().tolist(), temperature, next(rng))
        weights = np.stack([b.last_weights[0, :, -1].numpy() for b in model.blocks])  # (B, h, L)
        steps.append({"id": next_id, "window": window, "weights": weights})
        ids.append(next_id)
    return vocab.decode([s["id"] for s in steps]), steps


# --- HTML-Bausteine


def heat_color(weight: float) -> tuple[str, str]:
    """Hintergrund (weiß → dunkelblau) und Schriftfarbe mit genug Kontrast – wie im Browser."""
    w = min(max(float(weight), 0.0), 1.0)
    rgb = [round(f + (t - f) * math.sqrt(w)) for f, t in zip((255, 255, 255), (8, 48, 107))]
    lin = [
        c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb
    ]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    text = "#000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#fff"
    return "rgb({},{},{})".format(*rgb), text


def heat_table(
    caption: str,
    columns: Sequence[str],
    rows: Sequence[str],
    values: np.ndarray,
    highlight: int | None = None,
) -> str:
    """Heatmap als HTML-Tabelle: Zeilen × Spalten, Zellen in Prozent."""
    cell = "padding:2px 4px;text-align:center;min-width:1.9em;border:1px solid #fff"
    head = "".join(
        f'<th style="padding:2px 4px;{"text-decoration:underline" if j == highlight else ""}">'
        f"{html.escape(c)}</th>"
        for j, c in enumerate(columns)
    )
    body = ""
    for label, row in zip(rows, np.asarray(values)):
        cells = ""
        for w, shown in zip(row, largest_remainder(row)):  # Zeile summiert sich zu 100
            bg, fg = heat_color(w)
            cells += f'<td style="{cell};background:{bg};color:{fg}">{shown}</td>'
        body += (
            f'<tr><th style="padding:2px 4px;text-align:left">{html.escape(label)}</th>{cells}</tr>'
        )
    return (
        '<div style="overflow-x:auto"><table style="border-collapse:collapse;font-size:0.85em">'
        f'<caption style="caption-side:top;text-align:left">{html.escape(caption)}</caption>'
        f"<thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def bars_html(items: Sequence[tuple[str, float]], strong: int = 0) -> str:
    """Balken mit Prozentwerten; ``strong`` ist der hervorgehobene Eintrag."""
    lines = []
    shown = percents([value for _, value in items])  # Summe wie die Summe der Anteile
    for i, ((label, value), text) in enumerate(zip(items, shown)):
        color = "#1f4e8c" if i == strong else "#6b8fb8"
        width = 100 * min(max(value, 0.0), 1.0)
        lines.append(
            f'<div style="display:flex;gap:0.5em;align-items:center"><span style="width:6em">'
            f'{html.escape(label)}</span><span style="width:14em;background:#e8edf3;height:0.8em">'
            f'<span style="display:block;height:100%;width:{width:.1f}%;background:{color}">'
            f"</span></span><span>{text}</span></div>"
        )
    return "".join(lines)


# --- Pronomen-Labor


_ARTICLES = ("Die", "die", "Der", "der", "Den", "den", "Dem", "dem")


def same_role_words(tokens: Sequence[str], index: int, vocab: Sequence[str]) -> list[str]:
    """Wörter, die an Stelle ``index`` dieselbe Rolle hätten: nach „sie“/„er“ ein Adjektiv,
    nach einem Artikel ein Nomen, sonst der ganze Wortschatz (wie ``sameRoleWords`` in JS)."""
    previous = tokens[index - 1] if index > 0 else ""
    if previous in PRONOUNS:
        return [w for w in ADJECTIVES if w in vocab]
    if previous in _ARTICLES:
        return [w for w in NOUNS if w in vocab]
    return list(vocab)


def check_sentence(tokens: Sequence[str], vocab: Sequence[str], max_len: int) -> str:
    """Deutscher Hinweis, warum das Modell den Satz nicht verarbeiten kann – oder ``""``."""
    unknown = [t for t in tokens if t not in set(vocab)]
    if unknown:
        candidates = same_role_words(tokens, list(tokens).index(unknown[0]), vocab)
        guess = difflib.get_close_matches(unknown[0], candidates, n=1, cutoff=0.6)
        hint = f" – meinten Sie „{guess[0]}“?" if guess else "."
        return (
            f"Das Wort „{unknown[0]}“ kennt das Modell nicht{hint} Es kennt nur die "
            f"{len(vocab)} Wörter seines Korpus (alle stehen in den Auswahllisten)."
        )
    if len(tokens) > max_len:
        return (
            f"Der Satz hat {len(tokens)} Tokens; das Modell verarbeitet höchstens {max_len} "
            "(Satzzeichen zählen mit)."
        )
    if not any(t in PRONOUNS for t in tokens):
        return "Im Satz steht kein Pronomen: Das Modell braucht „sie“ oder „er“."
    return ""


@torch.no_grad()
def pronoun_report(model: nn.Module, corpus, tokens: Sequence[str]) -> str:
    """Vorhersage und Heatmaps der Pronomen-Zeile (beide Schichten) als HTML."""
    model.eval()
    p = pronoun_position(list(tokens))
    log_probs = model(corpus.encode(list(tokens)))[0]  # (Nomen,)
    probs = log_probs.exp().numpy()
    layers = {
        "Schicht 1 (Kontext)": model.context.last_weights[0, :, p].numpy(),  # (h, L)
        "Schicht 2 (Auflösung)": model.last_weights[0, :, p].numpy(),
    }
    nouns = []
    for t in tokens:
        if t in corpus.noun_to_id and t not in nouns:
            nouns.append(t)
    nouns.sort(key=lambda n: -probs[corpus.noun_to_id[n]])
    parts = []
    if nouns:
        best = nouns[0]
        parts.append(
            f"<p>Das Modell bezieht „{html.escape(tokens[p])}“ auf <strong>{html.escape(best)}"
            f"</strong> ({percents([float(probs[corpus.noun_to_id[n]]) for n in nouns])[0]}).</p>"
        )
        parts.append(bars_html([(n, float(probs[corpus.noun_to_id[n]])) for n in nouns]))
    else:
        parts.append("<p>Im Satz steht kein Nomen, auf das das Pronomen zeigen könnte.</p>")
    for name, rows in layers.items():
        labels = [f"Kopf {i + 1}" for i in range(len(rows))]
        if "Auflösung" in name:
            rows = np.vstack([rows, rows.mean(0)])
            labels.append("Mittel")
        caption = f"{name}: Aufmerksamkeit von „{tokens[p]}“ in Prozent"
        parts.append(heat_table(caption, list(tokens), labels, rows, highlight=p))
    return "".join(parts)


def pronoun_lab(model: nn.Module, corpus) -> Labor:
    """Pronomen-Labor: Satz aus Auswahllisten oder frei eingeben, Vorhersage und Heatmaps."""
    genders = {n: "f" for n in FEMININE_ACTORS + FEMININE_OBSTACLES}
    genders.update({n: "m" for n in MASCULINE_ACTORS + MASCULINE_OBSTACLES})
    obstacles = {"f": list(FEMININE_OBSTACLES), "m": list(MASCULINE_OBSTACLES)}
    layout = widgets.Layout(width="auto")
    actor = widgets.Dropdown(
        options=list(FEMININE_ACTORS + MASCULINE_ACTORS), value="Katze", description="Handelnder",
        layout=layout,
    )  # fmt: skip
    obstacle = widgets.Dropdown(
        options=obstacles["f"], value="Mauer", description="Hindernis", layout=layout
    )
    adjective = widgets.Dropdown(
        options=list(ADJECTIVES), value="hoch", description="Adjektiv",
        layout=layout,
    )  # fmt: skip
    frame = widgets.Dropdown(
        options=[(make_sentence("Katze", "Mauer", "hoch", f).text, f) for f in FRAMES],
        value=SEED_FRAME, description="Satzbau", layout=layout,
    )  # fmt: skip
    text = widgets.Text(description="Satz", layout=widgets.Layout(width="100%"))
    hint = widgets.HTML()
    output = widgets.HTML()
    busy = {"sync": False}

    def slot_tokens() -> list[str]:
        return list(make_sentence(actor.value, obstacle.value, adjective.value, frame.value).tokens)

    def show(tokens: list[str]) -> None:
        problem = check_sentence(tokens, corpus.vocab, model.embedding.max_len)
        hint.value = f'<p style="color:#8a1c13">{html.escape(problem)}</p>' if problem else ""
        # Ein ungültiger Satz löscht das alte Ergebnis, damit nichts Veraltetes stehen bleibt.
        output.value = "" if problem else pronoun_report(model, corpus, tokens)

    def on_slot(change: dict | None = None) -> None:
        if busy["sync"]:
            return
        busy["sync"] = True
        g = genders[actor.value]
        if obstacle.options != tuple(obstacles[g]):
            index = list(obstacle.options).index(obstacle.value)
            obstacle.options = obstacles[g]
            obstacle.value = obstacles[g][index]
        tokens = slot_tokens()
        text.value = detokenize(tokens)
        busy["sync"] = False
        show(tokens)

    def on_text(change: dict) -> None:
        if busy["sync"]:
            return
        tokens = tokenize(text.value)
        try:  # Steht der Satz im Korpus, folgen die Auswahllisten dem Text.
            example = corpus.example(tokens)
        except ValueError:
            example = None
        if example is not None:
            busy["sync"] = True
            frame.value, actor.value = example.frame, example.actor
            obstacle.options = obstacles[example.gender]
            obstacle.value, adjective.value = example.obstacle, example.adjective
            busy["sync"] = False
        show(tokens)

    for control in (frame, actor, obstacle, adjective):
        control.observe(on_slot, names="value")
    text.observe(on_text, names="value")
    on_slot()
    box = widgets.VBox([frame, widgets.HBox([actor, obstacle, adjective]), text, hint, output])
    return Labor("pronomen", box)


# --- Textgenerierung


def _char_label(c: str) -> str:
    return {" ": "␣", "\n": "↵"}.get(c, c)


def generation_report(vocab, prompt: str, text: str, steps: list[dict], step: int) -> str:
    """Erzeugter Text und die Aufmerksamkeit der letzten Fensterposition im Schritt ``step``."""
    entry = steps[step - 1]
    chars = [_char_label(vocab.chars[i]) for i in entry["window"]]
    weights = entry["weights"]  # (B, h, L)
    rows = weights.reshape(-1, weights.shape[-1])
    labels = [
        f"Block {b + 1}, Kopf {h + 1}"
        for b in range(weights.shape[0])
        for h in range(weights.shape[1])
    ]
    new = "".join(
        f'<span style="outline:2px solid #d9480f">{html.escape(c)}</span>' if i == step - 1
        else html.escape(c)
        for i, c in enumerate(text)
    )  # fmt: skip
    caption = f"Aufmerksamkeit von „{chars[-1]}“ (Zeichen {step}) in Prozent"
    return (
        f'<p style="font-family:monospace;white-space:pre-wrap">{html.escape(prompt)}'
        f'<span style="background:#e3f3e8">{new}</span></p>'
        + heat_table(caption, chars, labels, rows, highlight=len(chars) - 1)
    )


def generation_lab(model: nn.Module, vocab, prompt: str = "Die Aufmerksamkeit ") -> Labor:
    """Textgenerierung live: Anfang, Temperatur, Seed, „Erzeugen“, Aufmerksamkeit je Zeichen."""
    prompt_box = widgets.Text(value=prompt, description="Anfang")
    temperature = widgets.FloatSlider(
        value=0.8, min=0.1, max=2.0, step=0.1, description="Temperatur", readout_format=".1f"
    )
    seed = widgets.BoundedIntText(value=1, min=0, max=999_999, description="Seed")
    length = widgets.IntSlider(value=120, min=1, max=400, description="Zeichen")
    button = widgets.Button(description="Erzeugen", button_style="primary")
    step = widgets.IntSlider(value=1, min=1, max=1, description="Zeichen Nr.", disabled=True)
    hint = widgets.HTML()
    output = widgets.HTML()
    state: dict = {"steps": [], "text": "", "prompt": prompt}

    def run(_: object = None) -> None:
        unknown = sorted(set(prompt_box.value) - set(vocab.chars))
        if not prompt_box.value or unknown:
            names = ", ".join(f"„{c}“" for c in unknown)
            message = (
                f"Das Modell kennt diese Zeichen nicht: {names}."
                if unknown
                else "Bitte mindestens ein Zeichen eingeben."
            )
            hint.value = f"<p style='color:#8a1c13'>{html.escape(message)}</p>"
            return
        text, steps = sample_seeded(
            model, vocab, prompt_box.value, length.value, temperature.value, seed.value
        )
        state.update(steps=steps, text=text, prompt=prompt_box.value)
        hint.value = (
            f"<p>Fertig: {len(text)} Zeichen bei Temperatur {decimal_comma(temperature.value, 1)} "
            f"und Seed {seed.value} (derselbe Seed gibt denselben Text – auch im Buch).</p>"
        )
        step.max, step.value, step.disabled = len(steps), len(steps), False
        show()

    def show(_: object = None) -> None:
        if state["steps"]:
            output.value = generation_report(
                vocab, state["prompt"], state["text"], state["steps"], step.value
            )

    button.on_click(run)
    step.observe(show, names="value")
    run()
    box = widgets.VBox(
        [prompt_box, widgets.HBox([temperature, seed]), widgets.HBox([length, button]), hint, step,
         output]
    )  # fmt: skip
    return Labor("textgenerierung", box)


# --- Ziffer zeichnen


def _patch_table(name: str, weights: np.ndarray, grid: int) -> str:
    best = int(np.argmax(weights))
    caption = f"{name}: stärkster Patch {percent(weights[best])}"
    labels = [str(c + 1) for c in range(grid)]
    return heat_table(
        caption, labels, [f"Zeile {r + 1}" for r in range(grid)], weights.reshape(grid, grid)
    )


@torch.no_grad()
def digit_report(model: nn.Module, pixels: np.ndarray) -> str:
    """Klassenwahrscheinlichkeiten und Aufmerksamkeit des Klassen-Tokens (je Block und Kopf)."""
    if not np.asarray(pixels).any():
        return "<p>Zeichnen Sie eine Ziffer.</p>"  # ohne Eingabe keine Antwort
    model.eval()
    image = torch.tensor(np.asarray(pixels, dtype=np.float32)).reshape(1, model.image_size, -1)
    probs = torch.softmax(model(image)[0], -1).numpy()
    best = int(probs.argmax())
    grid = model.image_size // model.patch_size
    parts = [
        f"<p>Das Modell erkennt die Ziffer <strong>{best}</strong> ({percent(probs[best])}).</p>",
        bars_html([(str(i), float(p)) for i, p in enumerate(probs)], strong=best),
    ]
    for b, block in enumerate(model.blocks):
        rows = block.last_weights[0, :, 0, 1:].numpy()  # (h, P)
        tables = [_patch_table("Mittel", rows.mean(0), grid)]
        tables += [_patch_table(f"Kopf {h + 1}", w, grid) for h, w in enumerate(rows)]
        cells = "".join(f'<div style="margin-right:1em">{t}</div>' for t in tables)
        parts.append(
            f"<p>Block {b + 1}: Aufmerksamkeit des Klassen-Tokens auf die Patches (Prozent)</p>"
            f'<div style="display:flex;flex-wrap:wrap">{cells}</div>'
        )
    return "".join(parts)


def digit_lab(model: nn.Module, examples: Sequence[tuple[np.ndarray, int]] | None = None) -> Labor:
    """Ziffer zeichnen: 8 × 8 Schaltflächen, Beispiele, Wahrscheinlichkeiten, Aufmerksamkeit."""
    if examples is None:
        examples = digit_examples()
    size = model.image_size
    pixels = np.zeros((size, size))
    buttons = [
        widgets.ToggleButton(
            value=False, description="", tooltip=f"Zeile {r + 1}, Spalte {c + 1}",
            layout=widgets.Layout(width="28px", height="28px", padding="0"),
        )
        for r in range(size) for c in range(size)
    ]  # fmt: skip
    grid = widgets.GridBox(
        buttons,
        layout=widgets.Layout(grid_template_columns=f"repeat({size}, 28px)", grid_gap="1px"),
    )
    choice = widgets.Dropdown(
        options=[("– Beispiel laden –", -1)]
        + [(f"Testbild: Ziffer {label}", i) for i, (_, label) in enumerate(examples)],
        value=-1,
        description="Beispiel",
    )
    clear = widgets.Button(description="Alles löschen")
    output = widgets.HTML()
    busy = {"sync": False}

    def paint() -> None:
        busy["sync"] = True
        for k, b in enumerate(buttons):
            v = pixels.flat[k]
            b.value = bool(v >= 0.5)
            gray = round(255 * (1 - v))
            b.style.button_color = f"rgb({gray},{gray},{gray})"
        busy["sync"] = False
        output.value = digit_report(model, pixels)

    def on_toggle(change: dict) -> None:
        if busy["sync"]:
            return
        k = buttons.index(change["owner"])
        pixels.flat[k] = 1.0 if change["new"] else 0.0
        paint()

    def on_choice(change: dict) -> None:
        if change["new"] >= 0:
            pixels[:] = np.asarray(examples[change["new"]][0]).reshape(size, size)
            paint()

    def on_clear(_: object) -> None:
        pixels[:] = 0
        choice.value = -1
        paint()

    for b in buttons:
        b.observe(on_toggle, names="value")
    choice.observe(on_choice, names="value")
    clear.on_click(on_clear)
    start = next((i for i, (_, label) in enumerate(examples) if label == 3), 0)
    choice.value = start if examples else -1
    if not examples:
        paint()
    box = widgets.VBox([widgets.HBox([grid, widgets.VBox([choice, clear])]), output])
    return Labor("ziffern", box)


#: Die JupyterLab-Fassung jedes Labors aus dem Verzeichnis der Modelle (gleiche Namen).
LAB_WIDGETS: dict[str, Callable[..., Labor]] = {
    "pronomen": pronoun_lab,
    "textgenerierung": generation_lab,
    "ziffern": digit_lab,
}
