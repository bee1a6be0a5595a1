"""The line model's target: what a line looks like on its own (learn.surface_label)."""

from __future__ import annotations

import pytest

from stripper.learn import SURFACE_BODY_WORDS, surface_label

#: Words of a headline-like line with no cue word or phrase.
_WORDS = "وزير الاقتصاد يبحث مع وفد البنك الدولي خطط دعم المشاريع الصغيرة في المحافظات الجنوبية والشرقية".split()


def _line(words: int) -> str:
    return " ".join((_WORDS * 2)[:words])


def test_the_constant_is_pinned() -> None:
    assert SURFACE_BODY_WORDS == 10


@pytest.mark.parametrize(
    ("words", "label", "target"),
    [
        # A related or chrome line shorter than SURFACE_BODY_WORDS is taught as what it is.
        (SURFACE_BODY_WORDS - 1, "related", "related"),
        (SURFACE_BODY_WORDS - 1, "chrome", "chrome"),
        # From SURFACE_BODY_WORDS words on, with no cue, it reads as a paragraph: its junk function
        # (a second article's text, a summary bullet) shows only in context.
        (SURFACE_BODY_WORDS, "related", "body"),
        (SURFACE_BODY_WORDS + 5, "chrome", "body"),
        # Other labels keep their own target, whatever the length.
        (SURFACE_BODY_WORDS + 5, "source", "source"),
        (SURFACE_BODY_WORDS + 5, "body", "body"),
    ],
)
def test_long_related_and_chrome_lines_without_a_cue_look_like_body(words: int, label: str, target: str) -> None:
    assert surface_label(_line(words), label) == target


def test_a_cue_phrase_keeps_a_long_line_junk() -> None:
    text = "اقرأ أيضا: " + _line(SURFACE_BODY_WORDS + 3)
    assert surface_label(text, "related") == "related"
