"""Ein deutsches Schablonen-Korpus zur Pronomen-Auflösung (Kapitel 22.2).

Vier Satzrahmen (englisch „frames“), alle zwölf Tokens lang; die beiden Nomen stehen je
nach Rahmen in verschiedener Reihenfolge::

    sprang_ueber  Die Katze sprang über die Mauer , weil sie hoch war .   Tier zuerst
    kletterte     Die Katze kletterte auf die Kiste , weil sie müde war .  Tier zuerst
    hielt_auf     Die Mauer hielt die Katze auf , weil sie hoch war .      Hindernis zuerst
    ueber_die     Über die Mauer sprang die Katze , weil sie müde war .    Hindernis zuerst

Tier (Handelnder) und Hindernis haben immer dasselbe Genus; das Pronomen passt
grammatisch also zu beiden. Nur die Bedeutung entscheidet: „müde, hungrig, mutig …“
passen zum Tier, „hoch, glatt, breit …“ zum Hindernis. Weil Position 1 im einen Rahmen
das Tier, im anderen das Hindernis trägt (ebenso Position 5), verrät die Stelle allein
das gemeinte Nomen nicht – anders als im alten Korpus mit nur einem Rahmen, in dem
das Tier immer an Position 1 stand (siehe ``SEED_FRAME`` und Kapitel 22.2 zum
Abkürzungslernen).

Test-Split, zwei Arten zurückgehaltener Sätze:

1. Paare (gemeintes Nomen, Adjektiv): Für jedes Nomen wird ein Teil der zu ihm passenden
   Adjektive in *allen* Rahmen zurückgehalten. (Katze, müde) und (Mauer, hoch) sind
   immer dabei, damit die beiden Beispielsätze der Vorlage echte Testsätze sind.
2. Rahmen × Paar: Für jeden Rahmen und jedes Nomen ein weiteres Adjektiv, das nur in
   diesem Rahmen zurückgehalten wird – das Paar kennt das Modell dann aus anderen
   Rahmen, aber nie in diesem Satzbau.

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
PRONOUNS = ("sie", "er")
#: Alle Nomen (Handelnde, dann Hindernisse) und alle Adjektive des Korpus.
NOUNS = FEMININE_ACTORS + MASCULINE_ACTORS + FEMININE_OBSTACLES + MASCULINE_OBSTACLES
ADJECTIVES = ACTOR_ADJECTIVES + OBSTACLE_ADJECTIVES

#: Die Satzrahmen: Tokens mit Platzhaltern. ART/NOM/ACC: Artikel (Satzanfang, Nominativ,
#: Akkusativ), ACTOR/OBSTACLE: die Nomen, PRONOUN und ADJECTIVE.
FRAMES: dict[str, tuple[str, ...]] = {
    "sprang_ueber": (
        "ART", "ACTOR", "sprang", "über", "ACC", "OBSTACLE",
        ",", "weil", "PRONOUN", "ADJECTIVE", "war", ".",
    ),
    "kletterte": (
        "ART", "ACTOR", "kletterte", "auf", "ACC", "OBSTACLE",
        ",", "weil", "PRONOUN", "ADJECTIVE", "war", ".",
    ),
    "hielt_auf": (
        "ART", "OBSTACLE", "hielt", "ACC", "ACTOR", "auf",
        ",", "weil", "PRONOUN", "ADJECTIVE", "war", ".",
    ),
    "ueber_die": (
        "Über", "ACC", "OBSTACLE", "sprang", "NOM", "ACTOR",
        ",", "weil", "PRONOUN", "ADJECTIVE", "war", ".",
    ),
}  # fmt: skip
#: Der Rahmen des Beispiels der Vorlage – der einzige Rahmen des alten Korpus.
SEED_FRAME = "sprang_ueber"
#: Rahmen, in denen das Hindernis vor dem Tier steht (die „vertauschte Reihenfolge“).
SWAPPED_FRAMES = tuple(name for name, f in FRAMES.items() if f.index("OBSTACLE") < f.index("ACTOR"))
SENTENCE_LENGTH = 12
#: Positionen im Rahmen der Vorlage (``SEED_FRAME``); andere Rahmen: ``PronounExample``.
ACTOR_POSITION = FRAMES[SEED_FRAME].index("ACTOR")
OBSTACLE_POSITION = FRAMES[SEED_FRAME].index("OBSTACLE")
PRONOUN_POSITION = FRAMES[SEED_FRAME].index("PRONOUN")
ADJECTIVE_POSITION = FRAMES[SEED_FRAME].index("ADJECTIVE")

#: Diese Paare (gemeintes Nomen, Adjektiv) sind immer im Test-Split.
ALWAYS_HELD_OUT = (("Katze", "müde"), ("Mauer", "hoch"))

_GENDER = {
    "f": {"ART": "Die", "NOM": "die", "ACC": "die", "PRONOUN": "sie"},
    "m": {"ART": "Der", "NOM": "der", "ACC": "den", "PRONOUN": "er"},
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
    frame: str
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
    def actor_position(self) -> int:
        return FRAMES[self.frame].index("ACTOR")

    @property
    def obstacle_position(self) -> int:
        return FRAMES[self.frame].index("OBSTACLE")

    @property
    def pronoun_position(self) -> int:
        return FRAMES[self.frame].index("PRONOUN")

    @property
    def adjective_position(self) -> int:
        return FRAMES[self.frame].index("ADJECTIVE")

    @property
    def referent_position(self) -> int:
        return self.actor_position if self.referent_role == "actor" else self.obstacle_position

    @property
    def other_position(self) -> int:
        return self.obstacle_position if self.referent_role == "actor" else self.actor_position


def make_sentence(
    actor: str, obstacle: str, adjective: str, frame: str = SEED_FRAME
) -> PronounExample:
    """Baut einen Satz im Rahmen ``frame``; Genus und Rolle folgen aus den Wortlisten."""
    if frame not in FRAMES:
        raise ValueError(f"Unbekannter Satzrahmen „{frame}“, erlaubt: {', '.join(FRAMES)}.")
    gender = _gender_of(actor, "actor")
    if _gender_of(obstacle, "obstacle") != gender:
        raise ValueError(
            f"„{actor}“ und „{obstacle}“ haben verschiedenes Genus; im Korpus haben "
            "Handelnder und Hindernis immer dasselbe."
        )
    role = adjective_role(adjective)
    words = _GENDER[gender] | {"ACTOR": actor, "OBSTACLE": obstacle, "ADJECTIVE": adjective}
    tokens = tuple(words.get(slot, slot) for slot in FRAMES[frame])
    return PronounExample(tokens, actor, obstacle, adjective, frame, gender, role)


def adjective_role(adjective: str) -> str:
    """``'actor'`` für Eigenschaften eines Tiers, ``'obstacle'`` für die eines Hindernisses."""
    if adjective in ACTOR_ADJECTIVES:
        return "actor"
    if adjective in OBSTACLE_ADJECTIVES:
        return "obstacle"
    raise ValueError(f"Unbekanntes Adjektiv „{adjective}“.")


def _gender_of(noun: str, role: str) -> str:
    if role == "actor":
        lists = {"f": FEMININE_ACTORS, "m": MASCULINE_ACTORS}
    else:
        lists = {"f": FEMININE_OBSTACLES, "m": MASCULINE_OBSTACLES}
    for gender, nouns in lists.items():
        if noun in nouns:
            return gender
    name = "Handelnder" if role == "actor" else "Hindernis"
    raise ValueError(f"„{noun}“ ist kein bekanntes Nomen für die Rolle {name}.")


@dataclass
class PronounCorpus:
    """Alle Sätze, das Vokabular und der Train/Test-Split.

    ``nouns`` ist die Liste der Klassen: das Modell sagt den Index des
    gemeinten Nomens in dieser Liste vorher. ``held_out`` sind die in allen Rahmen
    zurückgehaltenen Paare, ``held_out_in_frame`` die Tripel (Rahmen, Nomen, Adjektiv).
    """

    examples: list[PronounExample]
    vocab: list[str]
    nouns: list[str]
    held_out: frozenset[tuple[str, str]]
    held_out_in_frame: frozenset[tuple[str, str, str]] = frozenset()
    train_indices: list[int] = field(default_factory=list)
    test_indices: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.token_to_id = {t: i for i, t in enumerate(self.vocab)}
        self.noun_to_id = {n: i for i, n in enumerate(self.nouns)}
        self._by_tokens = {e.tokens: e for e in self.examples}

    @property
    def frames(self) -> list[str]:
        """Die Rahmen, die im Korpus vorkommen (in der Reihenfolge von ``FRAMES``)."""
        present = {e.frame for e in self.examples}
        return [f for f in FRAMES if f in present]

    def split(self, name: str, frame: str | None = None) -> list[PronounExample]:
        """Die Beispiele von ``'train'``, ``'test'`` oder ``'all'``, wahlweise nur eines Rahmens."""
        if name == "all":
            examples = list(self.examples)
        elif name in ("train", "test"):
            indices = self.train_indices if name == "train" else self.test_indices
            examples = [self.examples[i] for i in indices]
        else:
            raise ValueError(f"split muss 'train', 'test' oder 'all' sein, erhalten: {name!r}.")
        if frame is not None:
            if frame not in FRAMES:
                raise ValueError(f"Unbekannter Satzrahmen „{frame}“, erlaubt: {', '.join(FRAMES)}.")
            examples = [e for e in examples if e.frame == frame]
        return examples

    def encode(self, sentence: str | list[str] | tuple[str, ...]) -> torch.Tensor:
        """Satz (Text oder Tokens) → Token-Indizes der Form (1, L)."""
        tokens = tokenize(sentence) if isinstance(sentence, str) else list(sentence)
        unknown = [t for t in tokens if t not in self.token_to_id]
        if unknown:
            raise ValueError(
                "Unbekannte Wörter (nicht im Vokabular des Korpus): "
                + ", ".join(f"„{t}“" for t in unknown)
                + "."
            )
        return torch.tensor([[self.token_to_id[t] for t in tokens]])  # (1, L)

    def tensors(self, name: str, frame: str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Eingaben (N, 12) als Token-Indizes und Ziele (N,) als Index in ``nouns``."""
        examples = self.split(name, frame)
        x = torch.tensor([[self.token_to_id[t] for t in e.tokens] for e in examples])  # (N, L)
        y = torch.tensor([self.noun_to_id[e.referent] for e in examples])  # (N,)
        return x.reshape(len(examples), SENTENCE_LENGTH), y

    def example(self, sentence: str | list[str] | tuple[str, ...]) -> PronounExample:
        """Sucht den Satz (Text oder Tokens) im Korpus."""
        tokens = tuple(tokenize(sentence) if isinstance(sentence, str) else sentence)
        if tokens in self._by_tokens:
            return self._by_tokens[tokens]
        raise ValueError(f"Der Satz „{detokenize(tokens)}“ gehört nicht zum Korpus.")

    def is_test(self, example: PronounExample) -> bool:
        pair = (example.referent, example.adjective)
        return pair in self.held_out or (example.frame, *pair) in self.held_out_in_frame


