"""Schieberegler, die überall funktionieren.

Ein ``SliderFigure`` rechnet für jede Stellung seiner Regler eine Abbildung
vorab aus und zeigt sie auf zwei Wegen an:

1. in JupyterLab als ipywidgets-Regler (mit laufendem Kernel),
2. im gebauten Buch ohne Kernel und ohne Netz als eigenständiges HTML/JS,
   das zwischen den vorab berechneten Bildern umschaltet.

Welche Darstellung gewählt wird, entscheidet das Frontend: JupyterLab
bevorzugt die Widget-Ansicht, das Buch ist in ``_config.yml`` auf HTML gestellt.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

from aufmerksamkeit.figures.plotting import figure_summary, figure_to_png, png_data_uri

_SCRIPT = """(function () {
  var root = document.currentScript.parentElement;
  var data = JSON.parse(root.querySelector("script.aufm-daten").textContent);
  var controls = root.querySelectorAll("[data-regler]");
  var img = root.querySelector("img");
  function update() {
    var index = 0;
    controls.forEach(function (c, i) {
      var pos = Number(c.value);
      index = index * data.sizes[i] + pos;
      var out = root.querySelector('output[data-fuer="' + i + '"]');
      if (out) { out.textContent = data.labels[i][pos]; }
      c.setAttribute("aria-valuetext", data.labels[i][pos]);
    });
    img.src = data.frames[index];
    img.alt = data.alts[index];
  }
  controls.forEach(function (c) { c.addEventListener("input", update); });
})();"""


_CONTROL_STYLE = "display:inline-block;margin:0 1.5em 0.4em 0;white-space:nowrap"


class SliderFigure:
    """Abbildung mit Reglern, vorab berechnet für jede Kombination der Werte.

    ``render(**werte)`` erzeugt eine matplotlib-Abbildung, ``alt(**werte)``
    ihren deutschen Alternativtext. ``controls`` ordnet jedem Parameter
    (Name → (Beschriftung, Werte)) seine möglichen Werte zu. Zahlenwerte
    werden als Schieberegler, Texte als Auswahlliste dargestellt.
    """

    def __init__(
        self,
        render: Callable[..., Figure],
        alt: Callable[..., str],
        controls: dict[str, tuple[str, Sequence[Any]]],
        *,
        initial: dict[str, Any] | None = None,
        value_format: Callable[[Any], str] = str,
    ) -> None:
        if not controls:
            raise ValueError("SliderFigure braucht mindestens einen Regler.")
        for name, (_, values) in controls.items():
            if len(values) == 0:
                raise ValueError(f"Der Regler „{name}“ hat keine Werte.")
        self.controls = controls
        self.names = list(controls)
        self.value_format = value_format
        initial = initial or {}
        self.initial = [
            list(values).index(initial[name]) if name in initial else 0
            for name, (_, values) in controls.items()
        ]
        self.frames: list[str] = []
        self.alts: list[str] = []
        self.summaries: list[str] = []
        for combination in itertools.product(*(values for _, values in controls.values())):
            kwargs = dict(zip(self.names, combination))
            fig = render(**kwargs)
            self.summaries.append(figure_summary(fig))
            self.frames.append(png_data_uri(figure_to_png(fig)))
            self.alts.append(alt(**kwargs))

    def _frame_index(self, positions: Sequence[int]) -> int:
        index = 0
        for (_, values), position in zip(self.controls.values(), positions):
            index = index * len(values) + position
        return index

    def _labels(self, values: Sequence[Any]) -> list[str]:
        return [self.value_format(v) for v in values]

    def static_html(self) -> str:
        """Eigenständiges HTML/JS ohne Kernel und ohne Netz."""
        rows = []
        for i, (label, values) in enumerate(self.controls.values()):
            labels = self._labels(values)
            start = self.initial[i]
            if all(isinstance(v, (int, float)) for v in values):
                control = (
                    f'<input type="range" data-regler="{i}" min="0" max="{len(values) - 1}" '
                    f'step="1" value="{start}" aria-label="{html.escape(label)}" '
                    f'aria-valuetext="{html.escape(labels[start])}" />'
                    f'<output data-fuer="{i}" style="margin-left:0.4em">'
                    f"{html.escape(labels[start])}</output>"
                )
            else:
                options = "".join(
                    f'<option value="{j}"{" selected" if j == start else ""}>'
                    f"{html.escape(text)}</option>"
                    for j, text in enumerate(labels)
                )
                control = (
                    f'<select data-regler="{i}" aria-label="{html.escape(label)}">'
                    f"{options}</select>"
                )
            rows.append(
                f'<label class="aufm-regler" style="{_CONTROL_STYLE}">'
                f"{html.escape(label)} {control}</label>"
            )
        index = self._frame_index(self.initial)
        data = {
            "sizes": [len(values) for _, values in self.controls.values()],
            "labels": [self._labels(values) for _, values in self.controls.values()],
            "frames": self.frames,
            "alts": self.alts,
        }
        return (
            '<div class="aufm-schieberegler" data-aufm-schieberegler="">'
            + "".join(rows)
            + f'<img src="{self.frames[index]}" alt="{html.escape(self.alts[index])}" />'
            + f'<script type="application/json" class="aufm-daten">{json.dumps(data)}</script>'
            + f"<script>{_SCRIPT}</script></div>"
        )

    def widget(self) -> widgets.Widget:
        """Live-Regler für JupyterLab (braucht einen laufenden Kernel)."""
        controls = []
        for i, (label, values) in enumerate(self.controls.values()):
            options = list(zip(self._labels(values), range(len(values))))
            kind = (
                widgets.SelectionSlider
                if all(isinstance(v, (int, float)) for v in values)
                else widgets.Dropdown
            )
            controls.append(
                kind(
                    options=options,
                    value=self.initial[i],
                    description=label,
                    style={"description_width": "initial"},
                )
            )
        index = self._frame_index(self.initial)
        image = widgets.HTML(self._img_tag(index))

        def update(_change: object) -> None:
            image.value = self._img_tag(self._frame_index([c.value for c in controls]))

        for control in controls:
            control.observe(update, names="value")
        return widgets.VBox([*controls, image])

    def _img_tag(self, index: int) -> str:
        return f'<img src="{self.frames[index]}" alt="{html.escape(self.alts[index])}" />'

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        widget_repr = getattr(self.widget(), "_repr_mimebundle_", None)
        bundle = dict(widget_repr() or {}) if callable(widget_repr) else {}
        bundle["text/html"] = self.static_html()
        sizes = " × ".join(str(len(values)) for _, values in self.controls.values())
        names = ", ".join(f"„{label}“" for label, _ in self.controls.values())
        bundle["text/plain"] = (
            f"Interaktive Abbildung mit Regler {names} ({sizes} Stellungen)\n{self.data_text()}"
        )
        return bundle

    def data_text(self) -> str:
        """Was nbval vergleicht: Alternativtext und Daten der Startstellung in Worten,
        dazu eine Prüfsumme über die gerundeten Daten und Alternativtexte aller Stellungen."""
        index = self._frame_index(self.initial)
        everything = "\n".join(self.summaries + self.alts).encode("utf-8")
        checksum = hashlib.sha256(everything).hexdigest()[:12]
        return (
            f"Startstellung: {self.alts[index]}\nDaten: {self.summaries[index]}\n"
            f"Prüfsumme aller Stellungen: {checksum}"
        )
