"""Spelling normalisation and line features: what a line's own text turns into, and their bounds."""

from __future__ import annotations

import math

import pytest
from support import S1

from stripper import features
from stripper import normalize as norm
from stripper.features import (
    PREFIX_CHARS,
    PREFIX_TOKENS,
    SUFFIX_CHARS,
    TRIGRAMS,
    VOCAB_CHARS,
    line_facts,
    line_tokens,
    line_vocabulary,
    shape_row,
)
from stripper.normalize import BULLET, normalize


@pytest.mark.parametrize(("raw", "folded"), [
    ("إقرأ أيضاً", "اقرا ايضا"),           # hamza forms and tanween
    ("اقـــرأ ايضا", "اقرا ايضا"),          # tatweel
    ("مدرسة", "مدرسه"),                     # ta marbuta
    ("على", "علي"),                         # alef maqsura
    ("ی ک", "ي ك"),                         # Persian letters
    ("٢٠٢٤ ۱۲", "2024 12"),                 # Eastern digits, Arabic and Persian
    ("«خبر» — عاجل؛", '"خبر" - عاجل;'),     # quotes, dashes, Arabic punctuation
    ("● ▪ ➤", f"{BULLET} {BULLET} {BULLET}"),  # bullet shapes
    ("\u200fخبر\u200d  \u00a0عاجل\t", "خبر عاجل"),  # direction marks, joiners, odd spaces
    ("READ More", "read more"),
    ("\ufef7", "لا"),                       # a presentation form folds to its letters
])
def test_normalize_folds_spelling(raw: str, folded: str) -> None:
    assert normalize(raw) == folded


def test_lone_surrogates_become_replacement_characters() -> None:
    assert normalize("خبر\ud800") == "خبر\ufffd"


def test_list_table_translates_like_the_mapping() -> None:
    # The fast list table must agree with the mapping on every code point, inside and past its end.
    text = "".join(chr(cp) for cp in range(0x20000) if not 0xD800 <= cp < 0xE000)
    assert text.translate(norm._TABLE_LIST) == text.translate(norm._TABLE)


