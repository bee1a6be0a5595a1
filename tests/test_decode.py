"""Decode rules on hand-made probabilities: the first article stays, a paragraph that goes on with it stays."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from stripper.decode import (
    BOX_ARTICLE_RATIO,
    BOX_HEADLINE_COVER,
    BOX_MAX_HEADLINES,
    BOX_PARAGRAPH_WORDS,
    CONTINUE_MIN_WORDS,
    CONTINUE_OWN_BODY,
    CONTINUE_SHARE,
    DEFAULT_THRESHOLD,
    END_BLOCK_CHROME_SHARE,
    END_BLOCK_MIN_BODY,
    FOOTER_RUN_LINES,
    HEADLINE_COPY_EXTRA_WORDS,
    HEADLINE_COPY_MIN_STEMS,
    HEADLINE_COPY_SHARE,
    HEADLINE_SHARE,
    LEDE_LINES,
    LEDE_MIN_WORDS,
    LIST_MIN_ITEMS,
    LIST_RELATED_SHARE,
    MARKER_MAX_WORDS,
    RELATED_SELF,
    SECOND_ARTICLE_MIN_BODY,
    SUMMARY_MAX_BULLETS,
    SURFACE_CERTAIN,
    TABLE_MIN_ROWS,
    TINY_LINES,
    Screens,
    close_end_block,
    close_related_list,
    close_summary_widget,
    decide,
    drop_headline_copy,
    drop_menu_lines,
    judge_tiny_document,
    keep_article_list,
    keep_continuing_body,
    keep_own_headline,
    keep_own_subheading,
    keep_paragraph_run,
    keep_table_rows,
    reopen_after_mid_body_box,
    screen_documents,
    text_context,
    trust_sure_lines,
)
from stripper.features import topic_stems
from stripper.labels import LABEL_INDEX, LABELS

BODY, RELATED = LABEL_INDEX["body"], LABEL_INDEX["related"]


def _row(label: str, p: float = 1.0) -> list[float]:
    row = [0.0] * len(LABELS)
    row[LABEL_INDEX[label]] = p
    row[BODY] += 1.0 - p
    return row


def _shape(words: int) -> list[float]:
    return [math.log1p(words * 6), math.log1p(words), 0.0, 0.0]


Rule = Callable[[np.ndarray, np.ndarray, np.ndarray, list[frozenset[str]], float], np.ndarray]


def _apply(rule: Rule, lines: list[tuple[str, str, int, set[str]]]) -> list[str]:
    """lines: (context label, own label, words, topical words) -> labels after `rule`."""
    final = np.array([_row(ctx) for ctx, _, _, _ in lines])
    own = np.array([_row(o) for _, o, _, _ in lines])
    shapes = np.array([_shape(w) for _, _, w, _ in lines])
    out = rule(final, own, shapes, [topic_stems(v) for *_, v in lines], DEFAULT_THRESHOLD)
    return decide(out, DEFAULT_THRESHOLD, frozenset())[0]


def _run(lines: list[tuple[str, str, int, set[str]]]) -> list[str]:
    return _apply(keep_continuing_body, lines)


ARTICLE = {"ميناء", "جده", "الحاويات", "قياسيا", "مارس"}
OTHER = {"الهند", "الدمام", "خدمه", "ملاحيه", "اسبوعي"}
LONG = CONTINUE_MIN_WORDS + 5


def test_a_paragraph_on_the_article_story_stays_body() -> None:
    labels = _run([
        ("body", "body", LONG, ARTICLE),
        ("related", "body", 3, {"تجربه", "مذهله"}),              # a subheading context took for a start
        ("related", "body", LONG, {"ميناء", "الحاويات", "جديد"}),  # goes on with the story
    ])
    assert labels == ["body", "related", "body"]


def test_a_paragraph_of_another_story_stays_related() -> None:
    labels = _run([
        ("body", "body", LONG, ARTICLE),
        ("related", "body", LONG, OTHER),
    ])
    assert labels == ["body", "related"]


def test_after_a_bare_marker_the_topic_does_not_count() -> None:
    # Sites point to stories on the same subject: after «اقرأ أيضاً» rule 1's end block stands.
    marker = ("related", "related", 2, {"اقرا", "ايضا"})
    labels = _run([("body", "body", LONG, ARTICLE), marker, ("related", "body", LONG, ARTICLE)])
    assert labels == ["body", "related", "related"]


def test_the_first_article_cannot_be_a_second_one() -> None:
    # Nothing of an article kept yet: the paragraphs context took for a second article are the first.
    labels = _run([
        ("body", "body", 8, {"عنوان"}),
        ("related", "body", 4, {"عنوان", "فرعي"}),
        ("related", "body", LONG, OTHER),
        ("related", "body", LONG, OTHER),
    ])
    assert labels == ["body", "related", "body", "body"]


def test_short_lines_and_own_related_lines_are_left_alone() -> None:
    labels = _run([
        ("body", "body", LONG, ARTICLE),
        ("related", "body", CONTINUE_MIN_WORDS - 1, ARTICLE),  # a headline-sized line
        ("related", "related", LONG, ARTICLE),                # related on its own, not by context
    ])
    assert labels == ["body", "related", "related"]


def test_clitics_are_folded_before_comparing() -> None:
    labels = _run([
        ("body", "body", LONG, {"التغريدات", "مرسي", "خلفان"}),
        ("related", "body", LONG, {"وتغريداته", "لمرسي", "كلمه"}),
    ])
    assert labels == ["body", "body"]


def test_constants_are_what_the_docs_say() -> None:
    assert CONTINUE_MIN_WORDS == 10
    assert CONTINUE_OWN_BODY == 0.5
    assert pytest.approx(0.3) == CONTINUE_SHARE
    assert RELATED_SELF == 0.9


def _widget(lines: list[tuple[str, str, int, bool, set[str]]]) -> list[str]:
    """lines: (context label, own label, words, bullet, topical words) -> labels after the rule."""
    final = np.array([_row(ctx) for ctx, _, _, _, _ in lines])
    own = np.array([_row(o) for _, o, _, _, _ in lines])
    shapes = np.array([[*_shape(w)[:2], 1.0 if bullet else 0.0, 0.0] for _, _, w, bullet, _ in lines])
    out = close_summary_widget(final, own, shapes, [frozenset(v) for *_, v in lines], DEFAULT_THRESHOLD)
    return decide(out, DEFAULT_THRESHOLD, frozenset())[0]


def test_summary_widget_bullets_are_chrome() -> None:
    labels = _widget([
        ("chrome", "chrome", 3, False, {"استمع", "الملخص"}),
        ("chrome", "body", LONG, True, ARTICLE),
        ("body", "body", LONG, True, ARTICLE),      # restates the article: context kept it
        ("body", "body", LONG, False, ARTICLE),     # the article starts
    ])
    assert labels == ["chrome", "chrome", "chrome", "body"]


def test_a_list_after_another_chrome_line_stays_body() -> None:
    labels = _widget([
        ("chrome", "chrome", 2, False, {"طباعه"}),
        ("body", "body", LONG, True, ARTICLE),
    ])
    assert labels == ["chrome", "body"]


def test_a_long_run_of_bullets_is_the_articles_own_list() -> None:
    header = ("chrome", "chrome", 2, False, {"اهم", "النقاط"})
    bullets = [("body", "body", LONG, True, ARTICLE)] * (SUMMARY_MAX_BULLETS + 1)
    assert _widget([header, *bullets]) == ["chrome"] + ["body"] * (SUMMARY_MAX_BULLETS + 1)


def _headline(lines: list[tuple[str, str, int, set[str]]]) -> list[str]:
    return _apply(keep_own_headline, lines)


TITLE = {"ميناء", "جده", "يسجل", "رقما"}  # half of it comes back in ARTICLE


def test_the_articles_own_title_stays_body() -> None:
    labels = _headline([
        ("chrome", "chrome", 2, {"الرئيسيه"}),
        ("related", "related", 7, TITLE),   # looks like a related headline, on the story's topic
        ("body", "body", LONG, ARTICLE),
        ("body", "body", LONG, ARTICLE),
    ])
    assert labels == ["chrome", "body", "body", "body"]


def test_a_related_headline_on_another_story_stays_related() -> None:
    labels = _headline([("related", "related", 7, OTHER), ("body", "body", LONG, ARTICLE)])
    assert labels == ["related", "body"]


def test_a_headline_after_a_bare_marker_stays_related() -> None:
    marker = ("related", "related", 2, {"اقرا", "ايضا"})
    labels = _headline([marker, ("related", "related", 7, TITLE), ("body", "body", LONG, ARTICLE)])
    assert labels == ["related", "related", "body"]


def test_only_lines_above_the_first_paragraph_are_titles() -> None:
    labels = _headline([("body", "body", LONG, ARTICLE), ("related", "related", 7, TITLE),
                        ("body", "body", LONG, ARTICLE)])
    assert labels == ["body", "related", "body"]


def test_headline_share_is_the_threshold() -> None:
    # 5 words, HEADLINE_SHARE 0.25: one word of the story (0.2) is not enough, two (0.4) are.
    assert pytest.approx(0.25) == HEADLINE_SHARE
    one = {"ميناء", "الهند", "الدمام", "خدمه", "ملاحيه"}
    two = {"ميناء", "جده", "الدمام", "خدمه", "ملاحيه"}
    assert _headline([("related", "related", 7, one), ("body", "body", LONG, ARTICLE)]) == ["related", "body"]
    assert _headline([("related", "related", 7, two), ("body", "body", LONG, ARTICLE)]) == ["body", "body"]


def _titles(lines: list[tuple[str, str, int, set[str], bool, int]]) -> list[str]:
    """lines: (context label, own label, words, topical words, bulleted, table cells) -> labels
    after keep_own_headline."""
    final = np.array([_row(ctx) for ctx, *_ in lines])
    own = np.array([_row(o) for _, o, *_ in lines])
    shapes = np.array([[*_shape(w)[:2], 1.0 if b else 0.0, 0.0] for _, _, w, _, b, _ in lines])
    stems = [topic_stems(v) for _, _, _, v, _, _ in lines]
    out = keep_own_headline(final, own, shapes, stems, DEFAULT_THRESHOLD, [c for *_, c in lines])
    return decide(out, DEFAULT_THRESHOLD, frozenset())[0]


CRUMB = ("chrome", "chrome", 3, {"الرئيسيه", "اقتصاد"}, False, 0)
STAMP = ("chrome", "chrome", 7, {"السبت", "اكتوبر"}, False, 0)
FIRST_PARAGRAPH = ("body", "body", LONG, ARTICLE, False, 0)


def test_a_title_that_context_ran_the_chrome_over_stays_body() -> None:
    # Breadcrumb, title, timestamp: context runs the chrome on over the title, which looks like body.
    title = ("chrome", "body", 12, TITLE, False, 0)
    assert _titles([CRUMB, title, STAMP, FIRST_PARAGRAPH]) == ["chrome", "body", "chrome", "body"]


def test_chrome_that_is_no_title_stays_chrome() -> None:
    off_topic = ("chrome", "body", 12, OTHER, False, 0)
    chrome_look = ("chrome", "chrome", 12, TITLE, False, 0)       # a stamp or a byline by its looks
    bullet = ("chrome", "body", 12, TITLE, True, 0)               # a summary widget's bullet
    menu = ("chrome", "body", 12, TITLE, False, 5)                # cut into cells: a menu
    for line in (off_topic, chrome_look, bullet, menu):
        assert _titles([CRUMB, line, FIRST_PARAGRAPH])[1] == "chrome"


def test_a_copy_of_the_title_stays_chrome() -> None:
    title = ("body", "body", 12, TITLE, False, 0)
    copy = ("chrome", "body", 12, TITLE, False, 0)
    assert _titles([title, copy, FIRST_PARAGRAPH]) == ["body", "chrome", "body"]


def _subheading(lines: list[tuple[str, str, int, set[str]]], sentences: list[bool] | None = None) -> list[str]:
    """lines: (context label, own label, words, topical words) -> labels after keep_own_subheading."""
    final = np.array([_row(ctx) for ctx, _, _, _ in lines])
    own = np.array([_row(o) for _, o, _, _ in lines])
    shapes = np.array([_shape(w) for _, _, w, _ in lines])
    out = keep_own_subheading(final, own, shapes, [topic_stems(v) for *_, v in lines], DEFAULT_THRESHOLD,
                              sentences or [False] * len(lines))
    return decide(out, DEFAULT_THRESHOLD, frozenset())[0]


TEXT = ("body", "body", BOX_PARAGRAPH_WORDS, ARTICLE)   # a paragraph of the article
SUBHEADING = {"ميناء", "جده", "الموسم"}   # two of three words of the article's


def test_a_subheading_between_the_articles_lines_stays_body() -> None:
    assert CONTINUE_SHARE == 0.3
    for ctx in ("chrome", "related"):
        labels = _subheading([TEXT, ("ad", "ad", 1, set()), (ctx, "body", 3, SUBHEADING), TEXT])
        assert labels == ["body", "ad", "body", "body"]


def test_a_short_line_off_the_topic_or_before_the_article_stays_junk() -> None:
    assert _subheading([TEXT, ("chrome", "body", 3, OTHER), TEXT])[1] == "chrome"
    # No paragraph of the article before it: a title, the headline rule's business.
    assert _subheading([("chrome", "body", 3, SUBHEADING), TEXT])[0] == "chrome"
    # The line after it is junk: the end of the article, not a subheading.
    assert _subheading([TEXT, ("related", "body", 3, SUBHEADING), ("related", "related", 3, OTHER)])[1] \
        == "related"
    # Junk by its own looks (a read-also line), or after a bare marker.
    assert _subheading([TEXT, ("related", "related", 3, SUBHEADING), TEXT])[1] == "related"
    marker = ("related", "related", 2, {"اقرا", "ايضا"})
    assert _subheading([TEXT, marker, ("related", "body", 6, SUBHEADING), TEXT])[2] == "related"


def _sure(lines: list[tuple[str, list[float], int]]) -> list[str]:
    """lines: (context label, own probabilities as {label: p}, words) -> labels after trust_sure_lines."""
    final = np.array([_row(ctx) for ctx, _, _ in lines])
    own = np.array([[own.get(label, 0.0) for label in LABELS] for _, own, _ in lines])
    shapes = np.array([_shape(w) for _, _, w in lines])
    return decide(trust_sure_lines(final, own, shapes), DEFAULT_THRESHOLD, frozenset())[0]


def test_a_short_line_sure_of_its_surface_keeps_it() -> None:
    # Context took an ad slot and a credit for body; a few words that plain have nothing to overrule.
    assert SURFACE_CERTAIN == 0.9
    ad = {"ad": SURFACE_CERTAIN, "body": 1 - SURFACE_CERTAIN}
    source = {"source": 0.99, "body": 0.01}
    assert _sure([("body", ad, 1), ("body", source, 4)]) == ["ad", "source"]


def test_context_still_overrules_a_long_or_unsure_line() -> None:
    # «المصدر: إن المفاوضات ...» opening a paragraph (rule 3), and a short line only fairly sure.
    long_source = {"source": 0.99, "body": 0.01}
    unsure = {"ad": SURFACE_CERTAIN - 0.01, "body": 1 - SURFACE_CERTAIN + 0.01}
    assert _sure([("body", long_source, MARKER_MAX_WORDS + 1), ("body", unsure, 1)]) == ["body", "body"]


def test_a_sure_read_also_line_stays_related() -> None:
    assert _sure([("body", {"related": 0.99, "body": 0.01}, 12)]) == ["related"]


def test_a_tiny_document_is_judged_by_how_its_lines_look() -> None:
    # The context model only met two-line documents as clean short articles.
    assert TINY_LINES == 2
    final = np.array([_row("body"), _row("body")])
    own = np.array([_row("ad", 0.95), _row("chrome", 0.99)])
    assert decide(judge_tiny_document(final, own), DEFAULT_THRESHOLD, frozenset())[0] == ["ad", "chrome"]


def test_a_headline_over_one_paragraph_is_a_short_article() -> None:
    final = np.array([_row("body"), _row("body")])
    own = np.array([_row("related", 0.99), _row("body")])
    assert decide(judge_tiny_document(final, own), DEFAULT_THRESHOLD, frozenset())[0] == ["body", "body"]


def test_longer_documents_keep_their_context() -> None:
    final = np.array([_row("body")] * (TINY_LINES + 1))
    own = np.array([_row("ad")] * (TINY_LINES + 1))
    assert judge_tiny_document(final, own) is final


def _box(lines: list[tuple[str, str, int, set[str]]]) -> list[str]:
    return _apply(reopen_after_mid_body_box, lines)


PARAGRAPH = BOX_PARAGRAPH_WORDS + 10
MARKER = ("related", "related", 2, {"اقرا", "ايضا"})
HEAD = {"الدفاع", "المدني", "ينفذ", "تمرينا", "ميدانيا"}


def test_the_article_goes_on_after_a_box_in_mid_body() -> None:
    labels = _box([
        ("body", "body", PARAGRAPH, ARTICLE),
        MARKER,
        ("related", "body", 9, HEAD),                      # a headline of another story
        ("related", "body", PARAGRAPH, {"ميناء", "وقال", "المدير"}),
        ("ad", "ad", 1, {"اعلان"}),
        ("related", "body", PARAGRAPH, {"الحاويات", "الشحن"}),
        ("source", "source", 2, {"المصدر", "واس"}),
    ])
    assert labels == ["body", "related", "related", "body", "ad", "body", "source"]


def test_a_box_under_a_chrome_line_is_no_mid_body_box() -> None:
    # A comments header or share bar between the article and the box: the article is over, and
    # what follows the box's headline is a second article even where it shares no words with it.
    lines = [
        ("body", "body", PARAGRAPH, ARTICLE),
        ("chrome", "chrome", 2, {"تعليقات", "الزوار"}),
        MARKER,
        ("related", "body", 9, HEAD),
        ("related", "body", PARAGRAPH, {"ميناء", "وقال", "المدير"}),
    ]
    assert _box(lines) == ["body", "chrome", "related", "related", "related"]
    assert _box([lines[0], *lines[2:]]) == ["body", "related", "related", "body"]


def test_a_second_article_that_tells_its_headline_stays_related() -> None:
    assert BOX_HEADLINE_COVER == 0.4
    labels = _box([
        ("body", "body", PARAGRAPH, ARTICLE),
        MARKER,
        ("related", "body", 9, HEAD),
        ("related", "body", PARAGRAPH, HEAD | {"اليوم"}),  # repeats its headline: another story
        ("source", "source", 2, {"المصدر", "واس"}),
    ])
    assert labels == ["body", "related", "related", "related", "source"]


def test_a_paragraph_that_opens_as_a_continuation_goes_on_whatever_its_words() -> None:
    # On a site's own topic the box's headline shares the paragraph's words; "وفي السياق ذاته"
    # still says the article goes on, where the same words opening fresh make a second article.
    lines = [
        ("body", "body", PARAGRAPH, ARTICLE),
        MARKER,
        ("related", "body", 9, HEAD),
        ("related", "body", PARAGRAPH, HEAD | {"اليوم"}),
        ("source", "source", 2, {"المصدر", "واس"}),
    ]
    final = np.array([_row(ctx) for ctx, _, _, _ in lines])
    own = np.array([_row(o) for _, o, _, _ in lines])
    shapes = np.array([_shape(w) for _, _, w, _ in lines])
    stems = [topic_stems(v) for *_, v in lines]

    def labels(continues: list[bool]) -> list[str]:
        out = reopen_after_mid_body_box(final, own, shapes, stems, DEFAULT_THRESHOLD, [False] * 5, continues)
        return decide(out, DEFAULT_THRESHOLD, frozenset())[0]

    assert labels([False, False, False, True, False])[3] == "body"
    assert labels([False] * 5)[3] == "related"


def test_a_tag_line_a_paragraph_follows_is_no_end_of_the_article() -> None:
    # A dateline the model read as a tag line ("دمشق – {site} – {name}") with the article's
    # paragraphs after it: the box further down still sat in mid-body.
    labels = _box([
        ("body", "body", PARAGRAPH, ARTICLE),
        ("tags", "tags", 5, {"دمشق", "مرايا", "سوريا"}),
        ("body", "body", PARAGRAPH, ARTICLE),
        MARKER,
        ("related", "body", 9, HEAD),
        ("related", "body", PARAGRAPH, {"مختلف"}),
    ])
    assert labels == ["body", "tags", "body", "related", "related", "body"]


def test_a_box_after_the_articles_end_is_rule_ones_end_block() -> None:
    labels = _box([
        ("body", "body", PARAGRAPH, ARTICLE),
        ("tags", "tags", 4, {"الوسوم"}),
        MARKER,
        ("related", "body", 9, HEAD),
        ("related", "body", PARAGRAPH, {"مختلف"}),
        ("source", "source", 2, {"المصدر", "واس"}),
    ])
    assert labels == ["body", "tags", "related", "related", "related", "source"]


def test_a_box_at_the_end_of_the_text_still_lets_the_article_go_on() -> None:
    labels = _box([("body", "body", PARAGRAPH, ARTICLE), MARKER, ("related", "body", 9, HEAD),
                   ("related", "body", PARAGRAPH, {"مختلف"})])
    assert labels == ["body", "related", "related", "body"]


def test_a_paragraph_sized_line_right_after_the_marker_is_no_box() -> None:
    labels = _box([("body", "body", PARAGRAPH, ARTICLE), MARKER, ("related", "body", PARAGRAPH, {"مختلف"})])
    assert labels == ["body", "related", "related"]


def test_box_sizes_are_pinned() -> None:
    assert BOX_PARAGRAPH_WORDS == 20
    assert BOX_MAX_HEADLINES == 3


def test_a_headline_inside_a_closed_related_block_opens_no_box() -> None:
    # Rule 1's block runs on past a short related line that looks like a marker on its own.
    labels = _box([
        ("body", "body", PARAGRAPH, ARTICLE),
        MARKER,
        ("related", "body", 9, HEAD),
        *[("related", "body", PARAGRAPH, HEAD)] * (BOX_MAX_HEADLINES + 1),
        ("related", "related", 3, {"الاتحاد", "يعاقب"}),
        ("related", "body", 9, {"عنوان", "اخر"}),
        ("related", "body", PARAGRAPH, {"مختلف"}),
    ])
    assert labels[-1] == "related"


def _end_block(lines: list[tuple[str, int, bool, set[str]]]) -> list[str]:
    """lines: (context label, words, ends a sentence, topical words) -> labels after close_end_block."""
    final = np.array([_row(ctx) for ctx, *_ in lines])
    shapes = np.array([_shape(w) for _, w, _, _ in lines])
    out = close_end_block(final, shapes, DEFAULT_THRESHOLD, [topic_stems(v) for *_, v in lines],
                          [e for _, _, e, _ in lines])
    return decide(out, DEFAULT_THRESHOLD, frozenset())[0]


def _second_article(body_before: int) -> list[str]:
    return _end_block([
        *[("body", PARAGRAPH, True, ARTICLE)] * body_before,
        ("related", 2, False, {"اقرا", "ايضا"}),
        ("related", 9, False, HEAD),
        ("body", PARAGRAPH, True, HEAD | {"اليوم"}),   # the headline's own story
        ("body", PARAGRAPH, True, {"مختلف"}),
        ("body", PARAGRAPH, True, {"اخر"}),
    ])


def test_a_second_article_telling_its_headline_closes_the_end_block() -> None:
    assert SECOND_ARTICLE_MIN_BODY == 2
    assert _second_article(2) == ["body"] * 2 + ["related"] * 5


def test_one_line_before_the_marker_is_no_first_article() -> None:
    # A menu line the model took for body, a header line read as a marker, then the page's own
    # headline read as related and its story: that story is the article, not a second one.
    assert _second_article(1) == ["body", "related", "related", "body", "body", "body"]


def test_a_paragraph_on_another_story_after_a_box_leaves_the_block_open() -> None:
    labels = _end_block([
        ("body", PARAGRAPH, True, ARTICLE),
        ("related", 2, False, {"اقرا", "ايضا"}),
        ("related", 9, False, HEAD),
        ("body", PARAGRAPH, True, ARTICLE),
        ("body", PARAGRAPH, True, {"اخر"}),
    ])
    assert labels == ["body", "related", "related", "body", "body"]


def _credit_then_box(credit_at_top: bool) -> list[str]:
    source = ("source", 2, False, {"المصدر", "واس"})
    lines = [
        ("body", 9, False, {"عنوان", "الخبر"}),
        ("body", PARAGRAPH, True, ARTICLE),
        ("related", 2, False, {"اقرا", "ايضا"}),
        ("related", 9, False, HEAD),
        ("related", 9, False, {"عنوان", "ثان"}),
        ("body", PARAGRAPH, True, {"مختلف"}),
        ("body", PARAGRAPH, True, {"اخر"}),
    ]
    lines.insert(1 if credit_at_top else 2, source)
    return _end_block(lines)


def test_a_credit_under_the_title_does_not_end_the_article() -> None:
    assert _credit_then_box(credit_at_top=True)[-2:] == ["body", "body"]
    # The same line after a paragraph is the article's end: the box after it is rule 1's block.
    assert _credit_then_box(credit_at_top=False)[-2:] == ["related", "related"]


def _after_end(body_lines: int, tail: list[str], gap: int = 0) -> list[str]:
    """The article, its source line, `gap` short lines read as body, a widget header read as
    chrome, then `tail` (context labels of headline-sized lines); the tail's labels after the rule."""
    return _end_block([
        *[("body", PARAGRAPH, True, ARTICLE)] * body_lines,
        ("source", 2, False, {"المصدر", "واس"}),
        *[("body", 4, False, {"فيديو"})] * gap,
        ("chrome", 2, False, {"اهم", "الاخبار"}),
        *[(label, 9, False, HEAD) for label in tail],
    ])[-len(tail):]


