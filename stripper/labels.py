"""The seven line labels of ../shared/LABELS.md and the groupings the code needs."""

from __future__ import annotations

BODY = "body"
PROMO = "promo"
RELATED = "related"
TAGS = "tags"
SOURCE = "source"
AD = "ad"
CHROME = "chrome"

#: Order matters: it is the column order of every probability matrix the model produces.
LABELS: tuple[str, ...] = (BODY, PROMO, RELATED, TAGS, SOURCE, AD, CHROME)
JUNK_LABELS: tuple[str, ...] = LABELS[1:]
LABEL_INDEX: dict[str, int] = {label: i for i, label in enumerate(LABELS)}


def check_keep(keep: object) -> frozenset[str]:
    """Validate a `keep` argument and return it as a frozenset of junk label names."""
    if isinstance(keep, str):
        keep = (keep,)
    labels = frozenset(keep)  # type: ignore[arg-type]
    unknown = sorted(labels - set(LABELS))
    if unknown:
        raise ValueError(f"unknown label(s) in keep: {', '.join(unknown)}; labels are {', '.join(LABELS)}")
    return labels - {BODY}
