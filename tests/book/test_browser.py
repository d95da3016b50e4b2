"""Browsertest des gebauten Buchs (Chromium über Playwright, ohne Netz).

Jede Seite wird genau einmal geladen; alle Beobachtungen (Requests,
Konsolenmeldungen, Formeln, Bilder, Regler, Barrierefreiheit, Gewicht)
landen in einem ``Befund``. Die einzelnen Tests prüfen je einen Aspekt –
parametrisiert über die Seiten, damit ein Fehler die Seite nennt.

Ausführen: ``make browser`` (oder ``pytest tests/book``) nach ``make book``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from buchumgebung import (
    BOOK_HTML,
    PAGE_WEIGHTS,
    ROOT,
    WAIT_UNTIL_RENDERED_JS,
    book_pages,
    require_book,
)

PAGES = book_pages()
PAGE_PARAMS = PAGES or [pytest.param(None, id="kein-gebautes-buch")]
AXE_JS = Path(__file__).with_name("vendor") / "axe.min.js"
AXE_DE = AXE_JS.with_name("axe-de.json")  # deutsche Meldungen
MAX_PAGE_BYTES = 3 * 1024 * 1024
WIDGET_SELECTORS = (
    ".widget-slider, .jupyter-widgets, .widget-area, .widget-subarea, .jp-OutputArea-output "
    ".widget-hbox, script[type='application/vnd.jupyter.widget-view+json'], "
    "script[type='application/vnd.jupyter.widget-state+json']"
)
# Sichtbarer LaTeX-Quelltext: $$, \( \) \[ \], typische Befehle, $…\befehl…$
RAW_MATH = re.compile(
    r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\frac|\\sqrt|\\mathrm"
    r"|\$[^$\s][^$]*\\[a-zA-Z]+"
)


@dataclass
class Befund:
    """Alles, was beim Laden einer Seite beobachtet wurde."""

    page: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    bytes_by_url: dict[str, int] = field(default_factory=dict)
    math: dict = field(default_factory=dict)
    images: list[dict] = field(default_factory=list)
    widgets: int = 0
    sliders: list[str] = field(default_factory=list)  # Probleme mit Reglern
    slider_count: int = 0
    axe: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    text: str = ""
    exercises: int = 0
    solutions: list[dict] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes_by_url.values())


# --------------------------------------------------------------------------- Laden


_PROBE_JS = (
    """
