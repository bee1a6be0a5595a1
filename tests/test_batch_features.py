"""The batch featuriser hashes, for many lines at once, exactly the tokens `line_tokens` names."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import CLEAN, PAGE, S1, S2

from stripper import features, hashing
from stripper.features import PREFIX_CHARS, SUFFIX_CHARS, featurize, line_facts, line_matrix, line_tokens

#: Lines that reach every token family and the edges between them.
LINES = [
    S1, S2, "", "   ", "\u200f\u200f", "a", "::", ":", "ا:", " : ب", "المصدر : وكالات", "المصدر: وكالات الأنباء",
    "اقرأ أيضا: الوزير يفتتح المشروع", "إقرأ أيضاً:", "اخبار ذات صلة", "• بند أول", "- بند",
    "#وسم #وسم2 #ثالث #رابع #خامس",
    "2024/01/02 12:30 www.example.com @handle", "x1/2/3/4 ab12:30", "1999 و2020م", "٢٠٢٤/٠١/٠٢", "…", "a...b",
    "نهاية...", "\U0001f600 اقرأ أيضا", "\U0001d400\U0001d401 word", "_x_ __", "a | b | c", "تحميل تطبيق | فيسبوك",
    "يناير الاثنين المصدر", "كلمات دلالية: سياسة، اقتصاد", "©️ جميع الحقوق محفوظة", "x" * 500,
    "خبر " * PREFIX_CHARS + "المصدر", "خبر " * PREFIX_CHARS + "ـ" * SUFFIX_CHARS, "ب" * 159 + " ج" + "د" * 40,
    "a" * 170 + " " * 50, " " * 300 + "اقرأ أيضا", "\x00\x00 خبر\x00", "\ud800 lone \udfff", "\u2028خبر\u2029",
    *PAGE.split("\n"), *CLEAN.split("\n"),
]


def _reference(lines: list[str], extras: list[list[str]] | None = None) -> np.ndarray:
    return line_matrix([line_tokens(line, extras[i] if extras else ()) for i, line in enumerate(lines)]).toarray()


def _same(lines: list[str], extras: list[list[str]] | None = None) -> None:
    facts, matrix = featurize(lines, extras)
    assert matrix.shape == (len(lines), hashing.N_HASHED_FEATURES)
    want = _reference(lines, extras)
    rows = np.flatnonzero((matrix.toarray() != want).any(axis=1))
    assert not len(rows), [lines[i] for i in rows[:3]]
    assert facts == [line_facts(line) for line in lines]


def test_the_batch_hashes_what_line_tokens_names() -> None:
    _same(LINES)


def test_extras_join_their_lines_tokens() -> None:
    extras = [["h:li", "h:a"] if i % 3 == 0 else [] for i in range(len(LINES))]
    _same(LINES, extras)


def test_a_batch_larger_than_a_slice_is_split_and_joined(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features, "BATCH_LINES", 7)
    _same(LINES)


def test_no_lines_give_an_empty_matrix() -> None:
    facts, matrix = featurize([])
    assert facts == [] and matrix.shape == (0, hashing.N_HASHED_FEATURES)


def test_a_token_string_hashes_to_the_column_of_its_parts() -> None:
    # "w=" + word, hashed as one string and as prefix then value, land on one column.
    family = hashing.Prefixed("w=")
    value = np.array([hashing.string_hash("الوزير")], dtype=np.uint64)
    assert family.columns(value)[0] == hashing.token_column("w=الوزير")
    assert 0 <= hashing.token_column("w=الوزير") < hashing.N_HASHED_FEATURES


_TEXT = st.text(st.characters() | st.sampled_from("اقرأ أيضا المصدر: #@.:|…0123 ـ•\u200f"), max_size=260)


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=12))
def test_any_text_hashes_as_line_tokens_names(lines: list[str]) -> None:
    _same(lines)
