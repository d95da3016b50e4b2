"""Spracherkennung (22.6): künstliche Sprache und Spektrogramm (``audio``), Modell (``model``)."""
