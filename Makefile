# Kurs „Self-Attention“ – alle Befehle. Die virtuelle Umgebung entsteht bei Bedarf selbst.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installiert
BOOK_HTML := _build/html/index.html
NBVAL := $(BIN)/pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg -n 2 --dist loadscope

# Für `make test`: dasselbe Buch, aber aus den gespeicherten Ausgaben, die nbval gerade
# streng geprüft hat – so wird kein Notebook zweimal ausgeführt.
STORED_CONFIG := .config-gespeicherte-ausgaben.yml

# nbval läuft in `make test` unter einem anderen CPU-Kernel als dem, der die Ausgaben gespeichert
# hat (siehe tools/kerne.py): So fällt auf, wenn eine gespeicherte Ausgabe von der CPU abhängt.
KERN ?= avx2

.PHONY: help venv book book-stored pdf mitnehmen lab notebooks test lint unit nbval nbval-alle-kerne browser bench modelle robustheit clean

help:
	@echo "make book       – Buch bauen (legt .venv an, falls nötig)"
	@echo "make test       – alle Tests: ruff, Bibliothek, Notebooks (nbval), Buch, Browser, Rechtschreibung"
	@echo "make pdf        – das ganze Buch als PDF (Lösungen im Anhang), braucht TeX Live"
	@echo "make lab        – JupyterLab auf Deutsch starten"
	@echo "make notebooks  – alle Notebooks neu ausführen und Ausgaben speichern"
	@echo "make bench      – Zeitmessungen auf diesem Rechner"
	@echo "make modelle    – alle Modelle des Buchs neu trainieren und speichern"
	@echo "make robustheit – Aussagen des Texts für 5 Seeds × 3 CPU-Kernel prüfen (Tabelle)"

# Unterstützt: Python 3.11 bis 3.13, auch Debians 3.11.2. Ein älterer Interpreter (etwa das
# Python 3.9 von macOS) scheiterte sonst erst nach Minuten mit einem Auflösungsfehler von pip.
PY_VERSION_CHECK := import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else 1)
PY_VERSION := import platform; print(platform.python_version())

