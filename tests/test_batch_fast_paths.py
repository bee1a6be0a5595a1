"""The batch featuriser's fast paths give exactly what the plain ones they replace give."""

from __future__ import annotations

import random
import re
import sys

import numpy as np
import pytest

from stripper import features, hashing
from stripper.features import STOPWORDS, featurize, line_facts
from stripper.lexicon import CUE_PHRASES
from stripper.normalize import normalize, normalize_many

#: Characters that exercise every branch of normalisation: white space of each kind, deleted
#: marks, folded letters, presentation forms that expand, a sigma, a dotted capital I, surrogates.
_TRICKY = ([chr(cp) for cp in range(sys.maxunicode + 1) if chr(cp).isspace()]
           + list("ΣσςΑαİIiKkßẞǅـ\u200b\u200f\ufeffﻻﷲﷺ\ufef7•●«»،؛؟٠١٩۱") + ["\ud800", "\udfff", "\U0001d400", "😀"])


def _random_texts(rng: random.Random, count: int, pool: list[str]) -> list[str]:
    return ["".join(rng.choice(pool) if rng.random() < 0.5 else rng.choice(_TRICKY)
                    for _ in range(rng.choice((0, 1, 2, 5, 20, 60))))
            for _ in range(count)]


def test_normalize_many_is_normalize_of_each() -> None:
    rng = random.Random(4)
    every = [chr(cp) for cp in range(sys.maxunicode + 1)]
    texts = _random_texts(rng, 20_000, every) + ["", "\n", "a\nb", " \n ", "ΑΣ\nΣ", "ΑΣ Σ"]
    assert normalize_many(texts) == [normalize(t) for t in texts]
    # Every code point, in texts of a few hundred.
    chunks = ["".join(every[i : i + 300]) for i in range(0, len(every), 300)]
    assert normalize_many(chunks) == [normalize(t) for t in chunks]
    assert normalize_many([]) == []


@pytest.mark.parametrize(("pattern", "trait"), [
    (r"\w", features._WORD_BIT), (r"\d", features._DECIMAL_BIT),
])
def test_traits_are_res_character_classes(pattern: str, trait: int) -> None:
    compiled = re.compile(pattern)
    wrong = [cp for cp in range(sys.maxunicode + 1)
             if bool(features._traits_of(chr(cp)) & trait) != bool(compiled.match(chr(cp)))]
    assert not wrong, [hex(cp) for cp in wrong[:5]]


def test_letters_are_the_word_class() -> None:
    letter = re.compile(r"[^\W\d_]")
    wrong = [cp for cp in range(sys.maxunicode + 1) if features._is_letter(chr(cp)) != bool(letter.match(chr(cp)))]
    assert not wrong, [hex(cp) for cp in wrong[:5]]


def test_vocabularies_are_the_words_less_stopwords() -> None:
    rng = random.Random(5)
    words = [*STOPWORDS, "كتاب", "الكتاب", "وفيما", "ab", "abc", "x1y", "a_b_c", "𝐀𝐁𝐂", "½½½", "²³"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    texts += ["".join(rng.choice(words + [" ", ",", "1", "_", "-"]) for _ in range(8)) for _ in range(3000)]
    texts = [normalize(t) for t in texts] + ["", "مع", "معمع", "هذا:هذه", "\U0001d400\U0001d401\U0001d402"]
    want = [frozenset(features._WORD.findall(t)).difference(STOPWORDS) for t in texts]
    assert features._vocabularies(texts) == want


def test_phrase_starts_are_every_find() -> None:
    tables = features._tables()
    rng = random.Random(6)
    phrases = list(CUE_PHRASES)
    text = "\n".join(" ".join(rng.choice([*phrases, "خبر", "ال", "x", phrases[0][:3]]) for _ in range(6))
                     for _ in range(2000))
    for end in (0, 3, 4, 1000, len(text) // 2, len(text)):
        want = []
        for phrase, _ in tables.phrases:
            found, at = [], text.find(phrase, 0, end)
            while at >= 0:
                found.append(at)
                at = text.find(phrase, at + 1, end)
            want.append(found)
        assert features._phrase_starts(tables, text, hashing.CodePoints(text), end) == want


@pytest.mark.parametrize("plain", [features._CLOCK, features._DATE, features._YEAR])
def test_digit_led_patterns_match_as_the_plain_ones(plain: re.Pattern[str]) -> None:
    fast = features._DIGIT_LED[plain]
    same = re.compile(plain.pattern[2:])  # only the leading \b goes
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice("0123456789:/.-19 20a٣") for _ in range(rng.randint(0, 30)))
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in same.finditer(text)]


@pytest.mark.parametrize("n", [0, 1, 5, 1000, 3000, hashing.POWERS_KEPT + 10])
def test_kept_powers_are_the_powers(n: int) -> None:
    powers, inverse = hashing.powers_and_inverses(n)
    assert len(powers) == len(inverse) == n + 1
    assert np.array_equal(powers, hashing._cumulative_powers(hashing.BASE, n))
    assert np.array_equal(inverse, hashing._cumulative_powers(hashing.BASE_INVERSE, n))
    assert not powers.flags.writeable


def test_blank_lines_among_live_ones_keep_their_place() -> None:
    lines = ["", "خبر عاجل", "   ", "\u200f" * 500 + "المصدر: وكالات", "\x00", "a" * 300 + " نهاية...", "ـــ"]
    facts, matrix = featurize(lines)
    assert facts == [line_facts(line) for line in lines]
    for i, line in enumerate(lines):
        _, row = featurize([line])
        assert (matrix[i] != row).nnz == 0


@pytest.mark.parametrize("lines", [[""], ["", "  ", "\u200f\u200f", "\x00"], ["خبر"], []])
def test_batches_of_blank_or_single_lines(lines: list[str]) -> None:
    facts, matrix = featurize(lines)
    want = features.line_matrix([features.line_tokens(line) for line in lines])
    assert facts == [line_facts(line) for line in lines]
    assert matrix.shape == want.shape and (matrix != want).nnz == 0
