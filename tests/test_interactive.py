"""SliderFigure: Vorab berechnete Bilder, statischer HTML-Zwilling, Live-Widget."""

import re

import matplotlib.pyplot as plt
import pytest

from aufmerksamkeit.figures.plotting import show
from aufmerksamkeit.notebook.interactive import SliderFigure


def render(x, farbe="C0"):
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, x], color=farbe)
    return fig


def make(**kwargs):
    return SliderFigure(
        render,
        lambda x, farbe: f"Linie bis {x} in {farbe}",
        {"x": ("Höhe", [1, 2, 3]), "farbe": ("Farbe", ["C0", "C1"])},
        **kwargs,
    )


def test_one_frame_per_combination_and_distinct_images():
    slider = make()
    assert len(slider.frames) == 6
    assert len(set(slider.frames)) == 6
    assert slider.alts[slider._frame_index([2, 1])] == "Linie bis 3 in C1"


def test_static_html_has_controls_initial_frame_and_is_deterministic():
    first = make(initial={"x": 2, "farbe": "C1"}).static_html()
    second = make(initial={"x": 2, "farbe": "C1"}).static_html()
    assert first == second
    assert 'type="range"' in first and "<select" in first
    assert 'value="1"' in first and '<option value="1" selected>' in first
    assert 'alt="Linie bis 2 in C1"' in first
    assert not re.search(r"[0-9a-f]{32}", first.split("data:image")[0])


def test_mimebundle_offers_widget_html_and_text():
    bundle = make()._repr_mimebundle_()
    assert bundle["text/html"].startswith('<div class="aufm-schieberegler"')
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "„Höhe“" in bundle["text/plain"]


def test_live_widget_switches_frames():
    slider = make()
    box = slider.widget()
    height, colour, image = box.children
    before = image.value
    height.value = 2
    assert image.value != before
    assert slider.frames[slider._frame_index([2, 0])] in image.value
    colour.value = 1
    assert 'alt="Linie bis 3 in C1"' in image.value


def test_errors_in_german():
    with pytest.raises(ValueError, match="mindestens einen Regler"):
        SliderFigure(render, str, {})
    with pytest.raises(ValueError, match="keine Werte"):
        SliderFigure(render, str, {"x": ("Höhe", [])})
    with pytest.raises(ValueError, match="Alternativtext"):
        show(render(1), alt=" ")


def test_text_plain_holds_initial_data_and_checksum_of_every_frame():
    text = make()._repr_mimebundle_()["text/plain"]
    assert "Startstellung: Linie bis 1 in C0\nDaten: Achse 1: Linie [0.00 1.00]" in text
    changed = SliderFigure(  # nur eine andere, nicht gezeigte Stellung hat andere Daten
        lambda x, farbe: render(x + (x == 3 and farbe == "C1"), farbe),
        lambda x, farbe: f"Linie bis {x} in {farbe}",
        {"x": ("Höhe", [1, 2, 3]), "farbe": ("Farbe", ["C0", "C1"])},
    )._repr_mimebundle_()["text/plain"]
    assert changed.split("Prüfsumme")[0] == text.split("Prüfsumme")[0]
    assert changed != text