def test_only_the_prefix_gives_word_tokens() -> None:
    marker = "اقرأ"
    words = [t for t in line_tokens("خبر " * (PREFIX_CHARS // 4) + marker) if t.startswith("w=")]
    assert len(words) == PREFIX_TOKENS and "w=اقرا" not in words


def test_the_suffix_gives_tail_tokens() -> None:
    tokens = line_tokens("خبر " * PREFIX_CHARS + "المصدر")
    assert "t=المصدر" in tokens
    assert "t=المصدر" not in line_tokens("خبر " * PREFIX_CHARS + "المصدر" + "ا" * SUFFIX_CHARS)


def test_trigrams_are_bounded() -> None:
    assert sum(t.startswith("c3=") for t in line_tokens(S1)) == TRIGRAMS


def test_blank_and_invisible_lines() -> None:
    for line in ("", "   ", "\u200f\u200d", "ـــ"):
        facts = line_facts(line)
        assert line_tokens(line) == ["blank"] and facts.shape == (0.0, 0.0, 0.0, 0.0) and facts.vocab == frozenset()


def test_shape_row() -> None:
    assert shape_row("• بند أول") == (math.log1p(9), math.log1p(3), 1.0, 0.0)
    assert shape_row("اقرأ أيضا:")[3] == 1.0


def test_vocabulary_reads_a_bounded_head_without_function_words() -> None:
    assert line_vocabulary("قال الوزير في عمان إن الحافلات") == {"الوزير", "عمان", "الحافلات"}
    assert "بعيده" not in line_vocabulary("خبر " * (VOCAB_CHARS // 4) + "بعيدة")


def test_facts_agree_with_the_single_feature_functions() -> None:
    facts = line_facts(S1)
    assert line_tokens(S1, ("h:html",))[-1] == "h:html"
    assert facts.shape == shape_row(S1) and facts.vocab == line_vocabulary(S1)
    assert features.FEATURE_VERSION >= 1


def test_no_cue_phrase_starts_another() -> None:
    # features._PHRASES finds one phrase per position; a phrase starting another would hide it.
    from stripper.lexicon import CUE_PHRASES

    assert not [(a, b) for a in CUE_PHRASES for b in CUE_PHRASES if a != b and a.startswith(b)]


def test_every_cue_phrase_is_found_with_its_neighbours() -> None:
    from stripper.lexicon import CUE_PHRASES

    for phrase, cue in CUE_PHRASES.items():
        assert "phrase=" + cue in line_tokens(f"خبر {phrase} عاجل"), phrase
    # Overlapping phrases in one line are all found: "اخبار ذات" and "ذات صله" share a word.
    tokens = line_tokens("اخبار ذات صلة")
    assert tokens.count("phrase=related") == 2


def test_cues_are_in_normalised_spelling() -> None:
    # Cues are looked up in normalised text: one that normalisation changes could never fire.
    from stripper.lexicon import CUE_PHRASES, CUE_WORDS, MONTHS, WEEKDAYS

    for cue in (*CUE_PHRASES, *CUE_WORDS, *MONTHS, *WEEKDAYS):
        assert normalize(cue) == cue, cue


def test_table_cells_count_the_pipes_of_a_row() -> None:
    assert line_facts("السيب | 9 | 5 | 2 | 2 | 17").cells == 6
    assert line_facts("الرئيسية | محليات").cells == 0  # one pipe is a separator, not a table
    assert line_facts("").cells == 0


def test_sentence_ends_are_full_stops() -> None:
    assert line_facts("وقال الوزير إن العمل سيبدأ الشهر المقبل.").sentence
    assert not line_facts("الوزير يعلن موعد بدء العمل").sentence
    assert not line_facts("هل يبدأ العمل الشهر المقبل؟").sentence


@pytest.mark.parametrize(("line", "continues"), [
    ("وفي السياق ذاته، اشتكى سكان من انقطاع المياه.", True),
    ("وأضاف أن الحملة مستمرة.", True),
    ("من جانبه، أكد مسؤول أن الأسعار مستقرة.", True),
    ("إلى ذلك، أعلنت الوزارة خطة جديدة.", True),
    ("وزير الخارجية يلتقي نظيره الروسي", False),  # the letter, not the conjunction
    ("قال الوزير إن المفاوضات مستمرة.", False),   # how a story opens
    ("الرياض - واس", False),
])
def test_a_line_that_opens_as_a_continuation_is_marked(line: str, continues: bool) -> None:
    facts, _ = features.featurize([line, "سطر آخر"])
    assert facts[0].continues is continues
    assert line_facts(line).continues is continues


@pytest.mark.parametrize(("line", "menu"), [
    ("الرئيسية | أخبار | رياضة | اقتصاد", True),
    ("الرئيسية - عربي ودولي - تكنولوجيا - الرأي - صحة", True),
    ("أخبار / سياسة / عربي ودولي / مقالات / فيديو", True),
    ("• محليات • دولي • رياضة • منوعات •", True),
    ("الرئيسية | أخبار | رياضة", False),                           # fewer than MENU_MIN_ITEMS
    ("| حماة | 8,600 | 51 |", False),                                # figures: a table row
    ("الدفاع: جيروم بواتينغ - ماتس هاملز - جوشوا كيميتش - أنتونيو روديغر", False),  # a line-up
    ("قال الوزير إن الأمر - في الواقع - صعب جدا - كما يبدو", False),  # a sentence's parts run long
    ("أخبار | سياسة في العالم العربي اليوم | مقالات | فيديو", False),  # an item of five words
])
def test_a_menu_row_is_marked(line: str, menu: bool) -> None:
    assert (features.MENU_MIN_ITEMS, features.MENU_ITEM_WORDS) == (4, 3)
    facts, _ = features.featurize([line, "سطر آخر"])
    assert facts[0].menu is menu
    assert line_facts(line).menu is menu
