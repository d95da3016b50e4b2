"""Fixtures der Buchtests (Umsetzung in ``buchumgebung.py``)."""

from buchumgebung import book_server, browser  # noqa: F401


def pytest_terminal_summary(terminalreporter: object) -> None:
    """Seitengewichte berichten (größte zuerst) und vollständig nach _build/ schreiben."""
    from buchumgebung import BOOK_HTML, PAGE_WEIGHTS

    if not PAGE_WEIGHTS:
        return
    rows = sorted(PAGE_WEIGHTS.items(), key=lambda kv: -kv[1])
    lines = [f"{size / 1e6:7.3f} MB  {page}" for page, size in rows]
    report = BOOK_HTML.parent / "seitengewicht.txt"
    try:
        report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError:
        report = None
    terminalreporter.write_sep("-", "Seitengewicht (HTML + geladene Dateien), größte Seiten")
    for line in lines[:5]:
        terminalreporter.write_line(line)
    if report is not None:
        terminalreporter.write_line(f"alle {len(lines)} Seiten: {report}")
