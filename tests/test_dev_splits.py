"""The inner development splits: stable and spread over every split."""

from __future__ import annotations

from collections import Counter

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