async () => {
  // Auf MathJax warten (falls geladen), dann auf Schriften und Bilder.
  // Höchstens 20 s: Hängt MathJax (z. B. fehlende Komponente), scheitert der Formeltest.
"""
    + WAIT_UNTIL_RENDERED_JS
    + """  const mathNodes = Array.from(document.querySelectorAll(".math"));
  const clone = document.querySelector("main") ?
      document.querySelector("main").cloneNode(true) : document.body.cloneNode(true);
  clone.querySelectorAll("pre, code, script, style, mjx-container, textarea, .highlight")
       .forEach(n => n.remove());
  return {
    math: {
      nodes: mathNodes.length,
      rendered: mathNodes.filter(n => n.querySelector("mjx-container")
                                    || n.tagName.toLowerCase() === "mjx-container").length,
      containers: document.querySelectorAll("mjx-container").length,
      errors: Array.from(document.querySelectorAll("mjx-merror"))
                   .map(n => n.getAttribute("data-mjx-error") || n.textContent),
    },
    images: imgs.map(img => ({
      src: img.currentSrc.startsWith("data:") ? img.currentSrc.slice(0, 40) + "…" : img.currentSrc,
      alt: img.getAttribute("alt"),
      complete: img.complete,
      width: img.naturalWidth,
    })),
    links: Array.from(document.querySelectorAll("a[href]")).map(a => a.href),
    text: clone.textContent,
    exercises: document.querySelectorAll(".exercise").length,
  };
}
"""
)

_SLIDER_JS = """
async () => {
  const problems = [];
  const boxes = Array.from(document.querySelectorAll("[data-aufm-schieberegler]"));
  for (const [b, box] of boxes.entries()) {
    const img = box.querySelector("img");
    const controls = Array.from(box.querySelectorAll("[data-regler], input[type=range], select"));
    if (!img) { problems.push(`Regler ${b + 1}: kein Bild im Container`); continue; }
    if (controls.length === 0) { problems.push(`Regler ${b + 1}: kein Steuerelement`); continue; }
    for (const [c, control] of controls.entries()) {
      const before = img.getAttribute("src");
      let changed = false;
      if (control.tagName.toLowerCase() === "select") {
        if (control.options.length < 2) { continue; }
        control.selectedIndex = (control.selectedIndex + 1) % control.options.length;
        changed = true;
      } else {
        const min = Number(control.min || 0), max = Number(control.max || 100);
        if (max <= min) { continue; }
        const value = Number(control.value);
        control.value = String(value < max ? value + 1 : value - 1);
        changed = true;
      }
      if (!changed) { continue; }
      control.dispatchEvent(new Event("input", { bubbles: true }));
      control.dispatchEvent(new Event("change", { bubbles: true }));
      await new Promise(r => setTimeout(r, 20));
      const after = img.getAttribute("src");
      if (after === before) {
        const name = control.getAttribute("aria-label");
        problems.push(`Regler ${b + 1}, Steuerelement ${c + 1} (${name}): `
                      + "Bewegen ändert das Bild nicht");
        continue;
      }
      try { await img.decode(); } catch (e) { /* unten geprüft */ }
      if (!(img.naturalWidth > 0)) {
        problems.push(`Regler ${b + 1}, Steuerelement ${c + 1}: neues Bild lädt nicht`);
      }
      if (!(img.getAttribute("alt") || "").trim()) {
        problems.push(`Regler ${b + 1}, Steuerelement ${c + 1}: neues Bild ohne Alt-Text`);
      }
    }
  }
  return { count: boxes.length, problems };
}
"""


def _is_own_host(url: str) -> bool:
    scheme = urlsplit(url).scheme
    if scheme in ("data", "blob", "about", "javascript"):
        return True
    return urlsplit(url).hostname == "127.0.0.1"


def _local_file(url: str) -> Path | None:
    """Die Datei unter ``BOOK_HTML``, die zu einer URL des eigenen Servers gehört."""
    path = unquote(urlsplit(url).path).lstrip("/")
    candidate = BOOK_HTML / path
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def _visit(browser: object, base: str, page_name: str) -> Befund:
    befund = Befund(page=page_name)
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})

    def route(r: object) -> None:
        # Fremde Hosts gar nicht erst anfragen (kein Netz, keine Wartezeit) –
        # der Request ist trotzdem protokolliert und lässt den Test scheitern.
        if _is_own_host(r.request.url):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda req: befund.requests.append(req.url))
    page.on(
        "requestfailed",
        lambda req: befund.failed.append(f"{req.url} ({req.failure or 'abgebrochen'})"),
    )

    def on_response(resp: object) -> None:
        if resp.status >= 400:
            befund.failed.append(f"{resp.url} (HTTP {resp.status})")
        elif _is_own_host(resp.url):
            length = resp.headers.get("content-length")
            local = _local_file(resp.url)
            if length is not None:
                befund.bytes_by_url[resp.url] = int(length)
            elif local is not None:
                befund.bytes_by_url[resp.url] = local.stat().st_size

    page.on("response", on_response)
    page.on(
        "console",
        lambda msg: (
            befund.console_errors.append(f"{msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: befund.console_errors.append(f"pageerror: {exc}"))
    try:
        page.goto(base + page_name, wait_until="load")
        redirect = re.search(
            r'http-equiv="Refresh" content="\d+;\s*url=([^"]+)"',
            (BOOK_HTML / page_name).read_text(encoding="utf-8")[:2000],
            re.IGNORECASE,
        )
        if redirect:  # z. B. index.html → intro.html: auf die Zielseite warten
            page.wait_for_url(f"**/{redirect.group(1)}")
            page.wait_for_load_state("load")
        probe = page.evaluate(_PROBE_JS)
        page.wait_for_load_state("networkidle")
        befund.math = probe["math"]
        befund.images = probe["images"]
        befund.links = probe["links"]
        befund.text = probe["text"]
        befund.exercises = probe["exercises"]
        befund.widgets = page.locator(WIDGET_SELECTORS).count()
        befund.solutions = page.evaluate(
            """() => Array.from(document.querySelectorAll(".solution")).map(s => {
                 const body = Array.from(s.querySelectorAll("p, pre, .math, img, li"))
                                   .filter(n => !n.closest(".admonition-title, summary"));
                 return {
                   title: (s.querySelector(".admonition-title, summary") || s).textContent
                            .trim().slice(0, 80),
                   visible: body.some(n => n.getClientRects().length > 0
                                          && getComputedStyle(n).visibility !== "hidden"),
                 };
               })"""
        )
        if AXE_JS.is_file():
            page.add_script_tag(path=str(AXE_JS))
            if AXE_DE.is_file():
                page.evaluate("(locale) => axe.configure({locale})", json.loads(AXE_DE.read_text()))
            result = page.evaluate(
                """async () => {
                     const r = await axe.run(document, {resultTypes: ["violations"]});
                     return r.violations.map(v => ({
                       id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
                       count: v.nodes.length}));
                   }"""
            )
            befund.axe = result
        slider = page.evaluate(_SLIDER_JS)
        befund.slider_count = slider["count"]
        befund.sliders = slider["problems"]
        # Das HTML selbst (mit eingebetteten Bildern) zählt mit, auch falls der Server
        # keine Länge schickte.
        main_url = base + page_name
        if main_url not in befund.bytes_by_url:
            befund.bytes_by_url[main_url] = (BOOK_HTML / page_name).stat().st_size
    finally:
        context.close()
    return befund


@pytest.fixture(scope="session")
def befunde(browser: object, book_server: str) -> dict[str, Befund]:
    return {}


@pytest.fixture
def befund(
    request: pytest.FixtureRequest, befunde: dict[str, Befund], browser: object, book_server: str
) -> Befund:
    page_name = request.node.callspec.params["page"]
    if page_name not in befunde:
        befunde[page_name] = _visit(browser, book_server, page_name)
    return befunde[page_name]


@pytest.fixture(autouse=True)
def _buch_vorhanden(request: pytest.FixtureRequest) -> None:
    require_book()


def _liste(items: list[str], limit: int = 15) -> str:
    lines = [f"  - {item}" for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"  … und {len(items) - limit} weitere")
    return "\n".join(lines)


# --------------------------------------------------------------------------- Tests je Seite


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_keine_konsolenfehler(page: str, befund: Befund) -> None:
    assert not befund.console_errors, (
        f"{page}: Konsolenfehler beim Laden:\n{_liste(befund.console_errors)}"
    )


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_keine_fehlgeschlagenen_requests(page: str, befund: Befund) -> None:
    assert befund.requests, f"{page}: keine Requests protokolliert – Seite nicht geladen?"
    assert not befund.failed, f"{page}: fehlgeschlagene Requests:\n{_liste(befund.failed)}"


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_nur_eigener_host(page: str, befund: Befund) -> None:
    fremd = sorted({url for url in befund.requests if not _is_own_host(url)})
    assert not fremd, (
        f"{page}: Requests an fremde Hosts (das Buch muss offline und ohne Dritte "
        f"funktionieren):\n{_liste(fremd)}"
    )


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_formeln_gerendert(page: str, befund: Befund) -> None:
    math = befund.math
    roh = sorted(set(RAW_MATH.findall(befund.text)))
    if math["nodes"] == 0 and not roh:
        return  # keine Mathematik auf dieser Seite
    assert math["rendered"] == math["nodes"], (
        f"{page}: nur {math['rendered']} von {math['nodes']} Formeln von MathJax gerendert "
        "(mjx-container fehlt – MathJax nicht geladen?)"
    )
    assert not math["errors"], f"{page}: MathJax-Fehler in Formeln:\n{_liste(math['errors'])}"
    assert not roh, f"{page}: roher LaTeX-Text sichtbar: {roh[:10]}"


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_bilder_geladen_mit_alt_text(page: str, befund: Befund) -> None:
    kaputt = [img["src"] for img in befund.images if not img["complete"] or img["width"] <= 0]
    ohne_alt = [img["src"] for img in befund.images if not (img["alt"] or "").strip()]
    assert not kaputt, f"{page}: Bilder nicht geladen:\n{_liste(kaputt)}"
    assert not ohne_alt, f"{page}: Bilder ohne Alt-Text:\n{_liste(ohne_alt)}"


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_keine_ipywidgets(page: str, befund: Befund) -> None:
    assert befund.widgets == 0, (
        f"{page}: {befund.widgets} ipywidgets-Elemente im Buch – ohne Kernel bewegen sie "
        "nichts. Regler immer als SliderFigure (statischer Zwilling) ausgeben."
    )


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_regler_aendern_bild(page: str, befund: Befund) -> None:
    assert not befund.sliders, f"{page}: statische Regler defekt:\n{_liste(befund.sliders)}"


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_barrierefreiheit_axe(page: str, befund: Befund) -> None:
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core fehlt unter {AXE_JS} (gehört ins Repo).", pytrace=False)
    schwer = [v for v in befund.axe if v["impact"] in ("serious", "critical")]
    beschreibung = [
        f"{v['impact']}: {v['id']} – {v['help']} ({v['count']}×, z. B. {', '.join(v['nodes'])})"
        for v in schwer
    ]
    assert not schwer, f"{page}: axe-core meldet Verstöße:\n{_liste(beschreibung)}"


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_seitengewicht(page: str, befund: Befund) -> None:
    PAGE_WEIGHTS[page] = befund.total_bytes
    groesste = sorted(befund.bytes_by_url.items(), key=lambda kv: -kv[1])[:5]
    assert befund.total_bytes < MAX_PAGE_BYTES, (
        f"{page}: {befund.total_bytes / 1e6:.2f} MB (HTML + geladene Dateien), erlaubt sind "
        f"{MAX_PAGE_BYTES / 1e6:.2f} MB. Größte Teile:\n"
        + _liste([f"{url} ({size / 1e3:.0f} kB)" for url, size in groesste])
    )


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_notebook_zum_herunterladen(page: str, befund: Befund) -> None:
    source = BOOK_HTML / "_sources" / Path(page).with_suffix(".ipynb")
    if not source.is_file():
        return  # keine Notebook-Seite
    ziel = f"/_sources/{Path(page).with_suffix('.ipynb').as_posix()}"
    links = [link for link in befund.links if urlsplit(link).path == ziel]
    assert links, f"{page}: kein Download-Link auf {ziel} (Knopf „.ipynb“ fehlt)"


def test_fusszeile_nennt_das_kursteam_ohne_durch() -> None:
    """Unter jeder Seite: „Das Kursteam“, Copyright und Datum – ohne das „Durch“ des Themes.

    sphinx-book-theme schreibt sonst ``translate('By') + author`` („Durch Das Kursteam“);
    ``_config.yml`` ersetzt dessen Baustein author.html durch ``extra_footer``.
    """
    footers = {}
    for page in PAGES:
        html = (BOOK_HTML / page).read_text(encoding="utf-8")
        start = html.find('<footer class="bd-footer-content')
        if start >= 0:  # index.html leitet nur weiter und hat keine Fußzeile
            footer = html[start : html.find("</footer>", start)]
            footers[page] = " ".join(re.sub(r"<[^>]+>", " ", footer).split())
    assert len(footers) >= len(PAGES) - 1, f"Fußzeile fehlt: {sorted(set(PAGES) - set(footers))}"
    pattern = r"Das Kursteam © Copyright \d{4} Zuletzt aktualisiert am [\d.]+\."
    falsch = [f"{page}: {t!r}" for page, t in footers.items() if not re.fullmatch(pattern, t)]
    assert not falsch, "Fußzeile anders als erwartet:\n" + _liste(falsch)


def _bib_keys() -> set[str]:
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"@\w+\s*\{\s*([^,\s]+)\s*,", bib))


def _ids_in(path: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_zitate_aufgeloest(page: str, befund: Befund) -> None:
    literatur = BOOK_HTML / "literatur.html"
    cite_links = [link for link in befund.links if urlsplit(link).path == "/literatur.html"]
    ids = _ids_in(literatur) if literatur.is_file() else set()
    kaputt = [link for link in cite_links if urlsplit(link).fragment not in ids | {""}]
    assert not kaputt, f"{page}: Verweise ins Literaturverzeichnis ohne Ziel:\n{_liste(kaputt)}"
    # Unaufgelöste Zitate erscheinen als roher Schlüssel oder als Rolle im Text.
    roh = sorted(
        key
        for key in _bib_keys()
        if re.search(rf"(?<![\w/#-]){re.escape(key)}(?![\w-])", befund.text)
    )
    rollen = sorted(set(re.findall(r"\{cite(?::\w+)?\}", befund.text)))
    assert not roh and not rollen, f"{page}: unaufgelöste Zitate im Text: {roh + rollen}"
    quelle = next(
        (p for p in (BOOK_HTML / "_sources").glob(f"{Path(page).with_suffix('').as_posix()}.*")),
        None,
    )
    if quelle is not None and "{cite" in quelle.read_text(encoding="utf-8", errors="replace"):
        if page != "literatur.html":
            assert cite_links, f"{page}: zitiert, verlinkt aber nicht auf literatur.html"


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_loesungen_verborgen(page: str, befund: Befund) -> None:
    sichtbar = [s["title"] for s in befund.solutions if s["visible"]]
    assert not sichtbar, (
        f"{page}: Lösungen sind beim Laden sichtbar (`:class: dropdown` vergessen?):\n"
        + _liste(sichtbar)
    )


# --------------------------------------------------------------------------- Tests je Kapitel

CHAPTERS = sorted(
    {Path(p).parts[1] for p in PAGES if p.startswith("chapters/") and len(Path(p).parts) > 2}
)
MIN_EXERCISES = 3


@pytest.mark.parametrize("chapter", CHAPTERS or [pytest.param(None, id="keine-kapitel")])
def test_kapitel_hat_uebungen(
    chapter: str, befunde: dict[str, Befund], browser: object, book_server: str
) -> None:
    if chapter is None:
        pytest.fail("Das gebaute Buch enthält keine Kapitel unter chapters/.", pytrace=False)
    seiten = [p for p in PAGES if p.startswith(f"chapters/{chapter}/")]
    anzahl = 0
    for seite in seiten:
        if seite not in befunde:
            befunde[seite] = _visit(browser, book_server, seite)
        anzahl += befunde[seite].exercises
    assert anzahl >= MIN_EXERCISES, (
        f"Kapitel {chapter}: {anzahl} Übungen (```{{exercise}}```) auf {len(seiten)} Seiten, "
        f"erwartet mindestens {MIN_EXERCISES} (mit verborgener Lösung)."
    )


# --------------------------------------------------------------------------- Suche


@pytest.mark.parametrize("begriff", ["Aufmerksamkeit"])
def test_suche_findet_deutsche_begriffe(begriff: str, browser: object, book_server: str) -> None:
    context = browser.new_context(locale="de-DE")
    fehler: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: fehler.append(str(exc)))
        page.on("console", lambda msg: fehler.append(msg.text) if msg.type == "error" else None)
        page.goto(f"{book_server}search.html?q={begriff}", wait_until="load")
        treffer = page.locator("#search-results ul.search li")
        try:
            treffer.first.wait_for(timeout=15_000)
        except Exception:
            pass
        anzahl = treffer.count()
    finally:
        context.close()
    assert not fehler, f"Suche nach „{begriff}“: JS-Fehler: {fehler}"
    assert anzahl > 0, f"Die Volltextsuche nach „{begriff}“ liefert keine Treffer."
