"""The context model's trees as flat arrays, evaluated for all trees and rows at once.

scikit-learn's HistGradientBoostingClassifier predicts tree by tree, with a Python call per tree:
a page of twenty lines pays ~840 calls (about 10 ms) whatever its size. Here rows are scored the
QuickScorer way (Lucchese et al., SIGIR 2015): every split of every tree is tested in one
vectorised comparison, and a split a row passes to the right rules out the leaves of its left
subtree, so what survives the OR of those leaf masks per tree is the row's exit leaf, its lowest
set bit. No walk and no loop over depth: a page of 13 lines takes about 0.17 ms (its values
binned by one search, see SMALL_WIDTHS), and in chunks of 32 rows a large batch goes faster than
scikit-learn's compiled walk (15 against 32 us a row).
The arithmetic is the same: the results agree to float rounding.
"""

from __future__ import annotations

import numpy as np

#: Rows scored together: a row costs one test per split of every tree (~12,000 for the packaged
#: model), and 32 rows of those stay in the CPU cache; fewer pay numpy's per-call cost, more
#: spill to memory (both measured slower).
SCORE_CHUNK_ROWS = 32
#: Rows scored together from byte bins: eight times less data a row, so four times the rows
#: stay in cache (256 spill: measured three times slower a row).
BINNED_CHUNK_ROWS = 128
#: Fewer rows than this are binned by one search over all features' thresholds at once and
#: scored padded to the next of SMALL_WIDTHS: a search per feature (~0.1 ms for the packaged
#: model's 72) is what a page of a dozen lines cannot win back.
BINNED_MIN_ROWS = 32
#: Row counts a short batch is padded to. With as many rows as the thresholds' tile has columns,
#: every comparison runs as one contiguous loop; broadcasting one threshold across a dozen rows
#: runs 12,000 loops of a dozen (13 rows: 130 against 220 us, the same scores).
SMALL_WIDTHS = (8, 16, BINNED_MIN_ROWS)
#: Rows per scikit-learn call for a model that cannot be flattened: it walks each tree over all
#: rows it is given, so rows that fit in the CPU cache make the walk 2-3x faster.
CHUNK_ROWS = 2048
#: Leaves a tree may have for the mask scoring (one bit each in a 64-bit mask).
MAX_LEAVES = 64
# float32's layout: the exponent field starts above 23 mantissa bits and is biased by 127.
_FLOAT32_MANTISSA = 23
_FLOAT32_BIAS = 127


def _leaf_order(nodes: np.ndarray) -> tuple[list[int], dict[int, int]]:
    """The tree's leaves left to right, and for each split the bit mask of its left subtree's leaves."""
    leaves: list[int] = []
    left_mask: dict[int, int] = {}
    # An explicit stack: deep trees must not hit the recursion limit.
    stack: list[tuple[int, bool]] = [(0, False)]
    first_leaf: dict[int, int] = {}
    while stack:
        node, done = stack.pop()
        if nodes["is_leaf"][node]:
            first_leaf[node] = len(leaves)
            leaves.append(node)
            continue
        left, right = int(nodes["left"][node]), int(nodes["right"][node])
        if done:
            # Leaves numbered from the left child's first leaf up to the right child's first leaf.
            start, end = first_leaf[left], first_leaf[right]
            left_mask[node] = ((1 << (end - start)) - 1) << start
            first_leaf[node] = start
            continue
        stack.extend([(node, True), (right, False), (left, False)])
    return leaves, left_mask