def make_pronoun_corpus(
    seed: int = 0,
    held_out_fraction: float = 0.25,
    frames: tuple[str, ...] | None = None,
) -> PronounCorpus:
    """Erzeugt alle Sätze der Rahmen ``frames`` (Standard: alle) und teilt sie deterministisch auf.

    Für jedes Nomen wird ``held_out_fraction`` seiner passenden Adjektive
    (Tiere: Eigenschafts-Adjektive, Hindernisse: Form-Adjektive) in allen Rahmen
    zurückgehalten, dazu je Rahmen ein weiteres nur in diesem Rahmen; alle Sätze mit
    einem solchen Paar bilden den Test-Split. Der Split hängt nicht von ``frames`` ab:
    ``make_pronoun_corpus(s, frames=(SEED_FRAME,))`` ist ein Teil von ``make_pronoun_corpus(s)``.
    """
    if not 0 < held_out_fraction < 1:
        raise ValueError(
            f"held_out_fraction muss zwischen 0 und 1 liegen, erhalten: {held_out_fraction}."
        )
    frames = tuple(FRAMES) if frames is None else tuple(frames)
    unknown = [f for f in frames if f not in FRAMES]
    if unknown or not frames:
        raise ValueError(f"Unbekannte Satzrahmen {unknown}, erlaubt: {', '.join(FRAMES)}.")
    rng = np.random.default_rng(seed)
    held_out: set[tuple[str, str]] = set(ALWAYS_HELD_OUT)
    in_frame: set[tuple[str, str, str]] = set()
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
            remaining = [a for a in adjectives if (noun, a) not in held_out]
            for frame in FRAMES:  # je Rahmen ein Paar mehr, nur in diesem Rahmen
                in_frame.add((frame, noun, remaining[int(rng.integers(len(remaining)))]))

    examples = []
    for frame in frames:
        for gender_actors, gender_obstacles in (
            (FEMININE_ACTORS, FEMININE_OBSTACLES),
            (MASCULINE_ACTORS, MASCULINE_OBSTACLES),
        ):
            for actor, obstacle, adjective in itertools.product(
                gender_actors, gender_obstacles, ADJECTIVES
            ):
                examples.append(make_sentence(actor, obstacle, adjective, frame))

    vocab = sorted({t for f in FRAMES for g in _GENDER for t in make_sentence(
        *(("Katze", "Mauer") if g == "f" else ("Hund", "Zaun")), "hoch", f).tokens}
        | set(NOUNS) | set(ADJECTIVES))  # fmt: skip
    nouns = list(NOUNS)
    corpus = PronounCorpus(examples, vocab, nouns, frozenset(held_out), frozenset(in_frame))
    for i, e in enumerate(examples):
        (corpus.test_indices if corpus.is_test(e) else corpus.train_indices).append(i)
    return corpus
