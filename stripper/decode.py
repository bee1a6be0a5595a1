"""Context: turn each line's own label probabilities into decisions that see the whole document.

The context model reads, for every non-blank line, its own probabilities, its neighbours', where
it stands in the document, and what came before and after it (a bare read-also marker, a source
or tag line, how much body-like text is left). That is what lets a whole second article after a
bare `إقرأ أيضاً:` go while the paragraphs after an inline read-also line stay.
"""

from __future__ import annotations

import numpy as np

from .labels import LABEL_INDEX, LABELS

#: Junk probability at or above which a line is removed; higher keeps more (safer).
DEFAULT_THRESHOLD = 0.5
#: Neighbours on each side whose probabilities the context model sees.
CONTEXT_WINDOW = 2
#: A marker line has at most this many words ("اقرأ أيضا", "مقالات ذات صلة").
MARKER_MAX_WORDS = 5
#: Distances in lines are capped here before scaling.
CAP_LINES = 30

_BODY = LABEL_INDEX["body"]
_RELATED = LABEL_INDEX["related"]
_SOURCE = LABEL_INDEX["source"]
_TAGS = LABEL_INDEX["tags"]
_PROMO = LABEL_INDEX["promo"]


def _segment_cummax(values: np.ndarray, seg: np.ndarray, reverse: bool) -> np.ndarray:
    """Running max of values in [0, 1] within each segment, excluding the line itself."""
    n = len(values)
    if n == 0:
        return values.copy()
    order = np.arange(n - 1, -1, -1) if reverse else np.arange(n)
    v = values[order]
    s = seg[order]
    rank = (s.max() - s) if reverse else s
    acc = np.maximum.accumulate(v + 2.0 * rank) - 2.0 * rank
    shifted = np.zeros(n)
    same = s[1:] == s[:-1]
    shifted[1:] = np.where(same, acc[:-1], 0.0)
    out = np.empty(n)
    out[order] = shifted
    return out


def _segment_mean(values: np.ndarray, seg: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                  reverse: bool) -> np.ndarray:
    """Mean of values before (or after) each line within its segment; 0 where there are none."""
    n = len(values)
    csum = np.concatenate(([0.0], np.cumsum(values)))
    idx = np.arange(n)
    if reverse:
        total = csum[ends[seg]] - csum[idx + 1]
        count = ends[seg] - idx - 1
    else:
        total = csum[idx] - csum[starts[seg]]
        count = idx - starts[seg]
    return np.where(count > 0, total / np.maximum(count, 1), 0.0)


def _since_last(flag: np.ndarray, seg: np.ndarray, starts: np.ndarray, reverse: bool) -> np.ndarray:
    """Lines since the nearest earlier (or later) flagged line in the segment, capped, scaled to [0, 1]."""
    n = len(flag)
    idx = np.arange(n)
    if reverse:
        rev = _since_last(flag[::-1], (seg.max() - seg)[::-1] if n else seg, _rev_starts(seg, starts), False)
        return rev[::-1]
    marks = np.where(flag, idx, -1)
    # Offsetting by segment start keeps a mark from leaking into the next document.
    base = starts[seg]
    last = np.maximum.accumulate(np.where(marks >= 0, marks, base - 1))
    prev = np.concatenate(([-1], last[:-1])) if n else last
    prev = np.where(prev >= base, prev, -10**9)
    dist = idx - prev
    return np.minimum(dist, CAP_LINES) / CAP_LINES


def _rev_starts(seg: np.ndarray, starts: np.ndarray) -> np.ndarray:
    if len(seg) == 0:
        return starts
    n = len(seg)
    n_docs = len(starts)
    ends = np.append(starts[1:], n)
    # In reversed order document d (counted from the end) starts where the original ended.
    return (n - ends)[::-1].copy() if n_docs else starts


def context_matrix(proba: np.ndarray, shapes: np.ndarray, lengths: list[int]) -> np.ndarray:
    """Context features for the non-blank lines of several documents laid end to end.

    `proba` holds each line's own label probabilities, `shapes` its dense shape row, and
    `lengths` how many non-blank lines each document contributes, in order.
    """
    n = proba.shape[0]
    n_docs = len(lengths)
    seg = np.repeat(np.arange(n_docs), lengths)
    ends = np.cumsum(lengths)
    starts = ends - np.asarray(lengths)
    idx = np.arange(n)
    pos = idx - starts[seg]
    size = np.asarray(lengths)[seg]
    remain = size - pos - 1

    cols: list[np.ndarray] = [proba, shapes]
    for offset in range(1, CONTEXT_WINDOW + 1):
        for sign in (-1, 1):
            j = idx + sign * offset
            ok = (j >= starts[seg]) & (j < ends[seg])
            jj = np.clip(j, 0, max(n - 1, 0))
            cols.append(np.where(ok[:, None], proba[jj], 0.0))
            cols.append(np.where(ok, shapes[jj, 0], -1.0)[:, None])

    words = np.expm1(shapes[:, 1])
    marker = proba[:, _RELATED] * (words <= MARKER_MAX_WORDS)
    end_signal = np.maximum(proba[:, _SOURCE], proba[:, _TAGS])
    junk = 1.0 - proba[:, _BODY]
    long_body = proba[:, _BODY] * (shapes[:, 0] > np.log1p(80))
    cols.append(np.stack([
        pos / np.maximum(size - 1, 1),
        np.minimum(pos, 30) / 30.0,
        np.minimum(remain, 30) / 30.0,
        np.log1p(size),
        _segment_cummax(marker, seg, reverse=False),
        _segment_cummax(end_signal, seg, reverse=False),
        _segment_cummax(proba[:, _PROMO], seg, reverse=False),
        _segment_cummax(junk, seg, reverse=False),
        _segment_cummax(long_body, seg, reverse=False),
        _segment_mean(junk, seg, starts, ends, reverse=False),
        _segment_cummax(marker, seg, reverse=True),
        _segment_cummax(end_signal, seg, reverse=True),
        _segment_cummax(long_body, seg, reverse=True),
        _segment_mean(junk, seg, starts, ends, reverse=True),
        _since_last(marker > 0.5, seg, starts, reverse=False),
        _since_last(end_signal > 0.5, seg, starts, reverse=False),
        _since_last(long_body > 0.5, seg, starts, reverse=True),
        _segment_mean(long_body, seg, starts, ends, reverse=True),
    ], axis=1))
    return np.hstack(cols)


def decide(proba: np.ndarray, threshold: float, keep: frozenset[str]) -> tuple[list[str], np.ndarray]:
    """Labels and scores from final probabilities: junk only when its mass reaches `threshold`.

    A label named in `keep` counts as body here, so keeping it never tips a neighbour's decision.
    """
    junk_cols = [i for i, label in enumerate(LABELS) if i != _BODY and label not in keep]
    junk_mass = proba[:, junk_cols].sum(axis=1) if junk_cols else np.zeros(len(proba))
    best = proba.argmax(axis=1)
    junk_best = np.asarray(junk_cols)[proba[:, junk_cols].argmax(axis=1)] if junk_cols else best
    labels: list[str] = []
    scores = np.empty(len(proba))
    for i in range(len(proba)):
        if junk_mass[i] >= threshold:
            labels.append(LABELS[junk_best[i]])
            scores[i] = junk_mass[i]
        else:
            # A kept junk label still reports its own name, so classify() stays informative.
            labels.append(LABELS[best[i]] if LABELS[best[i]] in keep else "body")
            scores[i] = 1.0 - junk_mass[i]
    return labels, scores
