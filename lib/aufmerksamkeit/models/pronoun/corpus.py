"""Ein deutsches Schablonen-Korpus zur Pronomen-Auflösung (Kapitel 22.2).

Jeder Satz hat dieselbe Form wie das Beispiel der Vorlage::

    Die Katze sprang über die Mauer , weil sie hoch war .
    Der Hund  sprang über den Zaun  , weil er  müde war .

Handelnder (Position 1) und Hindernis (Position 5) haben immer dasselbe
Genus; das Pronomen (Position 8) passt grammatisch also zu beiden. Nur das
Adjektiv (Position 9) entscheidet: „müde, hungrig, mutig …“ passen zum
Handelnden, „hoch, glatt, breit …“ zum Hindernis.

Test-Split: Für jedes Nomen wird ein Teil der zu ihm passenden Adjektive
zurückgehalten. Ein Satz gehört zum Test, wenn sein Paar (gemeintes Nomen,
Adjektiv) zurückgehalten ist – das Modell hat diese Kombination im Training
nie gesehen. Die Paare (Katze, müde) und (Mauer, hoch) sind immer im Test,
damit die beiden Beispielsätze der Vorlage echte Testsätze sind.

Benutzung::

    corpus = make_pronoun_corpus()
    x, y = corpus.tensors("train")        # (N, 12) Token-Indizes, (N,) Nomen-Index
    corpus.examples[0].text               # 'Die Katze sprang über die Mauer, …'
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np
import torch

FEMININE_ACTORS = ("Katze", "Maus", "Ziege", "Kuh", "Ente", "Gans", "Henne", "Eidechse")
MASCULINE_ACTORS = ("Hund", "Fuchs", "Hase", "Igel", "Bär", "Wolf", "Esel", "Affe")
FEMININE_OBSTACLES = ("Mauer", "Hecke", "Kiste", "Bank", "Treppe", "Rampe", "Schranke", "Pfütze")
MASCULINE_OBSTACLES = ("Zaun", "Graben", "Stein", "Balken", "Baumstamm", "Bach", "Tisch", "Wall")
ACTOR_ADJECTIVES = (
    "müde",
    "hungrig",
    "mutig",
    "flink",
    "neugierig",
    "verspielt",
    "übermütig",
    "wütend",
)
OBSTACLE_ADJECTIVES = ("hoch", "glatt", "breit", "niedrig", "schmal", "nass", "rutschig", "steil")
VERBS = ("sprang",)  # ein Verb: klein genug für Training in Sekunden

#: Positionen im Satz (die Schablone ist immer gleich lang).
ACTOR_POSITION = 1
OBSTACLE_POSITION = 5
PRONOUN_POSITION = 8
ADJECTIVE_POSITION = 9
SENTENCE_LENGTH = 12

#: Diese Paare (gemeintes Nomen, Adjektiv) sind immer im Test-Split.
ALWAYS_HELD_OUT = (("Katze", "müde"), ("Mauer", "hoch"))

_GENDER = {
    "f": {"article": "Die", "object_article": "die", "pronoun": "sie"},
    "m": {"article": "Der", "object_article": "den", "pronoun": "er"},
}


def tokenize(text: str) -> list[str]:
    """Zerlegt einen Satz in Wörter und Satzzeichen: ``'…, weil'`` → ``['…', ',', 'weil']``."""
    return re.findall(r"\w+|[^\w\s]", text)


def detokenize(tokens: list[str] | tuple[str, ...]) -> str:
    """Setzt Tokens wieder zu einem lesbaren Satz zusammen (ohne Leerzeichen vor , und .)."""
    return re.sub(r" ([,.])", r"\1", " ".join(tokens))


@dataclass(frozen=True)
class PronounExample:
    """Ein Satz des Korpus mit allem, was man zur Auswertung braucht."""

    tokens: tuple[str, ...]
    actor: str
    obstacle: str
    adjective: str
    verb: str
    gender: str  # 'f' oder 'm'
    referent_role: str  # 'actor' (Handelnder) oder 'obstacle' (Hindernis)

    @property
    def text(self) -> str:
        return detokenize(self.tokens)

    @property
    def referent(self) -> str:
        """Das Nomen, auf das sich das Pronomen bezieht."""
        return self.actor if self.referent_role == "actor" else self.obstacle

    @property
    def referent_position(self) -> int:
        return ACTOR_POSITION if self.referent_role == "actor" else OBSTACLE_POSITION

    @property
    def other_position(self) -> int:
        return OBSTACLE_POSITION if self.referent_role == "actor" else ACTOR_POSITION


def make_sentence(
    actor: str, obstacle: str, adjective: str, verb: str = "sprang"
) -> PronounExample:
    """Baut einen Satz der Schablone; Genus und Rolle werden aus den Wortlisten bestimmt."""
    gender = _gender_of(actor, ACTOR_POSITION)
    if _gender_of(obstacle, OBSTACLE_POSITION) != gender:
        raise ValueError(
            f"„{actor}“ und „{obstacle}“ haben verschiedenes Genus; im Korpus haben "
            "Handelnder und Hindernis immer dasselbe."
        )
    if adjective in ACTOR_ADJECTIVES:
        role = "actor"
    elif adjective in OBSTACLE_ADJECTIVES:
        role = "obstacle"
    else:
        raise ValueError(f"Unbekanntes Adjektiv „{adjective}“.")
    if verb not in VERBS:
        raise ValueError(f"Unbekanntes Verb „{verb}“, erlaubt: {', '.join(VERBS)}.")
    g = _GENDER[gender]
    tokens = (
        g["article"], actor, verb, "über", g["object_article"], obstacle,
        ",", "weil", g["pronoun"], adjective, "war", ".",
    )  # fmt: skip
    return PronounExample(tokens, actor, obstacle, adjective, verb, gender, role)


def _gender_of(noun: str, position: int) -> str:
    if position == ACTOR_POSITION:
        lists = {"f": FEMININE_ACTORS, "m": MASCULINE_ACTORS}
    else:
        lists = {"f": FEMININE_OBSTACLES, "m": MASCULINE_OBSTACLES}
    for gender, nouns in lists.items():
        if noun in nouns:
            return gender
    role = "Handelnder" if position == ACTOR_POSITION else "Hindernis"
    raise ValueError(f"„{noun}“ ist kein bekanntes Nomen für die Rolle {role}.")


@dataclass
class PronounCorpus:
    """Alle Sätze, das Vokabular und der Train/Test-Split.

    ``nouns`` ist die Liste der Klassen: das Modell sagt den Index des
    gemeinten Nomens in dieser Liste vorher.
    """

    examples: list[PronounExample]
    vocab: list[str]
    nouns: list[str]
    held_out: frozenset[tuple[str, str]]
    train_indices: list[int] = field(default_factory=list)
    test_indices: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.token_to_id = {t: i for i, t in enumerate(self.vocab)}
        self.noun_to_id = {n: i for i, n in enumerate(self.nouns)}

    def split(self, name: str) -> list[PronounExample]:
        """Die Beispiele von ``'train'``, ``'test'`` oder ``'all'``."""
        if name == "all":
            return list(self.examples)
        if name not in ("train", "test"):
            raise ValueError(f"split muss 'train', 'test' oder 'all' sein, erhalten: {name!r}.")
        indices = self.train_indices if name == "train" else self.test_indices
        return [self.examples[i] for i in indices]

    def encode(self, sentence: str | list[str] | tuple[str, ...]) -> torch.Tensor:
        """Satz (Text oder Tokens) → Token-Indizes der Form (1, L)."""
        tokens = tokenize(sentence) if isinstance(sentence, str) else list(sentence)
        unknown = [t for t in tokens if t not in self.token_to_id]
        if unknown:
            raise ValueError(f"Unbekannte Tokens (nicht im Vokabular): {unknown}.")
        return torch.tensor([[self.token_to_id[t] for t in tokens]])  # (1, L)

    def tensors(self, name: str) -> tuple[torch.Tensor, torch.Tensor]:
        """Eingaben (N, 12) als Token-Indizes und Ziele (N,) als Index in ``nouns``."""
        examples = self.split(name)
        x = torch.tensor([[self.token_to_id[t] for t in e.tokens] for e in examples])  # (N, L)
        y = torch.tensor([self.noun_to_id[e.referent] for e in examples])  # (N,)
        return x, y

    def example(self, sentence: str | list[str] | tuple[str, ...]) -> PronounExample:
        """Sucht den Satz (Text oder Tokens) im Korpus."""
        tokens = tuple(tokenize(sentence) if isinstance(sentence, str) else sentence)
        for e in self.examples:
            if e.tokens == tokens:
                return e
        raise ValueError(f"Der Satz „{detokenize(tokens)}“ gehört nicht zum Korpus.")

    def is_test(self, example: PronounExample) -> bool:
        return (example.referent, example.adjective) in self.held_out


def make_pronoun_corpus(seed: int = 0, held_out_fraction: float = 0.25) -> PronounCorpus:
    """Erzeugt alle Sätze der Schablone und teilt sie deterministisch auf.

    Für jedes Nomen wird ``held_out_fraction`` seiner passenden Adjektive
    (Handelnde: Eigenschafts-Adjektive, Hindernisse: Form-Adjektive)
    zurückgehalten; alle Sätze mit einem solchen Paar bilden den Test-Split.
    """
    if not 0 < held_out_fraction < 1:
        raise ValueError(
            f"held_out_fraction muss zwischen 0 und 1 liegen, erhalten: {held_out_fraction}."
        )
    rng = np.random.default_rng(seed)
    held_out: set[tuple[str, str]] = set(ALWAYS_HELD_OUT)
    groups = (
        (FEMININE_ACTORS + MASCULINE_ACTORS, ACTOR_ADJECTIVES),
        (FEMININE_OBSTACLES + MASCULINE_OBSTACLES, OBSTACLE_ADJECTIVES),
    )
    count = max(1, round(held_out_fraction * len(ACTOR_ADJECTIVES)))
    for nouns, adjectives in groups:
        for noun in nouns:
            already = [a for a in adjectives if (noun, a) in held_out]
            candidates = [a for a in adjectives if (noun, a) not in held_out]
            chosen = rng.choice(len(candidates), size=count - len(already), replace=False)
            held_out.update((noun, candidates[i]) for i in sorted(chosen))

    examples = []
    for gender_actors, gender_obstacles in (
        (FEMININE_ACTORS, FEMININE_OBSTACLES),
        (MASCULINE_ACTORS, MASCULINE_OBSTACLES),
    ):
        for actor, obstacle, adjective, verb in itertools.product(
            gender_actors, gender_obstacles, ACTOR_ADJECTIVES + OBSTACLE_ADJECTIVES, VERBS
        ):
            examples.append(make_sentence(actor, obstacle, adjective, verb))

    vocab = sorted({t for e in examples for t in e.tokens})
    nouns = list(FEMININE_ACTORS + MASCULINE_ACTORS + FEMININE_OBSTACLES + MASCULINE_OBSTACLES)
    corpus = PronounCorpus(examples, vocab, nouns, frozenset(held_out))
    for i, e in enumerate(examples):
        (corpus.test_indices if corpus.is_test(e) else corpus.train_indices).append(i)
    return corpus
