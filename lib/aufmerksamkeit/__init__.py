"""aufmerksamkeit – die gemeinsame Bibliothek des Kurses „Self-Attention“.

Öffentliche Schnittstelle (festgelegt im Entwurf des Kurses):

- :func:`softmax`, :func:`scaled_dot_product_attention`, :func:`causal_mask` (NumPy)
- :func:`positional_encoding` (NumPy)
- :class:`MultiHeadAttention` (PyTorch)

Modulkarte – die Ordnung des Pakets
-----------------------------------
Ein Modul hat eine Aufgabe. Ein Modul importiert nur Module derselben oder einer
früheren Schicht; Kernmathematik, Daten und Modelle importieren nie ipywidgets,
Kernmathematik und Text-Daten auch nie matplotlib.

1. Kernmathematik (NumPy/PyTorch, ohne matplotlib):
   ``attention``, ``efficient``, ``positional``, ``multihead``, ``blocks``,
   ``validation`` (Eingabeprüfungen), ``formatting`` (Dezimalkomma, Prozent).
2. Daten: ``pronouns`` (Pronomen-Korpus), ``number_words`` (Zahlwörter),
   ``audio`` (künstliche Sprache, Spektrogramm, mit seiner Abbildung).
3. Modelle und Training: ``training`` (Schleife, Verlust, Parameterzahl),
   ``checkpoints`` (mitgelieferte Gewichte unter ``data/modelle``),
   ``pronoun_model``, ``seq2seq``, ``char_gpt``, ``speech_model``, ``vision``,
   ``long_range``. Anwendungsmodule wie ``vision`` und ``long_range`` halten
   Daten, Modell und ihre eigene Abbildung beisammen.
4. Abbildungen (matplotlib): ``plotting`` (Heatmap, ``show`` mit Alternativtext
   und Datenzusammenfassung, Dezimalkomma auf allen Achsen), ``diagrams``,
   ``positional_plots``, ``application_plots``.
5. Widgets (ipywidgets): ``interactive`` (Regler mit statischem Zwilling fürs Buch),
   ``labor`` (Labore in JupyterLab), ``web_export`` (Modelle für die Labore im Buch).
6. Notebook-Hilfen und Messungen: ``reproducibility`` (``setup_notebook`` – der einzige
   Ort mit gewolltem globalem Zustand), ``prose`` (Zahlen für den Buchtext),
   ``benchmarks``, ``ablation``.

Werkzeuge für den Bau (Notebooks ausführen, CPU-Kernel, Modelle trainieren,
Messreihen) liegen nicht im Paket, sondern unter ``tools/``. Der Import des
Pakets verändert keinen globalen Zustand.
"""

from aufmerksamkeit.attention import causal_mask, scaled_dot_product_attention, softmax
from aufmerksamkeit.multihead import MultiHeadAttention
from aufmerksamkeit.positional import positional_encoding

__all__ = [
    "MultiHeadAttention",
    "causal_mask",
    "positional_encoding",
    "scaled_dot_product_attention",
    "softmax",
]
