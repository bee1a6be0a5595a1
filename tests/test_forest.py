"""The flat tree walk gives the context model's own probabilities, on small and odd batches."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from stripper.core import default_stripper
from stripper.forest import BINNED_MIN_ROWS, Forest, predict_proba


@pytest.fixture(scope="module")
def toy() -> HistGradientBoostingClassifier:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 6))
    X[rng.random(X.shape) < 0.05] = np.nan  # missing values teach each split a side for NaN
    y = (np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]) > 0).astype(int) + (np.nan_to_num(X[:, 2]) > 1)
    return HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=9, random_state=0).fit(X, y)


def test_agrees_with_scikit_learn_with_missing_values(toy: HistGradientBoostingClassifier) -> None:
    X = np.random.default_rng(1).normal(size=(40, 6))
    X[::3, 1] = np.nan
    assert np.allclose(Forest(toy).predict_proba(X), toy.predict_proba(X), atol=1e-12)


def test_binary_model() -> None:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 3))
    model = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, X[:, 0] > 0)
    assert np.allclose(Forest(model).predict_proba(X[:20]), model.predict_proba(X[:20]), atol=1e-12)


@pytest.fixture(scope="module")
def full_size() -> HistGradientBoostingClassifier:
    """A context model of the packaged one's size: as many rounds, leaves and classes."""
    from stripper.learn import CONTEXT_LEAVES, CONTEXT_ROUNDS

    rng = np.random.default_rng(7)
    X = rng.random((3000, 20))
    y = np.digitize(X[:, 0] + 0.5 * X[:, 1] * X[:, 2] + 0.2 * rng.random(3000), np.linspace(0.2, 1.2, 6))
    return HistGradientBoostingClassifier(max_iter=CONTEXT_ROUNDS, max_leaf_nodes=CONTEXT_LEAVES,
                                          early_stopping=False, random_state=0).fit(X, y)


def test_agrees_on_a_model_the_size_of_the_packaged_one(full_size: HistGradientBoostingClassifier) -> None:
    X = np.random.default_rng(3).random((25, 20))
    assert np.allclose(Forest(full_size).predict_proba(X), full_size.predict_proba(X), atol=1e-12)


def test_arrays_round_trip(full_size: HistGradientBoostingClassifier) -> None:
    # What the packaged model stores is enough to score exactly as the fitted model does.
    X = np.random.default_rng(4).random((300, 20))
    forest = Forest.from_arrays(Forest(full_size).to_arrays())
    assert np.allclose(predict_proba(full_size, forest, X), full_size.predict_proba(X), atol=1e-9)


def test_inconsistent_arrays_are_refused(toy: HistGradientBoostingClassifier) -> None:
    arrays = Forest(toy).to_arrays()
    with pytest.raises(ValueError, match="missing forest array"):
        Forest.from_arrays({k: v for k, v in arrays.items() if k != "leaf_value"})
    with pytest.raises(ValueError, match="inconsistent shapes"):
        Forest.from_arrays({**arrays, "split_threshold": arrays["split_threshold"][:-1]})


def test_large_batches_are_scored_in_chunks(toy: HistGradientBoostingClassifier,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from stripper import forest as forest_module

    monkeypatch.setattr(forest_module, "SCORE_CHUNK_ROWS", 7)
    monkeypatch.setattr(forest_module, "CHUNK_ROWS", 7)
    X = np.random.default_rng(5).normal(size=(30, 6))
    X[::5, 2] = np.nan
    X[::7, 0] = 1e6  # beyond every threshold seen in training
    assert np.allclose(predict_proba(toy, Forest(toy), X), toy.predict_proba(X), atol=1e-12)
    assert np.allclose(predict_proba(toy, None, X), toy.predict_proba(X), atol=1e-12)
    assert Forest(toy).predict_proba(X[:0]).shape == (0, 3)


@pytest.mark.parametrize("leaves", [2, 16, 17, 40])
def test_trees_of_any_size_up_to_64_leaves(leaves: int) -> None:
    # The leaf masks widen from 16 to 32 and 64 bits; a stump has one split.
    rng = np.random.default_rng(leaves)
    X = rng.normal(size=(2000, 4))
    y = (np.sin(3 * X[:, 0]) + X[:, 1] * X[:, 2] > 0).astype(int) + (X[:, 3] > 1)
    model = HistGradientBoostingClassifier(max_iter=5, max_leaf_nodes=leaves, min_samples_leaf=5,
                                           random_state=0).fit(X, y)
    assert np.allclose(Forest(model).predict_proba(X[:300]), model.predict_proba(X[:300]), atol=1e-12)


def test_the_packaged_trees_score_alike_binned_and_unbinned() -> None:
    context_model = default_stripper().model.context_model
    X = np.random.default_rng(6).random((300, context_model.n_features_in_))
    forest = context_model.forest
    unbinned = np.concatenate([forest.predict_proba(X[i : i + 32]) for i in range(0, 300, 32)])
    assert np.allclose(predict_proba(context_model, forest, X), unbinned, atol=1e-12)


@pytest.mark.parametrize("rows", [1, 7, 8, 9, BINNED_MIN_ROWS - 1, BINNED_MIN_ROWS, BINNED_MIN_ROWS + 1])
def test_short_batches_are_binned_by_one_search_with_the_same_scores(rows: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Below BINNED_MIN_ROWS rows one search over all thresholds bins them; from it on, a search
    # per feature. Values on a threshold exactly and beyond every threshold must land alike.
    context_model = default_stripper().model.context_model
    forest = context_model.forest
    rng = np.random.default_rng(rows)
    X = rng.random((rows, context_model.n_features_in_))
    at = rng.random(X.shape) < 0.3
    X[at] = forest.split_threshold[rng.integers(0, len(forest.split_threshold), at.sum())]
    X[np.isinf(X)] = 1e300
    X[::4, 0] = -1e9
    unbinned = forest.predict_proba(X)
    calls: list[int] = []
    bins = forest.bins
    monkeypatch.setattr(forest, "bins", lambda X: calls.append(len(X)) or bins(X))
    assert np.array_equal(predict_proba(context_model, forest, X), unbinned)
    assert calls == ([] if rows < BINNED_MIN_ROWS else [rows])


def test_short_batches_with_missing_values_take_the_float_path(toy: HistGradientBoostingClassifier) -> None:
    X = np.random.default_rng(8).normal(size=(5, 6))
    X[2, 1] = np.nan
    assert np.allclose(predict_proba(toy, Forest(toy), X), toy.predict_proba(X), atol=1e-12)
