"""The project's metrics: line-level junk precision/recall/F1, body recall, per-label recall, exact match."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from stripper.labels import JUNK_LABELS


def line_metrics(gold_docs: Sequence[Sequence[str | None]], kept_docs: Sequence[Sequence[bool]]) -> dict[str, object]:
    """Score removal decisions: `kept_docs[d][i]` says whether line i of doc d was kept.

    Blank lines (gold None) are not scored. A document matches exactly when every body line is
    kept and every junk line removed.
    """
    tp = fp = fn = body_kept = body_total = exact = 0
    label_total: Counter[str] = Counter()
    label_removed: Counter[str] = Counter()
    for gold, kept in zip(gold_docs, kept_docs):
        ok = True
        for label, keep in zip(gold, kept):
            if label is None:
                continue
            if label == "body":
                body_total += 1
                if keep:
                    body_kept += 1
                else:
                    fp += 1
                    ok = False
            else:
                label_total[label] += 1
                if keep:
                    fn += 1
                    ok = False
                else:
                    tp += 1
                    label_removed[label] += 1
        exact += ok
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "documents": len(gold_docs),
        "lines": body_total + sum(label_total.values()),
        "junk_precision": round(precision, 4),
        "junk_recall": round(recall, 4),
        "junk_f1": round(f1, 4),
        "body_recall": round(body_kept / body_total, 4) if body_total else 1.0,
        "per_label_recall": {
            label: round(label_removed[label] / label_total[label], 4) if label_total[label] else None
            for label in JUNK_LABELS
        },
        "exact_match": round(exact / len(gold_docs), 4) if gold_docs else 1.0,
    }
