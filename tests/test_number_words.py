"""Deutsche Zahlwörter und der Zahlwörter-Datensatz."""

import pytest
import torch

from aufmerksamkeit.models.translation import (
    SOURCE_TOKENS,
    TARGET_TOKENS,
    decode_digits,
    encode_numbers,
    number_to_german,
    number_to_parts,
    split_numbers,
)

# Von Hand geschrieben, nicht aus dem Code abgeleitet.
KNOWN = {
    1: "eins",
    7: "sieben",
    10: "zehn",
    11: "elf",
    12: "zwölf",
    16: "sechzehn",
    17: "siebzehn",
    21: "einundzwanzig",
    30: "dreißig",
    60: "sechzig",
    70: "siebzig",
    77: "siebenundsiebzig",
    99: "neunundneunzig",
    100: "hundert",
    101: "hunderteins",
    116: "hundertsechzehn",
    200: "zweihundert",
    354: "dreihundertvierundfünfzig",
    671: "sechshunderteinundsiebzig",
    999: "neunhundertneunundneunzig",
}


@pytest.mark.parametrize(("n", "word"), KNOWN.items())
def test_known_number_words(n, word):
    assert number_to_german(n) == word


def test_parts_join_to_word_and_all_words_differ():
    words = [number_to_german(n) for n in range(1, 1000)]
    assert len(set(words)) == 999
    for n in range(1, 1000):
        parts = number_to_parts(n)
        assert "".join(parts) == words[n - 1]
        assert set(parts) <= set(SOURCE_TOKENS[1:])


def test_units_come_before_tens():
    """Die Kreuzung: Im Wort steht der Einer vorn, in der Ziffernfolge hinten."""
    assert number_to_parts(23) == ["drei", "und", "zwanzig"]
    assert number_to_parts(354) == ["drei", "hundert", "vier", "und", "fünfzig"]
    for n in range(21, 100):
        if n % 10:
            parts = number_to_parts(n)
            assert parts[1] == "und"
            assert parts[-1].endswith(("zig", "ßig"))


@pytest.mark.parametrize("bad", [0, 1000, -5])
def test_out_of_range_raises(bad):
    with pytest.raises(ValueError, match="1 bis 999"):
        number_to_german(bad)


def test_non_integer_raises():
    with pytest.raises(TypeError):
        number_to_german(2.5)
    with pytest.raises(TypeError):
        number_to_german(True)


def test_encode_and_decode_roundtrip():
    data = encode_numbers([5, 23, 354])
    assert data.source.shape == (3, 5) and data.target.shape == (3, 5)
    assert [decode_digits(row) for row in data.target] == ["5", "23", "354"]
    assert data.target[0].tolist() == [TARGET_TOKENS.index(t) for t in ["<s>", "5", "</s>"]] + [
        0,
        0,
    ]
    words = ["".join(SOURCE_TOKENS[i] for i in row if i) for row in data.source]
    assert words == ["fünf", "dreiundzwanzig", "dreihundertvierundfünfzig"]


def test_encode_too_short_raises():
    with pytest.raises(ValueError, match="354"):
        encode_numbers([354], source_len=3)


def test_split_is_disjoint_complete_and_reproducible():
    train, test = split_numbers(test_fraction=0.2, seed=3)
    assert set(train).isdisjoint(test)
    assert sorted(train + test) == list(range(1, 1000))
    assert set(range(1, 21)) <= set(train)
    assert len(test) == round(0.2 * 979)
    assert split_numbers(test_fraction=0.2, seed=3) == (train, test)
    assert split_numbers(test_fraction=0.2, seed=4) != (train, test)
    assert isinstance(torch.tensor(test), torch.Tensor)
