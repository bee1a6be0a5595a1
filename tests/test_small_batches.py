"""A small batch (a page's lines) takes cheaper routes than a large one: the matrix is the same."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy import sparse

from stripper import features
from stripper.features import featurize, line_facts, line_matrix, line_tokens

#: Lines that reach every route the two sizes take apart: flags (digits beside letters, URLs,
#: handles), field names near COLON_CHARS, cue phrases, long lines with tails, blanks.
_LINES = [
    "", "   ", "\u200f\u200f", "خبر عاجل", "a12:30 و12:30 ،12:30", "2020 x2020 _2020 ٢٠٢٠", "1/2/2024 a1/2/2024",
    "http://x.com www.y.org z.net", "WWW.X.COM", "@user @ x", "#وسم #tag #a #b #c", "المصدر: وكالات",
    ":بداية", "اسم طويل جدا جدا قبل النقطتين: نص", "x" * 24 + ": y", "x" * 25 + ": y", "x" * 26 + ": y",
    "اقرأ أيضا: خبر", "تابعونا على تويتر", "حقوق النشر محفوظة 2024", "• بند في قائمة", "a | b | c",
    "كلام " * 60 + "النهاية...", "ـ" * 300 + "عاجل", "😀 خبر", "MiXeD Case http://A.B", "\ud800 12:30",
]


def _random_lines(rng: random.Random, count: int) -> list[str]:
    pool = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةأإى ً 0123456789 abcxyzWH :/.-@#_|…!؟ \u200f\t😀•"
    return [rng.choice(_LINES) if rng.random() < 0.4
            else "".join(rng.choice(pool) for _ in range(rng.choice((1, 5, 30, 61, 170, 450))))
            for _ in range(count)]


def _same(a: sparse.csr_matrix, b: sparse.csr_matrix) -> bool:
    """The same matrix entry for entry, in the same order, with the same types."""
    return (a.shape == b.shape and a.indices.dtype == b.indices.dtype and a.indptr.dtype == b.indptr.dtype
            and a.data.dtype == b.data.dtype and np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data))


@pytest.mark.parametrize("size", [1, 2, 5, 13, 40, 300])
def test_small_and_large_routes_give_the_same_matrix(size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(size)
    for _ in range(20 if size < 300 else 3):
        lines = _random_lines(rng, size)
        extras = [[rng.choice(("h:p", "h:li", "h:a"))] * rng.randint(0, 2) for _ in lines]
        for batch_extras in (None, extras):
            monkeypatch.setattr(features, "SMALL_BATCH_CHARS", 10**9)
            small_facts, small = featurize(lines, batch_extras)
            monkeypatch.setattr(features, "SMALL_BATCH_CHARS", -1)
            large_facts, large = featurize(lines, batch_extras)
            assert small_facts == large_facts == [line_facts(line) for line in lines]
            assert _same(small, large)


def test_a_page_is_what_line_tokens_names() -> None:
    lines = _LINES
    _, matrix = featurize(lines, [["h:p"]] * len(lines))
    want = line_matrix([line_tokens(line, ["h:p"]) for line in lines])
    assert (matrix != want).nnz == 0


def test_a_line_alone_is_its_row_of_a_large_batch() -> None:
    rng = random.Random(3)
    lines = _random_lines(rng, 400) + _LINES
    assert sum(map(len, lines)) > features.SMALL_BATCH_CHARS
    _, matrix = featurize(lines)
    for i, line in enumerate(lines):
        assert _same(featurize([line])[1], matrix[i])


def test_a_large_batch_without_a_colon() -> None:
    lines = ["خبر عاجل " * 30 + str(i) for i in range(100)]
    assert sum(map(len, lines)) > features.SMALL_BATCH_CHARS
    _, matrix = featurize(lines)
    assert (matrix != line_matrix([line_tokens(line) for line in lines])).nnz == 0


def test_index_arrays_are_int32() -> None:
    _, matrix = featurize(["خبر عاجل", ""])
    assert matrix.indices.dtype == matrix.indptr.dtype == np.int32
