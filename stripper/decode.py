"""Context: turn each line's own label probabilities into decisions that see the whole document.

The context model reads, for every non-blank line, its own probabilities, its neighbours', where
it stands in the document, and what came before and after it (a bare read-also marker, a source
or tag line, how much body-like text is left). That is what lets a whole second article after a
bare `إقرأ أيضاً:` go while the paragraphs after an inline read-also line stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from .features import LineFacts, topic_stems
from .labels import LABEL_INDEX, LABELS

#: Junk probability at or above which a line is removed; higher keeps more (safer).
DEFAULT_THRESHOLD = 0.5
#: Neighbours on each side whose probabilities the context model sees.
CONTEXT_WINDOW = 2
#: A marker line has at most this many words ("اقرأ أيضا", "مقالات ذات صلة").
MARKER_MAX_WORDS = 5
#: Distances in lines are capped here before scaling.
CAP_LINES = 30
#: Share of the lines after a bare marker that must be junk for it to open an end block.
END_BLOCK_JUNK_SHARE = 0.6
#: The same share when a source or tag line (the article's end) comes before the marker.
END_BLOCK_JUNK_SHARE_AFTER_END = 0.3
#: Labels a line shows on its own surface; context alone may not give them (see gate_surface).
SURFACE_LABELS = ("promo", "tags", "source", "ad", "chrome")
#: A line's own probability of a surface label under which context cannot give it that label.
SURFACE_FLOOR = 0.05
#: Own related probability at which a line is a read-also line by itself (marker plus headline).
RELATED_SELF = 0.9
#: A line this long or longer, that looks like body on its own, may be a paragraph of the article
#: that context took for a second one (see keep_continuing_body).
CONTINUE_MIN_WORDS = 10
#: Own body probability at or above which such a line reads as a paragraph.
CONTINUE_OWN_BODY = 0.5
#: Share of its topical words the article used before, at or above which the paragraph goes on
#: with the article's own story. On composed training pages 0.8% of second-article paragraphs
#: reach 0.3, against 24% of the article's own later paragraphs.
CONTINUE_SHARE = 0.3

_BODY = LABEL_INDEX["body"]
if _BODY != 0:  # decide and _label_index read columns 1: as the junk labels
    raise ImportError("stripper.decode expects body in column 0 of LABELS")
_RELATED = LABEL_INDEX["related"]
_SOURCE = LABEL_INDEX["source"]
_TAGS = LABEL_INDEX["tags"]
_PROMO = LABEL_INDEX["promo"]
_AD = LABEL_INDEX["ad"]
#: The text_context columns read of each neighbour: seen share, first-line and lede overlap.
_NEIGHBOUR_TEXT = [0, 1, 4]
# Neighbours read by offset, in the order of the context columns: the line before, the line
# after, then two before, two after, and so on.
_TEXT_OFFSETS = np.array([-1, 1])
_NEIGHBOUR_OFFSETS = np.array([sign * offset for offset in range(1, CONTEXT_WINDOW + 1) for sign in (-1, 1)])


def _related_to_body(out: np.ndarray, final: np.ndarray, i: int) -> np.ndarray:
    """`out` with line i's related mass moved to body; `final` is copied on the first change."""
    if out is final:
        out = final.copy()
    out[i, _BODY] += out[i, _RELATED]
    out[i, _RELATED] = 0.0
    return out


