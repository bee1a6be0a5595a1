"""The context model's trees as flat arrays, walked for all trees and rows at once.

scikit-learn's HistGradientBoostingClassifier predicts tree by tree, with a Python call per tree:
a page of twenty lines pays ~840 calls (about 10 ms) whatever its size. Here every node of every
tree sits in one set of arrays, and one numpy step moves every (row, tree) pair a level down, so
a small batch costs a millisecond. Large batches go back to scikit-learn, whose compiled walk is
faster per row. There the rows are first binned as in training (one byte per value, so a chunk
of rows stays in cache) and walked with each tree's binned predictor, which halves the time of
scikit-learn's float walk. The arithmetic is the same: the results agree to float rounding.
"""

from __future__ import annotations

import numpy as np

#: Up to this many (row, tree) pairs are walked here; past it scikit-learn's own walk is faster.
MAX_PAIRS = 100_000
#: Rows per scikit-learn call on large batches: it walks each tree over all rows it is given, so
#: rows that fit in the CPU cache make the walk 2-3x faster than one call over 40,000 rows.
CHUNK_ROWS = 2048
#: Rows per binned walk: a binned row is one byte per feature, so more of them fit in cache.
BINNED_CHUNK_ROWS = 8192


class Forest:
    """A fitted HistGradientBoostingClassifier (numeric features, no categorical ones) as arrays."""

    def __init__(self, model: object) -> None:
        """Flatten the trees of `model`; ValueError when it uses what this walk does not support."""
        predictors = model._predictors  # type: ignore[attr-defined]
        if getattr(model, "is_categorical_", None) is not None:
            raise ValueError("categorical features are not supported")
        self.classes = int(model.n_trees_per_iteration_)  # type: ignore[attr-defined]
        self.baseline = np.asarray(model._baseline_prediction, dtype=float).reshape(-1)  # type: ignore[attr-defined]
        trees = [tree.nodes for iteration in predictors for tree in iteration]
        tree_class = np.tile(np.arange(self.classes), len(predictors))
        depths = np.array([int(t["depth"].max()) for t in trees])
        # Deepest trees first: the walk at level d only touches the trees deeper than d.
        order = np.argsort(-depths, kind="stable")
        trees = [trees[i] for i in order]
        sizes = np.array([len(t) for t in trees])
        offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        flat = np.concatenate(trees)
        base = np.repeat(offsets, sizes)
        leaf = flat["is_leaf"].astype(bool)
        # A leaf points at itself, so extra steps leave finished walks where they are.
        own = np.arange(len(flat))
        left = np.where(leaf, own, flat["left"].astype(np.int64) + base)
        right = np.where(leaf, own, flat["right"].astype(np.int64) + base)
        # children[2 * node + 1] is where a row goes when its value is above the threshold.
        self.children = np.column_stack([left, right]).reshape(-1).astype(np.int32)
        self.feature = np.where(leaf, 0, flat["feature_idx"]).astype(np.int32)
        # A leaf compares against +inf, so any number stays "left", which is itself.
        self.threshold = np.where(leaf, np.inf, flat["num_threshold"])
        self.missing_left = flat["missing_go_to_left"].astype(bool)
        self.value = flat["value"]
        self.roots = offsets.astype(np.int32)
        sorted_depths = depths[order]
        # active[d]: how many trees (a prefix, deepest first) still move at level d.
        self.active = [int((sorted_depths > d).sum()) for d in range(int(depths.max(initial=0)))]
        # Summing leaves per class is one product with this (trees x classes) indicator.
        self.class_sum = np.zeros((len(trees), self.classes))
        self.class_sum[np.arange(len(trees)), tree_class[order]] = 1.0

    def raw(self, X: np.ndarray) -> np.ndarray:
        """Raw scores (n_rows x classes): baseline plus the sum of each class's trees' leaves."""
        X = np.ascontiguousarray(X, dtype=float)
        n, width = X.shape
        flat_x = X.reshape(-1)
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        row_start = (np.arange(n, dtype=np.int32) * width)[:, None]
        missing = bool(np.isnan(flat_x).any())
        for count in self.active:
            walking = node[:, :count]
            x = flat_x[row_start + self.feature[walking]]
            above = x > self.threshold[walking]
            if missing:
                # NaN compares false: send it where the tree learned missing values go.
                above = np.where(np.isnan(x), ~self.missing_left[walking], above)
            node[:, :count] = self.children[2 * walking + above]
        return self.value[node] @ self.class_sum + self.baseline

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities, as the model's predict_proba gives them."""
        return _softmax(self.raw(X))


def _softmax(raw: np.ndarray) -> np.ndarray:
    if raw.shape[1] == 1:
        p = 1.0 / (1.0 + np.exp(-raw[:, 0]))
        return np.column_stack([1.0 - p, p])
    raw -= raw.max(axis=1, keepdims=True)
    e = np.exp(raw)
    return e / e.sum(axis=1, keepdims=True)


def binned_proba(model: object, X: np.ndarray) -> np.ndarray:
    """Class probabilities from the model's own binned tree walk (what its training used)."""
    mapper = model._bin_mapper  # type: ignore[attr-defined]
    missing_bin = mapper.missing_values_bin_idx_
    baseline = np.asarray(model._baseline_prediction, dtype=float).reshape(1, -1)  # type: ignore[attr-defined]
    parts = []
    for start in range(0, X.shape[0], BINNED_CHUNK_ROWS):
        binned = mapper.transform(X[start : start + BINNED_CHUNK_ROWS])
        raw = np.repeat(baseline, len(binned), axis=0)
        for iteration in model._predictors:  # type: ignore[attr-defined]
            for k, tree in enumerate(iteration):
                raw[:, k] += tree.predict_binned(binned, missing_bin, 1)
        parts.append(_softmax(raw))
    return np.concatenate(parts) if parts else np.zeros((0, max(baseline.shape[1], 2)))


def predict_proba(model: object, forest: Forest | None, X: np.ndarray) -> np.ndarray:
    """The model's probabilities for X: the flat walk for a small batch, the binned walk for a
    large one (scikit-learn's own predict_proba for a model without them)."""
    if forest is not None and X.shape[0] * len(forest.roots) <= MAX_PAIRS:
        return forest.predict_proba(X)
    if forest is not None:
        return binned_proba(model, X)
    if X.shape[0] <= CHUNK_ROWS:
        return model.predict_proba(X)  # type: ignore[attr-defined]
    return np.concatenate([model.predict_proba(X[i : i + CHUNK_ROWS])  # type: ignore[attr-defined]
                           for i in range(0, X.shape[0], CHUNK_ROWS)])
