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

