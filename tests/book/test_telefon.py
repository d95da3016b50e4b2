"""Das gebaute Buch auf einem Telefon: keine Seite breiter als der Bildschirm.

Jede Seite wird in Chromium mit einem Fenster von 390 × 844 Pixeln geöffnet
(Breite eines verbreiteten Telefons im Hochformat). Nach dem Rendern der
Formeln und dem Laden der Bilder darf das Dokument nicht breiter sein als das
Fenster: ``document.documentElement.scrollWidth <= 390``. Sonst muss die Leserin
die ganze Seite seitlich schieben, und Text läuft aus dem Bild.

Breite Inhalte (Tabellen, abgesetzte Formeln, Code-Blöcke) dürfen in einem
eigenen, seitlich scrollbaren Kasten liegen; sie zählen dann nicht als zu
breit. Scheitert der Test, nennt er die äußersten Elemente, die über den
rechten Rand ragen, mit einem CSS-Selektor und ihrer Breite.

Ausführen: ``pytest tests/book -k telefon`` nach ``make book``.
"""

from __future__ import annotations

import re

import pytest
from buchumgebung import BOOK_HTML, WAIT_UNTIL_RENDERED_JS, book_pages, require_book

PAGES = book_pages()
PAGE_PARAMS = PAGES or [pytest.param(None, id="kein-gebautes-buch")]
WIDTH, HEIGHT = 390, 844

_MEASURE_JS = (
    """
async (width) => {
"""
    + WAIT_UNTIL_RENDERED_JS
    + """  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));

  const selector = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && parts.length < 4; n = n.parentElement) {
      let part = n.tagName.toLowerCase();
      if (n.id) { parts.unshift(part + "#" + n.id); break; }
      const classes = Array.from(n.classList).slice(0, 2);
      if (classes.length) { part += "." + classes.join("."); }
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  // Wie weit etwas nach rechts sichtbar hinausragt: Vorfahren, die scrollen oder abschneiden
  // (overflow-x ≠ visible), begrenzen es auf ihren eigenen rechten Rand.
  const clippedRight = (start, right) => {
    for (let n = start; n && n !== document.documentElement; n = n.parentElement) {
      if (getComputedStyle(n).overflowX !== "visible") {
        right = Math.min(right, n.getBoundingClientRect().right);
      }
    }
    return right;
  };
  // Ausgeblendetes und fest Positioniertes (z. B. die ausklappbare Seitenleiste) zählt nicht;
  // unsichtbare Elemente (visibility: hidden) verbreitern die Seite dagegen sehr wohl.
  const ignored = (el) => {
    for (let n = el; n && n !== document.documentElement; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (style.display === "none" || style.position === "fixed") { return true; }
    }
    return false;
  };
  const elementRight = (el) => clippedRight(el.parentElement, el.getBoundingClientRect().right);
  const sticksOut = (el) => el.getBoundingClientRect().width > 0
      && elementRight(el) > width + 0.5 && !ignored(el);
  const clean = (text) => (text || "").trim().replace(/\\s+/g, " ").slice(0, 60);

  const scrollWidth = document.documentElement.scrollWidth;
  const offenders = [];
  if (scrollWidth > width) {
    for (const el of document.body.querySelectorAll("*")) {
      if (!sticksOut(el)) { continue; }
      const parent = el.parentElement;
      if (parent && parent !== document.body && sticksOut(parent)
          && elementRight(parent) >= elementRight(el)) {
        continue;  // der Vorfahr ragt schon genauso weit hinaus: nur den äußersten melden
      }
      offenders.push({ selector: selector(el), right: Math.round(elementRight(el)),
                       width: Math.round(el.getBoundingClientRect().width),
                       text: clean(el.textContent) });
    }
    // Text, der aus seinem Element läuft (ein langes Wort, eine lange URL), ist kein
    // Element: Wir messen die Zeilenstücke jedes Textknotens.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !node.textContent.trim() || sticksOut(parent) || ignored(parent)) {
        continue;  // leer, unsichtbar oder schon als Element gemeldet
      }
      range.selectNodeContents(node);
      const rects = Array.from(range.getClientRects());
      if (!rects.length) { continue; }
      const right = clippedRight(parent, Math.max(...rects.map(r => r.right)));
      if (right > width + 0.5) {
        offenders.push({ selector: selector(parent) + " (Text)", right: Math.round(right),
                         width: Math.round(Math.max(...rects.map(r => r.width))),
                         text: clean(node.textContent) });
      }
    }
  }
  offenders.sort((a, b) => b.right - a.right);
  return { scrollWidth, innerWidth: window.innerWidth, offenders: offenders.slice(0, 8) };
}
"""
)


def measure(browser: object, base: str, page_name: str) -> dict:
    """Öffnet eine Seite mit 390 px Breite und misst, was über den rechten Rand ragt."""
    context = browser.new_context(
        locale="de-DE", viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1
    )
    try:
        page = context.new_page()
        page.goto(base + page_name, wait_until="load")
        redirect = re.search(
            r'http-equiv="Refresh" content="\d+;\s*url=([^"]+)"',
            (BOOK_HTML / page_name).read_text(encoding="utf-8")[:2000],
            re.IGNORECASE,
        )
        if redirect:  # index.html → intro.html: auf die Zielseite warten
            page.wait_for_url(f"**/{redirect.group(1)}")
            page.wait_for_load_state("load")
        return page.evaluate(_MEASURE_JS, WIDTH)
    finally:
        context.close()


@pytest.mark.parametrize("page", PAGE_PARAMS)
def test_seite_passt_aufs_telefon(page: str, browser: object, book_server: str) -> None:
    require_book()
    result = measure(browser, book_server, page)
    details = "\n".join(
        f"  - {o['selector']}: rechter Rand {o['right']} px, Breite {o['width']} px („{o['text']}“)"
        for o in result["offenders"]
    )
    assert result["scrollWidth"] <= WIDTH, (
        f"{page}: auf einem {WIDTH} px breiten Bildschirm ist die Seite "
        f"{result['scrollWidth']} px breit. Über den rechten Rand ragen:\n{details}"
    )
