#!/usr/bin/env bash
# MathJax neu nach _vendor/mathjax kopieren – nur die Komponenten, die das Buch lädt.
#
# Aufruf (im Wurzelverzeichnis des Kurses):  tools/mathjax_vendorn.sh [ZIELORDNER]
# Braucht npm und Zugang zur npm-Registry. Herkunft und Auswahl: _vendor/mathjax/HERKUNFT.md.
#
# Welche Komponenten geladen werden, steht in _config.yml (sphinx.config):
#   mathjax_path: mathjax/startup.js
#   mathjax3_config.loader.load: [input/tex, output/chtml, a11y/assistive-mml]
# Ändert sich das, muss die Liste unten mitwachsen.
set -euo pipefail

VERSION="3.2.2"
SHASUM="c754d7b46a679d7f3fa03543d6b8bf124ddf9f6b" # npm view mathjax@3.2.2 dist.shasum
ZIEL="${1:-_vendor/mathjax}"

# startup.js lädt core.js; input/tex enthält bereits ams, newcommand, noundefined,
# require, autoload und configmacros.
KOMPONENTEN=(
  startup.js
  core.js
  input/tex.js
  output/chtml.js
  output/chtml/fonts/tex.js
  a11y/assistive-mml.js
)
# Erweiterungen, die autoload nachlädt, sobald ein Makro sie braucht (etwa \cancel,
# \boldsymbol, \color, \ce) – samt ihrer Abhängigkeit enclose. Andere Erweiterungen
# kämen nur über \require{…} ins Spiel; das Buch nutzt das nicht.
AUTOLOAD=(action amscd bbox boldsymbol braket bussproofs cancel color enclose extpfeil
  html mhchem unicode verb)

arbeit="$(mktemp -d)"
trap 'rm -rf "$arbeit"' EXIT

(cd "$arbeit" && npm pack --silent "mathjax@${VERSION}" >/dev/null)
paket="$arbeit/mathjax-${VERSION}.tgz"
echo "${SHASUM}  ${paket}" | sha1sum --check --quiet
tar -xzf "$paket" -C "$arbeit"
quelle="$arbeit/package/es5"

# Alles Alte weg, nur die Herkunftsbeschreibung bleibt.
mkdir -p "$ZIEL"
find "$ZIEL" -mindepth 1 -maxdepth 1 ! -name HERKUNFT.md -exec rm -rf {} +
cp "$arbeit/package/LICENSE" "$ZIEL/LICENSE"
for datei in "${KOMPONENTEN[@]}"; do
  install -D -m 644 "$quelle/$datei" "$ZIEL/$datei"
done
for name in "${AUTOLOAD[@]}"; do
  install -D -m 644 "$quelle/input/tex/extensions/$name.js" \
    "$ZIEL/input/tex/extensions/$name.js"
done
# Die CHTML-Schriften lädt der Browser per @font-face nur bei Bedarf; alle gehören dazu.
mkdir -p "$ZIEL/output/chtml/fonts/woff-v2"
install -m 644 "$quelle"/output/chtml/fonts/woff-v2/*.woff "$ZIEL/output/chtml/fonts/woff-v2/"

echo "MathJax ${VERSION} nach ${ZIEL}: $(find "$ZIEL" -type f | wc -l) Dateien," \
  "$(du -sh "$ZIEL" | cut -f1)"