def test_a_widget_header_after_the_articles_end_opens_the_end_block() -> None:
    assert END_BLOCK_MIN_BODY == 3
    assert END_BLOCK_CHROME_SHARE == 0.5
    # A body line in between: the header opens the block when half of what follows is junk.
    assert _after_end(3, ["body", "related", "related"], gap=1) == ["related"] * 3
    assert _after_end(1, ["body", "related", "related"], gap=1) == ["body", "related", "related"]  # little body
    assert _after_end(3, ["body", "body", "related"], gap=1) == ["body", "body", "related"]  # little junk
    # Right under the end line, the header makes FOOTER_RUN_LINES junk lines with it: the
    # footer form closes the block whatever follows.
    assert _after_end(3, ["body", "body", "related"]) == ["related"] * 3


def _list(lines: list[tuple[str, bool, bool]]) -> list[str]:
    """lines: (context label, bulleted, ends a sentence) -> labels after close_related_list."""
    final = np.array([_row(ctx) for ctx, _, _ in lines])
    shapes = np.array([[*_shape(8)[:2], 1.0 if b else 0.0, 0.0] for _, b, _ in lines])
    out = close_related_list(final, shapes, DEFAULT_THRESHOLD, [e for *_, e in lines])
    return decide(out, DEFAULT_THRESHOLD, frozenset())[0]