class Forest:
    """A fitted HistGradientBoostingClassifier (numeric features, no categorical ones) as arrays."""

    #: What `to_arrays` writes and `from_arrays` reads: everything the scoring derives the rest from.
    ARRAYS = ("split_feature", "split_threshold", "split_missing_left", "split_left_leaves", "leaf_value",
              "baseline", "tree_class")

    def __init__(self, model: object) -> None:
        """Flatten the trees of `model`; ValueError when it uses what this scoring does not support."""
        predictors = model._predictors  # type: ignore[attr-defined]
        if getattr(model, "is_categorical_", None) is not None:
            raise ValueError("categorical features are not supported")
        classes = int(model.n_trees_per_iteration_)  # type: ignore[attr-defined]
        baseline = np.asarray(model._baseline_prediction, dtype=float).reshape(-1)  # type: ignore[attr-defined]
        trees = [tree.nodes for iteration in predictors for tree in iteration]
        n_trees = len(trees)
        tree_class = np.tile(np.arange(classes), len(predictors))
        orders = [_leaf_order(nodes) for nodes in trees]
        most_leaves = max((len(leaves) for leaves, _ in orders), default=1)
        if most_leaves > MAX_LEAVES:
            raise ValueError(f"trees with more than {MAX_LEAVES} leaves are not supported")
        width = max((len(masks) for _, masks in orders), default=0) or 1
        # Split k of every tree side by side (split-major: k * n_trees + tree), so the OR over a
        # tree's splits runs along contiguous rows; a padding split never sends a row right.
        size = width * n_trees
        split_feature = np.zeros(size, dtype=np.intp)
        split_threshold = np.full(size, np.inf)
        split_missing_left = np.ones(size, dtype=bool)
        split_left_leaves = np.zeros(size, dtype=np.uint64)
        leaf_value = np.zeros((n_trees, most_leaves))
        for t, (nodes, (leaves, masks)) in enumerate(zip(trees, orders)):
            for k, (node, mask) in enumerate(masks.items()):
                at = k * n_trees + t
                split_feature[at] = nodes["feature_idx"][node]
                split_threshold[at] = nodes["num_threshold"][node]
                split_missing_left[at] = bool(nodes["missing_go_to_left"][node])
                split_left_leaves[at] = mask
            leaf_value[t, : len(leaves)] = nodes["value"][leaves]
        self._build(split_feature, split_threshold, split_missing_left, split_left_leaves, leaf_value, baseline,
                    tree_class)

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Forest:
        """A Forest from what `to_arrays` gave; ValueError when the arrays do not fit together."""
        forest = cls.__new__(cls)
        try:
            parts = [np.asarray(arrays[name]) for name in cls.ARRAYS]
        except KeyError as exc:
            raise ValueError(f"missing forest array {exc}") from exc
        split_feature, split_threshold, missing_left, left_leaves, leaf_value, baseline, tree_class = parts
        n_trees = leaf_value.shape[0] if leaf_value.ndim == 2 else -1
        size = len(split_feature)
        if (n_trees <= 0 or size % n_trees or leaf_value.shape[1] > MAX_LEAVES or len(tree_class) != n_trees
                or not all(len(a) == size for a in (split_threshold, missing_left, left_leaves))
                or (size and split_feature.min() < 0)):
            raise ValueError("forest arrays of inconsistent shapes")
        forest._build(split_feature.astype(np.intp), split_threshold.astype(float), missing_left.astype(bool),
                      left_leaves.astype(np.uint64), leaf_value.astype(float), baseline.astype(float).reshape(-1),
                      tree_class.astype(np.intp))
        return forest

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The arrays `from_arrays` rebuilds this Forest from (no code, no pickle)."""
        return {"split_feature": self.split_feature.astype(np.int32), "split_threshold": self.split_threshold,
                "split_missing_left": self.split_missing_left, "split_left_leaves": self.split_left_leaves,
                "leaf_value": self.leaf_value, "baseline": self.baseline,
                "tree_class": self.tree_class.astype(np.int32)}

    def _build(self, split_feature: np.ndarray, split_threshold: np.ndarray, split_missing_left: np.ndarray,
               split_left_leaves: np.ndarray, leaf_value: np.ndarray, baseline: np.ndarray,
               tree_class: np.ndarray) -> None:
        self.n_trees, most_leaves = leaf_value.shape
        self.classes = len(baseline)
        self.width = len(split_feature) // self.n_trees
        size = self.width * self.n_trees
        self.baseline = baseline
        self.tree_class = tree_class
        self.leaf_value = leaf_value
        # The narrowest mask that holds a bit per leaf: less memory to move per row.
        self.mask_type = next(t for t in (np.uint16, np.uint32, np.uint64) if np.iinfo(t).bits >= most_leaves)
        self.split_feature = split_feature
        self.split_threshold = split_threshold
        self.split_missing_left = split_missing_left
        self.split_left_leaves = split_left_leaves.astype(self.mask_type)
        self.tree_index = np.arange(self.n_trees)
        # Summing leaves per class is one product with this (trees x classes) indicator.
        self.class_sum = np.zeros((self.n_trees, self.classes))
        self.class_sum[np.arange(self.n_trees), tree_class] = 1.0
        # Every threshold of a feature, sorted: a value's bin is how many of them it exceeds, and
        # "x > threshold j" is "bin > j". Bins fit a byte (the model binned features into at
        # most 255), so the per-split comparisons move an eighth of the memory floats would.
        self.n_features = int(self.split_feature.max()) + 1 if size else 0
        self.edges = [np.unique(self.split_threshold[(self.split_feature == f) & np.isfinite(self.split_threshold)])
                      for f in range(self.n_features)]
        most = max((len(e) for e in self.edges), default=0)
        self.bin_type = np.uint8 if most < 255 else np.uint16
        self.split_bin = np.full(size, np.iinfo(self.bin_type).max, dtype=self.bin_type)
        real = np.isfinite(self.split_threshold)
        for f, edges in enumerate(self.edges):
            at = real & (self.split_feature == f)
            self.split_bin[at] = np.searchsorted(edges, self.split_threshold[at])
        # All features' thresholds in one sorted array of (feature, threshold) pairs, as complex
        # numbers (numpy orders them by real part, then imaginary): one search bins every value
        # of a short batch, its bin being its position less its feature's start.
        self.edge_starts = np.cumsum([0] + [len(e) for e in self.edges])[:-1, None]
        self.edge_keys = np.empty(int(sum(len(e) for e in self.edges)), dtype=complex)
        self.edge_keys.real = np.repeat(np.arange(self.n_features), [len(e) for e in self.edges])
        self.edge_keys.imag = np.concatenate(self.edges) if self.edges else []
        self.feature_ids = np.arange(self.n_features, dtype=float)[:, None]
        self._tiles: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.leaf_flat = self.leaf_value.ravel()
        # The exit leaf of a mask is its lowest set bit, a power of two that float32 holds exactly:
        # its exponent field (bits 23 up, biased by 127) is the leaf's number. Folding the bias
        # and each tree's offset in leaf_flat into one column turns exponents into flat indices
        # with one addition (three times faster than a lookup table for the bit).
        self.leaf_offset = (self.tree_index * self.leaf_value.shape[1] - _FLOAT32_BIAS).astype(np.int32)[:, None]
        # Trees come iteration by iteration, one per class in class order (scikit-learn's
        # layout): each class's sum is then a sum over iterations of a reshaped array.
        self.classes_cycle = bool(np.array_equal(tree_class, np.tile(np.arange(self.classes),
                                                                     max(self.n_trees // self.classes, 1))))

    def bins(self, X: np.ndarray) -> np.ndarray:
        """Each value's bin among its feature's thresholds, features first: (features, rows)."""
        out = np.empty((self.n_features, X.shape[0]), dtype=self.bin_type)
        columns = np.ascontiguousarray(X.T)
        for f, edges in enumerate(self.edges):
            out[f] = np.searchsorted(edges, columns[f], side="left")
        return out

    def raw_small(self, X: np.ndarray) -> np.ndarray:
        """Raw scores of at most SMALL_WIDTHS[-1] rows without NaN: what raw gives, by their bins."""
        n = X.shape[0]
        width = next(w for w in SMALL_WIDTHS if w >= n)
        query = np.zeros((self.n_features, width), dtype=complex)
        query.real = self.feature_ids
        query.imag[:, :n] = X[:, : self.n_features].T
        bins = self.edge_keys.searchsorted(query.ravel()).reshape(self.n_features, width) - self.edge_starts
        return self.raw_binned(bins.astype(self.bin_type))[:n]

    def _tile(self, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Each split's bin and left-leaf mask repeated `width` times side by side (built once)."""
        tile = self._tiles.get(width)
        if tile is None:
            tile = self._tiles[width] = (np.repeat(self.split_bin, width).reshape(-1, width),
                                         np.repeat(self.split_left_leaves, width).reshape(-1, width))
        return tile

    def raw_binned(self, bins: np.ndarray) -> np.ndarray:
        """Raw scores from `bins` (see bins): the same leaves as raw, with byte comparisons."""
        n = bins.shape[1]
        # At a tile's width the comparisons run as one loop; otherwise broadcast one split per row.
        split_bin, left_leaves = (self._tile(n) if n in SMALL_WIDTHS
                                  else (self.split_bin[:, None], self.split_left_leaves[:, None]))
        right = bins.take(self.split_feature, axis=0) > split_bin
        ruled_out = np.multiply(right, left_leaves, dtype=self.mask_type)
        survivors = ~np.bitwise_or.reduce(ruled_out.reshape(self.width, self.n_trees, n), axis=0)
        return self._leaf_sums(survivors)

    def _leaf_sums(self, survivors: np.ndarray) -> np.ndarray:
        """Raw scores from each (tree, row)'s surviving leaf mask: baseline plus its class's leaves."""
        lowest = survivors & (~survivors + self.mask_type(1))
        flat = lowest.astype(np.float32).view(np.int32) >> _FLOAT32_MANTISSA
        flat += self.leaf_offset
        values = self.leaf_flat.take(flat)  # (trees, rows)
        if self.classes_cycle:
            return values.reshape(-1, self.classes, values.shape[1]).sum(axis=0).T + self.baseline
        return (self.class_sum.T @ values).T + self.baseline

    def raw(self, X: np.ndarray) -> np.ndarray:
        """Raw scores (n_rows x classes): baseline plus the sum of each class's trees' leaves."""
        X = np.asarray(X, dtype=float)
        n = X.shape[0]
        if n == 0:
            return np.zeros((0, self.classes))
        # Rows last throughout: every step then runs over contiguous memory (4x faster than
        # fancy indexing rows first, and np.where over these shapes is slower still).
        x = np.ascontiguousarray(X.T).take(self.split_feature, axis=0)  # (splits, rows)
        right = x > self.split_threshold[:, None]
        if np.isnan(X).any():
            # NaN compares false: send it where the tree learned missing values go.
            right = np.where(np.isnan(x), ~self.split_missing_left[:, None], right)
        ruled_out = np.multiply(right, self.split_left_leaves[:, None], dtype=self.mask_type)
        survivors = ~np.bitwise_or.reduce(ruled_out.reshape(self.width, self.n_trees, n), axis=0)
        return self._leaf_sums(survivors)

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


