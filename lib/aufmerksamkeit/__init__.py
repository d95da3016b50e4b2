"""aufmerksamkeit – die gemeinsame Bibliothek des Kurses „Self-Attention“.

Öffentliche Schnittstelle (festgelegt im Entwurf des Kurses):

- :func:`softmax`, :func:`scaled_dot_product_attention`, :func:`causal_mask` (NumPy)
- :func:`positional_encoding` (NumPy)
- :class:`MultiHeadAttention` (PyTorch)

Ordnung des Pakets – eine Regel: ein Ordner je Schicht
-----------------------------------------------------
Jeder Ordner hat eine Aufgabe; ein Modul importiert nur aus seiner eigenen oder einer
tieferen Schicht (``tests/test_paketordnung.py`` prüft das an den Importen):

1. ``core/`` – Rechenkern (NumPy/PyTorch): ``attention``, ``efficient``, ``positional``,
   ``multihead``, ``blocks``, ``seq2seq``, ``validation`` (Eingabeprüfungen),
   ``formatting`` (Zahlen auf Deutsch: Dezimalkomma, Prozent).
2. ``models/`` – je Modell des Buchs Daten, Konfiguration, Aussagen (``Claim``), Training
   und Laden an einem Ort: ``pronoun/`` (``corpus``, ``model``), ``recall``,
   ``translation``, ``char_gpt``, ``vision``, ``speech/`` (``audio``, ``model``); dazu
   ``training`` (``fit`` – das eine Trainingsrezept), ``checkpoints`` (Gewichte unter
   ``data/modelle``) und ``registry`` (das eine Verzeichnis aller Modelle und Labore).
3. ``figures/`` (matplotlib: ``plotting`` mit ``show`` und Heatmap, ``diagrams``,
   ``positional``, ``recall``, ``applications``, ``benchmarks``, ``ablation``),
   ``experiments/`` (Messreihen: ``benchmarks`` für Zeit und Speicher, ``ablation``) und
   ``web/`` (``labs``: Platzhalter und Skript der Labore, ``export``: Gewichte fürs Buch).
4. ``notebook/`` – Hilfen nur für Notebooks: ``reproducibility`` (``setup_notebook`` –
   der einzige Ort mit gewolltem globalem Zustand), ``prose`` (Zahlen für den Buchtext),
   ``interactive`` (Regler mit statischem Zwilling), ``labor`` (Labore in JupyterLab).

Werkzeuge für den Bau (Notebooks ausführen, CPU-Kernel, Modelle trainieren,
Messreihen) liegen nicht im Paket, sondern unter ``tools/``. Der Import des
Pakets verändert keinen globalen Zustand.
"""

from aufmerksamkeit.core.attention import causal_mask, scaled_dot_product_attention, softmax
from aufmerksamkeit.core.multihead import MultiHeadAttention
from aufmerksamkeit.core.positional import positional_encoding

__all__ = [
    "MultiHeadAttention",
    "causal_mask",
    "positional_encoding",
    "scaled_dot_product_attention",
    "softmax",
]
