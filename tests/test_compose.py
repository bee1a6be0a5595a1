"""The composer: deterministic pages whose every non-blank line has a label."""

from __future__ import annotations

from training.compose import Composer
from training.corpora import Article
from training.inventory import by_style, load_inventory

ARTICLE = Article(
    source="test",
    title="افتتاح محطة جديدة لتحلية المياه في المدينة",
    lines=(
        ("افتتح وزير المياه اليوم محطة جديدة لتحلية المياه بطاقة تصل إلى مئة ألف متر مكعب يوميا.", "body"),
        ("وقال الوزير إن المحطة ستغطي حاجة نصف السكان خلال الصيف المقبل وفق الخطة المعلنة.", "body"),
        ("وأضاف أن العمل جار على محطتين أخريين في الجنوب والشرق حتى نهاية العام.", "body"),
    ),
)


def _compose(seed: int, n: int = 60) -> list:
    return Composer(by_style(load_inventory()), [ARTICLE], seed=seed).compose(n)


def test_the_same_seed_composes_the_same_pages() -> None:
    assert [d.lines for d in _compose(3)] == [d.lines for d in _compose(3)]
    assert [d.lines for d in _compose(3)] != [d.lines for d in _compose(4)]


def test_every_non_blank_line_has_a_label_and_blank_lines_none() -> None:
    for doc in _compose(5):
        for text, label in doc.lines:
            assert (label is None) == (not text.strip()), (doc.id, text)


def test_opening_bylines_and_datelines_are_body_with_every_placeholder_filled() -> None:
    """The byline recipe's shapes (wire datelines with their dates among them) come out filled
    and labelled body, as LABELS.md counts datelines."""
    from training.compose import load_recipe

    recipe = load_recipe("composer")
    recipe["byline_body"] = 1.0
    composer = Composer(by_style(load_inventory()), [ARTICLE], seed=11, recipe=recipe)
    shapes = recipe["bylines"]["shapes"]
    openings = {text for doc in composer.compose(200) for text, label in doc.lines
                if label == "body" and text not in {ARTICLE.title, *(t for t, _ in ARTICLE.lines)}}
    assert openings and not any("{" in text for text in openings)
    assert any("الموافق" in text and "هـ" in text for text in openings)  # the Hijri-dated wire dateline
    assert len(shapes) >= 8
