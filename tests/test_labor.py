"""Die Labore in JupyterLab (ipywidgets) und das Sampling, das dem Browser gleicht."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aufmerksamkeit.models.char_gpt import load_char_gpt, sample
from aufmerksamkeit.models.pronoun.corpus import tokenize
from aufmerksamkeit.models.pronoun.model import load_pronoun_model
from aufmerksamkeit.models.vision import load_vit
from aufmerksamkeit.notebook import labor


@pytest.fixture(scope="module")
def pronoun():
    model, corpus, _ = load_pronoun_model()
    return model, corpus


@pytest.fixture(scope="module")
def char_gpt():
    model, vocab, _ = load_char_gpt()
    return model, vocab


def test_mulberry32_gleich_wie_im_browser() -> None:
    # Dieselben Zahlen prüft tests/js/transformer.test.mjs für transformer.js.
    rng = labor.mulberry32(1)
    assert [next(rng) for _ in range(3)] == [
        0.6270739405881613,
        0.002735721180215478,
        0.5274470399599522,
    ]
    rng = labor.mulberry32(123456)
    assert [next(rng) for _ in range(3)] == [
        0.38233304349705577,
        0.7972629074938595,
        0.9965302373748273,
    ]


def test_sample_index_folgt_der_verteilung() -> None:
    logits = np.log([0.2, 0.3, 0.5])
    assert [labor.sample_index(logits, 1.0, u) for u in (0.1, 0.3, 0.7)] == [0, 1, 2]
    assert labor.sample_index([0.0, 5.0, 1.0], 0.01, 0.999) == 1
    with pytest.raises(ValueError, match="temperature"):
        labor.sample_index(logits, 0.0, 0.5)


def test_sample_seeded_ist_reproduzierbar_und_kausal(char_gpt) -> None:
    model, vocab = char_gpt
    text, steps = labor.sample_seeded(model, vocab, "Die ", 20, temperature=0.8, seed=3)
    again, _ = labor.sample_seeded(model, vocab, "Die ", 20, temperature=0.8, seed=3)
    other, _ = labor.sample_seeded(model, vocab, "Die ", 20, temperature=0.8, seed=4)
    assert text == again and len(text) == 20 and text != other
    assert steps[0]["weights"].shape == (len(model.blocks), 4, 4)
    np.testing.assert_allclose(steps[-1]["weights"].sum(-1), 1.0, atol=1e-5)
    # Kleine Temperatur: fast immer das wahrscheinlichste Zeichen, wie bei sample()
    greedy, _ = labor.sample_seeded(model, vocab, "Die ", 10, temperature=0.01, seed=0)
    assert greedy == sample(model, vocab, "Die ", 10, temperature=0.01, seed=0)


def test_platzhalter_und_mimebundle(pronoun) -> None:
    lab = labor.pronoun_lab(*pronoun)
    bundle = lab._repr_mimebundle_()
    assert 'data-aufm-labor="pronomen"' in bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "Kernel" in bundle["text/plain"]
    with pytest.raises(ValueError, match="Unbekanntes Labor"):
        labor.placeholder_html("tiger")


def test_pronomen_labor_reagiert_auf_auswahl_und_freitext(pronoun) -> None:
    model, corpus = pronoun
    box = labor.pronoun_lab(model, corpus).widget
    frame = box.children[0]
    (actor, obstacle, adjective), text, hint, output = box.children[1].children, *box.children[2:]
    assert text.value == "Die Katze sprang über die Mauer, weil sie hoch war."
    expected = output.value
    assert "Schicht 2 (Auflösung)" in output.value
    adjective.value = "müde"
    assert text.value.endswith("weil sie müde war.") and output.value != expected
    actor.value = "Hund"  # maskulin: Hindernisse und Artikel wechseln mit
    assert obstacle.value in (
        "Zaun",
        "Graben",
        "Stein",
        "Balken",
        "Baumstamm",
        "Bach",
        "Tisch",
        "Wall",
    )
    assert text.value.startswith("Der Hund sprang über den ")
    text.value = "Die Katze sprang über die Tiger, weil sie hoch war."
    assert "„Tiger“ kennt das Modell nicht" in hint.value
    assert output.value == ""  # kein veraltetes Ergebnis neben dem Hinweis
    text.value = "Die Katze sprang über die Mauer, weil sie hoch war."
    assert hint.value == "" and "Schicht 2" in output.value
    # Anderer Satzbau im Text: die Auswahllisten folgen.
    text.value = "Die Mauer hielt die Katze auf, weil sie hoch war."
    assert (frame.value, actor.value, obstacle.value) == ("hielt_auf", "Katze", "Mauer")
    frame.value = "ueber_die"
    assert text.value == "Über die Mauer sprang die Katze, weil sie hoch war."


def test_pronomen_bericht_nennt_das_wahrscheinlichste_nomen(pronoun) -> None:
    model, corpus = pronoun
    tokens = corpus.examples[0].tokens
    report = labor.pronoun_report(model, corpus, tokens)
    with torch.no_grad():
        best = corpus.nouns[model(corpus.encode(list(tokens))).argmax(-1).item()]
    assert f"<strong>{best}</strong>" in report


def test_check_sentence_hinweise() -> None:
    vocab = ["Die", "Katze", "sie", "Tisch"]
    assert "meinten Sie „Tisch“" in labor.check_sentence(["Tish"], vocab, 12)
    assert "höchstens 3" in labor.check_sentence(["Die"] * 4, vocab, 3)
    assert "kein Pronomen" in labor.check_sentence(["Die", "Katze", "Katze"], vocab, 12)
    assert labor.check_sentence(["Die", "Katze", "sie"], vocab, 12) == ""
    assert labor.check_sentence(["sie", "Katze", "Die"], vocab, 12) == ""


def test_vorschlag_nur_aus_derselben_rolle(pronoun) -> None:
    """Ein Vorschlag passt zur Stelle: kein Nomen für ein Adjektiv und umgekehrt."""
    _, corpus = pronoun
    adjektiv_stelle = tokenize("Die Katze sprang über die Mauer, weil sie flach war.")
    hinweis = labor.check_sentence(adjektiv_stelle, corpus.vocab, 12)
    assert "„flach“" in hinweis and "Bach" not in hinweis  # „Bach“ ist ein Nomen
    nomen_stelle = tokenize("Die Katze sprang über die steif, weil sie hoch war.")
    assert "meinten Sie „Stein“" in labor.check_sentence(nomen_stelle, corpus.vocab, 12)
    tippfehler = tokenize("Die Katze sprang über die Mauer, weil sie muede war.")
    assert "meinten Sie „müde“" in labor.check_sentence(tippfehler, corpus.vocab, 12)


def test_textgenerierung_labor_erzeugt_und_zeigt_schritte(char_gpt) -> None:
    model, vocab = char_gpt
    box = labor.generation_lab(model, vocab).widget
    prompt = box.children[0]
    length, button = box.children[2].children
    step, output = box.children[4], box.children[5]
    length.value = 15
    button.click()
    assert step.max == 15 and "Block 2, Kopf 4" in output.value
    step.value = 3
    assert "(Zeichen 3)" in output.value
    prompt.value = "Die €"
    button.click()
    assert "„€“" in box.children[3].value


def test_ziffern_labor_schaltflaechen_aendern_die_vorhersage() -> None:
    model, _ = load_vit()
    box = labor.digit_lab(model).widget
    grid = box.children[0].children[0]
    output = box.children[1]
    before = output.value
    assert "Klassen-Tokens" in before and "Das Modell erkennt die Ziffer" in before
    for b in grid.children[:16]:
        b.value = not b.value
    assert output.value != before
    clear = box.children[0].children[1].children[1]
    clear.click()
    assert not any(b.value for b in grid.children)
    # Ohne Eingabe keine Antwort: ein leeres Bild wird nicht klassifiziert.
    assert "Zeichnen Sie eine Ziffer" in output.value
    assert "Das Modell erkennt" not in output.value and "Klassen-Tokens" not in output.value


def test_labor_zieht_anders_als_sample_wie_der_buchtext_sagt(char_gpt) -> None:
    """Buchtext (22.6, Textgenerierung): Derselbe Seed gibt im Labor einen anderen Text als
    ``sample()`` – Mulberry32 gegen den Zufallsgenerator von PyTorch."""
    model, vocab = char_gpt
    lab, _ = labor.sample_seeded(model, vocab, "Die Aufmerksamkeit ", 60, temperature=0.8, seed=1)
    torch_text = sample(model, vocab, "Die Aufmerksamkeit ", 60, temperature=0.8, seed=1)
    assert lab != torch_text


def test_heatmap_farben_wie_im_browser() -> None:
    assert labor.heat_color(0.0) == ("rgb(255,255,255)", "#000")
    assert labor.heat_color(1.0) == ("rgb(8,48,107)", "#fff")