$(STAMP): requirements.txt pyproject.toml
	@if ! test -x $(BIN)/python; then \
	  if ! command -v $(PYTHON) > /dev/null; then \
	    echo "Fehler: Den Python-Interpreter „$(PYTHON)“ gibt es auf diesem Rechner nicht." >&2; \
	    echo "Wählen Sie einen anderen (3.11 bis 3.13), etwa: make book PYTHON=python3.12" >&2; \
	    exit 1; \
	  fi; \
	  if ! $(PYTHON) -c '$(PY_VERSION_CHECK)' 2> /dev/null; then \
	    echo "Fehler: „$(PYTHON)“ ist $$($(PYTHON) -c '$(PY_VERSION)' 2> /dev/null | sed 's/^/Python /' | grep . \
	      || echo 'kein lauffähiges Python');" "der Kurs braucht Python 3.11 bis 3.13." >&2; \
	    echo "Installieren Sie ein neueres Python und wählen Sie es aus, etwa: make book PYTHON=python3.12" >&2; \
	    exit 1; \
	  fi; \
	  if ! $(PYTHON) -c 'import ensurepip' 2> /dev/null; then \
	    echo "Fehler: „$(PYTHON)“ kann keine virtuelle Umgebung anlegen (das Modul venv/ensurepip fehlt)." >&2; \
	    echo "Unter Debian und Ubuntu: sudo apt-get install python3-venv" >&2; \
	    exit 1; \
	  fi; \
	  echo "$(PYTHON) -m venv $(VENV)   # Python $$($(PYTHON) -c '$(PY_VERSION)')"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	@$(BIN)/python -c '$(PY_VERSION_CHECK)' || { \
	  echo "Fehler: $(VENV) enthält Python $$($(BIN)/python -c '$(PY_VERSION)'); der Kurs braucht 3.11 bis 3.13." >&2; \
	  echo "Löschen Sie $(VENV) und beginnen Sie neu, etwa: rm -r $(VENV) && make book PYTHON=python3.12" >&2; \
	  exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements.txt
	@# Bytecode parallel auf allen Kernen vorübersetzen (pip täte es nacheinander, ~35 s statt ~20 s).
	@# Nötig, weil manche Umgebungen PYTHONDONTWRITEBYTECODE setzen – dann übersetzte sonst jeder
	@# Prozess (Kernel, Testprozess) torch & Co. bei jedem Import neu. Einzelne Dateien, die sich
	@# nicht übersetzen lassen (Beispielcode in Paketen), sind harmlos.
	-$(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Das Buch liegt unter file://$(CURDIR)/$(BOOK_HTML)"

# PDF aus den gespeicherten Ausgaben (wie book-stored): LaTeX-Builder, dann latexmk mit xelatex.
PDF := _build/latex/self-attention.pdf

pdf: $(STAMP)
	sed 's/^  execute_notebooks: cache$$/  execute_notebooks: "off"/' _config.yml > $(STORED_CONFIG)
	grep -q 'execute_notebooks: "off"' $(STORED_CONFIG)
	rm -f $(PDF)
	$(BIN)/jupyter-book build . --config $(STORED_CONFIG) --builder pdflatex -W -n --keep-going
	test -s $(PDF)
	@echo "Das PDF liegt unter $(CURDIR)/$(PDF)"

LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings

book-stored: $(STAMP)
	sed 's/^  execute_notebooks: cache$$/  execute_notebooks: "off"/' _config.yml > $(STORED_CONFIG)
	grep -q 'execute_notebooks: "off"' $(STORED_CONFIG)
	$(BIN)/jupyter-book build . --config $(STORED_CONFIG) -W -n --keep-going

# Als root (z. B. im Container) verweigert Jupyter den Start ohne --allow-root.
LAB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# Weitere Optionen, z. B. make lab LAB_FLAGS="--no-browser --port 8899"
LAB_FLAGS ?=
LAB_DIR ?= chapters

# Vertrauen (jupyter trust) für die eigenen Notebooks des Kurses: Erst dann führt JupyterLab die
# Skripte der statischen Regler-Zwillinge aus – sie funktionieren so schon vor dem ersten Ausführen.
COURSE_NOTEBOOKS = $(shell find chapters -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -not -path '*/_build/*')

lab: $(STAMP)
	mkdir -p $(LAB_SETTINGS)
	cp tools/jupyterlab-overrides.json $(LAB_SETTINGS)/overrides.json
	$(BIN)/jupyter trust $(COURSE_NOTEBOOKS)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(LAB_DIR) $(LAB_ROOT_FLAG) $(LAB_FLAGS)

notebooks: $(STAMP)
	$(BIN)/python tools/notebooks.py chapters

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP)
	$(BIN)/pytest tests -q -n 2 --ignore=tests/book

nbval: $(STAMP)
	$(BIN)/python tools/kerne.py $(KERN) -- $(NBVAL) -q chapters

nbval-alle-kerne: $(STAMP)
	for kern in native avx2 default; do $(MAKE) --no-print-directory nbval KERN=$$kern || exit 1; done

modelle: $(STAMP)
	$(BIN)/python tools/modelle.py

robustheit: $(STAMP)
	$(BIN)/python tools/robustheit.py

browser: $(STAMP)
	$(BIN)/pytest tests/book -q --ignore=tests/book/test_pdf.py --ignore=tests/book/test_kurspaket.py

# Zum Mitnehmen: PDF bauen (wenn TeX Live da ist) und prüfen, Kurspaket prüfen. Ohne TeX
# überspringt sich der PDF-Test mit Meldung, außer unter CI=true.
PDF_TOOLS := xelatex latexmk pdfinfo
mitnehmen: $(STAMP)
	@if $(foreach tool,$(PDF_TOOLS),command -v $(tool) >/dev/null &&) true; then \
	  $(MAKE) --no-print-directory pdf; \
	else echo "TeX Live oder poppler fehlt – kein PDF gebaut, der PDF-Test meldet, was fehlt."; fi
	$(BIN)/pytest tests/book/test_pdf.py tests/book/test_kurspaket.py -q

# Browsertest und „mitnehmen“ gleichzeitig: Der Browsertest dauert länger als PDF und Kurspaket
# zusammen, beide lesen nur das gebaute Buch bzw. die gemeinsame Sphinx-Umgebung.
test: lint unit nbval book-stored
	$(MAKE) --no-print-directory -j2 --output-sync=target browser mitnehmen

bench: $(STAMP)
	$(BIN)/python tools/bench.py

clean:
	rm -rf _build
