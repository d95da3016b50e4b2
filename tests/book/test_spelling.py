"""Rechtschreibprüfung aller Prosa des Buchs mit hunspell (de_DE) und Projekt-Wortliste.

Geprüft werden die Markdown-Dateien des Buchs und die Markdown-Zellen der
Notebooks – ohne Code, Inline-Code, Formeln, URLs, MyST-Rollen,
Direktiven-Optionen und Sprungmarken. Unbekannte Wörter sind entweder
Tippfehler (im Text korrigieren) oder geprüfte Fachwörter und Namen (in
``tests/book/wortliste.txt`` eintragen – nie einen Tippfehler!).

Ohne hunspell oder ohne deutsches Wörterbuch wird der Test übersprungen,
mit ``CI=true`` scheitert er stattdessen.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from buchumgebung import ROOT, skip_or_fail

WORDLIST = Path(__file__).with_name("wortliste.txt")
DICTIONARY = "de_DE"

# Direktiven, deren Inhalt kein Fließtext ist.
CODE_DIRECTIVES = {
    "code-cell",
    "code-block",
    "code",
    "sourcecode",
    "math",
    "raw",
    "literalinclude",
    "include",
    "bibliography",
    "tableofcontents",
    "toctree",
    "eval-rst",
    "mermaid",
    "csv-table",
}
# Direktiven, deren Argument ein Titel ist (bei allen anderen: Pfad, Label …).
TITLE_DIRECTIVES = {"admonition", "exercise", "dropdown", "topic", "sidebar", "card", "tab-item"}

_FENCE = re.compile(
    r"^\s*(?P<fence>`{3,}|~{3,}|:{3,})\s*(?:\{(?P<name>[\w:.-]+)\})?\s*(?P<arg>.*)$"
)
_OPTION = re.compile(r"^\s*:[\w-]+:")
_INLINE = [
    re.compile(r"<!--.*?-->"),  # HTML-Kommentar
    re.compile(r"\{[\w:.-]+\}`[^`]*`"),  # MyST-Rolle {cite:t}`…`, {term}`…`
    re.compile(r"(`+).+?\1"),  # Inline-Code
    re.compile(r"\$\$.*?\$\$"),  # Formel (einzeilig)
    re.compile(r"\$[^$]+\$"),  # Inline-Formel
    re.compile(r"\\\(.*?\\\)"),
    re.compile(r"\{\{.*?\}\}"),  # Substitution
    re.compile(r"\[\^[^\]]*\]"),  # Fußnotenverweis
    re.compile(r"\]\([^)]*\)"),  # Linkziel von [Text](Ziel)
    re.compile(r"<https?://[^>]*>"),
    re.compile(r"https?://\S+"),
    re.compile(r"</?[a-zA-Z][^>]*>"),  # HTML-Tags
    re.compile(r"&[a-zA-Z]+;|&#\d+;"),  # HTML-Entities
    re.compile(r"(?<!\S)[-.–—*+|:=>#]+(?!\S)"),  # Aufzählungszeichen, Linien, Tabellen
]
# Bindestrich am Wortrand: „Encoder- und Decoder-Blöcke“, „$QK^T$-Matrix“ (Formel entfernt)
# und vor Zahlen: „GPT-2“, „ViT-B/16“
_EDGE_HYPHEN = re.compile(r"(?<![^\W\d_])-|-(?![^\W\d_])")
# Ausnahmen für eine Datei/Zelle, als MyST-Kommentar: „% rechtschreibung: Wort Wort“
_LOCAL_IGNORE = re.compile(r"^\s*%\s*rechtschreibung:\s*(.*)$", re.MULTILINE)


def prose_lines(text: str) -> list[tuple[int, str]]:
    """Die Fließtext-Zeilen eines MyST-Markdown-Texts (Zeilennummer ab 1, bereinigt)."""
    lines = text.splitlines()
    result: list[tuple[int, str]] = []
    stack: list[tuple[str, bool]] = []  # (Zaun, ist Code)
    in_math = False
    in_env: str | None = None
    in_options = False
    in_indented_code = False
    inline_math = False
    previous_blank = True
    list_context = False
    start = 0
    if lines and lines[0].strip() == "---":  # Front Matter
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                start = i + 1
                break
    for number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip()
        # Innerhalb eines Code-Zauns zählt nur dessen Ende.
        if stack and stack[-1][1]:
            fence = stack[-1][0]
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                stack.pop()
            continue
        if in_math:
            if "$$" in stripped:
                in_math = False
            continue
        if in_env is not None:
            if stripped.startswith(f"\\end{{{in_env}}}"):
                in_env = None
            continue
        if in_options:
            if _OPTION.match(line):
                continue
            in_options = False
        match = _FENCE.match(line)
        if match:
            fence = match["fence"]
            if stack and set(stripped) == {stack[-1][0][0]} and len(stripped) >= len(stack[-1][0]):
                stack.pop()  # Ende einer Prosa-Direktive
                continue
            name = match["name"]
            is_code = name is None or name in CODE_DIRECTIVES
            if name is None and fence[0] == ":" and not match["arg"]:
                is_code = True
            stack.append((fence, is_code))
            in_options = not is_code
            previous_blank, list_context, in_indented_code = True, False, False
            if not is_code and name in TITLE_DIRECTIVES and match["arg"]:
                result.append((number, _clean(match["arg"])))
            continue
        if stripped.startswith("$$"):
            if stripped.count("$$") == 1:
                in_math = True
            continue
        env = re.match(r"\\begin\{([\w*]+)\}", stripped)
        if env:
            in_env = env[1]
            if f"\\end{{{in_env}}}" in stripped:
                in_env = None
            continue
        # Eingerückter Codeblock (4 Leerzeichen nach Leerzeile, nicht in einer Liste)
        if line.startswith("    ") and stripped:
            if in_indented_code or (previous_blank and not list_context):
                in_indented_code = True
                continue
        elif stripped:
            in_indented_code = False
        if not stripped:
            previous_blank, inline_math = True, False
            continue
        previous_blank = False
        if re.match(r"^(\s*)([-*+]|\d+[.)])\s", line) or re.match(r"^\s*:\s", line):
            list_context = True
        elif not line.startswith((" ", "\t")):
            list_context = False
        if re.match(r"^\(.*\)=\s*$", stripped) or stripped.startswith(("%", "+++")):
            continue  # Sprungmarke, Kommentar, Blockgrenze
        # Inline-Code zuerst entfernen: `$` darin ist keine Formel.
        line = _INLINE[2].sub(" ", _INLINE[1].sub(" ", line))  # Rollen, dann Inline-Code
        line, inline_math = _split_inline_math(line, inline_math)
        cleaned = _clean(line)
        if cleaned.strip():
            result.append((number, cleaned))
    return result


def _clean(line: str) -> str:
    for pattern in _INLINE:
        line = pattern.sub(" ", line)
    line = line.replace("*", "")  # Hervorhebung: „*Self*-Attention“
    return _EDGE_HYPHEN.sub(" ", line)


def _split_inline_math(line: str, in_math: bool) -> tuple[str, bool]:
    """Entfernt Inline-Formeln, auch solche, die über das Zeilenende reichen."""
    line = line.replace("\\$", " ")
    if "$$" in line and line.count("$$") % 2 == 0:
        line = re.sub(r"\$\$.*?\$\$", " ", line)
    parts = line.split("$")
    # Endung direkt hinter einer Formel gehört zu ihr: „$i$-ten“, „$QK^T$-Matrix“
    kept = [
        re.sub(r"^-[\w-]*", " ", part) if i > 0 else part
        for i, part in enumerate(parts)
        if (i % 2 == 0) != in_math
    ]
    in_math = in_math != (len(parts) % 2 == 0)
    return " ".join(kept), in_math


def local_ignores(text: str) -> set[str]:
    """Wörter aus ``% rechtschreibung: …``-Kommentaren (absichtliche Fragmente, Zitate)."""
    return {word for match in _LOCAL_IGNORE.findall(text) for word in match.split()}


def _toc_files(entry: object) -> list[str]:
    if isinstance(entry, dict):
        found = [entry["file"]] if "file" in entry else []
        if "root" in entry:
            found.append(entry["root"])
        for value in entry.values():
            if isinstance(value, (list, dict)):
                found += _toc_files(value)
        return found
    if isinstance(entry, list):
        return [name for item in entry for name in _toc_files(item)]
    return []


def _sources() -> list[Path]:
    """Alle Quellen des Buchs: Seiten aus ``_toc.yml`` und alles unter ``chapters/``."""
    files: set[Path] = set()
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    for name in _toc_files(toc):
        for suffix in (".md", ".ipynb"):
            candidate = ROOT / f"{name}{suffix}"
            if candidate.is_file():
                files.add(candidate)
    for suffix in ("*.md", "*.ipynb"):
        files.update((ROOT / "chapters").rglob(suffix))
    return sorted(
        f for f in files if ".ipynb_checkpoints" not in f.parts and "_build" not in f.parts
    )


def _prose_of(path: Path) -> list[tuple[str, str]]:
    """(Fundstelle, Zeile) für eine Markdown-Datei oder die Markdown-Zellen eines Notebooks."""
    if path.suffix == ".ipynb":
        notebook = json.loads(path.read_text(encoding="utf-8"))
        out = []
        for index, cell in enumerate(notebook.get("cells", []), start=1):
            if cell.get("cell_type") != "markdown":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            out += [(f"Zelle {index}, Zeile {n}", text) for n, text in prose_lines(source)]
        return out
    text = path.read_text(encoding="utf-8")
    return [(f"Zeile {n}", line) for n, line in prose_lines(text)]


def _wordlist() -> list[str]:
    words = []
    for raw in WORDLIST.read_text(encoding="utf-8").splitlines():
        word = raw.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


@pytest.fixture(scope="session")
def hunspell(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Aufruf von hunspell mit deutschem Wörterbuch und Projekt-Wortliste."""
    exe = shutil.which("hunspell")
    if exe is None:
        skip_or_fail("hunspell fehlt – `apt-get install hunspell hunspell-de-de`.")
    probe = subprocess.run(
        [exe, "-d", DICTIONARY, "-l"], input="Haus", capture_output=True, text=True, check=False
    )
    if probe.returncode != 0 or "Can't open" in probe.stderr:
        skip_or_fail(
            f"hunspell findet das Wörterbuch {DICTIONARY} nicht – `apt-get install hunspell-de-de`."
        )
    personal = tmp_path_factory.mktemp("hunspell") / "wortliste.dic"
    personal.write_text("\n".join(_wordlist()) + "\n", encoding="utf-8")
    return [exe, "-d", DICTIONARY, "-p", str(personal), "-i", "utf-8", "-l"]