def test_a_list_mostly_related_is_a_related_list() -> None:
    assert LIST_MIN_ITEMS == 3
    assert LIST_RELATED_SHARE == 0.5
    labels = _list([("related", False, False), ("related", True, False), ("body", True, False),
                    ("related", True, False), ("body", True, False)])
    assert labels == ["related"] * 5


def test_a_list_mostly_body_or_too_short_stays_as_it_is() -> None:
    assert _list([("body", True, False), ("related", True, False), ("body", True, False)]) == \
        ["body", "related", "body"]
    assert _list([("related", True, False), ("body", True, False)]) == ["related", "body"]


def test_a_list_item_that_ends_a_sentence_stays_body() -> None:
    labels = _list([("related", True, False), ("body", True, True), ("related", True, False)])
    assert labels == ["related", "body", "related"]


def test_a_list_introduced_by_the_article_is_the_articles_own() -> None:
    final = np.array([_row("body"), _row("related"), _row("related"), _row("body")])
    shapes = np.array([[*_shape(8)[:2], 0.0, 1.0]] + [[*_shape(3)[:2], 1.0, 0.0]] * 3)   # "...التالية:"
    out = close_related_list(final, shapes, DEFAULT_THRESHOLD, [False] * 4)
    assert decide(out, DEFAULT_THRESHOLD, frozenset())[0] == ["body"] * 4


