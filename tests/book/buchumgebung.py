"""Gemeinsame Hilfen und Fixtures für die Tests des gebauten Buchs.

Das Buch wird aus ``_build/html`` (oder dem Ordner in der Umgebungsvariablen
``BUCH_HTML``) über einen kleinen HTTP-Server auf 127.0.0.1 ausgeliefert und
mit dem Debian-Chromium über Playwright geöffnet. Fehlt Chromium, Playwright
oder das gebaute Buch, werden die Tests übersprungen – außer mit ``CI=true``:
Dort ist ein übersprungener Browsertest ein Fehler.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOK_HTML = Path(os.environ.get("BUCH_HTML", ROOT / "_build" / "html")).resolve()
PAGE_WEIGHTS: dict[str, int] = {}  # Seite → Bytes (für die Zusammenfassung am Ende)
#: JavaScript-Baustein für page.evaluate: wartet (höchstens 20 s) auf MathJax, Schriften und Bilder.
#: Er gehört in den Rumpf einer ``async``-Funktion, etwa ``"async () => {" + … + "}"``.
WAIT_UNTIL_RENDERED_JS = """
  const timeout = (ms) => new Promise(r => setTimeout(r, ms));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await Promise.race([MathJax.startup.promise, timeout(20000)]);
  }
  await Promise.race([document.fonts.ready, timeout(10000)]);
  const imgs = Array.from(document.images);
  await Promise.race([Promise.all(imgs.map(img => {
    if (img.loading === "lazy") { img.loading = "eager"; }
    return img.decode().catch(() => null);
  })), timeout(10000)]);
"""

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci() -> bool:
    """True, wenn die Tests in der CI laufen (dort darf nichts übersprungen werden)."""
    return os.environ.get("CI", "").strip().lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Überspringt den Test lokal; in der CI (``CI=true``) scheitert er."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: Überspringen ist hier nicht erlaubt)", pytrace=False)
    pytest.skip(reason)


def book_pages() -> list[str]:
    """Alle HTML-Seiten des gebauten Buchs, relativ zu ``BOOK_HTML`` (ohne ``_static`` usw.)."""
    if not (BOOK_HTML / "index.html").is_file():
        return []
    pages = []
    for path in sorted(BOOK_HTML.rglob("*.html")):
        rel = path.relative_to(BOOK_HTML)
        if any(part.startswith("_") for part in rel.parts[:-1]):
            continue  # _static, _sources, _images …
        pages.append(rel.as_posix())
    return pages


def require_book() -> None:
    if not (BOOK_HTML / "index.html").is_file():
        skip_or_fail(
            f"Kein gebautes Buch unter {BOOK_HTML} – zuerst `make book` "
            "(oder `jupyter-book build . -W -n --keep-going`) ausführen."
        )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def book_server() -> Iterator[str]:
    """Liefert das gebaute Buch auf 127.0.0.1 (freier Port) aus; gibt die Basis-URL zurück."""
    require_book()
    handler = functools.partial(_QuietHandler, directory=str(BOOK_HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Ein Chromium für alle Seiten."""
    require_book()
    if not Path(CHROMIUM).is_file():
        skip_or_fail(
            f"Chromium fehlt unter {CHROMIUM} – `apt-get install chromium` "
            "(oder Pfad in der Umgebungsvariablen CHROMIUM angeben)."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Das Python-Paket `playwright` fehlt – `pip install -r requirements.txt`.")
    with sync_playwright() as pw:
        try:
            instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:
            skip_or_fail(f"Chromium ließ sich nicht starten: {exc}")
        try:
            yield instance
        finally:
            instance.close()
