"""Sphinx-Erweiterung: Literaturangaben auf Deutsch („und“ statt „and“).

sphinxcontrib-bibtex setzt Belege und Literaturverzeichnis mit englischen
Bindewörtern („Jain and Wallace“, „Bahdanau, Cho, and Bengio“, „and others“,
„volume 48 of PMLR“). Diese Erweiterung registriert zwei deutsche Stile und
schaltet sie ein:

* ``deutsch`` – pybtex-Stil für das Verzeichnis (wie ``plain``): „A, B und C“,
  „u. a.“ für weitere Autoren, „Band 48 der Reihe PMLR“;
* ``autor_jahr`` – Stil der Belege im Text (wie ``author_year``): „Jain und
  Wallace (2019)“, drei und mehr Autoren als „Vaswani et al. (2017)“.
"""

from __future__ import annotations

import dataclasses

import pybtex.plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import (
    FieldIsMissing,
    field,
    first_of,
    join,
    node,
    optional,
    optional_field,
    sentence,
    together,
    words,
)
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

UND = " und "
WEITERE = "u.\u00a0a."  # „und andere“, mit geschütztem Leerzeichen


@node
def deutsche_namen(children, context, role):
    """Personen einer Rolle: „A, B und C“; BibTeX „and others“ wird zu „A, B u. a.“."""
    if children:
        raise ValueError(children)
    try:
        persons = list(context["entry"].persons[role])
    except KeyError:
        raise FieldIsMissing(role, context["entry"]) from None
    style = context["style"]
    weitere = bool(persons) and str(persons[-1]) == "others"
    if weitere:
        persons = persons[:-1]
    formatted = [style.format_name(person, style.abbreviate_names) for person in persons]
    if weitere:  # „A, B, C u. a.“: kein „und“ vor der Abkürzung
        text = join(sep=", ")[formatted].format_data(context)
        return Text(text, " ", WEITERE)
    return join(sep=", ", sep2=UND, last_sep=UND)[formatted].format_data(context)


class DeutscherStil(PlainStyle):
    """Wie pybtex ``plain``, aber mit deutschen Bindewörtern."""

    def format_names(self, role, as_sentence=True):
        formatted = deutsche_namen(role)
        return sentence[formatted] if as_sentence else formatted

    def format_volume_and_series(self, e, as_sentence=True):
        result = first_of[
            optional[
                words[
                    together["Band", field("volume")], optional[words["der Reihe", field("series")]]
                ]
            ],
            optional[
                words[together["Nr.", field("number")], optional[words["in", field("series")]]]
            ],
            optional_field("series"),
        ]
        return sentence(capfirst=True)[result] if as_sentence else result


@dataclasses.dataclass
class DeutscheAutorJahrBelege(AuthorYearReferenceStyle):
    """Belege wie ``author_year``, aber „A und B“ statt „A and B“."""

    person: PersonStyle = dataclasses.field(
        default_factory=lambda: PersonStyle(sep2=UND, last_sep=UND)
    )


def _use_german_styles(app: Sphinx, config: Config) -> None:
    config.bibtex_default_style = "deutsch"
    config.bibtex_reference_style = "autor_jahr"


def setup(app: Sphinx) -> dict:
    # Die Stile müssen registriert sein, bevor sphinxcontrib-bibtex sie beim
    # Einlesen nach Namen sucht – also gleich beim Laden der Erweiterung.
    pybtex.plugin.register_plugin("pybtex.style.formatting", "deutsch", DeutscherStil)
    register_plugin("sphinxcontrib.bibtex.style.referencing", "autor_jahr", DeutscheAutorJahrBelege)
    # „config-inited“: nachdem _config.yml gelesen ist (dort steht noch „plain“ bzw.
    # „author_year“), aber bevor sphinxcontrib-bibtex die Einstellungen auswertet
    # (Belegstil bei „builder-inited“, Verzeichnisstil beim Einlesen der Direktive).
    # So gewinnt der deutsche Stil immer.
    app.connect("config-inited", _use_german_styles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
