"""The `Stripper`: normalise -> line features -> line model -> context decode -> text contract."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
from threadpoolctl import ThreadpoolController

from .decode import (
    DEFAULT_THRESHOLD,
    context_matrix,
    decide,
    decode_document,
    gate_surface,
    screen_documents,
    text_context,
)
from .features import LineFacts, featurize
from .forest import Forest
from .forest import predict_proba as forest_proba
from .labels import LABELS, check_keep
from .model import Model, TreeModel, load_model, load_packaged
from .textlines import BOM, Document, join_kept, split_document

logger = logging.getLogger(__name__)

#: Documents per model call in `strip_many`.
DEFAULT_BATCH_SIZE = 256
#: Documents with at most this many non-blank lines are judged until nothing moves, which is what
#: makes strip(strip(x)) == strip(x); far beyond any article (a long one has a few hundred).
FIXPOINT_MAX_LINES = 5_000
#: Passes for longer documents (a million one-word lines can cascade for hundreds of passes):
#: their time stays linear in their size, and idempotence is not promised for them.
MAX_PASSES = 2
#: Lines up to this long have their own probabilities cached across documents: junk lines
#: repeat across a site's pages, paragraphs rarely do.
SHORT_LINE_CHARS = 120
#: Entries in that cache at most; lines past it are cached for their batch only.
SHORT_LINE_CACHE = 100_000
#: Distinct lines featurised and hashed together, so that a huge document never holds the
#: tokens of all its lines at once.
FEATURE_SLICE = 8192


Selector = Callable[[Sequence[str]], Sequence[bool]]


class Verdict(NamedTuple):
    """What `judge_many` says of one document: the stripped text, the removed lines with their
    labels (numbered as in the input), and whether no judged line is left."""

    text: str
    removed: list[Line]
    no_body: bool


class _State:
    """One document's progress through the strip passes."""

    def __init__(self, text: str) -> None:
        doc = split_document(text)
        self.original = doc.lines
        self.text = text
        self.origin = doc.text_indices()  # input index of each non-blank line of `text`
        self.removed: list[Line] = []
        self._doc: Document | None = doc

    @property
    def doc(self) -> Document:
        """`text` cut into lines (cut once per text)."""
        if self._doc is None:
            self._doc = split_document(self.text)
        return self._doc

    def shrink(self, doc: Document, mask: list[bool], position: dict[int, int]) -> None:
        """Keep only the lines of `doc` (this state's text) that `mask` marks."""
        self.text = join_kept(doc, mask)
        self.origin = [self.origin[position[j]] for j in position if mask[j]]
        self._doc = None


def _rows(doc: Document, select: Selector | None) -> list[int]:
    """The lines the model judges: non-blank ones the selector (if any) accepts."""
    if select is None:
        return doc.text_indices()
    mask = select(doc.lines)
    return [i for i in doc.text_indices() if mask[i]]


def _keep_inner_bom_covered(doc: Document, mask: list[bool], state: _State, position: dict[int, int]) -> None:
    """Keep the removed line just above a first kept line that starts with U+FEFF.

    Without it the output would start with that character, which reads as a BOM the input never
    had: the kept line would lose a character. Keeping junk is the safe side of the trade.
    """
    if doc.bom:
        return
    first = next((j for j in position if mask[j]), None)
    if first is None or not doc.lines[first].startswith(BOM):
        return
    above = [j for j in position if j < first and not mask[j]]
    # The nearest removed line above that does not itself start with U+FEFF; keeping one that
    # does would only move the problem up a line.
    plain = [j for j in above if not doc.lines[j].startswith(BOM)]
    pick = plain or above
    if pick:
        mask[pick[-1]] = True
        orig = state.origin[position[pick[-1]]]
        state.removed = [line for line in state.removed if line.number != orig + 1]


class Line(NamedTuple):
    """One input line: 1-based number, text without ending, label (None when blank), score."""

    number: int
    text: str
    label: str | None
    score: float | None


