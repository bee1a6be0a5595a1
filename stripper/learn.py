"""Fit the two models: the per-line classifier, then the context model on its out-of-fold output."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from .decode import DEFAULT_THRESHOLD, context_matrix, text_context
from .documents import LabelledDoc
from .features import featurize, line_tokens
from .labels import LABEL_INDEX
from .model import Model

logger = logging.getLogger(__name__)

#: L2 penalty of the line classifier (log-loss SGD: minutes of LBFGS become seconds).
LINE_ALPHA = 2e-5
#: Passes over the training lines.
LINE_EPOCHS = 12
#: Inner folds that give the context model honest (out-of-fold) line probabilities.
INNER_FOLDS = 3
#: Boosting rounds, leaves and learning rate of the context model (kept small: the model ships).
CONTEXT_ROUNDS = 120
CONTEXT_LEAVES = 15
CONTEXT_LEARNING_RATE = 0.1
#: Weight of a hand-labelled line relative to a composed one.
HAND_WEIGHT = 3.0


#: A junk line at least this long, with no cue phrase, reads as a paragraph: its junk function
#: (a second article's text, a repeated headline, a summary bullet) is only visible in context.
SURFACE_BODY_WORDS = 10


def surface_label(text: str, label: str) -> str:
    """What a line looks like on its own: the target of the line model (the context model learns function)."""
    if label in ("related", "chrome") and len(text.split()) >= SURFACE_BODY_WORDS:
        tokens = line_tokens(text)
        if not any(t.startswith(("phrase=", "scue=")) for t in tokens):
            return "body"
    return label


class Prepared:
    """The non-blank lines of a set of documents, featurised once."""

    def __init__(self, docs: Sequence[LabelledDoc], extras: dict[str, list[list[str]]] | None = None) -> None:
        """Featurise `docs`; `extras` maps a doc id to per-non-blank-line extra tokens."""
        texts: list[str] = []
        line_extras: list[list[str]] = []
        labels: list[int] = []
        surface: list[int] = []
        groups: list[str] = []
        weights: list[float] = []
        lengths: list[int] = []
        for doc in docs:
            doc_extras = (extras or {}).get(doc.id)
            n = 0
            for text, label in doc.lines:
                if not text.strip():
                    continue
                texts.append(text)
                line_extras.append(doc_extras[n] if doc_extras else [])
                labels.append(LABEL_INDEX[label or "body"])
                surface.append(LABEL_INDEX[surface_label(text, label or "body")])
                groups.append(doc.site)
                weights.append(1.0 if doc.id.startswith("composed-") else HAND_WEIGHT)
                n += 1
            lengths.append(n)
        facts, self.X = featurize(texts, line_extras if extras else None)
        # One entry per (line, column): scoring does not care, but the fit's rounding would.
        self.X.sum_duplicates()
        self.y = np.asarray(labels)
        self.surface = np.asarray(surface)
        self.groups = np.asarray(groups)
        self.shapes = np.asarray([f.shape for f in facts], dtype=float).reshape(-1, 4)
        self.weights = np.asarray(weights)
        self.lengths = lengths
        self.text = text_context([f.vocab for f in facts], lengths, np.expm1(self.shapes[:, 1]))


def _line_model(seed: int) -> SGDClassifier:
    return SGDClassifier(loss="log_loss", alpha=LINE_ALPHA, max_iter=LINE_EPOCHS, tol=None,
                         n_jobs=2, random_state=seed)


def _full(estimator: SGDClassifier, X: object) -> np.ndarray:
    raw = estimator.predict_proba(X)
    out = np.zeros((raw.shape[0], len(LABEL_INDEX)))
    out[:, estimator.classes_] = raw
    return out


def _bfloat16_precision(weights: np.ndarray) -> np.ndarray:
    """Float32 weights rounded to 8 bits of mantissa: the shipped model compresses to half, and a
    0.4% relative change of linear weights changes no decision measurably."""
    bits = np.ascontiguousarray(weights, dtype=np.float32).view(np.uint32)
    rounded = (bits + np.uint32(0x8000)) & np.uint32(0xFFFF0000)
    return rounded.view(np.float32)


def fit(prep: Prepared, seed: int = 0) -> Model:
    """Fit the line model and, on its out-of-fold probabilities, the context model."""
    oof = np.zeros((len(prep.y), len(LABEL_INDEX)))
    n_groups = len(set(prep.groups.tolist()))
    splitter = GroupKFold(n_splits=min(INNER_FOLDS, n_groups))
    for k, (tr, te) in enumerate(splitter.split(prep.X, prep.y, prep.groups)):
        logger.info("inner fold %d: %d train lines", k, len(tr))
        inner = _line_model(seed).fit(prep.X[tr], prep.surface[tr], sample_weight=prep.weights[tr])
        oof[te] = _full(inner, prep.X[te])
    line_model = _line_model(seed).fit(prep.X, prep.surface, sample_weight=prep.weights)
    line_model.coef_ = _bfloat16_precision(line_model.coef_)
    line_model.intercept_ = line_model.intercept_.astype(np.float32)
    ctx = context_matrix(oof, prep.shapes, prep.lengths, prep.text)
    with threadpool_limits(limits=1, user_api="openmp"):
        # One thread: OpenMP barriers spin for minutes when the machine has other work.
        context_model = _context_model(seed).fit(ctx, prep.y, sample_weight=prep.weights)
    return Model(line_model=line_model, context_model=context_model, threshold=DEFAULT_THRESHOLD)


def _context_model(seed: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        max_iter=CONTEXT_ROUNDS, max_leaf_nodes=CONTEXT_LEAVES, learning_rate=CONTEXT_LEARNING_RATE,
        random_state=seed, early_stopping=False,
    )
