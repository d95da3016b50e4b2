"""Das Pronomen-Beispiel aus 22.2: Satz-Korpus (``corpus``) und Zeiger-Modell (``model``)."""
