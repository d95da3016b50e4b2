"""Die PDF-Fassung (``make pdf``): vollständig, ohne offene Verweise, Lösungen im Anhang.

Geprüft wird das fertige ``_build/latex/self-attention.pdf`` (oder die Datei in
``BUCH_PDF``) mit den poppler-Werkzeugen ``pdfinfo``, ``pdffonts``, ``pdfimages``
und ``pdftotext``. Fehlen TeX Live oder poppler, überspringt sich der Test mit
einer Meldung – außer mit ``CI=true``: Dort ist er Pflicht (``.ci/run`` installiert
beides).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from buchumgebung import ROOT, skip_or_fail

PDF = Path(os.environ.get("BUCH_PDF", ROOT / "_build" / "latex" / "self-attention.pdf")).resolve()
LOG = PDF.with_suffix(".log")
TOOLS = ("xelatex", "latexmk", "pdfinfo", "pdffonts", "pdfimages", "pdftotext")
PAGES = range(
    60, 250
)  # heute 115 Seiten; weit darunter fehlt Inhalt, weit darüber stimmt etwas nicht
SLIDER_NOTE = "gedruckt steht hier die Startstellung"
APPENDIX_START = "Hier stehen die Lösungen aller Übungen"


def _notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "chapters").rglob("*.ipynb") if "_build" not in p.parts)


def _outputs() -> list[dict]:
    outputs = []
    for path in _notebooks():
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            outputs.extend(o.get("data", {}) for o in cell.get("outputs", []))
    return outputs


def _html(data: dict) -> str:
    html = data.get("text/html", "")
    return "".join(html) if isinstance(html, list) else html


def _solutions_in_sources() -> int:
    pattern = re.compile(r"`{3,}\{solution\}")
    sources = [*_notebooks(), *(ROOT / "chapters").rglob("*.md"), ROOT / "intro.md"]
    return sum(len(pattern.findall(p.read_text(encoding="utf-8"))) for p in sources)


@cache
def _require_pdf() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        skip_or_fail(
            f"Für den PDF-Test fehlen {', '.join(missing)} – `apt-get install latexmk "
            "texlive-xetex texlive-lang-german texlive-latex-extra texlive-fonts-recommended "
            "fonts-freefont-otf fonts-dejavu-core poppler-utils` "
            "(siehe README, „PDF und Kurspaket“)."
        )
    if not PDF.is_file():
        skip_or_fail(f"Kein PDF unter {PDF} – zuerst `make pdf` ausführen.")


def _run(*args: str) -> str:
    _require_pdf()
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@cache
def _pages() -> list[str]:
    """Text des PDFs, eine Zeichenkette je Seite."""
    return _run("pdftotext", "-layout", str(PDF), "-").split("\f")


def _text() -> str:
    return "\n".join(_pages())


def _flat(text: str) -> str:
    """Ohne Trennstriche am Zeilenende und mit einfachen Leerzeichen (zum Zählen von Sätzen)."""
    return re.sub(r"\s+", " ", re.sub(r"(\w)-\n\s*(\w)", r"\1\2", text))


def _page_number(page: str) -> int | None:
    """Gedruckte Seitenzahl (Fußzeile: „102   Anhang A. Lösungen“ oder „22.3 …   21“)."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    if not lines:
        return None
    match = re.match(r"(\d+)\s", lines[-1] + " ") or re.search(r"\s(\d+)$", " " + lines[-1])
    return int(match[1]) if match else None


def test_seitenzahl_plausibel() -> None:
    info = _run("pdfinfo", str(PDF))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    assert pages in PAGES, f"{PDF.name}: {pages} Seiten, erwartet {PAGES.start}–{PAGES.stop - 1}"
    assert "A4" in info, f"{PDF.name}: kein A4-Format:\n{info}"


def test_keine_offenen_verweise() -> None:
    _require_pdf()
    log = LOG.read_text(encoding="utf-8", errors="replace")
    for pattern in (
        r"There were undefined references",
        r"Reference `[^']*' on page \d+ undefined",
        r"Hyper reference `[^']*' on page \d+ undefined",
        r"Citation `[^']*' on page \d+ undefined",
        r"Label\(s\) may have changed",
        r"Missing character: There is no",
        r"No hyphenation patterns were (pre)?loaded",
    ):
        found = re.findall(pattern, log)
        assert not found, f"{LOG.name}: {len(found)}× „{pattern}“, z. B. {found[:3]}"
    assert "??" not in _text(), "Im PDF steht „??“ – ein Verweis ist offen geblieben."