def _related_to_body_rows(final: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A copy of `final` with the related mass of `rows` moved to body."""
    out = final.copy()
    out[rows, _BODY] += out[rows, _RELATED]
    out[rows, _RELATED] = 0.0
    return out


def _body_to_label(out: np.ndarray, final: np.ndarray, rows: np.ndarray | int, label: int) -> np.ndarray:
    """`out` with the body mass of `rows` (an index or an array of them) moved to `label`; `final`
    is copied on the first change."""
    if out is final:
        out = final.copy()
    out[rows, label] += out[rows, _BODY]
    out[rows, _BODY] = 0.0
    return out


def _body_to_related(out: np.ndarray, final: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`out` with the body mass of `rows` moved to related; `final` is copied on the first change."""
    return _body_to_label(out, final, rows, _RELATED)


def _segment_cummax(values: np.ndarray, seg: np.ndarray, reverse: bool) -> np.ndarray:
    """Running max of values in [0, 1] within each segment, excluding the line itself; `values`
    may hold several columns (rows are lines), each run on its own."""
    n = len(values)
    if n == 0:
        return values.copy()
    v = values[::-1] if reverse else values
    s = seg[::-1] if reverse else seg
    rank = (s.max() - s) if reverse else s
    lift = (2.0 * rank).reshape((n,) + (1,) * (values.ndim - 1))
    acc = np.maximum.accumulate(v + lift, axis=0) - lift
    shifted = np.zeros(values.shape)
    same = (s[1:] == s[:-1]).reshape(lift[1:].shape)
    shifted[1:] = np.where(same, acc[:-1], 0.0)
    return shifted[::-1].copy() if reverse else shifted


def _segment_mean(values: np.ndarray, seg: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                  reverse: bool) -> np.ndarray:
    """Mean of values before (or after) each line within its segment; 0 where there are none;
    `values` may hold several columns (rows are lines), each run on its own."""
    n = len(values)
    csum = np.concatenate((np.zeros((1,) + values.shape[1:]), np.cumsum(values, axis=0)))
    idx = np.arange(n)
    if reverse:
        total = csum[ends[seg]] - csum[idx + 1]
        count = ends[seg] - idx - 1
    else:
        total = csum[idx] - csum[starts[seg]]
        count = idx - starts[seg]
    count = count.reshape((n,) + (1,) * (values.ndim - 1))
    return np.where(count > 0, total / np.maximum(count, 1), 0.0)


def _since_last(flag: np.ndarray, seg: np.ndarray, starts: np.ndarray, reverse: bool) -> np.ndarray:
    """Lines since the nearest earlier (or later) flagged line in the segment, capped, scaled to [0, 1]."""
    n = len(flag)
    idx = np.arange(n)
    if reverse:
        # Reversed document ids count from the last document, empty ones included, as _rev_starts does.
        rev = _since_last(flag[::-1], (len(starts) - 1 - seg)[::-1], _rev_starts(seg, starts), False)
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


#: The lede: the first LEDE_LINES lines of at least LEDE_MIN_WORDS words, the article's opening
#: paragraphs. Its own later paragraphs keep returning to the lede's names and places; a second
#: article's seldom do (on composed pages 71% of second-article paragraphs share under 5% of
#: their words with the lede, against 19% of the article's own later paragraphs).
LEDE_LINES = 2
LEDE_MIN_WORDS = 10


def text_context(vocab: Sequence[frozenset[str]], lengths: Sequence[int],
                 word_counts: Sequence[float] | None = None) -> np.ndarray:
    """Per line: how much of its vocabulary the document used before, its overlap with the
    first line, whether the same words come again before or after (a repeated headline), and
    its overlap with the lede (the article's first paragraphs; -1 when there is none).

    A second article after a read-also marker brings new names and places; the paragraphs of the
    article itself keep returning to the same ones.
    """
    rows: list[tuple[float, float, float, float, float]] = []
    # Where the long lines are, for all documents at once: each document reads its first two.
    long_lines = (np.flatnonzero(np.asarray(word_counts) > LEDE_MIN_WORDS - 0.5).tolist()
                  if word_counts is not None else [])
    next_long = 0
    start = 0
    for n in lengths:
        seen: set[str] = set()
        first = vocab[start] if n else frozenset()
        counts: dict[frozenset[str], int] = {}
        for i in range(start, start + n):
            counts[vocab[i]] = counts.get(vocab[i], 0) + 1
        while next_long < len(long_lines) and long_lines[next_long] < start:
            next_long += 1
        opening = [i for i in long_lines[next_long : next_long + LEDE_LINES] if i < start + n]
        lede: set[str] = set().union(*(vocab[i] for i in opening)) if opening else set()
        met: dict[frozenset[str], int] = {}
        for i in range(start, start + n):
            words = vocab[i]
            size = len(words)
            if size:
                before = met.get(words, 0)
                rows.append((
                    len(words & seen) / size,
                    len(words & first) / size if i > start else 1.0,
                    1.0 if before else 0.0,
                    1.0 if counts[words] - before > 1 else 0.0,
                    len(words & lede) / size if lede else -1.0,
                ))
                met[words] = before + 1
            else:
                rows.append((-1.0, -1.0, 0.0, 0.0, -1.0))
            seen.update(words)
        start += n
    return np.array(rows, dtype=float).reshape(-1, 5)


def context_matrix(proba: np.ndarray, shapes: np.ndarray, lengths: list[int],
                   text: np.ndarray | None = None) -> np.ndarray:
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
    first, last = starts[seg][:, None], ends[seg][:, None]
    if text is not None:
        cols.append(text)
        # The same for the neighbours: is the paragraph after a headline on the article's topic?
        j = idx[:, None] + _TEXT_OFFSETS
        ok = (j >= first) & (j < last)
        jj = np.clip(j, 0, max(n - 1, 0))
        cols.append(np.where(ok[:, :, None], text[jj][:, :, _NEIGHBOUR_TEXT], -1.0).reshape(n, -1))
    # Each neighbour in turn (before, after; nearest first): its own probabilities, then its length.
    j = idx[:, None] + _NEIGHBOUR_OFFSETS
    ok = (j >= first) & (j < last)
    jj = np.clip(j, 0, max(n - 1, 0))
    cols.append(np.concatenate((np.where(ok[:, :, None], proba[jj], 0.0),
                                np.where(ok, shapes[jj, 0], -1.0)[:, :, None]), axis=2).reshape(n, -1))

    words = np.expm1(shapes[:, 1])
    marker = proba[:, _RELATED] * (words <= MARKER_MAX_WORDS)
    end_signal = np.maximum(proba[:, _SOURCE], proba[:, _TAGS])
    junk = 1.0 - proba[:, _BODY]
    long_body = proba[:, _BODY] * (shapes[:, 0] > np.log1p(80))
    # Running maxima and means run over several columns at once, as each would alone.
    before_max = _segment_cummax(np.column_stack([marker, end_signal, proba[:, _PROMO], junk, long_body]),
                                 seg, reverse=False)
    after_max = _segment_cummax(np.column_stack([marker, end_signal, long_body]), seg, reverse=True)
    after_mean = _segment_mean(np.column_stack([junk, long_body]), seg, starts, ends, reverse=True)
    cols.append(np.column_stack([
        pos / np.maximum(size - 1, 1),
        np.minimum(pos, 30) / 30.0,
        np.minimum(remain, 30) / 30.0,
        np.log1p(size),
        before_max,
        _segment_mean(junk, seg, starts, ends, reverse=False),
        after_max,
        after_mean[:, 0],
        _since_last(marker > 0.5, seg, starts, reverse=False),
        _since_last(end_signal > 0.5, seg, starts, reverse=False),
        _since_last(long_body > 0.5, seg, starts, reverse=True),
        after_mean[:, 1],
    ]))
    return np.hstack(cols)


def decide(proba: np.ndarray, threshold: float, keep: frozenset[str]) -> tuple[list[str], np.ndarray]:
    """Labels and scores from final probabilities: junk only when its mass reaches `threshold`.

    A label named in `keep` counts as body here, so keeping it never tips a neighbour's decision.
    """
    if not len(proba):
        return [], np.empty(0)
    if not keep:
        # The common case, on a view of the junk columns (body is column 0) rather than a copy.
        junk = proba[:, 1:]
        junk_mass = junk.sum(axis=1)
        is_junk = junk_mass >= threshold
        chosen = np.where(is_junk, junk.argmax(axis=1) + 1, _BODY)
        return [LABELS[i] for i in chosen.tolist()], np.where(is_junk, junk_mass, 1.0 - junk_mass)
    junk_cols = [i for i, label in enumerate(LABELS) if i != _BODY and label not in keep]
    best = proba.argmax(axis=1)
    # A kept junk label still reports its own name, so classify() stays informative.
    kept_name = np.array([i if label in keep else _BODY for i, label in enumerate(LABELS)])[best]
    if junk_cols:
        junk_mass = proba[:, junk_cols].sum(axis=1)
        junk_best = np.asarray(junk_cols)[proba[:, junk_cols].argmax(axis=1)]
        is_junk = junk_mass >= threshold
        chosen = np.where(is_junk, junk_best, kept_name)
        scores = np.where(is_junk, junk_mass, 1.0 - junk_mass)
    else:
        chosen, scores = kept_name, np.ones(len(proba))
    return [LABELS[i] for i in chosen.tolist()], scores


def _label_index(proba: np.ndarray, threshold: float) -> np.ndarray:
    """The label index `decide` gives each line with nothing kept, without naming them: what the
    rules check first, so that a document none of them applies to costs a few array operations."""
    junk = proba[:, 1:]  # body is column 0: a view, not a copy
    return np.where(junk.sum(axis=1) >= threshold, junk.argmax(axis=1) + 1, _BODY)


def _paragraph_shaped(words: np.ndarray, sentences: Sequence[bool]) -> np.ndarray:
    """Lines shaped like a paragraph: BOX_PARAGRAPH_WORDS words, or CONTINUE_MIN_WORDS that end a
    sentence (a headline seldom does); `sentences` may be empty (no line ends one)."""
    ends = np.asarray(sentences, dtype=bool) if len(sentences) == len(words) else np.zeros(len(words), dtype=bool)
    return (words >= BOX_PARAGRAPH_WORDS) | (ends & (words >= CONTINUE_MIN_WORDS))


def _followed_by_paragraph(labels: Sequence[str], paragraph: np.ndarray) -> np.ndarray:
    """Per line: whether the next line is a paragraph read as body. A source or tag line there
    is a dateline or credit the model misread, not the article's end: the article goes on."""
    out = np.zeros(len(labels), dtype=bool)
    if len(labels) > 1:
        out[:-1] = paragraph[1:] & (np.asarray(labels[1:]) == "body")
    return out


def _headline_story(labels: Sequence[str], marker: int, paragraph: np.ndarray,
                    stems: Sequence[frozenset[str]]) -> bool:
    """Whether a bare marker is followed by one to BOX_MAX_HEADLINES related headlines and then a
    paragraph that repeats BOX_HEADLINE_COVER of the last headline's topical words: the headline's
    own story printed after it, a second article."""
    n = len(labels)
    first = marker + 1
    while first < n and first - marker - 1 < BOX_MAX_HEADLINES and not paragraph[first] \
            and labels[first] == "related":
        first += 1
    if first == marker + 1 or first >= n or not paragraph[first] or labels[first] != "body":
        return False
    head = stems[first - 1]
    return bool(head) and len(head & stems[first]) >= BOX_HEADLINE_COVER * len(head)


#: Junk lines in a row, the article's end line first and ad slots not counted, that make the next
#: line read as body the page's: a related widget whose header the model took for chrome or
#: missed, a second article under a promo. One is not enough: a credit or tag line the model
#: misread sits in mid-body, the article under it.
FOOTER_RUN_LINES = 2
#: Body lines before a bare marker for a story told after it to be a second article: a first
#: article has more than one line (one menu or header line the model took for body is none, and
#: the page's own headline then reads as the marker's headline).
SECOND_ARTICLE_MIN_BODY = 2
#: Body lines that must come before a widget header (a short chrome line) after the article's
#: end line for that header to open rule 1's end block ("أهم الأخبار", "قصص مقترحة").
END_BLOCK_MIN_BODY = 3
#: Share of the lines after such a header that must already be junk.
END_BLOCK_CHROME_SHARE = 0.5


def close_end_block(proba: np.ndarray, shapes: np.ndarray, threshold: float,
                    stems: Sequence[frozenset[str]] = (), sentences: Sequence[bool] = (),
                    index: np.ndarray | None = None, continues: Sequence[bool] = ()) -> np.ndarray:
    """LABELS.md rule 1: once a bare read-also marker opens a block at the end, all of it is related.

    A block opens at a bare related marker (a short line) when an end-of-article line (source,
    tags, after a paragraph and not followed by one: a dateline misread as a tag line ends
    nothing) comes before it and a good part of what follows is junk, when most of what follows is
    junk and less body follows it than preceded it, or when the first paragraph after its
    headlines tells the last headline's story (a second article). After the article's end line,
    a short line read as chrome opens it too (many widget headers are new wording to the model)
    when the article had END_BLOCK_MIN_BODY body lines and END_BLOCK_CHROME_SHARE of what follows
    is junk. And the article's end line with more junk right under it (FOOTER_RUN_LINES lines in
    a row, ad slots not counted) says the page's furniture has begun: the next line read as body
    opens the block itself (a related widget whose header the model missed, a second article
    under a promo), unless it opens as a continuation (`continues`: «وقال»; the article goes on
    under a misread credit and an inline promo). Inside the block, a body line's probability
    moves to related; lines the model gives another junk label keep it (a source or promo line);
    keep_continuing_body, next, gives back paragraphs that go on with the article's story.
    """
    n = len(proba)
    if n < 2:
        return proba
    words = np.expm1(shapes[:, 1])
    full = _label_index(proba, threshold) if index is None else index
    index = full[:-1]
    short = words[:-1] <= MARKER_MAX_WORDS
    if not ((index == _RELATED) & short).any():
        ended = np.maximum.accumulate((index == _SOURCE) | (index == _TAGS))
        after_junk = (full[1:] == _BODY) & (index != _BODY)
        if not ((index == _CHROME) & short & ended).any() and not (ended & after_junk).any():
            # No bare marker, no widget header after an end line, no body line after junk after
            # one: nothing can open a block.
            return proba
    labels, _ = decide(proba, threshold, frozenset())
    paragraph = _paragraph_shaped(words, sentences)
    goes_on = _followed_by_paragraph(labels, paragraph)
    body_before = 0
    footer_run = 0
    end_signal = seen_paragraph = False
    for m in range(n):
        label = labels[m]
        if m == n - 1:
            pass  # the last line opens nothing: the footer form below may still close at it
        elif label == "related" and words[m] <= MARKER_MAX_WORDS:
            after = labels[m + 1 :]
            junk_share = sum(lab != "body" for lab in after) / len(after)
            body_after = len(after) - sum(lab != "body" for lab in after)
            if (end_signal and junk_share >= END_BLOCK_JUNK_SHARE_AFTER_END) or (
                junk_share >= END_BLOCK_JUNK_SHARE and body_after < body_before
            ) or (len(stems) == n and body_before >= SECOND_ARTICLE_MIN_BODY
                  and _headline_story(labels, m, paragraph, stems)):
                return _body_to_related(proba, proba, np.arange(m + 1, n)[np.asarray(after) == "body"])
        elif label == "chrome" and end_signal and words[m] <= MARKER_MAX_WORDS and body_before >= END_BLOCK_MIN_BODY:
            after = labels[m + 1 :]
            junk_share = sum(lab != "body" for lab in after) / len(after)
            if junk_share >= END_BLOCK_CHROME_SHARE:
                return _body_to_related(proba, proba, np.arange(m + 1, n)[np.asarray(after) == "body"])
        if label == "body":
            if (end_signal and footer_run >= FOOTER_RUN_LINES and body_before >= END_BLOCK_MIN_BODY
                    and not (continues and continues[m])):
                return _body_to_related(proba, proba, np.arange(m, n)[np.asarray(labels[m:]) == "body"])
            body_before += 1
            seen_paragraph = seen_paragraph or bool(paragraph[m])
            footer_run = 0
        else:
            if label != "ad" and footer_run:  # an ad slot sits in mid-body as often as under it
                footer_run += 1
            if label in ("source", "tags") and seen_paragraph and not goes_on[m]:
                end_signal = True  # a source line above the article (a credit under the title) ends nothing
                footer_run = 1
    return proba


#: Words (normalised) of a listen/summary widget's header: «استمع إلى الملخص», «ملخص الخبر», «أهم النقاط».
SUMMARY_HEADER_WORDS = frozenset({"استمع", "الملخص", "ملخص", "النقاط", "ابرز", "اهم"})
#: Chrome probability a summary header must have on its own.
SUMMARY_HEADER_OWN = 0.5
#: Bullets a summary widget holds at most; a longer run is a list of the article's own.
SUMMARY_MAX_BULLETS = 6

_CHROME = LABEL_INDEX["chrome"]


#: Own related probability at which a line is a read-also line whatever its context says
#: (LABELS.md rule 2: «اقرأ أيضا: <headline>» in mid-body is related).
RELATED_CERTAIN = 0.98


#: Own probability of a surface label (promo, tags, source, ad) at which a short line keeps it
#: whatever its context says. On an inner dev split (sites unseen by its model), 743 lines of at
#: most MARKER_MAX_WORDS words reached 0.9 and none was the article's; the first that was (a
#: dateline) stood at 0.85.
SURFACE_CERTAIN = 0.9
_SURFACE_SURE = [LABEL_INDEX[label] for label in ("promo", "tags", "source", "ad")]


def trust_sure_lines(final: np.ndarray, own: np.ndarray, shapes: np.ndarray) -> np.ndarray:
    """A line the line model is all but sure is a read-also line stays related, and a short line
    it is all but sure is a promo, tag, source or ad line keeps that label (one document).

    Context exists to overrule a line's looks (an «المصدر:» sentence of the body, a paragraph of
    a second article); a few words that are plainly an ad slot or a credit have nothing to overrule.
    """
    out = final
    sure = own[:, _RELATED] >= RELATED_CERTAIN
    if sure.any():
        out = final.copy()
        out[sure] = 0.0
        out[sure, _RELATED] = 1.0
    short = np.expm1(shapes[:, 1]) <= MARKER_MAX_WORDS
    surface = own[:, _SURFACE_SURE]
    sure = short & ~sure & (surface.max(axis=1, initial=0.0) >= SURFACE_CERTAIN)
    if sure.any():
        out = out.copy() if out is final else out
        out[sure] = 0.0
        out[sure, np.asarray(_SURFACE_SURE)[surface[sure].argmax(axis=1)]] = 1.0
    return out



def close_summary_widget(final: np.ndarray, own: np.ndarray, shapes: np.ndarray,
                         vocab: Sequence[frozenset[str]], threshold: float) -> np.ndarray:
    """LABELS.md: a listen/summary widget's bullets are chrome, like its header (one document).

    The bullets restate the article's own sentences, so neither the line model nor its context
    can tell one from a paragraph once the widget has started. After a short header that is
    chrome on its own and names the widget (SUMMARY_HEADER_WORDS), the bullet lines that follow
    it directly are chrome, up to SUMMARY_MAX_BULLETS; a longer run is left alone, since an
    article's own list can follow a chrome line too.
    """
    n = len(final)
    words = np.expm1(shapes[:, 1])
    out = final
    headers = np.flatnonzero((own[: n - 1, _CHROME] >= SUMMARY_HEADER_OWN) & (words[: n - 1] <= MARKER_MAX_WORDS))
    for i in headers.tolist():
        if not vocab[i] & SUMMARY_HEADER_WORDS:
            continue
        end = i + 1
        while end < n and shapes[end, 2] > 0:
            end += 1
        if end == i + 1 or end - i - 1 > SUMMARY_MAX_BULLETS:
            continue
        if out is final:
            out = final.copy()
        rows = np.arange(i + 1, end)
        out[rows] = 0.0
        out[rows, _CHROME] = 1.0
    return out


def keep_continuing_body(final: np.ndarray, own: np.ndarray, shapes: np.ndarray,
                         stems: Sequence[frozenset[str]], threshold: float,
                         index: np.ndarray | None = None) -> np.ndarray:
    """Rules 1, 2 and 5: the first article stays, and so does a paragraph that goes on with it (one document).

    Context removes a run of paragraphs as a second article when something before them looked like
    the start of one (an inline read-also line, a quoted list, a subheading, a promo line in
    mid-body). Only a line that looks like a paragraph on its own (CONTINUE_MIN_WORDS words, own
    body probability CONTINUE_OWN_BODY) and that context made related is reconsidered. It goes
    back to body when no paragraph of the article was kept before it (rule 1: the first complete
    article is the body; a second one cannot come first), or, while no bare read-also marker has
    come, when at least CONTINUE_SHARE of its topical words (clitics folded) were used by the
    article's kept lines before it (`stems`: each line's folded topical words,
    features.topic_stems): a second article brings its own names and places, the
    article's own paragraphs return to theirs. After a bare marker the topic says nothing: sites
    point to stories on the same subject, so the end block of rule 1 stands.
    """
    n = len(final)
    if n < 2:
        return final
    words = np.expm1(shapes[:, 1])
    index = _label_index(final, threshold) if index is None else index
    candidates = (index == _RELATED) & (words >= CONTINUE_MIN_WORDS) \
        & (own[:, _BODY] >= CONTINUE_OWN_BODY)
    if not candidates.any():
        return final  # no paragraph that context made related
    # Nothing after the last candidate can change; the walk reads plain lists, not array cells.
    end = int(np.flatnonzero(candidates)[-1]) + 1
    labels, _ = decide(final[:end], threshold, frozenset())
    markers = ((own[:end, _RELATED] >= RELATED_SELF) & (words[:end] <= MARKER_MAX_WORDS)).tolist()
    is_paragraph = ((words[:end] >= CONTINUE_MIN_WORDS) & (own[:end, _BODY] >= CONTINUE_OWN_BODY)).tolist()
    article = _KeptStems(stems)
    paragraphs = 0
    marker_seen = False
    out = final
    for i, label in enumerate(labels):
        if markers[i]:
            marker_seen = True
        if marker_seen and paragraphs:
            break  # from here a candidate needs no paragraph before it or no marker: neither holds
        paragraph = is_paragraph[i]
        if label == "related":
            own_stems = stems[i] if paragraph else frozenset()
            if not own_stems:
                continue
            # After a paragraph (and so before any marker: the loop stops at one), the share test.
            if paragraphs and len(own_stems & article.words()) < CONTINUE_SHARE * len(own_stems):
                continue
            out = _related_to_body(out, final, i)
            label = "body"
        if label == "body":
            article.add(i)
            paragraphs += paragraph
    return out


def gate_surface(final: np.ndarray, own: np.ndarray, shapes: np.ndarray,
                 starts: np.ndarray | None = None) -> np.ndarray:
    """Keep context from giving a line a label it shows no sign of on its own.

    `starts` holds the first row of each document when several are laid end to end (default:
    one document), so that one call serves a whole batch.

    Promo, tag, source, ad and chrome lines say what they are in their own words: context may give
    such a label only when the line's own probability of it reaches SURFACE_FLOOR (chrome may also
    run on from a line that is chrome by itself: a listen-summary header, then its bullets).
    Related needs a reason (see _related_allowed). The mass of a label a line may not have goes to
    the labels it may have, in proportion to what the line looks like on its own, body included.
    """
    first = np.zeros(len(own), dtype=bool)  # the first line of each (non-empty) document
    at = np.asarray(starts if starts is not None else [0], dtype=np.intp)
    first[at[at < len(own)]] = True
    allowed = np.ones_like(own, dtype=bool)
    for label in SURFACE_LABELS:
        col = LABEL_INDEX[label]
        allowed[:, col] = own[:, col] >= SURFACE_FLOOR
    allowed[:, LABEL_INDEX["chrome"]] = _chrome_runs(allowed[:, LABEL_INDEX["chrome"]], final, first)
    allowed[:, _RELATED] = _related_allowed(final, own, shapes, first)
    allowed[:, _BODY] = True
    return redistribute(final, own, allowed)


def redistribute(final: np.ndarray, own: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """`final` with the mass of each label a line may not have (`allowed` False) moved to the
    labels it may have, in proportion to the line's own probabilities (all to body if none)."""
    kept = np.where(allowed, final, 0.0)
    moved = final.sum(axis=1) - kept.sum(axis=1)
    share = np.where(allowed, own, 0.0)
    total = share.sum(axis=1, keepdims=True)
    share = np.where(total > 0, share / np.maximum(total, 1e-12), 0.0)
    share[total[:, 0] <= 0, _BODY] = 1.0
    return kept + moved[:, None] * share


def _related_allowed(final: np.ndarray, own: np.ndarray, shapes: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Related needs a reason: the line is a read-also line by itself, a bare marker came before
    it, or it stands in a run of related lines (a list) and looks like a headline on its own.
    A subheading that changes the story's topic is none of these."""
    self_related = own[:, _RELATED] >= RELATED_SELF
    related = final.argmax(axis=1) == _RELATED
    words = np.expm1(shapes[:, 1])
    marker = self_related & (words <= MARKER_MAX_WORDS)
    n = len(own)
    # Every line after its document's first bare marker: the count of markers so far in the
    # batch, less the count when the document began.
    doc = np.cumsum(first) - 1
    seen = np.cumsum(marker) - marker
    after_marker = seen > (seen[first])[doc] if n else np.zeros(0, dtype=bool)
    # A line that leans related beside one that is, in the same document.
    near = np.zeros(n, dtype=bool)
    near[1:] |= related[:-1] & ~first[1:]
    near[:-1] |= related[1:] & ~first[1:]
    return self_related | after_marker | ((own[:, _RELATED] >= 0.5) & near)


def _chrome_runs(allowed: np.ndarray, final: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Let chrome continue from a line that is chrome on its own to the chrome lines after it
    (within a run of lines that context makes chrome, in one document)."""
    chrome = final.argmax(axis=1) == LABEL_INDEX["chrome"]
    if not (chrome[1:] & chrome[:-1] & ~first[1:]).any():
        return allowed  # no two chrome lines in a row: nothing to run on
    # Runs of consecutive chrome lines; within one, a line is allowed once any line of the run
    # up to it is (allowed lines count so far, less the count where the run began).
    opens = chrome & (first | ~np.concatenate(([False], chrome[:-1])))
    run = np.cumsum(opens) - 1
    so_far = np.cumsum(allowed)
    before = so_far - allowed
    start = np.flatnonzero(opens)
    reached = so_far > before[start][np.maximum(run, 0)]
    return allowed | (chrome & reached)


#: Share of a headline's topical words that the article's first paragraphs must use for the
#: headline to be the article's own title (LABELS.md rule 1: the title is part of the body). A
#: title names the story's actors and places, a related headline another story's. On the inner
#: dev splits 0.25 kept titles that the lede words differently (one of them lost at 0.3) for at
#: most one more junk line a split.
HEADLINE_SHARE = 0.25
#: How many of the first kept paragraphs a headline's words are looked for in.
HEADLINE_PARAGRAPHS = 3


def _reads_as_title(i: int, own: np.ndarray, shapes: np.ndarray, cells: Sequence[int], repeat: bool) -> bool:
    """Whether line i reads as a title on its own: body by its own look (CONTINUE_OWN_BODY: menus,
    stamps and bylines look like chrome), not a list item (a summary widget's bullets restate the
    article), not cut into table cells (a menu or a price bar) and not a copy of an earlier line
    (a repeated headline is chrome)."""
    return bool(own[i, _BODY] >= CONTINUE_OWN_BODY and shapes[i, 2] == 0 and not repeat
                and not (len(cells) > i and cells[i]))


def keep_own_headline(final: np.ndarray, own: np.ndarray, shapes: np.ndarray,
                      stems: Sequence[frozenset[str]], threshold: float, cells: Sequence[int] = (),
                      index: np.ndarray | None = None) -> np.ndarray:
    """Rule 1: a headline above the article's first paragraph, on the article's own topic, is its title (one document).

    Context takes a short headline-like line for a related headline when chrome surrounds it, or
    runs the page's chrome on over it (a title between a breadcrumb and a timestamp). A line
    before the first kept paragraph that context made related, that is not a read-also line on
    its own, or that context made chrome while it reads as a title on its own (_reads_as_title;
    `cells`: each line's table cells), stays body when at least HEADLINE_SHARE of its topical
    words come back in the first HEADLINE_PARAGRAPHS kept paragraphs (a related headline names
    another story).
    """
    n = len(final)
    if n < 2:
        return final
    words = np.expm1(shapes[:, 1])
    index = _label_index(final, threshold) if index is None else index
    # A line the walk below may change: related, or chrome with a title's own look (the walk
    # checks the rest), longer than a marker, above the first kept paragraph.
    heads = (words > MARKER_MAX_WORDS) & ((index == _RELATED) | (
        (index == _CHROME) & (own[:, _BODY] >= CONTINUE_OWN_BODY) & (shapes[:, 2] == 0)))
    kept_paragraphs = np.flatnonzero((index == _BODY) & (words >= CONTINUE_MIN_WORDS))
    if not len(kept_paragraphs) or not heads[: kept_paragraphs[0]].any():
        return final  # no headline that context made related or chrome above the article
    labels, _ = decide(final, threshold, frozenset())
    paragraphs = kept_paragraphs.tolist()
    first = paragraphs[0]
    # Stems are read only for the lines a test needs them for: most documents have none.
    story: set[str] | None = None  # the first paragraphs' stems
    earlier = _EarlierStems(stems)
    out = final
    for i in range(first):
        if own[i, _RELATED] >= RELATED_SELF and words[i] <= MARKER_MAX_WORDS:
            break  # a bare marker: what follows it is its list
        if not heads[i] or not stems[i]:
            continue
        if story is None:
            story = set().union(*(stems[j] for j in paragraphs[:HEADLINE_PARAGRAPHS]))
        if len(stems[i] & story) < HEADLINE_SHARE * len(stems[i]):
            continue
        if labels[i] == "related":
            out = _related_to_body(out, final, i)
        elif _reads_as_title(i, own, shapes, cells, earlier.repeats(i)):
            out = _junk_to_body(out, final, i)
    return out


class _KeptStems:
    """The topical words of the lines kept so far, their stems read only when a test asks for
    them (most documents never do)."""

    def __init__(self, stems: Sequence[frozenset[str]]) -> None:
        self.stems = stems
        self.union: set[str] = set()
        self.unread: list[int] = []

    def add(self, i: int) -> None:
        """Count line i among the kept lines."""
        self.unread.append(i)

    def words(self) -> set[str]:
        """The union of the kept lines' stems."""
        for j in self.unread:
            self.union.update(self.stems[j])
        self.unread.clear()
        return self.union


class _EarlierStems:
    """Whether a line's topical stems are those of an earlier line of the document (a copy), the
    earlier lines' stems read only as far as a question needs them."""

    def __init__(self, stems: Sequence[frozenset[str]]) -> None:
        self.stems = stems
        self.seen: set[frozenset[str]] = set()
        self.upto = 0

    def repeats(self, i: int) -> bool:
        """Whether line i's stems equal those of a line before it."""
        while self.upto < i:
            self.seen.add(self.stems[self.upto])
            self.upto += 1
        return self.stems[i] in self.seen


def _junk_to_body(out: np.ndarray, final: np.ndarray, i: int) -> np.ndarray:
    """`out` with all of line i's junk mass moved to body; `final` is copied on the first change."""
    if out is final:
        out = final.copy()
    out[i, _BODY] = out[i].sum()
    out[i, 1:] = 0.0
    return out


def keep_own_subheading(final: np.ndarray, own: np.ndarray, shapes: np.ndarray,
                        stems: Sequence[frozenset[str]], threshold: float,
                        sentences: Sequence[bool] = (), index: np.ndarray | None = None) -> np.ndarray:
    """Rule 1: a short line inside the article, on its topic, above a kept line, is a subheading (one document).

    Context reads a short line between an article's paragraphs as a related headline or as
    chrome when junk (an inline read-also line, an ad slot) stands near it. A line that context
    made related or chrome goes back to body when a paragraph of the article was kept before it,
    the line after it is kept, no bare read-also marker came before it, it looks like body on its
    own (CONTINUE_OWN_BODY, and not a read-also line by itself), is no list item (lists have
    their own rule) and no copy of an earlier line (a repeated headline), and at least
    CONTINUE_SHARE of its topical words were used by the article's kept lines before it: a
    subheading announces what the article goes on to say in the article's own words.
    """
    n = len(final)
    if n < 3:
        return final
    index = _label_index(final, threshold) if index is None else index
    looks_body = (own[:, _BODY] >= CONTINUE_OWN_BODY) & (own[:, _RELATED] < RELATED_SELF) & (shapes[:, 2] == 0)
    # A line the walk below may change: related or chrome, body by its looks, above a kept line,
    # after the first (the walk checks the rest).
    candidate = np.zeros(n, dtype=bool)
    candidate[1:-1] = ((index[1:-1] == _RELATED) | (index[1:-1] == _CHROME)) & looks_body[1:-1] & (index[2:] == _BODY)
    if not candidate.any():
        return final
    words = np.expm1(shapes[:, 1])
    labels, _ = decide(final, threshold, frozenset())
    marker = (own[:, _RELATED] >= RELATED_SELF) & (words <= MARKER_MAX_WORDS)
    paragraph = _paragraph_shaped(words, sentences)
    article = _KeptStems(stems)
    earlier = _EarlierStems(stems)
    paragraphs = 0
    out = final
    for i in range(n):
        if marker[i]:
            break  # rule 1's end block or rule 2's box: their rules decide what follows
        if labels[i] == "body":
            article.add(i)
            paragraphs += bool(paragraph[i])
            continue
        if not (paragraphs and candidate[i] and stems[i] and not earlier.repeats(i)):
            continue
        if len(stems[i] & article.words()) >= CONTINUE_SHARE * len(stems[i]):
            out = _junk_to_body(out, final, i)
            article.add(i)
    return out


#: Documents of at most this many non-blank lines are judged by how each line looks: the context
#: model met documents that short only as clean short articles, so it reads any of them as body
#: (an ad slot and a copyright line alone included).
TINY_LINES = 2


def judge_tiny_document(final: np.ndarray, own: np.ndarray) -> np.ndarray:
    """A document of TINY_LINES lines or fewer gets its lines' own probabilities (one document).

    Related is a label of place (a read-also block, a second article) that two lines cannot
    show, so its mass goes to body: a headline over one paragraph is a short article.
    """
    if len(final) > TINY_LINES or not len(final):
        return final
    out = own.copy()
    out[:, _BODY] += out[:, _RELATED]
    out[:, _RELATED] = 0.0
    return out


#: A line after a read-also marker with fewer words than this is one of its headlines, unless it
#: ends a sentence (".", "!") with at least CONTINUE_MIN_WORDS words; one with at least this
#: many is a paragraph.
BOX_PARAGRAPH_WORDS = 20
#: Headlines a read-also box holds at most.
BOX_MAX_HEADLINES = 3
#: Share of the box's last headline's topical words that the paragraph after the box must repeat
#: to be that headline's story (a second article); below it the box sat in mid-body.
BOX_HEADLINE_COVER = 0.4
#: Below that share, a paragraph after the box that repeats some of the last headline's topical
#: words is still the headline's story unless it shares at least this many times as many with
#: the article above the box: a second article's paragraph names its own people and places, the
#: article's next paragraph the article's.
BOX_ARTICLE_RATIO = 3


def reopen_after_mid_body_box(final: np.ndarray, own: np.ndarray, shapes: np.ndarray,
                              stems: Sequence[frozenset[str]], threshold: float,
                              sentences: Sequence[bool] = (), continues: Sequence[bool] = ()) -> np.ndarray:
    """Rule 2 in its box form: a read-also box in mid-body, and the article goes on after it (one document).

    Many sites print a bare marker and one to three headlines between two paragraphs. Context
    reads the paragraphs after such a box as the second article of rule 1's end block. The box sat
    in mid-body when no source or tag line (the article's end; one a body paragraph follows is a
    misread dateline or credit, not the end) came before its marker, no chrome line (a comments
    header, a share bar: page furniture under the article) sits right above the box, and the
    paragraph after it does not tell its last headline's story (a second article opens by
    repeating its headline's words: BOX_HEADLINE_COVER of them, or some and fewer than
    BOX_ARTICLE_RATIO times as many of the article's above the box) or opens as a continuation
    (`continues`, LineFacts.continues: a story's first paragraph never does). Then the
    paragraphs after the box that context made related, up to the next marker or end line, are
    body again; lines that are junk on their own (an ad
    slot, a promo) keep their label. (Also asking for an end line still to come kept fewer of the
    article's paragraphs on both inner dev splits and changed nothing on hand-labelled pages.)
    """
    n = len(final)
    if n < 4:
        return final
    words = np.expm1(shapes[:, 1])
    marker = (own[:, _RELATED] >= RELATED_SELF) & (words <= MARKER_MAX_WORDS)
    if not marker.any():
        return final
    labels, _ = decide(final, threshold, frozenset())
    end = np.array([label in ("source", "tags") for label in labels])
    # A paragraph is long, or ends a sentence where a headline seldom does.
    paragraph = _paragraph_shaped(words, sentences)
    # An end line counts once a paragraph of the article came: a credit under the title ends nothing.
    body_paragraph = np.flatnonzero(paragraph & (np.asarray(labels) == "body"))
    end[: body_paragraph[0] if len(body_paragraph) else n] = False
    end &= ~_followed_by_paragraph(labels, paragraph)
    out = final
    for m in np.flatnonzero(marker):
        if end[:m].any():
            break  # the article ended before this marker: rule 1's end block
        before = m
        while before and labels[before - 1] == "related":
            before -= 1
        if m - before > BOX_MAX_HEADLINES:
            continue  # deep in a related block already: a headline there opens no mid-body box
        if before and labels[before - 1] == "chrome":
            continue  # a comments header or share bar came first: the article is over
        heads = m + 1
        while heads < n and heads - m - 1 < BOX_MAX_HEADLINES and not paragraph[heads] \
                and labels[heads] == "related" and not marker[heads]:
            heads += 1
        first = heads
        if first == m + 1 or first >= n or not paragraph[first] or labels[first] != "related" \
                or own[first, _BODY] < CONTINUE_OWN_BODY:
            continue
        last_head = stems[first - 1]
        # A paragraph that opens as a continuation ("وفي السياق ذاته", "وقال") goes on with the
        # article whatever its words: on a site's own topic the box's headlines share them.
        goes_on = bool(continues) and continues[first]
        if not goes_on and (not last_head or len(last_head & stems[first]) >= BOX_HEADLINE_COVER * len(last_head)):
            continue  # the paragraph tells the headline's story: a second article
        with_head = len(last_head & stems[first])
        if not goes_on and with_head:
            article = frozenset().union(*(stems[k] for k in range(before) if labels[k] == "body"))
            if with_head * BOX_ARTICLE_RATIO > len(stems[first] & article):
                continue  # closer to the headline than to the article above the box: its story
        for i in range(first, n):
            if marker[i] or end[i]:
                break
            if labels[i] == "related" and own[i, _BODY] >= CONTINUE_OWN_BODY:
                out = _related_to_body(out, final, i)
    return out


def keep_paragraph_run(final: np.ndarray, own: np.ndarray, shapes: np.ndarray, threshold: float,
                       sentences: Sequence[bool] = (), index: np.ndarray | None = None) -> np.ndarray:
    """Rule 1: a second article starts after something that opens it, never straight out of the first.

    Context drifts into related over an article's late paragraphs when the article is short or a
    box came earlier, with nothing between them and the paragraph before. A related line that
    looks like a paragraph on its own (own body CONTINUE_OWN_BODY) and whose previous line is a
    kept paragraph (an ad slot or promo line between them aside) goes back to body, and the run
    after it follows; a second article begins after a marker, a headline or an end line.
    """
    n = len(final)
    if n < 2:
        return final
    words = np.expm1(shapes[:, 1])
    paragraph = _paragraph_shaped(words, sentences) & (own[:, _BODY] >= CONTINUE_OWN_BODY)
    labels = _label_index(final, threshold) if index is None else index
    candidates = (labels == _RELATED) & paragraph
    candidates[0] = False
    if not candidates.any():
        return final
    # An ad slot or a promo line inside the article sits between two of its paragraphs: the walk
    # reads the other lines only. A run of candidates there goes back to body when the line
    # before the run is a kept paragraph.
    own_index = own.argmax(axis=1)
    inline = ((labels == _PROMO) | (labels == _AD)) & ((own_index == _PROMO) | (own_index == _AD))
    rows = np.flatnonzero(~inline)
    cand = candidates[rows]
    if not cand.any():
        return final
    kept = paragraph[rows] & (labels[rows] == _BODY)
    steps = np.arange(len(rows))
    before_run = np.maximum.accumulate(np.where(cand, -1, steps))   # last non-candidate so far
    opened = cand & (before_run >= 0) & kept[np.maximum(before_run, 0)]
    if not opened.any():
        return final
    return _related_to_body_rows(final, rows[opened])


#: Items a run of bulleted lines needs before its majority speaks for the rest.
LIST_MIN_ITEMS = 3
#: Share of a bulleted run the context must already read as related for all of it to be.
LIST_RELATED_SHARE = 0.5


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each maximal run of True in `flags`, end exclusive."""
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def close_related_list(final: np.ndarray, shapes: np.ndarray, threshold: float, sentences: Sequence[bool] = (),
                       min_items: int = LIST_MIN_ITEMS, share: float = LIST_RELATED_SHARE,
                       own: np.ndarray | None = None, index: np.ndarray | None = None) -> np.ndarray:
    """Rule 1 in its list form: a bulleted list most of whose items are related is a related list.

    Related widgets print headlines as one bulleted list; the context reads most of them as
    related and leaves a few that look like sentences (a teaser, a long headline). An in-article
    list of measures is read as body item by item, so its majority keeps it; a list that a body
    line ending in a colon introduces ("من أبرزها:") is the article's own, and its items read as
    related go back to body (rule 5), as do those read as chrome that look like body on their own
    (`own`, the lines' own probabilities: CONTINUE_OWN_BODY). An item that ends a sentence stays body too: headlines and
    teasers stop short, answers and measures do not. Lines that are junk of another kind keep
    their label.
    """
    bullet = shapes[:, 2] > 0
    if bullet.sum() < min_items:
        return final
    labels = _label_index(final, threshold) if index is None else index
    n = len(final)
    # A finished sentence in a list is an answer or a measure; headlines and teasers stop short.
    flippable = labels == _BODY
    own_body = own[:, _BODY] if own is not None else np.zeros(n)
    if len(sentences) == n:
        flippable &= ~np.asarray(sentences, dtype=bool)
    out = final
    for i, j in _runs(bullet):
        run = labels[i:j]
        introduced = i > 0 and labels[i - 1] == _BODY and shapes[i - 1, 3] > 0
        if introduced:
            for k in i + np.flatnonzero(run == _RELATED):
                out = _related_to_body(out, final, int(k))
            # An item read as chrome that looks like body on its own is the list's too.
            for k in i + np.flatnonzero((run == _CHROME) & (own_body[i:j] >= CONTINUE_OWN_BODY)):
                out = _junk_to_body(out, final, int(k))
        elif j - i >= min_items and (run == _RELATED).sum() >= share * (j - i):
            out = _body_to_related(out, final, i + np.flatnonzero(flippable[i:j]))
    return out


def keep_article_list(final: np.ndarray, own: np.ndarray, shapes: np.ndarray, threshold: float,
                      index: np.ndarray | None = None) -> np.ndarray:
    """A bulleted run that the article's own text surrounds is the article's list: its items read
    as related go back to body (one document).

    Interview questions and answers («* سؤال؟» / «- جواب»), lists of measures, definitions and
    bulleted subheadings read item by item like a related widget's headlines. A related widget
    sits after the article or under a read-also marker; a run with a body paragraph (more than
    MARKER_MAX_WORDS words, so not a marker the model misread) right before it and a body line
    right after it is the article's. A run holding junk of another kind (a promo or a menu line
    printed with a dash), or an item that is a read-also line by itself (RELATED_CERTAIN, LABELS.md
    rule 2), is left as it is.
    """
    bullet = shapes[:, 2] > 0
    words = np.expm1(shapes[:, 1])
    labels = _label_index(final, threshold) if index is None else index
    n = len(final)
    out = final
    for i, j in _runs(bullet):
        if i == 0:
            continue  # nothing before it: no paragraph of the article surrounds it
        run = labels[i:j]
        related = run == _RELATED
        if (j < n and labels[j] == _BODY and labels[i - 1] == _BODY and not bullet[i - 1]
                and words[i - 1] > MARKER_MAX_WORDS and related.any() and ((run == _BODY) | related).all()
                and not (own[i:j, _RELATED] >= RELATED_CERTAIN).any()):
            out = _related_to_body_rows(out, i + np.flatnonzero(related))
    return out


#: A headline with fewer topical words than this has no copy worth telling from a line of the article.
HEADLINE_COPY_MIN_STEMS = 3
#: A copy of the headline repeats at least this share of its topical words...
HEADLINE_COPY_SHARE = 0.8
#: ...with at most this many words more (a link-back or share line: «رابط الخبر: {headline}»).
HEADLINE_COPY_EXTRA_WORDS = 8
_LOG_PARAGRAPH_WORDS = float(np.log1p(BOX_PARAGRAPH_WORDS))


def drop_headline_copy(final: np.ndarray, shapes: np.ndarray, stems: Sequence[frozenset[str]], threshold: float,
                       sentences: Sequence[bool] = (), continues: Sequence[bool] = (),
                       index: np.ndarray | None = None, vocab: Sequence[frozenset[str]] = ()) -> np.ndarray:
    """A line after the article's first paragraph that repeats its headline is page furniture,
    not the article's (one document): a link-back line («رابط الخبر بصحيفة ...: {headline}»), a
    share box or a feed footer printing the title again (LABELS.md: lines that repeat the headline
    are chrome).

    The headline is the first line kept as body, when it is shorter than a paragraph
    (BOX_PARAGRAPH_WORDS words). A later line kept as body, after a paragraph, that holds
    HEADLINE_COPY_SHARE of its topical words in at most HEADLINE_COPY_EXTRA_WORDS more words,
    that ends no sentence and does not open as a continuation («وأكد ...», a paragraph restating
    the headline), goes to chrome. `vocab`, the lines' words, when given, spares the topical
    stems of lines that share fewer than two words with the headline.
    """
    n = len(final)
    if n < 3:
        return final
    index = _label_index(final, threshold) if index is None else index
    kept = np.flatnonzero(index == _BODY)
    # Word counts are compared in the shapes' log1p space: one array call fewer per document.
    log_words = shapes[kept, 1]
    if len(kept) < 3 or log_words[0] >= _LOG_PARAGRAPH_WORDS:
        return final
    paragraphs = np.flatnonzero(log_words >= _LOG_PARAGRAPH_WORDS)
    if not len(paragraphs):
        return final
    head = int(kept[0])
    limit = np.log1p(np.expm1(log_words[0]) + HEADLINE_COPY_EXTRA_WORDS)
    after = paragraphs[0] + 1
    candidates = kept[after:][log_words[after:] <= limit].tolist()
    if not candidates:
        return final
    out = final
    title: frozenset[str] | None = None
    for i in candidates:
        if (len(sentences) == n and sentences[i]) or (len(continues) == n and continues[i]):
            continue
        if len(vocab) == n and len(vocab[head] & vocab[i]) < 2:
            continue
        if title is None:
            title = stems[head]
            if len(title) < HEADLINE_COPY_MIN_STEMS:
                return final
        if len(title & stems[i]) >= HEADLINE_COPY_SHARE * len(title):
            out = _body_to_label(out, final, i, _CHROME)
    return out


def drop_menu_lines(final: np.ndarray, shapes: np.ndarray, menus: Sequence[bool], cells: Sequence[int],
                    threshold: float, index: np.ndarray | None = None) -> np.ndarray:
    """A menu row above the article's first paragraph or below its last is the page's chrome (one
    document).

    A site's section bar («الرئيسية - عربي ودولي - تكنولوجيا - الرأي») is new wording to the model
    on every site, and reads as body. A line read as body that is a menu row (LineFacts.menu: four
    or more short items between separators, no digit) goes to chrome when no paragraph (at least
    BOX_PARAGRAPH_WORDS words) read as body comes both before and after it, and it is no row of a
    table (a line with pipe cells next to another one).
    """
    n = len(final)
    if n < 2 or not any(menus):
        return final
    index = _label_index(final, threshold) if index is None else index
    paragraphs = np.flatnonzero((index == _BODY) & (shapes[:, 1] >= _LOG_PARAGRAPH_WORDS))
    if not len(paragraphs):
        return final
    first, last = int(paragraphs[0]), int(paragraphs[-1])
    out = final
    for i in (i for i, menu in enumerate(menus) if menu):
        if index[i] != _BODY or first < i < last:
            continue
        if cells[i] and ((i > 0 and cells[i - 1]) or (i + 1 < n and cells[i + 1])):
            continue  # a table's row
        out = _body_to_label(out, final, i, _CHROME)
    return out


#: Rows a run of table lines needs before its majority speaks for the rest.
TABLE_MIN_ROWS = 2


def keep_table_rows(final: np.ndarray, cells: Sequence[int], threshold: float) -> np.ndarray:
    """A table's rows go together: in a run of consecutive lines with the same number of pipe
    cells, of which at least half are body, or which sits between two body lines, the rest are
    body too (one document).

    Figures in pipes (a league table, prices, results) read as tag or menu lines one by one; a menu
    or a share bar is a single line, or junk as a whole, and a ticker or widget table sits above
    or below the article, not between two of its lines.
    """
    n = len(final)
    if n < TABLE_MIN_ROWS or not any(cells):
        return final
    labels, _ = decide(final, threshold, frozenset())
    out = final
    start = 0
    while start < n:
        end = start + 1
        while end < n and cells[start] and cells[end] == cells[start]:
            end += 1
        rows = range(start, end)
        if cells[start] and end - start >= TABLE_MIN_ROWS:
            body = sum(labels[i] == "body" for i in rows)
            inside = start > 0 and end < n and labels[start - 1] == "body" and labels[end] == "body"
            if (len(rows) <= 2 * body or inside) and body < len(rows):
                if out is final:
                    out = final.copy()
                for i in rows:
                    if labels[i] != "body":
                        out[i] = 0.0
                        out[i, _BODY] = 1.0
        start = end
    return out


class _Stems(Sequence[frozenset[str]]):
    """Each line's topical stems, folded only for the lines a rule reads: most documents meet
    no rule that needs them. `memo` (vocabulary -> stems) may be shared by the documents of a
    batch and its passes: a line judged again after a removal keeps its vocabulary object."""

    def __init__(self, vocab: Sequence[frozenset[str]], memo: dict[frozenset[str], frozenset[str]] | None = None
                 ) -> None:
        self.vocab = vocab
        self.memo: dict[frozenset[str], frozenset[str]] = {} if memo is None else memo

    def __len__(self) -> int:
        return len(self.vocab)

    def __getitem__(self, i: int) -> frozenset[str]:  # type: ignore[override]
        words = self.vocab[i]
        stems = self.memo.get(words)
        if stems is None:
            stems = self.memo[words] = topic_stems(words)
        return stems


class Screens(NamedTuple):
    """Per document, whether each rule that starts from the lines' own looks can apply at all.

    Each field is the first condition its rule checks, on own probabilities and shapes only, so
    that a batch answers it for all its documents in a few array calls: a rule whose screen is
    False would return its input unchanged, and is not called (most documents need two or
    three of the rules, and each call costs a dozen numpy calls on a few dozen rows).
    """

    continuing: bool = True  # keep_continuing_body: a line that looks like a paragraph on its own
    reopen: bool = True  # reopen_after_mid_body_box: a bare read-also marker
    paragraph_run: bool = True  # keep_paragraph_run: a paragraph after the first line
    related_list: bool = True  # close_related_list: LIST_MIN_ITEMS bullet lines
    bullet: bool = True  # keep_article_list: a bullet line
    summary: bool = True  # close_summary_widget: a short line that is chrome on its own
    trust: bool = True  # trust_sure_lines: a line it is all but sure of


#: The screens of a document nothing is known about: every rule is called.
_ALL_RULES = Screens()


def screen_documents(own: np.ndarray, shapes: np.ndarray, sentences: Sequence[bool],
                     lengths: Sequence[int]) -> list[Screens]:
    """The Screens of documents laid end to end (`lengths` non-blank lines each), for decode_document."""
    words = np.expm1(shapes[:, 1])
    short = words <= MARKER_MAX_WORDS
    body_look = own[:, _BODY] >= CONTINUE_OWN_BODY
    paragraph = _paragraph_shaped(words, sentences) & body_look
    bounds = np.cumsum([0, *lengths])
    firsts = bounds[:-1][np.asarray(lengths, dtype=np.intp) > 0]
    paragraph[firsts] = False  # keep_paragraph_run never reopens a document's first line
    flags = np.stack([
        (words >= CONTINUE_MIN_WORDS) & body_look,
        (own[:, _RELATED] >= RELATED_SELF) & short,
        paragraph,
        shapes[:, 2] > 0,
        shapes[:, 2] > 0,
        (own[:, _CHROME] >= SUMMARY_HEADER_OWN) & short,
        (own[:, _RELATED] >= RELATED_CERTAIN)
        | (short & (own[:, _SURFACE_SURE].max(axis=1, initial=0.0) >= SURFACE_CERTAIN)),
    ], axis=1)
    counts = np.concatenate((np.zeros((1, flags.shape[1]), dtype=np.intp), np.cumsum(flags, axis=0)))
    per_doc = counts[bounds[1:]] - counts[bounds[:-1]]
    needed = np.array([1, 1, 1, LIST_MIN_ITEMS, 1, 1, 1])
    return [Screens(*row) for row in (per_doc >= needed).tolist()]


def decode_document(final: np.ndarray, own: np.ndarray, shapes: np.ndarray, facts: Sequence[LineFacts],
                    threshold: float, stem_memo: dict[frozenset[str], frozenset[str]] | None = None,
                    screens: Screens = _ALL_RULES) -> np.ndarray:
    """One document's decode rules, in order, on the context model's probabilities after
    gate_surface (which the caller applies to the whole batch at once); `stem_memo` is a
    vocabulary -> topical stems dict the caller may share between documents and passes, and
    `screens` (screen_documents) says which rules can be skipped."""
    vocab = [fact.vocab for fact in facts]
    stems = _Stems(vocab, stem_memo)
    sentences = [fact.sentence for fact in facts]
    cells = [fact.cells for fact in facts]
    continues = [fact.continues for fact in facts]
    # The rules' label index of the probabilities they are given, computed once per array: most
    # rules hand their input on unchanged, and the next one would compute the same index again.
    known: list[np.ndarray] = [final, _label_index(final, threshold)]

    def index_of(probabilities: np.ndarray) -> np.ndarray:
        if probabilities is not known[0]:
            known[:] = [probabilities, _label_index(probabilities, threshold)]
        return known[1]

    out = close_end_block(final, shapes, threshold, stems, sentences, index=known[1], continues=continues)
    if screens.continuing:
        out = keep_continuing_body(out, own, shapes, stems, threshold, index=index_of(out))
    if screens.reopen:
        out = reopen_after_mid_body_box(out, own, shapes, stems, threshold, sentences, continues)
    if screens.paragraph_run:
        out = keep_paragraph_run(out, own, shapes, threshold, sentences, index=index_of(out))
    if screens.related_list:
        out = close_related_list(out, shapes, threshold, sentences, own=own, index=index_of(out))
    if screens.bullet:
        out = keep_article_list(out, own, shapes, threshold, index=index_of(out))
    if screens.summary:
        out = close_summary_widget(out, own, shapes, vocab, threshold)
    if screens.trust:
        out = trust_sure_lines(out, own, shapes)
    out = keep_own_headline(out, own, shapes, stems, threshold, cells, index=index_of(out))
    out = keep_own_subheading(out, own, shapes, stems, threshold, sentences, index=index_of(out))
    out = keep_table_rows(out, cells, threshold)
    out = drop_headline_copy(out, shapes, stems, threshold, sentences, continues, index=index_of(out), vocab=vocab)
    out = drop_menu_lines(out, shapes, [fact.menu for fact in facts], cells, threshold, index=index_of(out))
    return judge_tiny_document(out, own)