SOURCES = _sources()


@pytest.mark.parametrize("path", SOURCES, ids=[p.relative_to(ROOT).as_posix() for p in SOURCES])
def test_rechtschreibung(path: Path, hunspell: list[str]) -> None:
    prose = _prose_of(path)
    if not prose:
        return
    result = subprocess.run(
        hunspell,
        input="\n".join(line for _, line in prose) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    ignored = local_ignores(path.read_text(encoding="utf-8").replace("\\n", "\n"))
    unknown = sorted(set(result.stdout.split()) - ignored)
    details = []
    for word in unknown:
        pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
        places = [where for where, line in prose if pattern.search(line)][:3]
        details.append(f"  - {word}  ({'; '.join(places) or '?'})")
    name = path.relative_to(ROOT).as_posix()
    assert not unknown, (
        f"{name}: {len(unknown)} unbekannte Wörter. Tippfehler im Text korrigieren; "
        f"geprüfte Fachwörter/Namen in {WORDLIST.relative_to(ROOT)} eintragen:\n"
        + "\n".join(details)
    )


def test_wortliste_sauber() -> None:
    words = _wordlist()
    doppelt = sorted({w for w in words if words.count(w) > 1})
    assert not doppelt, f"Doppelte Einträge in {WORDLIST.name}: {doppelt}"
    # „Wort/Musterwort“ ist erlaubt (hunspell übernimmt die Beugung des Musterworts;
    # nötig für Wörter, die das Wörterbuch nur in Zusammensetzungen kennt, etwa „Audio“).
    leer = [w for w in words if " " in w]
    assert not leer, f"Einträge mit Leerzeichen in {WORDLIST.name} (ein Wort je Zeile): {leer}"


def test_extraktion_ignoriert_code_und_formeln() -> None:
    text = "\n".join(
        [
            "---",
            "titel: Frontmatter",
            "---",
            "(sprungmarke)=",
            "# Überschrift mit `inline_code` und $\\alpha$",
            "```python",
            "kein_text = 1",
            "```",
            "```{exercise} Übungstitel",
            ":label: ex-xyz",
            "Aufgabentext {cite:t}`vaswani2017attention` [Link](https://beispiel.de/pfad)",
            "```",
            "```{solution} ex-xyz",
            ":class: dropdown",
            "Lösungstext",
            "```",
            "$$",
            "\\frac{QK^T}{\\sqrt{d_k}}",
            "$$",
            "Ende",
            "",
            "Programm in einer Übung:",
            "",
            "    eingerueckter_code = 1",
            "",
            "- Liste mit",
            "    Fortsetzung",
            "*Self*-Attention, 16×16-Patches",
            "Encoder- und Decoder-Blöcke, $QK^T$-Matrix, GPT-2 mit $n d^2",
            "\\approx 10^{11}$ Operationen, der $i$-ten Zeile",
        ]
    )
    lines = " ".join(line for _, line in prose_lines(text))
    for word in [
        "Überschrift",
        "Übungstitel",
        "Aufgabentext",
        "Link",
        "Lösungstext",
        "Ende",
        "Fortsetzung",
        "Decoder-Blöcke",
        "GPT 2",
        "Operationen",
        "Zeile",
        "Self-Attention",
        " Patches",
    ]:
        assert word in lines
    for fremd in [
        "inline_code",
        "alpha",
        "kein_text",
        "ex-xyz",
        "vaswani",
        "beispiel",
        "frac",
        "dropdown",
        "Frontmatter",
        "sprungmarke",
        "eingerueckter_code",
        "approx",
        "cite",
        "Encoder-",
        "ten ",
        "Matrix",
    ]:
        assert fremd not in lines, fremd


def test_lokale_ausnahmen() -> None:
    text = "Nach „Aufmerksamke“ folgt „i“.\n% rechtschreibung: Aufmerksamke Tokennnn\n"
    assert local_ignores(text) == {"Aufmerksamke", "Tokennnn"}
    assert all("rechtschreibung" not in line for _, line in prose_lines(text))