def test_alle_schriften_eingebettet() -> None:
    rows = _run("pdffonts", str(PDF)).splitlines()[2:]
    assert rows, "pdffonts listet keine Schriften."
    # Spalten: name type [type] encoding emb sub uni object ID – „emb“ ist die viertletzte
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, "Nicht eingebettete Schriften:\n" + "\n".join(not_embedded)
    assert any("Math" in row for row in rows), "Keine Mathe-Schrift im PDF – Formeln fehlen?"


def test_jede_abbildung_im_pdf() -> None:
    outputs = _outputs()
    pngs = sum("image/png" in data for data in outputs)
    sliders = sum('data-aufm-schieberegler=""' in _html(data) for data in outputs)
    rows = _run("pdfimages", "-list", str(PDF)).splitlines()[2:]
    images = sum(row.split()[2] == "image" for row in rows)  # ohne Masken (smask)
    assert images >= pngs + sliders, (
        f"{images} Bilder im PDF, aber {pngs} PNG-Abbildungen und {sliders} Regler "
        "(je ein Startbild) in den gespeicherten Notebook-Ausgaben."
    )
    notes = _flat(_text()).count(SLIDER_NOTE)
    assert notes == sliders, f"{notes} Regler-Hinweise im PDF, {sliders} Regler in den Notebooks"


def test_labore_mit_hinweis() -> None:
    labs = sum("data-aufm-labor=" in _html(data) for data in _outputs())
    labs += sum(
        len(re.findall(r"`{3,}\{labor\}", p.read_text(encoding="utf-8")))
        for p in (ROOT / "chapters").rglob("*.md")
    )
    boxes = _flat(_text()).count("Interaktiv: ")
    assert labs and boxes == labs, f"{boxes} Hinweiskästen „Interaktiv: …“, {labs} Labore im Buch"


def test_loesungen_im_anhang() -> None:
    pages = _pages()
    start = next((i for i, page in enumerate(pages) if APPENDIX_START in page), None)
    assert start is not None, "Kein Anhang „Lösungen“ im PDF."
    assert re.search(r"ANHANG\s+A", pages[start]), "Die Lösungen stehen nicht im Anhang A."
    expected = _solutions_in_sources()
    in_appendix = sum(_flat(page).count("Lösung zu Übung") for page in pages[start:])
    in_text = sum(_flat(page).count("Lösung zu Übung") for page in pages[:start])
    assert in_appendix == expected, f"{in_appendix} Lösungen im Anhang, {expected} in den Quellen"
    assert in_text == 0, f"{in_text} Lösungen stehen noch im Text statt im Anhang."
    pointers = [int(n) for n in re.findall(r"Lösung im Anhang, Seite (\d+)", _flat(_text()))]
    assert len(pointers) == expected, f"{len(pointers)} Verweise auf den Anhang, {expected} Übungen"
    appendix_pages = {_page_number(page) for page in pages[start:] if "Lösung zu Übung" in page}
    wrong = sorted(set(pointers) - appendix_pages)
    assert not wrong, f"Verweise auf Seiten {wrong}, dort steht keine Lösung im Anhang."


def test_deutscher_satz_ohne_html_reste() -> None:
    text = _text()
    for leftover in ("Klicken zum Anzeigen", "Click to show", "Code-Zelle: ", "lädt …"):
        assert leftover not in text, f"„{leftover}“ steht im PDF (nur für das Online-Buch gedacht)"
    assert "„sie“" in text, "Deutsche Anführungszeichen „…“ fehlen im PDF."
    assert not re.search(r"\\(frac|sqrt|mathrm)\{", text), "Rohes LaTeX im PDF-Text"
    assert re.search(r"\w-\n\s*\w", text), "Keine einzige Silbentrennung – deutsche Trennmuster?"


def test_inhaltsverzeichnis_deutsch() -> None:
    assert "Inhaltsverzeichnis" in "\n".join(_pages()[:6]), "Kein „Inhaltsverzeichnis“ vorn."
