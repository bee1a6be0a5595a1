"""The inner development splits: stable and spread over every split."""

from __future__ import annotations

from collections import Counter

import pytest

from training.dev import DEV_SPLITS, dev_split


def test_dev_split_is_stable_and_in_range() -> None:
    """A name always lands in the same split, one of DEV_SPLITS."""
    names = [f"site-{i}" for i in range(300)]
    first = [dev_split(n) for n in names]
    assert first == [dev_split(n) for n in names]
    assert set(first) <= set(range(DEV_SPLITS))


def test_dev_split_spreads_names_over_every_split() -> None:
    """Many names fill every split, none with more than half of them."""
    counts = Counter(dev_split(f"style-{i}") for i in range(600))
    assert len(counts) == DEV_SPLITS
    assert max(counts.values()) < 300


def test_a_site_that_is_both_style_and_source_has_one_fold() -> None:
    """A site whose junk is an inventory style and whose articles are a corpus source is held out
    as one: its style takes the source's fold, whatever the style's own hash says."""
    from training.corpora import Article
    from training.dataset import Sources
    from training.splits import N_FOLDS, style_fold

    articles = {f"src{i}": [Article(f"src{i}", "", (("نص", "body"),))] * (i + 1) for i in range(N_FOLDS)}
    # A style named like each source, and one named like none.
    styles = {name: {} for name in [*articles, "elsewhere"]}
    sources = Sources(styles=styles, hand=[], articles=articles)  # type: ignore[arg-type]
    by_style, by_source = sources.style_folds(), sources.source_folds()
    assert all(by_style[name] == by_source[name] for name in articles)
    assert len(set(by_source.values())) == N_FOLDS  # the sources really span different folds
    assert by_style["elsewhere"] == style_fold("elsewhere")


def test_a_style_named_otherwise_than_its_corpus_source_is_the_same_site() -> None:
    """SAME_SITE names a style and its site's corpus source: both get one fold and one dev split."""
    from training.corpora import Article
    from training.dataset import Sources
    from training.splits import SAME_SITE

    sources_named = sorted(SAME_SITE.values())
    articles = {name: [Article(name, "", (("نص", "body"),))] * (i + 1) for i, name in enumerate(sources_named)}
    sources = Sources(styles={style: {} for style in SAME_SITE}, hand=[], articles=articles)  # type: ignore[arg-type]
    by_style, by_source = sources.style_folds(), sources.source_folds()
    for style, source in SAME_SITE.items():
        assert by_style[style] == by_source[source]
        assert dev_split(style) == dev_split(source)


def test_another_draw_composes_other_training_pages_and_the_same_test_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """--seeds N trains on N compositions of the training pages; the test pages never change."""
    from training import dev
    from training.corpora import Article
    from training.dataset import Sources

    monkeypatch.setattr(dev, "DEV_TRAIN_DOCS", 40)
    monkeypatch.setattr(dev, "DEV_TEST_DOCS", 20)
    names = [f"site{i}" for i in range(12)]
    styles = {n: {("chrome", "header"): ["الرئيسية"], ("related", "footer"): ["اقرأ أيضا", "{headline}"]}
              for n in names}
    articles = {n: [Article(n, f"عنوان {k}", tuple((f"فقرة {k} {j} من مقال طويل عن الموضوع.", "body")
                                                   for j in range(4))) for k in range(5)] for n in names}
    sources = Sources(styles=styles, hand=[], articles=articles)  # type: ignore[arg-type]
    train0, test0 = dev.split_docs(sources, 0, draw=0)
    train1, test1 = dev.split_docs(sources, 0, draw=1)
    assert [d.lines for d in test0] == [d.lines for d in test1]
    assert [d.lines for d in train0] != [d.lines for d in train1]
    assert [d.lines for d in train0] == [d.lines for d in dev.split_docs(sources, 0)[0]]


def test_the_spread_of_several_draws() -> None:
    from training.dev import spread

    runs = [{"junk_f1": 0.90, "body_recall": 0.98}, {"junk_f1": 0.92, "body_recall": 0.99}]
    assert spread(runs, ("junk_f1", "body_recall")) == "F1 0.9100 ± 0.0100 body 0.9850 ± 0.0050"
