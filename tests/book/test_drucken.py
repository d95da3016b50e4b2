"""Das gebaute Buch ausgedruckt: Lösungen und eingeklappter Code stehen auf dem Papier.

Wer eine Seite aus dem Browser druckt (oder als PDF speichert), soll die Lösungen der Übungen
und die eingeklappten Code-Kästen vollständig sehen – nicht „Klicken zum Anzeigen“. Das leisten
das Druck-CSS in ``_assets/barrierefreiheit.css`` und ``_assets/drucken.js``. Geprüft wird
jede Seite mit Lösungen oder ``<details>``-Kästen in Chromium mit Druckmedium, nachdem das
Ereignis ``beforeprint`` ausgelöst wurde (wie es der Browser beim Drucken tut).
"""

from __future__ import annotations

import pytest
from buchumgebung import BOOK_HTML, book_pages, require_book

PAGES = [
    page
    for page in book_pages()
    if any(
        marker in (BOOK_HTML / page).read_text(encoding="utf-8")
        for marker in ('class="solution dropdown', "<details")
    )
]
PAGE_PARAMS = PAGES or [pytest.param(None, id="kein-gebautes-buch")]

_PRINT_STATE_JS = """
() => {
  window.dispatchEvent(new Event("beforeprint"));
  const visible = (el) => {
    const style = getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none"
      && el.getBoundingClientRect().height > 0;
  };
  const solutions = Array.from(document.querySelectorAll(".solution.dropdown"));
  const hiddenSolutions = solutions.filter((box) => {
    const body = Array.from(box.children).filter((c) => !c.classList.contains("admonition-title"));
    return !body.length || !body.every(visible);
  }).map((box) => box.querySelector(".admonition-title").textContent.trim());
  const buttons = Array.from(document.querySelectorAll("button.toggle-button")).filter(visible);
  const closed = Array.from(document.querySelectorAll("article details"))
    .filter((d) => !d.open).map((d) => d.querySelector("summary").textContent.trim());
  window.dispatchEvent(new Event("afterprint"));
  const reclosed = Array.from(document.querySelectorAll("article details")).filter((d) => !d.open);
  return { solutions: solutions.length, hiddenSolutions, buttons: buttons.length, closed,
           reclosed: reclosed.length };
}
"""


@pytest.fixture(scope="module")
def druckseite(browser: object, book_server: str):
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.emulate_media(media="print")
    yield lambda name: (page.goto(book_server + name, wait_until="load"), page)[1]
    context.close()


@pytest.mark.parametrize("name", PAGE_PARAMS)
def test_gedruckt_stehen_loesungen_und_code_da(name: str, druckseite) -> None:
    require_book()
    state = druckseite(name).evaluate(_PRINT_STATE_JS)
    assert not state["hiddenSolutions"], (
        f"{name}: gedruckt fehlen die Lösungen {state['hiddenSolutions']}"
    )
    assert state["buttons"] == 0, f"{name}: {state['buttons']} Knöpfe „Klicken zum …“ im Druck"
    assert not state["closed"], f"{name}: gedruckt eingeklappt: {state['closed']}"


def test_nach_dem_drucken_wieder_eingeklappt(druckseite) -> None:
    """``afterprint`` klappt zu, was vorher zu war: Am Bildschirm bleibt die Seite wie sie war."""
    require_book()
    pages = [p for p in PAGES if "sd-dropdown" in (BOOK_HTML / p).read_text(encoding="utf-8")]
    if not pages:
        pytest.skip("Keine Seite mit eingeklapptem Code-Kasten gebaut.")
    state = druckseite(pages[0]).evaluate(_PRINT_STATE_JS)
    assert state["reclosed"] > 0, "Nach dem Drucken blieben alle Kästen offen."