def test_an_introduced_list_keeps_its_items_read_as_chrome_that_look_like_body() -> None:
    final = np.array([_row("body"), _row("chrome"), _row("chrome"), _row("body")])
    own = np.array([_row("body"), _row("body"), _row("chrome"), _row("body")])
    shapes = np.array([[*_shape(8)[:2], 0.0, 1.0]] + [[*_shape(3)[:2], 1.0, 0.0]] * 3)   # "...التالية:"
    out = close_related_list(final, shapes, DEFAULT_THRESHOLD, [False] * 4, own=own)
    assert decide(out, DEFAULT_THRESHOLD, frozenset())[0] == ["body", "body", "chrome", "body"]


def _paragraph_run(lines: list[tuple[str, str, int]]) -> list[str]:
    """lines: (context label, own label, words) -> labels after keep_paragraph_run."""
    final = np.array([_row(ctx) for ctx, _, _ in lines])
    own = np.array([_row(o) for _, o, _ in lines])
    shapes = np.array([_shape(w) for *_, w in lines])
    out = keep_paragraph_run(final, own, shapes, DEFAULT_THRESHOLD)
    return decide(out, DEFAULT_THRESHOLD, frozenset())[0]


def test_a_second_article_never_starts_straight_out_of_a_kept_paragraph() -> None:
    # Context drifted into related over the article's last paragraphs: they and the run after stay.
    drifted = ("related", "body", PARAGRAPH)
    assert _paragraph_run([("body", "body", PARAGRAPH), drifted, drifted]) == ["body"] * 3


