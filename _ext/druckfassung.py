"""Sphinx-Erweiterung: die PDF-Fassung (LaTeX-Builder) des Buchs.

Nur für ``jupyter-book build . --builder pdflatex`` (``make pdf``); die HTML-Seiten
bleiben unberührt.

* **Regler** (``aufmerksamkeit.interactive.SliderFigure``): Ihr statischer
  HTML/JS-Zwilling (``text/html``) ist im PDF nicht darstellbar. Wir setzen die
  Startstellung als Bild ein und schreiben darunter, welcher Regler sich im
  Online-Buch und in JupyterLab verschieben lässt.
* **Labore** (Direktive ``labor`` bzw. ``aufmerksamkeit.labor``): Statt des
  HTML-Platzhalters steht ein Hinweiskasten, wo das Labor läuft.
* **Eingeklappte Zellen** (Tag ``hide-cell``) erscheinen ganz; sphinx-jupyterbook-latex
  ließe sie sonst weg.
* **Lösungen** (``solution`` von sphinx-exercise): Sie wandern aus dem Text in
  einen Anhang „Lösungen“ am Ende, nach Abschnitten geordnet; an ihrer Stelle
  steht ein Verweis mit Seitenzahl, im Anhang einer zurück zur Übung.
* **Dokumentklasse**: ``jupyterBook.cls`` von sphinx-jupyterbook-latex lädt
  ``bbm`` (nur in Debians 500 MB großem ``texlive-fonts-extra``), das Buch
  braucht es nicht: ``\\mathbbm`` wird zu ``\\mathbb`` aus amssymb.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from docutils import nodes
from docutils.utils import new_document
from labor import LABS  # die Labore, wie die Direktive sie kennt (_ext/labor.py)
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

APPENDIX_TITLE = "Lösungen"
APPENDIX_INTRO = (
    "Hier stehen die Lösungen aller Übungen, nach Abschnitten geordnet. Unter jeder Übung im "
    "Text verweist eine Seitenzahl hierher, unter jeder Lösung eine zurück zur Übung. Im "
    "Online-Buch stehen die Lösungen aufklappbar direkt unter den Übungen."
)

_SLIDER = 'data-aufm-schieberegler=""'
_LAB = re.compile(r'data-aufm-labor="(\w+)"')
_IMG = re.compile(r'<img src="(data:image/png;base64,[^"]+)" alt="([^"]*)"')
_DATA = re.compile(r'<script type="application/json" class="aufm-daten">(.*?)</script>', re.S)
_LABEL = re.compile(r'<label class="aufm-regler"[^>]*>(.*?) <(?:input|select)', re.S)


# ---------- Regler und Labore: reine Funktionen (getestet in tests/test_ext.py)


def slider_frame(snippet: str) -> tuple[str, str, str] | None:
    """Startbild eines Regler-Zwillings: ``(data-URI, Alternativtext, Hinweis)``.

    Der Hinweis nennt die Regler mit ihrer Startstellung und der Zahl der Stellungen.
    ``None``, wenn ``snippet`` kein Regler-Zwilling ist.
    """
    if _SLIDER not in snippet:
        return None
    image, data = _IMG.search(snippet), _DATA.search(snippet)
    if image is None or data is None:
        return None
    uri, alt = image[1], html.unescape(image[2])
    info = json.loads(data[1])
    index = info["frames"].index(uri)
    positions = []
    for size in reversed(info["sizes"]):  # Bildnummer → Stellung je Regler (wie _frame_index)
        positions.append(index % size)
        index //= size
    positions.reverse()
    names = [html.unescape(name).strip() for name in _LABEL.findall(snippet)]
    parts = [
        f"„{name}“ ({len(labels)} Stellungen, hier: {labels[pos]})"
        for name, labels, pos in zip(names, info["labels"], positions)
    ]
    verb, noun = ("lässt", "der Regler") if len(parts) == 1 else ("lassen", "die Regler")
    note = (
        f"Im Online-Buch und in JupyterLab {verb} sich {noun} {' und '.join(parts)} "
        "verschieben; gedruckt steht hier die Startstellung."
    )
    return uri, alt, note


def lab_note(snippet: str) -> tuple[str, str] | None:
    """Titel und Hinweistext für den Platzhalter eines Labors, sonst ``None``."""
    match = _LAB.search(snippet)
    if match is None or match[1] not in LABS:
        return None
    return LABS[match[1]].lab.title, (
        "Im Online-Buch rechnet hier das mitgelieferte, trainierte Modell direkt im Browser, in "
        "JupyterLab dasselbe Modell mit PyTorch im Notebook (Kurspaket, siehe Einleitung). Auf "
        "Papier lässt sich dieses Labor nicht zeigen."
    )


def slim_class(text: str) -> str:
    """``jupyterBook.cls`` ohne ``bbm`` (``\\mathbbm`` → ``\\mathbb``)."""
    return text.replace(r"\RequirePackage{bbm}", r"\providecommand{\mathbbm}{\mathbb}")


# ---------- Doctree


def _lab_box(title: str, text: str) -> nodes.admonition:
    box = nodes.admonition("", classes=["note", "aufm-interaktiv"])
    box += nodes.title("", f"Interaktiv: {title}")
    box += nodes.paragraph("", text)
    return box


def _slider_nodes(uri: str, alt: str, note: str) -> list[nodes.Node]:
    image = nodes.image(uri=uri, alt=alt, candidates={"?": uri})
    return [
        nodes.paragraph("", "", image),
        nodes.raw("", r"\nopagebreak[4]", format="latex"),  # Hinweis auf derselben Seite
        nodes.paragraph("", "", nodes.emphasis("", "", *_with_subscripts(note))),
    ]


def _with_subscripts(text: str) -> list[nodes.Node]:
    """„dₖ“ → d mit tiefgestelltem k: Die Textschrift (FreeSerif) hat kein ₖ."""
    parts: list[nodes.Node] = []
    for i, piece in enumerate(text.split("ₖ")):
        if i:
            parts.append(nodes.subscript("", "k"))
        if piece:
            parts.append(nodes.Text(piece))
    return parts


def _html_of(node: nodes.Element) -> str:
    return "".join(
        raw.astext() for raw in node.findall(nodes.raw) if "html" in raw.get("format", "").split()
    )


class StaticInteractives(SphinxPostTransform):
    """Regler → Startbild mit Hinweis, Labor → Hinweiskasten (nur LaTeX).

    Priorität 3: vor myst-nbs ``SelectMimeType`` (4), das je Ausgabe einen MIME-Typ
    wählt, und vor Sphinx' ``DataURIExtractor`` (150), der das data-URI-Bild als Datei
    ablegt.
    """

    default_priority = 3
    formats = ("latex",)

    def run(self, **kwargs: object) -> None:
        for cell in self.document.findall(nodes.container):
            # Auf Papier lässt sich nichts aufklappen: eingeklappte Zellen (Tag hide-cell,
            # etwa die Rechnungen zu den Lösungen) zeigt das PDF ganz, statt sie mit
            # sphinx-jupyterbook-latex (Priorität 400) ganz wegzulassen.
            if "tag_hide-cell" in cell["classes"]:
                cell["classes"].remove("tag_hide-cell")
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            replacement = self._replacement(_html_of(bundle))
            if replacement is not None:
                # Ein einziger MIME-Typ bleibt; SelectMimeType setzt ihn dann ein.
                choice = nodes.container(mime_type="image/png", nb_element="mime_type")
                choice.extend(replacement)
                bundle.children = []
                bundle += choice
        for raw in list(self.document.findall(nodes.raw)):
            if "html" not in raw.get("format", "").split() or raw.parent is None:
                continue
            replacement = self._replacement(raw.astext())
            if replacement is not None:
                raw.replace_self(replacement)

    @staticmethod
    def _replacement(snippet: str) -> list[nodes.Node] | None:
        if not snippet:
            return None
        frame = slider_frame(snippet)
        if frame is not None:
            return _slider_nodes(*frame)
        lab = lab_note(snippet)
        if lab is not None:
            return [_lab_box(*lab)]
        return None


def _is_solution(node: nodes.Node) -> bool:
    return type(node).__name__ == "solution_node"


def _chapter_of(docname: str) -> str:
    """``chapters/22_3_mathematik/rechnung`` → ``chapters/22_3_mathematik/index``."""
    parts = docname.split("/")
    return "/".join([*parts[:2], "index"]) if parts[0] == "chapters" and len(parts) > 2 else docname


def collect_solutions(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Verschiebt alle Lösungen in einen Anhang am Ende des Gesamtdokuments."""
    if app.builder.format != "latex":
        return
    solutions = [node for node in doctree.findall(_is_solution) if node.parent is not None]
    if not solutions:
        return
    appendix = new_document("loesungen", doctree.settings)
    appendix["docname"] = docname
    # Der Text ist ohne LaTeX-Nummern gesetzt (die Titel tragen „22.3“ selbst, siehe
    # _config.yml); der Anhang heißt „Anhang A“, seine Abschnitte bleiben ohne Nummer.
    appendix += nodes.raw("", r"\setcounter{secnumdepth}{0}", format="latex")
    top = nodes.section("", ids=["anhang-loesungen"], names=["anhang-loesungen"])
    top += nodes.title("", APPENDIX_TITLE)
    top += nodes.paragraph("", APPENDIX_INTRO)
    appendix += top
    groups: dict[str, nodes.section] = {}
    registry = getattr(app.env, "sphinx_exercise_registry", {})
    for number, solution in enumerate(solutions, start=1):
        label = f"aufm-loesung-{number}"
        origin = solution.get("docname", docname)  # Dokument der Lösung (sphinx-exercise)
        # An der alten Stelle: Verweis mit Seitenzahl auf die Lösung im Anhang.
        pointer = nodes.paragraph(
            "",
            "",
            nodes.raw(
                "",
                rf"\hyperref[{label}]{{$\rightarrow$ Lösung im Anhang, "
                rf"Seite~\pageref*{{{label}}}}}",
                format="latex",
            ),
            classes=["aufm-loesungsverweis"],
        )
        solution.replace_self(pointer)
        # Im Anhang: Gruppe je Abschnitt 22.x, Ursprungsdatei für eindeutige Sprungmarken.
        chapter = _chapter_of(origin)
        if chapter not in groups:
            group = nodes.section("", ids=[f"loesungen-{len(groups) + 1}"])
            group += nodes.title("", app.env.titles[chapter].astext())
            groups[chapter] = group
            top += group
        wrapper = addnodes.start_of_file(docname=origin)
        # Needspace: Reicht der Platz nicht mehr für den Anfang der Lösung, beginnt sie auf der
        # nächsten Seite – dann stehen Sprungmarke (Seitenzahl im Verweis) und Titel zusammen.
        wrapper += nodes.raw(
            "", rf"\Needspace{{8\baselineskip}}\phantomsection\label{{{label}}}", format="latex"
        )
        wrapper += solution
        exercise = registry.get(solution.get("target_label", ""))
        if exercise is not None:
            back = rf"\hyperref[exercise:{solution['target_label']}]{{Zur Übung, Seite~"
            back += rf"\pageref*{{exercise:{solution['target_label']}}}}}"
            wrapper += nodes.paragraph("", "", nodes.raw("", back, format="latex"))
        groups[chapter] += wrapper
    doctree += appendix
    logger.info(f"PDF: {len(solutions)} Lösungen in den Anhang „{APPENDIX_TITLE}“ verschoben")


def _slim_class_file(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "latex":
        return
    cls = Path(app.outdir) / "jupyterBook.cls"
    if cls.is_file():
        cls.write_text(slim_class(cls.read_text(encoding="utf-8")), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_post_transform(StaticInteractives)
    # „doctree-resolved“ kommt beim LaTeX-Builder einmal für das ganze Buch (alle Kapitel
    # in einem Doctree), nachdem alle Post-Transforms die Titel der Lösungen aufgelöst haben.
    app.connect("doctree-resolved", collect_solutions, priority=900)
    # sphinx-jupyterbook-latex kopiert die Klasse bei „builder-inited“ ins Ausgabeverzeichnis.
    app.connect("build-finished", _slim_class_file)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
