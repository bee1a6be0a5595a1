"""Leave-sites-out folds: every site style and every corpus source belongs to exactly one fold."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

#: Folds of the leave-sites-out cross-validation.
N_FOLDS = 4
#: The fold no development choice ever looks at: training.dev splits only the others, and the
#: evaluation reports it on its own.
UNTOUCHED_FOLD = 0


#: Inventory styles that are the same site as a corpus source under another name: the pair is
#: one site, held out together.
SAME_SITE = {
    "alarabiya": "Alarabia",
    "aleqt": "aleqtisadiya",
    "aljazirah_sa": "aljazirah",
    "cnnarabic": "CNN",
    "skynewsarabia": "SkyNews",
}


def site_of(name: str) -> str:
    """The site a style or corpus source name stands for (the corpus source's name when both exist)."""
    return SAME_SITE.get(name, name)


def style_fold(style: str, n_folds: int = N_FOLDS) -> int:
    """The fold a site style belongs to, from a stable hash of its name."""
    return int(hashlib.sha1(style.encode("utf-8")).hexdigest(), 16) % n_folds


def source_folds(sizes: dict[str, int], n_folds: int = N_FOLDS) -> dict[str, int]:
    """Corpus sources dealt to folds largest first, back and forth, so folds get similar sizes."""
    order = sorted(sizes, key=lambda s: (-sizes[s], s))
    folds: dict[str, int] = {}
    for i, source in enumerate(order):
        round_, pos = divmod(i, n_folds)
        folds[source] = pos if round_ % 2 == 0 else n_folds - 1 - pos
    return folds


def partition(names: Iterable[str], fold_of: dict[str, int], fold: int) -> tuple[list[str], list[str]]:
    """Names outside `fold` (train) and inside it (test)."""
    train, test = [], []
    for name in names:
        (test if fold_of[name] == fold else train).append(name)
    return train, test
