"""Die Modelle des Buchs: je Modell Daten, Konfiguration, Aussagen, Training und Laden.

Dazu die gemeinsame Trainingsschleife (``training``), die mitgelieferten Gewichte
(``checkpoints``) und das Verzeichnis aller Modelle (``registry``). Importiert nur
``core`` und ``models`` – kein matplotlib, keine Widgets.
"""