_threads: ThreadpoolController | None = None


def _one_thread() -> object:
    """A context that keeps OpenMP to one thread: per-call thread pools thrash when the caller
    already runs one process per core (corpus workers, datatrove tasks), and batches are small."""
    global _threads
    if _threads is None:
        _threads = ThreadpoolController()
    return _threads.limit(limits=1, user_api="openmp")


def _full_proba(estimator: object, X: np.ndarray, forest: Forest | None = None) -> np.ndarray:
    """predict_proba with one column per label, in LABELS order, even if a class was unseen."""
    if forest is not None:
        raw = forest_proba(estimator, forest, X)  # numpy only: no OpenMP pool to pin
    else:
        with _one_thread():  # type: ignore[attr-defined]
            raw = forest_proba(estimator, forest, X)
    classes = list(estimator.classes_)  # type: ignore[attr-defined]
    if classes == list(range(len(LABELS))):
        return raw
    out = np.zeros((raw.shape[0], len(LABELS)))
    out[:, classes] = raw
    return out


class Stripper:
    """A reusable stripper around one model; the model loads on first use."""

    def __init__(self, model: Model | str | Path | None = None, *, trusted: bool = False) -> None:
        """Use `model` (a Model, or a path loaded only with `trusted=True`), else the packaged one."""
        self._model: Model | None = None
        self._model_path: Path | None = None
        self._trusted = trusted
        self._short_lines: dict[str, tuple[np.ndarray, LineFacts]] = {}
        self._weights: tuple[object, np.ndarray, np.ndarray] | None = None
        self._forest: tuple[object, Forest | None] | None = None
        # Only a model handed over as an object travels with a pickled Stripper.
        self._lazy = not isinstance(model, Model)
        if isinstance(model, Model):
            self._model = model
        elif model is not None:
            self._model_path = Path(model)
            if not trusted:
                # Refuse at construction, not at first use, so the mistake shows where it is made.
                load_model(self._model_path, trusted=False)

    def __getstate__(self) -> dict[str, object]:
        # Workers reload the model themselves: pickling a Stripper stays cheap.
        state = dict(self.__dict__)
        if self._lazy:
            state["_model"] = None
        state["_short_lines"] = {}
        state["_weights"] = None
        state["_forest"] = None
        return state

    @property
    def model(self) -> Model:
        """The model, loaded (and integrity-checked) on first access."""
        if self._model is None:
            if self._model_path is not None:
                self._model = load_model(self._model_path, trusted=self._trusted)
            else:
                self._model = load_packaged()
            logger.debug("model loaded")
        return self._model

    def line_probabilities(self, lines: Sequence[str], extras: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """Each line's own label probabilities (no context), one row per line."""
        if not lines:
            return np.zeros((0, len(LABELS)))
        return self._line_proba(featurize(lines, extras)[1])

    def _line_proba(self, X: object) -> np.ndarray:
        """The line model's probabilities, as its predict_proba computes them (one-vs-rest
        logistic, rows normalised), without copying its weight matrix on every call."""
        line_model = self.model.line_model
        if self._weights is None or self._weights[0] is not line_model:
            self._weights = (line_model, np.ascontiguousarray(line_model.coef_.T), line_model.intercept_)
        _, weights, intercept = self._weights
        # The weights are float32: a float64 X would make scipy convert the whole weight matrix
        # (2**18 rows) on every call, which costs more than the product itself on a short page.
        scores = np.asarray(X.astype(weights.dtype, copy=False) @ weights, dtype=float) + intercept  # type: ignore[attr-defined]
        proba = 1.0 / (1.0 + np.exp(-np.clip(scores, -500, 500)))
        proba /= proba.sum(axis=1, keepdims=True)
        out = np.zeros((proba.shape[0], len(LABELS)))
        out[:, list(line_model.classes_)] = proba
        return out

    def document_probabilities(
        self,
        docs: Sequence[Sequence[str]],
        extras: Sequence[Sequence[Sequence[str]]] | None = None,
        own: np.ndarray | None = None,
        facts: Sequence[LineFacts] | None = None,
        shapes: np.ndarray | None = None,
        stem_memo: dict[frozenset[str], frozenset[str]] | None = None,
    ) -> list[np.ndarray]:
        """Final label probabilities for the non-blank lines of each document, in one model call.

        `own` and `facts`, when given together, are the lines' own probabilities and facts already
        computed (one per line of the documents laid end to end), so that repeated passes do not
        redo them; `shapes`, when given with them, is their shape rows as one array. `stem_memo`
        keeps the decode rules' topical stems between calls (vocabulary -> stems).
        """
        lengths = [len(doc) for doc in docs]
        if not sum(lengths):
            return [np.zeros((0, len(LABELS))) for _ in docs]
        if own is None or facts is None:
            flat_extras = [e for doc in extras for e in doc] if extras else None
            facts, X = featurize([line for doc in docs for line in doc], flat_extras)
            own = self._line_proba(X)
            shapes = None
        proba = own
        if shapes is None:
            shapes = np.array([f.shape for f in facts])
        text = text_context([f.vocab for f in facts], lengths, np.expm1(shapes[:, 1]))
        ctx = context_matrix(proba, shapes, lengths, text)
        final = _full_proba(self.model.context_model, ctx, self._context_forest())
        threshold = self.model.threshold or DEFAULT_THRESHOLD
        bounds = np.cumsum(lengths)[:-1]
        starts = np.concatenate(([0], bounds))
        # The first decode rule works line by line within each document: one call for the batch.
        final = gate_surface(final, proba, shapes, starts)
        memo: dict[frozenset[str], frozenset[str]] = {} if stem_memo is None else stem_memo
        screens = screen_documents(proba, shapes, [f.sentence for f in facts], lengths)
        out = []
        for f, o, s, a, screen in zip(np.split(final, bounds), np.split(proba, bounds), np.split(shapes, bounds),
                                      starts, screens):
            out.append(decode_document(f, o, s, facts[a : a + len(f)], threshold, memo, screen))
        return out

    def _context_forest(self) -> Forest | None:
        """The context model's trees as flat arrays (built once per model), None if it has none."""
        context_model = self.model.context_model
        if self._forest is None or self._forest[0] is not context_model:
            try:
                # The packaged model's trees come flat; a scikit-learn model is flattened here.
                forest: Forest | None = (context_model.forest if isinstance(context_model, TreeModel)
                                         else Forest(context_model))
            except (AttributeError, ValueError):
                forest = None  # not a HistGradientBoostingClassifier: its own predict_proba serves
            self._forest = (context_model, forest)
        return self._forest[1]

    def resolve_threshold(self, threshold: float | None) -> float:
        """The threshold to use: `threshold` checked to be in (0, 1], else the model's default."""
        if threshold is None:
            return self.model.threshold if self.model.threshold else DEFAULT_THRESHOLD
        if not 0.0 < float(threshold) <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
        return float(threshold)

    def classify(self, text: str, *, threshold: float | None = None) -> list[Line]:
        """Label every line of `text`; blank lines get label None."""
        if not isinstance(text, str):
            raise TypeError(f"classify expects str, got {type(text).__name__}")
        doc = split_document(text)
        rows = doc.text_indices()
        (proba,) = self.document_probabilities([[doc.lines[i] for i in rows]])
        labels, scores = decide(proba, self.resolve_threshold(threshold), frozenset())
        out = [Line(i + 1, line, None, None) for i, line in enumerate(doc.lines)]
        for k, i in enumerate(rows):
            out[i] = Line(i + 1, doc.lines[i], labels[k], round(float(scores[k]), 4))
        return out

    def strip(self, text: str, *, keep: Iterable[str] = (), threshold: float | None = None) -> str:
        """The article body of `text`: junk lines removed, kept lines unchanged."""
        return next(self.strip_many([text], keep=keep, threshold=threshold))

    def strip_many(
        self,
        texts: Iterable[str],
        *,
        keep: Iterable[str] = (),
        threshold: float | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> Iterator[str]:
        """Strip many documents, batching model calls across them; yields in input order."""
        keep_set = check_keep(keep)
        limit = self.resolve_threshold(threshold)
        batch: list[str] = []
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"strip expects str, got {type(text).__name__}")
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self._strip_batch(batch, keep_set, limit)
                batch = []
        if batch:
            yield from self._strip_batch(batch, keep_set, limit)

    def _strip_batch(self, texts: list[str], keep: frozenset[str], threshold: float) -> list[str]:
        return [verdict.text for verdict in self._judge_batch(texts, None, keep, threshold)]

    def judge_many(
        self,
        texts: Sequence[str],
        *,
        keep: Iterable[str] = (),
        threshold: float | None = None,
        selectors: Sequence[Selector | None] | None = None,
    ) -> list[Verdict]:
        """Strip each text exactly as `strip` does, and say which lines went and why.

        `selectors[i]`, when given, picks which lines of document i the model judges (e.g. only
        Markdown prose); the others are always kept. Labels are those of the pass that removed
        each line, so they always agree with the text `strip` returns.
        """
        return self._judge_batch(list(texts), selectors, check_keep(keep), self.resolve_threshold(threshold))

    def _judge_batch(self, texts: list[str], selectors: Sequence[Selector | None] | None,
                     keep: frozenset[str], threshold: float) -> list[Verdict]:
        picks = list(selectors) if selectors is not None else [None] * len(texts)
        states = [_State(text) for text in texts]
        pending = [k for k, state in enumerate(states) if state.text.strip()]
        table = _LineTable()
        stem_memo: dict[frozenset[str], frozenset[str]] = {}  # lives as long as `table`, which holds the keys
        # Each pass removes at least one line of every document still pending, so this ends.
        passes = 0
        while pending:
            passes += 1
            docs = [states[k].doc for k in pending]
            rows = [_rows(doc, picks[k]) for k, doc in zip(pending, docs)]
            line_lists = [[doc.lines[j] for j in r] for doc, r in zip(docs, rows)]
            own, facts, shapes = self._cached_lines(line_lists, table)
            probas = self.document_probabilities(line_lists, own=own, facts=facts, shapes=shapes,
                                                 stem_memo=stem_memo)
            # One decision for the whole batch (decide works row by row), then each document's slice.
            all_labels, all_scores = decide(np.concatenate(probas), threshold, keep)
            bounds = np.cumsum([0, *map(len, probas)]).tolist()
            still: list[int] = []
            for k, doc, r, a, b in zip(pending, docs, rows, bounds, bounds[1:]):
                state = states[k]
                labels, scores = all_labels[a:b], all_scores[a:b]
                nonblank = r if picks[k] is None else doc.text_indices()
                position = {j: p for p, j in enumerate(nonblank)}
                mask = [True] * len(doc.lines)
                for j, label, score in zip(r, labels, scores):
                    if label != "body" and label not in keep:
                        mask[j] = False
                        orig = state.origin[position[j]]
                        state.removed.append(Line(orig + 1, state.original[orig], label, round(float(score), 4)))
                _keep_inner_bom_covered(doc, mask, state, position)
                if not all(mask):
                    state.shrink(doc, mask, position)
                    still.append(k)
            # A document that lost lines is judged again in its new context until nothing moves.
            pending = [k for k in still if passes < MAX_PASSES or len(states[k].origin) <= FIXPOINT_MAX_LINES]
        out = []
        for k, state in enumerate(states):
            removed = sorted(state.removed, key=lambda line: line.number)
            out.append(Verdict(state.text, removed, bool(removed) and not _rows(state.doc, picks[k])))
        return out

    def _cached_lines(self, line_lists: list[list[str]], table: _LineTable
                      ) -> tuple[np.ndarray, list[LineFacts], np.ndarray]:
        """Own probabilities, facts and shape rows of every line, each distinct line computed once
        per batch (and short ones once per process: junk lines repeat across a site's pages)."""
        flat = [line for lines in line_lists for line in lines]
        shared = self._short_lines
        at = table.at
        missing = list(dict.fromkeys(line for line in flat if line not in at))
        found = [line for line in missing if line in shared]
        if found:
            entries = [shared[line] for line in found]
            table.add(found, [e[1] for e in entries], np.array([e[0] for e in entries]))
        missing = [line for line in missing if line not in shared]
        # In slices: a line's row of the hashed matrix takes ~0.7 KB, and is spent once scored.
        for start in range(0, len(missing), FEATURE_SLICE):
            lines = missing[start : start + FEATURE_SLICE]
            facts, X = featurize(lines)
            # Each row holds the line's own probabilities and then its shape row, so that one
            # gather per pass builds both.
            rows = np.hstack((self._line_proba(X), np.array([fact.shape for fact in facts]).reshape(-1, 4)))
            table.add(lines, facts, rows)
            for line, fact, row in zip(lines, facts, rows):
                if len(line) <= SHORT_LINE_CHARS and len(shared) < SHORT_LINE_CACHE:
                    # A copy: a view would keep its whole slice alive. Bounded: once full, the
                    # process cache stops growing.
                    shared[line] = (row.copy(), fact)
        if not flat:
            return np.zeros((0, len(LABELS))), [], np.zeros((0, 4))
        index = [at[line] for line in flat]
        stacked = table.rows.take(index, axis=0)
        all_facts = table.facts
        return stacked[:, : len(LABELS)], [all_facts[i] for i in index], stacked[:, len(LABELS) :]


class _LineTable:
    """The distinct lines of one strip batch: each line's row number, and by row its own
    probabilities with its shape row (one array), and its facts."""

    def __init__(self) -> None:
        self.at: dict[str, int] = {}
        self.rows = np.zeros((0, len(LABELS) + 4))
        self.facts: list[LineFacts] = []

    def add(self, lines: list[str], facts: list[LineFacts], rows: np.ndarray) -> None:
        """Number `lines` after the rows already held, with their facts and rows (a batch adds a
        few times in its first pass, seldom after)."""
        first = len(self.facts)
        self.at.update(zip(lines, range(first, first + len(lines))))
        self.facts.extend(facts)
        self.rows = np.concatenate((self.rows, rows))


_default: Stripper | None = None


def default_stripper() -> Stripper:
    """The process-wide Stripper with the packaged model, created on first use."""
    global _default
    if _default is None:
        _default = Stripper()
    return _default


def _pick(model: Stripper | Model | None) -> Stripper:
    if model is None:
        return default_stripper()
    if isinstance(model, Stripper):
        return model
    if isinstance(model, Model):
        return Stripper(model)
    raise TypeError("model must be a Stripper or a Model (load a file with stripper.load_model(path, trusted=True))")


def strip(text: str, *, keep: Iterable[str] = (), threshold: float | None = None,
          model: Stripper | Model | None = None) -> str:
    """The article body of `text`; `keep` names junk labels to keep, `threshold` trades recall for safety."""
    return _pick(model).strip(text, keep=keep, threshold=threshold)


def classify(text: str, *, threshold: float | None = None, model: Stripper | Model | None = None) -> list[Line]:
    """Every line of `text` with its label and score; blank lines have label None."""
    return _pick(model).classify(text, threshold=threshold)


def strip_many(texts: Iterable[str], *, keep: Iterable[str] = (), threshold: float | None = None,
               batch_size: int = DEFAULT_BATCH_SIZE, model: Stripper | Model | None = None) -> Iterator[str]:
    """Strip many documents with one model call per batch; yields results in input order."""
    return _pick(model).strip_many(texts, keep=keep, threshold=threshold, batch_size=batch_size)