def test_a_second_article_after_a_marker_or_headline_stays_related() -> None:
    labels = _paragraph_run([("body", "body", PARAGRAPH), ("related", "related", 2), ("related", "body", PARAGRAPH)])
    assert labels == ["body", "related", "related"]
    labels = _paragraph_run([("body", "body", PARAGRAPH), ("related", "body", 8), ("related", "body", PARAGRAPH)])
    assert labels == ["body", "related", "related"]          # a headline, not a paragraph, came between


def test_an_ad_slot_between_two_paragraphs_does_not_break_the_run() -> None:
    labels = _paragraph_run([("body", "body", PARAGRAPH), ("ad", "ad", 1), ("related", "body", PARAGRAPH)])
    assert labels == ["body", "ad", "body"]


def test_a_line_related_on_its_own_keeps_its_label() -> None:
    assert _paragraph_run([("body", "body", PARAGRAPH), ("related", "related", PARAGRAPH)]) == ["body", "related"]


def _table(lines: list[tuple[str, int]]) -> list[str]:
    """lines: (context label, pipe cells) -> labels after keep_table_rows."""
    final = np.array([_row(ctx) for ctx, _ in lines])
    return decide(keep_table_rows(final, [c for _, c in lines], DEFAULT_THRESHOLD), DEFAULT_THRESHOLD, frozenset())[0]


def test_a_tables_rows_go_together() -> None:
    # Two rows of a league table read as tag lines; the other three were kept.
    labels = _table([("body", 0), ("body", 6), ("tags", 6), ("body", 6), ("tags", 6), ("body", 6), ("body", 0)])
    assert labels == ["body"] * 7


def test_a_run_that_is_mostly_junk_stays_junk() -> None:
    assert TABLE_MIN_ROWS == 2
    assert _table([("chrome", 5), ("chrome", 5), ("body", 5)]) == ["chrome", "chrome", "body"]
    assert _table([("tags", 4), ("body", 0)]) == ["tags", "body"]          # a single line is no table
    assert _table([("tags", 4), ("body", 3), ("body", 3)]) == ["tags", "body", "body"]  # other widths


def test_a_table_between_two_body_lines_is_the_articles() -> None:
    # Figures per province read as tag lines row by row, between the paragraph that introduces
    # them and the next one; the same rows above the article are a ticker and stay junk.
    rows = [("tags", 4)] * 4
    assert _table([("body", 0), *rows, ("body", 0)]) == ["body"] * 6
    assert _table([*rows, ("body", 0)]) == ["tags"] * 4 + ["body"]
    assert _table([("chrome", 0), *rows, ("body", 0)]) == ["chrome"] + ["tags"] * 4 + ["body"]


def test_a_short_paragraph_after_a_box_is_known_by_its_full_stop() -> None:
    final = np.array([_row("body"), _row("related"), _row("related"), _row("related")])
    own = np.array([_row("body"), _row("related"), _row("body"), _row("body")])
    shapes = np.array([_shape(PARAGRAPH), _shape(2), _shape(9), _shape(CONTINUE_MIN_WORDS + 2)])
    stems = [topic_stems(ARTICLE), topic_stems({"اقرا"}), topic_stems(HEAD), topic_stems({"مختلف"})]
    ended = reopen_after_mid_body_box(final, own, shapes, stems, DEFAULT_THRESHOLD, [False, False, False, True])
    assert decide(ended, DEFAULT_THRESHOLD, frozenset())[0] == ["body", "related", "related", "body"]
    # Without its full stop the same line reads as a third headline of the box.
    open_ = reopen_after_mid_body_box(final, own, shapes, stems, DEFAULT_THRESHOLD, [False] * 4)
    assert decide(open_, DEFAULT_THRESHOLD, frozenset())[0] == ["body", "related", "related", "related"]


