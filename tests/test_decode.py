"""Decode rules on hand-made probabilities: a second article needs a first one."""

from __future__ import annotations

import numpy as np

from stripper.decode import PARAGRAPH_WORDS, decide, keep_first_article
from stripper.labels import LABELS

BODY, RELATED, CHROME = (LABELS.index(x) for x in ("body", "related", "chrome"))


def _rows(spec: str) -> np.ndarray:
    """One row per letter: b = body, r = related, c = chrome, each with certainty."""
    out = np.zeros((len(spec), len(LABELS)))
    for i, ch in enumerate(spec):
        out[i, {"b": BODY, "r": RELATED, "c": CHROME}[ch]] = 1.0
    return out


def _shapes(words: list[int]) -> np.ndarray:
    shapes = np.zeros((len(words), 4))
    shapes[:, 1] = np.log1p(words)
    return shapes


def _labels(final: str, own: str, words: list[int]) -> list[str]:
    out = keep_first_article(_rows(final), _rows(own), _shapes(words), 0.5)
    return decide(out, 0.5, frozenset())[0]


def test_an_article_read_as_a_second_one_is_given_back() -> None:
    # A headline taken for a read-also line, then the article itself, judged related.
    words = [8, 30, 30, 30]
    assert _labels("rrrr", "rbbb", words) == ["related", "body", "body", "body"]


def test_a_shorter_second_article_after_the_story_goes() -> None:
    words = [30, 30, 30, 2, 8, 30, 30]
    assert _labels("bbbrrrr", "bbbrrbb", words) == ["body"] * 3 + ["related"] * 4


def test_short_lines_and_lines_that_look_related_stay_related() -> None:
    # Only paragraphs (PARAGRAPH_WORDS words or more, body-looking on their own) are given back.
    words = [PARAGRAPH_WORDS - 1, PARAGRAPH_WORDS, 40]
    assert _labels("rrr", "rrb", words) == ["related", "related", "body"]


def test_other_junk_is_untouched() -> None:
    assert _labels("cc", "bb", [30, 30]) == ["chrome", "chrome"]
