"""Die Sphinx-Erweiterungen in ``_ext/``: ihre reinen Funktionen an kleinen HTML-Beispielen.

Die Erweiterungen greifen in Interna von myst-nb, sphinx-thebe und dem Theme ein.
Ändert ein Update das Markup, fällt es hier auf – ohne das ganze Buch zu bauen.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from docutils import nodes
from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

EXT = Path(__file__).resolve().parent.parent / "_ext"


def load(name: str) -> ModuleType:
    """Lädt ``_ext/<name>.py`` (kein Paket, daher über den Dateipfad)."""
    spec = importlib.util.spec_from_file_location(f"_ext_{name}", EXT / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses schlagen das Modul dort nach
    spec.loader.exec_module(module)
    return module


barrierefreiheit = load("barrierefreiheit")
buch_offline = load("buch_offline")
buch_schlank = load("buch_schlank")
ohne_widget_zustand = load("ohne_widget_zustand")
uebungsnummern = load("uebungsnummern")
bibstil = load("bibstil")


def fake_app(outdir: Path | None = None, builder_format: str = "html", **extra) -> SimpleNamespace:
    return SimpleNamespace(
        outdir=str(outdir), builder=SimpleNamespace(format=builder_format), **extra
    )


# ---------- barrierefreiheit.fix_html ----------

# Ausschnitte, wie sphinx-book-theme 1.3 / pydata-sphinx-theme sie schreiben
ICON = '<i class="fa-solid fa-magnifying-glass"></i>'
SEARCH_BUTTON = (
    '<button class="btn search-button-field search-button__button pst-js-only" title="Suche" '
    'aria-label="Suche" data-bs-placement="bottom" data-bs-toggle="tooltip">'
)
BIBLIOENTRY = '<div class="citation" id="id12" role="doc-biblioentry">'
SUMMARY = (
    '<summary><span class="toctree-toggle" role="presentation">'
    '<i class="fa-solid fa-chevron-down"></i></span></summary>'
)
PAGE = "\n".join([ICON, SEARCH_BUTTON, BIBLIOENTRY, SUMMARY])


def test_fix_html_hides_icons_from_screen_readers():
    assert barrierefreiheit.fix_html(ICON) == (
        '<i class="fa-solid fa-magnifying-glass" aria-hidden="true"></i>'
    )
    already = '<i class="fa-brands fa-github" aria-hidden="true"></i>'
    assert barrierefreiheit.fix_html(already) == already
    not_an_icon = '<i class="emphasis">wichtig</i>'
    assert barrierefreiheit.fix_html(not_an_icon) == not_an_icon


def test_fix_html_lets_search_button_name_come_from_its_text():
    fixed = barrierefreiheit.fix_html(SEARCH_BUTTON)
    assert "aria-label" not in fixed
    assert fixed.startswith('<button class="btn search-button-field') and 'title="Suche"' in fixed
    other = '<button class="btn theme-switch" aria-label="Farbschema">'
    assert barrierefreiheit.fix_html(other) == other


def test_fix_html_makes_bibliography_entries_list_items():
    assert barrierefreiheit.fix_html(BIBLIOENTRY) == (
        '<div class="citation" id="id12" role="listitem">'
    )


def test_fix_html_labels_toc_toggles_in_german():
    fixed = barrierefreiheit.fix_html(SUMMARY)
    assert fixed.startswith(
        '<summary aria-label="Unterabschnitte ein- oder ausblenden"><span class="toctree-toggle"'
    )
    plain = "<summary>Lösung anzeigen</summary>"  # Übungslösungen: hat eigenen Text
    assert barrierefreiheit.fix_html(plain) == plain


def test_fix_html_is_idempotent():
    once = barrierefreiheit.fix_html(PAGE)
    assert once != PAGE
    assert barrierefreiheit.fix_html(once) == once


def test_fix_pages_rewrites_only_finished_html_builds(tmp_path):
    page = tmp_path / "kapitel" / "seite.html"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    barrierefreiheit._fix_pages(fake_app(tmp_path), RuntimeError("Bau gescheitert"))
    barrierefreiheit._fix_pages(fake_app(tmp_path, "latex"), None)
    assert page.read_text(encoding="utf-8") == PAGE
    barrierefreiheit._fix_pages(fake_app(tmp_path), None)
    assert page.read_text(encoding="utf-8") == barrierefreiheit.fix_html(PAGE)


# ---------- buch_offline: Thebe raus ----------


@pytest.mark.parametrize(
    "asset,expected",
    [
        (_JavaScript("sphinx-thebe.js", **{"async": "async"}), True),
        (_CascadingStyleSheet("sphinx-thebe.css"), True),
        (_JavaScript("https://unpkg.com/thebe@0.8.2/lib/index.js"), True),
        (_JavaScript(None, body='const THEBE_JS_URL = "https://unpkg.com/thebe"'), True),
        (_JavaScript("mathjax/startup.js"), False),
        (_JavaScript(None, body="window.MathJax = {}"), False),
        (_CascadingStyleSheet("barrierefreiheit.css"), False),
    ],
    ids=["thebe-js", "thebe-css", "unpkg", "thebe-konfig", "mathjax", "mathjax-konfig", "css"],
)
def test_is_thebe(asset, expected):
    assert buch_offline._is_thebe(asset) is expected


def test_drop_thebe_filters_scripts_and_styles_of_a_page():
    keep_js, keep_css = _JavaScript("mathjax/startup.js"), _CascadingStyleSheet("theme.css")
    context = {
        "script_files": [_JavaScript("sphinx-thebe.js"), keep_js],
        "css_files": [keep_css, _CascadingStyleSheet("sphinx-thebe.css")],
    }
    buch_offline._drop_thebe(None, "seite", "page.html", context, None)
    assert context == {"script_files": [keep_js], "css_files": [keep_css]}
    buch_offline._drop_thebe(None, "seite", "page.html", {}, None)  # ohne Listen: nichts tun


def test_drop_thebe_config_removes_only_the_thebe_block():
    document = nodes.section()
    thebe = nodes.raw("", '<script type="text/x-thebe-config">{ binderOptions: {} }</script>')
    kernel = nodes.raw("", 'kernelName = "python3"')
    other = nodes.raw("", "<div>Abbildung</div>")
    document += [thebe, nodes.paragraph(text="Text"), kernel, other]
    buch_offline._drop_thebe_config(None, document, "seite")
    assert [child.astext() for child in document.children] == ["Text", "<div>Abbildung</div>"]


# ---------- buch_schlank: fontawesome.js und MathJax ----------


@pytest.mark.parametrize("prefix", ["", "../", "../../"])
def test_fontawesome_script_is_removed_at_any_depth(prefix):
    head = (
        f'  <script defer src="{prefix}_static/scripts/bootstrap.js?digest=1"></script>\n'
        f'  <script defer src="{prefix}_static/scripts/fontawesome.js?digest=55c2"></script>\n'
        "  <title>Seite</title>\n"
    )
    slim = buch_schlank._FONTAWESOME_JS.sub("", head)
    assert "fontawesome" not in slim
    assert "bootstrap.js" in slim and "<title>" in slim


def test_drop_fontawesome_rewrites_pages(tmp_path):
    page = tmp_path / "index.html"
    page.write_text('<script defer src="_static/scripts/fontawesome.js"></script>\n<p/>')
    buch_schlank._drop_fontawesome(fake_app(tmp_path), None)
    assert page.read_text() == "<p/>"


def slim_context(has_math: bool) -> tuple[dict, list]:
    startup = _JavaScript("mathjax/startup.js", defer="defer")
    config = _JavaScript(None, body="window.MathJax = {loader: {}}")
    other = _JavaScript("_static/labor.js")
    domain = SimpleNamespace(data={"has_equations": {"seite": has_math}})
    app = SimpleNamespace(
        env=SimpleNamespace(get_domain=lambda name: domain),
        config=SimpleNamespace(mathjax_path="mathjax/startup.js"),
    )
    context = {"script_files": [startup, config, other]}
    buch_schlank._slim(app, "seite", "page.html", context, None)
    return context["script_files"], [startup, config, other]


def test_mathjax_only_on_pages_with_formulas():
    kept, all_scripts = slim_context(has_math=False)
    assert kept == [all_scripts[-1]]  # nur das Skript, das nichts mit MathJax zu tun hat
    kept, all_scripts = slim_context(has_math=True)
    assert kept == all_scripts


# ---------- ohne_widget_zustand ----------


def test_widget_state_is_dropped_but_other_scripts_stay():
    js_files = {"ipywidgets_state": ("state", {}), "ipywidgets_0": ("x", {}), "plotly": ("p", {})}
    app = fake_app(env=SimpleNamespace(nb_metadata={"seite": {"js_files": js_files}}))
    ohne_widget_zustand._drop_widget_state(app, "seite", "page.html", {}, None)
    assert list(js_files) == ["plotly"]
    ohne_widget_zustand._drop_widget_state(app, "ohne_notebook", "page.html", {}, None)


# ---------- uebungsnummern ----------


def test_section_of():
    assert uebungsnummern.section_of("chapters/22_3_mathematik/rechnung") == (22, 3)
    assert uebungsnummern.section_of("chapters/22_6_anwendungen/index") == (22, 6)
    assert uebungsnummern.section_of("intro") is None
    assert uebungsnummern.section_of("chapters/anhang") is None
    assert uebungsnummern.section_of("chapters/22_10_anhang/index") == (22, 10)


def test_exercises_are_numbered_per_section_in_toc_order():
    a, b = "chapters/22_3_mathematik/index", "chapters/22_3_mathematik/rechnung"
    c = "chapters/22_4_multi_head/index"
    env = SimpleNamespace(
        toctree_includes={"intro": [a, c], a: [b]},
        toc_fignumbers={
            "intro": {"exercise": {"e0": (1,)}},
            a: {"exercise": {"e2": (3,), "e1": (2,)}},
            b: {"exercise": {"e3": (4,)}},
            c: {"exercise": {"e4": (5,)}, "figure": {"f1": (1,)}},
        },
    )
    app = SimpleNamespace(config=SimpleNamespace(root_doc="intro"))
    assert uebungsnummern.documents_in_toc_order(env, "intro") == ["intro", a, b, c]
    changed = uebungsnummern.renumber_exercises(app, env)
    assert changed == [a, b, c]
    assert env.toc_fignumbers[a]["exercise"] == {"e1": (22, 3, 1), "e2": (22, 3, 2)}
    assert env.toc_fignumbers[b]["exercise"] == {"e3": (22, 3, 3)}
    assert env.toc_fignumbers[c] == {"exercise": {"e4": (22, 4, 1)}, "figure": {"f1": (1,)}}
    assert env.toc_fignumbers["intro"]["exercise"] == {"e0": (1,)}  # außerhalb: unverändert


# ---------- bibstil ----------


def format_entry(bibtex: str) -> str:
    from pybtex.database import parse_string

    entry = next(iter(parse_string(bibtex, "bibtex").entries.values()))
    return bibstil.DeutscherStil().format_entry("x", entry).text.render_as("text")


def test_german_bibliography_style():
    two = format_entry(
        "@article{a, author={Jain, S. and Wallace, B.}, title={T}, journal={J}, year={2019}}"
    )
    assert two.startswith("S. Jain und B. Wallace.")
    three = format_entry(
        "@article{b, author={Bahdanau, D. and Cho, K. and Bengio, Y.}, title={T},"
        " journal={J}, year={2015}}"
    )
    assert three.startswith("D. Bahdanau, K. Cho und Y. Bengio.")
    many = format_entry(
        "@article{c, author={Vaswani, A. and others}, title={T}, journal={J}, year={2017}}"
    )
    assert many.startswith("A. Vaswani u.\u00a0a.")
    series = format_entry(
        "@inproceedings{d, author={Jain, S.}, title={T}, booktitle={ICML}, volume={48},"
        " series={PMLR}, year={2016}}"
    )
    assert "Band 48 der Reihe PMLR" in series and " and " not in series


def test_fix_html_drops_english_toggle_label_of_hidden_cells():
    page = '<details class="hide above-input"><summary aria-label="Toggle hidden content">x'
    assert barrierefreiheit.fix_html(page) == '<details class="hide above-input"><summary>x'


def test_notebook_fehler_finds_tracebacks_only():
    notebook_fehler = load("notebook_fehler")
    doc = nodes.container()
    doc += nodes.literal_block("", "Traceback …\nZeroDivisionError: division by zero",
                               classes=["output", "traceback"])  # fmt: skip
    doc += nodes.literal_block("", "alles gut", classes=["output", "stream"])
    assert notebook_fehler.error_outputs(doc) == ["ZeroDivisionError: division by zero"]


# ---------- druckfassung (PDF) und kurspaket (ZIP)

sys.path.insert(0, str(EXT))  # druckfassung liest die Labortitel aus _ext/labor.py
druckfassung = load("druckfassung")
kurspaket = load("kurspaket")


def _slider(controls: dict, initial: dict):
    import matplotlib.pyplot as plt

    from aufmerksamkeit.notebook.interactive import SliderFigure

    def render(**werte):
        fig, ax = plt.subplots(figsize=(1, 1))
        ax.set_title(str(sorted(werte.items())))
        return fig

    return SliderFigure(render, lambda **w: f"Bild {sorted(w.items())}", controls, initial=initial)


def test_slider_frame_takes_start_frame_and_names_controls():
    one = _slider({"d_k": ("dₖ", [1, 4, 16])}, {"d_k": 4})
    uri, alt, note = druckfassung.slider_frame(one.static_html())
    assert uri == one.frames[1] and alt == "Bild [('d_k', 4)]"
    assert note.startswith("Im Online-Buch und in JupyterLab lässt sich der Regler „dₖ“")
    assert "(3 Stellungen, hier: 4)" in note
    two = _slider({"a": ("A", [1, 2]), "b": ("B", ["x", "y", "z"])}, {"a": 2, "b": "z"})
    uri, _, note = druckfassung.slider_frame(two.static_html())
    assert uri == two.frames[5] and "lassen sich die Regler „A“" in note and "hier: z" in note
    assert druckfassung.slider_frame("<p>keine Abbildung</p>") is None


def test_lab_note_for_every_lab():
    from aufmerksamkeit.models.registry import LAB_MODELS
    from aufmerksamkeit.web.labs import placeholder_html

    for lab, entry in LAB_MODELS.items():
        assert druckfassung.lab_note(placeholder_html(lab))[0] == entry.lab.title
    assert druckfassung.lab_note('<div data-aufm-labor="unbekannt"></div>') is None


def test_slim_class_drops_bbm():
    cls = "\\RequirePackage{pgfplots}\n\\RequirePackage{bbm}\n\\newcommand{\\RR}{\\mathbbm R}"
    slim = druckfassung.slim_class(cls)
    assert "{bbm}" not in slim and "\\providecommand{\\mathbbm}{\\mathbb}" in slim


def test_kurspaket_files_and_hint(tmp_path):
    for name in ["pyproject.toml", "requirements.txt", "lib/paket/__init__.py",
                 "lib/paket/__pycache__/x.pyc", "lib/paket.egg-info/PKG-INFO",
                 "chapters/a/n.ipynb", "chapters/a/.ipynb_checkpoints/n.ipynb",
                 "chapters/a/index.md"]:  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text('{"cells": []}' if name.endswith(".ipynb") else "x")
    names = [name for _, name in kurspaket.package_files(tmp_path)]
    folder = kurspaket.FOLDER
    assert names == [f"{folder}/chapters/a/n.ipynb", f"{folder}/lib/paket/__init__.py",
                     f"{folder}/pyproject.toml", f"{folder}/requirements.txt"]  # fmt: skip
    once = kurspaket.with_hint('{"cells": [{"cell_type": "code", "source": "1"}]}')
    assert kurspaket.with_hint(once) == once
    cells = json.loads(once)["cells"]
    assert len(cells) == 2 and "ModuleNotFoundError" in cells[0]["source"]
    assert kurspaket.relative_zip_uri("chapters/a/n") == "../../kurspaket.zip"
    assert kurspaket.relative_zip_uri("intro") == "kurspaket.zip"