def _random_documents(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """Probabilities and shapes of a few documents laid end to end, leaning to runs of a label."""
    rng = np.random.default_rng(seed)
    lengths = [int(n) for n in rng.integers(0, 9, size=6)]
    n = sum(lengths)
    peaked = rng.dirichlet(np.full(len(LABELS), 0.3), size=n)
    final = 0.5 * peaked + 0.5 * np.roll(peaked, 1, axis=0)
    own = rng.dirichlet(np.full(len(LABELS), 0.3), size=n)
    shapes = np.column_stack([np.log1p(rng.integers(1, 200, n)), np.log1p(rng.integers(1, 12, n)),
                              np.zeros(n), np.zeros(n)])
    return final, own, shapes, lengths


@pytest.mark.parametrize("seed", range(40))
def test_gate_surface_on_a_batch_is_gate_surface_on_each_document(seed: int) -> None:
    from stripper.decode import gate_surface

    final, own, shapes, lengths = _random_documents(seed)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    batch = gate_surface(final, own, shapes, starts)
    one_by_one = [gate_surface(final[s : s + n], own[s : s + n], shapes[s : s + n])
                  for s, n in zip(starts, lengths) if n]
    assert np.allclose(batch, np.concatenate(one_by_one) if one_by_one else batch)


def _gate_by_loops(final: np.ndarray, own: np.ndarray, shapes: np.ndarray) -> np.ndarray:
    """gate_surface on one document as first written, its masks line by line: the reference."""
    from stripper.decode import MARKER_MAX_WORDS, RELATED_SELF, SURFACE_FLOOR, SURFACE_LABELS, redistribute

    chrome, related, body = LABEL_INDEX["chrome"], LABEL_INDEX["related"], LABEL_INDEX["body"]
    allowed = np.ones_like(own, dtype=bool)
    for label in SURFACE_LABELS:
        allowed[:, LABEL_INDEX[label]] = own[:, LABEL_INDEX[label]] >= SURFACE_FLOOR
    best = final.argmax(axis=1)
    for i in range(1, len(own)):
        if not allowed[i, chrome] and allowed[i - 1, chrome] and best[i - 1] == chrome and best[i] == chrome:
            allowed[i, chrome] = True
    words = np.expm1(shapes[:, 1])
    marker_seen = False
    for i in range(len(own)):
        ok = own[i, related] >= RELATED_SELF
        if marker_seen:
            ok = True
        elif own[i, related] >= 0.5:
            ok = ok or (i > 0 and best[i - 1] == related) or (i + 1 < len(own) and best[i + 1] == related)
        allowed[i, related] = ok
        if own[i, related] >= RELATED_SELF and words[i] <= MARKER_MAX_WORDS:
            marker_seen = True
    allowed[:, body] = True
    return redistribute(final, own, allowed)


@pytest.mark.parametrize("seed", range(40))
def test_gate_surface_does_what_the_line_by_line_rules_say(seed: int) -> None:
    from stripper.decode import gate_surface

    final, own, shapes, lengths = _random_documents(seed)
    # Some lines sure of related on their own, some short: markers and their lists occur.
    own[::5, LABEL_INDEX["related"]] += 3.0
    own /= own.sum(axis=1, keepdims=True)
    start = 0
    for n in lengths:
        part = slice(start, start + n)
        assert np.allclose(gate_surface(final[part], own[part], shapes[part]),
                           _gate_by_loops(final[part], own[part], shapes[part]))
        start += n


def test_text_context_lede_overlap_reads_the_first_long_lines() -> None:
    # Column 4: share of a line's words the lede (the first LEDE_LINES lines of LEDE_MIN_WORDS
    # words or more) used; a short title above it is not part of the lede.
    title = frozenset({"محطه", "تحليه"})
    lede = [frozenset({"وزير", "المياه", "محطه"}), frozenset({"طاقه", "المحطه", "الصيف"})]
    own_story = frozenset({"وزير", "الصيف", "الجنوب", "الشرق"})
    other_story = frozenset({"مباراه", "الدوري", "الهلال"})
    vocab = [title, *lede, own_story, other_story]
    words = [3, LEDE_MIN_WORDS, LEDE_MIN_WORDS + 4, 20, 20]
    out = text_context(vocab, [len(vocab)], words)
    assert LEDE_LINES == 2
    assert out[3, 4] == pytest.approx(0.5)
    assert out[4, 4] == 0.0
    assert out[0, 4] == pytest.approx(0.5)  # the title shares "محطه" with the lede


def test_text_context_without_a_long_line_has_no_lede() -> None:
    vocab = [frozenset({"عاجل"}), frozenset({"الرئيسيه", "اخبار"})]
    out = text_context(vocab, [2], [1, LEDE_MIN_WORDS - 1])
    assert (out[:, 4] == -1.0).all()
    # Without word counts (older callers) the column says the same: no lede.
    assert (text_context(vocab, [2])[:, 4] == -1.0).all()


def test_a_shared_stem_memo_changes_no_probability_and_keeps_the_stems_read() -> None:
    # strip_many shares one memo between the documents and passes of a batch. Here
    # keep_own_headline reads the stems of a headline context made related and of the paragraphs.
    from stripper.decode import decode_document
    from stripper.features import LineFacts

    words = [8, 25, 25]
    vocab = [frozenset({"الوزير", "يزور", "القاهرة"}), frozenset({"الوزير", "القاهرة", "زيارة"}),
             frozenset({"مباحثات", "الوزير"})]
    facts = [LineFacts((math.log1p(6 * w), math.log1p(w), 0.0, 0.0), v, 0, w > 10) for w, v in zip(words, vocab)]
    shapes = np.array([f.shape for f in facts])
    own = np.tile(np.eye(len(LABELS))[BODY], (3, 1))
    final = own.copy()
    final[0] = np.eye(len(LABELS))[RELATED]
    memo: dict[frozenset[str], frozenset[str]] = {}
    shared = decode_document(final, own, shapes, facts, DEFAULT_THRESHOLD, memo)
    again = decode_document(final, own, shapes, facts, DEFAULT_THRESHOLD, memo)
    alone = decode_document(final, own, shapes, facts, DEFAULT_THRESHOLD)
    assert np.array_equal(shared, alone) and np.array_equal(again, alone)
    assert decide(alone, DEFAULT_THRESHOLD, frozenset())[0][0] == "body"  # the headline is the title
    assert memo and all(stems == topic_stems(v) for v, stems in memo.items())


def _screened_documents(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray, list[bool], list[int]]:
    """Own probabilities, shape rows, sentence ends and lengths of `count` random documents made of
    paragraphs, markers, headlines, bullets and short chrome, with own probabilities near or
    across each screen's bounds, so that every rule's first condition is met in some documents
    and missed in others."""
    lengths = rng.integers(0, 12, size=count).tolist()
    n = sum(lengths)
    # (label the line looks like, words): a paragraph, a bare marker, a headline, a short line.
    kinds = [("body", 25), ("body", 12), ("related", 3), ("related", 8), ("chrome", 2), ("promo", 4)]
    picked = rng.integers(0, len(kinds), size=n)
    sure = rng.choice([0.45, 0.55, 0.85, 0.92, 0.99], size=n)
    own = (1 - sure)[:, None] * rng.dirichlet(np.ones(len(LABELS)), size=n)
    own[np.arange(n), [LABEL_INDEX[kinds[k][0]] for k in picked]] += sure
    words = np.array([kinds[k][1] for k in picked]) + rng.integers(-1, 2, size=n)
    shapes = np.column_stack([np.log1p(words * 6), np.log1p(words), rng.random(n) < 0.3, rng.random(n) < 0.2])
    return own, shapes, (rng.random(n) < 0.5).tolist(), lengths


def _screened_final(rng: np.random.Generator, own: np.ndarray) -> np.ndarray:
    """Context probabilities for a document: its own, or related or body, line by line."""
    final = own.copy()
    moved = rng.random(len(own))
    final[moved < 0.4] = np.eye(len(LABELS))[RELATED]
    final[(moved >= 0.4) & (moved < 0.6)] = np.eye(len(LABELS))[0]
    return final


def test_a_rule_screened_out_would_have_changed_nothing() -> None:
    # decode_document skips a rule whose screen is False: the rule must then return its input.
    rng = np.random.default_rng(11)
    own, shapes, sentences, lengths = _screened_documents(rng, 3000)
    screens = screen_documents(own, shapes, sentences, lengths)
    skipped = dict.fromkeys(Screens._fields, 0)
    start = 0
    for n, screen in zip(lengths, screens):
        o, sh, se = own[start : start + n], shapes[start : start + n], sentences[start : start + n]
        start += n
        final = _screened_final(rng, o)
        for name in Screens._fields:
            if not getattr(screen, name):
                skipped[name] += 1
                assert np.array_equal(_screened_rule(name, final, o, sh, se), final), name
    assert all(skipped.values()), skipped  # every screen said no somewhere
    assert all(any(getattr(s, name) for s in screens) for name in Screens._fields)  # and yes elsewhere


def _screened_rule(name: str, final: np.ndarray, own: np.ndarray, shapes: np.ndarray, sentences: list[bool]
                   ) -> np.ndarray:
    """The rule behind screen `name`, applied to one document."""
    n = len(final)
    stems = [frozenset({f"w{i % 4}"}) for i in range(n)]  # some lines share their topic, others not
    if name == "continuing":
        return keep_continuing_body(final, own, shapes, stems, DEFAULT_THRESHOLD)
    if name == "reopen":
        return reopen_after_mid_body_box(final, own, shapes, stems, DEFAULT_THRESHOLD, sentences)
    if name == "paragraph_run":
        return keep_paragraph_run(final, own, shapes, DEFAULT_THRESHOLD, sentences)
    if name == "related_list":
        return close_related_list(final, shapes, DEFAULT_THRESHOLD, sentences)
    if name == "bullet":
        return keep_article_list(final, own, shapes, DEFAULT_THRESHOLD)
    if name == "summary":
        return close_summary_widget(final, own, shapes, [frozenset({"ملخص"})] * n, DEFAULT_THRESHOLD)
    return trust_sure_lines(final, own, shapes)


def test_screens_need_list_min_items_bullets_for_a_related_list() -> None:
    own = np.tile(np.eye(len(LABELS))[0], (LIST_MIN_ITEMS, 1))
    shapes = np.zeros((LIST_MIN_ITEMS, 4))
    shapes[:, 2] = 1.0
    (enough,) = screen_documents(own, shapes, [False] * LIST_MIN_ITEMS, [LIST_MIN_ITEMS])
    (fewer,) = screen_documents(own[1:], shapes[1:], [False] * (LIST_MIN_ITEMS - 1), [LIST_MIN_ITEMS - 1])
    assert enough.related_list and not fewer.related_list


def test_a_rule_given_its_inputs_label_index_decides_as_without_it() -> None:
    # decode_document hands each rule the label index of what it is given, computed once per array.
    from stripper.decode import _label_index

    rng = np.random.default_rng(12)
    own, shapes, sentences, lengths = _screened_documents(rng, 600)
    start = 0
    for n in lengths:
        o, sh, se = own[start : start + n], shapes[start : start + n], sentences[start : start + n]
        start += n
        final = _screened_final(rng, o)
        stems = [frozenset({f"w{i % 4}"}) for i in range(n)]
        index = _label_index(final, DEFAULT_THRESHOLD)
        pairs = [
            (close_end_block(final, sh, DEFAULT_THRESHOLD, stems, se),
             close_end_block(final, sh, DEFAULT_THRESHOLD, stems, se, index=index)),
            (keep_continuing_body(final, o, sh, stems, DEFAULT_THRESHOLD),
             keep_continuing_body(final, o, sh, stems, DEFAULT_THRESHOLD, index=index)),
            (keep_paragraph_run(final, o, sh, DEFAULT_THRESHOLD, se),
             keep_paragraph_run(final, o, sh, DEFAULT_THRESHOLD, se, index=index)),
            (close_related_list(final, sh, DEFAULT_THRESHOLD, se, own=o),
             close_related_list(final, sh, DEFAULT_THRESHOLD, se, own=o, index=index)),
            (keep_own_headline(final, o, sh, stems, DEFAULT_THRESHOLD),
             keep_own_headline(final, o, sh, stems, DEFAULT_THRESHOLD, index=index)),
            (keep_own_subheading(final, o, sh, stems, DEFAULT_THRESHOLD, se),
             keep_own_subheading(final, o, sh, stems, DEFAULT_THRESHOLD, se, index=index)),
        ]
        for alone, given in pairs:
            assert np.array_equal(alone, given)
        assert np.array_equal(index, _label_index(final, DEFAULT_THRESHOLD))  # no rule wrote into it


def _article_list(lines: list[tuple[str, int, bool, float]]) -> list[str]:
    """lines: (context label, words, bullet, own related probability) -> labels after keep_article_list."""
    final = np.array([_row(ctx) for ctx, _, _, _ in lines])
    own = np.array([_row("related", p) for _, _, _, p in lines])
    shapes = np.array([[*_shape(words)[:2], float(bullet), 0.0] for _, words, bullet, _ in lines])
    return decide(keep_article_list(final, own, shapes, DEFAULT_THRESHOLD), DEFAULT_THRESHOLD, frozenset())[0]


def test_an_interview_between_the_articles_paragraphs_stays_body() -> None:
    # «* question?» / «- answer» lines read as a related list, with the article's text around them.
    qa = [("related", 8, True, 0.6), ("body", 30, True, 0.1), ("related", 6, True, 0.7), ("related", 25, True, 0.2)]
    assert _article_list([("body", 40, False, 0.0), *qa, ("body", 30, False, 0.0)]) == ["body"] * 6


def test_a_related_list_the_article_does_not_surround_stays_related() -> None:
    items = [("related", 8, True, 0.6)] * 3
    assert MARKER_MAX_WORDS == 5
    # At the end of the text, after a marker (a short line) the model took for body, or before junk.
    paragraph, marker_read_as_body = ("body", 40, False, 0.0), ("body", 3, False, 0.0)
    assert _article_list([paragraph, *items]) == ["body"] + ["related"] * 3
    assert _article_list([marker_read_as_body, *items, paragraph]) == ["body"] + ["related"] * 3 + ["body"]
    assert _article_list([paragraph, *items, ("promo", 6, False, 0.0)]) == ["body"] + ["related"] * 3 + ["promo"]
    # With a promo printed as a bullet in the run, or an item that is a read-also line by itself.
    with_promo = [("body", 40, False, 0.0), ("promo", 4, True, 0.0), *items, ("body", 30, False, 0.0)]
    assert _article_list(with_promo) == ["body", "promo"] + ["related"] * 3 + ["body"]
    sure = [("body", 40, False, 0.0), ("related", 6, True, 0.99), *items, ("body", 30, False, 0.0)]
    assert _article_list(sure) == ["body"] + ["related"] * 4 + ["body"]


def test_body_lines_after_the_end_line_and_more_junk_are_the_pages() -> None:
    # Source line, a promo, then headlines the model read as body: a related widget.
    article = [("body", PARAGRAPH, True, ARTICLE)] * 3
    footer = [("source", 2, False, {"المصدر"}), ("promo", 4, False, {"تابعونا"})]
    widget = [("body", 8, False, OTHER), ("body", 9, False, HEAD)]
    assert FOOTER_RUN_LINES == 2
    assert _end_block([*article, *footer, *widget]) == ["body"] * 3 + ["source", "promo", "related", "related"]


def test_an_end_line_alone_or_with_an_ad_slot_ends_nothing() -> None:
    article = [("body", PARAGRAPH, True, ARTICLE)] * 3
    rest = [("body", 8, False, OTHER), ("body", PARAGRAPH, True, ARTICLE)]
    credit = ("source", 2, False, {"تصوير"})
    assert _end_block([*article, credit, *rest]) == ["body"] * 3 + ["source", "body", "body"]
    slot = ("ad", 1, False, {"اعلان"})
    assert _end_block([*article, credit, slot, *rest]) == ["body"] * 3 + ["source", "ad", "body", "body"]
    # Nor when a body line comes between the end line and the junk: a byline under the standfirst
    # read as a source line, then the page's listen and summary widgets above the article's text.
    byline = [credit, ("body", 6, False, {"مراجعه"}), ("chrome", 3, False, {"استمع"}), ("chrome", 2, False, {"ملخص"})]
    assert _end_block([*article, *byline, *rest])[-2:] == ["body", "body"]
    # Nor before END_BLOCK_MIN_BODY lines of the article: a credit under the title.
    promo = ("promo", 4, False, {"تابعونا"})
    assert _end_block([*article[:2], credit, promo, *rest]) == ["body"] * 2 + ["source", "promo", "body", "body"]


def test_a_paragraph_that_opens_as_a_continuation_is_no_footer() -> None:
    # «وقال ...» after a misread credit and an inline promo: the article goes on.
    lines = [*[("body", PARAGRAPH, True, ARTICLE)] * 3, ("source", 2, False, {"رابط"}), ("promo", 4, False, {"تابعوا"}),
             ("body", PARAGRAPH, True, OTHER)]
    final = np.array([_row(ctx) for ctx, *_ in lines])
    shapes = np.array([_shape(w) for _, w, _, _ in lines])
    stems = [topic_stems(v) for *_, v in lines]
    ends = [e for _, _, e, _ in lines]
    closed = close_end_block(final, shapes, DEFAULT_THRESHOLD, stems, ends)
    assert decide(closed, DEFAULT_THRESHOLD, frozenset())[0][-1] == "related"
    going_on = close_end_block(final, shapes, DEFAULT_THRESHOLD, stems, ends, continues=[False] * 5 + [True])
    assert decide(going_on, DEFAULT_THRESHOLD, frozenset())[0][-1] == "body"


def test_a_paragraph_closer_to_the_headline_than_to_the_article_is_its_story() -> None:
    # One of the headline's five topical words (under BOX_HEADLINE_COVER) and none of the article's:
    # the headline's story. The same paragraph naming three of the article's words goes on with it.
    assert BOX_ARTICLE_RATIO == 3
    head_word = next(iter(HEAD))
    def box(paragraph: set[str]) -> list[str]:
        return _box([
            ("body", "body", PARAGRAPH, ARTICLE),
            MARKER,
            ("related", "body", 9, HEAD),
            ("related", "body", PARAGRAPH, paragraph),
        ])
    assert box({head_word, "مختلف", "اخر"})[-1] == "related"
    assert box({head_word, *list(ARTICLE)[:3]})[-1] == "body"


def _copy(lines: list[tuple[int, set[str], bool, bool]]) -> list[str]:
    """lines: (words, topical words, ends a sentence, opens as a continuation), all read as body."""
    final = np.array([_row("body") for _ in lines])
    shapes = np.array([_shape(w) for w, *_ in lines])
    out = drop_headline_copy(final, shapes, [topic_stems(v) for _, v, _, _ in lines], DEFAULT_THRESHOLD,
                             [e for _, _, e, _ in lines], [c for *_, c in lines])
    return decide(out, DEFAULT_THRESHOLD, frozenset())[0]


def test_the_headline_printed_again_under_the_article_is_chrome() -> None:
    assert (HEADLINE_COPY_SHARE, HEADLINE_COPY_EXTRA_WORDS, HEADLINE_COPY_MIN_STEMS) == (0.8, 8, 3)
    head = (9, HEAD, False, False)
    paragraph = (PARAGRAPH, ARTICLE, True, False)
    link_back = (9 + 4, HEAD | {"رابط", "الخبر"}, False, False)   # «رابط الخبر بصحيفة ...: {headline}»
    assert _copy([head, paragraph, paragraph, link_back]) == ["body"] * 3 + ["chrome"]
    # Not above the first paragraph (a standfirst), nor a line that opens as a continuation or
    # ends a sentence (a paragraph restating the headline), nor one much longer than the headline.
    assert _copy([head, link_back, paragraph, paragraph]) == ["body"] * 4
    assert _copy([head, paragraph, (13, HEAD, False, True)]) == ["body"] * 3
    assert _copy([head, paragraph, (13, HEAD, True, False)]) == ["body"] * 3
    assert _copy([head, paragraph, (9 + 9, HEAD, False, False)]) == ["body"] * 3
    # A line sharing under HEADLINE_COPY_SHARE of the headline's words is the article's.
    assert _copy([head, paragraph, (9, set(list(HEAD)[:3]) | {"اخر"}, False, False)]) == ["body"] * 3


def _menus(lines: list[tuple[str, int, bool, int]]) -> list[str]:
    """lines: (context label, words, menu row, pipe cells) -> labels after drop_menu_lines."""
    final = np.array([_row(ctx) for ctx, *_ in lines])
    shapes = np.array([_shape(w) for _, w, _, _ in lines])
    out = drop_menu_lines(final, shapes, [m for _, _, m, _ in lines], [c for *_, c in lines], DEFAULT_THRESHOLD)
    return decide(out, DEFAULT_THRESHOLD, frozenset())[0]


def test_a_menu_row_outside_the_articles_paragraphs_is_chrome() -> None:
    menu, paragraph = ("body", 8, True, 0), ("body", PARAGRAPH, False, 0)
    assert _menus([menu, paragraph, paragraph, menu]) == ["chrome", "body", "body", "chrome"]
    # Between two paragraphs it is the article's (a list of names, a row of terms).
    assert _menus([paragraph, menu, paragraph]) == ["body"] * 3
    # A row of a table (pipe cells beside another row's) stays; so does a page with no paragraph.
    assert _menus([paragraph, ("body", 8, True, 5), ("body", 6, False, 5)]) == ["body"] * 3
    assert _menus([menu, ("body", 9, False, 0)]) == ["body", "body"]