def predict_proba(model: object, forest: Forest | None, X: np.ndarray) -> np.ndarray:
    """The model's probabilities for X: the mask scoring in cache-sized chunks of rows, or
    scikit-learn's own predict_proba for a model it cannot flatten."""
    if forest is not None:
        X = np.asarray(X, dtype=float)
        if not len(X):
            return forest.predict_proba(X)
        missing = np.isnan(X).any()
        if len(X) < BINNED_MIN_ROWS and not missing:
            return _softmax(forest.raw_small(X))
        if missing:
            # NaN needs the learned missing-value side; the float path knows it.
            return np.concatenate([forest.predict_proba(X[i : i + SCORE_CHUNK_ROWS])
                                   for i in range(0, len(X), SCORE_CHUNK_ROWS)])
        bins = forest.bins(X)
        return _softmax(np.concatenate([forest.raw_binned(bins[:, i : i + BINNED_CHUNK_ROWS])
                                        for i in range(0, X.shape[0], BINNED_CHUNK_ROWS)]))
    if X.shape[0] <= CHUNK_ROWS:
        return model.predict_proba(X)  # type: ignore[attr-defined]
    return np.concatenate([model.predict_proba(X[i : i + CHUNK_ROWS])  # type: ignore[attr-defined]
                           for i in range(0, X.shape[0], CHUNK_ROWS)])
